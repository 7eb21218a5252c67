"""Layers: the generic harness (layer_harness) over the core layers, PyTorch oracles, and the `Layer` base.

Each core layer with representative arguments goes through the four checks of layer_harness (lazy
build, config round trip, training step, float64 gradient check). Then each layer that PyTorch has
is compared with it, forward and backward; where the conventions differ (Keras's biased moving
variance) a NumPy transcription of the documented formula is the oracle.
"""
import json

import numpy as np
import pytest
from layer_harness import LayerCase, LayerHarness

import gradwork as gw
from gradwork import nn
from gradwork.ops.nn.linear import affine

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone

CASES = [
    LayerCase("dense", lambda dt: nn.Dense(4, dtype=dt), (3, 5), {"kernel": (5, 4), "bias": (4,)}, (3, 4),
              ("kernel", "bias")),
    LayerCase("dense_tanh_nobias_3d",
              lambda dt: nn.Dense(3, activation="tanh", use_bias=False,
                                  kernel_regularizer=gw.regularizers.L2(0.1), dtype=dt),
              (2, 4, 5), {"kernel": (5, 3)}, (2, 4, 3), ("kernel",)),
    LayerCase("activation_sigmoid", lambda dt: nn.Activation("sigmoid", dtype=dt), (3, 4), {}, (3, 4)),
    LayerCase("flatten", lambda dt: nn.Flatten(dtype=dt), (2, 3, 4), {}, (2, 12)),
    LayerCase("reshape", lambda dt: nn.Reshape((2, -1), dtype=dt), (3, 6), {}, (3, 2, 3)),
    LayerCase("rescaling", lambda dt: nn.Rescaling(0.5, offset=0.25, dtype=dt), (3, 4), {}, (3, 4)),
    LayerCase("relu", lambda dt: nn.ReLU(dtype=dt), (3, 4), {}, (3, 4)),
    LayerCase("relu_capped_leaky",
              lambda dt: nn.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.3, dtype=dt),
              (3, 4), {}, (3, 4), kinks=(0.3, 1.5)),
    LayerCase("leaky_relu", lambda dt: nn.LeakyReLU(negative_slope=0.2, dtype=dt), (3, 4), {}, (3, 4)),
    LayerCase("elu", lambda dt: nn.ELU(alpha=0.7, dtype=dt), (3, 4), {}, (3, 4)),
    LayerCase("softmax_axis1", lambda dt: nn.Softmax(axis=1, dtype=dt), (2, 3, 4), {}, (2, 3, 4)),
    LayerCase("dropout", lambda dt: nn.Dropout(0.4, dtype=dt), (4, 5), {}, (4, 5), stochastic=True),
    LayerCase("batch_norm", lambda dt: nn.BatchNormalization(dtype=dt), (6, 4),
              {"gamma": (4,), "beta": (4,), "moving_mean": (4,), "moving_variance": (4,)}, (6, 4),
              ("gamma", "beta")),
    LayerCase("batch_norm_axis1",
              lambda dt: nn.BatchNormalization(axis=1, momentum=0.9, epsilon=0.01, dtype=dt), (4, 3, 5),
              {"gamma": (3,), "beta": (3,), "moving_mean": (3,), "moving_variance": (3,)}, (4, 3, 5),
              ("gamma", "beta")),
    LayerCase("batch_norm_no_scale", lambda dt: nn.BatchNormalization(scale=False, dtype=dt), (5, 3),
              {"beta": (3,), "moving_mean": (3,), "moving_variance": (3,)}, (5, 3), ("beta",)),
    LayerCase("input_layer", lambda dt: nn.InputLayer(shape=(4,), dtype=dt), (3, 4), {}, (3, 4)),
]


class TestCoreLayers(LayerHarness):
    CASES = CASES


# ----------------------------------------------------------------------------------------------- PyTorch
def _torch_compare(gw_fn, torch_fn, x, rtol=1e-10, atol=1e-12, seed=0):
    """Same float64 input to both; compare outputs and input gradients under a random cotangent."""
    xg = gw.tensor(x, requires_grad=True)
    out = gw_fn(xg)                                  # called once: a training-mode call has effects
    v = np.random.default_rng(seed).standard_normal(out.shape)
    (out * gw.tensor(v)).sum().backward()
    xt = torch.tensor(x, requires_grad=True)
    ref = torch_fn(xt)
    (ref * torch.tensor(v)).sum().backward()
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=rtol, atol=atol)
    np.testing.assert_allclose(xg.grad.data, xt.grad.numpy(), rtol=rtol, atol=atol)
    return v


@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 5)])
@pytest.mark.parametrize("use_bias", [True, False])
def test_dense_matches_torch_linear(shape, use_bias):
    rng = np.random.default_rng(0)
    dense = nn.Dense(3, use_bias=use_bias, dtype="float64")
    x = rng.standard_normal(shape)
    dense(x)
    dense.kernel.data[...] = rng.standard_normal((5, 3))
    if use_bias:
        dense.bias.data[...] = rng.standard_normal(3)
    linear = torch.nn.Linear(5, 3, bias=use_bias, dtype=torch.float64)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor(dense.kernel.data.T))     # Keras (in, out) vs torch (out, in)
        if use_bias:
            linear.bias.copy_(torch.tensor(dense.bias.data))
    _torch_compare(dense, linear, x)
    np.testing.assert_allclose(dense.kernel.grad.data, linear.weight.grad.numpy().T, rtol=1e-10)
    if use_bias:
        np.testing.assert_allclose(dense.bias.grad.data, linear.bias.grad.numpy(), rtol=1e-10)


def test_affine_layouts_agree_and_need_no_copy():
    rng = np.random.default_rng(1)
    x, w, b = (gw.tensor(rng.standard_normal(s), requires_grad=True) for s in [(2, 3, 4), (4, 5), (5,)])
    wt = gw.tensor(w.data.T.copy(), requires_grad=True)
    a = affine(x, w, b)
    c = affine(x, wt, b, transposed=True)
    np.testing.assert_allclose(a.data, c.data, rtol=1e-12)
    v = gw.tensor(rng.standard_normal(a.shape))
    gx, gw_, gb = gw.grad(a, [x, w, b], v)
    gx2, gwt, gb2 = gw.grad(c, [x, wt, b], v)
    np.testing.assert_allclose(gx.data, gx2.data, rtol=1e-12)
    np.testing.assert_allclose(gw_.data, gwt.data.T, rtol=1e-12)
    np.testing.assert_allclose(gb.data, gb2.data, rtol=1e-12)
    assert gw.gradgradcheck(affine, (x, w, b))


def _bn_pair(momentum=0.9, epsilon=1e-3, features=4):
    bn = nn.BatchNormalization(momentum=momentum, epsilon=epsilon, dtype="float64")
    tbn = torch.nn.BatchNorm1d(features, eps=epsilon, momentum=1 - momentum, dtype=torch.float64)
    return bn, tbn


@pytest.mark.parametrize("input_shape, axis", [((8, 4), -1), ((6, 4, 5), 1)])
def test_batch_norm_training_matches_torch_and_the_biased_variance_convention(input_shape, axis):
    rng = np.random.default_rng(2)
    momentum, eps = 0.8, 1e-3
    bn = nn.BatchNormalization(axis=axis, momentum=momentum, epsilon=eps, dtype="float64")
    tbn = torch.nn.BatchNorm1d(4, eps=eps, momentum=1 - momentum, dtype=torch.float64)
    x = rng.standard_normal(input_shape) * 3 + 2
    bn(x)
    gamma, beta = rng.standard_normal(4), rng.standard_normal(4)
    bn.gamma.data[...], bn.beta.data[...] = gamma, beta
    with torch.no_grad():
        tbn.weight.copy_(torch.tensor(gamma))
        tbn.bias.copy_(torch.tensor(beta))
    reduce_axes = tuple(i for i in range(len(input_shape)) if i != 1)
    moving_mean, moving_var = np.zeros(4), np.ones(4)
    for step in range(3):
        x = rng.standard_normal(input_shape) * 3 + 2
        _torch_compare(lambda t: bn(t, training=True), tbn.train(), x, rtol=1e-9, atol=1e-11, seed=step)
        np.testing.assert_allclose(bn.gamma.grad.data, tbn.weight.grad.numpy(), rtol=1e-9)
        np.testing.assert_allclose(bn.beta.grad.data, tbn.bias.grad.numpy(), rtol=1e-9)
        bn.gamma.grad = bn.beta.grad = None
        tbn.zero_grad()
        # moving mean: the same update as torch's running_mean under momentum_torch = 1 - momentum
        np.testing.assert_allclose(bn.moving_mean.data, tbn.running_mean.numpy(), rtol=1e-12)
        # moving variance: Keras keeps the biased batch variance (torch stores the unbiased one)
        moving_mean = momentum * moving_mean + (1 - momentum) * x.mean(axis=reduce_axes)
        moving_var = momentum * moving_var + (1 - momentum) * x.var(axis=reduce_axes)
        np.testing.assert_allclose(bn.moving_mean.data, moving_mean, rtol=1e-12)
        np.testing.assert_allclose(bn.moving_variance.data, moving_var, rtol=1e-12)
        assert not np.allclose(bn.moving_variance.data, tbn.running_var.numpy(), rtol=1e-6)


def test_batch_norm_inference_matches_torch_eval_with_the_same_statistics():
    rng = np.random.default_rng(3)
    bn, tbn = _bn_pair()
    x = rng.standard_normal((5, 4))
    bn(x)
    for p in bn.weights:
        p.data[...] = rng.uniform(0.5, 2.0, 4)
    with torch.no_grad():
        tbn.weight.copy_(torch.tensor(bn.gamma.data))
        tbn.bias.copy_(torch.tensor(bn.beta.data))
        tbn.running_mean.copy_(torch.tensor(bn.moving_mean.data))
        tbn.running_var.copy_(torch.tensor(bn.moving_variance.data))
    before = bn.get_weights()
    _torch_compare(lambda t: bn(t), tbn.eval(), x)                    # a direct call is inference
    _torch_compare(lambda t: bn(t, training=False), tbn.eval(), x)
    for a, b in zip(before, bn.get_weights()):
        np.testing.assert_array_equal(a, b)                               # inference updates nothing


def test_dropout_is_inverted_in_training_and_the_identity_at_inference():
    rate = 0.25
    layer = nn.Dropout(rate)
    # not seed 0: gw.random.seed(0) below would draw the mask from the very stream that made x
    x = np.random.default_rng(42).uniform(1, 2, (200, 100)).astype(np.float32)
    np.testing.assert_array_equal(layer(x).data, x)
    np.testing.assert_array_equal(layer(x, training=False).data, x)
    gw.random.seed(0)
    xt = gw.tensor(x, requires_grad=True)
    out = layer(xt, training=True)
    kept = out.data != 0
    np.testing.assert_allclose(out.data[kept], x[kept] / (1 - rate), rtol=1e-6)
    assert abs(1 - kept.mean() - rate) < 0.01                             # 20,000 draws
    out.sum().backward()
    np.testing.assert_allclose(xt.grad.data, kept / (1 - rate), rtol=1e-6)
    # torch uses the same convention: compare the statistics (the random streams differ)
    ref = torch.nn.functional.dropout(torch.tensor(x), p=rate, training=True).numpy()
    np.testing.assert_allclose(ref[ref != 0] / x[ref != 0], 1 / (1 - rate), rtol=1e-6)
    assert abs(out.data.mean() - x.mean()) < 0.02 and abs(ref.mean() - x.mean()) < 0.02


@pytest.mark.parametrize("layer, torch_fn", [
    (nn.ReLU(), torch.nn.ReLU()),
    (nn.ReLU(max_value=6.0), torch.nn.ReLU6()),
    (nn.LeakyReLU(), torch.nn.LeakyReLU(0.3)),                           # Keras's default slope is 0.3
    (nn.LeakyReLU(negative_slope=0.05), torch.nn.LeakyReLU(0.05)),
    (nn.ELU(), torch.nn.ELU()),
    (nn.ELU(alpha=0.5), torch.nn.ELU(alpha=0.5)),
    (nn.Softmax(), torch.nn.Softmax(dim=-1)),
    (nn.Softmax(axis=1), torch.nn.Softmax(dim=1)),
    (nn.Activation("sigmoid"), torch.nn.Sigmoid()),
    (nn.Activation("tanh"), torch.nn.Tanh()),
    (nn.Activation("relu"), torch.nn.ReLU()),
    (nn.Activation(None), torch.nn.Identity()),
    (nn.Flatten(), torch.nn.Flatten()),
], ids=lambda v: getattr(v, "name", None) or type(v).__name__)
def test_activation_and_shape_layers_match_torch(layer, torch_fn):
    x = np.random.default_rng(4).standard_normal((3, 4, 5)) * 4
    x[0, 0, :2] = [7.0, -7.0]                                            # beyond ReLU6's cap
    _torch_compare(layer, torch_fn, x)


def test_relu_with_threshold_and_slope_follows_keras_formula():
    layer = nn.ReLU(max_value=2.0, negative_slope=0.1, threshold=0.5)
    x = np.array([[-3.0, 0.0, 0.49, 0.5, 1.0, 2.0, 5.0]])
    expected = np.where(x > 0.5, np.minimum(x, 2.0), 0.1 * (x - 0.5))   # Keras: 0 at x == threshold
    np.testing.assert_allclose(layer(x).data, expected, rtol=1e-6)


def test_rescaling_casts_integer_pixels_and_reshape_keeps_the_batch_axis():
    pixels = np.array([[0, 128, 255]], dtype=np.uint8)
    out = nn.Rescaling(1 / 255)(pixels)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, [[0, 128 / 255, 1]], rtol=1e-6)
    np.testing.assert_allclose(nn.Rescaling(2.0, offset=-1.0)(np.ones((1, 2))).data, [[1.0, 1.0]])
    assert nn.Reshape((3, 2))(np.zeros((5, 6))).shape == (5, 3, 2)
    assert nn.Reshape((-1,))(np.zeros((5, 2, 3))).shape == (5, 6)


def test_dense_casts_integer_inputs_to_its_dtype():
    dense = nn.Dense(2)
    out = dense(np.array([[1, 2, 3]]))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, np.array([[1, 2, 3]], np.float32) @ dense.kernel.data, rtol=1e-6)


# ----------------------------------------------------------------------------------------------- errors
def test_dense_with_the_wrong_feature_count_after_build_names_layer_and_shapes():
    dense = nn.Dense(3, name="hidden")
    dense(np.zeros((2, 4), np.float32))
    before = dense.get_weights()
    with pytest.raises(ValueError, match=r"hidden: expected inputs with 4 features.*got shape \(2, 5\)"):
        dense(np.zeros((2, 5), np.float32))
    assert all(np.array_equal(a, b) for a, b in zip(before, dense.get_weights()))


def test_batch_norm_with_the_wrong_shape_changes_no_statistics():
    bn = nn.BatchNormalization(name="bn")
    bn(np.ones((4, 3), np.float32), training=True)
    before = bn.get_weights()
    with pytest.raises(ValueError, match=r"bn: built for inputs .* 3 features on axis 1, got \(4, 5\)"):
        bn(np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32), training=True)
    assert all(np.array_equal(a, b) for a, b in zip(before, bn.get_weights()))


@pytest.mark.parametrize("make, x, pattern", [
    (lambda: nn.Dense(3, name="d"), np.zeros(4), r"d: expected inputs with a batch axis .* got shape \(4,\)"),
    (lambda: nn.Reshape((4, -1), name="r"), np.zeros((2, 6)),
     r"r: cannot reshape samples of shape \(6,\) to \(4, -1\)"),
    (lambda: nn.Reshape((5,), name="r"), np.zeros((2, 6)),
     r"r: cannot reshape samples of shape \(6,\) to \(5,\)"),
    (lambda: nn.InputLayer(shape=(3,), name="inp"), np.zeros((2, 4)),
     r"inp: expected inputs of shape \(batch, 3\), got \(2, 4\)"),
])
def test_shape_errors_name_the_layer_what_it_expected_and_what_it_got(make, x, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()(x)


@pytest.mark.parametrize("make, pattern", [
    (lambda: nn.Dense(0), r"Dense: units must be a positive integer, got 0"),
    (lambda: nn.Dropout(1.0), r"Dropout: rate must be in \[0, 1\), got 1.0"),
    (lambda: nn.Dropout(-0.1), r"Dropout: rate must be in \[0, 1\)"),
    (lambda: nn.Dropout(float("nan")), r"Dropout: rate must be in \[0, 1\), got nan"),
    (lambda: nn.Dropout("0.5"), r"Dropout: rate must be in \[0, 1\), got '0.5'"),
    (lambda: nn.Dropout(np.float32(1.5)), r"Dropout: rate must be in \[0, 1\), got 1.5"),
    (lambda: nn.Dense(2.5), r"Dense: units must be a positive integer, got 2.5"),
    (lambda: nn.InputLayer(), r"Input needs shape="),
])
def test_bad_constructor_arguments(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()


def test_unknown_keyword_argument_is_a_type_error_naming_it():
    with pytest.raises(TypeError, match="Dense got unexpected arguments: unitz"):
        nn.Dense(3, unitz=4)


def test_set_weights_and_load_state_dict_check_everything_before_changing_anything():
    dense = nn.Dense(2, name="d")
    dense(np.ones((1, 3), np.float32))
    before = dense.get_weights()
    with pytest.raises(ValueError, match="d: set_weights expected 2 arrays, got 1"):
        dense.set_weights([np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"d: weight bias has shape \(2,\), got an array of shape \(3,\)"):
        dense.set_weights([np.zeros((3, 2)), np.zeros(3)])            # first fits, second does not
    with pytest.raises(ValueError, match=r"d: bias has shape \(2,\), got \(3,\)"):
        dense.load_state_dict({"kernel": np.zeros((3, 2)), "bias": np.zeros(3)})
    with pytest.raises(KeyError, match=r"missing \['bias'\], unexpected \['b'\]"):
        dense.load_state_dict({"kernel": np.zeros((3, 2)), "b": np.zeros(2)})
    assert all(np.array_equal(a, b) for a, b in zip(before, dense.get_weights()))
    dense.load_state_dict({"kernel": np.full((3, 2), 7.0)}, strict=False)
    assert (dense.kernel.data == 7).all() and np.array_equal(dense.bias.data, before[1])


# ----------------------------------------------------------------------------------------------- Layer base
class Scale(nn.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def build(self, input_shape):
        self.w = self.add_weight("w", (input_shape[-1],), "ones")

    def call(self, x):
        return x * self.w


class Block(nn.Layer):
    """Nested sublayers, a list of layers, a shared layer used twice."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first = nn.Dense(4)
        self.stack = [nn.Dense(4), Scale()]
        self.drop = nn.Dropout(0.5)

    def call(self, x, training=None):
        x = self.first(x)
        for layer in self.stack:
            x = layer(x)
        x = self.drop(x)
        return self.first(x)                      # shared: the same weights used twice


def test_automatic_names_count_per_class():
    class Widget(nn.Layer):
        pass

    class HTTPWidget(nn.Layer):
        pass

    assert [Widget().name, Widget().name, Widget(name="mine").name, Widget().name] == \
        ["widget", "widget_1", "mine", "widget_2"]
    assert HTTPWidget().name == "http_widget"


def test_attribute_tracking_paths_order_and_no_repeats():
    block = Block()
    block(np.ones((2, 4), np.float32))
    names = [name for name, _ in block.named_parameters()]
    assert names == ["first.kernel", "first.bias", "stack.0.kernel", "stack.0.bias", "stack.1.w"]
    assert [path for path, _ in block.named_layers()] == ["first", "stack.0", "stack.1", "drop"]
    assert block.layers == [block.first, *block.stack, block.drop]
    assert list(block.state_dict()) == names
    block.first = None                            # replaced by a non-layer: no longer tracked
    assert [name for name, _ in block.named_parameters()][0] == "stack.0.kernel"
    del block.drop
    assert [path for path, _ in block.named_layers()] == ["stack.0", "stack.1"]


def test_assigning_before_super_init_is_a_clear_error():
    class Bad(nn.Layer):
        def __init__(self):
            self.dense = nn.Dense(2)
            super().__init__()

    with pytest.raises(RuntimeError, match="call super"):
        Bad()


def test_state_dict_is_stable_across_instances_and_loads_into_a_twin():
    a, b = Block(), Block()
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    a(x), b(x)
    b.load_state_dict(a.state_dict())
    np.testing.assert_array_equal(a(x).data, b(x).data)
    state = a.state_dict()
    state["first.kernel"][...] = 0                # copies: editing them changes nothing
    assert not (a.first.kernel.data == 0).all()
    weights = a.get_weights()
    weights[0][...] = 0
    assert not (a.first.kernel.data == 0).all()


def test_training_flag_defaults_to_inference_and_propagates_into_sublayers():
    block = Block()
    x = np.ones((64, 4), np.float32)
    inference = block(x).data
    np.testing.assert_array_equal(block(x).data, inference)
    np.testing.assert_array_equal(block(x, training=False).data, inference)
    gw.random.seed(0)
    trained = block(x, training=True).data       # the inner Dropout sees training=True
    assert not np.allclose(trained, inference)
    block.train()
    assert block.training and block.drop.training and block.stack[0].training
    assert not np.allclose(block(x).data, inference)
    np.testing.assert_array_equal(block(x, training=False).data, inference)   # the call overrides the flag
    block.eval()
    assert not block.drop.training
    np.testing.assert_array_equal(block(x).data, inference)


def test_an_outer_call_overrides_a_sublayer_set_to_train():
    block = Block()
    x = np.ones((64, 4), np.float32)
    inference = block(x).data
    block.drop.train()                            # only the dropout layer is in training mode
    np.testing.assert_array_equal(block(x, training=False).data, inference)
    assert not np.allclose(block.drop(x).data, x)  # called alone, it uses its own flag


def test_the_call_context_is_restored_after_an_error():
    class Fails(nn.Layer):
        def call(self, x, training=None):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        Fails()(np.ones((1, 2)), training=True)
    drop = nn.Dropout(0.5)
    x = np.ones((10, 10), np.float32)
    np.testing.assert_array_equal(drop(x).data, x)   # not left in training mode


def test_freezing_a_layer_freezes_its_sublayers_and_unfreezing_keeps_buffers_frozen():
    class WithBN(nn.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = nn.Dense(3)
            self.bn = nn.BatchNormalization()

        def call(self, x, training=None):
            return self.bn(self.dense(x))

    layer = WithBN()
    layer(np.ones((2, 3), np.float32))
    assert len(layer.trainable_weights) == 4 and len(layer.non_trainable_weights) == 2
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 6
    assert not layer.dense.trainable and not layer.bn.trainable
    layer.trainable = True
    assert [p.name for p in layer.trainable_weights] == ["kernel", "bias", "gamma", "beta"]
    assert [p.name for p in layer.non_trainable_weights] == ["moving_mean", "moving_variance"]
    frozen = nn.Dense(2, trainable=False)        # frozen from the start: weights created frozen
    frozen(np.ones((1, 3), np.float32))
    assert frozen.trainable_weights == [] and len(frozen.weights) == 2


def test_frozen_batch_norm_runs_in_inference_mode_as_keras():
    bn = nn.BatchNormalization()
    x = np.random.default_rng(0).standard_normal((8, 3)).astype(np.float32) + 5
    bn(x)
    bn.trainable = False
    before = bn.get_weights()
    np.testing.assert_array_equal(bn(x, training=True).data, bn(x, training=False).data)
    assert all(np.array_equal(a, b) for a, b in zip(before, bn.get_weights()))


def test_add_weight_uses_initializer_regularizer_and_dtype():
    class W(nn.Layer):
        def build(self, input_shape):
            self.a = self.add_weight("a", (2, 3), initializer=gw.initializers.Constant(0.5), regularizer="l2")
            self.b = self.add_weight("b", (3,), initializer="zeros", trainable=False, dtype="float64")

    layer = W()
    layer(np.ones((1, 1), np.float32))
    assert (layer.a.data == 0.5).all() and layer.a.dtype == np.float32 and layer.a.requires_grad
    assert layer.a.regularizer is not None
    assert layer.b.dtype == np.float64 and not layer.b.requires_grad
    assert [p.name for p in layer.non_trainable_weights] == ["b"]


def test_module_alias_and_parameters_are_the_trainable_weights():
    assert nn.Module is nn.Layer
    bn = nn.BatchNormalization()
    bn(np.ones((2, 3), np.float32))
    assert bn.parameters() == bn.trainable_weights == [bn.gamma, bn.beta]


def test_config_of_non_default_initializers_and_dtype_round_trips():
    dense = nn.Dense(3, kernel_initializer=gw.initializers.Constant(0.25), bias_initializer="ones",
                     bias_regularizer=gw.regularizers.L1(0.5), dtype="float64", name="d64")
    clone = nn.Dense.from_config(json.loads(json.dumps(dense.get_config())))
    clone(np.ones((1, 2)))
    assert clone.kernel.dtype == np.float64
    assert (clone.kernel.data == 0.25).all() and (clone.bias.data == 1).all()
    assert clone.name == "d64" and clone.bias.regularizer is not None
    bn = nn.BatchNormalization(gamma_initializer=gw.initializers.Constant(2.0),
                               moving_variance_initializer="zeros")
    clone = nn.BatchNormalization.from_config(json.loads(json.dumps(bn.get_config())))
    clone(np.ones((1, 2), np.float32))
    assert (clone.gamma.data == 2).all() and (clone.moving_variance.data == 0).all()
