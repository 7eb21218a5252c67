"""fit / evaluate / predict on every batch source (generators, iterables, loaders, PyDatasets), compared
bit for bit with the same batches given as arrays; steps_per_epoch, validation_steps, validation_freq,
validation callbacks, sample_weight as the third batch element, and the errors."""
import warnings

import numpy as np
import pytest

import gradwork as gw
from gradwork import nn

N, B = 20, 4  # samples, batch size: 5 batches per pass


def data(seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(N, 4)).astype(np.float32), rng.integers(0, 3, N), rng.uniform(0.5, 2, N)


def model(seed=1):
    gw.random.seed(seed)
    m = gw.Sequential([nn.Input(shape=(4,)), nn.Dense(8, activation="relu"), nn.Dense(3)])
    m.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return m


def batches(*arrays):
    """The array batches that fit(shuffle=False, batch_size=B) takes, as tuples."""
    return [tuple(a[i:i + B] for a in arrays) for i in range(0, N, B)]


def endless(items):
    while True:
        yield from items


class Loader:
    """A duck-typed DataLoader: re-iterable, with __len__."""

    def __init__(self, items):
        self.items = items

    def __len__(self):
        return len(self.items)

    def __iter__(self):
        return iter(self.items)


class Batches:
    """A duck-typed Keras PyDataset that records which batches it gave and its on_epoch_end calls."""

    def __init__(self, items):
        self.items, self.seen, self.epochs_ended = items, [], 0

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        self.seen.append(i)
        return self.items[i]

    def on_epoch_end(self):
        self.epochs_ended += 1


def same_weights(a, b):
    for p, q in zip(a.weights, b.weights):
        np.testing.assert_array_equal(p.data, q.data)


def fit_arrays(epochs=3, **kwargs):
    x, y, w = data()
    m = model()
    history = m.fit(x, y, batch_size=B, epochs=epochs, shuffle=False, verbose=0, **kwargs)
    return m, history.history


@pytest.mark.parametrize("source, steps", [
    (lambda items: endless(items), 5),
    (lambda items: Loader(items), None),
    (lambda items: Batches(items), None),
    (lambda items: Loader(items), 5),
    (lambda items: Loader([list(b) for b in items]), None),  # lists, as PyTorch's DataLoader gives them
])
def test_fit_on_a_batch_source_matches_the_arrays_bit_for_bit(source, steps):
    x, y, _ = data()
    reference, logs = fit_arrays()
    m = model()
    history = m.fit(source(batches(x, y)), epochs=3, steps_per_epoch=steps, verbose=0)
    same_weights(m, reference)
    assert history.history == logs


def test_a_finite_generator_ends_its_epoch_when_exhausted_and_training_stops_when_empty():
    x, y, _ = data()
    reference, logs = fit_arrays(epochs=1)
    m = model()
    with pytest.warns(UserWarning, match="ran out"):
        history = m.fit((b for b in batches(x, y)), epochs=3, verbose=0)
    same_weights(m, reference)
    assert history.history == logs and history.epoch == [0]


def test_pydataset_on_epoch_end_and_steps_per_epoch_continue_across_epochs():
    x, y, _ = data()
    ds = Batches(batches(x, y))
    m = model()
    with pytest.warns(UserWarning, match="after 1 of steps_per_epoch=2"):
        m.fit(ds, epochs=4, steps_per_epoch=2, verbose=0)
    assert ds.seen == [0, 1, 2, 3, 4, 0, 1]
    assert ds.epochs_ended == 1
    reference = model()
    reference.fit(x, y, batch_size=B, epochs=1, shuffle=False, verbose=0)  # the same 7 steps: 5, then 2
    reference.fit(x[:2 * B], y[:2 * B], batch_size=B, epochs=1, shuffle=False, verbose=0)
    same_weights(m, reference)


def test_sample_weight_as_the_third_batch_element():
    x, y, w = data()
    reference, logs = fit_arrays(sample_weight=w)
    m = model()
    history = m.fit(Loader(batches(x, y, w)), epochs=3, verbose=0)
    same_weights(m, reference)
    assert history.history == logs
    assert m.evaluate(Loader(batches(x, y, w)), verbose=0) == reference.evaluate(x, y, B, 0, w)


def test_evaluate_and_predict_on_each_source_match_the_arrays():
    x, y, _ = data()
    m = model()
    expected, outputs = m.evaluate(x, y, batch_size=B, verbose=0), m.predict(x, batch_size=B, verbose=0)
    items, inputs = batches(x, y), [b[0] for b in batches(x)]
    assert m.evaluate(endless(items), steps=5, verbose=0) == expected
    assert m.evaluate(Loader(items), verbose=0) == expected
    assert m.evaluate(Batches(items), verbose=0) == expected
    np.testing.assert_array_equal(m.predict(endless(inputs), steps=5, verbose=0), outputs)
    np.testing.assert_array_equal(m.predict(Loader([(b,) for b in inputs]), verbose=0), outputs)
    np.testing.assert_array_equal(m.predict(Batches(inputs), verbose=0), outputs)
    np.testing.assert_array_equal(m.predict(Loader(items), verbose=0), outputs)  # y in a batch is ignored


class TwoInTwoOut(gw.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.left, self.right = nn.Dense(6, activation="tanh"), nn.Dense(6, activation="tanh")
        self.classes, self.value = nn.Dense(3), nn.Dense(1)

    def call(self, inputs, training=None):
        h = self.left(inputs["a"]) + self.right(inputs["b"])
        return [self.classes(h), self.value(h)]


def test_several_inputs_and_outputs_in_each_batch():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(N, 3)).astype(np.float32), rng.normal(size=(N, 2)).astype(np.float32)
    labels, values = rng.integers(0, 3, N), rng.normal(size=(N, 1)).astype(np.float32)

    def make():
        gw.random.seed(2)
        m = TwoInTwoOut()
        m.compile("adam", ["sparse_categorical_crossentropy", "mse"], metrics=[["accuracy"], []])
        return m

    reference = make()
    logs = reference.fit({"a": a, "b": b}, [labels, values], batch_size=B, epochs=2, shuffle=False,
                         verbose=0).history
    items = [({"a": a[i:i + B], "b": b[i:i + B]}, [labels[i:i + B], values[i:i + B]]) for i in range(0, N, B)]
    m = make()
    assert m.fit(Loader(items), epochs=2, verbose=0).history == logs
    same_weights(m, reference)
    assert m.evaluate(Batches(items), verbose=0) == reference.evaluate({"a": a, "b": b}, [labels, values],
                                                                         batch_size=B, verbose=0)
    predicted = m.predict(Loader([(x,) for x, _ in items]), verbose=0)
    for got, want in zip(predicted, reference.predict({"a": a, "b": b}, batch_size=B, verbose=0)):
        np.testing.assert_array_equal(got, want)


def test_validation_data_as_a_generator_with_validation_steps():
    x, y, _ = data()
    xv, yv, _ = data(seed=5)
    reference, logs = fit_arrays(validation_data=(xv, yv))
    m = model()
    history = m.fit(Loader(batches(x, y)), epochs=3, verbose=0, validation_data=endless(batches(xv, yv)),
                    validation_steps=5)
    assert history.history == logs and "val_loss" in logs
    same_weights(m, reference)


def test_validation_batch_size_and_validation_freq():
    x, y, _ = data()
    _, logs = fit_arrays(epochs=4, validation_split=0.5, validation_freq=2, validation_batch_size=3)
    assert len(logs["loss"]) == 4 and len(logs["val_loss"]) == 2
    _, listed = fit_arrays(epochs=4, validation_data=(x, y), validation_freq=[1, 4])
    assert len(listed["val_loss"]) == 2
    with pytest.raises(ValueError, match="validation_freq must be"):
        fit_arrays(epochs=1, validation_data=(x, y), validation_freq=0)


def test_a_callback_sees_the_validation_pass_during_fit():
    x, y, _ = data()
    calls = []
    spy = gw.callbacks.LambdaCallback(on_test_begin=lambda logs: calls.append("begin"),
                                      on_test_end=lambda logs: calls.append(("end", sorted(logs))))
    seen = []

    class Batches_(gw.callbacks.Callback):
        def on_test_batch_end(self, batch, logs=None):
            seen.append(batch)

    model().fit(x, y, batch_size=B, epochs=2, verbose=0, validation_data=(x, y), callbacks=[spy, Batches_()])
    assert calls == ["begin", ("end", ["accuracy", "loss"])] * 2
    assert seen == [0, 1, 2, 3, 4] * 2


def test_streaming_errors_name_the_argument_and_the_batch():
    x, y, _ = data()
    m = model()
    with pytest.raises(ValueError, match="y must not be given when x is a Loader"):
        m.fit(Loader(batches(x, y)), y, verbose=0)
    with pytest.raises(ValueError, match="validation_split must not be given"):
        m.fit(Loader(batches(x, y)), validation_split=0.2, verbose=0)
    bad = batches(x, y)[:2] + [(x[:4], y[:3])]
    with pytest.raises(ValueError, match="x, batch 2: .*4 samples but y has 3"):
        m.fit(Loader(bad), verbose=0)
    with pytest.raises(ValueError, match=r"steps_per_epoch must be a positive integer or None, got 0"):
        m.fit(endless(batches(x, y)), steps_per_epoch=0, verbose=0)


def test_no_warning_for_in_memory_data():
    x, y, _ = data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model().fit(x, y, batch_size=B, epochs=2, steps_per_epoch=2, verbose=0)
        assert model().predict(x[:0], verbose=0).shape == (0, 3)
