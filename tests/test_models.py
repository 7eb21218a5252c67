"""Models: building Sequential and subclassed models, summary, compile, the fit/evaluate/predict loops
(validation, shuffling, weights, callbacks, failures) and end-to-end fits on small data."""
import numpy as np
import pytest

import gradwork as gw
from gradwork import nn
from gradwork.callbacks import EarlyStopping, LambdaCallback, ModelCheckpoint
from tolerances import f32_rtol  # float32 sums of n terms in another order


class Recorder(nn.Layer):
    """Passes its input through and records it, by training mode: shows exactly which samples
    a loop fed in which mode and order."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen = {True: [], False: []}

    def call(self, x, training=None):
        self.seen[bool(training)].append(x.data[:, 0].copy())
        return x


def _recording_model():
    recorder = Recorder()
    model = gw.Sequential([nn.Input(shape=(1,)), recorder, nn.Dense(2)])
    model.compile("sgd", gw.losses.SparseCategoricalCrossentropy(from_logits=True))
    recorder.seen = {True: [], False: []}          # forget the build pass
    return model, recorder


def _mlp(inputs=2, classes=2, hidden=8, seed=0, **dense_kwargs):
    gw.random.seed(seed)
    model = gw.Sequential([nn.Input(shape=(inputs,)), nn.Dense(hidden, activation="relu", **dense_kwargs),
                           nn.Dense(classes)])
    model.compile(gw.optimizers.Adam(0.01), gw.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def _data(n=64, seed=0):
    return gw.datasets.moons(n, noise=0.1, seed=seed)


def _same(a, b):
    return len(a) == len(b) and all(np.array_equal(u, v) for u, v in zip(a, b))


# ----------------------------------------------------------------------------------------------- building
@pytest.mark.parametrize("make", [
    lambda: gw.Sequential([nn.Input(shape=(3,)), nn.Dense(4), nn.Dense(2)]),
    lambda: gw.Sequential([nn.Dense(4, input_shape=(3,)), nn.Dense(2)]),
    lambda: gw.Sequential([nn.Dense(4, input_dim=3), nn.Dense(2)]),
], ids=["Input", "input_shape", "input_dim"])
def test_sequential_with_a_known_input_shape_builds_at_once(make):
    model = make()
    assert model.built and model.build_input_shape == (None, 3)
    assert [w.shape for w in model.weights] == [(3, 4), (4,), (4, 2), (2,)]
    assert [name.split(".", 2)[-1] for name, _ in model.named_parameters()] == ["kernel", "bias"] * 2
    lines = []
    model.summary(print_fn=lines.append)
    assert "Total params: 26" in "\n".join(lines)


def test_sequential_without_an_input_shape_builds_on_the_first_batch():
    model = gw.Sequential([nn.Dense(4), nn.Dense(2)])
    assert not model.built and model.weights == []
    with pytest.raises(ValueError, match="has not been built yet"):
        model.summary()
    model.compile("sgd", "mse")
    model.fit(np.ones((6, 5), np.float32), np.zeros((6, 2), np.float32), verbose=0)
    assert model.built and model.build_input_shape == (None, 5)
    assert [w.shape for w in model.weights] == [(5, 4), (4,), (4, 2), (2,)]
    with pytest.raises(ValueError, match=r"expected inputs of shape \(None, 5\), got \(None, 3\)"):
        model.predict(np.ones((2, 3), np.float32), verbose=0)


def test_the_first_batch_of_a_lazily_built_model_trains_like_an_eager_twin():
    x = np.random.default_rng(0).standard_normal((8, 5)).astype(np.float32)
    y = np.ones((8, 2), np.float32)
    models = []
    for first in (nn.Dense(4), nn.Dense(4, input_dim=5)):
        gw.random.seed(0)                             # the same initial weights, created early or late
        model = gw.Sequential([first, nn.Dense(2)])
        model.compile(gw.optimizers.SGD(0.1, momentum=0.9), "mse")
        model.train_on_batch(x, y)
        models.append(model)
    lazy, eager = models
    assert _same(lazy.get_weights(), eager.get_weights())
    assert len(lazy.optimizer.get_state()) == 1 + 4   # iterations and a velocity for each weight


def _lazy_batch_norm_model():
    gw.random.seed(0)
    model = gw.Sequential([nn.Dense(4), nn.BatchNormalization(), nn.Dense(2)], name="lazy")
    model.compile("adam", gw.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


def _initial_weights(model):
    twin = _lazy_batch_norm_model()
    twin.build(model.build_input_shape)
    return twin.get_weights()                          # the same seed: kernels as drawn, moving mean 0, var 1


def test_a_lazily_built_model_checks_y_before_its_first_batch_changes_anything():
    model = _lazy_batch_norm_model()
    assert model.metrics_names == ["loss"] and model.compiled_metrics == []   # tied to the outputs when known
    x, y = _data(16)
    with pytest.raises(ValueError, match="lazy: the model has one output, but y is a list of 2 arrays"):
        model.fit(x, [y, y], verbose=0)
    # issue 12: a failed call leaves the model as it was: unbuilt, and gradwork's generator undrawn
    assert not model.built and model.metrics_names == ["loss"] and model.get_weights() == []
    assert model.optimizer.iterations == 0
    model.fit(x, y, batch_size=16, shuffle=False, verbose=0)
    twin = _lazy_batch_norm_model()
    twin.fit(x, y, batch_size=16, shuffle=False, verbose=0)
    assert _same(model.get_weights(), twin.get_weights())


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_a_nan_loss_on_the_first_batch_of_a_lazily_built_model_leaves_it_as_built():
    model = _lazy_batch_norm_model()
    x, y = _data(16)
    x[3, 0] = np.nan
    with pytest.raises(FloatingPointError, match="lazy: the loss became nan"):
        model.fit(x, y, batch_size=16, verbose=0)
    assert _same(model.get_weights(), _initial_weights(model))   # the moving statistics too
    assert model.optimizer.iterations == 0


def test_a_failed_first_call_does_not_pin_the_input_shape():
    model = gw.Sequential([nn.Dense(4)])
    with pytest.raises(ValueError, match="batch axis and a feature axis"):
        model(np.ones(3, np.float32))                 # no batch axis
    assert not model.built and model.build_input_shape is None
    assert model.predict(np.ones((2, 3), np.float32), verbose=0).shape == (2, 4)


def test_build_with_something_that_is_not_a_shape_names_the_model():
    model = gw.Sequential([nn.Dense(4)], name="net")
    for bad in ("abc", [(None, 2), 3]):
        with pytest.raises(ValueError, match="net: expected an input shape or a list/dict of input shapes"):
            model.build(bad)
        assert not model.built


def test_sequential_add_pop_and_input_position():
    model = gw.Sequential([nn.Input(shape=(3,))])
    model.add(nn.Dense(4))
    model.add(nn.Dense(2))
    assert model.count_params() == 3 * 4 + 4 + 4 * 2 + 2
    assert model.predict(np.ones((1, 3), np.float32), verbose=0).shape == (1, 2)
    last = model.pop()
    assert isinstance(last, nn.Dense)
    assert model.predict(np.ones((1, 3), np.float32), verbose=0).shape == (1, 4)
    with pytest.raises(ValueError, match="an Input can only be the first layer"):
        model.add(nn.Input(shape=(4,)))
    with pytest.raises(TypeError, match="add\\(\\) expects a Layer, got int"):
        model.add(3)


def test_sequential_pop_updates_the_output_shape_and_weights_as_add_does():
    model = gw.Sequential([nn.Input(shape=(3,)), nn.Dense(4), nn.Dense(2)], name="stack")
    model.pop()
    assert model.built and model.output_shape == (None, 4) and model.count_params() == 3 * 4 + 4
    assert [w.shape for w in model.weights] == [(3, 4), (4,)]
    model.add(nn.Dense(5))
    assert model.output_shape == (None, 5)
    lazy = gw.Sequential([nn.Dense(4), nn.Dense(2)])
    lazy(np.ones((1, 3), np.float32))
    lazy.pop()
    assert lazy.output_shape == (None, 4)
    lazy.pop()
    assert not lazy.built and lazy.output_shape is None and lazy.build_input_shape is None
    with pytest.raises(TypeError, match=r"sequential(_\d+)?: pop\(\) on a model with no layers"):
        lazy.pop()


class Encoder(nn.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = nn.Dense(8, activation="tanh")
        self.norm = nn.BatchNormalization()

    def call(self, x, training=None):
        return self.norm(self.hidden(x))


class TwoTower(gw.Model):
    """A nested sublayer, and one Dense applied to two inputs (shared weights)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.encoder = Encoder()
        self.shared = nn.Dense(8, activation="relu")
        self.head = nn.Dense(2)

    def call(self, x, training=False):
        h = self.encoder(x, training=training)
        return self.head(self.shared(h) + self.shared(-h))


def test_subclassed_model_with_a_shared_layer_and_nested_sublayers():
    gw.random.seed(0)
    model = TwoTower()
    x, y = _data(96)
    model.compile(gw.optimizers.Adam(0.02), gw.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    assert model.build_input_shape == (None, 2)
    assert [name for name, _ in model.named_parameters()] == [
        "encoder.hidden.kernel", "encoder.hidden.bias", "encoder.norm.gamma", "encoder.norm.beta",
        "encoder.norm.moving_mean", "encoder.norm.moving_variance", "shared.kernel", "shared.bias",
        "head.kernel", "head.bias"]
    assert model.count_params() == (2 * 8 + 8) + 4 * 8 + (8 * 8 + 8) + (8 * 2 + 2)   # shared counted once
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.8
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "encoder (Encoder)" in text and "Non-trainable params: 16" in text


# ----------------------------------------------------------------------------------------------- summary
def test_summary_parameter_counts_match_keras_for_the_mlp():
    model = gw.Sequential([nn.Input(shape=(784,)), nn.Dense(256, activation="relu"),
                           nn.Dense(128, activation="relu"), nn.Dense(10)], name="mlp")
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert lines[0] == 'Model: "mlp"'
    rows = [line for line in lines if "(Dense)" in line]
    assert [row.split()[-3:] for row in rows] == [["(None,", "256)", "200,960"], ["(None,", "128)", "32,896"],
                                                   ["(None,", "10)", "1,290"]]
    assert "Total params: 235,146 (918.54 KB)" in text
    assert "Trainable params: 235,146 (918.54 KB)" in text
    assert "Non-trainable params: 0 (0.00 B)" in text
    assert "InputLayer" not in text                  # Keras 3 does not list the input


def test_summary_counts_batch_norm_statistics_as_non_trainable():
    model = gw.Sequential([nn.Dense(8, input_dim=4), nn.BatchNormalization(), nn.Dense(2)])
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "Total params: 90 " in text and "Trainable params: 74 " in text
    assert "Non-trainable params: 16 " in text
    bn_row = next(line for line in lines if "(BatchNormalization)" in line)
    assert bn_row.split()[-1] == "32"


# ----------------------------------------------------------------------------------------------- compile
def test_compile_with_strings_and_with_objects():
    model = _mlp()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    assert isinstance(model.optimizer, gw.optimizers.Adam)
    assert isinstance(model.loss, gw.losses.SparseCategoricalCrossentropy)
    assert model.metrics_names == ["loss", "accuracy"]
    optimizer = gw.optimizers.SGD(learning_rate=0.05, momentum=0.9)
    loss = gw.losses.MeanSquaredError()
    model.compile(optimizer=optimizer, loss=loss, metrics=[gw.metrics.MeanAbsoluteError()])
    assert model.optimizer is optimizer and model.loss is loss
    assert model.metrics_names == ["loss", "mean_absolute_error"]


@pytest.mark.parametrize("kwargs, pattern", [
    (dict(optimizer="adamm", loss="mse"), "Unknown optimizer: 'adamm'"),
    (dict(optimizer="adam", loss="msee"), "unknown loss 'msee'"),
    (dict(optimizer="adam", loss="mse", metrics=["acuracy"]), "unknown metric 'acuracy'"),
])
def test_unknown_names_in_compile_raise_and_leave_the_compiled_state_alone(kwargs, pattern):
    model = _mlp()
    x, y = _data(16)
    model.fit(x, y, epochs=1, verbose=0)
    optimizer, loss, metrics = model.optimizer, model.loss, model.compiled_metrics
    with pytest.raises(ValueError, match=pattern):
        model.compile(**kwargs)
    assert model.optimizer is optimizer and model.loss is loss and model.compiled_metrics is metrics
    assert model.optimizer.iterations == 1


def test_using_an_uncompiled_model_says_to_compile():
    model = gw.Sequential([nn.Dense(2, input_dim=2)], name="raw")
    for call in (lambda: model.fit(np.ones((2, 2)), np.ones(2), verbose=0),
                 lambda: model.evaluate(np.ones((2, 2)), np.ones(2), verbose=0),
                 lambda: model.train_on_batch(np.ones((2, 2)), np.ones(2))):
        with pytest.raises(RuntimeError, match=r"raw: call compile\(optimizer=..., loss=...\) before"):
            call()
    assert model.predict(np.ones((3, 2)), verbose=0).shape == (3, 2)      # predict needs no compile


# ----------------------------------------------------------------------------------------------- fit
def test_fit_returns_a_history_with_keras_keys():
    model = _mlp()
    x, y = _data(80)
    history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0)
    assert history is model.history
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert history.epoch == [0, 1, 2]
    assert all(len(v) == 3 and all(isinstance(e, float) for e in v) for v in history.history.values())
    # the last epoch's validation numbers are evaluate() on the held-out last quarter
    val_loss, val_accuracy = model.evaluate(x[60:], y[60:], verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(val_loss, rel=f32_rtol(20))
    assert history.history["val_accuracy"][-1] == pytest.approx(val_accuracy)


@pytest.mark.parametrize("n, split, cut", [(10, 0.3, 7), (10, 0.25, 7), (9, 0.5, 4)])
def test_validation_split_holds_out_the_last_fraction_before_shuffling(n, split, cut):
    model, recorder = _recording_model()
    x = np.arange(n, dtype=np.float32).reshape(n, 1)
    y = np.zeros(n, np.int64)
    model.fit(x, y, epochs=2, batch_size=3, validation_split=split, shuffle=True, verbose=0)
    per_epoch = len(recorder.seen[True]) // 2
    for epoch in range(2):
        fed = np.concatenate(recorder.seen[True][epoch * per_epoch:(epoch + 1) * per_epoch])
        assert sorted(fed) == list(range(cut))       # exactly the first `cut` samples train
    validated = np.concatenate(recorder.seen[False])
    np.testing.assert_array_equal(validated, np.tile(np.arange(cut, n), 2))   # the last ones, in order


def test_validation_split_that_leaves_nothing_is_an_error():
    model, _ = _recording_model()
    model.name = "net"
    with pytest.raises(ValueError, match="net: validation_split=0.8 of 3 samples leaves an empty set"):
        model.fit(np.zeros((3, 1), np.float32), np.zeros(3), validation_split=0.8, verbose=0)
    with pytest.raises(ValueError, match=r"net: validation_split must be in \(0, 1\)"):
        model.fit(np.zeros((3, 1), np.float32), np.zeros(3), validation_split=1.5, verbose=0)


@pytest.mark.parametrize("n, split, sizes", [(10, 0.2, (8, 2)), (10, 0.25, (7, 3)), (3, 0.8, (0, 3)), (7, 0.0, (7, 0))])
def test_split_sizes_counts_what_fit_holds_out(n, split, sizes):
    assert gw.data.split_sizes(n, split) == sizes


def test_validation_data_is_evaluated_in_inference_mode_every_epoch():
    model, recorder = _recording_model()
    x = np.arange(6, dtype=np.float32).reshape(6, 1)
    xv = np.arange(100, 104, dtype=np.float32).reshape(4, 1)
    history = model.fit(x, np.zeros(6), epochs=2, batch_size=4, validation_data=(xv, np.ones(4)), verbose=0)
    assert sorted(np.concatenate(recorder.seen[True])) == sorted(list(range(6)) * 2)
    np.testing.assert_array_equal(np.concatenate(recorder.seen[False]), [100, 101, 102, 103] * 2)
    val_loss = model.evaluate(xv, np.ones(4), verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(val_loss, rel=f32_rtol(4))


def test_shuffle_false_feeds_batches_in_order_and_shuffle_reorders_every_epoch():
    model, recorder = _recording_model()
    x = np.arange(8, dtype=np.float32).reshape(8, 1)
    model.fit(x, np.zeros(8), epochs=1, batch_size=3, shuffle=False, verbose=0)
    assert [list(b) for b in recorder.seen[True]] == [[0, 1, 2], [3, 4, 5], [6, 7]]
    recorder.seen[True].clear()
    gw.random.seed(1)
    model.fit(x, np.zeros(8), epochs=2, batch_size=8, shuffle=True, verbose=0)
    first, second = recorder.seen[True]
    assert sorted(first) == sorted(second) == list(range(8))
    assert list(first) != list(second) and list(first) != list(range(8))


def test_fit_is_bit_for_bit_reproducible_with_gw_random_seed():
    x, y = _data(100)

    def run():
        gw.random.seed(123)
        model = gw.Sequential([nn.Input(shape=(2,)), nn.Dense(16, activation="relu"), nn.Dropout(0.3),
                               nn.Dense(2)])
        model.compile("adam", gw.losses.SparseCategoricalCrossentropy(from_logits=True))
        history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.2, verbose=0)
        return model.get_weights(), history.history

    (w1, h1), (w2, h2) = run(), run()
    assert _same(w1, w2) and h1 == h2
    gw.random.seed(124)                               # and the seed matters
    model = gw.Sequential([nn.Input(shape=(2,)), nn.Dense(16, activation="relu"), nn.Dropout(0.3),
                           nn.Dense(2)])
    assert not np.array_equal(model.get_weights()[0], w1[0])


def test_class_weight_scales_each_samples_loss():
    model = _mlp(classes=3)
    x = np.random.default_rng(0).standard_normal((6, 2)).astype(np.float32)
    y = np.array([0, 1, 2, 0, 1, 2])
    logits = model.predict(x, verbose=0).astype(np.float64)
    per_sample = -(logits[np.arange(6), y] - np.log(np.exp(logits).sum(axis=1)))
    weights = {0: 1.0, 1: 3.0, 2: 0.5}
    expected = np.mean(per_sample * np.array([weights[c] for c in y]))     # Keras: divided by the batch size
    loss = model.train_on_batch(x, y, class_weight=weights)[0]
    assert loss == pytest.approx(expected, rel=1e-5)
    assert not loss == pytest.approx(per_sample.mean(), rel=1e-3)
    # sample_weight and class_weight multiply; classes left out keep weight 1
    model2 = _mlp(classes=3)
    sw = np.array([2.0, 1, 1, 1, 1, 0])
    loss2 = model2.train_on_batch(x, y, sample_weight=sw, class_weight={1: 3.0})[0]
    assert loss2 == pytest.approx(np.mean(per_sample * sw * np.array([1, 3, 1, 1, 3, 1])), rel=1e-5)


def test_class_weight_in_fit_changes_what_is_learned():
    x = np.random.default_rng(0).standard_normal((60, 2)).astype(np.float32)
    y = np.zeros(60, np.int64)
    y[:6] = 1                                          # 10% of class 1, indistinguishable features
    plain, weighted = _mlp(), _mlp()
    plain.fit(x, y, epochs=30, batch_size=60, verbose=0)
    weighted.fit(x, y, epochs=30, batch_size=60, class_weight={0: 1.0, 1: 20.0}, verbose=0)
    assert (plain.predict(x, verbose=0).argmax(1) == 0).mean() > 0.9
    assert (weighted.predict(x, verbose=0).argmax(1) == 1).mean() > 0.5


# ----------------------------------------------------------------------------------------------- returns
def test_evaluate_predict_and_batch_methods_return_keras_conventions():
    model = _mlp()
    x, y = _data(50)
    logits = model.predict(x, batch_size=16, verbose=0)           # 50 = 3 * 16 + 2: a short last batch
    assert isinstance(logits, np.ndarray) and logits.shape == (50, 2) and logits.dtype == np.float32
    np.testing.assert_allclose(logits, model(x).data, rtol=f32_rtol(8))   # 8 hidden units summed per logit
    np.testing.assert_array_equal(model.predict_on_batch(x), model.predict(x, batch_size=50, verbose=0))
    shifted = logits.astype(np.float64) - logits.max(1, keepdims=True)
    losses = -(shifted[np.arange(50), y] - np.log(np.exp(shifted).sum(1)))
    accuracy = (logits.argmax(1) == y).mean()
    result = model.evaluate(x, y, batch_size=16, verbose=0)
    assert isinstance(result, list) and result[0] == pytest.approx(losses.mean(), rel=1e-5)
    assert result[1] == pytest.approx(accuracy)
    assert model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True) == {"loss": result[0],
                                                                                 "accuracy": result[1]}
    assert model.test_on_batch(x, y) == pytest.approx(result)
    before = model.get_weights()
    out = model.train_on_batch(x, y)
    assert out[0] == pytest.approx(losses.mean(), rel=1e-5)       # the loss before the update
    assert not _same(before, model.get_weights())
    assert set(model.train_on_batch(x, y, return_dict=True)) == {"loss", "accuracy"}
    model.compile("sgd", gw.losses.SparseCategoricalCrossentropy(from_logits=True))    # no metrics
    assert isinstance(model.evaluate(x, y, verbose=0), float)
    assert isinstance(model.train_on_batch(x, y), float)


def test_predict_on_no_samples_gives_the_output_shape_with_no_samples():
    model = _mlp(classes=3)
    empty = model.predict(np.zeros((0, 2), np.float32), verbose=0)
    assert empty.shape == (0, 3) and empty.dtype == np.float32
    lazy = gw.Sequential([nn.Embedding(10, 4), nn.Dense(5)])             # unbuilt: built as a batch would
    empty = lazy.predict(np.zeros((0, 7), np.int64), verbose=0)
    assert empty.shape == (0, 7, 5) and lazy.build_input_shape == (None, 7)


def test_sample_weight_as_a_list_of_numbers_is_one_array():
    x, y = _data(8)
    weights = [1.0, 2.0, 0.0, 1.0, 3.0, 1.0, 1.0, 0.5]
    as_list = _mlp().train_on_batch(x, y, sample_weight=weights)
    as_array = _mlp().train_on_batch(x, y, sample_weight=np.array(weights))
    assert as_list == as_array and as_list != _mlp().train_on_batch(x, y)


def test_verbose_fit_prints_epochs_and_verbose_0_prints_nothing(capsys):
    model = _mlp()
    x, y = _data(8)
    model.fit(x, y, epochs=2, batch_size=4, verbose=2)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out and "loss" in out
    model.fit(x, y, epochs=1, verbose=0)
    assert capsys.readouterr().out == ""


def test_initial_epoch_continues_the_epoch_count():
    model = _mlp()
    x, y = _data(16)
    history = model.fit(x, y, epochs=5, initial_epoch=3, verbose=0)
    assert history.epoch == [3, 4] and len(history.history["loss"]) == 2


# ----------------------------------------------------------------------------------------------- input errors
def test_fit_with_the_wrong_input_shape_or_lengths_fails_before_training():
    model = _mlp()
    model.name = "net"
    x, y = _data(20)
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"net: expected inputs of shape \(None, 2\), got \(None, 3\)"):
        model.fit(np.ones((20, 3), np.float32), y, verbose=0)
    with pytest.raises(ValueError, match="net: x has 20 samples but y has 19"):
        model.fit(x, y[:19], verbose=0)
    with pytest.raises(ValueError, match=r"net: expected inputs of shape \(None, 2\), got \(None, 5\)"):
        model.fit(x, y, validation_data=(np.ones((4, 5)), np.ones(4)), verbose=0)
    with pytest.raises(ValueError, match="net: x has 4 samples but y has 3"):
        model.fit(x, y, validation_data=(np.ones((4, 2)), np.ones(3)), verbose=0)
    with pytest.raises(ValueError, match="net: x must have a batch axis"):
        model.predict(np.float32(1.0), verbose=0)
    assert _same(before, model.get_weights()) and model.optimizer.iterations == 0


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_nan_loss_stops_with_a_clear_error_before_any_weight_changes():
    gw.random.seed(0)
    model = gw.Sequential([nn.Input(shape=(2,)), nn.Dense(4), nn.BatchNormalization(), nn.Dense(2)],
                          name="bad")
    model.compile("adam", "mse")
    x = np.ones((8, 2), np.float32)
    y = np.zeros((8, 2), np.float32)
    model.train_on_batch(x * np.arange(8)[:, None], y)
    before = model.get_weights()
    x[5, 1] = np.nan
    with pytest.raises(FloatingPointError, match=r"bad: the loss became nan .* before updating the weights"):
        model.fit(x, y, batch_size=8, verbose=0)
    assert _same(before, model.get_weights())          # the moving statistics too
    assert model.optimizer.iterations == 1
    x[5, 1] = np.inf
    with pytest.raises(FloatingPointError, match="bad: the loss became"):
        model.train_on_batch(x, y)
    assert _same(before, model.get_weights())


def test_softmax_output_with_sparse_crossentropy_stays_finite_from_huge_logits():
    gw.random.seed(0)
    model = gw.Sequential([nn.Input(shape=(4,)),
                           nn.Dense(3, activation="softmax", kernel_initializer=gw.initializers.RandomNormal(
                               stddev=100.0))])
    model.compile(gw.optimizers.SGD(1e-4), "sparse_categorical_crossentropy")
    x = np.random.default_rng(0).standard_normal((32, 4)).astype(np.float32) * 100
    y = np.random.default_rng(1).integers(0, 3, 32)
    probabilities = model.predict(x, verbose=0)
    assert (probabilities == 0).any()                 # saturated: log(p) would be -inf
    logits = x.astype(np.float64) @ model.weights[0].data + model.weights[1].data
    logits -= logits.max(1, keepdims=True)
    expected = -(logits[np.arange(32), y] - np.log(np.exp(logits).sum(1))).mean()
    assert expected > 100                             # far beyond -log(1e-7) = 16.1: really from the logits
    history = model.fit(x, y, epochs=3, batch_size=32, verbose=0)
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-4)
    assert np.all(np.isfinite(history.history["loss"])) and history.history["loss"][-1] < expected
    assert all(np.isfinite(w).all() for w in model.get_weights())


def test_regularizers_add_their_penalty_to_the_loss():
    gw.random.seed(0)
    model = _mlp(kernel_regularizer=gw.regularizers.L2(0.1), bias_regularizer=gw.regularizers.L1(0.2))
    plain = _mlp()
    plain.set_weights(model.get_weights())
    x, y = _data(32)
    model.layers[0].bias.data[...] = np.linspace(-1, 1, 8)
    plain.layers[0].bias.data[...] = np.linspace(-1, 1, 8)
    kernel, bias = model.layers[0].kernel.data, model.layers[0].bias.data
    penalty = 0.1 * np.sum(kernel.astype(np.float64) ** 2) + 0.2 * np.abs(bias).sum()
    assert model.evaluate(x, y, verbose=0)[0] == pytest.approx(plain.evaluate(x, y, verbose=0)[0] + penalty,
                                                                 rel=1e-5)
    assert model.train_on_batch(x, y)[0] == pytest.approx(plain.train_on_batch(x, y)[0] + penalty, rel=1e-5)
    # the penalty's gradient is applied too: the regularized kernel moved differently
    assert not np.allclose(model.layers[0].kernel.data, plain.layers[0].kernel.data)


def test_frozen_layers_do_not_change_during_fit():
    gw.random.seed(0)
    model = gw.Sequential([nn.Input(shape=(2,)), nn.Dense(8, activation="relu"), nn.BatchNormalization(),
                           nn.Dense(2)])
    model.compile(gw.optimizers.Adam(0.01), gw.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y = _data(32)
    model.fit(x, y, epochs=1, verbose=0)               # trained a little first, then frozen
    model.layers[0].trainable = False
    model.layers[1].trainable = False
    frozen = [w.copy() for w in model.get_weights()[:6]]
    head = model.get_weights()[6:]
    model.fit(x, y, epochs=2, verbose=0)
    assert _same(frozen, model.get_weights()[:6])      # Dense and BatchNormalization, statistics included
    assert not any(np.array_equal(a, b) for a, b in zip(head, model.get_weights()[6:]))
    lines = []
    model.summary(print_fn=lines.append)
    assert "Trainable params: 18 " in "\n".join(lines)


# ----------------------------------------------------------------------------------------------- callbacks
def test_early_stopping_restores_the_best_weights():
    model = _mlp()
    x, y = _data(64)
    snapshots = []
    keep = LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights()))
    stop = EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    # validation labels flipped: the better the model fits, the worse val_loss gets
    history = model.fit(x, y, epochs=30, batch_size=16, validation_data=(x, 1 - y), callbacks=[keep, stop],
                        verbose=0)
    val = history.history["val_loss"]
    best = int(np.argmin(val))
    assert len(val) < 30 and stop.stopped_epoch == len(val) - 1
    assert len(val) - 1 - best == 2                    # stopped after `patience` epochs without improvement
    assert _same(model.get_weights(), snapshots[best])
    assert not _same(model.get_weights(), snapshots[-1])


def test_model_checkpoint_keeps_the_best_model_on_disk(tmp_path):
    model = _mlp()
    x, y = _data(64)
    snapshots = []
    keep = LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(model.predict(x, verbose=0)))
    path = tmp_path / "best.gw"
    every = tmp_path / "every" / "epoch{epoch:02d}.gw"
    history = model.fit(x, y, epochs=4, batch_size=16, validation_data=(x, 1 - y), verbose=0,
                        callbacks=[keep, ModelCheckpoint(path, monitor="val_loss", save_best_only=True),
                                   ModelCheckpoint(every)])
    best = int(np.argmin(history.history["val_loss"]))
    np.testing.assert_array_equal(gw.load_model(path).predict(x, verbose=0), snapshots[best])
    assert sorted(p.name for p in (tmp_path / "every").iterdir()) == [f"epoch0{i}.gw" for i in range(1, 5)]
    np.testing.assert_array_equal(gw.load_model(tmp_path / "every" / "epoch02.gw").predict(x, verbose=0),
                                  snapshots[1])


# ----------------------------------------------------------------------------------------------- learning
def test_an_mlp_learns_the_spiral():
    x, y = gw.datasets.spiral(450, n_classes=3, noise=0.05, seed=0)
    x_train, x_test, y_train, y_test = gw.data.train_test_split(x, y, test_size=0.2, seed=0)
    gw.random.seed(0)
    model = gw.Sequential([nn.Input(shape=(2,)), nn.Dense(64, activation="relu"),
                           nn.Dense(64, activation="relu"), nn.Dense(3, activation="softmax")])
    model.compile(gw.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=60, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]
    assert history.history["accuracy"][-1] >= 0.97
    assert model.evaluate(x_test, y_test, verbose=0)[1] >= 0.95


def test_a_short_fit_on_mini_fashion_mnist_is_well_above_chance():
    (x_train, y_train), (x_test, y_test) = gw.datasets.fashion_mnist.load_data(subset="mini")
    gw.random.seed(0)
    model = gw.Sequential([nn.Input(shape=(28, 28)), nn.Rescaling(1 / 255), nn.Flatten(),
                           nn.Dense(64, activation="relu"), nn.Dense(10, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train[:3000], y_train[:3000], epochs=2, batch_size=64, verbose=0)
    assert model.evaluate(x_test, y_test, verbose=0)[1] > 0.65          # chance is 0.10


def test_sequential_config_round_trip_rebuilds_the_same_network():
    gw.random.seed(0)
    model = gw.Sequential([nn.Dense(4, activation="relu", input_shape=(3,)), nn.Dropout(0.2),
                           nn.BatchNormalization(), nn.Dense(2, activation="softmax")], name="seq")
    clone = gw.Sequential.from_config(model.get_config())
    assert clone.name == "seq" and clone.built
    assert [type(layer) for layer in clone.layers] == [type(layer) for layer in model.layers]
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))


def test_a_one_input_model_with_several_outputs_trains_again_once_built():
    """A built model with one input and a dict of outputs takes one array x again (fit, evaluate)."""

    class TwoOut(gw.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.a, self.b = gw.nn.Dense(3, activation="softmax"), gw.nn.Dense(1)

        def call(self, x, training=False):
            return {"a": self.a(x), "b": self.b(x)}

    x = np.random.default_rng(0).standard_normal((8, 4)).astype(np.float32)
    y = {"a": np.arange(8) % 3, "b": x[:, :1]}
    model = TwoOut()
    model.compile("sgd", loss={"a": "sparse_categorical_crossentropy", "b": "mse"})
    model.fit(x, y, epochs=1, verbose=0)
    assert len(model.fit(x, y, epochs=1, verbose=0).history["loss"]) == 1
    assert np.isfinite(model.evaluate(x, y, verbose=0)[0])
    with pytest.raises(ValueError, match=r"expected inputs of shape \(None, 4\), got \(None, 5\)"):
        model.fit(np.zeros((8, 5), np.float32), y, verbose=0)
