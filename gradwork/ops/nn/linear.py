"""The affine map x @ W + b as one graph node (the course's "Affine" layer)."""

import numpy as np

from ...autograd.function import Function


class _Affine(Function):
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


def affine(x, weight, bias=None, transposed=False):
    """x @ weight + bias in one node; no copy of the weight is made in either layout.

    Parameters
    ----------
    x : Tensor (..., in).
    weight : Tensor (in, out), or (out, in) with `transposed` (PyTorch's `linear` layout).
    bias : Tensor (out,), or None.

    Returns
    -------
    Tensor (..., out).
    """
    return _Affine(transposed)(x, weight) if bias is None else _Affine(transposed)(x, weight, bias)
