"""Loss functions, `(input, target)` as in `torch.nn.functional`, with `reduction` 'mean' | 'sum' | 'none'.

The per-element math is in `gradwork.ops.nn.losses`: cross-entropies are computed from logits
through log-sum-exp, and the probability forms clamp their logarithms, so saturated predictions
give finite losses and finite gradients. Here are PyTorch's argument checks, class weights,
label smoothing and reductions.
"""

import numpy as np

from ...ops.nn import losses as K
from ...tensor import Tensor, as_tensor

_REDUCTIONS = ("mean", "sum", "none")


def _reduce(loss, reduction, name):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{name}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _pair(input, target, name):
    """Both operands as tensors, checked to have the same shape (silent broadcasting is a classic bug)."""
    input, target = as_tensor(input), as_tensor(target)
    if input.shape != target.shape:
        raise ValueError(
            f"{name}: input has shape {input.shape} but target has shape {target.shape}; they must match"
        )
    return input, target


def mse(input, target, reduction="mean"):
    """Mean squared error, mean((input - target)^2); input, target: one shape."""
    return _reduce(K.squared_error(*_pair(input, target, "mse")), reduction, "mse")


def mae(input, target, reduction="mean"):
    """Mean absolute error, mean(|input - target|) (`l1_loss` in PyTorch); input, target: one shape."""
    return _reduce(K.absolute_error(*_pair(input, target, "mae")), reduction, "mae")


def huber(input, target, delta=1.0, reduction="mean"):
    """Quadratic for |error| <= delta, linear beyond: 0.5 e^2 or delta (|e| - 0.5 delta)."""
    return _reduce(K.huber(*_pair(input, target, "huber"), delta), reduction, "huber")


mse_loss, l1_loss, huber_loss = mse, mae, huber


def _weighted(loss, weight):
    return loss if weight is None else loss * weight


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """Cross-entropy of probabilities `input` in [0, 1] against targets in [0, 1] (one shape).

    Prefer `binary_cross_entropy_with_logits` on the pre-sigmoid values: it is exact where this one clamps.
    """
    input, target = _pair(input, target, "binary_cross_entropy")
    if input.size and (input.data.min() < 0 or input.data.max() > 1):
        raise ValueError(
            "binary_cross_entropy: input must be probabilities in [0, 1]; for raw scores use "
            "binary_cross_entropy_with_logits"
        )
    loss = _weighted(K.binary_cross_entropy(input, target), weight)
    return _reduce(loss, reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction="mean"):
    """Binary cross-entropy of sigmoid(input), computed as softplus(x) - t x: exact for any logit.

    pos_weight multiplies the loss of positive targets (as PyTorch): (1 + (w - 1) t) softplus(-x) + (1 - t) x.
    """
    input, target = _pair(input, target, "binary_cross_entropy_with_logits")
    loss = _weighted(K.binary_cross_entropy_with_logits(input, target, pos_weight), weight)
    return _reduce(loss, reduction, "binary_cross_entropy_with_logits")


def _class_targets(target, input, name):
    """Integer class targets as an array, checked against the input's shape and class count."""
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    n_classes = input.shape[-1]
    if t.shape != input.shape[:-1]:
        raise ValueError(
            f"{name}: input of shape {input.shape} (classes on the last axis) needs integer targets of shape "
            f"{input.shape[:-1]}, got {t.shape}"
        )
    if t.size and (t.min() < 0 or t.max() >= n_classes):
        bad = t[(t < 0) | (t >= n_classes)].flat[0]
        raise ValueError(f"{name}: target class {bad} is out of range for {n_classes} classes")
    return t


def _weighted_reduce(loss, sample_weight, reduction, name):
    """Reduce per-sample losses; with class weights the mean divides by the summed weights (as PyTorch)."""
    if sample_weight is None:
        return _reduce(loss, reduction, name)
    loss = loss * sample_weight
    if reduction == "mean":
        return loss.sum() / sample_weight.sum()
    return _reduce(loss, reduction, name)


def nll_loss(input, target, weight=None, reduction="mean"):
    """Negative log-likelihood of integer `target` under log-probabilities `input` (..., classes)."""
    input = as_tensor(input)
    t = _class_targets(target, input, "nll_loss")
    w = None if weight is None else np.asarray(weight, dtype=input.dtype)[t]
    return _weighted_reduce(K.negative_log_likelihood(input, t), w, reduction, "nll_loss")


def cross_entropy(input, target, weight=None, reduction="mean", label_smoothing=0.0):
    """Softmax cross-entropy from logits `input` (..., classes), through log-sum-exp.

    target: integer class indices of shape input.shape[:-1], or probabilities (one-hot or soft)
    of input's shape. weight: optional per-class weights (integer targets). label_smoothing mixes
    the targets with the uniform distribution, as in PyTorch and Keras.
    """
    input = as_tensor(input)
    if input.ndim == 0:
        raise ValueError("cross_entropy: input needs a class axis, got a scalar")
    target_data = target.data if isinstance(target, Tensor) else np.asarray(target)
    normalizer = None  # the weighted mean over integer targets divides by their summed class weights
    if target_data.dtype.kind in "iub":
        t = _class_targets(target_data, input, "cross_entropy")
        if label_smoothing == 0:
            w = None if weight is None else np.asarray(weight, dtype=input.dtype)[t]
            return _weighted_reduce(K.softmax_cross_entropy(input, t), w, reduction, "cross_entropy")
        target = np.eye(input.shape[-1], dtype=input.dtype)[t]
        if weight is not None and reduction == "mean":
            normalizer = np.asarray(weight, dtype=input.dtype)[t].sum()
    elif target_data.shape != input.shape:
        raise ValueError(
            f"cross_entropy: probability targets must have the input's shape {input.shape}, got {target_data.shape}"
        )
    if label_smoothing:
        target = target * (1 - label_smoothing) + label_smoothing / input.shape[-1]
    class_weight = None if weight is None else np.asarray(weight, dtype=input.dtype)
    loss = K.soft_cross_entropy(input, target, -1, class_weight)
    if normalizer is not None:
        return loss.sum() / normalizer
    return _reduce(loss, reduction, "cross_entropy")
