"""Convolution, functional: `F.conv2d` and `F.conv1d` (channels last, Keras padding).

For odd image sizes (7 x 6, 3 channels; also 4 and 5, where im2col takes its other layout), strides
1 and 2, both paddings, dilation 2, non-square kernels and a batch of one: float64 gradient checks
of first and second order with respect to input, kernel and bias (a random output weight, so
nothing hides in a sum); PyTorch as the oracle for values and gradients in float64 (to rounding)
and float32 (its own tolerances), with TF's asymmetric 'same' padding given to torch explicitly
(see conv_oracles); generated geometries against torch; the errors bad arguments raise; and a
memory bound on im2col.
"""
import tracemalloc

import numpy as np
import pytest
from conv_oracles import compare_with_torch, tf_pads, torch_conv1d, torch_conv2d
from hypothesis import given, settings
from hypothesis import strategies as st

import gradwork as gw
from gradwork.nn import functional as F

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone

# id: (x shape, kernel shape (kh, kw, C, F), strides, padding, dilation, bias)
CONV2D = {
    "k3x2_s1_valid": ((1, 7, 6, 3), (3, 2, 3, 2), 1, "valid", 1, True),
    "k2x3_s2_same_asymmetric": ((1, 7, 6, 3), (2, 3, 3, 2), 2, "same", 1, True),   # pads (0, 1) and (0, 1)
    "k3x2_s1_same_d2_nobias": ((1, 7, 6, 3), (3, 2, 3, 2), 1, "same", 2, False),   # pads (2, 2) and (1, 1)
    "k3x2_s2_valid_d2": ((1, 7, 6, 3), (3, 2, 3, 2), 2, "valid", 2, True),
    "k3x3_s2x1_same_d1x2_batch2": ((2, 7, 6, 3), (3, 3, 3, 2), (2, 1), "same", (1, 2), True),
    "k2x2_s2_same_d2": ((1, 7, 6, 3), (2, 2, 3, 2), 2, "same", 2, True),           # pads (1, 1) and (0, 1)
    "k1x1_pointwise_batch2": ((2, 7, 6, 3), (1, 1, 3, 4), 1, "valid", 1, True),    # no im2col copy
    "k1x1_s2_same": ((1, 7, 6, 3), (1, 1, 3, 2), 2, "same", 1, False),
    "k2x2_s3_valid_gaps": ((1, 7, 6, 3), (2, 2, 3, 2), 3, "valid", 1, True),       # pixels no window sees
    "k7x6_whole_image": ((1, 7, 6, 3), (7, 6, 3, 2), 1, "valid", 1, True),
    # 4+ channels: im2col built row by row (fewer channels build it transposed)
    "k3x3_s1_same_c5_batch2": ((2, 6, 5, 5), (3, 3, 5, 3), 1, "same", 1, True),
    "k2x3_s2_same_d2_c4": ((1, 7, 6, 4), (2, 3, 4, 2), 2, "same", (2, 1), False),
}
# id: (x shape (N, L, C), kernel shape (k, C, F), stride, padding, dilation, bias)
CONV1D = {
    "k3_s1_valid": ((1, 9, 3), (3, 3, 2), 1, "valid", 1, True),
    "k2_s2_same_asymmetric": ((1, 9, 3), (2, 3, 2), 2, "same", 1, True),           # pads (0, 1)
    "k3_s1_same_d2_nobias": ((2, 8, 3), (3, 3, 2), 1, "same", 2, False),
    "k4_s3_valid": ((1, 10, 2), (4, 2, 3), 3, "valid", 1, True),
}


def _arrays(shapes, seed=0):
    x_shape, k_shape, *_, bias = shapes
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(x_shape), rng.standard_normal(k_shape)]
    return arrays + [rng.standard_normal(k_shape[-1])] if bias else arrays


def _bind(case, conv):
    """conv (gradwork's or the torch oracle) with the case's geometry: a function of (x, kernel[, bias])."""
    _, _, strides, padding, dilation, _ = case
    return lambda x, k, b=None: conv(x, k, b, strides, padding, dilation)


def _tensors(arrays):
    return tuple(gw.tensor(a, requires_grad=True) for a in arrays)


# ----------------------------------------------------------------------------------------------- gradients
@pytest.mark.parametrize("name", CONV2D)
def test_conv2d_gradcheck(name):
    case = CONV2D[name]
    assert gw.gradcheck(_bind(case, F.conv2d), _tensors(_arrays(case)))


@pytest.mark.parametrize("name", CONV2D)
def test_conv2d_gradgradcheck(name):
    """Second order: the input- and kernel-gradient operations differentiated through each other."""
    case = CONV2D[name]
    assert gw.gradgradcheck(_bind(case, F.conv2d), _tensors(_arrays(case)))


@pytest.mark.parametrize("name", CONV1D)
def test_conv1d_gradcheck_and_gradgradcheck(name):
    case = CONV1D[name]
    fn = _bind(case, F.conv1d)
    assert gw.gradcheck(fn, _tensors(_arrays(case)))
    assert gw.gradgradcheck(fn, _tensors(_arrays(case)))


def test_third_order_through_conv2d():
    """create_graph twice: the gradient operations' own backwards are differentiable again."""
    x, k = _tensors(_arrays(((1, 5, 4, 2), (2, 3, 2, 1), 2, "same", 1, False)))

    def second(x, k):
        y = F.conv2d(x, k, strides=2, padding="same")
        (gx,) = gw.grad((y * y).sum(), [x], create_graph=True)
        return (gx * gx).sum()

    gx2, gk2 = gw.grad(second(x, k), [x, k], create_graph=True)
    assert gx2.requires_grad and gk2.requires_grad
    assert gw.gradcheck(lambda x, k: gw.grad(second(x, k), [k], create_graph=True)[0], (x, k))


# ----------------------------------------------------------------------------------------------- PyTorch
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name", CONV2D)
def test_conv2d_matches_torch(name, dtype):
    case = CONV2D[name]
    compare_with_torch(_bind(case, F.conv2d), _bind(case, torch_conv2d), _arrays(case, seed=1),
                       dtype, f"conv2d {name}")


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name", CONV1D)
def test_conv1d_matches_torch(name, dtype):
    case = CONV1D[name]
    compare_with_torch(_bind(case, F.conv1d), _bind(case, torch_conv1d), _arrays(case, seed=2),
                       dtype, f"conv1d {name}")


def test_conv2d_float32_stays_float32():
    x, k, b = (gw.tensor(a.astype(np.float32), requires_grad=True) for a in _arrays(CONV2D["k3x2_s1_valid"]))
    out = F.conv2d(x, k, b)
    grads = gw.grad(out.sum(), [x, k, b])
    assert out.dtype == np.float32 and [g.dtype for g in grads] == [np.float32] * 3


@pytest.mark.parametrize("size, kernel, stride, dilation, want", [
    (7, 3, 2, 1, (1, 1)),   # out 4: (4 - 1) * 2 + 3 - 7 = 2
    (6, 3, 2, 1, (0, 1)),   # out 3: 4 + 3 - 6 = 1, the odd pixel after
    (6, 2, 2, 1, (0, 0)),
    (7, 2, 2, 1, (0, 1)),
    (7, 3, 1, 2, (2, 2)),   # span 5
    (5, 1, 3, 1, (0, 0)),   # stride past the kernel: nothing needed
    (4, 5, 1, 1, (2, 2)),   # kernel larger than the input
])
def test_same_padding_amounts_are_tensorflows(size, kernel, stride, dilation, want):
    """The oracle's own pads, by hand from TF's formula; then gradwork's output size agrees."""
    assert tf_pads(size, kernel, stride, dilation, "same") == want
    x = np.zeros((1, size, 3, 1))
    out = F.conv2d(x, np.zeros((kernel, 1, 1, 1)), strides=(stride, 1), padding="same",
                   dilation_rate=(dilation, 1))
    assert out.shape == (1, -(-size // stride), 3, 1)


def test_same_padding_puts_the_odd_pixel_after():
    """Stride 2, even input: TF pads (0, 1). Padding (1, 0) would give other values, so this
    comparison can tell the two apart."""
    rng = np.random.default_rng(3)
    x, k = rng.standard_normal((1, 6, 6, 1)), rng.standard_normal((3, 3, 1, 1))
    got = F.conv2d(x, k, strides=2, padding="same").data
    xt, kt = torch.tensor(x).permute(0, 3, 1, 2), torch.tensor(k).permute(3, 2, 0, 1)
    after = torch.nn.functional.conv2d(torch.nn.functional.pad(xt, (0, 1, 0, 1)), kt, stride=2)
    before = torch.nn.functional.conv2d(torch.nn.functional.pad(xt, (1, 0, 1, 0)), kt, stride=2)
    np.testing.assert_allclose(got, after.permute(0, 2, 3, 1).numpy(), rtol=1e-12)
    assert not np.allclose(got, before.permute(0, 2, 3, 1).numpy())


@settings(max_examples=30, deadline=None)
@given(h=st.integers(1, 9), w=st.integers(1, 9), kh=st.integers(1, 4), kw=st.integers(1, 4),
       sh=st.integers(1, 3), sw=st.integers(1, 3), dh=st.integers(1, 2), dw=st.integers(1, 2),
       padding=st.sampled_from(["valid", "same"]), cin=st.integers(1, 5), cout=st.integers(1, 3),
       n=st.integers(1, 2), seed=st.integers(0, 2**16))
def test_generated_geometries_match_torch(h, w, kh, kw, sh, sw, dh, dw, padding, cin, cout, n, seed):
    span_h, span_w = (kh - 1) * dh + 1, (kw - 1) * dw + 1
    if padding == "valid" and (span_h > h or span_w > w):
        with pytest.raises(ValueError, match="does not fit"):
            F.conv2d(np.zeros((n, h, w, cin)), np.zeros((kh, kw, cin, cout)), padding="valid",
                     dilation_rate=(dh, dw))
        return
    case = ((n, h, w, cin), (kh, kw, cin, cout), (sh, sw), padding, (dh, dw), True)
    compare_with_torch(_bind(case, F.conv2d), _bind(case, torch_conv2d), _arrays(case, seed),
                       np.float64, f"conv2d {case}")


# ----------------------------------------------------------------------------------------------- errors
@pytest.mark.parametrize("call, pattern", [
    (lambda: F.conv2d(np.zeros((7, 6, 3)), np.zeros((3, 3, 3, 2))),
     r"conv2d: input of shape \(7, 6, 3\) \(N, H, W, C\)"),
    (lambda: F.conv2d(np.zeros((1, 7, 6, 3)), np.zeros((3, 3, 4, 2))),
     r"conv2d: .* needs a kernel of shape \(kh, kw, 3, filters\), got \(3, 3, 4, 2\)"),
    (lambda: F.conv2d(np.zeros((1, 7, 6, 3)), np.zeros((3, 3, 2))), r"got \(3, 3, 2\)"),
    (lambda: F.conv2d(np.zeros((1, 4, 6, 3)), np.zeros((5, 3, 3, 2))),
     r"a window of 5 pixels does not fit in an input of 4 \(padding='valid'\)"),
    (lambda: F.conv2d(np.zeros((1, 7, 6, 3)), np.zeros((3, 3, 3, 2)), dilation_rate=3),
     r"a window of 7 pixels does not fit in an input of 6"),
    (lambda: F.conv2d(np.zeros((1, 7, 6, 3)), np.zeros((3, 3, 3, 2)), padding="full"),
     r"padding must be 'valid' or 'same', got 'full'"),
    (lambda: F.conv2d(np.zeros((1, 7, 6, 3)), np.zeros((3, 3, 3, 2)), padding="SAMEE"),
     r"padding must be 'valid' or 'same', got 'SAMEE'"),
    (lambda: F.conv2d(np.zeros((1, 7, 6, 3)), np.zeros((3, 3, 3, 2)), strides=0),
     r"conv2d: stride must be a positive integer or a pair of them, got 0"),
    (lambda: F.conv2d(np.zeros((1, 7, 6, 3)), np.zeros((3, 3, 3, 2)), strides=(1, 2, 3)),
     r"conv2d: stride must be a positive integer or a pair of them, got \(1, 2, 3\)"),
    (lambda: F.conv1d(np.zeros((1, 7, 6, 3)), np.zeros((3, 3, 2))),
     r"conv1d: input of shape \(1, 7, 6, 3\) \(N, L, C\) needs a kernel of shape \(k, 3, filters\), "
     r"got \(3, 3, 2\)"),
    (lambda: F.conv1d(np.zeros((1, 9, 3)), np.zeros((3, 4, 2))),
     r"conv1d: input of shape \(1, 9, 3\) \(N, L, C\) needs a kernel of shape \(k, 3, filters\), "
     r"got \(3, 4, 2\)"),
])
def test_bad_arguments_raise_clear_value_errors(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


# ----------------------------------------------------------------------------------------------- memory
def test_conv2d_forward_and_backward_peak_memory_is_a_small_multiple_of_im2col():
    """The budget: the im2col matrix (kept for the kernel gradient), one array of the same size for
    the input gradient's windows, the output, and two images (the padded input, the input
    gradient), plus 10%. A copy of the windows per offset or per sample, or a tensordot over the
    strided view, would add at least another im2col matrix and fail. NumPy reports its buffers
    to tracemalloc, so the peak is measured, not estimated."""
    n, h, w, c, f, k = 16, 24, 24, 8, 16, 3
    rng = np.random.default_rng(0)
    x = gw.tensor(rng.standard_normal((n, h, w, c)), requires_grad=True)
    kernel = gw.tensor(rng.standard_normal((k, k, c, f)), requires_grad=True)
    v = gw.tensor(rng.standard_normal((n, h, w, f)))
    im2col = n * h * w * k * k * c * 8                       # 5.3 MB of float64
    budget = 1.1 * (2 * im2col + v.data.nbytes + 2 * x.data.nbytes)  # 2.7 im2col
    tracemalloc.start()
    try:
        out = F.conv2d(x, kernel, padding="same")
        gx, gk = gw.grad(out, [x, kernel], v)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert gx.shape == x.shape and gk.shape == kernel.shape
    assert peak < budget, f"peak {peak / 1e6:.1f} MB over a budget of {budget / 1e6:.1f} MB"
