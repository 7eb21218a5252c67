"""Model files written by earlier code still load: same predictions, same compile settings, and
training resumes exactly where it stopped.

tests/data/golden_*.gw were written by gradwork 0.1.0 at commit 31403da (before the model owned its
compile settings): a Sequential classifier (L2 regularizer, batch normalization, Adam on a cosine
schedule, a metric object) and the subclassed two-input, two-output `TwoHeads` below (SGD with
momentum, losses, loss weights and metrics by output name), each trained two epochs on `_data()`
without shuffling. golden_predictions.npz holds what that code predicted after loading each file,
and after one more such epoch.
"""
import json
import pathlib
import zipfile

import numpy as np
import pytest

import gradwork as gw
from gradwork import nn

DATA = pathlib.Path(__file__).parent / "data"


@gw.saving.register_serializable(package="golden")
class TwoHeads(gw.Model):
    def __init__(self, units=6, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.trunk = nn.Dense(units, activation="tanh")
        self.cls = nn.Dense(3, activation="softmax")
        self.side = nn.Dense(units)
        self.reg = nn.Dense(1)

    def call(self, inputs, training=False):
        h = self.trunk(inputs[0]) + self.side(inputs[1])
        return {"cls": self.cls(h), "reg": self.reg(h)}

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def _data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((24, 4)).astype(np.float32)
    return x, np.arange(24) % 3, x.sum(axis=1, keepdims=True)


def _cases():
    x, labels, target = _data()
    return {"sequential": (x, labels), "two_heads": ([x, x[:, :2]], {"cls": labels, "reg": target})}


def _expected(name, stage):
    with np.load(DATA / "golden_predictions.npz") as golden:
        if name == "sequential":
            return golden[f"{name}_{stage}"]
        return {k: golden[f"{name}_{k}_{stage}"] for k in ("cls", "reg")}


def _assert_close(got, expected):
    if isinstance(expected, dict):
        assert sorted(got) == sorted(expected)
        for k in expected:
            np.testing.assert_allclose(got[k], expected[k], rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["sequential", "two_heads"])
def test_an_earlier_file_loads_predicts_and_resumes_as_it_did(name):
    x, y = _cases()[name]
    model = gw.load_model(DATA / f"golden_{name}.gw")
    _assert_close(model.predict(x, verbose=0), _expected(name, "loaded"))
    model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    _assert_close(model.predict(x, verbose=0), _expected(name, "resumed"))


@pytest.mark.parametrize("name", ["sequential", "two_heads"])
def test_an_earlier_file_gives_back_its_compile_settings_and_saves_them_unchanged(name, tmp_path):
    written = json.loads(zipfile.ZipFile(DATA / f"golden_{name}.gw").read("config.json"))
    model = gw.load_model(DATA / f"golden_{name}.gw")
    assert model.get_compile_config() == written["compile"]
    model.save(tmp_path / "again.gw")
    again = json.loads(zipfile.ZipFile(tmp_path / "again.gw").read("config.json"))
    assert again == written


def test_get_compile_config_is_none_before_compile_and_compile_from_config_restores_it():
    model = gw.Sequential([nn.Input(shape=(3,)), nn.Dense(2)])
    assert model.get_compile_config() is None
    model.compile(gw.optimizers.RMSprop(0.02), "mse", metrics=["mae"])
    config = model.get_compile_config()
    twin = gw.Sequential([nn.Input(shape=(3,)), nn.Dense(2)])
    twin.compile_from_config(json.loads(json.dumps(config)))
    assert twin.get_compile_config() == config
    assert isinstance(twin.optimizer, gw.optimizers.RMSprop) and twin.optimizer.learning_rate == 0.02
    assert twin.optimizer is not model.optimizer


def test_a_custom_loss_cannot_be_saved_and_says_so():
    model = gw.Sequential([nn.Input(shape=(3,)), nn.Dense(2)])
    model.compile("sgd", lambda y, p: ((y - p) ** 2).mean())
    with pytest.raises(ValueError, match="cannot save the compile"):
        model.get_compile_config()


def test_saving_never_imports_the_models_package():
    """Dependencies run one way: gradwork.models imports gradwork.saving, never the reverse."""
    import ast

    folder = pathlib.Path(gw.saving.__file__).parent
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = (node.module or "").split(".") + [alias.name for alias in node.names]
                assert "models" not in names, (path.name, node.module)
