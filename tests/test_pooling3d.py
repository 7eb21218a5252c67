"""Pooling and resizing of volumes (N, D, H, W, C): `F.max_pool3d`, `F.avg_pool3d`, MaxPooling3D,
AveragePooling3D, GlobalAveragePooling3D, GlobalMaxPooling3D, UpSampling3D, ZeroPadding3D, Cropping3D.

Max and average pooling over a grid of window sizes, strides and both paddings on tiny odd-sized
volumes, against PyTorch in float64 (values and input gradients): max pooling with Keras's 'same'
padding given to torch as -inf; Keras's 'same' average divides by the window's real voxels, which torch
computes here as the window sums of the zero-padded input over the window sums of zero-padded ones
(both by avg_pool3d with divisor_override=1). Ties go to the first maximum as in torch (integer inputs
full of ties). Float64 gradient checks of first and second order; the global layers, UpSampling3D,
ZeroPadding3D and Cropping3D against NumPy; the layer harness for every layer; and the errors.
"""
import numpy as np
import pytest
from conv_oracles import F64, assert_close, tf_pads
from layer_harness import LayerCase, LayerHarness, layer_input

import gradwork as gw
from gradwork import nn
from gradwork.nn import functional as F

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone
tF = torch.nn.functional


def _three(v):
    return (v,) * 3 if isinstance(v, int) else tuple(v)


def _torch_padded(x, pool, strides, padding, value):
    """x (N, D, H, W, C) as (N, C, D, H, W), padded as Keras pads it, with `value`."""
    pads = []
    for axis in (2, 1, 0):  # torch's pad lists the last axis first
        pads += tf_pads(x.shape[1 + axis], pool[axis], strides[axis], 1, padding)
    return tF.pad(x.permute(0, 4, 1, 2, 3), pads, value=value)


def torch_max_pool3d(x, pool, strides, padding):
    pool, strides = _three(pool), _three(strides)
    return tF.max_pool3d(_torch_padded(x, pool, strides, padding, -np.inf), pool, strides).permute(0, 2, 3, 4, 1)


def torch_avg_pool3d(x, pool, strides, padding):
    """Keras's average: each window's sum over its real voxels divided by their number."""
    pool, strides = _three(pool), _three(strides)
    sums = tF.avg_pool3d(_torch_padded(x, pool, strides, padding, 0.0), pool, strides, divisor_override=1)
    counts = tF.avg_pool3d(_torch_padded(torch.ones_like(x), pool, strides, padding, 0.0), pool, strides,
                           divisor_override=1)
    return (sums / counts).permute(0, 2, 3, 4, 1)


# id: (x shape (N, D, H, W, C), pool_size, strides (None: pool_size), padding)
POOL3D = {
    "p2_default_valid": ((1, 5, 4, 5, 2), 2, None, "valid"),
    "p2_tiles_batch2": ((2, 4, 4, 2, 2), 2, None, "valid"),
    "p3x2x2_s1_same_overlapping": ((1, 4, 5, 3, 2), (3, 2, 2), 1, "same"),
    "p3_s2_same_asymmetric": ((1, 4, 5, 4, 2), 3, 2, "same"),
    "p2x3x2_s2x1x2_valid": ((2, 5, 4, 5, 1), (2, 3, 2), (2, 1, 2), "valid"),
    "p2_s3_valid_gaps": ((1, 5, 5, 4, 2), 2, 3, "valid"),
    "p4_s1_same_wider_than_input": ((1, 3, 2, 3, 2), 4, 1, "same"),
    "p1x2x2_flat_depth": ((1, 3, 4, 4, 2), (1, 2, 2), None, "same"),
}
POOLS = {"max": (F.max_pool3d, torch_max_pool3d), "avg": (F.avg_pool3d, torch_avg_pool3d)}


def _case(name, seed=0):
    shape, pool, strides, padding = POOL3D[name]
    return np.random.default_rng(seed).standard_normal(shape), pool, pool if strides is None else strides, padding


@pytest.mark.parametrize("kind", POOLS)
@pytest.mark.parametrize("name", POOL3D)
def test_pooling_matches_torch_in_float64(kind, name):
    x, pool, strides, padding = _case(name)
    mine, theirs = POOLS[kind]
    xg = gw.tensor(x, requires_grad=True)
    out = mine(xg, pool, strides, padding)
    xt = torch.tensor(x, requires_grad=True)
    ref = theirs(xt, pool, strides, padding)
    v = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(gw.tensor(v))
    ref.backward(torch.tensor(v))
    assert_close(out.data, ref.detach().numpy(), F64, f"{kind} {name}: forward")
    assert_close(xg.grad.data, xt.grad.numpy(), F64, f"{kind} {name}: input gradient")


@pytest.mark.parametrize("name", ["p2_default_valid", "p3x2x2_s1_same_overlapping", "p2_tiles_batch2"])
def test_max_pooling_ties_go_to_the_first_maximum_as_torch(name):
    _, pool, strides, padding = _case(name)
    x = np.random.default_rng(2).integers(0, 3, POOL3D[name][0]).astype(np.float64)
    xg, xt = gw.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref = F.max_pool3d(xg, pool, strides, padding), torch_max_pool3d(xt, pool, strides, padding)
    v = np.random.default_rng(3).standard_normal(out.shape)
    out.backward(gw.tensor(v))
    ref.backward(torch.tensor(v))
    np.testing.assert_array_equal(out.data, ref.detach().numpy())
    np.testing.assert_allclose(xg.grad.data, xt.grad.numpy(), rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("kind", POOLS)
@pytest.mark.parametrize("name", ["p3_s2_same_asymmetric", "p2x3x2_s2x1x2_valid"])
def test_pooling_gradcheck_and_gradgradcheck(kind, name):
    x, pool, strides, padding = _case(name)
    fn = lambda t: POOLS[kind][0](t, pool, strides, padding)  # noqa: E731
    assert gw.gradcheck(fn, (gw.tensor(x, requires_grad=True),))
    assert gw.gradgradcheck(fn, (gw.tensor(x, requires_grad=True),))


def test_average_of_integers_is_float64_and_not_truncated():
    out = F.avg_pool3d(np.arange(8).reshape(1, 2, 2, 2, 1), 2)
    assert out.dtype == np.float64 and out.data.item() == 3.5


# ----------------------------------------------------------------------------------------------- NumPy oracles
def test_global_pooling_is_the_mean_and_max_over_the_volume():
    x = np.random.default_rng(4).standard_normal((2, 3, 4, 2, 5))
    np.testing.assert_allclose(nn.GlobalAveragePooling3D(dtype="float64")(x).data, x.mean(axis=(1, 2, 3)),
                               rtol=1e-14)
    np.testing.assert_array_equal(nn.GlobalMaxPooling3D(keepdims=True, dtype="float64")(x).data,
                                  x.max(axis=(1, 2, 3), keepdims=True))


def test_upsampling_padding_and_cropping_match_numpy():
    x = np.random.default_rng(5).standard_normal((2, 2, 3, 4, 3)).astype(np.float32)
    up = x.repeat(2, axis=1).repeat(1, axis=2).repeat(3, axis=3)
    np.testing.assert_array_equal(nn.UpSampling3D((2, 1, 3))(x).data, up)
    padded = np.pad(x, ((0, 0), (1, 2), (0, 0), (3, 1), (0, 0)))
    np.testing.assert_array_equal(nn.ZeroPadding3D(((1, 2), (0, 0), (3, 1)))(x).data, padded)
    np.testing.assert_array_equal(nn.ZeroPadding3D((1, 0, 2))(x).data,
                                  np.pad(x, ((0, 0), (1, 1), (0, 0), (2, 2), (0, 0))))
    np.testing.assert_array_equal(nn.Cropping3D(((0, 1), (1, 1), (2, 0)))(x).data, x[:, :1, 1:2, 2:])
    np.testing.assert_array_equal(nn.Cropping3D(1)(np.pad(x, 1)[1:-1]).data[..., 1:-1], x)


# ----------------------------------------------------------------------------------------------- layers
CASES = [
    LayerCase("max_pooling3d", lambda dt: nn.MaxPooling3D(dtype=dt), (2, 5, 4, 5, 2), {}, (2, 2, 2, 2, 2)),
    LayerCase("max_pooling3d_same_overlapping",
              lambda dt: nn.MaxPooling3D((3, 2, 2), strides=1, padding="SAME", dtype=dt), (1, 4, 5, 3, 2), {},
              (1, 4, 5, 3, 2)),
    LayerCase("average_pooling3d", lambda dt: nn.AveragePooling3D((2, 3, 2), strides=(2, 1, 2), dtype=dt),
              (2, 5, 4, 5, 2), {}, (2, 2, 2, 2, 2)),
    LayerCase("average_pooling3d_same", lambda dt: nn.AveragePooling3D(3, strides=2, padding="same", dtype=dt),
              (1, 4, 5, 4, 2), {}, (1, 2, 3, 2, 2)),
    LayerCase("global_average_pooling3d", lambda dt: nn.GlobalAveragePooling3D(dtype=dt), (2, 3, 4, 2, 3), {},
              (2, 3)),
    LayerCase("global_max_pooling3d_keepdims", lambda dt: nn.GlobalMaxPooling3D(keepdims=True, dtype=dt),
              (2, 3, 4, 2, 3), {}, (2, 1, 1, 1, 3)),
    LayerCase("up_sampling3d", lambda dt: nn.UpSampling3D((2, 1, 3), dtype=dt), (2, 2, 3, 2, 3), {},
              (2, 4, 3, 6, 3)),
    LayerCase("zero_padding3d", lambda dt: nn.ZeroPadding3D(((1, 0), (2, 1), (0, 1)), dtype=dt), (2, 2, 3, 2, 3),
              {}, (2, 3, 6, 3, 3)),
    LayerCase("cropping3d", lambda dt: nn.Cropping3D((1, 0, 1), dtype=dt), (2, 3, 3, 4, 3), {}, (2, 1, 3, 2, 3)),
]


class TestVolumeLayers(LayerHarness):
    CASES = CASES


def test_layers_call_the_functional_forms():
    x = layer_input(CASES[0], dtype=np.float64)
    np.testing.assert_array_equal(nn.MaxPooling3D((2, 1, 2), strides=1, dtype="float64")(x).data,
                                  F.max_pool3d(x, (2, 1, 2), 1).data)
    np.testing.assert_array_equal(nn.AveragePooling3D(2, padding="same", dtype="float64")(x).data,
                                  F.avg_pool3d(x, 2, padding="same").data)


def test_keras_defaults_and_configs():
    assert nn.MaxPooling3D().get_config()["pool_size"] == [2, 2, 2]
    assert nn.ZeroPadding3D().get_config()["padding"] == [[1, 1], [1, 1], [1, 1]]
    assert nn.Cropping3D().get_config()["cropping"] == [[1, 1], [1, 1], [1, 1]]
    assert nn.UpSampling3D().get_config()["size"] == [2, 2, 2]
    assert nn.AveragePooling3D(padding="Same").get_config()["padding"] == "same"


# ----------------------------------------------------------------------------------------------- errors
@pytest.mark.parametrize("call, pattern", [
    (lambda: F.max_pool3d(np.zeros((1, 4, 4, 2)), 2),
     r"max_pool3d: expected volumes of shape \(batch, depth, height, width, channels\), got shape \(1, 4, 4, 2\)"),
    (lambda: F.avg_pool3d(np.zeros((1, 2, 4, 4, 2)), 3),
     r"avg_pool3d: along depth: a window of 3 pixels does not fit in an input of 2"),
    (lambda: F.max_pool3d(np.zeros((1, 4, 2, 4, 2)), 3),
     r"max_pool3d: along height and width: a window of 3 pixels does not fit in an input of 2"),
    (lambda: F.max_pool3d(np.zeros((1, 4, 4, 4, 2)), 2, padding="full"),
     r"max_pool3d: padding must be 'valid' or 'same', got 'full'"),
    (lambda: F.avg_pool3d(np.zeros((1, 4, 4, 4, 2)), (2, 2)),
     r"avg_pool3d: kernel_size must be a positive integer or three of them"),
])
def test_functional_errors(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


@pytest.mark.parametrize("make, pattern", [
    (lambda: nn.MaxPooling3D((2, 2)), r"MaxPooling3D: pool_size must be a positive integer or three of them"),
    (lambda: nn.AveragePooling3D(2, strides=0), r"AveragePooling3D: strides must be a positive integer"),
    (lambda: nn.MaxPooling3D(padding="full"), r"MaxPooling3D: padding must be 'valid' or 'same', got 'full'"),
    (lambda: nn.ZeroPadding3D((1, 2)), r"ZeroPadding3D: expected an int, \(depth, height, width\) or "),
    (lambda: nn.Cropping3D(-1), r"Cropping3D: expected .* of non-negative integers, got -1"),
    (lambda: nn.UpSampling3D((2, 2)), r"UpSampling3D: size must be a positive integer or three of them"),
])
def test_bad_constructor_arguments(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()


@pytest.mark.parametrize("layer", [nn.MaxPooling3D, nn.AveragePooling3D, nn.GlobalAveragePooling3D,
                                   nn.GlobalMaxPooling3D, nn.UpSampling3D, nn.ZeroPadding3D, nn.Cropping3D])
def test_wrong_rank_names_the_layer(layer):
    made = layer()
    with pytest.raises(ValueError, match=rf"^{made.name}: expected inputs of shape \(batch, depth, height, width, "
                                         r"channels\), got (shape )?\(1, 4, 4, 2\)"):
        made(np.zeros((1, 4, 4, 2), np.float32))


def test_cropping_everything_names_the_axis():
    with pytest.raises(ValueError, match=r"cropping \(1, 1\) leaves nothing of axis 2"):
        nn.Cropping3D(((0, 0), (1, 1), (0, 0)))(np.zeros((1, 3, 2, 3, 1), np.float32))


def test_docstring_examples_hold():
    import doctest

    from gradwork.nn.layers import pooling3d, reshaping3d
    for module, examples in ((pooling3d, 10), (reshaping3d, 3)):
        result = doctest.testmod(module, extraglobs={"gw": gw, "np": np})
        assert result.failed == 0 and result.attempted == examples, module.__name__
