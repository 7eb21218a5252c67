"""Subclassed models with several inputs and outputs (lists and dicts): compile's per-output losses,
weights and metrics, log names, batching, errors, saving; shared layers (a siamese encoder) against
PyTorch and a numerical gradient; gradient clipping honoured by fit/train_on_batch against PyTorch."""
import json
import zipfile

import numpy as np
import pytest

import gradwork as gw
from gradwork import nn
from tolerances import f32_rtol  # float32 sums of n terms in another order


@pytest.fixture
def float64():
    before = gw.get_default_dtype()
    gw.set_default_dtype(np.float64)
    yield
    gw.set_default_dtype(before)


@gw.saving.register_serializable(package="test_multi_io")
class TwoInTwoOut(gw.Model):
    """Inputs [a (3 features), b (2 features)]; outputs [3 class logits, 1 regression value]."""

    def __init__(self, units=8, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.left = nn.Dense(units, activation="tanh")
        self.right = nn.Dense(units, activation="tanh")
        self.classes = nn.Dense(3)
        self.value = nn.Dense(1)

    def call(self, inputs, training=None):
        a, b = inputs
        h = self.left(a) + self.right(b)
        return [self.classes(h), self.value(h)]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@gw.saving.register_serializable(package="test_multi_io")
class DictModel(gw.Model):
    """Inputs {"left", "right"} through one shared encoder; outputs {"match", "kind", "aux"}."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.encoder = nn.Dense(6, activation="tanh")
        self.match = nn.Dense(1)
        self.kind = nn.Dense(2)
        self.aux = nn.Dense(2)

    def call(self, inputs, training=None):
        left, right = self.encoder(inputs["left"]), self.encoder(inputs["right"])
        return {"match": self.match(left * right), "kind": self.kind(left + right), "aux": self.aux(left)}


def _two_data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = [rng.standard_normal((n, 3)).astype(np.float32), rng.standard_normal((n, 2)).astype(np.float32)]
    y = [rng.integers(0, 3, n), rng.standard_normal((n, 1)).astype(np.float32)]
    return x, y


def _dict_data(n=30, seed=0):
    rng = np.random.default_rng(seed)
    x = {"left": rng.standard_normal((n, 4)).astype(np.float32),
         "right": rng.standard_normal((n, 4)).astype(np.float32)}
    y = {"match": rng.standard_normal((n, 1)).astype(np.float32), "kind": rng.integers(0, 2, n)}
    return x, y


def _two_model(seed=0, **compile_kwargs):
    gw.random.seed(seed)
    model = TwoInTwoOut(name="two")
    kwargs = dict(loss=[gw.losses.SparseCategoricalCrossentropy(from_logits=True), "mse"],
                  loss_weights=[1.0, 0.5], metrics=[["accuracy"], ["mae"]])
    kwargs.update(compile_kwargs)
    model.compile(gw.optimizers.Adam(0.01), **kwargs)
    return model


def _xent(logits, labels):
    logits = logits.astype(np.float64)
    shifted = logits - logits.max(1, keepdims=True)
    return -(shifted[np.arange(len(labels)), labels] - np.log(np.exp(shifted).sum(1)))


def _same(a, b):
    return len(a) == len(b) and all(np.array_equal(u, v) for u, v in zip(a, b))


# ----------------------------------------------------------------------------------------------- lists
def test_list_inputs_and_outputs_log_keras_names_and_the_weighted_loss():
    model = _two_model()
    x, y = _two_data()
    history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0)
    assert list(history.history) == [
        "loss", "output_1_loss", "output_2_loss", "output_1_accuracy", "output_2_mae",
        "val_loss", "val_output_1_loss", "val_output_2_loss", "val_output_1_accuracy", "val_output_2_mae"]
    assert model.metrics_names == ["loss", "output_1_loss", "output_2_loss", "output_1_accuracy",
                                   "output_2_mae"]
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.build_input_shape == [(None, 3), (None, 2)]
    logits, value = model.predict(x, batch_size=7, verbose=0)        # 40 = 5 * 7 + 5: a short last batch
    direct = model(x)
    # Batches of 7 and of 40 run different BLAS blockings, so sums are rounded in another order: float32
    # error scales with the magnitude of the summed terms (~ the outputs' scale), not with each output,
    # which can be near 0 after cancellation.
    for batched, whole in zip((logits, value), direct):
        scale = np.abs(whole.data).max()
        np.testing.assert_allclose(batched, whole.data, rtol=f32_rtol(40),
                                   atol=8 * np.finfo(np.float32).eps * scale)
    on_batch = model.predict_on_batch(x)
    assert isinstance(on_batch, list)
    np.testing.assert_array_equal(on_batch[1], model.predict(x, batch_size=40, verbose=0)[1])
    # every number from its definition: the unweighted per-output losses, their weighted sum, the metrics
    xent = _xent(logits, y[0]).mean()
    mse = ((value.astype(np.float64) - y[1]) ** 2).mean()
    result = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    assert result["output_1_loss"] == pytest.approx(xent, rel=1e-5)
    assert result["output_2_loss"] == pytest.approx(mse, rel=1e-5)
    assert result["loss"] == pytest.approx(xent + 0.5 * mse, rel=1e-5)
    assert result["output_1_accuracy"] == pytest.approx((logits.argmax(1) == y[0]).mean())
    assert result["output_2_mae"] == pytest.approx(np.abs(value - y[1]).mean(), rel=1e-5)
    # batches of 32 and of 40 instead of 16: float32 means of 40 terms summed in another order
    assert model.evaluate(x, y, verbose=0) == pytest.approx(list(result.values()), rel=f32_rtol(40))
    assert model.test_on_batch(x, y) == pytest.approx(list(result.values()), rel=f32_rtol(40))
    out = model.train_on_batch(x, y, return_dict=True)
    assert out["loss"] == pytest.approx(result["loss"], rel=1e-5)   # the loss before the update
    assert out.keys() == result.keys()


def test_a_repeated_metric_of_one_output_gets_a_unique_log_name():
    model = _two_model(metrics=[["accuracy"], ["mae", gw.metrics.MeanAbsoluteError(name="mae")]])
    x, y = _two_data()
    result = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    assert list(result) == ["loss", "output_1_loss", "output_2_loss", "output_1_accuracy", "output_2_mae",
                            "output_2_mae_1"]
    assert result["output_2_mae"] == result["output_2_mae_1"]


def test_one_loss_and_a_flat_metric_list_apply_to_every_output():
    class Twice(gw.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.a, self.b = nn.Dense(2), nn.Dense(2)

        def call(self, x, training=None):
            return (self.a(x), self.b(x))

    gw.random.seed(0)
    model = Twice()
    given = gw.metrics.MeanAbsoluteError()
    model.compile("sgd", "mse", metrics=[given, "mse"])
    x = np.random.default_rng(0).standard_normal((10, 3)).astype(np.float32)
    y = [np.zeros((10, 2), np.float32), np.ones((10, 2), np.float32)]
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "output_1_loss", "output_2_loss", "output_1_mean_absolute_error",
                          "output_1_mse", "output_2_mean_absolute_error", "output_2_mse"]
    assert given.name == "mean_absolute_error"              # the object given is copied, not renamed
    a, b = model.predict(x, verbose=0)
    assert isinstance(model.predict(x, verbose=0), tuple)  # the structure the model returns
    empty = model.predict(x[:0], verbose=0)
    assert isinstance(empty, tuple) and [e.shape for e in empty] == [(0, 2), (0, 2)]
    assert logs["output_1_loss"] == pytest.approx((a.astype(np.float64) ** 2).mean(), rel=1e-5)
    assert logs["output_2_loss"] == pytest.approx(((b.astype(np.float64) - 1) ** 2).mean(), rel=1e-5)
    assert logs["loss"] == pytest.approx(logs["output_1_loss"] + logs["output_2_loss"], rel=f32_rtol(20))
    assert logs["output_2_mean_absolute_error"] == pytest.approx(np.abs(b - 1).mean(), rel=1e-5)


class PairRecorder(gw.Model):
    """Two inputs and two outputs through one shared scale; records the inputs each call saw."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.scale = nn.Dense(1, use_bias=False, kernel_initializer="ones")
        self.seen = []

    def call(self, inputs, training=None):
        a, b = inputs
        self.seen.append((bool(training), a.data[:, 0].copy(), b.data[:, 0].copy()))
        return [self.scale(a), self.scale(b)]


def test_batches_shuffling_and_validation_take_the_same_samples_from_every_array():
    model = PairRecorder()
    targets = []

    def recording_mse(y_true, y_pred):
        targets.append(np.array(y_true.data[:, 0]))
        return ((y_true - y_pred) ** 2).mean(axis=-1)

    model.compile("sgd", recording_mse)
    n = 20
    a = np.arange(n, dtype=np.float32).reshape(n, 1)
    x, y = [a, 10 * a], [a + 1000, a + 2000]
    gw.random.seed(3)
    model.fit(x, y, epochs=2, batch_size=6, validation_split=0.25, shuffle=True, verbose=0)
    build, *seen = model.seen               # unbuilt: first built by the first sample, in inference mode
    assert build[0] is False and build[1].tolist() == [0.0] and build[2].tolist() == [0.0]
    trained = [(seen_a, seen_b) for training, seen_a, seen_b in seen if training]
    validated = [(seen_a, seen_b) for training, seen_a, seen_b in seen if not training]
    assert all(np.array_equal(sb, 10 * sa) for sa, sb in trained + validated)      # pairs stay together
    first_epoch = np.concatenate([sa for sa, _ in trained[:3]])
    assert sorted(first_epoch) == list(range(15)) and list(first_epoch) != list(range(15))   # shuffled
    assert np.array_equal(np.concatenate([sa for sa, _ in validated]), np.tile(np.arange(15, 20), 2))
    assert len(targets) == 2 * len(seen)                            # two outputs per batch
    for (_, seen_a, _), t1, t2 in zip(seen, targets[0::2], targets[1::2]):
        assert np.array_equal(t1 - 1000, seen_a) and np.array_equal(t2 - 2000, seen_a)   # y sliced alike


# ----------------------------------------------------------------------------------------------- dicts
def test_dict_inputs_and_outputs_with_a_loss_dict_weights_and_metrics_by_name():
    gw.random.seed(0)
    model = DictModel(name="pair")
    model.compile(gw.optimizers.Adam(0.02),
                  loss={"match": "mse", "kind": gw.losses.SparseCategoricalCrossentropy(from_logits=True)},
                  loss_weights={"match": 2.0}, metrics={"kind": "accuracy"})
    x, y = _dict_data()                                # no target for "aux": it has no loss and no metric
    history = model.fit(x, y, epochs=4, batch_size=8, validation_data=(x, y), verbose=0)
    assert list(history.history) == ["loss", "match_loss", "kind_loss", "kind_accuracy",
                                     "val_loss", "val_match_loss", "val_kind_loss", "val_kind_accuracy"]
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.build_input_shape == {"left": (None, 4), "right": (None, 4)}
    out = model.predict(x, batch_size=8, verbose=0)
    assert isinstance(out, dict) and {k: v.shape for k, v in out.items()} == {
        "match": (30, 1), "kind": (30, 2), "aux": (30, 2)}
    empty = model.predict({k: v[:0] for k, v in x.items()}, verbose=0)
    assert {k: v.shape for k, v in empty.items()} == {"match": (0, 1), "kind": (0, 2), "aux": (0, 2)}
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    mse = ((out["match"].astype(np.float64) - y["match"]) ** 2).mean()
    xent = _xent(out["kind"], y["kind"]).mean()
    assert logs["loss"] == pytest.approx(2.0 * mse + xent, rel=1e-5)
    assert logs["kind_accuracy"] == pytest.approx((out["kind"].argmax(1) == y["kind"]).mean())
    assert history.history["val_loss"][-1] == pytest.approx(logs["loss"], rel=f32_rtol(30))


def test_sample_weight_for_all_outputs_or_one_per_output():
    model = _two_model(metrics=None)
    x, y = _two_data(12)
    logits, value = model.predict(x, verbose=0)
    w1, w2 = np.linspace(0, 2, 12), np.linspace(1, 0, 12)
    xent, sq = _xent(logits, y[0]), ((value.astype(np.float64) - y[1]) ** 2)[:, 0]
    logs = model.evaluate(x, y, sample_weight=w1, verbose=0, return_dict=True)
    assert logs["output_1_loss"] == pytest.approx((xent * w1).mean(), rel=1e-5)
    assert logs["output_2_loss"] == pytest.approx((sq * w1).mean(), rel=1e-5)
    logs = model.evaluate(x, y, sample_weight=[w1, w2], verbose=0, return_dict=True)
    assert logs["output_2_loss"] == pytest.approx((sq * w2).mean(), rel=1e-5)
    assert logs["loss"] == pytest.approx((xent * w1).mean() + 0.5 * (sq * w2).mean(), rel=1e-5)


# ----------------------------------------------------------------------------------------------- building
def test_lazy_and_explicit_builds_with_several_inputs_agree():
    x, y = _two_data(8)
    lazy = _two_model(seed=1)
    assert not lazy.built
    lazy.train_on_batch(x, y)                           # built by the first batch, then one update
    eager = _two_model(seed=1)
    eager.build([(None, 3), (None, 2)])
    assert eager.built and eager.build_input_shape == [(None, 3), (None, 2)]
    lines = []
    eager.summary(print_fn=lines.append)
    assert "Total params: 92 " in "\n".join(lines)      # (3*8+8) + (2*8+8) + (8*3+3) + (8*1+1)
    eager.train_on_batch(x, y)
    assert _same(lazy.get_weights(), eager.get_weights())
    assert len(lazy.optimizer.get_state()) == len(eager.optimizer.get_state()) == 1 + 2 * 8


# ----------------------------------------------------------------------------------------------- errors
def _unchanged(model, before):
    return _same(before, model.get_weights()) and model.optimizer.iterations == 0


@pytest.mark.parametrize("call, pattern", [
    (lambda m, x, y: m.fit([x[0], x[1][:30]], y, verbose=0),
     r"two: every input and target needs the same number of samples, but x\[0\] has 40, x\[1\] has 30, "
     r"y\[0\] has 40, y\[1\] has 40"),
    (lambda m, x, y: m.fit(x, [y[0], y[1][:39]], verbose=0), r"two: .* y\[1\] has 39"),
    (lambda m, x, y: m.predict([x[0][:5], x[1]], verbose=0), r"two: .* x\[0\] has 5, x\[1\] has 40"),
    (lambda m, x, y: m.fit(x, y, validation_data=([x[0], x[1][:3]], y), verbose=0),
     r"two: .* x\[1\] has 3"),
    (lambda m, x, y: m.fit(x, [y[0]], verbose=0),
     r"two: y has 1 arrays for 2 outputs \['output_1', 'output_2'\]"),
    (lambda m, x, y: m.fit(x, y[0], verbose=0), r"two: the model has 2 outputs .* got one array"),
    (lambda m, x, y: m.fit(x, {"output_1": y[0], "out_2": y[1]}, verbose=0),
     r"two: y must be keyed by the output names .* unknown keys \['out_2'\], missing \['output_2'\]"),
    (lambda m, x, y: m.fit(x, y, class_weight={0: 1.0, 1: 2.0}, verbose=0),
     "two: class_weight is only supported for a model with a single output"),
    (lambda m, x, y: m.fit(x[0], y, verbose=0),
     r"two: expected 2 inputs \[\(None, 3\), \(None, 2\)\], got one"),
    (lambda m, x, y: m.fit([x[0], x[1], x[1]], y, verbose=0),
     "two: expected inputs 2 arrays .* got 3 arrays"),
    (lambda m, x, y: m.predict([x[1], x[0]], verbose=0),
     r"two: expected input x\[0\] of shape \(None, 3\), got \(None, 2\)"),
], ids=["x-lengths", "y-lengths", "predict-lengths", "validation-lengths", "too-few-targets", "one-target",
        "unknown-target-name", "class-weight", "one-input", "three-inputs", "input-shape"])
def test_bad_inputs_and_targets_name_the_model_and_change_nothing(call, pattern):
    model = _two_model()
    x, y = _two_data()
    model.build([(None, 3), (None, 2)])
    before = model.get_weights()
    with pytest.raises(ValueError, match=pattern):
        call(model, x, y)
    assert _unchanged(model, before)


@pytest.mark.parametrize("kwargs, pattern", [
    (dict(loss=["mse"]), r"two: compile got 1 loss entries for 2 outputs \['output_1', 'output_2'\]"),
    (dict(loss=["mse", "mse", "mse"]), "two: compile got 3 loss entries for 2 outputs"),
    (dict(loss={"output_1": "mse", "value": "mse"}),
     r"two: the loss dict names unknown outputs \['value'\]; "
     r"the model's outputs are \['output_1', 'output_2'\]"),
    (dict(loss="mse", loss_weights={"out": 1.0}),
     r"two: the loss_weights dict names unknown outputs \['out'\]"),
    (dict(loss="mse", loss_weights=[1.0]), "two: compile got 1 loss_weights entries for 2 outputs"),
    (dict(loss="mse", metrics={"third": ["mae"]}),
     r"two: the metrics dict names unknown outputs \['third'\]"),
    (dict(loss=[None, None]), "two: no output has a loss"),
])
def test_losses_that_do_not_fit_the_outputs_are_refused(kwargs, pattern):
    x, y = _two_data(8)
    built = _two_model()
    built.build([(None, 3), (None, 2)])
    optimizer, loss = built.optimizer, built.loss
    with pytest.raises(ValueError, match=pattern):     # built: compile itself refuses
        built.compile("sgd", **kwargs)
    assert built.optimizer is optimizer and built.loss is loss
    lazy = TwoInTwoOut(name="two")                      # lazy: the first batch refuses, before any update
    lazy.compile("sgd", **kwargs)
    with pytest.raises(ValueError, match=pattern):
        lazy.fit(x, y, verbose=0)
    assert lazy.optimizer.iterations == 0


@pytest.mark.parametrize("kwargs, error, pattern", [
    (dict(loss="mse", loss_weights=2.0), TypeError, "two: loss_weights must be a list .* or a dict"),
    (dict(loss="mse", loss_weights=["a", 1.0]), TypeError, "two: loss_weights must be numbers, got 'a'"),
    (dict(loss="mse", metrics="accuracy"), TypeError, "two: metrics must be a list"),
    (dict(loss=["mse", "msee"]), ValueError, "unknown loss 'msee'"),
    (dict(loss="mse", metrics={"output_1": ["acuracy"]}), ValueError, "unknown metric 'acuracy'"),
])
def test_malformed_compile_arguments_raise_before_anything_changes(kwargs, error, pattern):
    model = _two_model()
    optimizer, loss = model.optimizer, model.loss
    with pytest.raises(error, match=pattern):
        model.compile("sgd", **kwargs)
    assert model.optimizer is optimizer and model.loss is loss


# ----------------------------------------------------------------------------------------------- saving
@pytest.mark.parametrize("make, data", [(_two_model, _two_data), (None, _dict_data)], ids=["lists", "dicts"])
def test_a_registered_multi_input_model_round_trips_and_resumes_bit_for_bit(tmp_path, make, data):
    if make is None:
        gw.random.seed(0)
        model = DictModel(name="pair")
        xent = gw.losses.SparseCategoricalCrossentropy(from_logits=True)
        model.compile(gw.optimizers.Adam(0.02), loss={"match": "mse", "kind": xent},
                      loss_weights={"match": 2.0}, metrics={"kind": ["accuracy"]})
    else:
        model = make()
    x, y = data()
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    model.save(tmp_path / "m.gw")
    config = json.loads(zipfile.ZipFile(tmp_path / "m.gw").read("config.json"))
    assert config["build_input_shape"] == (
        [[None, 3], [None, 2]] if make else {"left": [None, 4], "right": [None, 4]})
    loaded = gw.load_model(tmp_path / "m.gw")
    assert type(loaded) is type(model) and loaded.build_input_shape == model.build_input_shape
    assert [n for n, _ in loaded.named_parameters()] == [n for n, _ in model.named_parameters()]
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert loaded.evaluate(x, y, verbose=0, return_dict=True) == logs
    predicted, expected = loaded.predict(x, verbose=0), model.predict(x, verbose=0)
    for key in (range(2) if make else expected):
        np.testing.assert_array_equal(predicted[key], expected[key])
    for m in (model, loaded):
        m.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    assert _same(model.get_weights(), loaded.get_weights())
    model.save_weights(tmp_path / "w.npz")
    twin = make(seed=5) if make else DictModel()
    twin.build(model.build_input_shape)
    assert not _same(twin.get_weights(), model.get_weights())
    twin.load_weights(tmp_path / "w.npz")
    assert _same(twin.get_weights(), model.get_weights())


def test_saving_says_what_cannot_be_saved(tmp_path):
    class Unlisted(TwoInTwoOut):
        pass

    model = Unlisted(name="free")
    model.build([(None, 3), (None, 2)])
    with pytest.raises(TypeError, match="cannot save Unlisted: it is not registered"):
        model.save(tmp_path / "m.gw")
    model.save_weights(tmp_path / "w.npz")              # the weights alone always save
    custom = _two_model(loss=[gw.losses.SparseCategoricalCrossentropy(from_logits=True),
                              lambda y_true, y_pred: ((y_true - y_pred) ** 2).mean(axis=-1)])
    x, y = _two_data(8)
    custom.fit(x, y, verbose=0)                         # a custom loss function compiles and trains
    with pytest.raises(ValueError, match=r"two: cannot save the compile\(\) settings .* save_weights\(\)"):
        custom.save(tmp_path / "c.gw")
    assert not (tmp_path / "c.gw").exists()


# ----------------------------------------------------------------------------------------------- sharing
class TowerEncoder(nn.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = nn.Dense(6, activation="tanh")
        self.code = nn.Dense(4)

    def call(self, x, training=None):
        return self.code(self.hidden(x))


class Siamese(gw.Model):
    """One encoder applied to both inputs; the head sees the squared difference of the two codes."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.encoder = TowerEncoder()
        self.head = nn.Dense(1)

    def call(self, inputs, training=None):
        left, right = inputs
        return self.head((self.encoder(left) - self.encoder(right)) ** 2)


def _siamese(seed=0):
    gw.random.seed(seed)
    model = Siamese(name="siamese")
    model.compile(gw.optimizers.SGD(0.05), "mse")
    rng = np.random.default_rng(seed)
    x = [rng.standard_normal((16, 3)), rng.standard_normal((16, 3))]
    y = rng.standard_normal((16, 1))
    model.build([(None, 3), (None, 3)])
    return model, x, y


def _gradients(model, x, y):
    """d(loss)/d(weight) for every trainable weight, by gradwork's autograd."""
    loss = model.compute_loss(y, model(x, training=True))
    loss.backward()
    grads = [p.grad.data.copy() for p in model.trainable_weights]
    for p in model.trainable_weights:
        p.grad = None
    return grads


def test_a_shared_encoder_is_counted_once_and_gets_both_uses_gradients_as_torch(float64):
    torch = pytest.importorskip("torch")
    model, x, y = _siamese()
    names = [n for n, _ in model.named_parameters()]
    assert names == ["encoder.hidden.kernel", "encoder.hidden.bias", "encoder.code.kernel",
                     "encoder.code.bias", "head.kernel", "head.bias"]
    assert list(model.state_dict()) == names and model.count_params() == (3 * 6 + 6) + (6 * 4 + 4) + (4 + 1)
    lines = []
    model.summary(print_fn=lines.append)
    assert sum("(TowerEncoder)" in line for line in lines) == 1 and "Total params: 57 " in "\n".join(lines)
    ours = _gradients(model, x, y)
    params = [torch.tensor(w, requires_grad=True) for w in model.get_weights()]
    k1, b1, k2, b2, k3, b3 = params

    def encode(v):
        return torch.tanh(torch.tensor(v) @ k1 + b1) @ k2 + b2

    out = ((encode(x[0]) - encode(x[1])) ** 2) @ k3 + b3
    torch.mean((out - torch.tensor(y)) ** 2).backward()
    for name, g, p in zip(names, ours, params):
        np.testing.assert_allclose(g, p.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=name)
    # one use alone would give another gradient: both uses are summed into the shared kernel
    single = [torch.tensor(w, requires_grad=True) for w in model.get_weights()]
    hidden = torch.tanh(torch.tensor(x[1]) @ single[0].detach() + single[1].detach())
    detached = hidden @ single[2] + single[3]
    left = torch.tanh(torch.tensor(x[0]) @ single[0] + single[1]) @ single[2] + single[3]
    torch.mean((((left - detached) ** 2) @ single[4] + single[5] - torch.tensor(y)) ** 2).backward()
    assert not np.allclose(single[0].grad.numpy(), ours[0], rtol=1e-3)


def test_a_shared_encoder_gradient_matches_central_differences_and_trains(float64):
    model, x, y = _siamese(seed=1)
    kernel = model.encoder.hidden.kernel

    def loss_value(_):
        with gw.no_grad():
            return float(model.compute_loss(y, model(x, training=False)).data)

    numerical = gw.numerical_gradient(loss_value, kernel, h=1e-6)
    np.testing.assert_allclose(_gradients(model, x, y)[0], numerical, rtol=1e-6, atol=1e-9)
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_a_layer_assigned_to_two_attributes_is_one_layer():
    class TwoNames(gw.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.first = nn.Dense(3)
            self.again = self.first
            self.out = nn.Dense(1)

        def call(self, inputs, training=None):
            return self.out(self.first(inputs[0]) * self.again(inputs[1]))

    model = TwoNames()
    model.build([(None, 3), (None, 3)])
    lines = []
    model.summary(print_fn=lines.append)
    assert sum("(Dense)" in line for line in lines) == 2 and "Total params: 16 " in "\n".join(lines)
    assert len(model.weights) == 4
    assert list(model.state_dict()) == ["first.kernel", "first.bias", "out.kernel", "out.bias"]


# ----------------------------------------------------------------------------------------------- clipping
def _deep_tanh(clip, seed=0, depth=5, width=8):
    """A deep tanh MLP with large weights and targets: gradients far above any clip used below."""
    gw.random.seed(seed)
    init = gw.initializers.RandomNormal(stddev=1.5)
    hidden = [nn.Dense(width, activation="tanh", kernel_initializer=init) for _ in range(depth)]
    model = gw.Sequential([nn.Input(shape=(4,))] + hidden + [nn.Dense(2)])
    model.compile(gw.optimizers.SGD(0.01, momentum=0.9, **clip), "mse")
    rng = np.random.default_rng(seed)
    return model, rng.standard_normal((12, 4)), 1000 * rng.standard_normal((12, 2))


def _torch_mlp(torch, params, x):
    h = torch.tensor(x)
    for kernel, bias in zip(params[0:-2:2], params[1:-2:2]):
        h = torch.tanh(h @ kernel + bias)
    return h @ params[-2] + params[-1]


def _torch_rnn(torch, params, x):
    """Keras's SimpleRNN (last state) then Dense: h_t = tanh(x_t @ kernel + bias + h_(t-1) @ recurrent)."""
    kernel, recurrent, bias, dense, dense_bias = params
    x = torch.tensor(x)
    h = torch.zeros((x.shape[0], recurrent.shape[0]), dtype=x.dtype)
    for t in range(x.shape[1]):
        h = torch.tanh(x[:, t] @ kernel + bias + h @ recurrent)
    return h @ dense + dense_bias


def _torch_steps(torch, weights, x, y, clip, steps, forward=_torch_mlp):
    """The same network trained by PyTorch: SGD with momentum, gradients clipped by torch.nn.utils.
    Returns the weights and, per step, the smallest gradient norm the clip divided by."""
    params = [torch.tensor(w, requires_grad=True) for w in weights]
    optimizer = torch.optim.SGD(params, lr=0.01, momentum=0.9)
    norms = []
    for _ in range(steps):
        loss = torch.mean((forward(torch, params, x) - torch.tensor(y)) ** 2)
        optimizer.zero_grad()
        loss.backward()
        each = [float(torch.linalg.vector_norm(p.grad)) for p in params]
        norms.append(min(each) if "clipnorm" in clip else float(np.sqrt(np.sum(np.square(each)))))
        if "global_clipnorm" in clip:
            torch.nn.utils.clip_grad_norm_(params, clip["global_clipnorm"])
        elif "clipnorm" in clip:
            for p in params:
                torch.nn.utils.clip_grad_norm_([p], clip["clipnorm"])
        else:
            torch.nn.utils.clip_grad_value_(params, clip["clipvalue"])
        optimizer.step()
    return [p.detach().numpy() for p in params], norms


@pytest.mark.parametrize("clip", [{"global_clipnorm": 1.0}, {"clipnorm": 0.5}, {"clipvalue": 0.05}],
                         ids=["global_clipnorm", "clipnorm", "clipvalue"])
def test_fit_clips_gradients_as_torch_does(float64, clip):
    torch = pytest.importorskip("torch")
    model, x, y = _deep_tanh(clip)
    start = model.get_weights()
    model.fit(x, y, batch_size=12, epochs=3, shuffle=False, verbose=0)
    want, norms = _torch_steps(torch, start, x, y, clip, steps=3)
    assert min(norms) > 100                                  # every step was clipped hard
    # torch scales by max_norm / (norm + 1e-6), Keras by max_norm / norm: steps differ by a relative
    # 1e-6 / norm < 1e-8 here, so each weight's change must agree to 1e-7 of its size
    for w0, got, expected in zip(start, model.get_weights(), want):
        step = expected - w0
        np.testing.assert_allclose(got - w0, step, rtol=0, atol=1e-7 * np.abs(step).max())
    unclipped, _, _ = _deep_tanh({})
    unclipped.fit(x, y, batch_size=12, epochs=3, shuffle=False, verbose=0)
    assert not np.allclose(unclipped.get_weights()[-2], model.get_weights()[-2], rtol=1e-3)


def _clipnorm_step_is_bounded(model, x, y, clipnorm, lr):
    """train_on_batch moves each weight by exactly -lr * g * min(1, clipnorm / |g|) (plain SGD)."""
    before = model.get_weights()
    grads = _gradients(model, x, y)
    model.train_on_batch(x, y)
    clipped = 0
    for w0, w1, g in zip(before, model.get_weights(), grads):
        norm = np.sqrt(np.sum(g.astype(np.float64) ** 2))
        clipped += norm > clipnorm
        np.testing.assert_allclose(w1 - w0, -lr * g * min(1.0, clipnorm / norm), rtol=1e-7, atol=1e-12)
        assert np.linalg.norm(w1 - w0) <= lr * clipnorm * (1 + 1e-9)
    return clipped


def test_train_on_batch_bounds_each_weights_step_by_clipnorm(float64):
    model, x, y = _deep_tanh({})
    model.compile(gw.optimizers.SGD(0.1, clipnorm=0.25), "mse")
    assert _clipnorm_step_is_bounded(model, x, y, clipnorm=0.25, lr=0.1) >= 2


@pytest.mark.skipif(not hasattr(gw.nn, "SimpleRNN"), reason="gw.nn.SimpleRNN is not in this tree yet")
def test_fit_clips_a_recurrent_models_gradients_as_torch_does(float64):
    torch = pytest.importorskip("torch")

    def make(optimizer):
        gw.random.seed(0)
        model = gw.Sequential([nn.Input(shape=(15, 3)), gw.nn.SimpleRNN(8), nn.Dense(1)])
        model.compile(optimizer, "mse")
        return model

    rng = np.random.default_rng(0)
    x, y = 2 * rng.standard_normal((8, 15, 3)), 1000 * rng.standard_normal((8, 1))
    model = make(gw.optimizers.SGD(0.01, momentum=0.9, global_clipnorm=1.0))
    start = model.get_weights()
    model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    want, norms = _torch_steps(torch, start, x, y, {"global_clipnorm": 1.0}, steps=3, forward=_torch_rnn)
    assert min(norms) > 100                                  # see test_fit_clips_gradients_as_torch_does
    for w0, got, expected in zip(start, model.get_weights(), want):
        step = expected - w0
        np.testing.assert_allclose(got - w0, step, rtol=0, atol=1e-7 * np.abs(step).max())
    plain = make(gw.optimizers.SGD(0.1, clipnorm=0.25))     # and each weight's step is bounded exactly
    assert _clipnorm_step_is_bounded(plain, x, y, clipnorm=0.25, lr=0.1) >= 2
