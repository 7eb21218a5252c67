"""Depthwise and separable convolution on NHWC images, with gradients to any order.

A depthwise convolution filters each input channel on its own with `depth_multiplier` kernels
(no mixing across channels): kernel (kh, kw, C, M) -> C*M output channels, channel c*M + m as in
TensorFlow. A separable convolution follows it with a 1x1 convolution that mixes the channels:
far fewer weights than a full convolution (MobileNet, Xception). The map below plugs into conv.py's
three Functions, which give it gradients of every order; the loops are over kernel offsets only.
"""

import numpy as np

from ...tensor import as_tensor
from .conv import Convolution, Im2col, check_kernel, geometry_of, with_bias


class Depthwise:
    """Depthwise convolution as arrays: x (N, H, W, C), kernel (kh, kw, C, M) -> (N, Ho, Wo, C*M).

    Each kernel offset contributes its window pixels times that offset's (C, M) weights, an
    elementwise product over the whole batch; the adjoints read and write the same windows.
    """

    def __init__(self, geometry):
        self.geometry = geometry

    def apply(self, x, kernel):
        g = self.geometry
        n, (ho, wo), (c, m) = x.shape[0], g.out_hw, kernel.shape[2:]
        padded = g.pad(x)
        out = np.zeros((n, ho, wo, c, m), dtype=np.result_type(x, kernel))
        term = np.empty_like(out)
        for i, j, index in g.offsets():
            out += np.multiply(padded[index][..., None], kernel[i, j], out=term)
        return out.reshape(n, ho, wo, c * m), None

    def input_grad(self, g, kernel):
        c, m = kernel.shape[2:]
        per_channel = g.reshape(*g.shape[:3], c, m)
        return self.geometry.add_windows(
            lambda i, j: np.einsum("nhwcm,cm->nhwc", per_channel, kernel[i, j]), c, g.dtype
        )

    def kernel_grad(self, x, g, kernel_shape, saved=None):
        padded = self.geometry.pad(x)
        per_channel = g.reshape(*g.shape[:3], *kernel_shape[2:])
        out = np.empty(kernel_shape, dtype=np.result_type(x, g))
        for i, j, index in self.geometry.offsets():
            out[i, j] = np.einsum("nhwc,nhwcm->cm", padded[index], per_channel)
        return out


def depthwise_conv2d(x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1):
    """Depthwise 2-D convolution: x (N, H, W, C), kernel (kh, kw, C, M), bias (C*M,) -> (N, Ho, Wo, C*M).

    Output channel c*M + m is channel c filtered by kernel[..., c, m]; padding as `conv2d`.
    """
    return _depthwise("depthwise_conv2d", x, kernel, bias, strides, padding, dilation_rate)


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, bias=None, strides=1, padding="valid",
                     dilation_rate=1):
    """Depthwise then 1x1 convolution: x (N, H, W, C), depthwise_kernel (kh, kw, C, M), pointwise_kernel
    (1, 1, C*M, F), bias (F,) -> (N, Ho, Wo, F); strides, padding and dilation apply to the depthwise step."""
    depthwise = _depthwise("separable_conv2d", x, depthwise_kernel, None, strides, padding, dilation_rate)
    pointwise_kernel = as_tensor(pointwise_kernel)
    if pointwise_kernel.ndim != 4 or pointwise_kernel.shape[:3] != (1, 1, depthwise.shape[-1]):
        raise ValueError(
            f"separable_conv2d: a depthwise kernel of shape {tuple(depthwise_kernel.shape)} needs a pointwise "
            f"kernel of shape (1, 1, {depthwise.shape[-1]}, filters), got {pointwise_kernel.shape}"
        )
    return with_bias(Convolution(Im2col(geometry_of("separable_conv2d", depthwise.shape, 1, 1, "valid", 1))),
                     depthwise, pointwise_kernel, bias)


def _depthwise(name, x, kernel, bias, strides, padding, dilation_rate):
    x, kernel = as_tensor(x), as_tensor(kernel)
    check_kernel(name, x, kernel, "(kh, kw, {c}, depth_multiplier)", channel_axis=2, rank=2)
    geometry = geometry_of(name, x.shape, kernel.shape[:2], strides, padding, dilation_rate)
    return with_bias(Convolution(Depthwise(geometry)), x, kernel, bias)
