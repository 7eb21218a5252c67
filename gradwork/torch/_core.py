"""What every part of the facade shares: the wrapper base, dtypes, devices and PyTorch's type promotion.

A facade tensor (`gradwork.torch.Tensor`) is a thin wrapper: its one attribute `_t` is the gradwork
`Tensor` that the engine records and differentiates. `unwrap` gives an operand in gradwork's terms;
`promote` applies PyTorch's rules for the dtype of a binary operation, which differ from NumPy's
(`int64 tensor * 1.5` is float32, not float64).
"""

from __future__ import annotations

import numbers

import numpy as np

from ..tensor import Tensor as GwTensor
from ..tensor import as_tensor, get_default_dtype
from ..ops.shape_ops import astype


class TensorCore:
    """The slot every facade tensor has: `_t`, the gradwork Tensor it stands for."""

    __slots__ = ("_t", "__weakref__")


class device:  # noqa: N801 (PyTorch's name)
    """A device: only "cpu" exists in gradwork; naming another is a clear error, not a silent CPU run.

    Parameters
    ----------
    type : str
        "cpu" (an index, as in "cpu:0", is accepted).
    """

    def __init__(self, type: str | device = "cpu", index: int | None = None) -> None:
        name = type.type if isinstance(type, device) else str(type)
        if name.split(":")[0] != "cpu":
            raise RuntimeError(
                f"gradwork.torch runs on the CPU only, got device {name!r}: "
                "use 'cpu' (torch.cuda.is_available() is False here)"
            )
        self.type, self.index = "cpu", index

    def __eq__(self, other):
        return isinstance(other, (device, str)) and str(other).split(":")[0] == "cpu"

    __hash__ = lambda self: hash("cpu")
    __str__ = lambda self: "cpu"
    __repr__ = lambda self: "device(type='cpu')"


CPU = device("cpu")


def check_device(value) -> None:
    """Accept a `device=` argument naming the CPU (None, "cpu", a device); refuse any other clearly."""
    if value is not None:
        device(value)


def unwrap(x):
    """An operand in gradwork's terms: the gradwork Tensor of a facade tensor; anything else as it is."""
    return x._t if isinstance(x, TensorCore) else x


def _category(dtype: np.dtype) -> int:
    return 2 if dtype.kind in "fc" else 0 if dtype.kind == "b" else 1


def promote(a, b, true_divide: bool = False):
    """The two operands of a binary operation as gradwork operands of PyTorch's result dtype.

    PyTorch's rule: the result has the highest category (bool < integer < float) of the operands;
    within the winning category the dimensioned tensors decide, then 0-d tensors, and Python numbers
    decide nothing but the category, so an integer tensor meets a Python float in the default float
    dtype. `true_divide` (the `/` operator) makes integers float too. Arrays and lists count as tensors.
    """
    a, b = _operand(a), _operand(b)
    tensors = [x for x in (a, b) if isinstance(x, GwTensor)]
    if len(tensors) == 2 and a.dtype == b.dtype and (a.dtype.kind in "fc" or not true_divide):
        return a, b  # the common case: nothing to decide
    category = 2 if true_divide else 0
    for x in (a, b):
        if isinstance(x, GwTensor):
            category = max(category, _category(x.dtype))
        elif not isinstance(x, bool):
            category = max(category, 1 if isinstance(x, numbers.Integral) else 2)
    deciding = [t for t in tensors if _category(t.dtype) == category]
    ranked = [t for t in deciding if t.ndim > 0] or deciding
    if ranked:
        dtype = np.result_type(*[t.dtype for t in ranked])
    else:
        dtype = get_default_dtype() if category == 2 else np.dtype(np.int64) if category == 1 else np.dtype(np.bool_)
    return _cast(a, dtype), _cast(b, dtype)


def _operand(x):
    """A binary operand as a gradwork Tensor or a Python number."""
    if isinstance(x, TensorCore):
        return x._t
    if isinstance(x, (GwTensor, numbers.Number)) and not isinstance(x, np.generic):
        return x
    if isinstance(x, np.generic):
        return x.item()
    try:
        return as_tensor(x)
    except TypeError:
        raise TypeError(f"unsupported operand of type {type(x).__name__}: use a tensor or a number") from None


def _cast(x, dtype):
    """One operand in `dtype`: a gradwork Tensor converted (differentiably), a Python number as it is."""
    if isinstance(x, GwTensor):
        return x if x.dtype == dtype else astype(x, dtype)
    return x


def as_index(x):
    """An indexing argument in NumPy's terms: facade tensors become their arrays, tuples item by item."""
    if isinstance(x, tuple):
        return tuple(as_index(item) for item in x)
    if isinstance(x, TensorCore):
        return x._t.data
    if isinstance(x, GwTensor):
        return x.data
    return x


def normalize_dim(dim: int, ndim: int, name: str = "dim") -> int:
    """`dim` as a non-negative axis of an `ndim`-axis tensor (PyTorch's range error otherwise)."""
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"{name} must be an int, got {type(dim).__name__}")
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-size}, {size - 1}], but got {dim})")
    return int(dim) % size
