"""Max and average pooling on NHWC images, with gradients to any order.

Both read a window's pixels one kernel offset at a time (a strided view of all windows at that
offset), so no window array is ever copied. Max pooling routes each output gradient to the
window's first maximum (as PyTorch): a scatter whose own gradient is the matching gather.
Average pooling spreads each output gradient evenly over its window; under "same" padding the
average is over the window's real pixels only (as Keras).
"""

import numpy as np

from ...autograd.function import Function, dispatch
from ...tensor import as_tensor
from .windows import Geometry


def _winner_masks(xp, out, geometry):
    """One boolean (N, Ho, Wo, C) mask per kernel offset: where that offset holds the window's first maximum."""
    masks, taken = [], np.zeros(out.shape, dtype=bool)
    for _, _, index in geometry.offsets():
        hit = xp[index] == out
        hit &= ~taken
        taken |= hit
        masks.append(hit)
    return masks


class WindowGather(Function):
    """From each window, the pixel its mask marks: sum over offsets of x at the offset times the mask."""

    def __init__(self, geometry, masks):
        self.geometry, self.masks = geometry, masks

    def forward(self, x):
        xp = self.geometry.pad(x)
        kw = self.geometry.kernel[1]
        out = None
        for i, j, index in self.geometry.offsets():
            picked = xp[index] * self.masks[i * kw + j]
            out = picked if out is None else out + picked
        return out

    def backward(self, g):
        return (dispatch(WindowScatter(self.geometry, self.masks), g),)


class WindowScatter(Function):
    """The adjoint of `WindowGather`: each value put back at its window's marked pixel, overlaps summed."""

    def __init__(self, geometry, masks):
        self.geometry, self.masks = geometry, masks

    def forward(self, g):
        kw = self.geometry.kernel[1]
        return self.geometry.add_windows(lambda i, j: g * self.masks[i * kw + j], g.shape[-1], g.dtype)

    def backward(self, gg):
        return (dispatch(WindowGather(self.geometry, self.masks), gg),)


class MaxPool2D(Function):
    """The largest element of each window; padding never wins (it is -inf)."""

    def __init__(self, geometry):
        self.geometry = geometry

    def forward(self, x):
        xp = self.geometry.pad(x, -np.inf)
        out = None
        for _, _, index in self.geometry.offsets():
            out = xp[index].copy() if out is None else np.maximum(out, xp[index], out=out)
        self.padded = xp
        return out

    def backward(self, g):
        masks = _winner_masks(self.padded, self._out, self.geometry)  # _out: the forward's result array
        return (dispatch(WindowScatter(self.geometry, masks), g),)


class AvgPool2D(Function):
    """The mean of each window over its real (unpadded) pixels."""

    def __init__(self, geometry):
        self.geometry = geometry
        n, h, w, c = geometry.in_shape
        ones = geometry.pad(np.ones((1, h, w, 1)))
        self.counts = sum(ones[index] for _, _, index in geometry.offsets())  # (1, Ho, Wo, 1)

    def forward(self, x):
        xp = self.geometry.pad(x)
        total = None
        for _, _, index in self.geometry.offsets():
            total = xp[index].copy() if total is None else np.add(total, xp[index], out=total)
        mean = total / self.counts  # float64 for integer x, as np.mean: never a truncated average
        return mean.astype(x.dtype, copy=False) if x.dtype.kind == "f" else mean

    def backward(self, g):
        return (dispatch(AvgPool2DGrad(self.geometry, self.counts), g),)


class AvgPool2DGrad(Function):
    """The adjoint of average pooling: each output gradient spread evenly over its window."""

    def __init__(self, geometry, counts):
        self.geometry, self.counts = geometry, counts

    def forward(self, g):
        share = (g / self.counts).astype(g.dtype, copy=False)
        return self.geometry.add_windows(lambda i, j: share, g.shape[-1], g.dtype)

    def backward(self, gg):
        return (dispatch(AvgPool2D(self.geometry), gg),)


def _geometry(x, pool_size, strides, padding):
    return Geometry.of(x.shape, pool_size, pool_size if strides is None else strides, padding)


def max_pool2d(x, pool_size=2, strides=None, padding="valid"):
    """Max pooling of x (N, H, W, C); strides default to the pool size (as Keras)."""
    x = as_tensor(x)
    return MaxPool2D(_geometry(x, pool_size, strides, padding))(x)


def avg_pool2d(x, pool_size=2, strides=None, padding="valid"):
    """Average pooling of x (N, H, W, C); strides default to the pool size (as Keras)."""
    x = as_tensor(x)
    return AvgPool2D(_geometry(x, pool_size, strides, padding))(x)


def _as_2d(x, pool_size, strides, fn, padding):
    """Run a 2-D pooling on (N, L, C) as an image of height 1."""
    x = as_tensor(x)
    if x.ndim != 3:
        raise ValueError(f"expected inputs of shape (batch, steps, channels), got {x.shape}")
    strides = pool_size if strides is None else strides
    out = fn(
        x.reshape(x.shape[0], 1, x.shape[1], x.shape[2]), (1, int(pool_size)), (1, int(strides)), padding
    )
    return out.reshape(out.shape[0], out.shape[2], out.shape[3])


def max_pool1d(x, pool_size=2, strides=None, padding="valid"):
    """Max pooling of x (N, L, C) along the steps."""
    return _as_2d(x, pool_size, strides, max_pool2d, padding)


def avg_pool1d(x, pool_size=2, strides=None, padding="valid"):
    """Average pooling of x (N, L, C) along the steps."""
    return _as_2d(x, pool_size, strides, avg_pool2d, padding)
