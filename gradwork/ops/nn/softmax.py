"""Softmax kernels: softmax, log-softmax and the masked, scaled softmax of attention, with the
softmax math written once for them and for the fused cross-entropy (losses.py).

The array steps below are the whole computation: shift the logits by their maximum along the
axis (so e^z cannot overflow), exponentiate and divide by the sum, or subtract the log of that
sum. Its gradient is y (g - sum(g y)) for y = softmax(x).
"""

import numpy as np

from ...autograd.function import Function, apply_in_backward
from ..elementwise import Exp


# ----- the shared array math ----------------------------------------------------------------------
def shift_by_max(z, axis, masked=False, in_place=False):
    """z - max(z) along `axis`: a new floating-point array, or z itself (a float scratch array the
    caller owns) with `in_place`. `masked`: a row with no finite entry (all -inf) is shifted by 0, so
    it stays -inf instead of becoming NaN."""
    top = z.max(axis=axis, keepdims=True)
    if masked:
        top[~np.isfinite(top)] = 0
    if in_place:
        z -= top
        return z
    return np.subtract(z, top, dtype=np.result_type(z.dtype, np.float16))  # float, as np.exp would give


def exp_normalize(shifted, axis, masked=False):
    """softmax from shifted logits (`shift_by_max`), computed in place in `shifted`, which it returns.
    `masked`: a row whose entries are all -inf gives zeros (its sum 0 is replaced by 1)."""
    np.exp(shifted, out=shifted)
    total = shifted.sum(axis=axis, keepdims=True)
    if masked:
        total[total == 0] = 1
    shifted /= total
    return shifted


def log_sum_exp_of_shifted(shifted, axis, keepdims):
    """log(sum(e^shifted)) along `axis` for shifted logits: log-softmax is shifted minus this."""
    return np.log(np.exp(shifted).sum(axis=axis, keepdims=keepdims))


def softmax_backward(y, g, axis):
    """The gradient y (g - sum(g y)) of softmax's output y (array or Tensor) for the output gradient g."""
    return y * (g - (g * y).sum(axis=axis, keepdims=True))


# ----- the operations -----------------------------------------------------------------------------
class _Softmax(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, a):
        return exp_normalize(shift_by_max(a, self.axis), self.axis)

    def backward(self, g):
        return (softmax_backward(self.result, g, self.axis),)


def softmax(x, axis):
    """e^x / sum(e^x) along `axis`, shifted by the maximum so large logits do not overflow.

    x: Tensor or array of any shape -> a Tensor of the same shape whose slices along `axis` sum to 1.
    """
    return _Softmax(axis)(x)


def softmax_in_rule(x, axis):
    """softmax(x) inside a backward rule: an array for an array (first order), a recorded Tensor for a
    Tensor (create_graph). x: any shape."""
    return apply_in_backward(_Softmax(axis), x)


def made_by_softmax(node, axis, ndim):
    """True when the graph node `node` (a Tensor's `_fn`) is `softmax` along `axis` of an `ndim`-axis
    input: the cross-entropy losses then take its input as the logits."""
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


def log_softmax(x, axis):
    """log(softmax(x)) along `axis`, computed as x - logsumexp(x): finite even where softmax underflows to 0.

    x: Tensor or array of any shape -> a Tensor of the same shape.
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


def masked_softmax(scores, scale, keep=None, bias=None):
    """softmax(scale * scores + bias) over the last axis, only over the entries where `keep` is True.

    Parameters
    ----------
    scores : Tensor (..., L, S), the attention scores.
    scale : float multiplying the scores.
    keep : boolean array broadcastable to scores, or None (keep all).
    bias : float array broadcastable to scores, or None; -inf entries act like a False in `keep`.

    Returns
    -------
    Tensor (..., L, S); a row with nothing kept is zeros (not NaN), and so is its gradient.
    """
    return _MaskedSoftmax(scale, keep, bias)(scores)
