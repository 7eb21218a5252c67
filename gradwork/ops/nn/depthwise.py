"""Depthwise and separable convolution kernels on NHWC images, with gradients to any order.

A depthwise convolution filters each input channel on its own with `depth_multiplier` kernels
(no mixing across channels): kernel (kh, kw, C, M) -> C*M output channels, channel c*M + m as in
TensorFlow. A separable convolution follows it with a 1x1 convolution that mixes the channels:
far fewer weights than a full convolution (MobileNet, Xception). The map (`Depthwise`, in conv_maps.py)
plugs into conv.py's three Functions, which give it gradients of every order; no Python loops at all.
The 1-D forms run the 2-D kernels on images of height 1, as conv1d does.
"""

from __future__ import annotations

from numpy.typing import ArrayLike

from ...tensor import Tensor, as_tensor
from .conv import Size, _sequences, _single, _steps, check_kernel, convolve, geometry_of
from .conv_maps import Depthwise, Im2col


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


def depthwise_conv1d(x: Tensor | ArrayLike, kernel: Tensor | ArrayLike, bias: Tensor | ArrayLike | None,
                     strides: int | tuple[int], padding: str, dilation: int | tuple[int]) -> Tensor:
    """Depthwise 1-D convolution: `depthwise_conv2d` of height 1.

    Parameters
    ----------
    x : Tensor or array_like, shape (N, L, C)
    kernel : Tensor or array_like, shape (k, C, M)
    bias : Tensor or array_like, shape (C*M,), or None
    strides, dilation : int or (int,)
    padding : {"valid", "same"}

    Returns
    -------
    Tensor, shape (N, Lo, C*M); output channel c*M + m is channel c filtered by kernel[:, c, m].
    """
    x, kernel = _sequences("depthwise_conv1d", x, kernel, "(k, {c}, depth_multiplier)", channel_axis=1)
    out = _depthwise("depthwise_conv1d", x, kernel, bias, (1, _single(strides)), padding, (1, _single(dilation)))
    return _steps(out)


def separable_conv1d(x: Tensor | ArrayLike, depthwise_kernel: Tensor | ArrayLike,
                     pointwise_kernel: Tensor | ArrayLike, bias: Tensor | ArrayLike | None,
                     strides: int | tuple[int], padding: str, dilation: int | tuple[int]) -> Tensor:
    """Separable 1-D convolution: `separable_conv2d` of height 1.

    Parameters
    ----------
    x : Tensor or array_like, shape (N, L, C)
    depthwise_kernel : Tensor or array_like, shape (k, C, M)
    pointwise_kernel : Tensor or array_like, shape (1, C*M, F)
    bias : Tensor or array_like, shape (F,), or None
    strides, padding, dilation
        Of the depthwise step, as in `depthwise_conv1d`.

    Returns
    -------
    Tensor, shape (N, Lo, F)
    """
    x, depthwise_kernel = _sequences("separable_conv1d", x, depthwise_kernel, "(k, {c}, depth_multiplier)",
                                              channel_axis=1)
    pointwise_kernel, channels = as_tensor(pointwise_kernel), depthwise_kernel.shape[2] * depthwise_kernel.shape[3]
    if pointwise_kernel.ndim != 3 or pointwise_kernel.shape[:2] != (1, channels):
        raise ValueError(
            f"separable_conv1d: a depthwise kernel of shape {depthwise_kernel.shape[1:]} needs a pointwise kernel "
            f"of shape (1, {channels}, filters), got {pointwise_kernel.shape}"
        )
    out = separable_conv2d(x, depthwise_kernel, pointwise_kernel.reshape(1, *pointwise_kernel.shape), bias,
                           (1, _single(strides)), padding, (1, _single(dilation)))
    return _steps(out)


def _depthwise(name, x, kernel, bias, strides, padding, dilation):
    x, kernel = as_tensor(x), as_tensor(kernel)
    check_kernel(name, x, kernel, "(kh, kw, {c}, depth_multiplier)", channel_axis=2, rank=2)
    return convolve(Depthwise(geometry_of(name, x.shape, kernel.shape[:2], strides, padding, dilation)), x,
                    kernel, bias)
