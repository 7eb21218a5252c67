"""Layer normalization kernel, one graph node: each sample normalized over its own feature axes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ...autograd.function import Function
from ...tensor import Tensor


class _LayerNorm(Function):
    """(x - mean) / sqrt(var + eps) * weight + bias, mean and biased variance over `axes`.

    x: any shape; weight, bias: the sizes of x on `axes` (in order), each optional (`affine` says
    which are passed). The backward rule works in both modes (create_graph recomputes the
    normalized input from x with tensor operations, so it can be differentiated again).
    """

    def __init__(self, axes, eps, affine=(True, True)):
        self.axes, self.eps, self.affine = tuple(axes), eps, affine

    def forward(self, x, *params):
        self.param_shape = tuple(x.shape[a] for a in self.axes)
        self.broadcast_shape = tuple(n if i in self.axes else 1 for i, n in enumerate(x.shape))
        self.other_axes = tuple(i for i in range(x.ndim) if i not in self.axes)
        centered = x - x.mean(axis=self.axes, keepdims=True)
        # a second pass removes the rounding error of the first mean, large for inputs far from zero
        centered -= centered.mean(axis=self.axes, keepdims=True)
        var = (centered * centered).mean(axis=self.axes, keepdims=True)
        self.rstd = 1 / np.sqrt(var + self.eps)
        self.normalized = out = centered * self.rstd
        weight, bias = self._params(params)
        if weight is not None:
            out = out * weight.reshape(self.broadcast_shape)
        if bias is not None:
            out = out + bias.reshape(self.broadcast_shape)
        return out

    def _params(self, params):
        """(weight or None, bias or None) from the operands after x."""
        it = iter(params)
        return tuple(next(it) if present else None for present in self.affine)

    def _normalized_and_rstd(self, x):
        """The normalized input and 1/std: the forward's arrays, or recomputed as tensors under create_graph."""
        if not isinstance(x, Tensor):
            return self.normalized, self.rstd
        centered = x - x.mean(axis=self.axes, keepdims=True)
        rstd = ((centered * centered).mean(axis=self.axes, keepdims=True) + self.eps) ** -0.5
        return centered * rstd, rstd

    def backward(self, g):
        x, *params = self.args
        weight, _ = self._params(params)
        needs = iter(self.needs_input_grad)
        need_x = next(needs)
        need_w, need_b = (next(needs) if present else False for present in self.affine)
        normalized, rstd = self._normalized_and_rstd(x)
        grads = [None]
        if need_x:
            g_norm = g * weight.reshape(self.broadcast_shape) if weight is not None else g
            mean_g = g_norm.mean(axis=self.axes, keepdims=True)
            mean_gn = (g_norm * normalized).mean(axis=self.axes, keepdims=True)
            grads[0] = rstd * (g_norm - mean_g - normalized * mean_gn)
        if self.affine[0]:
            grads.append((g * normalized).sum(axis=self.other_axes).reshape(self.param_shape) if need_w else None)
        if self.affine[1]:
            grads.append(g.sum(axis=self.other_axes).reshape(self.param_shape) if need_b else None)
        return tuple(grads)


def layer_norm(x: Tensor | ArrayLike, axes: Sequence[int], weight: Tensor | ArrayLike | None,
               bias: Tensor | ArrayLike | None, eps: float) -> Tensor:
    """(x - mean) / sqrt(var + eps) * weight + bias, the mean and the biased variance (divided by
    the number of values) taken per sample over `axes`.

    Parameters
    ----------
    x : Tensor or array_like, any shape
    axes : sequence of int
        The non-negative axes normalised over, in increasing order.
    weight, bias : Tensor or array_like, shape tuple(x.shape[a] for a in axes), or None
        The scale and the shift (None: 1 and 0).
    eps : float
        Added to the variance.

    Returns
    -------
    Tensor, same shape as x, in one graph node
    """
    params = [p for p in (weight, bias) if p is not None]
    return _LayerNorm(axes, eps, (weight is not None, bias is not None))(x, *params)
