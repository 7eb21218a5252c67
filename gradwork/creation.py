"""Tensors made from a shape, as in PyTorch: zeros, ones, full, arange, rand, randn and the *_like forms.

Floats default to float32 (`gw.get_default_dtype()`); random draws come from gradwork's generator,
so `gw.random.seed(n)` repeats them. A shape is given as separate ints or as one tuple:
`gw.zeros(2, 3)` and `gw.zeros((2, 3))` are the same.
"""

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .random import get_generator
from .tensor import Tensor, get_default_dtype


def _shape(shape):
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else tuple(shape)


def _new(array, requires_grad):
    return Tensor._make(array).requires_grad_(requires_grad) if requires_grad else Tensor._make(array)


def zeros(*shape: int | tuple[int, ...], dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros of `shape` (ints, or one tuple), in `dtype` (the default float dtype if None).

    >>> gw.zeros(2, 3).shape
    (2, 3)
    """
    return _new(np.zeros(_shape(shape), dtype=dtype or get_default_dtype()), requires_grad)


def ones(*shape: int | tuple[int, ...], dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones of `shape` (ints, or one tuple), in `dtype` (the default float dtype if None)."""
    return _new(np.ones(_shape(shape), dtype=dtype or get_default_dtype()), requires_grad)


def full(shape: int | tuple[int, ...], fill_value: float, dtype: DTypeLike = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor of `shape` filled with `fill_value`, in `dtype` (the default float dtype if None)."""
    return _new(
        np.full(
            tuple(np.atleast_1d(shape)) if np.ndim(shape) else (shape,),
            fill_value,
            dtype=dtype or get_default_dtype(),
        ),
        requires_grad,
    )


def zeros_like(x: Tensor | ArrayLike, dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """Zeros of x's shape, in `dtype` or else x's numeric dtype (the default float dtype otherwise)."""
    return _new(np.zeros(np.shape(x), dtype=dtype or _dtype_of(x)), requires_grad)


def ones_like(x: Tensor | ArrayLike, dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """Ones of x's shape, in `dtype` or else x's numeric dtype (the default float dtype otherwise)."""
    return _new(np.ones(np.shape(x), dtype=dtype or _dtype_of(x)), requires_grad)


def arange(start: float, stop: float | None = None, step: float = 1, dtype: DTypeLike = None) -> Tensor:
    """Evenly spaced values in [start, stop), or [0, start) without `stop`, as `torch.arange`.

    Returns
    -------
    Tensor, shape (ceil((stop - start) / step),)
        Integers stay int64; floats get the default float dtype unless `dtype` is given.

    >>> gw.arange(3)
    tensor([0, 1, 2], dtype=int64)
    """
    values = np.arange(start, stop, step) if stop is not None else np.arange(start)
    if dtype is None and values.dtype.kind == "f":
        dtype = get_default_dtype()
    return Tensor._make(values.astype(dtype) if dtype is not None else values)


def rand(*shape: int | tuple[int, ...], dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """Uniform draws in [0, 1) of `shape` (ints, or one tuple), from gradwork's generator."""
    return _new(get_generator().random(_shape(shape)).astype(dtype or get_default_dtype()), requires_grad)


def randn(*shape: int | tuple[int, ...], dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """Standard normal draws of `shape` (ints, or one tuple), from gradwork's generator."""
    return _new(
        get_generator().standard_normal(_shape(shape)).astype(dtype or get_default_dtype()), requires_grad
    )


def _dtype_of(x):
    """x's dtype if numeric, else the default float dtype."""
    dtype = np.asarray(x.data if isinstance(x, Tensor) else x).dtype
    return dtype if dtype.kind in "fcbiu" else get_default_dtype()
