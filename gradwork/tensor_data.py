"""`TensorData`: the array side of a `Tensor` (a base of it): its ndarray, the facts about that array,
its conversions to Python and NumPy, and the version counter that records changes to its memory;
and the default dtype of floating-point data.

The version counter is how autograd notices an array that changed after an operation recorded it:
each operation notes the versions of its operands, every in-place change adds one, and backward
compares (`gradwork/autograd/engine.py`). A tensor whose array is a view of another tensor's memory
(`t[0]`, `t.T`, `t.detach()`) shares that tensor's counter and names the tensor that owns the memory,
the root, in `_base`; so changing a view counts as changing its root, as in PyTorch.

Nothing here needs the operations, so `gradwork/tensor.py` can import this module before it defines
`Tensor`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import DTypeLike

_default_dtype = np.dtype(np.float32)


def get_default_dtype() -> np.dtype:
    """The dtype given to floating-point data that does not name one (float32 unless changed)."""
    return _default_dtype


def set_default_dtype(dtype: DTypeLike) -> None:
    """Change the dtype for new floating-point tensors (and parameters): float32 or float64.

    Raises
    ------
    TypeError
        A dtype that is not floating-point.
    """
    global _default_dtype
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"default dtype must be a floating-point type, got {dtype}")
    _default_dtype = dtype


# Ticks at every in-place change of any tensor, so backward can skip comparing the versions a node
# recorded when nothing was changed since (the usual forward, backward, step loop). It only ever
# grows, so a tick lost to a thread race still leaves it moved.
version_clock = [0]


class TensorData:
    """The array of a Tensor and its version counter (see the module docstring); not used alone."""

    # _version_counter: a one-element list, shared by a root and the views made of its memory, so a
    # recorded value can keep the counter of the memory it was computed in (ops/inplace.py).
    __slots__ = ("data", "_version_counter", "_base")

    @property
    def _version(self) -> int:
        """How many times this tensor's memory (its root's) was changed in place (PyTorch's name)."""
        return self._version_counter[0]

    def _view_of(self, source: TensorData) -> None:
        """Record that this tensor's array is a view of `source`'s memory: same root, same counter."""
        self._base = source if source._base is None else source._base
        self._version_counter = source._version_counter

    # ----- array facts ------------------------------------------------------------------------
    shape = property(lambda self: self.data.shape, doc="The length of each axis, a tuple of ints.")
    dtype = property(lambda self: self.data.dtype, doc="The data's NumPy dtype.")
    ndim = property(lambda self: self.data.ndim, doc="The number of axes.")
    size = property(lambda self: self.data.size, doc="The number of elements.")

    def numpy(self) -> np.ndarray:
        """The underlying ndarray (shared, not copied)."""
        return self.data

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, this one has shape {self.shape}")
        return self.data.item()

    def tolist(self) -> Any:
        """The data as nested Python lists of Python numbers (a number for a 0-d tensor)."""
        return self.data.tolist()

    def __array__(self, dtype=None, copy=None):
        arr = self.data if dtype is None else self.data.astype(dtype, copy=False)
        return arr.copy() if copy and arr is self.data else arr  # np.array(t) copies, np.asarray(t) shares

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    __bool__ = lambda self: bool(self.data)
    __float__ = lambda self: float(self.item())
    __int__ = lambda self: int(self.item())


def increment_version(tensor: TensorData) -> None:
    """Count one in-place change of `tensor`'s memory (as `torch.autograd.graph.increment_version`).

    Call it after writing into `tensor.data` directly (optimizer updates, `set_weights`), so that an
    operation recorded before the write raises at backward instead of giving a wrong gradient.
    """
    tensor._version_counter[0] += 1
    version_clock[0] += 1


def give_new_version(tensor: TensorData) -> None:
    """Give `tensor` a counter of its own, one past its current version: its views keep counting on the
    old one (an in-place operation that gave it a new array, ops/inplace.py)."""
    tensor._version_counter = [tensor._version_counter[0] + 1]
    version_clock[0] += 1


def link_view(result: TensorData, sources) -> None:
    """Make `result`, whose array is a NumPy view, a view of the first tensor in `sources` whose memory
    it may share (nothing if none: a view of a temporary array)."""
    owner = result.data.base  # NumPy names the array that owns the memory, so most views match at once
    for x in sources:
        if isinstance(x, TensorData) and (
            owner is x.data or owner is x.data.base or np.may_share_memory(result.data, x.data)
        ):
            result._view_of(x)
            return
