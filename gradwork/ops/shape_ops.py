"""Shape and indexing: reshape, transpose, indexing with gradient, concatenate/stack/split, pad, astype.

None of these change values, so each backward only moves the gradient back into place.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from ..autograd.function import Function, apply_in_backward
from ..tensor import Tensor, as_tensor
from .broadcast import BroadcastTo
from .reduction import normalize_axes


class Reshape(Function):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, a):
        self.in_shape = a.shape
        return a.reshape(self.shape)

    def backward(self, g):
        return (g.reshape(self.in_shape),)


class Transpose(Function):
    def __init__(self, axes):
        self.axes = axes

    def forward(self, a):
        return np.transpose(a, self.axes)

    def backward(self, g):
        return (g.transpose(tuple(np.argsort(self.axes).tolist())),)


def _is_basic(index):
    """True when `index` uses only ints, slices, None and Ellipsis (so no element is picked twice)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, (int, np.integer, slice)) for p in parts)


def _has_int_array(index):
    """True when `index` holds an integer array, which may pick an element more than once."""
    parts = index if isinstance(index, tuple) else (index,)
    return any(not _is_basic(p) and np.asarray(p).dtype != bool for p in parts)


def plain_index(index):
    """`index` with Tensors replaced by their arrays and lists by arrays."""
    if isinstance(index, tuple):
        return tuple(plain_index(p) for p in index)
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, list):
        arr = np.asarray(index)
        return (
            arr.astype(np.intp) if arr.size == 0 else arr
        )  # [] picks nothing, as in NumPy (not a float index)
    return index


class GetItem(Function):
    """`a[index]` for basic, fancy (integer array) and boolean indexing."""

    def __init__(self, index):
        self.index = plain_index(index)

    def forward(self, a):
        self.in_shape = a.shape
        out = a[self.index]
        # one element by integers is a NumPy scalar (a copy): index on with `...` for a 0-d view instead,
        # so `x[0].add_(1)` writes into x, as in PyTorch
        index = self.index if isinstance(self.index, tuple) else (self.index,)
        return out if type(out) is np.ndarray else a[index + (Ellipsis,)]

    def backward(self, g):
        return (apply_in_backward(IndexScatter(self.index, self.in_shape), g),)


class IndexScatter(Function):
    """Zeros of `shape` with `g` added at `index`: the gradient of `a[index]` (repeated picks add up)."""

    def __init__(self, index, shape):
        self.index, self.shape = index, shape

    def forward(self, g):
        out = np.zeros(self.shape, dtype=g.dtype)
        if _has_int_array(self.index):
            np.add.at(out, self.index, g)
        else:
            out[self.index] = g
        return out

    def backward(self, gg):
        return (gg[self.index],)


class Concatenate(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, *arrays):
        self.sizes = [a.shape[self.axis] for a in arrays]
        return np.concatenate(arrays, axis=self.axis)

    def backward(self, g):
        grads, start = [], 0
        lead = (slice(None),) * self.axis
        for size, needs in zip(self.sizes, self.needs_input_grad):
            grads.append(g[lead + (slice(start, start + size),)] if needs else None)
            start += size
        return tuple(grads)


class Stack(Function):
    """Same-shape arrays joined along a new axis; each input's gradient is its slice of the incoming one."""

    def __init__(self, axis):
        self.axis = axis

    def forward(self, *arrays):
        return np.stack(arrays, axis=self.axis)

    def backward(self, g):
        lead = (slice(None),) * self.axis
        return tuple(g[lead + (i,)] if needs else None for i, needs in enumerate(self.needs_input_grad))


class Pad(Function):
    """Constant padding with NumPy's `pad_width` convention ((before, after) per axis)."""

    def __init__(self, pad_width, value):
        self.pad_width, self.value = pad_width, value

    def forward(self, a):
        self.inner = tuple(slice(lo, lo + n) for (lo, _), n in zip(self.pad_width, a.shape))
        return np.pad(a, self.pad_width, mode="constant", constant_values=self.value)

    def backward(self, g):
        return (g[self.inner],)


class Cast(Function):
    def __init__(self, dtype):
        self.dtype = np.dtype(dtype)

    def forward(self, a):
        self.in_dtype = a.dtype
        return a.astype(self.dtype)

    def backward(self, g):
        return (g.astype(self.in_dtype),)


# ----- functional forms ---------------------------------------------------------------------


def reshape(x: Tensor | ArrayLike, shape: int | tuple[int, ...]) -> Tensor:
    """x with a new shape of the same size; one entry may be -1 (inferred). x itself if unchanged.

    Parameters
    ----------
    x : Tensor or array_like, any shape
    shape : int or tuple of int

    Returns
    -------
    Tensor, shape `shape`
    """
    x = as_tensor(x)
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return x if shape == x.shape else Reshape(shape)(x)


def flatten(x: Tensor | ArrayLike, start_axis: int = 0) -> Tensor:
    """Merge the axes from `start_axis` on into one.

    Parameters
    ----------
    x : Tensor or array_like, shape (d0, ..., dk, ..., dn)
    start_axis : int
        k, the first axis merged (negative counts from the end).

    Returns
    -------
    Tensor, shape (d0, ..., d(k-1), dk * ... * dn): (N, H, W, C) -> (N, H*W*C) with start_axis=1
    """
    x = as_tensor(x)
    start = normalize_axes(start_axis, x.ndim)[0] if x.ndim else 0
    return reshape(x, x.shape[:start] + (-1,))


def transpose(x: Tensor | ArrayLike, axes: Sequence[int] | None = None) -> Tensor:
    """Permute the axes of x (reverse them by default).

    Parameters
    ----------
    x : Tensor or array_like, any shape
    axes : sequence of int, optional
        A permutation of x's axes (negative ones count from the end): output axis i is x's axes[i].

    Returns
    -------
    Tensor, shape tuple(x.shape[a] for a in axes)
    """
    x = as_tensor(x)
    axes = tuple(range(x.ndim))[::-1] if axes is None else tuple(a % x.ndim for a in axes)
    if sorted(axes) != list(range(x.ndim)):
        raise ValueError(f"transpose: axes {axes} are not a permutation of {x.ndim} axes")
    return Transpose(axes)(x)


def swapaxes(x: Tensor | ArrayLike, axis1: int, axis2: int) -> Tensor:
    """Exchange two axes of x.

    Parameters
    ----------
    x : Tensor or array_like, any shape
    axis1, axis2 : int

    Returns
    -------
    Tensor, x's shape with the two axes' lengths exchanged
    """
    x = as_tensor(x)
    axes = list(range(x.ndim))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return Transpose(tuple(axes))(x)


def squeeze(x: Tensor | ArrayLike, axis: int | tuple[int, ...] | None = None) -> Tensor:
    """Drop axes of length 1: all of them, or those in `axis` (each must have length 1).

    Parameters
    ----------
    x : Tensor or array_like, any shape
    axis : int, tuple of int or None

    Returns
    -------
    Tensor, x's shape without those axes
    """
    x = as_tensor(x)
    axes = [i for i, n in enumerate(x.shape) if n == 1] if axis is None else normalize_axes(axis, x.ndim)
    for ax in axes:
        if x.shape[ax] != 1:
            raise ValueError(f"squeeze: axis {ax} has length {x.shape[ax]}, not 1")
    return reshape(x, tuple(n for i, n in enumerate(x.shape) if i not in axes))


def expand_dims(x: Tensor | ArrayLike, axis: int) -> Tensor:
    """Insert an axis of length 1 at `axis` (`unsqueeze` in PyTorch).

    Parameters
    ----------
    x : Tensor or array_like, any shape (n axes)
    axis : int
        Its position in the result, in [-n - 1, n].

    Returns
    -------
    Tensor, n + 1 axes
    """
    x = as_tensor(x)
    axis = axis % (x.ndim + 1)
    return reshape(x, x.shape[:axis] + (1,) + x.shape[axis:])


def broadcast_to(x: Tensor | ArrayLike, shape: tuple[int, ...]) -> Tensor:
    """x repeated to `shape` by NumPy's broadcasting rules; the gradient is summed back.

    Parameters
    ----------
    x : Tensor or array_like, a shape that broadcasts to `shape`
    shape : tuple of int

    Returns
    -------
    Tensor, shape `shape` (a read-only view of x's data)
    """
    x = as_tensor(x)
    return x if x.shape == tuple(shape) else BroadcastTo(shape)(x)


def astype(x: Tensor | ArrayLike, dtype: DTypeLike) -> Tensor:
    """x converted to `dtype` (x itself if it has it); the gradient is converted back.

    Parameters
    ----------
    x : Tensor or array_like, any shape
    dtype : numpy dtype

    Returns
    -------
    Tensor, same shape as x
    """
    x = as_tensor(x)
    return x if x.dtype == np.dtype(dtype) else Cast(dtype)(x)


def concatenate(tensors: Sequence[Tensor | ArrayLike], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis.

    Parameters
    ----------
    tensors : sequence of Tensor or array_like
        At least one; shapes equal except along `axis`.
    axis : int

    Returns
    -------
    Tensor, the common shape with the lengths along `axis` added
    """
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("concatenate needs at least one tensor")
    axis = normalize_axes(axis, tensors[0].ndim)[0]
    return Concatenate(axis)(*tensors)


def stack(tensors: Sequence[Tensor | ArrayLike], axis: int = 0) -> Tensor:
    """Join same-shape tensors along a new axis.

    Parameters
    ----------
    tensors : sequence of Tensor or array_like
        At least one, all of one shape (n axes).
    axis : int
        The new axis' position in the result, in [-n - 1, n].

    Returns
    -------
    Tensor, the common shape with an axis of length len(tensors) inserted at `axis`
    """
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("stack needs at least one tensor")
    shapes = {t.shape for t in tensors}
    if len(shapes) > 1:
        raise ValueError(f"stack needs tensors of one shape, got {sorted(shapes)}")
    return Stack(axis % (tensors[0].ndim + 1))(*tensors)


def split(x: Tensor | ArrayLike, indices_or_sections: int | Sequence[int], axis: int = 0) -> list[Tensor]:
    """Split x along `axis` into a list of tensors, as `np.split`.

    Parameters
    ----------
    x : Tensor or array_like, any shape
    indices_or_sections : int or sequence of int
        A number of equal sections (it must divide the axis' length), or the sorted indices where
        each new piece starts.
    axis : int

    Returns
    -------
    list of Tensor, each x's shape with the piece's length along `axis`
    """
    x = as_tensor(x)
    axis = normalize_axes(axis, x.ndim)[0]
    n = x.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        if indices_or_sections <= 0 or n % indices_or_sections:
            raise ValueError(
                f"split: axis of length {n} does not divide into {indices_or_sections} equal sections"
            )
        step = n // indices_or_sections
        bounds = list(range(0, n + 1, step))
    else:
        bounds = [0, *indices_or_sections, n]
    lead = (slice(None),) * axis
    return [x[lead + (slice(lo, hi),)] for lo, hi in zip(bounds[:-1], bounds[1:])]


def pad(x: Tensor | ArrayLike, pad_width: int | Sequence, constant_values: float = 0) -> Tensor:
    """Pad x with a constant on each side of each axis.

    Parameters
    ----------
    x : Tensor or array_like, any shape
    pad_width : int, (before, after), or one (before, after) pair per axis
        Non-negative widths, as in `np.pad`.
    constant_values : float

    Returns
    -------
    Tensor, x's shape with before + after added to each axis
    """
    x = as_tensor(x)
    widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (x.ndim, 2))
    if (widths < 0).any():
        raise ValueError(f"pad: widths must be non-negative, got {pad_width}")
    return Pad(tuple(map(tuple, widths.tolist())), constant_values)(x)
