"""PyTorch and NumPy oracles for channels-last convolution and pooling, shared by the conv tests.

gradwork is NHWC with kernels (kh, kw, C_in, C_out), as Keras; PyTorch is NCHW with weights
(C_out, C_in, kh, kw). The torch references below take NHWC leaf tensors and permute inside,
so their gradients come back in gradwork's layout. PyTorch has no asymmetric 'same' padding, so
it gets the amounts TensorFlow/Keras use, written out here from the TF documentation:
out = ceil(in / stride), total = max((out - 1) * stride + (k - 1) * dilation + 1 - in, 0),
before = total // 2, after = the rest (the extra pixel goes to the bottom/right).
"""
import math

import numpy as np
import torch
import torch.nn.functional as tF

import gradwork as gw

# (rtol, atol as a fraction of the reference's largest magnitude). Rounding error in a sum grows
# with the size of its terms, not of the result, so an element that cancels to near zero is
# judged against the scale of the whole output rather than against itself. float32: the largest
# errors seen are about 7e-7 of the scale (5 ulp; batch norm, conv), so 3e-6 is 25 ulp; float64
# errors stay below 1e-15 of the scale.
F64 = (1e-10, 1e-13)
F32_FORWARD = (1e-5, 3e-6)
F32_GRAD = (1e-4, 3e-6)


def tf_pads(size, kernel, stride, dilation, padding):
    """(before, after) along one axis, as TensorFlow pads for `padding`."""
    if padding == "valid":
        return 0, 0
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def torch_pad_nchw(xt, kernel, strides, padding, dilation=(1, 1), value=0.0):
    """xt (N, C, H, W) padded as TF pads an NHWC input of the same spatial size."""
    (kh, kw), (sh, sw), (dh, dw) = pair(kernel), pair(strides), pair(dilation)
    top, bottom = tf_pads(xt.shape[2], kh, sh, dh, padding)
    left, right = tf_pads(xt.shape[3], kw, sw, dw, padding)
    return tF.pad(xt, (left, right, top, bottom), value=value)


def nchw(x):
    return x.permute(0, 3, 1, 2)


def nhwc(x):
    return x.permute(0, 2, 3, 1)


def torch_conv2d(x, kernel, bias=None, strides=1, padding="valid", dilation=1):
    """x (N, H, W, C), kernel (kh, kw, C, F) torch tensors -> (N, Ho, Wo, F)."""
    xt = torch_pad_nchw(nchw(x), kernel.shape[:2], strides, padding, pair(dilation))
    weight = kernel.permute(3, 2, 0, 1).contiguous()  # torch's slow_conv2d backward wants it contiguous
    out = tF.conv2d(xt, weight, bias, stride=pair(strides), dilation=pair(dilation))
    return nhwc(out)


def torch_conv1d(x, kernel, bias=None, stride=1, padding="valid", dilation=1):
    """x (N, L, C), kernel (k, C, F) -> (N, Lo, F), through torch's own conv1d."""
    xt = x.permute(0, 2, 1)
    left, right = tf_pads(xt.shape[2], kernel.shape[0], stride, dilation, padding)
    xt = tF.pad(xt, (left, right))
    out = tF.conv1d(xt, kernel.permute(2, 1, 0).contiguous(), bias, stride=stride, dilation=dilation)
    return out.permute(0, 2, 1)


def torch_max_pool2d(x, pool, strides, padding):
    xt = torch_pad_nchw(nchw(x), pool, strides, padding, value=-math.inf)
    return nhwc(tF.max_pool2d(xt, pair(pool), pair(strides)))


def torch_avg_pool2d(x, pool, strides, padding):
    """Keras 'same' average pooling counts only real pixels: torch's count_include_pad=False does
    that, but only for its own symmetric padding, so this refuses asymmetric amounts."""
    (kh, kw), (sh, sw) = pair(pool), pair(strides)
    pads = [tf_pads(x.shape[1], kh, sh, 1, padding), tf_pads(x.shape[2], kw, sw, 1, padding)]
    if any(before != after for before, after in pads):
        raise ValueError(f"torch cannot pad {pads} symmetrically; use numpy_avg_pool2d")
    padding = (pads[0][0], pads[1][0])
    out = tF.avg_pool2d(nchw(x), (kh, kw), (sh, sw), padding=padding, count_include_pad=False)
    return nhwc(out)


def numpy_avg_pool2d(x, v, pool, strides, padding):
    """Keras average pooling by explicit loops over windows: the output, and the gradient of
    sum(v * output) with respect to x (each v spread evenly over its window's real pixels)."""
    n, h, w, c = x.shape
    (kh, kw), (sh, sw) = pair(pool), pair(strides)
    (top, _), (left, _) = tf_pads(h, kh, sh, 1, padding), tf_pads(w, kw, sw, 1, padding)
    ho = math.ceil(h / sh) if padding == "same" else (h - kh) // sh + 1
    wo = math.ceil(w / sw) if padding == "same" else (w - kw) // sw + 1
    out, grad = np.zeros((n, ho, wo, c)), np.zeros(x.shape)
    for r in range(ho):
        for q in range(wo):
            rows = range(max(r * sh - top, 0), min(r * sh - top + kh, h))
            cols = range(max(q * sw - left, 0), min(q * sw - left + kw, w))
            count = len(rows) * len(cols)
            out[:, r, q, :] = x[:, rows.start:rows.stop, cols.start:cols.stop, :].sum(axis=(1, 2)) / count
            grad[:, rows.start:rows.stop, cols.start:cols.stop, :] += v[:, r, q, None, None, :] / count
    return out, grad


def assert_close(got, want, tolerance, what):
    """Same shape and dtype; |got - want| <= rtol |want| + atol max|want|. Returns the normwise
    relative error max|got - want| / max|want| (what the reports quote)."""
    assert got.shape == want.shape, f"{what}: shape {got.shape}, reference {want.shape}"
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype}, reference {want.dtype}"
    scale = float(np.max(np.abs(want))) if want.size else 0.0
    rtol, atol = tolerance
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol * scale, err_msg=what)
    return float(np.max(np.abs(got - want))) / scale if scale else 0.0


def compare_with_torch(gw_fn, torch_fn, arrays, dtype, what, seed=0):
    """Run gw_fn and torch_fn on the same arrays (cast to `dtype`), compare the outputs, then the
    gradients of sum(v * output) for one random cotangent v with respect to every array.
    Returns {"forward": err, "grad 0": err, ...}, the normwise relative errors."""
    arrays = [np.asarray(a, dtype=dtype) for a in arrays]
    mine = [gw.tensor(a.copy(), requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    out, ref = gw_fn(*mine), torch_fn(*theirs)
    forward, grad = (F64, F64) if dtype == np.float64 else (F32_FORWARD, F32_GRAD)
    errors = {"forward": assert_close(out.data, ref.detach().numpy(), forward, f"{what}: forward")}
    v = np.random.default_rng(seed).standard_normal(out.shape).astype(dtype)
    got = gw.grad(out, mine, gw.tensor(v))
    want = torch.autograd.grad(ref, theirs, torch.tensor(v))
    for i, (g, t) in enumerate(zip(got, want)):
        errors[f"grad {i}"] = assert_close(g.data, t.numpy(), grad, f"{what}: gradient of input {i}")
    return errors
