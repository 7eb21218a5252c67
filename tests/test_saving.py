"""Saving: the model file (zip of config.json, weights.npz, optimizer.npz), weights files, atomic
writes, the refusal to unpickle anything, and the registry of custom classes."""
import io
import json
import os
import pickle
import stat
import zipfile

import numpy as np
import pytest

import gradwork as gw
from gradwork import nn
from gradwork import registry
from gradwork.saving import model_io


def _weights_equal(a, b):
    wa, wb = a.get_weights(), b.get_weights()
    return len(wa) == len(wb) and all(np.array_equal(u, v) for u, v in zip(wa, wb))


def _data(n=48):
    return gw.datasets.spiral(n, n_classes=3, seed=0)


def _trained_model(seed=0):
    gw.random.seed(seed)
    model = gw.Sequential([
        nn.Input(shape=(2,)),
        nn.Dense(16, activation="relu", kernel_regularizer=gw.regularizers.L2(1e-3),
                 kernel_initializer=gw.initializers.HeNormal()),
        nn.BatchNormalization(momentum=0.9),
        nn.Dropout(0.2),
        nn.Dense(3, activation="softmax"),
    ], name="spiral_net")
    model.compile(gw.optimizers.Adam(learning_rate=0.01), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    x, y = _data()
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    model.metadata = {"dataset": "spiral", "class_names": ["a", "b", "c"]}
    return model


def _temp_files(folder):
    return [name for name in os.listdir(folder) if name.startswith(".tmp-")]


# ----------------------------------------------------------------------------------------------- round trip
def test_round_trip_predicts_identically_and_restores_compile_and_metadata(tmp_path):
    model = _trained_model()
    path = tmp_path / "model.gw"
    model.save(path)
    assert sorted(zipfile.ZipFile(path).namelist()) == ["config.json", "optimizer.npz", "weights.npz"]
    loaded = gw.load_model(path)
    assert type(loaded) is gw.Sequential and loaded.name == "spiral_net"
    assert [type(l) for l in loaded.layers] == [type(l) for l in model.layers]
    assert [n for n, _ in loaded.named_parameters()] == [n for n, _ in model.named_parameters()]
    assert _weights_equal(model, loaded)
    x, y = _data()
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.metadata == {"dataset": "spiral", "class_names": ["a", "b", "c"]}
    assert isinstance(loaded.optimizer, gw.optimizers.Adam) and loaded.optimizer.learning_rate == 0.01
    assert isinstance(loaded.loss, gw.losses.SparseCategoricalCrossentropy)
    assert loaded.metrics_names == ["loss", "accuracy"]
    assert loaded.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0)
    assert loaded.layers[0].kernel.regularizer is not None and loaded.layers[1].momentum == 0.9


def test_round_trip_resumes_training_bit_for_bit(tmp_path):
    model = _trained_model()
    model.save(tmp_path / "model.gw")
    loaded = gw.load_model(tmp_path / "model.gw")
    state, restored = model.optimizer.get_state(), loaded.optimizer.get_state()
    assert restored["iterations"] == state["iterations"] == 6
    assert state.keys() == restored.keys() and all(np.array_equal(state[k], restored[k]) for k in state)
    x, y = _data()
    for m in (model, loaded):                          # two more steps each, same batches, same dropout masks
        gw.random.seed(7)
        m.train_on_batch(x[:16], y[:16])
        m.train_on_batch(x[16:32], y[16:32])
    assert model.optimizer.iterations == loaded.optimizer.iterations == 8
    assert _weights_equal(model, loaded)


def test_a_fresh_optimizer_would_not_resume_identically(tmp_path):
    """The check above can fail: without the saved optimizer state the weights differ."""
    model = _trained_model()
    model.save(tmp_path / "model.gw")
    loaded = gw.load_model(tmp_path / "model.gw", compile=False)
    assert loaded.optimizer is None
    loaded.compile(gw.optimizers.Adam(learning_rate=0.01), "sparse_categorical_crossentropy")
    x, y = _data()
    for m in (model, loaded):
        gw.random.seed(7)
        m.train_on_batch(x[:16], y[:16])
    assert not _weights_equal(model, loaded)


def test_a_compiled_model_that_never_trained_round_trips_and_then_trains_identically(tmp_path):
    gw.random.seed(0)
    model = gw.Sequential([nn.Dense(3, input_dim=2), nn.Dense(2)])
    model.compile(gw.optimizers.Adam(0.05), "mse")
    model.save(tmp_path / "m.gw")                     # its optimizer state is only iterations = 0
    loaded = gw.load_model(tmp_path / "m.gw")
    assert loaded.optimizer.iterations == 0
    x, y = np.ones((4, 2), np.float32), np.zeros((4, 2), np.float32)
    for m in (model, loaded):
        m.train_on_batch(x, y)
        m.train_on_batch(x, y)
    assert _weights_equal(model, loaded)


def test_an_uncompiled_model_saves_without_optimizer_state(tmp_path):
    model = gw.Sequential([nn.Dense(3, input_dim=2)])
    model.save(tmp_path / "m.gw")
    assert "optimizer.npz" not in zipfile.ZipFile(tmp_path / "m.gw").namelist()
    loaded = gw.load_model(tmp_path / "m.gw")
    assert loaded.optimizer is None and _weights_equal(model, loaded)


def test_a_lazily_built_model_and_a_reloaded_one_save_again(tmp_path):
    gw.random.seed(0)
    model = gw.Sequential([nn.Dense(4, kernel_initializer=gw.initializers.RandomNormal(stddev=0.5)),
                           nn.Dense(2)])
    model.compile(gw.optimizers.SGD(0.1, momentum=0.9), "mse")
    x = np.random.default_rng(0).standard_normal((8, 5)).astype(np.float32)
    model.fit(x, np.zeros((8, 2)), epochs=1, verbose=0)
    model.save(tmp_path / "a.gw")
    once = gw.load_model(tmp_path / "a.gw")
    assert once.build_input_shape == (None, 5)
    once.save(tmp_path / "b.gw")                       # initializer configs (dicts) serialize again
    twice = gw.load_model(tmp_path / "b.gw")
    np.testing.assert_array_equal(twice.predict(x, verbose=0), model.predict(x, verbose=0))
    assert json.loads(zipfile.ZipFile(tmp_path / "a.gw").read("config.json"))["model"] == \
        json.loads(zipfile.ZipFile(tmp_path / "b.gw").read("config.json"))["model"]


def test_frozen_layers_stay_frozen_after_loading(tmp_path):
    model = gw.Sequential([nn.Dense(4, input_dim=2, trainable=False), nn.Dense(2)])
    model.compile("adam", "mse")
    model.save(tmp_path / "m.gw")
    loaded = gw.load_model(tmp_path / "m.gw")
    assert not loaded.layers[0].trainable and len(loaded.trainable_weights) == 2


# ----------------------------------------------------------------------------------------------- weights
def test_save_weights_and_load_weights(tmp_path):
    model = _trained_model()
    model.save_weights(tmp_path / "w.npz")
    with np.load(tmp_path / "w.npz", allow_pickle=False) as npz:
        assert list(npz.files) == list(model.state_dict())
    twin = _trained_model(seed=1)
    assert not _weights_equal(model, twin)
    twin.load_weights(tmp_path / "w.npz")
    assert _weights_equal(model, twin)
    other = gw.Sequential([nn.Dense(5, input_dim=2)])
    before = other.get_weights()
    with pytest.raises(gw.saving.ModelFileError, match=r"w.npz is not a weights file.*missing \['layers.0.bias"):
        other.load_weights(tmp_path / "w.npz")
    assert all(np.array_equal(a, b) for a, b in zip(before, other.get_weights()))
    model.save(tmp_path / "model.gw")
    with pytest.raises(gw.saving.ModelFileError, match=r"unexpected \['config.json'"):
        twin.load_weights(tmp_path / "model.gw")      # a model file is not a weights file


# ----------------------------------------------------------------------------------------------- atomic
def test_saving_leaves_no_temporary_files_and_the_usual_permissions(tmp_path):
    model = _trained_model()
    model.save(tmp_path / "model.gw")
    model.save(tmp_path / "model.gw")                  # overwrite
    model.save_weights(tmp_path / "w.npz")
    model.save(tmp_path / "new" / "folder" / "model.gw")
    assert sorted(os.listdir(tmp_path)) == ["model.gw", "new", "w.npz"]
    (tmp_path / "plain").write_bytes(b"")              # what an ordinary write gives
    expected = stat.S_IMODE(os.stat(tmp_path / "plain").st_mode)
    assert stat.S_IMODE(os.stat(tmp_path / "model.gw").st_mode) == expected
    os.chmod(tmp_path / "model.gw", 0o640)
    model.save(tmp_path / "model.gw")                  # an existing file keeps its mode
    assert stat.S_IMODE(os.stat(tmp_path / "model.gw").st_mode) == 0o640


@pytest.mark.parametrize("fail_on", ["weights.npz", "optimizer.npz"])
def test_a_failure_mid_write_leaves_the_old_file_intact(tmp_path, monkeypatch, fail_on):
    path = tmp_path / "model.gw"
    old = _trained_model()
    old.save(path)
    old_bytes = path.read_bytes()
    real = zipfile.ZipFile.writestr

    def failing(self, name, data, *args, **kwargs):
        if name == fail_on:
            raise OSError("disk full")
        return real(self, name, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", failing)
    with pytest.raises(OSError, match="disk full"):
        _trained_model(seed=1).save(path)
    assert path.read_bytes() == old_bytes and _temp_files(tmp_path) == []
    monkeypatch.undo()
    assert _weights_equal(gw.load_model(path), old)


def test_a_failure_in_the_rename_leaves_the_old_weights_file(tmp_path, monkeypatch):
    path = tmp_path / "w.npz"
    model = _trained_model()
    model.save_weights(path)
    old_bytes = path.read_bytes()

    def refuse(src, dst):
        raise PermissionError("read-only")

    monkeypatch.setattr(model_io.os, "replace", refuse)
    with pytest.raises(PermissionError):
        _trained_model(seed=1).save_weights(path)
    assert path.read_bytes() == old_bytes and _temp_files(tmp_path) == []


# ----------------------------------------------------------------------------------------------- no pickle
class _Sentinel:
    """Unpickling this would create a file: proof that nothing is unpickled."""

    path = None

    def __reduce__(self):
        return (open, (self.path, "w"))


def _rewrite_member(path, member, data):
    """Replace one member of the model zip by `data`."""
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    members[member] = data
    with zipfile.ZipFile(path, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)


def test_loading_never_unpickles_and_rejects_object_arrays(tmp_path, monkeypatch):
    model = _trained_model()
    path = tmp_path / "model.gw"
    model.save(path)

    def forbidden(*args, **kwargs):
        raise AssertionError("pickle must never be used to load a model")

    monkeypatch.setattr(pickle, "load", forbidden)
    monkeypatch.setattr(pickle, "loads", forbidden)
    gw.load_model(path)                                # fine without pickle at all
    monkeypatch.undo()

    sentinel = tmp_path / "pwned"
    _Sentinel.path = str(sentinel)
    weights = dict(model.state_dict())
    weights["layers.1.kernel"] = np.array([_Sentinel()], dtype=object)
    buffer = io.BytesIO()
    np.savez(buffer, **weights)                        # allow_pickle is on when saving
    _rewrite_member(path, "weights.npz", buffer.getvalue())
    with pytest.raises(gw.saving.ModelFileError, match=r"model.gw is not a gradwork model file \(weights.npz: "
                       r"'layers.1.kernel' has dtype object: arrays of Python objects are never loaded\)"):
        gw.load_model(path)
    with pytest.raises(ValueError, match="is not a weights file written by save_weights"):
        np.savez(tmp_path / "w.npz", **weights)
        model.load_weights(tmp_path / "w.npz")
    assert not sentinel.exists()


@pytest.mark.parametrize("corrupt, pattern", [
    (lambda p: p.write_bytes(b"not a zip"), r"is not a gradwork model file \(File is not a zip file\)"),
    (lambda p: _rewrite_member(p, "config.json", b"{broken"), "is not a gradwork model file"),
    (lambda p: _rewrite_member(p, "config.json", json.dumps({"format": "other/9"}).encode()),
     "unknown format 'other/9', expected 'gradwork-model/1'"),
])
def test_damaged_or_foreign_files_give_clear_errors(tmp_path, corrupt, pattern):
    path = tmp_path / "model.gw"
    gw.Sequential([nn.Dense(2, input_dim=2)]).save(path)
    corrupt(path)
    with pytest.raises(ValueError, match=pattern):
        gw.load_model(path)


def test_a_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="no model file at"):
        gw.load_model(tmp_path / "absent.gw")


# ----------------------------------------------------------------------------------------------- custom
@gw.saving.register_serializable(package="tests")
class ScaleShift(nn.Layer):
    """y = x * scale + shift with a learned shift; `scale` is a constructor argument."""

    def __init__(self, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def build(self, input_shape):
        self.shift = self.add_weight("shift", (input_shape[-1],), "zeros")

    def call(self, x):
        return x * self.scale + self.shift

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


@gw.saving.register_serializable(package="tests")
class Residual(gw.Model):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.inner = nn.Dense(units, activation="tanh")
        self.scale = ScaleShift(2.0)
        self.out = nn.Dense(2)

    def call(self, x, training=False):
        h = self.inner(x)
        return self.out(h + self.scale(h))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_a_registered_custom_layer_round_trips(tmp_path):
    gw.random.seed(0)
    model = gw.Sequential([nn.Input(shape=(3,)), ScaleShift(3.0), nn.Dense(2)])
    model.layers[0].shift.data[...] = [0.5, -1.0, 2.0]
    model.compile("adam", "mse")
    model.save(tmp_path / "m.gw")
    config = json.loads(zipfile.ZipFile(tmp_path / "m.gw").read("config.json"))
    assert config["model"]["config"]["layers"][1]["class_name"] == "tests>ScaleShift"
    loaded = gw.load_model(tmp_path / "m.gw")
    assert isinstance(loaded.layers[0], ScaleShift) and loaded.layers[0].scale == 3.0
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_a_registered_subclassed_model_round_trips_and_resumes(tmp_path):
    gw.random.seed(0)
    model = Residual(units=5)
    model.compile(gw.optimizers.RMSprop(0.01), gw.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y = gw.datasets.moons(32, noise=0.1, seed=0)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    model.save(tmp_path / "r.gw")
    loaded = gw.load_model(tmp_path / "r.gw")
    assert type(loaded) is Residual and loaded.units == 5
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    assert _weights_equal(model, loaded)


def test_an_unregistered_custom_class_names_itself_and_the_fix(tmp_path):
    class Unlisted(nn.Layer):
        def call(self, x):
            return x * 2

    model = gw.Sequential([nn.Input(shape=(2,)), Unlisted()])
    expected = r"cannot save Unlisted: it is not registered.*register_serializable\(\)"
    with pytest.raises(TypeError, match=expected):
        model.save(tmp_path / "m.gw")
    assert not (tmp_path / "m.gw").exists() and _temp_files(tmp_path) == []


def test_loading_a_class_that_is_not_registered_here_says_how_to_register(tmp_path):
    path = tmp_path / "m.gw"
    gw.Sequential([nn.Input(shape=(3,)), ScaleShift(2.0)]).save(path)
    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    config["model"]["config"]["layers"][1]["class_name"] = "tests>Vanished"
    _rewrite_member(path, "config.json", json.dumps(config).encode())
    expected = r"unknown class 'Vanished' in the saved file.*register_serializable\(\)"
    with pytest.raises(ValueError, match=expected):
        gw.load_model(path)


def test_registering_a_different_class_under_a_taken_name_is_an_error():
    with pytest.raises(ValueError, match="tests>ScaleShift is already registered"):
        @gw.saving.register_serializable(package="tests", name="ScaleShift")
        class Impostor(nn.Layer):
            pass
    assert registry.get_registered_class("tests>ScaleShift") is ScaleShift
    assert registry.get_registered_class("Dense") is nn.Dense
