"""Depthwise and separable convolution kernels on NHWC images, with gradients to any order.

A depthwise convolution filters each input channel on its own with `depth_multiplier` kernels
(no mixing across channels): kernel (kh, kw, C, M) -> C*M output channels, channel c*M + m as in
TensorFlow. A separable convolution follows it with a 1x1 convolution that mixes the channels:
far fewer weights than a full convolution (MobileNet, Xception). The map below plugs into conv.py's
three Functions, which give it gradients of every order; no Python loops at all.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided
from numpy.typing import ArrayLike

from ...tensor import Tensor, as_tensor
from .conv import Im2col, Size, check_kernel, convolve, geometry_of
from .windows import Geometry


class Depthwise:
    """Depthwise convolution as arrays (a `ConvolutionMap`): x (N, H, W, C), kernel (kh, kw, C, M)
    -> (N, Ho, Wo, C*M).

    With M > 1 the input's channels are first repeated M times (channel c*M + m holds channel c),
    which makes it a depthwise convolution with one kernel per channel. That is one `einsum` over a
    strided view of rows (`_correlate`); the input gradient is the same correlation with the flipped
    kernel run over the output gradient spread onto the padded input's grid; the kernel gradient is
    one `einsum` over the windows. `geometry` (a `Geometry`) says where the windows fall.
    """

    def __init__(self, geometry: Geometry) -> None:
        self.geometry = geometry

    def apply(self, x: np.ndarray, kernel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(out, the padded input with repeated channels, which the kernel gradient reuses)."""
        kh, kw, c, m = kernel.shape
        g = self.geometry
        padded = g.pad(_repeat_channels(x, m))
        return _correlate(padded, kernel.reshape(kh, kw, c * m), g.strides, g.dilation, g.out_hw), padded

    def input_grad(self, grad: np.ndarray, kernel: np.ndarray) -> np.ndarray:
        kh, kw, c, m = kernel.shape
        g = self.geometry
        n, ho, wo, _ = grad.shape
        (top, bottom), (left, right) = g.pads
        h, w = g.in_shape[1:3]
        padded_hw = (h + top + bottom, w + left + right)
        spans = [(k - 1) * d for k, d in zip((kh, kw), g.dilation)]  # span - 1 along each axis
        # grad[o] came from padded input pixels o * stride + i * dilation: put it at o * stride, with
        # span - 1 zeros before, so that a stride-1 correlation with the flipped kernel collects it
        spread = np.zeros((n, padded_hw[0] + spans[0], padded_hw[1] + spans[1], c * m), dtype=grad.dtype)
        (sh, sw) = g.strides
        spread[:, spans[0] : spans[0] + (ho - 1) * sh + 1 : sh, spans[1] : spans[1] + (wo - 1) * sw + 1 : sw] = grad
        flipped = kernel[::-1, ::-1].reshape(kh, kw, c * m)
        full = _correlate(spread, flipped, (1, 1), g.dilation, padded_hw)
        inside = g.crop(full)
        return inside.reshape(n, h, w, c, m).sum(axis=-1) if m > 1 else np.ascontiguousarray(inside)

    def kernel_grad(self, x: np.ndarray, grad: np.ndarray, kernel_shape: tuple[int, ...],
                    padded: np.ndarray | None = None) -> np.ndarray:
        if padded is None:
            padded = self.geometry.pad(_repeat_channels(x, kernel_shape[-1]))
        windows = self.geometry.windows(padded)
        return np.einsum("nhwijc,nhwc->ijc", windows, grad).reshape(kernel_shape)


def _repeat_channels(x, times):
    """x (N, H, W, C) with each channel repeated `times` times in place: (N, H, W, C*times)."""
    return x if times == 1 else np.repeat(x, times, axis=-1)


def _correlate(padded, kernel, strides, dilation, out_hw):
    """Each channel of padded (N, Hp, Wp, C) correlated with its own kernel (kh, kw, C) -> (N, Ho, Wo, C).

    One einsum over a view (N, Ho, kh, kw, W1*C) whose last axis runs along whole rows (every column
    from the first output's to the last's, then strided): NumPy's inner loop is a row long, not C.
    """
    padded = np.ascontiguousarray(padded)  # its last axes (columns, channels) merge into one
    n, _, _, c = padded.shape
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = kernel.shape[:2], strides, dilation, out_hw
    columns = (wo - 1) * sw + 1
    s0, s1, s2, s3 = padded.strides
    rows = as_strided(padded, (n, ho, kh, kw, columns * c), (s0, s1 * sh, s1 * dh, s2 * dw, s3), writeable=False)
    out = np.einsum("nhijk,ijk->nhk", rows, np.tile(kernel, (1, 1, columns))).reshape(n, ho, columns, c)
    return out if sw == 1 else np.ascontiguousarray(out[:, :, ::sw])


def depthwise_conv2d(x: Tensor | ArrayLike, kernel: Tensor | ArrayLike, bias: Tensor | ArrayLike | None,
                     strides: Size, padding: str, dilation: Size) -> Tensor:
    """Depthwise 2-D convolution: output channel c*M + m is channel c filtered by kernel[..., c, m].

    Parameters
    ----------
    x : Tensor or array_like, shape (N, H, W, C)
    kernel : Tensor or array_like, shape (kh, kw, C, M)
        M = the depth multiplier.
    bias : Tensor or array_like, shape (C*M,), or None
    strides, dilation : int or (int, int)
        Along height and width; an int for both.
    padding : {"valid", "same"}
        As in `conv2d`.

    Returns
    -------
    Tensor, shape (N, Ho, Wo, C*M)
    """
    return _depthwise("depthwise_conv2d", x, kernel, bias, strides, padding, dilation)


def separable_conv2d(x: Tensor | ArrayLike, depthwise_kernel: Tensor | ArrayLike,
                     pointwise_kernel: Tensor | ArrayLike, bias: Tensor | ArrayLike | None, strides: Size,
                     padding: str, dilation: Size) -> Tensor:
    """A depthwise convolution, then a 1x1 convolution mixing the channels.

    Parameters
    ----------
    x : Tensor or array_like, shape (N, H, W, C)
    depthwise_kernel : Tensor or array_like, shape (kh, kw, C, M)
    pointwise_kernel : Tensor or array_like, shape (1, 1, C*M, F)
    bias : Tensor or array_like, shape (F,), or None
        Added after the pointwise step.
    strides, padding, dilation
        Of the depthwise step, as in `depthwise_conv2d`.

    Returns
    -------
    Tensor, shape (N, Ho, Wo, F)
    """
    depthwise = _depthwise("separable_conv2d", x, depthwise_kernel, None, strides, padding, dilation)
    pointwise_kernel = as_tensor(pointwise_kernel)
    if pointwise_kernel.ndim != 4 or pointwise_kernel.shape[:3] != (1, 1, depthwise.shape[-1]):
        raise ValueError(
            f"separable_conv2d: a depthwise kernel of shape {tuple(depthwise_kernel.shape)} needs a pointwise "
            f"kernel of shape (1, 1, {depthwise.shape[-1]}, filters), got {pointwise_kernel.shape}"
        )
    pointwise = Im2col(geometry_of("separable_conv2d", depthwise.shape, 1, 1, "valid", 1))
    return convolve(pointwise, depthwise, pointwise_kernel, bias)


def _depthwise(name, x, kernel, bias, strides, padding, dilation):
    x, kernel = as_tensor(x), as_tensor(kernel)
    check_kernel(name, x, kernel, "(kh, kw, {c}, depth_multiplier)", channel_axis=2, rank=2)
    return convolve(Depthwise(geometry_of(name, x.shape, kernel.shape[:2], strides, padding, dilation)), x,
                    kernel, bias)
