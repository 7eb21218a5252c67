"""Softmax kernels: softmax, log-softmax and the masked, scaled softmax of attention, with the
softmax math written once for them and for the fused cross-entropy (losses.py).

The array steps below are the whole computation: shift the logits by their maximum along the
axis (so e^z cannot overflow), exponentiate and divide by the sum, or subtract the log of that
sum. Its gradient is y (g - sum(g y)) for y = softmax(x).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ...autograd.function import Function, apply_in_backward
from ...tensor import Tensor
from ..elementwise import Exp


# ----- the shared array math ----------------------------------------------------------------------
def shift_by_max(z: np.ndarray, axis: int, masked: bool = False, in_place: bool = False) -> np.ndarray:
    """z - max(z) along `axis`, so that e^z cannot overflow.

    Parameters
    ----------
    z : ndarray, any shape
    axis : int
    masked : bool
        A row with no finite entry (all -inf) is shifted by 0, so it stays -inf instead of NaN.
    in_place : bool
        Shift z itself (a float scratch array the caller owns) instead of a new array.

    Returns
    -------
    ndarray, same shape as z, floating point
    """
    top = z.max(axis=axis, keepdims=True)
    if masked:
        top[~np.isfinite(top)] = 0
    if in_place:
        z -= top
        return z
    return np.subtract(z, top, dtype=np.result_type(z.dtype, np.float16))  # float, as np.exp would give


def exp_normalize(shifted: np.ndarray, axis: int, masked: bool = False) -> np.ndarray:
    """softmax along `axis` from shifted logits (`shift_by_max`), computed in place in `shifted`.

    Parameters
    ----------
    shifted : float ndarray, any shape
    axis : int
    masked : bool
        A row whose entries are all -inf gives zeros (its sum 0 is replaced by 1).

    Returns
    -------
    ndarray, `shifted` itself, now the probabilities
    """
    np.exp(shifted, out=shifted)
    total = shifted.sum(axis=axis, keepdims=True)
    if masked:
        total[total == 0] = 1
    shifted /= total
    return shifted


def log_sum_exp_of_shifted(shifted: np.ndarray, axis: int, keepdims: bool) -> np.ndarray:
    """log(sum(e^shifted)) along `axis` for shifted logits: log-softmax is shifted minus this.

    Parameters
    ----------
    shifted : float ndarray, any shape
    axis : int
    keepdims : bool

    Returns
    -------
    ndarray, shifted's shape without `axis` (with it as 1 under keepdims)
    """
    return np.log(np.exp(shifted).sum(axis=axis, keepdims=keepdims))


def softmax_backward(y: Tensor | np.ndarray, g: Tensor | np.ndarray, axis: int) -> Tensor | np.ndarray:
    """The input gradient y (g - sum(g y)) of a softmax along `axis`, in the backward rule's mode.

    Parameters
    ----------
    y : Tensor or ndarray, any shape
        The softmax's output.
    g : Tensor or ndarray, same shape as y
        The output's gradient.
    axis : int

    Returns
    -------
    Tensor or ndarray (as y and g), same shape as y
    """
    return y * (g - (g * y).sum(axis=axis, keepdims=True))


# ----- the operations -----------------------------------------------------------------------------
class _Softmax(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, a):
        return exp_normalize(shift_by_max(a, self.axis), self.axis)

    def backward(self, g):
        return (softmax_backward(self.result, g, self.axis),)


def softmax(x: Tensor | ArrayLike, axis: int) -> Tensor:
    """e^x / sum(e^x) along `axis`, shifted by the maximum so large logits do not overflow.

    x is a Tensor or array_like of any shape; the result has its shape, and its slices along
    `axis` sum to 1.
    """
    return _Softmax(axis)(x)


def softmax_in_rule(x: Tensor | np.ndarray, axis: int) -> Tensor | np.ndarray:
    """softmax(x) along `axis` inside a backward rule: an ndarray for an ndarray (first order), a
    recorded Tensor for a Tensor (create_graph); same shape as x (any)."""
    return apply_in_backward(_Softmax(axis), x)


def made_by_softmax(node: Function | None, axis: int, ndim: int) -> bool:
    """True when the graph node `node` (a Tensor's `grad_fn`) is `softmax` along `axis` of an
    `ndim`-axis input: the cross-entropy losses then take its input as the logits."""
    return isinstance(node, _Softmax) and node.axis % ndim == axis % ndim


class _LogSoftmax(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, a):
        shifted = shift_by_max(a, self.axis)
        shifted -= log_sum_exp_of_shifted(shifted, self.axis, keepdims=True)
        return shifted

    def backward(self, g):
        return (g - apply_in_backward(Exp(), self.result) * g.sum(axis=self.axis, keepdims=True),)


def log_softmax(x: Tensor | ArrayLike, axis: int) -> Tensor:
    """log(softmax(x)) along `axis`, computed as x - logsumexp(x): finite even where softmax underflows to 0.

    x: a Tensor or array_like of any shape, which the result keeps.
    """
    return _LogSoftmax(axis)(x)


class _MaskedSoftmax(Function):
    """softmax(scale * scores + bias) over the last axis, taken only over the entries where `keep` is
    True; a row with nothing kept gives zeros (not NaN), and so does its gradient."""

    def __init__(self, scale, keep=None, bias=None):
        self.scale, self.keep, self.bias = scale, keep, bias

    def forward(self, a):
        z = a * self.scale  # a new array: the steps below work in place on it
        if self.bias is not None:
            z += self.bias.astype(a.dtype, copy=False)
        if self.keep is not None:
            np.copyto(z, -np.inf, where=~self.keep)
        masked = self.keep is not None or self.bias is not None
        return exp_normalize(shift_by_max(z, -1, masked, in_place=True), -1, masked)

    def backward(self, g):
        return (softmax_backward(self.result, g, -1) * self.scale,)


def masked_softmax(scores: Tensor | ArrayLike, scale: float, keep: np.ndarray | None = None,
                   bias: np.ndarray | None = None) -> Tensor:
    """softmax(scale * scores + bias) over the last axis, only over the entries where `keep` is True.

    Parameters
    ----------
    scores : Tensor or array_like, shape (..., L, S)
        The attention scores.
    scale : float
        Multiplies the scores.
    keep : ndarray of bool, broadcastable to (..., L, S), optional
        None keeps every entry.
    bias : float ndarray, broadcastable to (..., L, S), optional
        Added to the scaled scores; -inf entries act like a False in `keep`.

    Returns
    -------
    Tensor, shape (..., L, S); a row with nothing kept is zeros (not NaN), and so is its gradient
    """
    return _MaskedSoftmax(scale, keep, bias)(scores)
