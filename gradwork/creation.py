"""Tensors made from a shape, as in PyTorch: zeros, ones, full, arange, rand, randn and the *_like forms.

Floats default to float32 (`gw.get_default_dtype()`); random draws come from gradwork's generator,
so `gw.random.seed(n)` repeats them.
"""

import numpy as np

from .random import get_generator
from .tensor import Tensor, get_default_dtype


def _shape(shape):
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else tuple(shape)


def _new(array, requires_grad):
    return Tensor._make(array).requires_grad_(requires_grad) if requires_grad else Tensor._make(array)


def zeros(*shape, dtype=None, requires_grad=False):
    """A tensor of zeros: gw.zeros(2, 3) or gw.zeros((2, 3))."""
    return _new(np.zeros(_shape(shape), dtype=dtype or get_default_dtype()), requires_grad)


def ones(*shape, dtype=None, requires_grad=False):
    """A tensor of ones."""
    return _new(np.ones(_shape(shape), dtype=dtype or get_default_dtype()), requires_grad)


def full(shape, fill_value, dtype=None, requires_grad=False):
    """A tensor of `shape` filled with `fill_value`."""
    return _new(
        np.full(
            tuple(np.atleast_1d(shape)) if np.ndim(shape) else (shape,),
            fill_value,
            dtype=dtype or get_default_dtype(),
        ),
        requires_grad,
    )


def zeros_like(x, dtype=None, requires_grad=False):
    """Zeros with the shape (and dtype) of `x`."""
    return _new(np.zeros(np.shape(x), dtype=dtype or _dtype_of(x)), requires_grad)


def ones_like(x, dtype=None, requires_grad=False):
    """Ones with the shape (and dtype) of `x`."""
    return _new(np.ones(np.shape(x), dtype=dtype or _dtype_of(x)), requires_grad)


def arange(start, stop=None, step=1, dtype=None):
    """Evenly spaced values in [start, stop), as `torch.arange` (integers stay int64; floats are float32)."""
    values = np.arange(start, stop, step) if stop is not None else np.arange(start)
    if dtype is None and values.dtype.kind == "f":
        dtype = get_default_dtype()
    return Tensor._make(values.astype(dtype) if dtype is not None else values)


def rand(*shape, dtype=None, requires_grad=False):
    """Uniform draws in [0, 1)."""
    return _new(get_generator().random(_shape(shape)).astype(dtype or get_default_dtype()), requires_grad)


def randn(*shape, dtype=None, requires_grad=False):
    """Standard normal draws."""
    return _new(
        get_generator().standard_normal(_shape(shape)).astype(dtype or get_default_dtype()), requires_grad
    )


def _dtype_of(x):
    dtype = np.asarray(x.data if isinstance(x, Tensor) else x).dtype
    return dtype if dtype.kind in "fcbiu" else get_default_dtype()
