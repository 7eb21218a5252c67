"""The config round trip every metric test checks: what `gw.metrics.serialize` writes survives JSON (as a
saved model holds it) and rebuilds the same class with the same config, through `deserialize` and
through the class's own `from_config`."""
import json

from gradwork import metrics as M


def assert_config_round_trips(metric):
    """Assert the round trip for `metric`; return the metric rebuilt from the JSON config."""
    config = M.serialize(metric)
    assert json.loads(json.dumps(config)) == config
    rebuilt = M.deserialize(config)
    assert type(rebuilt) is type(metric) and rebuilt.get_config() == metric.get_config()
    assert type(metric).from_config(metric.get_config()).get_config() == metric.get_config()
    return rebuilt
