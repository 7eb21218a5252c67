"""Transposed, depthwise and separable convolution: `F.conv2d_transpose`, `F.conv1d_transpose`,
`F.depthwise_conv2d`, `F.separable_conv2d` and their layers (channels last, Keras's semantics).

For odd sizes, strides 1 to 3, both paddings, dilation, output_padding, depth multipliers 1 to 3 and
batches of one: float64 gradient checks of first and second order with respect to every operand;
PyTorch as the oracle for values and gradients in float64 and float32 (torch's unpadded transposed
convolution cropped to Keras's window, its grouped convolution for depthwise; see conv_oracles),
that crop checked against a second route (the input gradient of torch's conv2d), and generated
geometries against torch; the adjoint identity <conv2d(y), x> = <y, conv2d_transpose(x)> inside
gradwork; the four layers through the generic harness, against torch's modules, with Keras's output
shapes; the errors bad arguments raise, before any state changes; a save / load round trip.
"""
import numpy as np
import pytest

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone

from conv_oracles import (  # noqa: E402 (needs torch)
    compare_with_torch,
    layer_vs_torch,
    nchw,
    nhwc,
    torch_conv1d_transpose,
    torch_conv2d_transpose,
    torch_conv2d_transpose_by_vjp,
    torch_depthwise_conv2d,
    torch_pad_nchw,
    torch_separable_conv2d,
    transpose_length,
    transpose_window,
)
from layer_harness import LayerCase, LayerHarness  # noqa: E402

import gradwork as gw  # noqa: E402
from gradwork import nn  # noqa: E402
from gradwork.nn import functional as F  # noqa: E402

ORACLES = {
    "conv2d_transpose": torch_conv2d_transpose,
    "conv1d_transpose": torch_conv1d_transpose,
    "depthwise_conv2d": torch_depthwise_conv2d,
    "separable_conv2d": torch_separable_conv2d,
}

# "function/id": (shapes of the operands in order (x, kernel(s)[, bias]), gradwork's keyword arguments).
# conv2d_transpose: x (N, h, w, C_in), kernel (kh, kw, F, C_in); conv1d_transpose: x (N, L, C_in),
# kernel (k, F, C_in); depthwise: x (N, H, W, C), kernel (kh, kw, C, M); separable: and (1, 1, C * M, F).
CASES = {
    "conv2d_transpose/k3x2_s1_valid": (((1, 4, 3, 3), (3, 2, 2, 3), (2,)), {}),
    "conv2d_transpose/k3_s2_valid_overlapping": (((1, 3, 4, 2), (3, 3, 2, 2), (2,)), dict(strides=2)),
    "conv2d_transpose/k3x2_s2_same_batch2": (((2, 3, 4, 3), (3, 2, 2, 3), (2,)),
                                             dict(strides=2, padding="same")),
    "conv2d_transpose/k2_s3_valid_gaps": (((1, 3, 3, 2), (2, 2, 2, 2), (2,)), dict(strides=3)),  # zero rows
    "conv2d_transpose/k3_s2_valid_op1_nobias": (((1, 3, 3, 2), (3, 3, 2, 2)),
                                                dict(strides=2, output_padding=1)),
    "conv2d_transpose/k3_s2_same_op0x1": (((1, 3, 3, 2), (3, 3, 2, 2), (2,)),
                                          dict(strides=2, padding="same", output_padding=(0, 1))),
    "conv2d_transpose/k2x3_s3x2_same_op1x0": (((1, 3, 3, 2), (2, 3, 2, 2), (2,)),
                                              dict(strides=(3, 2), padding="same", output_padding=(1, 0))),
    "conv2d_transpose/k3_s1_same_d2_nobias": (((1, 4, 3, 3), (3, 3, 2, 3)),
                                              dict(padding="same", dilation_rate=2)),
    "conv2d_transpose/k2_s2_valid_d2": (((1, 3, 3, 2), (2, 2, 2, 2), (2,)), dict(strides=2, dilation_rate=2)),
    "conv2d_transpose/k3_s2x1_same_d1x2_batch2": (((2, 3, 3, 2), (3, 3, 3, 2), (3,)),
                                                  dict(strides=(2, 1), padding="same", dilation_rate=(1, 2))),
    "conv2d_transpose/k1x1_s2_same": (((1, 3, 3, 4), (1, 1, 2, 4), (2,)), dict(strides=2, padding="same")),
    "conv2d_transpose/k4_s1_same_kernel_past_output": (((1, 2, 2, 2), (4, 4, 2, 2), (2,)),
                                                       dict(padding="same")),
    "conv2d_transpose/k3_s2_same_c5": (((1, 3, 3, 5), (3, 3, 3, 5), (3,)), dict(strides=2, padding="same")),
    "conv2d_transpose/h1_k4_valid": (((1, 1, 2, 2), (4, 2, 2, 2), (2,)), {}),
    "conv1d_transpose/k3_s2_valid": (((1, 4, 3), (3, 2, 3), (2,)), dict(strides=2)),
    "conv1d_transpose/k2_s3_valid_gaps_batch2": (((2, 3, 2), (2, 3, 2), (3,)), dict(strides=3)),
    "conv1d_transpose/k3_s2_same_op1_d2_nobias": (((1, 4, 3), (3, 2, 3)),
                                                  dict(strides=2, padding="same", output_padding=1,
                                                       dilation_rate=2)),
    "conv1d_transpose/k4_s2_same": (((1, 4, 2), (4, 2, 2), (2,)), dict(strides=2, padding="same")),
    "depthwise_conv2d/k3x2_m1_valid": (((1, 5, 4, 3), (3, 2, 3, 1), (3,)), {}),
    "depthwise_conv2d/k3_m2_s2_same_batch2": (((2, 5, 4, 3), (3, 3, 3, 2), (6,)),
                                              dict(strides=2, padding="same")),
    "depthwise_conv2d/k2x3_m2_s2_same_asymmetric_nobias": (((1, 5, 4, 2), (2, 3, 2, 2)),   # pads (0, 1) both
                                                           dict(strides=2, padding="same")),
    "depthwise_conv2d/k3_m1_same_d2": (((1, 5, 4, 3), (3, 3, 3, 1), (3,)), dict(padding="same", dilation_rate=2)),
    "depthwise_conv2d/k2_m3_s3_valid_gaps_c5": (((1, 5, 5, 5), (2, 2, 5, 3), (15,)), dict(strides=3)),
    "depthwise_conv2d/k3x2_m2_s2x1_valid_d1x2": (((1, 6, 5, 2), (3, 2, 2, 2), (4,)),
                                                 dict(strides=(2, 1), dilation_rate=(1, 2))),
    "separable_conv2d/k3_m1_valid": (((1, 5, 4, 3), (3, 3, 3, 1), (1, 1, 3, 2), (2,)), {}),
    "separable_conv2d/k2x3_m2_s2_same_batch2": (((2, 5, 4, 2), (2, 3, 2, 2), (1, 1, 4, 3), (3,)),
                                                dict(strides=2, padding="same")),
    "separable_conv2d/k3_m2_same_d2_nobias": (((1, 5, 4, 2), (3, 3, 2, 2), (1, 1, 4, 2)),
                                              dict(padding="same", dilation_rate=2)),
    "separable_conv2d/k2_m1_s3_valid_c4": (((1, 6, 5, 4), (2, 2, 4, 1), (1, 1, 4, 3), (3,)), dict(strides=3)),
}
TRANSPOSE_2D = [name for name in CASES if name.startswith("conv2d_transpose/")]
# second order on a subset (it costs ten first-order checks): the geometries most unlike conv2d's own
SECOND_ORDER = ["conv2d_transpose/k2_s3_valid_gaps", "conv2d_transpose/k3_s2_valid_op1_nobias",
                "conv2d_transpose/k2x3_s3x2_same_op1x0", "conv2d_transpose/k2_s2_valid_d2",
                "conv2d_transpose/k4_s1_same_kernel_past_output", "conv1d_transpose/k3_s2_same_op1_d2_nobias",
                "depthwise_conv2d/k2x3_m2_s2_same_asymmetric_nobias", "depthwise_conv2d/k3x2_m2_s2x1_valid_d1x2",
                "depthwise_conv2d/k2_m3_s3_valid_gaps_c5", "separable_conv2d/k3_m1_valid",
                "separable_conv2d/k3_m2_same_d2_nobias"]
DTYPES = pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])


def _arrays(shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for shape in shapes]


def _gw_fn(name, kwargs):
    """gradwork's function of the case's operands, with its geometry."""
    fn = getattr(F, name.split("/")[0])
    return lambda *operands: fn(*operands, **kwargs)


def _torch_fn(name, kwargs):
    """The torch oracle with the same geometry (the oracles say dilation, and conv1d's stride)."""
    op = name.split("/")[0]
    kwargs = dict(kwargs)
    kwargs["dilation"] = kwargs.pop("dilation_rate", 1)
    if op == "conv1d_transpose":
        kwargs["stride"] = kwargs.pop("strides", 1)
    return lambda *operands: ORACLES[op](*operands, **kwargs)


def _tensors(arrays):
    return tuple(gw.tensor(a, requires_grad=True) for a in arrays)


# ----------------------------------------------------------------------------------------------- gradients
@pytest.mark.parametrize("name", CASES)
def test_gradcheck(name):
    shapes, kwargs = CASES[name]
    assert gw.gradcheck(_gw_fn(name, kwargs), _tensors(_arrays(shapes)))


@pytest.mark.parametrize("name", SECOND_ORDER)
def test_gradgradcheck(name):
    """Second order: every backward differentiated again (with respect to operands and cotangent)."""
    shapes, kwargs = CASES[name]
    assert gw.gradgradcheck(_gw_fn(name, kwargs), _tensors(_arrays(shapes)))


# ----------------------------------------------------------------------------------------------- PyTorch
@DTYPES
@pytest.mark.parametrize("name", CASES)
def test_matches_torch(name, dtype):
    shapes, kwargs = CASES[name]
    compare_with_torch(_gw_fn(name, kwargs), _torch_fn(name, kwargs), _arrays(shapes, seed=1), dtype, name)


@pytest.mark.parametrize("name", TRANSPOSE_2D)
def test_the_transpose_oracle_agrees_with_the_input_gradient_of_torch_conv2d(name):
    """The oracle's crop of torch's conv_transpose2d, against a route that knows nothing of crops:
    torch's own gradient of its conv2d (TF padding) with respect to the input, for the cotangent x."""
    shapes, kwargs = CASES[name]
    kwargs = {**kwargs, "dilation": kwargs.get("dilation_rate", 1)}
    kwargs.pop("dilation_rate", None)
    arrays = [torch.tensor(a, requires_grad=True) for a in _arrays(shapes, seed=2)]
    crop, vjp = torch_conv2d_transpose(*arrays, **kwargs), torch_conv2d_transpose_by_vjp(*arrays, **kwargs)
    torch.testing.assert_close(crop, vjp, rtol=1e-12, atol=1e-12)
    v = torch.randn(crop.shape, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    for a, b in zip(torch.autograd.grad(crop, arrays, v), torch.autograd.grad(vjp, arrays, v)):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)


def test_output_lengths_are_keras():
    """Keras's deconv output length, by hand, for the oracle's formula."""
    assert transpose_length(5, 3, 2, 1, "same") == 10
    assert transpose_length(5, 3, 2, 1, "valid") == 11            # (5 - 1) * 2 + 3
    assert transpose_length(5, 2, 3, 1, "valid") == 15            # kernel below the stride: 5 * 3
    assert transpose_length(5, 3, 1, 2, "valid") == 9             # span 5
    assert transpose_length(5, 3, 2, 1, "valid", 1) == 12
    assert transpose_length(5, 3, 2, 1, "same", 0) == 9           # (5 - 1) * 2 + 3 % 2
    assert transpose_length(5, 4, 2, 1, "same", 1) == 9           # (5 - 1) * 2 + 4 % 2 + 1
    assert transpose_window(5, 3, 2, 1, "same") == (0, 10)        # pads (0, 1) for 10 -> 5: top 0
    assert transpose_window(4, 5, 1, 1, "same") == (2, 4)


@pytest.mark.parametrize("op", ["conv2d_transpose", "conv1d_transpose", "depthwise_conv2d", "separable_conv2d"])
def test_float32_stays_float32(op):
    name = next(n for n in CASES if n.startswith(op + "/"))
    shapes, kwargs = CASES[name]
    operands = [gw.tensor(a.astype(np.float32), requires_grad=True) for a in _arrays(shapes)]
    out = _gw_fn(name, kwargs)(*operands)
    grads = gw.grad(out.sum(), operands)
    assert out.dtype == np.float32 and [g.dtype for g in grads] == [np.float32] * len(operands)


def _generated_case(op, seed):
    """A random geometry for `op` (sizes 1 to 6, kernels 1 to 4, strides 1 to 3, dilation 1 or 2, both
    paddings, output_padding None or below the stride), as (shapes, kwargs)."""
    rng = np.random.default_rng(seed)
    n, c, f, m = rng.integers(1, 3), rng.integers(1, 5), rng.integers(1, 4), rng.integers(1, 4)
    kernel = tuple(int(k) for k in rng.integers(1, 5, 2))
    strides = tuple(int(s) for s in rng.integers(1, 4, 2))
    dilation = tuple(int(d) for d in rng.integers(1, 3, 2))
    padding = str(rng.choice(["valid", "same"]))
    kwargs = dict(strides=strides, padding=padding, dilation_rate=dilation)
    if op == "conv2d_transpose":
        size = tuple(int(s) for s in rng.integers(1, 5, 2))
        if rng.random() < 0.5:
            kwargs["output_padding"] = tuple(int(rng.integers(0, s)) for s in strides)
        try:
            for a in (0, 1):
                op_a = kwargs.get("output_padding", (None, None))[a]
                transpose_window(size[a], kernel[a], strides[a], dilation[a], padding, op_a)
        except ValueError:   # an even span, 'same' and output_padding 0: no conv2d it is the adjoint of
            del kwargs["output_padding"]
        return ((n, *size, c), (*kernel, f, c), (f,)), kwargs
    spans = [(k - 1) * d + 1 for k, d in zip(kernel, dilation)]
    size = tuple(int(rng.integers(span if padding == "valid" else 1, span + 5)) for span in spans)
    if op == "depthwise_conv2d":
        return ((n, *size, c), (*kernel, c, m), (c * m,)), kwargs
    return ((n, *size, c), (*kernel, c, m), (1, 1, c * m, f), (f,)), kwargs


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("op", ["conv2d_transpose", "depthwise_conv2d", "separable_conv2d"])
def test_generated_geometries_match_torch(op, seed):
    shapes, kwargs = _generated_case(op, seed)
    name = f"{op}/generated {shapes} {kwargs}"
    compare_with_torch(_gw_fn(name, kwargs), _torch_fn(name, kwargs), _arrays(shapes, seed), np.float64, name)


# ----------------------------------------------------------------------------------------------- adjoint
def _conv_kwargs(kwargs):
    return {k: v for k, v in kwargs.items() if k != "output_padding"}


@pytest.mark.parametrize("name", TRANSPOSE_2D + ["conv1d_transpose/k3_s2_same_op1_d2_nobias",
                                                 "conv1d_transpose/k2_s3_valid_gaps_batch2"])
def test_transpose_is_the_adjoint_of_the_convolution(name):
    """<conv(y), x> = <y, conv_transpose(x)> for random x and y, and conv_transpose(x) is gradwork's own
    input gradient of conv for the cotangent x: gradwork against itself, no torch involved."""
    shapes, kwargs = CASES[name]
    x, kernel = _arrays(shapes[:2], seed=3)
    transpose = _gw_fn(name, kwargs)(x, kernel).data
    conv = F.conv2d if name.startswith("conv2d") else F.conv1d
    y = gw.tensor(np.random.default_rng(4).standard_normal(transpose.shape), requires_grad=True)
    forward = conv(y, kernel, **_conv_kwargs(kwargs))
    assert forward.shape == x.shape
    np.testing.assert_allclose(np.sum(forward.data * x), np.sum(y.data * transpose), rtol=1e-12)
    (input_grad,) = gw.grad(forward, [y], gw.tensor(x))
    np.testing.assert_allclose(transpose, input_grad.data, rtol=1e-12, atol=1e-14 * np.abs(transpose).max())


@pytest.mark.parametrize("size, kernel, stride", [(3, 2, 2), (4, 4, 3), (2, 2, 1)])
def test_same_with_an_even_span_and_output_padding_0_is_refused(size, kernel, stride):
    """Keras's length (size - 1) * stride is one that a 'same' conv2d maps to size - 1, not size: there
    is no convolution to be the adjoint of (TensorFlow refuses it too)."""
    assert transpose_length(size, kernel, stride, 1, "same", 0) == (size - 1) * stride
    x, k = np.ones((1, size, 3, 2)), np.ones((kernel, 1, 2, 2))
    _says(_message(lambda: F.conv2d_transpose(x, k, strides=(stride, 1), padding="same", output_padding=0)),
          "conv2d_transpose", "output_padding")
    layer = nn.Conv2DTranspose(2, (kernel, 1), strides=(stride, 1), padding="same", output_padding=0, name="ct")
    _says(_message(lambda: layer(x.astype(np.float32))), "ct", "output_padding")


def test_separable_is_depthwise_then_a_pointwise_conv2d():
    shapes, kwargs = CASES["separable_conv2d/k2x3_m2_s2_same_batch2"]
    x, dk, pk, b = _arrays(shapes, seed=5)
    got = F.separable_conv2d(x, dk, pk, b, **kwargs).data
    want = F.conv2d(F.depthwise_conv2d(x, dk, **kwargs), pk, b).data
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13 * np.abs(want).max())


def test_depthwise_channel_order_is_tensorflows():
    """Output channel c * M + m is input channel c through kernel[..., c, m]: checked one channel at a
    time through gradwork's own conv2d."""
    x, kernel = _arrays([(1, 5, 4, 3), (3, 2, 3, 2)], seed=6)
    got = F.depthwise_conv2d(x, kernel, strides=2, padding="same").data
    for c in range(3):
        for m in range(2):
            want = F.conv2d(x[..., c:c + 1], kernel[:, :, c:c + 1, m:m + 1], strides=2, padding="same").data
            np.testing.assert_allclose(got[..., c * 2 + m], want[..., 0], rtol=1e-12, atol=1e-14)


# ----------------------------------------------------------------------------------------------- layers
LAYER_CASES = [
    LayerCase("conv2d_transpose_same_s2",
              lambda dt: nn.Conv2DTranspose(3, 3, strides=2, padding="same", dtype=dt), (2, 3, 4, 2),
              {"kernel": (3, 3, 3, 2), "bias": (3,)}, (2, 6, 8, 3), ("kernel", "bias")),
    LayerCase("conv2d_transpose_valid_op_tanh",
              lambda dt: nn.Conv2DTranspose(2, (3, 2), strides=(2, 3), output_padding=(1, 2), activation="tanh",
                                            dtype=dt),
              (1, 3, 3, 2), {"kernel": (3, 2, 2, 2), "bias": (2,)}, (1, 8, 10, 2), ("kernel", "bias")),
    LayerCase("conv2d_transpose_same_d2_nobias",
              lambda dt: nn.Conv2DTranspose(2, 3, padding="same", dilation_rate=2, use_bias=False,
                                            kernel_regularizer=gw.regularizers.L2(0.1), dtype=dt),
              (1, 4, 3, 3), {"kernel": (3, 3, 2, 3)}, (1, 4, 3, 2), ("kernel",)),
    LayerCase("conv1d_transpose", lambda dt: nn.Conv1DTranspose(2, 3, strides=2, dtype=dt), (2, 4, 3),
              {"kernel": (3, 2, 3), "bias": (2,)}, (2, 9, 2), ("kernel", "bias")),
    LayerCase("conv1d_transpose_same_op",
              lambda dt: nn.Conv1DTranspose(3, 4, strides=3, padding="same", output_padding=2, dtype=dt),
              (1, 4, 2), {"kernel": (4, 3, 2), "bias": (3,)}, (1, 11, 3), ("kernel", "bias")),
    LayerCase("depthwise_conv2d", lambda dt: nn.DepthwiseConv2D((3, 2), dtype=dt), (2, 5, 4, 3),
              {"kernel": (3, 2, 3, 1), "bias": (3,)}, (2, 3, 3, 3), ("kernel", "bias")),
    LayerCase("depthwise_conv2d_m2_same_s2_relu",
              lambda dt: nn.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2, activation="relu",
                                            dtype=dt),
              (2, 5, 4, 3), {"kernel": (3, 3, 3, 2), "bias": (6,)}, (2, 3, 2, 6), ("kernel", "bias"),
              kinks=(0.0,)),
    LayerCase("depthwise_conv2d_d2_nobias",
              lambda dt: nn.DepthwiseConv2D(2, dilation_rate=2, use_bias=False,
                                            depthwise_regularizer=gw.regularizers.L2(0.1), dtype=dt),
              (1, 5, 4, 2), {"kernel": (2, 2, 2, 1)}, (1, 3, 2, 2), ("kernel",)),
    LayerCase("separable_conv2d",
              lambda dt: nn.SeparableConv2D(4, 3, dtype=dt), (2, 5, 4, 3),
              {"depthwise_kernel": (3, 3, 3, 1), "pointwise_kernel": (1, 1, 3, 4), "bias": (4,)}, (2, 3, 2, 4),
              ("depthwise_kernel", "pointwise_kernel", "bias")),
    LayerCase("separable_conv2d_m2_same_s2_tanh",
              lambda dt: nn.SeparableConv2D(3, (2, 3), strides=2, padding="same", depth_multiplier=2,
                                            activation="tanh", dtype=dt),
              (1, 5, 4, 2), {"depthwise_kernel": (2, 3, 2, 2), "pointwise_kernel": (1, 1, 4, 3), "bias": (3,)},
              (1, 3, 2, 3), ("depthwise_kernel", "pointwise_kernel", "bias")),
    LayerCase("separable_conv2d_nobias_regularized",
              lambda dt: nn.SeparableConv2D(2, 2, use_bias=False, depthwise_regularizer=gw.regularizers.L2(0.1),
                                            pointwise_regularizer=gw.regularizers.L1(0.1), dtype=dt),
              (1, 4, 4, 2), {"depthwise_kernel": (2, 2, 2, 1), "pointwise_kernel": (1, 1, 2, 2)}, (1, 3, 3, 2),
              ("depthwise_kernel", "pointwise_kernel")),
]


class TestConvVariantLayers(LayerHarness):
    CASES = LAYER_CASES


@pytest.mark.parametrize("make, input_shape, output_shape", [
    (lambda: nn.Conv2DTranspose(3, 3, strides=2, padding="same"), (2, 5, 5, 4), (2, 10, 10, 3)),
    (lambda: nn.Conv2DTranspose(3, 3, strides=2), (2, 5, 5, 4), (2, 11, 11, 3)),
    (lambda: nn.Conv2DTranspose(3, 2, strides=3), (2, 5, 5, 4), (2, 15, 15, 3)),
    (lambda: nn.Conv2DTranspose(3, 3, strides=2, output_padding=1), (2, 5, 5, 4), (2, 12, 12, 3)),
    (lambda: nn.Conv2DTranspose(3, 3, strides=2, padding="same", output_padding=0), (2, 5, 5, 4), (2, 9, 9, 3)),
    (lambda: nn.Conv2DTranspose(3, (4, 3), strides=(2, 1), padding="same", output_padding=(1, 0)),
     (2, 5, 6, 4), (2, 9, 6, 3)),
    (lambda: nn.Conv2DTranspose(3, 3, dilation_rate=2), (2, 5, 6, 4), (2, 9, 10, 3)),
    (lambda: nn.Conv1DTranspose(2, 3, strides=2, padding="same"), (2, 7, 4), (2, 14, 2)),
    (lambda: nn.Conv1DTranspose(2, 3, strides=2), (2, 7, 4), (2, 15, 2)),
    (lambda: nn.DepthwiseConv2D(3, depth_multiplier=2), (2, 7, 6, 3), (2, 5, 4, 6)),
    (lambda: nn.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=3), (2, 7, 6, 2), (2, 4, 3, 6)),
    (lambda: nn.SeparableConv2D(5, 3, strides=2, padding="same", depth_multiplier=2), (2, 7, 6, 3),
     (2, 4, 3, 5)),
    (lambda: nn.SeparableConv2D(5, 3, dilation_rate=2), (2, 7, 6, 3), (2, 3, 2, 5)),
], ids=["transpose_same_s2", "transpose_valid_s2", "transpose_k2_s3", "transpose_valid_op1",
        "transpose_same_op0", "transpose_same_op1x0", "transpose_d2", "transpose1d_same", "transpose1d_valid",
        "depthwise_m2", "depthwise_same_s2_m3", "separable_same_s2", "separable_d2"])
def test_output_shapes_are_keras(make, input_shape, output_shape):
    layer = make()
    out = layer(np.zeros(input_shape, np.float32))
    assert out.shape == output_shape and layer.output_shape == (None,) + output_shape[1:]


def _with_random_weights(layer, x, seed):
    layer(x)
    rng = np.random.default_rng(seed)
    for _, p in layer.named_parameters():
        p.data[...] = rng.standard_normal(p.shape)
    return layer


def _activation(name):
    return {None: lambda t: t, "tanh": torch.tanh, "relu": torch.relu}[name]


TRANSPOSE_LAYERS = {
    "same_s2": dict(filters=3, kernel_size=3, strides=2, padding="same"),
    "valid_s2x3_op_tanh": dict(filters=2, kernel_size=(3, 2), strides=(2, 3), output_padding=(1, 2),
                               activation="tanh"),
    "valid_k2_s3_gaps_relu": dict(filters=2, kernel_size=2, strides=3, activation="relu"),
    "same_k4x3_s2_op1x0": dict(filters=2, kernel_size=(4, 3), strides=2, padding="same", output_padding=(1, 0)),
    "same_d2_nobias": dict(filters=3, kernel_size=3, padding="same", dilation_rate=2, use_bias=False),
}


def _torch_transpose_module(cls, layer, sizes):
    """torch's ConvTranspose (cls) with the layer's geometry, its output_padding extended so that the
    unpadded output reaches past Keras's window, and a function cropping it to that window."""
    windows = [transpose_window(size, *geometry, layer.padding, op) for size, *geometry, op in zip(
        sizes, layer.kernel_size, layer.strides, layer.dilation_rate, layer.output_padding or [None] * len(sizes))]
    full = [(size - 1) * s + (k - 1) * d + 1
            for size, k, s, d in zip(sizes, layer.kernel_size, layer.strides, layer.dilation_rate)]
    extra = tuple(max(top + length - f, 0) for (top, length), f in zip(windows, full))
    module = cls(layer.kernel.shape[-1], layer.filters, layer.kernel_size, stride=layer.strides,
                 dilation=layer.dilation_rate, output_padding=extra, bias=layer.use_bias,
                 dtype=getattr(torch, layer.dtype.name))
    crops = tuple(slice(top, top + length) for top, length in windows)
    return module, lambda out: out[(slice(None), slice(None)) + crops]


@DTYPES
@pytest.mark.parametrize("name", TRANSPOSE_LAYERS)
def test_conv2d_transpose_layer_matches_torch_conv_transpose2d(name, dtype):
    config, dtype = TRANSPOSE_LAYERS[name], np.dtype(dtype).name
    dtype_t = getattr(torch, dtype)
    x = np.random.default_rng(20).standard_normal((2, 4, 3, 3))
    layer = _with_random_weights(nn.Conv2DTranspose(**config, dtype=dtype), x.astype(dtype), seed=21)
    module, crop = _torch_transpose_module(torch.nn.ConvTranspose2d, layer, x.shape[1:3])
    assert module.weight.dtype == dtype_t
    with torch.no_grad():
        module.weight.copy_(torch.tensor(layer.kernel.data).permute(3, 2, 0, 1))   # -> (in, out, kh, kw)
        if layer.use_bias:
            module.bias.copy_(torch.tensor(layer.bias.data))
    activation = _activation(config.get("activation"))
    weights = [(layer.kernel, module.weight, lambda w: w.permute(2, 3, 1, 0))]
    if layer.use_bias:
        weights.append((layer.bias, module.bias, lambda b: b))
    layer_vs_torch(layer, lambda xt: activation(nhwc(crop(module(nchw(xt))))), x, dtype, weights)


@DTYPES
@pytest.mark.parametrize("config", [dict(filters=2, kernel_size=3, strides=2),
                                    dict(filters=3, kernel_size=4, strides=3, padding="same", output_padding=1),
                                    dict(filters=2, kernel_size=2, strides=3, padding="same")],
                         ids=["valid_s2", "same_k4_s3_op1", "same_k2_s3"])
def test_conv1d_transpose_layer_matches_torch_conv_transpose1d(config, dtype):
    dtype = np.dtype(dtype).name
    x = np.random.default_rng(22).standard_normal((2, 5, 3))
    layer = _with_random_weights(nn.Conv1DTranspose(**config, dtype=dtype), x.astype(dtype), seed=23)
    module, crop = _torch_transpose_module(torch.nn.ConvTranspose1d, layer, x.shape[1:2])
    with torch.no_grad():
        module.weight.copy_(torch.tensor(layer.kernel.data).permute(2, 1, 0))       # -> (in, out, k)
        module.bias.copy_(torch.tensor(layer.bias.data))
    weights = [(layer.kernel, module.weight, lambda w: w.permute(2, 1, 0)), (layer.bias, module.bias, lambda b: b)]
    layer_vs_torch(layer, lambda xt: crop(module(xt.permute(0, 2, 1))).permute(0, 2, 1), x, dtype, weights)


def _torch_depthwise_module(layer, kernel):
    """torch's grouped Conv2d (groups = C) with the layer's geometry and a copy of `kernel` (kh, kw, C, M);
    the TF padding in front of it; and the (weight, torch parameter, torch -> gradwork layout) triple."""
    kh, kw, c, m = kernel.shape
    module = torch.nn.Conv2d(c, c * m, (kh, kw), stride=layer.strides, dilation=layer.dilation_rate, groups=c,
                             bias=False, dtype=getattr(torch, layer.dtype.name))
    with torch.no_grad():
        module.weight.copy_(torch.tensor(kernel.data).permute(2, 3, 0, 1).reshape(c * m, 1, kh, kw))

    def pad(xt):
        return torch_pad_nchw(xt, (kh, kw), layer.strides, layer.padding, layer.dilation_rate)

    return module, pad, (kernel, module.weight, lambda w: w.reshape(c, m, kh, kw).permute(2, 3, 0, 1))


DEPTHWISE_LAYERS = {
    "valid_m1": dict(kernel_size=(3, 2)),
    "same_s2_m2_relu": dict(kernel_size=3, strides=2, padding="same", depth_multiplier=2, activation="relu"),
    "same_k2_m3_nobias": dict(kernel_size=2, padding="same", depth_multiplier=3, use_bias=False),
    "valid_d2_m2_tanh": dict(kernel_size=2, dilation_rate=2, depth_multiplier=2, activation="tanh"),
}


@DTYPES
@pytest.mark.parametrize("name", DEPTHWISE_LAYERS)
def test_depthwise_layer_matches_torch_grouped_conv2d(name, dtype):
    config, dtype = DEPTHWISE_LAYERS[name], np.dtype(dtype).name
    x = np.random.default_rng(24).standard_normal((2, 6, 5, 3))
    layer = _with_random_weights(nn.DepthwiseConv2D(**config, dtype=dtype), x.astype(dtype), seed=25)
    module, pad, kernel_pair = _torch_depthwise_module(layer, layer.kernel)
    activation = _activation(config.get("activation"))
    weights = [kernel_pair]
    bias = torch.tensor(layer.bias.data, requires_grad=True) if layer.use_bias else 0
    if layer.use_bias:
        weights.append((layer.bias, bias, lambda b: b))
    layer_vs_torch(layer, lambda xt: activation(nhwc(module(pad(nchw(xt)))) + bias), x, dtype, weights)


SEPARABLE_LAYERS = {
    "valid_m1": dict(filters=4, kernel_size=3),
    "same_s2_m2_tanh": dict(filters=3, kernel_size=(2, 3), strides=2, padding="same", depth_multiplier=2,
                            activation="tanh"),
    "same_d2_nobias": dict(filters=2, kernel_size=3, padding="same", dilation_rate=2, use_bias=False),
}


@DTYPES
@pytest.mark.parametrize("name", SEPARABLE_LAYERS)
def test_separable_layer_matches_torch_grouped_then_pointwise_conv2d(name, dtype):
    config, dtype = SEPARABLE_LAYERS[name], np.dtype(dtype).name
    x = np.random.default_rng(26).standard_normal((2, 6, 5, 3))
    layer = _with_random_weights(nn.SeparableConv2D(**config, dtype=dtype), x.astype(dtype), seed=27)
    depthwise, pad, kernel_pair = _torch_depthwise_module(layer, layer.depthwise_kernel)
    pointwise = torch.nn.Conv2d(layer.pointwise_kernel.shape[2], layer.filters, 1, bias=layer.use_bias,
                                dtype=getattr(torch, dtype))
    with torch.no_grad():
        pointwise.weight.copy_(torch.tensor(layer.pointwise_kernel.data).permute(3, 2, 0, 1))
        if layer.use_bias:
            pointwise.bias.copy_(torch.tensor(layer.bias.data))
    weights = [kernel_pair, (layer.pointwise_kernel, pointwise.weight, lambda w: w.permute(2, 3, 1, 0))]
    if layer.use_bias:
        weights.append((layer.bias, pointwise.bias, lambda b: b))
    activation = _activation(config.get("activation"))
    layer_vs_torch(layer, lambda xt: activation(nhwc(pointwise(depthwise(pad(nchw(xt)))))), x, dtype, weights)


# ----------------------------------------------------------------------------------------------- errors
def _message(call):
    with pytest.raises(ValueError) as info:
        call()
    return str(info.value)


def _says(message, *fragments):
    missing = [f for f in fragments if f not in message]
    assert not missing, f"{missing} not in the message {message!r}"


@pytest.mark.parametrize("call, fragments", [
    (lambda: F.conv2d_transpose(np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 2, 4))),
     ["conv2d_transpose", "(1, 5, 5, 3)", "(3, 3, 2, 4)"]),
    (lambda: F.conv2d_transpose(np.zeros((5, 5, 3)), np.zeros((3, 3, 2, 3))), ["conv2d_transpose", "(5, 5, 3)"]),
    (lambda: F.conv2d_transpose(np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 2, 3)), strides=2, output_padding=2),
     ["conv2d_transpose", "output_padding", "2"]),
    (lambda: F.conv2d_transpose(np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 2, 3)), strides=(2, 1),
                                output_padding=(1, 1)), ["conv2d_transpose", "output_padding", "1"]),
    (lambda: F.conv2d_transpose(np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 2, 3)), padding="full"),
     ["conv2d_transpose", "padding must be 'valid' or 'same', got 'full'"]),
    (lambda: F.conv1d_transpose(np.zeros((1, 5, 3)), np.zeros((3, 2, 4))), ["conv1d_transpose", "(3, 2, 4)"]),
    (lambda: F.conv1d_transpose(np.zeros((1, 5, 3)), np.zeros((3, 2, 3)), strides=3, output_padding=3),
     ["conv1d_transpose", "output_padding", "3"]),
    (lambda: F.depthwise_conv2d(np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 2, 2))),
     ["depthwise_conv2d", "(1, 5, 5, 3)", "(3, 3, 2, 2)"]),
    (lambda: F.depthwise_conv2d(np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 3, 1)), padding="Valid "),
     ["depthwise_conv2d", "padding must be 'valid' or 'same', got 'Valid '"]),
    (lambda: F.separable_conv2d(np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 3, 2)), np.zeros((1, 1, 5, 4))),
     ["separable_conv2d", "(1, 1, 5, 4)"]),
    (lambda: F.separable_conv2d(np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 3, 2)), np.zeros((3, 3, 6, 4))),
     ["separable_conv2d", "(3, 3, 6, 4)"]),
], ids=["transpose_channels", "transpose_rank", "transpose_op_2_s2", "transpose_op_1_s1", "transpose_padding",
        "transpose1d_channels", "transpose1d_op", "depthwise_channels", "depthwise_padding",
        "separable_pointwise_channels", "separable_pointwise_not_1x1"])
def test_bad_arguments_to_the_functions_raise_clear_value_errors(call, fragments):
    _says(_message(call), *fragments)


LAYER_INPUTS = {
    "Conv2DTranspose": (lambda: nn.Conv2DTranspose(2, 3, strides=2, name="layer"), (1, 5, 5, 3), (1, 5, 5, 4)),
    "Conv1DTranspose": (lambda: nn.Conv1DTranspose(2, 3, name="layer"), (1, 5, 3), (1, 5, 4)),
    "DepthwiseConv2D": (lambda: nn.DepthwiseConv2D(3, depth_multiplier=2, name="layer"), (1, 5, 5, 3),
                        (1, 5, 5, 4)),
    "SeparableConv2D": (lambda: nn.SeparableConv2D(2, 3, name="layer"), (1, 5, 5, 3), (1, 5, 5, 2)),
}


@pytest.mark.parametrize("name", LAYER_INPUTS)
def test_wrong_channels_after_build_name_the_layer_and_change_nothing(name):
    make, good, bad = LAYER_INPUTS[name]
    layer = make()
    layer(np.ones(good, np.float32), training=True)
    before = layer.get_weights()
    message = _message(lambda: layer(np.random.default_rng(0).standard_normal(bad).astype(np.float32),
                                     training=True))
    _says(message, "layer", str(bad), str(good[-1]))
    assert all(np.array_equal(a, b) for a, b in zip(before, layer.get_weights()))


@pytest.mark.parametrize("name", LAYER_INPUTS)
def test_wrong_rank_names_the_layer(name):
    make, good, _ = LAYER_INPUTS[name]
    bad = good[1:]
    _says(_message(lambda: make()(np.ones(bad, np.float32))), "layer", str(bad))


@pytest.mark.parametrize("make, x_shape, fragments", [
    (lambda: nn.Conv2DTranspose(2, 3, strides=2, output_padding=2, name="ct"), (1, 5, 5, 3), ["output_padding"]),
    (lambda: nn.Conv2DTranspose(2, 3, strides=(2, 1), output_padding=(1, 1), name="ct"), (1, 5, 5, 3),
     ["output_padding"]),
    (lambda: nn.Conv1DTranspose(2, 3, strides=2, output_padding=2, name="ct"), (1, 5, 3), ["output_padding"]),
], ids=["op_equal_to_stride", "op_above_stride_on_one_axis", "conv1d_transpose"])
def test_output_padding_not_below_the_stride_is_refused_before_any_weight_exists(make, x_shape, fragments):
    made = []

    def construct_and_call():
        made.append(make())
        made[0](np.ones(x_shape, np.float32))

    message = _message(construct_and_call)
    _says(message, *fragments)
    assert "ct" in message or "Conv2DTranspose" in message or "Conv1DTranspose" in message
    assert not made or made[0].weights == []


@pytest.mark.parametrize("make, cls", [
    (lambda: nn.Conv2DTranspose(2, 3, padding="full"), "Conv2DTranspose"),
    (lambda: nn.Conv1DTranspose(2, 3, padding="causal"), "Conv1DTranspose"),
    (lambda: nn.DepthwiseConv2D(3, padding="SAMEE"), "DepthwiseConv2D"),
    (lambda: nn.SeparableConv2D(2, 3, padding="full"), "SeparableConv2D"),
])
def test_bad_padding_names_the_layer_class(make, cls):
    _says(_message(make), cls, "padding must be 'valid' or 'same', got")


@pytest.mark.parametrize("make, fragments", [
    (lambda: nn.DepthwiseConv2D(3, depth_multiplier=0), ["DepthwiseConv2D", "depth_multiplier", "0"]),
    (lambda: nn.SeparableConv2D(2, 3, depth_multiplier=0), ["SeparableConv2D", "depth_multiplier", "0"]),
    (lambda: nn.SeparableConv2D(0, 3), ["SeparableConv2D", "filters", "0"]),
    (lambda: nn.Conv2DTranspose(0, 3), ["Conv2DTranspose", "filters", "0"]),
])
def test_bad_constructor_arguments(make, fragments):
    _says(_message(make), *fragments)


# ----------------------------------------------------------------------------------------------- saving
def test_a_saved_and_reloaded_sequential_predicts_identically(tmp_path):
    gw.random.seed(30)
    model = gw.Sequential([
        nn.Input(shape=(4, 4, 3)),
        nn.Conv2DTranspose(4, 3, strides=2, padding="same", output_padding=1, activation="relu"),  # 8 x 8
        nn.DepthwiseConv2D(3, depth_multiplier=2),                                                 # 6 x 6 x 8
        nn.SeparableConv2D(3, 3, strides=2, padding="same", depth_multiplier=2, activation="tanh"),  # 3 x 3
        nn.Reshape((9, 3)),
        nn.Conv1DTranspose(2, 3, strides=2),                                                       # 19 x 2
    ], name="variants")
    assert model.output_shape == (None, 19, 2)
    rng = np.random.default_rng(31)
    for _, p in model.named_parameters():
        p.data[...] = rng.standard_normal(p.shape) * 0.5          # biases too: zeros would hide a swap
    x = rng.standard_normal((3, 4, 4, 3)).astype(np.float32)
    model.save(tmp_path / "variants.gw")
    loaded = gw.load_model(tmp_path / "variants.gw")
    assert [type(a).__name__ for a in loaded.layers] == [type(b).__name__ for b in model.layers]
    assert [a.get_config() for a in loaded.layers[1:]] == [b.get_config() for b in model.layers[1:]]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
