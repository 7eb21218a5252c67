"""Arithmetic: + - * / ** @ and negation, with broadcasting in both directions.

Each backward reduces its gradients to the input's own shape (`sum_to`), so broadcasting
`(3, 1) + (4,)` sends back a (3, 1) and a (4,) gradient.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..autograd.function import Function, apply_in_backward
from ..tensor import Tensor, as_tensor
from . import elementwise
from .broadcast import sum_to


class Add(Function):
    def forward(self, a, b):
        return np.add(a, b)

    def backward(self, g):
        a, b = self.args
        need_a, need_b = self.needs_input_grad
        return (sum_to(g, a.shape) if need_a else None, sum_to(g, b.shape) if need_b else None)


class Sub(Function):
    def forward(self, a, b):
        return np.subtract(a, b)

    def backward(self, g):
        a, b = self.args
        need_a, need_b = self.needs_input_grad
        return (sum_to(g, a.shape) if need_a else None, sum_to(-g, b.shape) if need_b else None)


class Mul(Function):
    def forward(self, a, b):
        return np.multiply(a, b)

    def backward(self, g):
        a, b = self.args
        need_a, need_b = self.needs_input_grad
        return (sum_to(g * b, a.shape) if need_a else None, sum_to(g * a, b.shape) if need_b else None)


class Div(Function):
    """a / b; d/db = -g (a / b) / b, from the result."""

    def forward(self, a, b):
        return np.divide(a, b)

    def backward(self, g):
        a, b = self.args
        need_a, need_b = self.needs_input_grad
        ga = sum_to(g / b, a.shape) if need_a else None
        gb = sum_to(-g * self.result / b, b.shape) if need_b else None
        return ga, gb


class Neg(Function):
    def forward(self, a):
        return np.negative(a)

    def backward(self, g):
        return (-g,)


class Pow(Function):
    """a ** b; either may be a constant. d/da = b a^(b-1); d/db = a^b log a (0 where a = 0 and b >= 0)."""

    def forward(self, a, b):
        return np.power(a, b)

    def backward(self, g):
        a, b = self.args
        need_a, need_b = self.needs_input_grad
        ga = gb = None
        if need_a:
            ga = sum_to(g * b * a ** (b - 1), a.shape)
        if need_b:
            a_data, b_data = self.input_arrays
            log_a = apply_in_backward(
                elementwise.Log(), apply_in_backward(elementwise.Where((a_data == 0) & (b_data >= 0)), 1.0, a)
            )
            gb = sum_to(g * self.result * log_a, b.shape)
        return ga, gb


class MatMul(Function):
    """Matrix product of arrays with at least 2 dims; leading (batch) dims broadcast."""

    def forward(self, a, b):
        return np.matmul(a, b)

    def backward(self, g):
        a, b = self.args
        need_a, need_b = self.needs_input_grad
        ga = sum_to(g @ b.swapaxes(-1, -2), a.shape) if need_a else None
        gb = sum_to(a.swapaxes(-1, -2) @ g, b.shape) if need_b else None
        return ga, gb


def matmul(a: Tensor | ArrayLike, b: Tensor | ArrayLike) -> Tensor:
    """Matrix product `a @ b`, with NumPy's rules for 1-D operands and broadcast batch axes.

    Parameters
    ----------
    a : Tensor or array_like, shape (..., n, k), or (k,) (a row vector)
    b : Tensor or array_like, shape (..., k, m), or (k,) (a column vector)

    Returns
    -------
    Tensor, shape (..., n, m), the batch axes broadcast; a vector operand's axis is dropped
    (two vectors give their dot product, shape ()).

    Raises
    ------
    ValueError
        A 0-d operand, or two vectors of different lengths.

    Examples
    --------
    >>> gw.matmul(gw.ones((2, 3)), gw.ones(3)).shape
    (2,)
    """
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(
            f"matmul: both operands need at least 1 dimension, got shapes {a.shape} and {b.shape}"
        )
    if a.ndim == 1 and b.ndim == 1:
        if a.shape != b.shape:
            raise ValueError(f"matmul: vectors of different lengths {a.shape[0]} and {b.shape[0]}")
        return (a * b).sum()
    if a.ndim == 1:
        return MatMul()(a.reshape(1, -1), b).squeeze(-2)
    if b.ndim == 1:
        return MatMul()(a, b.reshape(-1, 1)).squeeze(-1)
    return MatMul()(a, b)
