"""Sparsemax (Martins & Astudillo, 2016): the Euclidean projection of x onto the probability simplex.

Like softmax its output is non-negative and sums to 1 along an axis, but small inputs get exactly 0.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ...autograd.function import Function
from ...tensor import Tensor


class Sparsemax(Function):
    """max(x - tau, 0) along `axis`, tau chosen so the output sums to 1.

    On the support S (the entries above tau) the output is x - tau, with tau the mean of x_S less
    1/|S|, so the Jacobian is diag(s) - s s^T / |S| (s the support's 0/1 mask): the backward
    centres the gradient over the support and zeroes it elsewhere. The mask is piecewise constant
    in x, so the rule is linear in the gradient and records as is for higher orders.
    """

    def __init__(self, axis):
        self.axis = axis

    def forward(self, a):
        z = np.moveaxis(a, self.axis, -1)
        descending = -np.sort(-z, axis=-1)
        cumulative = np.cumsum(descending, axis=-1)
        rank = np.arange(1, z.shape[-1] + 1, dtype=a.dtype)
        support_size = np.sum(1 + rank * descending > cumulative, axis=-1, keepdims=True)
        tau = (np.take_along_axis(cumulative, support_size - 1, axis=-1) - 1) / support_size
        return np.moveaxis(np.maximum(z - tau, 0), -1, self.axis).astype(a.dtype, copy=False)

    def backward(self, g):
        support = (self.output_array > 0).astype(self.output_array.dtype)
        count = support.sum(axis=self.axis, keepdims=True)
        centred = g - (g * support).sum(axis=self.axis, keepdims=True) / count
        return (centred * support,)


def sparsemax(x: Tensor | ArrayLike, axis: int = -1) -> Tensor:
    """Sparsemax along `axis`: x of any shape with at least one axis -> Tensor of the same shape."""
    return Sparsemax(axis)(x)
