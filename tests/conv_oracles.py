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

import gradwork as gw

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone
tF = torch.nn.functional

# (rtol, atol as a fraction of the reference's largest magnitude). Rounding error in a sum grows
# with the size of its terms, not of the result, so an element that cancels to near zero is
# judged against the scale of the whole output rather than against itself. float32: the largest
# errors seen are about 7e-7 of the scale (5 ulp; batch norm, conv), so 3e-6 is 25 ulp; float64
# errors stay below 1e-15 of the scale.
F64 = (1e-10, 1e-13)
F32_FORWARD = (1e-5, 3e-6)
F32_GRAD = (1e-4, 3e-6)


def tolerances(dtype):
    """(forward, gradient) tolerances for a float64 or float32 comparison."""
    return (F64, F64) if dtype == "float64" else (F32_FORWARD, F32_GRAD)


def layer_vs_torch(layer, torch_fn, x, dtype, weights=(), seed=0):
    """Output and input gradient of `layer` against `torch_fn` for one random cotangent, then each
    (gradwork weight, torch parameter, torch -> gradwork layout) pair's gradient."""
    forward, grad = tolerances(dtype)
    x = x.astype(dtype)
    xg = gw.tensor(x, requires_grad=True)
    out = layer(xg, training=True)
    v = np.random.default_rng(seed).standard_normal(out.shape).astype(dtype)
    out.backward(gw.tensor(v))
    xt = torch.tensor(x, requires_grad=True)
    ref = torch_fn(xt)
    ref.backward(torch.tensor(v))
    assert_close(out.data, ref.detach().numpy(), forward, f"{layer.name}: forward")
    assert_close(xg.grad.data, xt.grad.numpy(), grad, f"{layer.name}: input gradient")
    for mine, theirs, layout in weights:
        assert_close(mine.grad.data, layout(theirs.grad).numpy(), grad,
                     f"{layer.name}: gradient of {mine.name}")

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


# ----------------------------------------------------------------------------------------------- transposed, depthwise
def transpose_length(size, kernel, stride, dilation, padding, output_padding=None):
    """Keras's output length of a transposed convolution along one axis, from an input of `size`."""
    span = (kernel - 1) * dilation + 1
    if output_padding is None:
        return (size - 1) * stride + max(span, stride) if padding == "valid" else size * stride
    return (size - 1) * stride + (span if padding == "valid" else span % 2) + output_padding


def transpose_window(size, kernel, stride, dilation, padding, output_padding=None):
    """(top, length): the transposed convolution's output is rows [top, top + length) of torch's
    unpadded ("full") one, of (size - 1) * stride + span rows, continued with zeros past its end.
    top is the padding TF's forward convolution puts before an input of `length` rows, which maps
    it back to `size` rows; a geometry where it does not (an even span under 'same' with
    output_padding 0) has no such convolution to be the adjoint of, and is refused."""
    length = transpose_length(size, kernel, stride, dilation, padding, output_padding)
    if padding == "same" and math.ceil(length / stride) != size:
        raise ValueError(f"no 'same' convolution maps {length} rows back to {size}")
    return tf_pads(length, kernel, stride, dilation, padding)[0], length


def _crop_full(full, window_h, window_w):
    """full (N, C, Hf, Wf) -> NHWC rows [top, top + H), columns [left, left + W), zeros past its end."""
    (top, h), (left, w) = window_h, window_w
    full = tF.pad(full, (0, max(left + w - full.shape[3], 0), 0, max(top + h - full.shape[2], 0)))
    return nhwc(full[:, :, top:top + h, left:left + w])


def torch_conv2d_transpose(x, kernel, bias=None, strides=1, padding="valid", output_padding=None, dilation=1):
    """x (N, h, w, C_in), kernel (kh, kw, F, C_in) (Keras's layout) -> (N, H, W, F), through torch's
    conv_transpose2d without padding, cropped as transpose_window says, then the bias."""
    (sh, sw), (dh, dw) = pair(strides), pair(dilation)
    oph, opw = (None, None) if output_padding is None else pair(output_padding)
    weight = kernel.permute(3, 2, 0, 1).contiguous()  # (C_in, F, kh, kw): torch's (in, out, kh, kw)
    full = tF.conv_transpose2d(nchw(x), weight, stride=(sh, sw), dilation=(dh, dw))
    out = _crop_full(full, transpose_window(x.shape[1], kernel.shape[0], sh, dh, padding, oph),
                     transpose_window(x.shape[2], kernel.shape[1], sw, dw, padding, opw))
    return out if bias is None else out + bias


def torch_conv2d_transpose_by_vjp(x, kernel, bias=None, strides=1, padding="valid", output_padding=None,
                                  dilation=1):
    """The same map by another route: the gradient of torch_conv2d with respect to its input, on an
    input of the transposed convolution's output shape, for the output gradient x (differentiable)."""
    (sh, sw), (dh, dw) = pair(strides), pair(dilation)
    oph, opw = (None, None) if output_padding is None else pair(output_padding)
    h = transpose_length(x.shape[1], kernel.shape[0], sh, dh, padding, oph)
    w = transpose_length(x.shape[2], kernel.shape[1], sw, dw, padding, opw)
    y = torch.zeros((x.shape[0], h, w, kernel.shape[2]), dtype=x.dtype, requires_grad=True)
    conv = torch_conv2d(y, kernel, None, (sh, sw), padding, (dh, dw))
    assert conv.shape == x.shape, f"conv2d maps {tuple(y.shape)} to {tuple(conv.shape)}, not {tuple(x.shape)}"
    (out,) = torch.autograd.grad(conv, y, x, create_graph=True)
    return out if bias is None else out + bias


def torch_conv1d_transpose(x, kernel, bias=None, stride=1, padding="valid", output_padding=None, dilation=1):
    """x (N, L, C_in), kernel (k, F, C_in) -> (N, Lo, F), through torch's conv_transpose1d."""
    top, length = transpose_window(x.shape[1], kernel.shape[0], stride, dilation, padding, output_padding)
    full = tF.conv_transpose1d(x.permute(0, 2, 1), kernel.permute(2, 1, 0).contiguous(), stride=stride,
                               dilation=dilation)
    full = tF.pad(full, (0, max(top + length - full.shape[2], 0)))
    out = full[:, :, top:top + length].permute(0, 2, 1)
    return out if bias is None else out + bias


def torch_depthwise_conv2d(x, kernel, bias=None, strides=1, padding="valid", dilation=1):
    """x (N, H, W, C), kernel (kh, kw, C, M) -> (N, Ho, Wo, C * M), output channel c * M + m, through
    torch's grouped conv2d (groups = C, whose group c owns output channels c * M to c * M + M - 1)."""
    kh, kw, c, m = kernel.shape
    xt = torch_pad_nchw(nchw(x), (kh, kw), strides, padding, pair(dilation))
    weight = kernel.permute(2, 3, 0, 1).reshape(c * m, 1, kh, kw)
    return nhwc(tF.conv2d(xt, weight, bias, stride=pair(strides), dilation=pair(dilation), groups=c))


def torch_separable_conv2d(x, depthwise_kernel, pointwise_kernel, bias=None, strides=1, padding="valid",
                           dilation=1):
    """Depthwise (kh, kw, C, M), then a 1 x 1 convolution by pointwise_kernel (1, 1, C * M, F) and the bias."""
    inner = torch_depthwise_conv2d(x, depthwise_kernel, None, strides, padding, dilation)
    return nhwc(tF.conv2d(nchw(inner), pointwise_kernel.permute(3, 2, 0, 1).contiguous(), bias))
