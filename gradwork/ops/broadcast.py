"""Broadcasting as two operations that are each other's gradient: `broadcast_to` and `sum_to`.

Both accept a Tensor (recorded) or a plain array (computed directly), so backward rules can
call them in either mode.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..autograd.function import Function, apply_in_backward

if TYPE_CHECKING:
    from ..tensor import Tensor


class BroadcastTo(Function):
    """Repeat along broadcast axes (a read-only view): (..) -> shape."""

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, a):
        self.in_shape = np.shape(a)
        return np.broadcast_to(a, self.shape)

    def backward(self, g):
        return (sum_to(g, self.in_shape),)


class SumTo(Function):
    """Sum a broadcast result back down to `shape`: the gradient of broadcasting."""

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, a):
        self.in_shape = a.shape
        lead = a.ndim - len(self.shape)
        axes = tuple(range(lead)) + tuple(
            lead + i for i, n in enumerate(self.shape) if n == 1 and a.shape[lead + i] != 1
        )
        out = np.add.reduce(a, axis=axes, keepdims=True) if axes else a
        return out.reshape(self.shape)

    def backward(self, g):
        return (broadcast_to(g, self.in_shape),)


def broadcast_to(x: Tensor | np.ndarray, shape: tuple[int, ...]) -> Tensor | np.ndarray:
    """`x` repeated to `shape` (a tuple) by NumPy's broadcasting rules, in the backward-rule mode of x.

    A Tensor gives a recorded Tensor, an ndarray a read-only view; x itself when it has that shape.
    """
    shape = tuple(shape)
    return x if np.shape(x) == shape else apply_in_backward(BroadcastTo(shape), x)


def sum_to(x: Tensor | np.ndarray, shape: tuple[int, ...]) -> Tensor | np.ndarray:
    """Sum `x` over the axes that broadcasting added or stretched, so that it has `shape` (a tuple).

    The gradient of `broadcast_to`, which backward rules call to reduce a broadcast operand's
    gradient: a Tensor gives a recorded Tensor, an ndarray an ndarray; x itself when it has that shape.
    """
    shape = tuple(shape)
    return x if np.shape(x) == shape else apply_in_backward(SumTo(shape), x)

