"""Bad data raises before anything changes (issue 11 item 3): in-memory data is checked whole before the
first step; a streamed batch is checked before it reaches the model; a failed call leaves the weights,
the moving statistics, the optimizer state and `optimizer.iterations` bit-identical."""

import numpy as np
import pytest

import gradwork as gw
from gradwork.nn import BatchNormalization, Dense, Input


def _data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5)).astype(np.float32)
    return x, rng.integers(0, 3, size=n)


def _model(seed=0, loss=None):
    gw.random.seed(seed)
    model = gw.Sequential([Input(shape=(5,)), Dense(8), BatchNormalization(), Dense(3)])
    model.compile(optimizer=gw.optimizers.Adam(0.01),
                  loss=loss or gw.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


def _state(model):
    """Every weight (moving statistics included), the optimizer's slots and its iterations."""
    slots = {k: np.array(v, copy=True) for k, v in model.optimizer.get_state().items()}
    return [w.copy() for w in model.get_weights()], slots, model.optimizer.iterations


def _assert_same(a, b):
    (wa, sa, ia), (wb, sb, ib) = a, b
    assert ia == ib
    assert len(wa) == len(wb) and all(np.array_equal(u, v) for u, v in zip(wa, wb))
    assert sa.keys() == sb.keys() and all(np.array_equal(sa[k], sb[k]) for k in sa)


def _trained_model():
    """A model that has trained a step already (optimizer slots exist, moving statistics moved)."""
    model = _model()
    model.fit(*_data(), batch_size=16, epochs=1, verbose=0)
    return model


def _raises_unchanged(model, call, match):
    before = _state(model)
    with pytest.raises(ValueError, match=match):
        call()
    _assert_same(before, _state(model))


def test_a_label_out_of_range_in_the_last_batch_raises_before_any_step():
    x, y = _data()
    y[-1] = 3
    for model in (_model(), _trained_model()):
        _raises_unchanged(model, lambda m=model: m.fit(x, y, batch_size=16, verbose=0), r"y .*label 3")


def test_a_batch_norm_model_given_bad_labels_keeps_its_moving_statistics():
    x, y = _data()
    model = _trained_model()
    _raises_unchanged(model, lambda: model.train_on_batch(x, y.astype(np.float32) + 0.5), "y .*whole-number")
    _raises_unchanged(model, lambda: model.evaluate(x, y - 1, verbose=0), "label -1")


def test_binary_labels_must_lie_in_0_1():
    x, y = _data()
    gw.random.seed(0)
    model = gw.Sequential([Input(shape=(5,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    _raises_unchanged(model, lambda: model.fit(x, y, verbose=0), r"y must hold labels in \[0, 1\]")


@pytest.mark.parametrize("n", [47, 49])
def test_a_short_or_long_sample_weight_raises_before_any_step(n):
    x, y = _data()
    model = _trained_model()
    _raises_unchanged(model, lambda: model.fit(x, y, sample_weight=np.ones(n), batch_size=16, verbose=0),
                      f"sample_weight must have one weight per sample \\(48\\), got {n} weights")


@pytest.mark.parametrize("bad, match", [(-1.0, "non-negative"), (np.nan, "finite"), (None, "all zero")])
def test_negative_nan_or_all_zero_sample_weight_raises(bad, match):
    x, y = _data()
    weights = np.zeros(len(x)) if bad is None else np.ones(len(x))
    if bad is not None:
        weights[-1] = bad
    model = _trained_model()
    _raises_unchanged(model, lambda: model.fit(x, y, sample_weight=weights, verbose=0), "sample_weight .*" + match)
    _raises_unchanged(model, lambda: model.train_on_batch(x, y, sample_weight=weights), "sample_weight .*" + match)


@pytest.mark.parametrize("key", [3, -1, "a", 1.5])
def test_a_class_weight_key_that_is_not_a_class_raises(key):
    x, y = _data()
    model = _trained_model()
    _raises_unchanged(model, lambda: model.fit(x, y, class_weight={0: 1.0, key: 2.0}, verbose=0),
                      "class_weight keys must be classes 0 to 2")


def test_good_class_weight_still_trains():
    x, y = _data()
    model = _model()
    model.fit(x, y, class_weight={0: 1.0, 2: 3.0}, verbose=0)
    assert model.optimizer.iterations == 2


@pytest.mark.parametrize("which", ["labels", "weights", "dtype"])
def test_bad_validation_data_raises_before_epoch_1(which):
    x, y = _data()
    xv, yv = _data(16, seed=1)
    sw = np.ones(len(xv))
    if which == "labels":
        yv[-1] = 7
    elif which == "weights":
        sw = sw[:-1]
    else:
        xv = xv.astype(np.complex64)
    seen = []
    callback = gw.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: seen.append(epoch))
    model = _trained_model()
    _raises_unchanged(model, lambda: model.fit(x, y, validation_data=(xv, yv, sw), callbacks=[callback],
                                               verbose=0), "label 7|sample_weight|x must hold real")
    assert seen == []


@pytest.mark.parametrize("x_bad", [np.array([["a"] * 5] * 4), np.ones((4, 5), np.complex128),
                                   np.array([[object()] * 5] * 4, dtype=object)])
def test_string_complex_or_object_x_is_refused(x_bad):
    model = _trained_model()
    y = np.zeros(4, np.int64)
    for call in (lambda: model.fit(x_bad, y, verbose=0), lambda: model.evaluate(x_bad, y, verbose=0),
                 lambda: model.predict(x_bad, verbose=0), lambda: model.train_on_batch(x_bad, y)):
        _raises_unchanged(model, call, "x must hold real numbers or booleans, got dtype")


def test_boolean_and_integer_x_are_accepted():
    x, y = _data()
    model = _model()
    model.fit(x > 0, y, verbose=0)
    model.fit((x * 3).astype(np.int32), y, verbose=0)


def _batches(x, y, bad_batch=None, size=16):
    """(x, y) batches; batch `bad_batch` has a label out of range."""
    for i in range(0, len(x), size):
        yb = y[i:i + size].copy()
        if i // size == bad_batch:
            yb[0] = 5
        yield x[i:i + size], yb


def test_a_streamed_bad_batch_names_its_index_and_leaves_the_state_of_the_batches_before():
    x, y = _data(64)
    model = _model()
    with pytest.raises(ValueError, match="x, batch 2: .*label 5"):
        model.fit(_batches(x, y, bad_batch=2), verbose=0)
    reference = _model()
    reference.fit(_batches(x[:32], y[:32]), verbose=0)
    assert reference.optimizer.iterations == 2
    _assert_same(_state(reference), _state(model))


def test_a_streamed_bad_sample_weight_names_the_batch():
    x, y = _data(32)
    batches = [(x[:16], y[:16], np.ones(16)), (x[16:], y[16:], np.ones(15))]
    model = _model()
    with pytest.raises(ValueError, match="x, batch 1: .*sample_weight must have one weight per sample"):
        model.fit(iter(batches), verbose=0)
    assert model.optimizer.iterations == 1


def test_a_failing_custom_loss_leaves_the_moving_statistics():
    def loss(y_true, y_pred):
        raise ValueError("custom loss refuses")

    x, y = _data()
    model = _trained_model()
    model.compile(optimizer=model.optimizer, loss=loss)
    _raises_unchanged(model, lambda: model.fit(x, y, verbose=0), "custom loss refuses")
