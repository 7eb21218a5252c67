"""The affine map x @ W + b as one graph node (the course's "Affine" layer)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ...autograd.function import Function
from ...tensor import Tensor


class _Affine(Function):
    """x @ w (or x @ w.T) + b; the weight's gradient sums over every leading axis of x."""

    def __init__(self, transposed):
        self.transposed = transposed

    def forward(self, x, w, b=None):
        out = np.matmul(x, w.T if self.transposed else w)
        if b is not None:
            out += b
        return out

    def backward(self, g):
        x, w = self.args[:2]
        needs = self.needs_input_grad
        gx = (g @ w if self.transposed else g @ w.T) if needs[0] else None
        gw = None
        if needs[1]:
            g2, x2 = g.reshape(-1, g.shape[-1]), x.reshape(-1, x.shape[-1])
            gw = g2.T @ x2 if self.transposed else x2.T @ g2
        gb = g.sum(axis=tuple(range(g.ndim - 1))) if len(needs) > 2 and needs[2] else None
        return gx, gw, gb


def affine(x: Tensor | ArrayLike, weight: Tensor | ArrayLike, bias: Tensor | ArrayLike | None = None,
           transposed: bool = False) -> Tensor:
    """x @ weight + bias in one node; no copy of the weight is made in either layout.

    Parameters
    ----------
    x : Tensor or array_like, shape (..., in)
    weight : Tensor or array_like, shape (in, out), or (out, in) with `transposed`
    bias : Tensor or array_like, shape (out,), optional
    transposed : bool
        The weight is in PyTorch's `linear` layout (out, in) instead of Keras's (in, out).

    Returns
    -------
    Tensor, shape (..., out)
    """
    return _Affine(transposed)(x, weight) if bias is None else _Affine(transposed)(x, weight, bias)
