"""Adaptive average and max pooling of channels-last inputs (N, *spatial, C) to a given output size.

The windows are PyTorch's: along an axis of size L pooled to `out` bins, bin i covers
[floor(i * L / out), ceil((i + 1) * L / out)), so neighbouring bins may overlap by one step. A window
is the product of its bins along each axis, so both poolings separate into one pass per spatial axis:

- Average: a matrix product with the (L, out) averaging matrix (column i holds 1 / len(bin i) on bin
  i), so the count of a box is the product of its bins' lengths, as PyTorch divides.
- Max: each bin's steps gathered into a short trailing axis (a shorter bin repeats its last step), and
  the first maximum picked by a one-hot mask, so the gradient goes to it alone. The axes are taken from
  the last spatial axis to the first, which makes the winner the box's first maximum in row-major order,
  as PyTorch's.

Loops run over the spatial axes only, and every piece is differentiable to any order.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ...tensor import Tensor, as_tensor

OutputSize = int | None | tuple[int | None, ...]


def adaptive_bins(size: int, out: int) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends), each (out,): bin i covers steps [floor(i * size / out), ceil((i + 1) * size / out))."""
    i = np.arange(out)
    return i * size // out, -(-(i + 1) * size // out)


def adaptive_windows(size: int, out: int) -> tuple[np.ndarray, np.ndarray]:
    """The bins along one axis as a table: (index (out, k), real (out, k)), k the longest bin; a shorter bin
    repeats its last step (no change to a maximum), marked not real."""
    starts, ends = adaptive_bins(size, out)
    index = starts[:, None] + np.arange((ends - starts).max())
    return np.minimum(index, ends[:, None] - 1), index < ends[:, None]


def _output_sizes(name, rank, sizes, output_size):
    """The output size per spatial axis: an int for all, or one per axis (None keeps the axis's size)."""
    wanted = (output_size,) * rank if output_size is None or isinstance(output_size, (int, np.integer)) \
        else tuple(output_size)
    outs = tuple(size if o is None else o for size, o in zip(sizes, wanted))
    if len(wanted) != rank or any(isinstance(o, bool) or not isinstance(o, (int, np.integer)) or o < 1
                                  for o in outs):
        raise ValueError(f"{name}: output_size must be a positive integer or {rank} of them (None keeps an "
                         f"axis's size), got {output_size!r}")
    return tuple(int(o) for o in outs)


def _checked(name, rank, x, output_size):
    x = as_tensor(x)
    if x.ndim != rank + 2:
        axes = {1: "(batch, steps, channels)", 2: "(batch, height, width, channels)",
                3: "(batch, depth, height, width, channels)"}[rank]
        raise ValueError(f"{name}: expected inputs of shape {axes}, got shape {x.shape}")
    return x, _output_sizes(name, rank, x.shape[1:-1], output_size)


def _average_along(x, axis, out):
    """x with `axis` pooled to `out` bins: the product with the averaging matrix (size, out)."""
    size = x.shape[axis]
    starts, ends = adaptive_bins(size, out)
    steps = np.arange(size)[:, None]
    matrix = ((steps >= starts) & (steps < ends)) / (ends - starts)
    dtype = x.dtype if x.dtype.kind == "f" else np.float64
    return (x.swapaxes(axis, -1) @ as_tensor(matrix.astype(dtype))).swapaxes(axis, -1)


def _max_along(x, axis, out):
    """x with `axis` pooled to `out` bins, each bin's first maximum (the gradient goes to it alone)."""
    index, _ = adaptive_windows(x.shape[axis], out)  # (out, k)
    windows = x.swapaxes(axis, -1)[..., index]  # (..., out, k)
    first = windows.data.argmax(axis=-1)  # a repeated last step comes after the real one
    picked = (windows * (np.arange(index.shape[1]) == first[..., None]).astype(windows.dtype)).sum(axis=-1)
    return picked.swapaxes(axis, -1)


def _adaptive(name, rank, along, x, output_size):
    x, outs = _checked(name, rank, x, output_size)
    for axis in range(rank, 0, -1):  # last spatial axis first: the max's ties then go as PyTorch's
        if x.shape[axis] != outs[axis - 1]:  # an axis kept at its size has one-step bins: nothing to pool
            x = along(x, axis, outs[axis - 1])
    return x


_DOC = """The {what} over PyTorch's adaptive windows of {inputs}, channels last.

    Parameters
    ----------
    x : Tensor or array_like, shape {shape}
    output_size : {size}
        The number of bins along each spatial axis (an int for all; None keeps an axis's size). Bin i
        along an axis of size L covers [floor(i * L / out), ceil((i + 1) * L / out)).

    Returns
    -------
    Tensor, shape {out}{note}
    """
_RANKS = {
    1: ("sequences", "(N, L, C)", "int", "(N, Lo, C)"),
    2: ("images", "(N, H, W, C)", "int or (int, int)", "(N, Ho, Wo, C)"),
    3: ("volumes", "(N, D, H, W, C)", "int or (int, int, int)", "(N, Do, Ho, Wo, C)"),
}


def _pooling(kind, rank):
    """The adaptive pooling function of `kind` ("avg" or "max") over `rank` spatial axes."""
    name = f"adaptive_{kind}_pool{rank}d"
    along = _average_along if kind == "avg" else _max_along

    def pool(x: Tensor | ArrayLike, output_size: OutputSize) -> Tensor:
        return _adaptive(name, rank, along, x, output_size)

    pool.__name__ = pool.__qualname__ = name
    inputs, shape, size, out = _RANKS[rank]
    what, note = ("mean", "; float64 for integer x") if kind == "avg" else ("maximum (ties: the first)", "")
    pool.__doc__ = _DOC.format(what=what, inputs=inputs, shape=shape, size=size, out=out, note=note)
    return pool


adaptive_avg_pool1d = _pooling("avg", 1)
adaptive_avg_pool2d = _pooling("avg", 2)
adaptive_avg_pool3d = _pooling("avg", 3)
adaptive_max_pool1d = _pooling("max", 1)
adaptive_max_pool2d = _pooling("max", 2)
adaptive_max_pool3d = _pooling("max", 3)
