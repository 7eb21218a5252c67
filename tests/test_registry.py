"""gradwork.registry: snake_case, the Registry every kind's get/serialize/deserialize uses, custom
registration, and the guarantee that loading a config imports nothing and runs no code from it."""
import builtins
import sys

import numpy as np
import pytest

import gradwork as gw
from gradwork import registry
from gradwork.registry import CUSTOM_CLASS_HINT, Configurable, Registry, snake_case


@pytest.mark.parametrize("name, expected", [
    ("Conv2D", "conv2d"), ("BatchNormalization", "batch_normalization"), ("SGD", "sgd"),
    ("MeanSquaredError", "mean_squared_error"), ("LSTM", "lstm"), ("GRU", "gru"),
    ("MultiHeadAttention", "multi_head_attention"), ("Conv2DTranspose", "conv2d_transpose"),
    ("Dense", "dense"), ("SparseTopKCategoricalAccuracy", "sparse_top_k_categorical_accuracy"),
    ("GlorotUniform", "glorot_uniform"), ("L1L2", "l1l2"), ("ReLU", "re_lu"),
])
def test_snake_case_gives_keras_names(name, expected):
    assert snake_case(name) == expected


def test_automatic_names_use_it():
    assert gw.nn.BatchNormalization().name.startswith("batch_normalization")

    class MySGD(gw.optimizers.SGD):
        def __init__(self):
            super().__init__(name=None)

    assert MySGD().name == "my_sgd"


class Shape(Configurable):
    def __init__(self, size, scale=1.0):
        self.size, self.scale = size, scale


def _table():
    return Registry("shape", Shape, entries=(Shape,), aliases={"box": Shape}, snake_case_aliases=True)


def test_lookup_aliases_and_the_unknown_name_error():
    table = _table()
    assert table.lookup("Shape") is table.lookup("box") is table.lookup("shape") is Shape
    with pytest.raises(ValueError, match=r"unknown shape 'boxx'; valid names are: 'box', 'shape' "
                                         r"\(or the class names\)"):
        table.lookup("boxx")
    with pytest.raises(ValueError, match="the shape name 'box' is already taken"):
        table.add(Configurable, "box")
    folded = Registry("optimizer", entries=(Shape,), ignore_case=True, heading="Unknown {kind}: {name!r}",
                      hint=CUSTOM_CLASS_HINT)
    assert folded.lookup("SHAPE") is Shape
    with pytest.raises(ValueError, match=r"Unknown optimizer: 'x'; valid names are: 'shape' \(any "
                                         r"capitalisation\), or pass your own class in custom_objects"):
        folded.lookup("x")


def test_serialize_deserialize_get_and_custom_objects():
    table = _table()
    shape = Shape(3, scale=0.5)
    config = table.serialize(shape)
    assert config == {"class_name": "Shape", "config": {"size": 3, "scale": 0.5}}
    rebuilt = table.deserialize(config)
    assert type(rebuilt) is Shape and rebuilt.get_config() == shape.get_config()
    assert repr(rebuilt) == "Shape(size=3, scale=0.5)"
    assert table.get(None) is None and table.get(shape) is shape

    class Other(Shape):
        pass

    other = table.deserialize({"class_name": "Other", "config": {"size": 1}}, custom_objects={"Other": Other})
    assert type(other) is Other
    with pytest.raises(TypeError, match="serialize expects a Shape, got int: 3"):
        table.serialize(3)
    with pytest.raises(ValueError, match="cannot deserialize shape from 5"):
        table.deserialize(5)


def test_the_default_config_needs_the_arguments_as_attributes():
    class Forgetful(Configurable):
        def __init__(self, size):
            self.n = size

    with pytest.raises(NotImplementedError, match="no attribute 'size'.*write get_config"):
        Forgetful(2).get_config()


def test_a_registered_custom_initializer_activation_and_loss_round_trip():
    @registry.register_serializable("test_registry")
    class Halves(gw.initializers.Initializer):
        def __init__(self, value=0.5):
            self.value = value

        def __call__(self, shape, dtype=None):
            return np.full(shape, self.value)

    @gw.saving.register_serializable("test_registry")
    def doubled(x):
        return x * 2

    @gw.saving.register_serializable("test_registry", name="Scaled")
    class ScaledError(gw.losses.Loss):
        def call(self, y_true, y_pred):
            return 2 * gw.losses.mean_squared_error(y_true, y_pred)

    config = gw.initializers.serialize(Halves(0.25))
    assert config == {"class_name": "test_registry>Halves", "config": {"value": 0.25}}
    assert gw.initializers.get(config)((2,)).tolist() == [0.25, 0.25]
    assert gw.activations.serialize(doubled) == "test_registry>doubled"
    assert gw.activations.get("test_registry>doubled") is doubled
    loss = gw.losses.deserialize(gw.losses.serialize(ScaledError(reduction="sum")))
    assert type(loss) is ScaledError and loss.reduction == "sum"
    with pytest.raises(ValueError, match="unknown initializer 'test_registry>doubled'"):
        gw.initializers.get("test_registry>doubled")  # a registered function is not an initializer


def _errors_without_imports(calls):
    """The exception each call raises, with every import forbidden while the calls run."""
    real_import, imported, errors = builtins.__import__, [], []

    def no_import(name, *args, **kwargs):
        imported.append(name)
        raise ImportError(f"loading a config imported {name!r}")

    builtins.__import__ = no_import
    try:
        for call in calls:
            try:
                call()
            except Exception as err:  # noqa: BLE001 - the errors are checked by the caller
                errors.append(err)
    finally:
        builtins.__import__ = real_import
    assert imported == []
    return errors


def test_loading_a_config_imports_nothing_and_runs_no_code():
    bad = {"module": "gradwork_registry_test_never_imported", "class_name": "os.system", "config": {}}
    deserializers = (
        gw.initializers.deserialize, gw.regularizers.deserialize, gw.losses.deserialize, gw.metrics.deserialize,
        gw.optimizers.deserialize, gw.optimizers.schedules.deserialize, gw.activations.deserialize,
        gw.registry.get_registered_class,
    )
    calls = [lambda d=d: d(bad) for d in deserializers[:-1]] + [lambda: deserializers[-1]("os.system")]
    errors = _errors_without_imports(calls)
    assert len(errors) == len(deserializers)
    for err in errors:
        assert isinstance(err, ValueError) and "'os.system'" in str(err), err
    assert "gradwork_registry_test_never_imported" not in sys.modules


def test_metrics_hold_the_one_confusion_matrix():
    assert gw.plot.confusion_matrix is gw.metrics.confusion_matrix
    cm = gw.metrics.confusion_matrix(gw.tensor([0, 1, 2, 2]), np.array([0, 2, 2, 1]))
    assert cm.tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 1]]
