"""Loss kernels: the per-element (or per-sample) loss values, unreduced, with no argument order or
reduction convention (`gw.nn.functional` adds PyTorch's, `gw.losses` Keras's).

Cross-entropies are computed from logits through log-sum-exp (softmax.py's shared math), and the
probability form clamps its logarithms, so saturated predictions give finite losses and gradients.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ...autograd.function import Function, apply_in_backward
from ...tensor import Tensor
from ..elementwise import Log, Maximum, log, where
from .activations import softplus
from .softmax import log_softmax, log_sum_exp_of_shifted, shift_by_max, softmax_in_rule

_LOG_FLOOR = -100.0  # PyTorch's clamp on log(p) in binary cross-entropy
_EPS = 1e-12


def squared_error(x: Tensor, target: Tensor | ArrayLike) -> Tensor:
    """(x - target)^2 elementwise, for x (Tensor) and target (Tensor or array_like) of one shape, any."""
    d = x - target
    return d * d


def absolute_error(x: Tensor, target: Tensor | ArrayLike) -> Tensor:
    """|x - target| elementwise, for x (Tensor) and target (Tensor or array_like) of one shape, any."""
    return (x - target).abs()


def huber(x: Tensor, target: Tensor | ArrayLike, delta: float) -> Tensor:
    """Quadratic for |error| <= delta, linear beyond: 0.5 e^2 or delta (|e| - 0.5 delta), elementwise.

    Parameters
    ----------
    x : Tensor, any shape
    target : Tensor or array_like, same shape as x
    delta : float

    Returns
    -------
    Tensor, same shape as x
    """
    d = x - target
    a = d.abs()
    return where(a.data <= delta, 0.5 * d * d, delta * (a - 0.5 * delta))


def _clamped_log(p):
    """max(log p, -100) on an array or a Tensor (for the rule's two modes)."""
    return apply_in_backward(Maximum(), apply_in_backward(Log(), p), _LOG_FLOOR)


class _BinaryCrossEntropy(Function):
    """-(t log p + (1 - t) log(1 - p)) with each log clamped at -100, as PyTorch does."""

    def forward(self, p, t):
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), _LOG_FLOOR)
            log_q = np.maximum(np.log1p(-p), _LOG_FLOOR)
        return -(t * log_p + (1 - t) * log_q)

    def backward(self, g):
        p, t = self.args
        need_p, need_t = self.needs_input_grad
        gp = g * (p - t) / (p * (1 - p)).clip(_EPS) if need_p else None
        gt = None
        if need_t:
            gt = g * (_clamped_log(1 - p) - _clamped_log(p))
        return gp, gt


def binary_cross_entropy(probabilities: Tensor | ArrayLike, target: Tensor | ArrayLike) -> Tensor:
    """-(t log p + (1 - t) log(1 - p)) elementwise, each log clamped at -100 (as PyTorch).

    Parameters
    ----------
    probabilities : Tensor or array_like, any shape
        p, in [0, 1].
    target : Tensor or array_like, same shape
        t, in [0, 1].

    Returns
    -------
    Tensor, same shape
    """
    return _BinaryCrossEntropy()(probabilities, target)


def binary_cross_entropy_with_logits(logits: Tensor, target: Tensor | ArrayLike,
                                     pos_weight: Tensor | ArrayLike | float | None = None) -> Tensor:
    """Binary cross-entropy of sigmoid(logits), as softplus(x) - t x: exact for any logit.

    Parameters
    ----------
    logits : Tensor, any shape
        x.
    target : Tensor or array_like, same shape
        t, in [0, 1].
    pos_weight : float, or Tensor or array_like broadcastable to logits, optional
        w, multiplying the loss of positive targets: (1 + (w - 1) t) softplus(-x) + (1 - t) x.

    Returns
    -------
    Tensor, same shape as logits
    """
    if pos_weight is None:
        return softplus(logits) - target * logits
    return (1 + (pos_weight - 1) * target) * softplus(-logits) + (1 - target) * logits


class _SoftmaxCrossEntropy(Function):
    """The course's Softmax-with-Loss layer as one node: -log softmax(x)[target] per sample.

    Forward goes through log-sum-exp; backward is the famous (softmax(x) - onehot(target)) * g.
    """

    def __init__(self, target):
        self.target = target

    def forward(self, x):
        shifted = shift_by_max(x, -1)
        picked = np.take_along_axis(shifted, self.target[..., None], axis=-1)[..., 0]
        return log_sum_exp_of_shifted(shifted, -1, keepdims=False) - picked

    def backward(self, g):
        x = self.args[0]
        onehot = (np.arange(x.shape[-1]) == self.target[..., None]).astype(x.dtype)
        return ((softmax_in_rule(x, -1) - onehot) * g[..., None],)


def softmax_cross_entropy(logits: Tensor | ArrayLike, target: np.ndarray) -> Tensor:
    """-log softmax(logits)[target] per sample, in one graph node.

    Parameters
    ----------
    logits : Tensor or array_like, shape (..., C)
        Classes last.
    target : ndarray of int, shape (...)
        Class indices in [0, C) (a constant).

    Returns
    -------
    Tensor, shape (...)
    """
    return _SoftmaxCrossEntropy(target)(logits)


def soft_cross_entropy(logits: Tensor | ArrayLike, target: Tensor | ArrayLike, axis: int,
                       class_weight: Tensor | ArrayLike | None = None) -> Tensor:
    """-sum(target * log softmax(logits)) along `axis`: cross-entropy against probability targets.

    Parameters
    ----------
    logits : Tensor or array_like, shape (..., C, ...), C on `axis`
    target : Tensor or array_like, same shape
        Probabilities (one-hot or soft).
    axis : int
        The class axis.
    class_weight : Tensor or array_like, shape (C,), optional
        Per-class weights, broadcast along the last axis.

    Returns
    -------
    Tensor, logits' shape without `axis`
    """
    logp = log_softmax(logits, axis)
    if class_weight is not None:
        logp = logp * class_weight
    return -(target * logp).sum(axis=axis)


def negative_log_likelihood(log_probabilities: Tensor, target: np.ndarray) -> Tensor:
    """-log_probabilities[..., target] per sample.

    Parameters
    ----------
    log_probabilities : Tensor, shape (..., C)
    target : ndarray of int, shape (...)
        Class indices in [0, C).

    Returns
    -------
    Tensor, shape (...)
    """
    flat = log_probabilities.reshape(-1, log_probabilities.shape[-1])
    return -flat[np.arange(flat.shape[0]), target.reshape(-1)].reshape(target.shape)


def kl_divergence(log_q: Tensor, target: Tensor, log_target: bool = False) -> Tensor:
    """The pointwise Kullback-Leibler divergence t (log t - log q), as PyTorch's `kl_div` before its reduction.

    Parameters
    ----------
    log_q : Tensor, any shape
        Log-probabilities of the approximating distribution.
    target : Tensor, same shape
        Probabilities t (0 contributes 0, as 0 log 0 = 0), or their logarithms with `log_target`.
    log_target : bool
        Whether `target` holds log t: then exp(log t) (log t - log q), exact where t underflows.

    Returns
    -------
    Tensor, same shape
    """
    if log_target:
        return target.exp() * (target - log_q)
    nonzero = target.data != 0
    t_log_t = where(nonzero, target * log(where(nonzero, target, 1.0)), 0.0)  # xlogy(t, t): 0 where t = 0
    return t_log_t - target * log_q
