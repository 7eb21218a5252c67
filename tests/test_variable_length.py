"""Models on sequences of any length (Keras's Input(shape=(None, features))): building from a declared
shape with a None axis, fit/predict/evaluate at several lengths, summary, saving; and the models that
keep the length they were built with, whose errors say how to free it."""
import re
import json
import zipfile

import numpy as np
import pytest

import gradwork as gw
from gradwork import nn


def _sequences(n, length, features=4, seed=0):
    """x (n, length, features) float32 and a target per sequence that depends on all its steps: the
    sign of the sum of the first feature (0/1) and its mean."""
    x = np.random.default_rng(seed).standard_normal((n, length, features)).astype(np.float32)
    total = x[..., 0].sum(axis=1)
    return x, (total > 0).astype(np.int64), x[..., 0].mean(axis=1, keepdims=True)


def _lstm_model():
    return gw.Sequential([nn.Input(shape=(None, 4)), nn.LSTM(8), nn.Dense(2)], name="lstm_any")


def _conv_model():
    return gw.Sequential([nn.Input(shape=(None, 4)), nn.Conv1D(6, 3, activation="relu"),
                          nn.MaxPooling1D(2), nn.Conv1D(6, 3), nn.GlobalMaxPooling1D(), nn.Dense(2)],
                         name="conv_any")


@pytest.mark.parametrize("make, params", [(_lstm_model, 4 * 8 * (4 + 8 + 1) + 8 * 2 + 2),
                                          (_conv_model, 3 * 4 * 6 + 6 + 3 * 6 * 6 + 6 + 6 * 2 + 2)],
                         ids=["lstm", "conv1d"])
def test_a_model_declared_with_a_free_length_trains_and_predicts_at_any_length(make, params):
    gw.random.seed(0)
    model = make()
    assert model.built and model.build_input_shape == (None, None, 4)
    assert model.count_params() == params
    model.compile(optimizer=gw.optimizers.Adam(1e-2),
                  loss=gw.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    (xa, ya, _), (xb, yb, _) = _sequences(64, 12, seed=1), _sequences(64, 9, seed=2)
    before = model.evaluate(xb, yb, verbose=0, return_dict=True)["loss"]
    model.fit(xa, ya, epochs=3, batch_size=16, verbose=0)
    model.fit(xb, yb, epochs=3, batch_size=16, verbose=0)
    assert model.build_input_shape == (None, None, 4)                   # training did not pin a length
    assert model.evaluate(xb, yb, verbose=0, return_dict=True)["loss"] < before
    for x in (xa, xb, _sequences(3, 20)[0]):
        predicted = model.predict(x, batch_size=16, verbose=0)
        with gw.no_grad():
            direct = model(x).data
        assert predicted.shape == (len(x), 2)
        np.testing.assert_allclose(predicted, direct, rtol=1e-6, atol=1e-6)


def test_summary_shows_none_on_the_free_axis_even_after_other_lengths(capsys):
    model = _conv_model()
    model.predict(_sequences(2, 15)[0], verbose=0)                      # layers last saw 15 steps
    model.summary()
    out = capsys.readouterr().out
    assert out.count("(None, None, 6)") == 3                            # conv, pooling, conv
    assert "(None, 6)" in out and "(None, 2)" in out
    assert not re.search(r"\([^()]*\b15\b[^()]*\)", out)   # no shape holds the 15 (a layer's name may: conv1d_15)


def test_model_without_a_free_axis_rejects_another_length_and_says_how_to_free_it():
    declared = gw.Sequential([nn.Input(shape=(10, 4)), nn.LSTM(3)], name="fixed")
    with pytest.raises(ValueError, match=r"fixed: expected inputs of shape \(None, 10, 4\), got \(None, 7, 4\); "
                                         r"to accept any size on an axis, declare it None: "
                                         r"Input\(shape=\(None, 4\)\)"):
        declared.predict(_sequences(2, 7)[0], verbose=0)
    lazy = gw.Sequential([nn.LSTM(3)], name="lazy")                     # built from the first data: pinned
    lazy.predict(_sequences(2, 6)[0], verbose=0)
    assert lazy.build_input_shape == (None, 6, 4)
    lazy.compile(loss="mse")
    with pytest.raises(ValueError, match=r"lazy: expected inputs of shape \(None, 6, 4\), got \(None, 8, 4\); "
                                         r".*Input\(shape=\(None, 4\)\)"):
        lazy.fit(_sequences(2, 8)[0], np.zeros((2, 3)), verbose=0)
    # a wrong number of features is no length question: no advice to free an axis
    with pytest.raises(ValueError, match=r"lazy: expected inputs of shape \(None, 6, 4\), got \(None, 6, 5\)$"):
        lazy.predict(np.zeros((2, 6, 5), np.float32), verbose=0)


def test_the_input_layer_checks_only_the_sizes_it_declares():
    layer = nn.InputLayer(shape=(None, 4), name="inp")
    assert layer(np.zeros((2, 9, 4))).shape == (2, 9, 4)
    with pytest.raises(ValueError, match=r"inp: expected inputs of shape \(batch, None, 4\), got \(2, 9, 5\)"):
        layer(np.zeros((2, 9, 5)))
    with pytest.raises(ValueError, match=r"inp: expected inputs of shape \(batch, None, 4\), got \(2, 4\)"):
        layer(np.zeros((2, 4)))


def test_a_model_whose_weights_depend_on_the_free_length_fails_at_build():
    with pytest.raises(ValueError, match=r"flat: the axes declared None in \(None, None, 4\) must take any size, "
                                         r"but a zero sample of size 64 on them fails: .*features"):
        gw.Sequential([nn.Input(shape=(None, 4)), nn.Conv1D(2, 3), nn.Flatten(), nn.Dense(1)], name="flat")


def test_free_axes_of_several_inputs():
    class Pair(gw.Model):
        """A sequence of any length and a vector: [(n, steps, 3), (n, 2)] -> (n, 1)."""

        def __init__(self):
            super().__init__(name="pair")
            self.rnn, self.dense, self.out = nn.GRU(4), nn.Dense(4), nn.Dense(1)

        def call(self, inputs):
            sequence, vector = inputs
            return self.out(self.rnn(sequence) + self.dense(vector))

    model = Pair()
    model.build([(None, None, 3), (None, 2)])
    assert model.build_input_shape == [(None, None, 3), (None, 2)]
    for steps in (3, 11):
        assert model.predict([np.zeros((5, steps, 3)), np.zeros((5, 2))], verbose=0).shape == (5, 1)
    with pytest.raises(ValueError, match=r"pair: expected input x\[1\] of shape \(None, 2\), got \(None, 3\)"):
        model.predict([np.zeros((5, 3, 3)), np.zeros((5, 3))], verbose=0)


@pytest.mark.parametrize("make", [_lstm_model, _conv_model], ids=["lstm", "conv1d"])
def test_save_and_load_keep_the_free_axis(make, tmp_path):
    gw.random.seed(1)
    model = make()
    model.compile(optimizer="adam", loss=gw.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y, _ = _sequences(16, 10)
    model.fit(x, y, epochs=1, verbose=0)
    path = tmp_path / "model.gw"
    model.save(path)
    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    assert config["build_input_shape"] == [None, None, 4]
    assert config["model"]["config"]["layers"][0]["config"]["shape"] == [None, 4]
    loaded = gw.models.load_model(path)
    assert loaded.build_input_shape == (None, None, 4)
    for steps in (10, 13):
        x = _sequences(4, steps, seed=steps)[0]
        np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_build_with_a_free_axis_and_no_input_layer_round_trips(tmp_path):
    """build((None, None, 4)) and input_shape=(None, 4) on the first layer free the axis as Input does."""
    for model in (gw.Sequential([nn.GRU(3)]), gw.Sequential([nn.GRU(3, input_shape=(None, 4))])):
        model.build((None, None, 4))
        model.save(tmp_path / "m.gw")
        loaded = gw.models.load_model(tmp_path / "m.gw")
        assert loaded.build_input_shape == (None, None, 4)
        x = _sequences(2, 5)[0]
        np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
