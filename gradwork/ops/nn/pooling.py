"""Max and average pooling kernels on NHWC images, with gradients to any order.

Both read a window's pixels one kernel offset at a time (a strided view of all windows at that
offset), so no window array is ever copied; max pooling whose windows tile the image (the usual
2x2, stride 2) instead takes its maximum in two stages over reshaped views, which is faster.
Max pooling routes each output gradient to the window's first maximum (as PyTorch): a scatter
whose own gradient is the matching gather.
Average pooling spreads each output gradient evenly over its window; under "same" padding the
average is over the window's real pixels only (as Keras), unless told to count some padding
(PyTorch's count_include_pad) or to divide by a fixed number (its divisor_override).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ...autograd.function import Function, apply_in_backward
from ...tensor import Tensor, as_tensor
from .windows import Geometry, Padding


class _OffsetRoutes:
    """Which pixel of its window each output takes, for any geometry: one boolean (N, Ho, Wo, C)
    mask per kernel offset, true where that offset holds the window's first maximum."""

    def __init__(self, padded, out, geometry):
        self.geometry, self.masks = geometry, []
        taken = np.zeros(out.shape, dtype=bool)
        for _, _, index in geometry.offsets():
            hit = padded[index] == out
            hit &= ~taken
            taken |= hit
            self.masks.append(hit)

    def gather(self, x):
        """(N, H, W, C) -> (N, Ho, Wo, C): each window's marked pixel."""
        xp, kw = self.geometry.pad(x), self.geometry.kernel[1]
        out = None
        for i, j, index in self.geometry.offsets():
            picked = xp[index] * self.masks[i * kw + j]
            out = picked if out is None else out + picked
        return out

    def scatter(self, g):
        """(N, Ho, Wo, C) -> (N, H, W, C): each value back at its window's marked pixel, overlaps summed."""
        kw = self.geometry.kernel[1]
        return self.geometry.add_windows(lambda i, j: g * self.masks[i * kw + j], g.shape[-1], g.dtype)


def _tiles(x, geometry):
    """x (N, H, W, C) as (N, Ho, kh, Wo, kw, C) when the windows tile it: a view, no copy."""
    (kh, kw), (ho, wo) = geometry.kernel, geometry.out_hw
    return x.reshape(x.shape[0], ho, kh, wo, kw, x.shape[-1])


def _max_along(v, axis):
    """The maximum of v over a short `axis`, by elementwise maxima of its slices (several times
    faster than `v.max(axis)` over a middle axis)."""
    slices = np.moveaxis(v, axis, 0)
    out = slices[0].copy() if len(slices) == 1 else np.maximum(slices[0], slices[1])
    for s in slices[2:]:
        np.maximum(out, s, out=out)
    return out


def _first_max_index(v, axis, dtype):
    """The index (of `dtype`) of the first maximum along the short `axis` of v: ties go to the
    earliest, as in PyTorch. Each slice that beats every earlier one is a new record; the last
    record is the maximum."""
    slices, index = np.moveaxis(v, axis, 0), None
    best = slices[0]
    for j in range(1, len(slices)):
        record = np.greater(slices[j], best).view(np.uint8).astype(dtype, copy=False)  # a tie is no record
        step = record if j == 1 else record * dtype.type(j)
        index = step if index is None else np.maximum(index, step, out=index)
        if j + 1 < len(slices):
            best = np.maximum(best, slices[j])
    return np.zeros(slices.shape[1:], dtype) if index is None else index


class _TileRoutes:
    """The routes of max pooling whose windows tile the image (stride = pool size, no padding).

    The maximum is taken in two stages, along each window row (kw pixels), then over the window's
    kh row maxima; each stage keeps its first maximum, so the winner is the window's first in
    row-major order, as in PyTorch. The winners are marked by one boolean mask of the image's
    shape, seen as (N, Ho, kh, Wo, kw, C), made by one broadcast comparison from the two stages'
    indices; routing a gradient is then one broadcast product with a contiguous output, about
    twice as fast as writing per-offset products into strided views.
    """

    def __init__(self, x, row_max, geometry):
        (kh, kw), self.geometry = geometry.kernel, geometry
        dtype = np.min_scalar_type(max(kh, 2 * kw))  # holds the row indices and the keys below
        column = _first_max_index(_tiles(x, geometry), 4, dtype)  # (N, Ho, kh, Wo, C): in each window row
        row = _first_max_index(row_max, 2, dtype)  # (N, Ho, Wo, C)
        # key: the winning column in the winning row, >= kw (no column) in the others
        other_row = np.not_equal(row[:, :, None], np.arange(kh, dtype=dtype)[:, None, None])
        key = column + other_row.view(np.uint8).astype(dtype, copy=False) * dtype.type(kw)
        self.winner = np.equal(key[:, :, :, :, None], np.arange(kw, dtype=dtype)[:, None])

    def gather(self, x):
        return (_tiles(x, self.geometry) * self.winner).sum(axis=(2, 4))

    def scatter(self, g):
        n, ho, wo, c = g.shape
        out = np.empty(self.geometry.in_shape[:3] + (c,), dtype=g.dtype)  # not a view: no copy as a .grad
        np.multiply(g.reshape(n, ho, 1, wo, 1, c), self.winner, out=_tiles(out, self.geometry))
        return out


class _WindowGather(Function):
    """From each window, the pixel its routes mark: (N, H, W, C) -> (N, Ho, Wo, C)."""

    def __init__(self, routes):
        self.routes = routes

    def forward(self, x):
        return self.routes.gather(x)

    def backward(self, g):
        return (apply_in_backward(_WindowScatter(self.routes), g),)


class _WindowScatter(Function):
    """The adjoint of `_WindowGather`: each value put back at its window's marked pixel, overlaps summed."""

    def __init__(self, routes):
        self.routes = routes

    def forward(self, g):
        return self.routes.scatter(g)

    def backward(self, gg):
        return (apply_in_backward(_WindowGather(self.routes), gg),)


class _MaxPool2D(Function):
    """The largest element of each window; padding never wins (it is -inf)."""

    def __init__(self, geometry):
        self.geometry = geometry

    def forward(self, x):
        g = self.geometry
        self.x = x
        if g.tiles_exactly:  # two stages over contiguous slices, 3x faster than strided windows
            self.row_max = _max_along(_tiles(x, g), 4)  # (N, Ho, kh, Wo, C), kept for the routes
            return _max_along(self.row_max, 2)
        xp = g.pad(x, -np.inf)
        out = None
        for _, _, index in g.offsets():
            out = xp[index].copy() if out is None else np.maximum(out, xp[index], out=out)
        self.padded = xp
        return out

    def backward(self, g):
        if self.geometry.tiles_exactly:
            routes = _TileRoutes(self.x, self.row_max, self.geometry)
        else:
            routes = _OffsetRoutes(self.padded, self.output_array, self.geometry)
        return (apply_in_backward(_WindowScatter(routes), g),)


def _window_counts(geometry, counted_padding):
    """(1, Ho, Wo, 1): how many pixels of each window count, the real ones and the `counted_padding`
    ((top, bottom), (left, right)), the part of the geometry's padding next to the image that counts."""
    n, h, w, c = geometry.in_shape
    (top, bottom), (left, right) = counted_padding
    counted = np.pad(np.ones((1, h, w, 1)), ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=1)
    (pad_top, pad_bottom), (pad_left, pad_right) = geometry.pads
    ones = np.pad(counted, ((0, 0), (pad_top - top, pad_bottom - bottom), (pad_left - left, pad_right - right), (0, 0)))
    return sum(ones[index] for _, _, index in geometry.offsets())


class _AvgPool2D(Function):
    """The sum of each window divided by its count of real pixels (or by `counts`: an array (1, Ho, Wo, 1)
    or a number)."""

    def __init__(self, geometry, counts=None):
        self.geometry = geometry
        self.counts = _window_counts(geometry, ((0, 0), (0, 0))) if counts is None else counts

    def forward(self, x):
        xp = self.geometry.pad(x)
        total = None
        for _, _, index in self.geometry.offsets():
            total = xp[index].copy() if total is None else np.add(total, xp[index], out=total)
        mean = total / self.counts  # float64 for integer x, as np.mean: never a truncated average
        return mean.astype(x.dtype, copy=False) if x.dtype.kind == "f" else mean

    def backward(self, g):
        return (apply_in_backward(_AvgPool2DGrad(self.geometry, self.counts), g),)


class _AvgPool2DGrad(Function):
    """The adjoint of average pooling: each output gradient spread evenly over its window."""

    def __init__(self, geometry, counts):
        self.geometry, self.counts = geometry, counts

    def forward(self, g):
        share = (g / self.counts).astype(g.dtype, copy=False)
        return self.geometry.add_windows(lambda i, j: share, g.shape[-1], g.dtype)

    def backward(self, gg):
        return (apply_in_backward(_AvgPool2D(self.geometry, self.counts), gg),)


def max_pool2d(x: Tensor | ArrayLike, kernel_size: int | tuple[int, int], strides: int | tuple[int, int],
               padding: Padding, dilation: int | tuple[int, int] = 1) -> Tensor:
    """The largest element of each window; padding never wins. Ties go to the first maximum.

    Parameters
    ----------
    x : Tensor or array_like, shape (N, H, W, C)
    kernel_size, strides, dilation : int or (int, int)
        The window's size, the step between windows and between a window's pixels, along height and
        width (an int for both).
    padding : "valid", "same" or ((top, bottom), (left, right))
        As in convolution: "same" gives ceil(H / stride) outputs, the extra pixel at the bottom/right;
        explicit sizes pad with -inf (PyTorch's padding and ceil_mode).

    Returns
    -------
    Tensor, shape (N, Ho, Wo, C)
    """
    x = as_tensor(x)
    return _MaxPool2D(Geometry.of(x.shape, kernel_size, strides, padding, dilation))(x)


def max_pool2d_indices(x: np.ndarray, kernel_size: int | tuple[int, int], strides: int | tuple[int, int],
                       padding: Padding, dilation: int | tuple[int, int] = 1) -> np.ndarray:
    """Where `max_pool2d` found each maximum: its flat index h * W + w in x's image (PyTorch's return_indices).

    Parameters
    ----------
    x : ndarray, shape (N, H, W, C)
    kernel_size, strides, padding, dilation
        As in `max_pool2d`.

    Returns
    -------
    ndarray of int64, shape (N, Ho, Wo, C): ties go to the window's first maximum, as in `max_pool2d`
    """
    x = np.asarray(x)
    g = Geometry.of(x.shape, kernel_size, strides, padding, dilation)
    xp, (top, left), width = g.pad(x, -np.inf), (g.pads[0][0], g.pads[1][0]), x.shape[2]
    rows, cols = (np.arange(n) * s for n, s in zip(g.out_hw, g.strides))
    best, where = None, None
    for i, j, index in g.offsets():
        at = ((rows + i * g.dilation[0] - top)[:, None] * width + cols + j * g.dilation[1] - left)[:, :, None]
        values = xp[index]
        if best is None:
            best, where = values.copy(), np.broadcast_to(at, values.shape).astype(np.int64)
        else:
            better = values > best  # strictly: a tie keeps the earlier offset
            np.copyto(best, values, where=better)
            np.copyto(where, at, where=better)
    return where


def avg_pool2d(x: Tensor | ArrayLike, kernel_size: int | tuple[int, int], strides: int | tuple[int, int],
               padding: Padding, counted_padding: tuple[tuple[int, int], tuple[int, int]] | None = None,
               divisor: float | None = None) -> Tensor:
    """The mean of each window over its real (unpadded) pixels (as Keras), or as PyTorch counts.

    Parameters
    ----------
    x : Tensor or array_like, shape (N, H, W, C)
    kernel_size, strides : int or (int, int)
        The window's size and the step between windows, along height and width (an int for both).
    padding : "valid", "same" or ((top, bottom), (left, right))
        As in convolution: "same" gives ceil(H / stride) outputs, the extra pixel at the bottom/right.
    counted_padding : ((top, bottom), (left, right)), optional
        The part of the padding, next to the image, whose pixels count in a window's divisor
        (PyTorch's count_include_pad counts its padding but not what its ceil_mode adds); default none.
    divisor : float, optional
        Divide every window's sum by this instead (PyTorch's divisor_override).

    Returns
    -------
    Tensor, shape (N, Ho, Wo, C); float64 for integer x
    """
    x = as_tensor(x)
    geometry = Geometry.of(x.shape, kernel_size, strides, padding)
    if divisor is None and counted_padding is not None:
        divisor = _window_counts(geometry, counted_padding)
    return _AvgPool2D(geometry, divisor)(x)


def _as_2d(x, kernel_size, strides, fn, padding, name):
    """Run the 2-D pooling `fn` on x (N, L, C) as an image of height 1; `name` for errors."""
    x = as_tensor(x)
    if x.ndim != 3:
        raise ValueError(f"{name}: expected inputs of shape (batch, steps, channels), got {x.shape}")
    out = fn(x.reshape(x.shape[0], 1, x.shape[1], x.shape[2]), (1, int(kernel_size)), (1, int(strides)), padding)
    return out.reshape(out.shape[0], out.shape[2], out.shape[3])


def max_pool1d(x: Tensor | ArrayLike, kernel_size: int, strides: int, padding: str) -> Tensor:
    """Max pooling along the steps: `max_pool2d` of height 1.

    Parameters
    ----------
    x : Tensor or array_like, shape (N, L, C)
    kernel_size, strides : int
    padding : {"valid", "same"}

    Returns
    -------
    Tensor, shape (N, Lo, C)
    """
    return _as_2d(x, kernel_size, strides, max_pool2d, padding, "max_pool1d")


def avg_pool1d(x: Tensor | ArrayLike, kernel_size: int, strides: int, padding: str) -> Tensor:
    """Average pooling along the steps: `avg_pool2d` of height 1.

    Parameters
    ----------
    x : Tensor or array_like, shape (N, L, C)
    kernel_size, strides : int
    padding : {"valid", "same"}

    Returns
    -------
    Tensor, shape (N, Lo, C)
    """
    return _as_2d(x, kernel_size, strides, avg_pool2d, padding, "avg_pool1d")
