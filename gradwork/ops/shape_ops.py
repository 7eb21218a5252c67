"""Shape and indexing: reshape, transpose, indexing with gradient, concatenate/stack/split, pad, astype.

None of these change values, so each backward only moves the gradient back into place.
"""

import numpy as np

from ..autograd.function import Function, apply_in_backward
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


def _plain_index(index):
    """`index` with Tensors replaced by their arrays and lists by arrays."""
    if isinstance(index, tuple):
        return tuple(_plain_index(p) for p in index)
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
        self.index = _plain_index(index)

    def forward(self, a):
        self.in_shape = a.shape
        return a[self.index]

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


def reshape(x, shape):
    """`x` with a new shape of the same size (one entry may be -1)."""
    x = as_tensor(x)
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return x if shape == x.shape else Reshape(shape)(x)


def flatten(x, start_axis=0):
    """Merge the axes from `start_axis` on into one: (N, H, W, C) -> (N, H*W*C) with start_axis=1."""
    x = as_tensor(x)
    start = normalize_axes(start_axis, x.ndim)[0] if x.ndim else 0
    return reshape(x, x.shape[:start] + (-1,))


def transpose(x, axes=None):
    """Permute axes (reverse them by default)."""
    x = as_tensor(x)
    axes = tuple(range(x.ndim))[::-1] if axes is None else tuple(a % x.ndim for a in axes)
    if sorted(axes) != list(range(x.ndim)):
        raise ValueError(f"transpose: axes {axes} are not a permutation of {x.ndim} axes")
    return Transpose(axes)(x)


def swapaxes(x, axis1, axis2):
    """Exchange two axes."""
    x = as_tensor(x)
    axes = list(range(x.ndim))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return Transpose(tuple(axes))(x)


def squeeze(x, axis=None):
    """Drop axes of length 1 (all of them, or those in `axis`)."""
    x = as_tensor(x)
    axes = [i for i, n in enumerate(x.shape) if n == 1] if axis is None else normalize_axes(axis, x.ndim)
    for ax in axes:
        if x.shape[ax] != 1:
            raise ValueError(f"squeeze: axis {ax} has length {x.shape[ax]}, not 1")
    return reshape(x, tuple(n for i, n in enumerate(x.shape) if i not in axes))


def expand_dims(x, axis):
    """Insert an axis of length 1 at `axis` (`unsqueeze` in PyTorch)."""
    x = as_tensor(x)
    axis = axis % (x.ndim + 1)
    return reshape(x, x.shape[:axis] + (1,) + x.shape[axis:])


def broadcast_to(x, shape):
    """`x` repeated to `shape` by broadcasting."""
    x = as_tensor(x)
    return x if x.shape == tuple(shape) else BroadcastTo(shape)(x)


def astype(x, dtype):
    """`x` converted to `dtype`; the gradient is converted back."""
    x = as_tensor(x)
    return x if x.dtype == np.dtype(dtype) else Cast(dtype)(x)


def concatenate(tensors, axis=0):
    """Join tensors along an existing axis."""
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("concatenate needs at least one tensor")
    axis = normalize_axes(axis, tensors[0].ndim)[0]
    return Concatenate(axis)(*tensors)


def stack(tensors, axis=0):
    """Join same-shape tensors along a new axis."""
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("stack needs at least one tensor")
    shapes = {t.shape for t in tensors}
    if len(shapes) > 1:
        raise ValueError(f"stack needs tensors of one shape, got {sorted(shapes)}")
    axis = axis % (tensors[0].ndim + 1)
    return Concatenate(axis)(*[expand_dims(t, axis) for t in tensors])


def split(x, indices_or_sections, axis=0):
    """Split into a list of tensors, as `np.split`: a number of equal sections, or the split indices."""
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


def pad(x, pad_width, constant_values=0):
    """Pad with a constant, `pad_width` as in `np.pad`: an int, (before, after), or one pair per axis."""
    x = as_tensor(x)
    widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (x.ndim, 2))
    if (widths < 0).any():
        raise ValueError(f"pad: widths must be non-negative, got {pad_width}")
    return Pad(tuple(map(tuple, widths.tolist())), constant_values)(x)


from ..tensor import Tensor, as_tensor  # noqa: E402
