"""activity_regularizer, Layer.losses, add_loss and ActivityRegularization: what `losses` lists and when it
is cleared, the training loss as data loss + penalties (checked by hand in NumPy), gradients, configs and
model files; and padding names in any case ("SAME" is "same") in the layers and the functional kernels."""
import json

import numpy as np
import pytest
from layer_harness import LayerCase, LayerHarness

import gradwork as gw
import gradwork.nn.functional as F
from gradwork import nn
from gradwork import regularizers as R

RNG = np.random.default_rng(0)
X = RNG.standard_normal((6, 3)).astype(np.float32)
Y = RNG.standard_normal((6, 2)).astype(np.float32)


def l1l2(a, l1=0.0, l2=0.0):
    return l1 * np.abs(a).sum() + l2 * (a.astype(np.float64) ** 2).sum()


def test_layer_losses_list_the_activity_penalty_then_the_weight_penalties():
    layer = nn.Dense(2, activity_regularizer=R.L1L2(l1=0.01, l2=0.02), kernel_regularizer=R.L2(0.1),
                     bias_regularizer="l1")
    assert layer.losses == []  # unbuilt, never called
    out = layer(X)
    k, b = layer.kernel.data, layer.bias.data
    expected = [l1l2(out.data, 0.01, 0.02) / 6, l1l2(k, l2=0.1), l1l2(b, l1=0.01)]
    assert [t.shape for t in layer.losses] == [()] * 3
    np.testing.assert_allclose([t.item() for t in layer.losses], expected, rtol=1e-5)


def test_the_penalty_is_divided_by_the_batch_size():
    layer = nn.Dense(2, activity_regularizer=R.L1(0.5))
    layer(X)
    small = layer.losses[0].item()
    layer(np.concatenate([X, X, X]))
    assert layer.losses[0].item() == pytest.approx(small, rel=1e-6)
    layer(np.zeros((0, 3), np.float32))  # an empty batch gives 0, not NaN (Keras's divide_no_nan)
    assert layer.losses[0].item() == 0.0


def test_the_losses_of_the_last_call_are_cleared_at_the_next_outer_call():
    inner = nn.Dense(2, activity_regularizer="l2")
    outer = gw.Sequential([inner, nn.Dense(2, activity_regularizer="l1")])
    outer(X)
    assert len(outer.losses) == 2 and len(inner.losses) == 1
    outer(X[:2])
    assert len(outer.losses) == 2
    inner(X)  # an outer call of the inner layer alone clears its own losses only
    assert len(inner.losses) == 1 and len(outer.losses) == 2


def test_a_sublayer_called_twice_in_one_call_contributes_twice():
    class Twice(gw.Model):
        def __init__(self):
            super().__init__()
            self.dense = nn.Dense(3, activity_regularizer=R.L1(1.0))

        def call(self, x):
            return self.dense(self.dense(x))

    model = Twice()
    model(X)
    values = sorted(t.item() for t in model.losses)
    h = model.dense(X).data
    np.testing.assert_allclose(values, sorted([l1l2(h, 1.0) / 6, l1l2(model.dense(h).data, 1.0) / 6]), rtol=1e-5)


def test_a_functional_model_lists_its_layers_losses_and_frozen_weights_have_no_penalty():
    inputs = gw.Input(shape=(3,))
    hidden = nn.Dense(4, activity_regularizer=R.L2(0.3), kernel_regularizer=R.L1(0.2), name="hidden")
    model = gw.Model(inputs, nn.Dense(1)(hidden(inputs)))
    out = model(X)
    h = X @ hidden.kernel.data + hidden.bias.data
    np.testing.assert_allclose([t.item() for t in model.losses],
                               [l1l2(h, l2=0.3) / 6, l1l2(hidden.kernel.data, l1=0.2)], rtol=1e-5)
    assert out.shape == (6, 1)
    hidden.trainable = False  # as Keras: only trainable weights' penalties count
    model(X)
    assert len(model.losses) == 1


def _hand_loss(model, x, y, activity, kernel_l2):
    """MSE + activity penalty (divided by batch) + kernel L2, computed in NumPy from the model's weights."""
    k1, b1, k2, b2 = [w.astype(np.float64) for w in model.get_weights()]
    h = np.tanh(x @ k1 + b1)
    out = h @ k2 + b2
    return ((out - y) ** 2).mean() + l1l2(h, *activity) / len(x) + l1l2(k2, l2=kernel_l2)


def _regularized_model():
    gw.random.seed(1)
    return gw.Sequential([nn.Input(shape=(3,)), nn.Dense(4, activation="tanh", activity_regularizer=R.L1L2(0.03, 0.2)),
                          nn.Dense(2, kernel_regularizer=R.L2(0.05))])


def test_the_training_loss_is_data_loss_plus_each_penalty_once():
    model = _regularized_model()
    model.compile(gw.optimizers.SGD(0.1), "mse")
    expected = _hand_loss(model, X, Y, (0.03, 0.2), 0.05)
    logs = model.train_on_batch(X, Y, return_dict=True)
    assert logs["loss"] == pytest.approx(expected, rel=1e-5)
    expected = _hand_loss(model, X, Y, (0.03, 0.2), 0.05)
    history = model.fit(X, Y, batch_size=6, epochs=1, verbose=0)
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-5)
    expected = _hand_loss(model, X, Y, (0.03, 0.2), 0.05)
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(expected, rel=1e-5)  # as Keras: penalties count
    assert len(model.losses) == 2  # the last call's activity penalty and the kernel's, not one per step


def test_the_activity_penalty_has_its_gradient():
    layer = nn.Dense(3, activity_regularizer=R.L1L2(0.3, 0.7), dtype="float64")
    x = gw.tensor(RNG.standard_normal((4, 5)), requires_grad=True)
    layer(x)

    def penalty(inp, kernel, bias):
        layer(inp)
        return layer.losses[0]

    assert gw.gradcheck(penalty, (x, layer.kernel, layer.bias), eps=1e-6, atol=1e-7, rtol=1e-5)


def test_add_loss_in_a_subclassed_model_joins_the_training_loss_and_its_gradient():
    class Sparse(gw.Model):
        def __init__(self):
            super().__init__()
            self.hidden = nn.Dense(4, activation="tanh")
            self.out = nn.Dense(2)

        def call(self, x):
            h = self.hidden(x)
            self.add_loss(0.5 * (h * h).mean())
            return self.out(h)

    gw.random.seed(2)
    model, twin = Sparse(), Sparse()
    model(X)
    twin(X)
    twin.set_weights(model.get_weights())
    assert len(model.losses) == 1 and model.losses[0].shape == ()
    k1, b1, k2, b2 = [w.astype(np.float64) for w in model.get_weights()]
    h = np.tanh(X @ k1 + b1)
    expected = (((h @ k2 + b2) - Y) ** 2).mean() + 0.5 * (h * h).mean()
    model.compile(gw.optimizers.SGD(0.1), "mse")
    assert model.train_on_batch(X, Y) == pytest.approx(expected, rel=1e-5)
    out = twin(X)  # the same step by hand: the added term's gradient must reach the hidden weights
    total = ((out - gw.tensor(Y)) ** 2).mean() + 0.5 * (twin.hidden(X) ** 2).mean()
    total.backward()
    for p, trained in zip(twin.trainable_weights, model.trainable_weights):
        np.testing.assert_allclose(trained.data, p.data - 0.1 * p.grad.data, rtol=1e-5, atol=1e-6)


def test_add_loss_takes_numbers_and_refuses_other_values():
    layer = nn.Identity()
    layer.add_loss(2.0)
    assert layer.losses[0].item() == 2.0 and layer.losses[0].dtype == np.float32
    with pytest.raises(TypeError, match=r"identity.*: add_loss expects a Tensor or a real number, got str"):
        layer.add_loss("big")
    with pytest.raises(ValueError, match=r"unknown regularizer 'l3'"):
        nn.Dense(2, activity_regularizer="l3")


def test_configs_and_model_files_keep_the_activity_regularizer(tmp_path):
    layer = nn.Conv2D(2, 3, activity_regularizer=R.L1L2(0.1, 0.2))
    config = json.loads(json.dumps(layer.get_config()))
    assert config["activity_regularizer"] == {"class_name": "L1L2", "config": {"l1": 0.1, "l2": 0.2}}
    clone = nn.Conv2D.from_config(config)
    assert clone.activity_regularizer.get_config() == {"l1": 0.1, "l2": 0.2}
    assert "activity_regularizer" not in nn.Conv2D(2, 3).get_config()
    model = _regularized_model()
    model.add(nn.ActivityRegularization(l1=0.01, l2=0.02))
    model.compile(gw.optimizers.Adam(0.01), "mse")
    model.fit(X, Y, batch_size=3, epochs=1, verbose=0)
    model.save(tmp_path / "m.gw")
    loaded = gw.load_model(tmp_path / "m.gw")
    assert loaded.get_config() == model.get_config()
    assert loaded.layers[-1].get_config()["l2"] == 0.02
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(loaded.evaluate(X, Y, verbose=0), rel=1e-6)
    np.testing.assert_allclose([t.item() for t in loaded.losses], [t.item() for t in model.losses], rtol=1e-6)


def test_activity_regularization_layer_penalty():
    layer = nn.ActivityRegularization(l1=0.25, l2=0.5)
    out = layer(X)
    np.testing.assert_array_equal(out.data, X)
    assert layer.losses[0].item() == pytest.approx(l1l2(X, 0.25, 0.5) / 6, rel=1e-6)
    assert layer.get_config() == {"name": layer.name, "trainable": True, "l1": 0.25, "l2": 0.5}
    with pytest.raises(ValueError, match="l1"):
        nn.ActivityRegularization(l1=-1.0)


class TestActivityRegularizationHarness(LayerHarness):
    CASES = [
        LayerCase("activity_regularization", lambda dtype: nn.ActivityRegularization(0.1, 0.2, dtype=dtype), (3, 4),
                  output_shape=(3, 4)),
        LayerCase("dense_activity", lambda dtype: nn.Dense(2, activity_regularizer="l1_l2", dtype=dtype), (3, 4),
                  {"kernel": (4, 2), "bias": (2,)}, (3, 2), ("kernel", "bias")),
    ]


# ----- padding names in any case ----------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda p: nn.Conv2D(2, 3, strides=2, padding=p), lambda p: nn.Conv1D(2, 3, padding=p),
    lambda p: nn.Conv2DTranspose(2, 3, strides=2, padding=p), lambda p: nn.DepthwiseConv2D(3, padding=p),
    lambda p: nn.SeparableConv2D(2, 3, padding=p), lambda p: nn.MaxPooling2D(3, 2, padding=p),
    lambda p: nn.AveragePooling1D(3, 2, padding=p),
], ids=["conv2d", "conv1d", "conv2d_transpose", "depthwise", "separable", "max_pool2d", "avg_pool1d"])
@pytest.mark.parametrize("spelling", ["SAME", "Same", "VALID", "Valid"])
def test_layer_padding_in_any_case_is_the_lower_case_one(make, spelling):
    x = RNG.standard_normal((2, 7, 7, 2) if "1D" not in make("same").__class__.__name__ else (2, 7, 2))
    x = x.astype(np.float32)
    lower, other = make(spelling.lower()), make(spelling)
    assert other.padding == spelling.lower() and other.get_config()["padding"] == spelling.lower()
    gw.random.seed(5)  # the same initial weights
    expected = lower(x).data
    gw.random.seed(5)
    np.testing.assert_array_equal(other(x).data, expected)


def test_functional_padding_in_any_case():
    x = RNG.standard_normal((1, 6, 6, 2))
    k = RNG.standard_normal((3, 3, 2, 4))
    for f, args in [(F.conv2d, (k,)), (F.depthwise_conv2d, (RNG.standard_normal((3, 3, 2, 1)),)),
                    (F.conv2d_transpose, (RNG.standard_normal((3, 3, 4, 2)),))]:
        np.testing.assert_array_equal(f(x, *args, padding="SAME").data, f(x, *args, padding="same").data)
    np.testing.assert_array_equal(F.max_pool2d(gw.tensor(x), 2, padding="Same").data,
                                  F.max_pool2d(gw.tensor(x), 2, padding="same").data)


@pytest.mark.parametrize("make, pattern", [
    (lambda: nn.Conv2D(2, 3, padding="SAMEE"), r"Conv2D: padding must be 'valid' or 'same', got 'SAMEE'"),
    (lambda: nn.MaxPooling1D(padding="full"), r"MaxPooling1D: padding must be 'valid' or 'same', got 'full'"),
    (lambda: nn.Conv2D(2, 3, padding=3), r"Conv2D: padding must be 'valid' or 'same', got 3"),
    (lambda: F.conv2d(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), padding=" same"),
     r"padding must be 'valid' or 'same', got ' same'"),
])
def test_bad_padding_strings_still_raise(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()
