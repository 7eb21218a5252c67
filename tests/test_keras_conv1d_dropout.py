"""DepthwiseConv1D, SeparableConv1D, SpatialDropout1D/3D, AlphaDropout and the functional forms
`F.dropout1d/2d/3d` and `F.alpha_dropout`.

The convolutions against PyTorch in float64 (conv1d with groups=C for the depthwise step, a kernel-1
conv1d for the pointwise one; Keras's "same" padding written out by conv_oracles.tf_pads), forward and
every gradient, over strides, padding, dilation and depth multipliers; gradcheck to second order; the
generic layer harness. The dropouts: identity at inference, whole channels dropped together, the
1/(1-rate) scaling, seeds that repeat; alpha dropout against a NumPy transcription of Keras's formula
for the same mask, against PyTorch's output (mask read off it), and its mean/variance preservation on
SELU-normalized data within a few standard errors; the errors, raised before any state changes.
"""
import json

import numpy as np
import pytest
from conv_oracles import F64, assert_close, tf_pads
from layer_harness import LayerCase, LayerHarness

import gradwork as gw
from gradwork import nn
from gradwork.nn import functional as F
from gradwork.ops.nn.depthwise import depthwise_conv1d, separable_conv1d
from gradwork.ops.nn.dropout import ALPHA_P, alpha_dropout

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone

CASES = [
    LayerCase("depthwise_conv1d", lambda dt: nn.DepthwiseConv1D(3, dtype=dt), (2, 9, 3),
              {"kernel": (3, 3, 1), "bias": (3,)}, (2, 7, 3), ("kernel", "bias")),
    LayerCase("depthwise_conv1d_m2_same_strided_tanh",
              lambda dt: nn.DepthwiseConv1D(2, strides=2, padding="same", depth_multiplier=2, activation="tanh",
                                            dtype=dt), (2, 9, 3), {"kernel": (2, 3, 2), "bias": (6,)}, (2, 5, 6),
              ("kernel", "bias")),
    LayerCase("depthwise_conv1d_dilated_nobias",
              lambda dt: nn.DepthwiseConv1D(3, dilation_rate=2, depth_multiplier=3, use_bias=False, dtype=dt),
              (1, 8, 2), {"kernel": (3, 2, 3)}, (1, 4, 6), ("kernel",)),
    LayerCase("separable_conv1d", lambda dt: nn.SeparableConv1D(4, 3, dtype=dt), (2, 9, 3),
              {"depthwise_kernel": (3, 3, 1), "pointwise_kernel": (1, 3, 4), "bias": (4,)}, (2, 7, 4),
              ("depthwise_kernel", "pointwise_kernel", "bias")),
    LayerCase("separable_conv1d_m2_same_dilated",
              lambda dt: nn.SeparableConv1D(2, 3, padding="same", dilation_rate=2, depth_multiplier=2, dtype=dt),
              (2, 7, 3), {"depthwise_kernel": (3, 3, 2), "pointwise_kernel": (1, 6, 2), "bias": (2,)}, (2, 7, 2),
              ("depthwise_kernel", "pointwise_kernel", "bias")),
    LayerCase("spatial_dropout1d", lambda dt: nn.SpatialDropout1D(0.4, dtype=dt), (4, 5, 6), {}, (4, 5, 6),
              stochastic=True),
    LayerCase("spatial_dropout3d", lambda dt: nn.SpatialDropout3D(0.4, dtype=dt), (3, 2, 3, 2, 4), {},
              (3, 2, 3, 2, 4), stochastic=True),
    LayerCase("alpha_dropout", lambda dt: nn.AlphaDropout(0.3, dtype=dt), (4, 5), {}, (4, 5), stochastic=True),
    LayerCase("alpha_dropout_noise_shape", lambda dt: nn.AlphaDropout(0.3, noise_shape=(None, 1, 3), dtype=dt),
              (4, 5, 3), {}, (4, 5, 3), stochastic=True),
]


class TestConv1DAndDropoutLayers(LayerHarness):
    CASES = CASES


# ------------------------------------------------------------------------------------- convolutions
GEOMETRIES = {   # (N, L, C), kernel size, depth multiplier, strides, padding, dilation
    "k3_m1_valid": ((2, 9, 3), 3, 1, 1, "valid", 1),
    "k3_m2_s2_same": ((2, 9, 3), 3, 2, 2, "same", 1),
    "k2_m3_s2_same_even_kernel": ((1, 8, 2), 2, 3, 2, "same", 1),
    "k3_m2_same_d2": ((2, 7, 4), 3, 2, 1, "same", 2),
    "k2_m1_s3_valid_d2_gaps": ((1, 11, 3), 2, 1, 3, "valid", 2),
    "k4_m2_s1_same_short": ((2, 3, 2), 4, 2, 1, "same", 1),
}


def _torch_depthwise(x, kernel, bias, stride, padding, dilation):
    """x (N, L, C), kernel (k, C, M) torch tensors -> (N, Lo, C*M): torch's conv1d with groups=C."""
    k, c, m = kernel.shape
    xt = x.permute(0, 2, 1)
    xt = torch.nn.functional.pad(xt, tf_pads(xt.shape[2], k, stride, dilation, padding))
    weight = kernel.permute(1, 2, 0).reshape(c * m, 1, k)        # output channel c*M + m: group c
    out = torch.nn.functional.conv1d(xt, weight, bias, stride=stride, dilation=dilation, groups=c)
    return out.permute(0, 2, 1)


def _torch_pointwise(x, kernel, bias):
    """x (N, L, C*M), kernel (1, C*M, F) -> (N, L, F): torch's conv1d of kernel size 1."""
    return torch.nn.functional.conv1d(x.permute(0, 2, 1), kernel.permute(2, 1, 0), bias).permute(0, 2, 1)


@pytest.mark.parametrize("separable", [False, True], ids=["depthwise", "separable"])
@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_layer_matches_torch_forward_and_gradients_float64(geometry, separable):
    shape, k, m, stride, padding, dilation = GEOMETRIES[geometry]
    kwargs = dict(strides=stride, padding=padding, dilation_rate=dilation, depth_multiplier=m, dtype="float64")
    layer = nn.SeparableConv1D(5, k, **kwargs) if separable else nn.DepthwiseConv1D(k, **kwargs)
    rng = np.random.default_rng(len(geometry))
    x = rng.standard_normal(shape)
    layer(x)
    for p in layer.weights:                                   # move the bias off zero
        p.data[...] = rng.standard_normal(p.shape)
    xg = gw.tensor(x, requires_grad=True)
    out = layer(xg)
    v = rng.standard_normal(out.shape)
    out.backward(gw.tensor(v))

    xt = torch.tensor(x, requires_grad=True)
    weights = {p.name: torch.tensor(p.data, requires_grad=True) for p in layer.weights}
    if separable:
        depth = _torch_depthwise(xt, weights["depthwise_kernel"], None, stride, padding, dilation)
        ref = _torch_pointwise(depth, weights["pointwise_kernel"], weights["bias"])
    else:
        ref = _torch_depthwise(xt, weights["kernel"], weights["bias"], stride, padding, dilation)
    ref.backward(torch.tensor(v))
    assert_close(out.data, ref.detach().numpy(), F64, f"{geometry}: forward")
    assert_close(xg.grad.data, xt.grad.numpy(), F64, f"{geometry}: input gradient")
    for p in layer.weights:
        assert_close(p.grad.data, weights[p.name].grad.numpy(), F64, f"{geometry}: gradient of {p.name}")


@pytest.mark.parametrize("geometry", ["k3_m2_s2_same", "k2_m1_s3_valid_d2_gaps"])
def test_ops_gradcheck_to_second_order(geometry):
    shape, k, m, stride, padding, dilation = GEOMETRIES[geometry]
    rng = np.random.default_rng(7)
    c = shape[-1]
    x, dk, pk, b = (gw.tensor(rng.standard_normal(s), requires_grad=True)
                    for s in (shape, (k, c, m), (1, c * m, 2), (2,)))

    def depthwise(x, dk):
        return depthwise_conv1d(x, dk, None, stride, padding, dilation)

    def separable(x, dk, pk, b):
        return separable_conv1d(x, dk, pk, b, stride, padding, dilation)

    for fn, args in ((depthwise, (x, dk)), (separable, (x, dk, pk, b))):
        assert gw.gradcheck(fn, args, eps=1e-6, atol=1e-7, rtol=1e-5)
        assert gw.gradgradcheck(fn, args, eps=1e-6, atol=1e-6, rtol=1e-4)


def test_separable_is_the_depthwise_then_a_kernel_1_conv1d_and_float32_stays_float32():
    rng = np.random.default_rng(3)
    x, dk, pk, b = (rng.standard_normal(s).astype(np.float32) for s in ((2, 9, 3), (3, 3, 2), (1, 6, 4), (4,)))
    got = separable_conv1d(x, dk, pk, b, 2, "same", 1)
    want = F.conv1d(depthwise_conv1d(x, dk, None, 2, "same", 1), pk, b)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got.data, want.data, rtol=1e-5, atol=1e-6)


def test_names_aliases_configs_and_constraints():
    assert gw.layers.SeparableConvolution1D is nn.SeparableConv1D is gw.nn.layers.SeparableConv1D
    for name in ("DepthwiseConv1D", "SeparableConv1D", "SpatialDropout1D", "SpatialDropout3D", "AlphaDropout"):
        assert name in gw.nn.layers.__all__ and getattr(gw.nn, name) is getattr(gw.layers, name)
    layer = nn.SeparableConvolution1D(4, 3, depth_multiplier=2, depthwise_constraint="non_neg",
                                      pointwise_constraint=gw.constraints.MaxNorm(1.0), bias_constraint="non_neg")
    layer(np.ones((1, 5, 2), np.float32))
    assert [p.constraint is not None for p in layer.weights] == [True, True, True]
    item = json.loads(json.dumps(gw.nn.layers.serialize(layer)))
    assert item["class_name"] == "SeparableConv1D"
    clone = gw.nn.layers.deserialize(item)
    assert clone.get_config() == layer.get_config() and clone.depth_multiplier == 2
    assert type(clone.pointwise_constraint) is gw.constraints.MaxNorm
    depthwise = nn.DepthwiseConv1D(2, depthwise_constraint="non_neg")
    assert nn.DepthwiseConv1D.from_config(depthwise.get_config()).get_config()["depthwise_constraint"] is not None
    with pytest.raises(TypeError, match="DepthwiseConv1D got unexpected arguments: pointwise_constraint"):
        nn.DepthwiseConv1D(2, pointwise_constraint="non_neg")


@pytest.mark.parametrize("make, x, message", [
    (lambda: nn.DepthwiseConv1D(3, name="dw"), np.zeros((2, 5, 4, 3)), r"dw: expected inputs of shape \(batch, steps"),
    (lambda: nn.SeparableConv1D(2, 3, name="sep"), np.zeros((2, 5)), r"sep: expected inputs of shape \(batch, steps"),
    (lambda: nn.DepthwiseConv1D(4, name="dw"), np.zeros((2, 3, 2)),
     r"dw: inputs of shape \(2, 3, 2\): depthwise_conv1d: a window of 4"),
])
def test_a_wrong_input_is_refused_naming_the_layer_and_leaves_it_unbuilt(make, x, message):
    layer = make()
    with pytest.raises(ValueError, match=message):
        layer(x.astype(np.float32))
    if x.ndim != 3:
        assert not layer.built and layer.weights == []


@pytest.mark.parametrize("make, message", [
    (lambda: nn.DepthwiseConv1D(3, depth_multiplier=0), r"DepthwiseConv1D: depth_multiplier must be a positive"),
    (lambda: nn.DepthwiseConv1D((3, 3)), r"DepthwiseConv1D: kernel_size must be an integer or a 1-tuple"),
    (lambda: nn.SeparableConv1D(0, 3), r"SeparableConv1D: filters must be a positive integer, got 0"),
    (lambda: nn.SeparableConv1D(2, 3, padding="causal"), r"SeparableConv1D: .*padding"),
    (lambda: separable_conv1d(np.ones((1, 5, 2)), np.ones((3, 2, 2)), np.ones((1, 3, 4)), None, 1, "valid", 1),
     r"separable_conv1d: .*pointwise kernel of shape \(1, 4, filters\), got \(1, 3, 4\)"),
    (lambda: depthwise_conv1d(np.ones((1, 5, 2)), np.ones((3, 3, 1)), None, 1, "valid", 1),
     r"depthwise_conv1d: input of shape \(1, 5, 2\) \(N, L, C\) needs a kernel of shape \(k, 2, depth_multiplier\)"),
])
def test_bad_convolution_arguments_are_clear_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# ------------------------------------------------------------------------------------------ dropouts
SPATIAL = [(nn.SpatialDropout1D, (300, 4, 20)), (nn.SpatialDropout2D, (300, 3, 2, 20)),
           (nn.SpatialDropout3D, (300, 2, 3, 2, 20))]


@pytest.mark.parametrize("cls, shape", SPATIAL, ids=lambda v: getattr(v, "__name__", ""))
def test_spatial_dropout_drops_whole_channels_scales_and_repeats_its_seed(cls, shape):
    rate = 0.3
    x = np.random.default_rng(1).uniform(1, 2, shape)
    layer = cls(rate, seed=4, dtype="float64")
    assert layer(x).data is x or np.array_equal(layer(x).data, x)               # inference: the identity
    xg = gw.tensor(x, requires_grad=True)
    out = layer(xg, training=True)
    kept = out.data != 0
    first = kept[(slice(None),) + (slice(0, 1),) * (len(shape) - 2)]
    np.testing.assert_array_equal(kept, np.broadcast_to(first, shape))          # per sample and channel
    np.testing.assert_allclose(out.data[kept], x[kept] / (1 - rate), rtol=1e-14)
    assert abs(1 - first.mean() - rate) < 4 * np.sqrt(rate * (1 - rate) / first.size)
    out.sum().backward()
    np.testing.assert_allclose(xg.grad.data, kept / (1 - rate), rtol=1e-14)
    again = cls(rate, seed=4, dtype="float64")(x, training=True).data
    np.testing.assert_array_equal(again, out.data)                              # same seed, same masks
    assert not np.array_equal(cls(rate, seed=5, dtype="float64")(x, training=True).data, out.data)
    assert not np.array_equal(layer(x, training=True).data, out.data)           # the generator moves on
    config = layer.get_config()
    assert config["seed"] == 4 and config["rate"] == rate and "noise_shape" not in config


@pytest.mark.parametrize("fn, rank", [(F.dropout1d, 1), (F.dropout2d, 2), (F.dropout3d, 3)])
@pytest.mark.parametrize("batched", [True, False], ids=["batched", "unbatched"])
def test_functional_channel_dropout_channels_last(fn, rank, batched):
    shape = (40,) * batched + (3,) * rank + (50,)
    x = gw.ones(shape)
    np.testing.assert_array_equal(fn(x, 0.5, training=False).data, x.data)
    gw.random.seed(2)
    out = fn(x, p=0.25).data
    spatial = tuple(range(int(batched), int(batched) + rank))
    np.testing.assert_array_equal(out, np.broadcast_to(out.max(axis=spatial, keepdims=True), shape))
    assert set(np.unique(out)) == {0.0, np.float32(1 / 0.75)}
    gw.random.seed(2)
    np.testing.assert_array_equal(fn(x, p=0.25).data, out)
    with pytest.raises(ValueError, match=rf"dropout{rank}d: expected input of shape \(N, .*C\).*got shape"):
        fn(gw.ones((2,) * (rank + 3)), 0.5, training=False)
    with pytest.raises(ValueError, match=r"dropout probability must be in \[0, 1\], got 1.5"):
        fn(x, 1.5)


def _keras_alpha_dropout(x, keep, rate):
    """Keras's AlphaDropout for a given keep mask, transcribed in NumPy."""
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    alpha_p = -alpha * scale
    a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5
    b = -a * alpha_p * rate
    return a * (x * keep + alpha_p * (1 - keep)) + b


@pytest.mark.parametrize("rate", [0.05, 0.3, 0.8])
def test_alpha_dropout_is_keras_formula_for_the_same_mask(rate):
    x = np.random.default_rng(0).standard_normal((6, 5, 4))
    noise_shape = (6, 1, 4)
    keep = np.random.default_rng(9).random(noise_shape) >= rate      # what the kernel draws from that seed
    xg = gw.tensor(x, requires_grad=True)
    out = alpha_dropout(xg, rate, noise_shape, np.random.default_rng(9))
    np.testing.assert_allclose(out.data, _keras_alpha_dropout(x, keep, rate), rtol=1e-14, atol=1e-15)
    a = ((1 - rate) * (1 + rate * ALPHA_P**2)) ** -0.5
    v = np.random.default_rng(1).standard_normal(x.shape)
    out.backward(gw.tensor(v))
    np.testing.assert_allclose(xg.grad.data, v * a * keep, rtol=1e-14)
    layer = nn.AlphaDropout(rate, noise_shape=noise_shape, seed=9, dtype="float64")
    np.testing.assert_array_equal(layer(x, training=True).data, out.data)     # the layer: one call into it
    np.testing.assert_array_equal(layer(x).data, x)
    assert layer.get_config()["noise_shape"] == list(noise_shape) and layer.get_config()["seed"] == 9


@pytest.mark.parametrize("p", [0.1, 0.5])
def test_alpha_dropout_matches_torch_given_torch_s_mask(p):
    """PyTorch's output with its own mask: the dropped units are all one value, a * ALPHA_P + b; the
    mask read off them and put through Keras's formula gives PyTorch's output."""
    x = np.random.default_rng(2).standard_normal((50, 40))
    torch.manual_seed(0)
    ref = torch.nn.functional.alpha_dropout(torch.tensor(x), p, training=True).numpy()
    dropped_value = _keras_alpha_dropout(np.zeros(1), np.zeros(1), p)[0]
    keep = ~np.isclose(ref, dropped_value, rtol=0, atol=1e-12)
    assert 0 < keep.mean() < 1
    np.testing.assert_allclose(_keras_alpha_dropout(x, keep, p), ref, rtol=1e-12, atol=1e-12)


def test_alpha_dropout_keeps_mean_and_variance_of_selu_normalized_data_like_torch():
    """SELU of a standard normal has mean 0 and variance 1 (its fixed point); alpha dropout keeps both
    within 4 standard errors, as PyTorch's does; inverted dropout would not (the test can fail)."""
    n, rate = 400_000, 0.2
    z = np.random.default_rng(3).standard_normal(n)
    x = F.selu(z).data
    gw.random.seed(5)
    ours = F.alpha_dropout(x, rate, training=True).data
    torch.manual_seed(5)
    theirs = torch.nn.functional.alpha_dropout(torch.tensor(x), rate, training=True).numpy()
    plain = F.dropout(x, rate).data
    for y in (x, ours, theirs):
        assert abs(y.mean()) < 4 * y.std() / np.sqrt(n)
        assert abs(y.var() - 1) < 4 * ((y - y.mean()) ** 2).std() / np.sqrt(n)
    assert abs(plain.var() - 1) > 40 * ((plain - plain.mean()) ** 2).std() / np.sqrt(n)


def test_functional_alpha_dropout_follows_torch_defaults_and_edges():
    x = np.random.default_rng(4).standard_normal((3, 4))
    np.testing.assert_array_equal(F.alpha_dropout(x).data, x)                  # training=False by default
    np.testing.assert_array_equal(F.alpha_dropout(x, 0.0, training=True).data, x)
    np.testing.assert_array_equal(F.alpha_dropout(x, 1.0, training=True).data, np.zeros_like(x))
    with pytest.raises(ValueError, match=r"dropout probability must be in \[0, 1\], got -0.1"):
        F.alpha_dropout(x, -0.1, training=True)


def test_dropout_takes_keras_seed():
    x = np.ones((20, 30))
    a, b = nn.Dropout(0.5, seed=1), nn.Dropout(0.5, seed=1)
    np.testing.assert_array_equal(a(x, training=True).data, b(x, training=True).data)
    assert nn.Dropout.from_config(a.get_config()).seed == 1


@pytest.mark.parametrize("make, message", [
    (lambda: nn.SpatialDropout1D(1.0), r"SpatialDropout1D: rate must be in \[0, 1\), got 1.0"),
    (lambda: nn.SpatialDropout3D(-0.2), r"SpatialDropout3D: rate must be in \[0, 1\), got -0.2"),
    (lambda: nn.AlphaDropout(1.0), r"AlphaDropout: rate must be in \[0, 1\), got 1.0"),
    (lambda: nn.AlphaDropout(float("nan")), r"AlphaDropout: rate must be in \[0, 1\), got nan"),
    (lambda: nn.AlphaDropout(0.5, noise_shape=(2, 3), seed=0)(np.ones((2, 4)), training=True),
     r"alpha_dropout: noise_shape \(2, 3\) must have the input's 2 axes, each 1 or the input's size"),
    (lambda: F.dropout(np.ones((2, 4)), 0.5, noise_shape=(2, 4, 1)),
     r"dropout: noise_shape \(2, 4, 1\) must have the input's 2 axes"),
])
def test_bad_dropout_arguments_are_clear_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()
    with pytest.raises(TypeError, match="AlphaDropout: seed must be an int or None, got 1.5"):
        nn.AlphaDropout(0.5, seed=1.5)


@pytest.mark.parametrize("cls, x", [(nn.SpatialDropout1D, np.ones((2, 3, 4, 5))),
                                    (nn.SpatialDropout3D, np.ones((2, 3, 4, 5))),
                                    (nn.SpatialDropout2D, np.ones((2, 3, 4)))])
@pytest.mark.parametrize("training", [False, True], ids=["inference", "training"])
def test_spatial_dropout_refuses_a_wrong_rank_before_drawing(cls, x, training):
    layer = cls(0.5, seed=0, name="sd")
    state = layer.get_random_state()
    with pytest.raises(ValueError, match=r"sd: expected inputs of shape \(batch, .*channels\), got \("):
        layer(x, training=training)
    assert layer.get_random_state() == state                                   # no mask was drawn


def test_docstring_examples_hold():
    import doctest
    import importlib

    for name, count in (("gradwork.nn.layers.dropout", 4), ("gradwork.nn.layers.convolutional", 6),
                        ("gradwork.nn.functional.dropout", 4)):
        result = doctest.testmod(importlib.import_module(name), extraglobs={"gw": gw, "np": np, "F": F},
                                 optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert (result.attempted, result.failed) == (count, 0), name


@pytest.mark.parametrize("rate", [0.3, 0.5])
def test_dropouts_of_integer_inputs_are_float64_like_their_float_twins(rate):
    x = np.arange(1, 25).reshape(4, 6)
    twin = x.astype(np.float64)
    gw.random.seed(3)
    drop = F.dropout(x, rate)
    gw.random.seed(3)
    np.testing.assert_array_equal(drop.numpy(), F.dropout(twin, rate).numpy())      # was inf / nan
    assert drop.dtype == np.float64 and set(np.unique(drop.numpy() / twin)) <= {0.0, 1 / (1 - rate)}
    alpha = alpha_dropout(x, rate, None, np.random.default_rng(5))
    np.testing.assert_array_equal(alpha.numpy(), alpha_dropout(twin, rate, None, np.random.default_rng(5)).numpy())
    assert alpha.dtype == np.float64
