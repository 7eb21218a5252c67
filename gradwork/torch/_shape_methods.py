"""The facade Tensor's shape methods, in PyTorch's terms (`dim`, `transpose(d0, d1)`, `view(*shape)`).

Each is a call into gradwork's differentiable shape operations (`gradwork/ops/shape_ops.py`); only
the arguments are translated. Results are made by `self._result`, defined by `Tensor`.
"""

from __future__ import annotations

import numpy as np

from ..ops import shape_ops
from ..ops.shape_ops import GetItem
from ._core import TensorCore, as_index, normalize_dim, unwrap


def sizes_of(sizes: tuple) -> tuple[int, ...]:
    """A shape given PyTorch's two ways, `view(2, 3)` or `view((2, 3))`, as one tuple of ints."""
    if len(sizes) == 1 and not isinstance(sizes[0], (int, np.integer)):
        sizes = sizes[0]
    return tuple(int(s) for s in sizes)


class ShapeMethods(TensorCore):
    __slots__ = ()

    def view(self, *shape: int):
        """The same elements in a new shape (one size may be -1): `x.view(2, -1)` or `x.view((2, -1))`."""
        return self._result(shape_ops.reshape(self._t, sizes_of(shape)))

    reshape = view

    def view_as(self, other):
        """Reshaped to `other`'s shape."""
        return self.view(other.shape)

    reshape_as = view_as

    def flatten(self, start_dim: int = 0, end_dim: int = -1):
        """Dims `start_dim` to `end_dim` (inclusive) merged into one."""
        shape = self._t.shape
        if not shape:
            return self.view(1)
        start, end = normalize_dim(start_dim, len(shape), "start_dim"), normalize_dim(end_dim, len(shape), "end_dim")
        if start > end:
            raise RuntimeError(f"flatten() has invalid args: start_dim {start_dim} cannot come after end_dim {end_dim}")
        return self.view(shape[:start] + (-1,) + shape[end + 1:])

    def unflatten(self, dim: int, sizes: tuple[int, ...]):
        """Dim `dim` split into `sizes`."""
        shape = self._t.shape
        dim = normalize_dim(dim, len(shape))
        return self.view(shape[:dim] + tuple(sizes) + shape[dim + 1:])

    def permute(self, *dims: int):
        """The dims reordered: `x.permute(0, 2, 3, 1)` turns NCHW into NHWC."""
        dims = sizes_of(dims)
        ndim = self._t.ndim
        if len(dims) != ndim:
            raise RuntimeError(f"permute(): the number of dims ({len(dims)}) must equal the tensor's ({ndim})")
        return self._result(shape_ops.transpose(self._t, tuple(normalize_dim(d, ndim) for d in dims)))

    def transpose(self, dim0: int, dim1: int):
        """Dims `dim0` and `dim1` swapped (PyTorch's meaning, not NumPy's full permutation)."""
        ndim = self._t.ndim
        return self._result(shape_ops.swapaxes(self._t, normalize_dim(dim0, ndim), normalize_dim(dim1, ndim)))

    swapaxes = swapdims = transpose

    def t(self):
        """The transpose of a matrix (a 0-d or 1-d tensor is returned as it is)."""
        if self._t.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self._t.ndim}D")
        return self if self._t.ndim < 2 else self.transpose(0, 1)

    T = property(lambda self: self._result(shape_ops.transpose(self._t)), doc="The dims reversed.")
    mT = property(lambda self: self.transpose(-2, -1), doc="The last two dims swapped (a batch of matrices).")

    def squeeze(self, dim: int | tuple[int, ...] | None = None):
        """Dims of size 1 removed: all of them, or those of `dim` (a dim whose size is not 1 stays)."""
        shape = self._t.shape
        if dim is None:
            return self._result(shape_ops.squeeze(self._t))
        dims = dim if isinstance(dim, (tuple, list)) else (dim,)
        dims = tuple(d for d in (normalize_dim(d, len(shape)) for d in dims) if shape and shape[d] == 1)
        return self._result(shape_ops.squeeze(self._t, dims)) if dims else self

    def unsqueeze(self, dim: int):
        """A dim of size 1 inserted at `dim` (which may be `ndim`, or negative counted from ndim + 1)."""
        dim = normalize_dim(dim, self._t.ndim + 1)
        return self._result(shape_ops.expand_dims(self._t, dim))

    def expand(self, *sizes: int):
        """Broadcast to `sizes` (-1 keeps a dim's size; new dims go in front), without copying."""
        sizes = sizes_of(sizes)
        shape = (1,) * (len(sizes) - self._t.ndim) + self._t.shape
        target = tuple(old if new == -1 else new for old, new in zip(shape, sizes))
        return self._result(shape_ops.broadcast_to(self._t.reshape(shape), target))

    def expand_as(self, other):
        """Broadcast to `other`'s shape."""
        return self.expand(other.shape)

    def repeat(self, *repeats: int):
        """Tiled: dim i repeated `repeats[i]` times (as `np.tile`), made of a broadcast and a reshape."""
        repeats = sizes_of(repeats)
        if len(repeats) < self._t.ndim:
            raise RuntimeError("repeat(): the number of repeats can not be smaller than the number of dims")
        shape = (1,) * (len(repeats) - self._t.ndim) + self._t.shape
        spread = self._t.reshape(tuple(x for n in shape for x in (1, n)))
        tiled = shape_ops.broadcast_to(spread, tuple(x for r, n in zip(repeats, shape) for x in (r, n)))
        return self._result(tiled.reshape(tuple(r * n for r, n in zip(repeats, shape))))

    def split(self, split_size_or_sections: int | list[int], dim: int = 0):
        """Pieces along `dim`: each of `split_size` (the last may be smaller), or of the listed sizes."""
        dim = normalize_dim(dim, self._t.ndim)
        length = self._t.shape[dim]
        if isinstance(split_size_or_sections, (int, np.integer)):
            size = int(split_size_or_sections)
            if size <= 0:
                raise RuntimeError(f"split(): split_size must be positive, got {size}")
            sizes = [min(size, length - start) for start in range(0, length, size)] or [0]
        else:
            sizes = [int(s) for s in split_size_or_sections]
            if sum(sizes) != length:
                raise RuntimeError(f"split(): sizes {sizes} do not add up to the dim's length {length}")
        bounds = np.cumsum([0] + sizes)
        lead = (slice(None),) * dim
        return tuple(self[lead + (slice(int(a), int(b)),)] for a, b in zip(bounds[:-1], bounds[1:]))

    def chunk(self, chunks: int, dim: int = 0):
        """About `chunks` equal pieces along `dim` (each ceil(length / chunks) long, the last shorter)."""
        length = self._t.shape[normalize_dim(dim, self._t.ndim)]
        return self.split(max(-(-length // int(chunks)), 1), dim)

    def unbind(self, dim: int = 0):
        """The slices along `dim`, each without that dim."""
        dim = normalize_dim(dim, self._t.ndim)
        lead = (slice(None),) * dim
        return tuple(self[lead + (i,)] for i in range(self._t.shape[dim]))

    def narrow(self, dim: int, start: int, length: int):
        """`length` elements along `dim` from `start`."""
        lead = (slice(None),) * normalize_dim(dim, self._t.ndim)
        return self[lead + (slice(start, start + length),)]

    def index_select(self, dim: int, index):
        """The entries at `index` (a 1-d integer tensor) along `dim`."""
        lead = (slice(None),) * normalize_dim(dim, self._t.ndim)
        return self[lead + (np.asarray(as_index(index)).reshape(-1),)]

    def gather(self, dim: int, index):
        """out[i][j] = self[index[i][j]][j] for dim 0 (and so on): values picked along `dim` by `index`."""
        index = np.asarray(as_index(index))
        dim = normalize_dim(dim, self._t.ndim)
        grids = list(np.indices(index.shape, sparse=True))
        grids[dim] = index
        return self._result(GetItem(tuple(grids))(self._t))

    def __getitem__(self, index):
        return self._result(self._t[as_index(index)])

    def __setitem__(self, index, value) -> None:
        self._t[as_index(index)] = unwrap(value)

    def __len__(self) -> int:
        if self._t.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._t.shape[0]

    def __iter__(self):
        if self._t.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._t.shape[0]))
