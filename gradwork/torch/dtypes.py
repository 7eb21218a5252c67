"""PyTorch's dtype names (`torch.float32`, `torch.long`, ...), which here are NumPy dtypes.

`x.dtype == torch.float32` reads as in PyTorch; `str(torch.float32)` is NumPy's "float32".
"""

import builtins

import numpy as np

from ..tensor import get_default_dtype

float32 = float = np.dtype(np.float32)
float64 = double = np.dtype(np.float64)
float16 = half = np.dtype(np.float16)
int64 = long = np.dtype(np.int64)
int32 = int = np.dtype(np.int32)
int16 = short = np.dtype(np.int16)
int8 = np.dtype(np.int8)
uint8 = np.dtype(np.uint8)
bool = np.dtype(np.bool_)

_LEGACY_NAMES = {
    "float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor", "int64": "LongTensor",
    "int32": "IntTensor", "int16": "ShortTensor", "int8": "CharTensor", "uint8": "ByteTensor",
    "bool": "BoolTensor",
}


def dtype_of(value) -> np.dtype | None:
    """A dtype argument (a facade or NumPy dtype, a NumPy type, "float32", or Python's float/int/bool,
    which PyTorch reads as the default float, int64 and bool) as a NumPy dtype; None stays None."""
    if value is None:
        return None
    python_types = {builtins.float: get_default_dtype(), builtins.int: int64, builtins.bool: bool}
    if value in python_types:
        return np.dtype(python_types[value])
    try:
        return np.dtype(value)
    except TypeError:
        raise TypeError(f"dtype must be a torch dtype such as torch.float32, got {value!r}") from None


def legacy_type_name(dtype: np.dtype) -> str:
    """PyTorch's type string of a dtype, as `t.type()` returns it: "torch.FloatTensor"."""
    name = np.dtype(dtype).name
    return "torch." + _LEGACY_NAMES.get(name, f"{name}Tensor")


def is_floating_point(dtype: np.dtype) -> builtins.bool:
    """True for a floating-point dtype (the only kind that can require gradients)."""
    return np.dtype(dtype).kind == "f"
