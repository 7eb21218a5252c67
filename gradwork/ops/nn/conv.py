"""Convolution kernels on NHWC images, ordinary and transposed, with gradients to any order.

Three Functions close under differentiation for any convolution map (linear in the input and in
the kernel): the convolution, its gradient with respect to the input (the adjoint, which used
forward is the transposed convolution) and its gradient with respect to the kernel. Each one's
backward is written with the other two, so `create_graph=True` works through a CNN too. The map
does the arrays: `Im2col` (ordinary and grouped convolution, matrix products) and `Depthwise`, in
conv_maps.py.

Shapes: x (N, H, W, C), kernel (kh, kw, C/groups, F), bias (F,) -> (N, Ho, Wo, F); channels last, as Keras.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike

from ...autograd.function import Function, apply_in_backward
from ...tensor import Tensor, as_tensor
from ._reduce import column_sums
from .conv_maps import Depthwise, Im2col
from .windows import Geometry, Padding, pair, padding_along, padding_of, transposed_size


Size = int | tuple[int, int]


class ConvolutionMap(Protocol):
    """What `convolve` needs of a convolution map (`Im2col`, `Depthwise`): the map and its two
    adjoints on arrays, for x (N, H, W, C), the output and its gradient g (N, Ho, Wo, F)."""

    def apply(self, x: np.ndarray, kernel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the output (N, Ho, Wo, F), an array that `kernel_grad` may reuse as `saved`)."""

    def input_grad(self, g: np.ndarray, kernel: np.ndarray) -> np.ndarray:
        """The gradient (N, H, W, C) of the output's dot product with g, with respect to x."""

    def kernel_grad(self, x: np.ndarray, g: np.ndarray, kernel_shape: tuple[int, ...],
                    saved: np.ndarray | None = None) -> np.ndarray:
        """The same with respect to the kernel (kernel_shape); `saved` from `apply`, if kept."""


class _Convolution(Function):
    """out = conv(x, kernel) + bias for a convolution map (`Im2col`, or `Depthwise` in depthwise.py).

    The map is linear in x and in the kernel, so its gradients are its two adjoints, and theirs
    are the map and the other adjoint: these three Functions close under differentiation.
    """

    def __init__(self, conv):
        self.conv = conv

    def forward(self, x, kernel, bias=None):
        out, self.saved = self.conv.apply(x, kernel)
        if bias is not None:
            out += bias
        return out

    def backward(self, g):
        x, kernel = self.args[:2]
        needs = self.needs_input_grad
        gx = apply_in_backward(_ConvolutionInputGrad(self.conv), g, kernel) if needs[0] else None
        gk = apply_in_backward(_ConvolutionKernelGrad(self.conv, kernel.shape, self.saved), x, g) if needs[1] else None
        gb = None
        if len(needs) > 2 and needs[2]:  # on arrays by BLAS; under create_graph a recorded sum
            is_array = isinstance(g, np.ndarray)
            gb = column_sums(g.reshape(-1, g.shape[-1])) if is_array else g.sum(axis=(0, 1, 2))
        return gx, gk, gb


class _ConvolutionInputGrad(Function):
    """d(conv)/dx applied to an output gradient g (N, Ho, Wo, F) -> (N, H, W, C): also the transposed convolution."""

    def __init__(self, conv):
        self.conv = conv

    def forward(self, g, kernel):
        return self.conv.input_grad(g, kernel)

    def backward(self, gg):
        g, kernel = self.args
        need_g, need_k = self.needs_input_grad
        dg = apply_in_backward(_Convolution(self.conv), gg, kernel) if need_g else None
        dk = apply_in_backward(_ConvolutionKernelGrad(self.conv, kernel.shape), gg, g) if need_k else None
        return dg, dk


class _ConvolutionKernelGrad(Function):
    """d(conv)/dkernel applied to an output gradient g: x (N, H, W, C), g (N, Ho, Wo, F) -> the kernel's shape."""

    def __init__(self, conv, kernel_shape, saved=None):
        self.conv, self.kernel_shape, self.saved = conv, tuple(kernel_shape), saved

    def forward(self, x, g):
        return self.conv.kernel_grad(x, g, self.kernel_shape, self.saved)

    def backward(self, gk):
        x, g = self.args
        need_x, need_g = self.needs_input_grad
        dx = apply_in_backward(_ConvolutionInputGrad(self.conv), g, gk) if need_x else None
        dg = apply_in_backward(_Convolution(self.conv), x, gk) if need_g else None
        return dx, dg


def convolve(conv: ConvolutionMap, x: Tensor | ArrayLike, kernel: Tensor | ArrayLike,
             bias: Tensor | ArrayLike | None = None) -> Tensor:
    """conv(x, kernel) + bias in one graph node, differentiable to any order.

    Parameters
    ----------
    conv : ConvolutionMap
        `Im2col` or `Depthwise` (depthwise.py), with its geometry.
    x : Tensor or array_like, shape (N, H, W, C)
    kernel : Tensor or array_like, in the map's layout
        (kh, kw, C, F) for `Im2col`, (kh, kw, C, M) for `Depthwise` (F = C*M).
    bias : Tensor or array_like, shape (F,), optional

    Returns
    -------
    Tensor, shape (N, Ho, Wo, F)
    """
    return _Convolution(conv)(x, kernel) if bias is None else _Convolution(conv)(x, kernel, bias)


def convolve_transposed(conv: ConvolutionMap, x: Tensor | ArrayLike, kernel: Tensor | ArrayLike,
                        bias: Tensor | ArrayLike | None = None) -> Tensor:
    """The adjoint of the map `conv` applied to x, plus the bias: the transposed convolution.

    Parameters
    ----------
    conv : ConvolutionMap
        The convolution map whose output has x's shape; its geometry's input is the result's shape.
    x : Tensor or array_like, shape (N, Ho, Wo, F)
    kernel : Tensor or array_like, in the map's layout, (kh, kw, C, F) for `Im2col`
    bias : Tensor or array_like, shape (C,), optional
        Added after the node.

    Returns
    -------
    Tensor, shape (N, H, W, C)
    """
    out = _ConvolutionInputGrad(conv)(x, kernel)
    return out if bias is None else out + bias


def conv2d(x: Tensor | ArrayLike, kernel: Tensor | ArrayLike, bias: Tensor | ArrayLike | None, strides: Size,
           padding: Padding, dilation: Size, groups: int = 1) -> Tensor:
    """2-D convolution (cross-correlation), channels last.

    out[n, i, j, f] = sum over (a, b, c) of xp[n, i*sh + a*dh, j*sw + b*dw, c] * kernel[a, b, c, f]
    + bias[f], xp the padded input (with groups: c runs over filter f's group of channels only).

    Parameters
    ----------
    x : Tensor or array_like, shape (N, H, W, C)
    kernel : Tensor or array_like, shape (kh, kw, C/groups, F)
    bias : Tensor or array_like, shape (F,), or None
    strides, dilation : int or (int, int)
        (sh, sw) and (dh, dw), along height and width; an int for both.
    padding : "valid", "same" or ((top, bottom), (left, right))
        "valid": none, Ho = (H - span) // sh + 1 with span = (kh - 1) * dh + 1; "same": Ho =
        ceil(H / sh), padded as Keras/TensorFlow do, the extra pixel at the bottom/right; or
        explicit zero padding (PyTorch's integer padding is (p, p) on each axis).
    groups : int
        The channels and filters split into this many groups, filter f seeing only the channels of
        group f // (F/groups) (PyTorch's `groups`); C and F divisible by it.

    Returns
    -------
    Tensor, shape (N, Ho, Wo, F)

    Raises
    ------
    ValueError
        Shapes that do not match as above, or bad window arguments; the message names conv2d.
    """
    x, kernel = _images("conv2d", x, kernel, "(kh, kw, {c}, filters)", channel_axis=2, groups=groups)
    return _conv2d("conv2d", x, kernel, bias, strides, padding, dilation, groups)


def conv2d_transpose(x: Tensor | ArrayLike, kernel: Tensor | ArrayLike, bias: Tensor | ArrayLike | None,
                     strides: Size, padding: Padding, output_padding: Size | None, dilation: Size,
                     groups: int = 1) -> Tensor:
    """Transposed convolution, channels last: the adjoint of `conv2d` with the same kernel.

    It spreads each input pixel over a kernel-sized patch of the larger output, so it learns
    upsampling (decoders, DCGAN generators). The output size follows Keras: h * stride for
    "same", (h - 1) * stride + span for "valid" (at least h * stride); `output_padding` (each <
    stride) sets it instead, adding rows/columns at the bottom/right. "same" pads as TensorFlow:
    the extra row goes to the bottom, so for kernel 3 and stride 2 the output is PyTorch's
    ConvTranspose2d(padding=1, output_padding=1)'s shifted by one pixel. Explicit padding gives
    PyTorch's size, (h - 1) * stride + span - top - bottom + output_padding.

    Parameters
    ----------
    x : Tensor or array_like, shape (N, h, w, C)
    kernel : Tensor or array_like, shape (kh, kw, F/groups, C)
        Keras's layout: the kernel of the convolution that maps the output back to x.
    bias : Tensor or array_like, shape (F,), or None
    strides, dilation : int or (int, int)
        Along height and width; an int for both.
    padding : "valid", "same" or ((top, bottom), (left, right))
        The padding of that convolution.
    output_padding : int, (int, int) or None
        Each in [0, stride).
    groups : int
        Of that convolution: x's channels of group g spread onto output channels of group g only.

    Returns
    -------
    Tensor, shape (N, H, W, F)

    Raises
    ------
    ValueError
        Shapes that do not match, bad window arguments, or an output_padding whose output a
        "same" convolution does not map back to x's size.
    """
    x, kernel = _images("conv2d_transpose", x, kernel, "(kh, kw, filters, {c})", channel_axis=3, groups=groups)
    return _conv2d_transpose("conv2d_transpose", x, kernel, bias, strides, padding, output_padding, dilation,
                             groups)


def conv1d(x: Tensor | ArrayLike, kernel: Tensor | ArrayLike, bias: Tensor | ArrayLike | None,
           strides: int | tuple[int], padding: str, dilation: int | tuple[int]) -> Tensor:
    """1-D convolution, channels last: `conv2d` of height 1.

    x (N, L, C), kernel (k, C, F) and bias (F,) or None give (N, Lo, F); strides and dilation are
    ints (or 1-tuples), padding "valid" or "same" as in `conv2d`.
    """
    x, kernel = _sequences("conv1d", x, kernel, "(k, {c}, filters)", channel_axis=1)
    out = _conv2d("conv1d", x, kernel, bias, (1, _single(strides)), padding, (1, _single(dilation)))
    return _steps(out)


def conv1d_transpose(x: Tensor | ArrayLike, kernel: Tensor | ArrayLike, bias: Tensor | ArrayLike | None,
                     strides: int | tuple[int], padding: str, output_padding: int | tuple[int] | None,
                     dilation: int | tuple[int]) -> Tensor:
    """Transposed 1-D convolution: `conv2d_transpose` of height 1.

    x (N, l, C), kernel (k, F, C) and bias (F,) or None give (N, L, F), L as `conv2d_transpose`
    computes it; strides, dilation and output_padding (in [0, stride), or None) are ints or 1-tuples.
    """
    x, kernel = _sequences("conv1d_transpose", x, kernel, "(k, filters, {c})", channel_axis=2)
    extra = None if output_padding is None else (0, _single(output_padding))
    out = _conv2d_transpose("conv1d_transpose", x, kernel, bias, (1, _single(strides)), padding, extra,
                            (1, _single(dilation)))
    return _steps(out)


def _conv2d(name, x, kernel, bias, strides, padding, dilation, groups=1):
    geometry = geometry_of(name, x.shape, kernel.shape[:2], strides, padding, dilation)
    conv, kernel = _map_and_kernel(geometry, kernel, groups)
    return convolve(conv, x, kernel, bias)


def _map_and_kernel(geometry, kernel, groups):
    """(the convolution map for `groups`, the kernel in its layout): `Depthwise`, several times faster,
    when every group has one input channel, the grouped kernel (kh, kw, 1, C*M) being its (kh, kw, C, M)."""
    kh, kw, per_group, filters = kernel.shape
    if groups > 1 and per_group == 1:
        return Depthwise(geometry), kernel.reshape(kh, kw, groups, filters // groups)
    return Im2col(geometry, groups), kernel


def _conv2d_transpose(name, x, kernel, bias, strides, padding, output_padding, dilation, groups=1):
    """The transposed convolution: the input gradient of the convolution that maps the Keras-sized output to x."""
    try:
        strides, dilation, padding = pair(strides, "strides"), pair(dilation, "dilation"), padding_of(padding)
        extra = (None, None) if output_padding is None else pair(output_padding, "output_padding", minimum=0)
        out_hw = tuple(
            transposed_size(x.shape[1 + a], kernel.shape[a], strides[a], dilation[a], padding_along(padding, a),
                            extra[a])
            for a in (0, 1)
        )
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None
    out_shape = (x.shape[0], *out_hw, kernel.shape[2] * groups)
    geometry = geometry_of(name, out_shape, kernel.shape[:2], strides, padding, dilation)
    if geometry.out_hw != x.shape[1:3]:  # "same" with an even kernel and output_padding 0
        raise ValueError(
            f"{name}: output_padding={output_padding} gives an output of {out_hw[0]}x{out_hw[1]}, "
            f"which a 'same' convolution maps to {geometry.out_hw}, not the input's {x.shape[1:3]}"
        )
    conv, kernel = _map_and_kernel(geometry, kernel, groups)
    return convolve_transposed(conv, x, kernel, bias)


def geometry_of(name: str, in_shape: tuple[int, ...], kernel_size: Size, strides: Size, padding: Padding,
                dilation: Size) -> Geometry:
    """`Geometry.of` (in_shape (N, H, W, C)), its errors prefixed with `name`, the function the user called."""
    try:
        return Geometry.of(in_shape, kernel_size, strides, padding, dilation)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


def check_kernel(name: str, x: Tensor, kernel: Tensor, layout: str, channel_axis: int, rank: int,
                 groups: int = 1) -> None:
    """Raise a ValueError naming `name` unless x (N, *spatial, C) and the kernel both have `rank` + 2
    axes, with x's channels on the kernel's `channel_axis`: C/groups on an input-channel axis, all C
    on the last (the filters of the convolution a transposed one is the adjoint of), C and the filters
    divisible by `groups`. `layout` shows the kernel's axes in the message, "{c}" standing for that size."""
    whole = channel_axis == rank + 1
    channels = (x.shape[-1] if whole else x.shape[-1] // groups) if x.ndim else "?"
    if (kernel.ndim != rank + 2 or x.ndim != rank + 2 or kernel.shape[channel_axis] != channels
            or x.shape[-1] % groups or kernel.shape[-1] % groups):
        axes = {1: "(N, L, C)", 2: "(N, H, W, C)", 3: "(N, D, H, W, C)"}[rank]
        grouped = f" and groups={groups} (dividing the channels and the filters)" if groups != 1 else ""
        raise ValueError(
            f"{name}: input of shape {x.shape} {axes}{grouped} needs a kernel of shape "
            f"{layout.format(c=channels)}, got {kernel.shape}"
        )


def _images(name, x, kernel, layout, channel_axis, groups=1, rank=2):
    """x and the kernel as tensors, checked by `check_kernel` for `rank` spatial axes and `groups`."""
    x, kernel = as_tensor(x), as_tensor(kernel)
    if not isinstance(groups, (int, np.integer)) or isinstance(groups, bool) or groups < 1:
        raise ValueError(f"{name}: groups must be a positive integer, got {groups!r}")
    check_kernel(name, x, kernel, layout, channel_axis, rank=rank, groups=groups)
    return x, kernel


def _sequences(name, x, kernel, layout, channel_axis):
    """x (N, L, C) and a kernel (k, ., .), checked, as images (N, 1, L, C) and a kernel (1, k, ., .)."""
    x, kernel = as_tensor(x), as_tensor(kernel)
    check_kernel(name, x, kernel, layout, channel_axis, rank=1)
    return x.reshape(x.shape[0], 1, x.shape[1], x.shape[2]), kernel.reshape(1, *kernel.shape)


def _steps(out):
    """Images of height 1 (N, 1, L, F) back to sequences (N, L, F)."""
    return out.reshape(out.shape[0], out.shape[2], out.shape[3])


def _single(value):
    return int(value[0]) if isinstance(value, (tuple, list)) else int(value)
