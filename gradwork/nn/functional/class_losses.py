"""The class-index losses, `nll_loss` and `cross_entropy`, as in `torch.nn.functional` but with the
classes on the LAST axis: PyTorch's class weights, `ignore_index`, label smoothing and weighted means.

PyTorch's weighted mean divides the summed losses by the summed weights of the targets that count
(not by their number), so a batch's loss does not depend on how many rare-class samples it holds.
An ignored target weighs 0 and leaves that divisor; with no weights and nothing ignored it is the
plain mean.
"""

import numpy as np
from numpy.typing import ArrayLike

from ...ops.nn import losses as K
from ...tensor import Tensor, as_tensor
from .losses import TensorLike, _reduce, _total, _weighted

IGNORE_INDEX = -100  # PyTorch's default ignore_index


def _with_class_axis(input, name):
    """The input as a Tensor, checked to have a (last) class axis."""
    input = as_tensor(input)
    if input.ndim == 0:
        raise ValueError(f"{name}: input needs a class axis, got a scalar")
    return input


def _class_targets(target, input, name, ignore_index):
    """Integer class targets checked against the input's shape and class count, and which of them count.

    Returns
    -------
    targets : ndarray of int, shape input.shape[:-1]
        The ignored ones replaced by class 0 (any class would do: their losses are multiplied by 0).
    counted : ndarray of the input's dtype, 1 where a target counts and 0 where it is ignored, or None
        when every target counts.
    """
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    n_classes = input.shape[-1]
    if t.shape != input.shape[:-1]:
        raise ValueError(
            f"{name}: input of shape {input.shape} (classes on the last axis) needs integer targets of shape "
            f"{input.shape[:-1]}, got {t.shape}"
        )
    ignored = t == ignore_index
    kept = t[~ignored]
    if kept.size and (kept.min() < 0 or kept.max() >= n_classes):
        bad = kept[(kept < 0) | (kept >= n_classes)][0]
        raise ValueError(f"{name}: target class {bad} is out of range for {n_classes} classes")
    if not ignored.any():
        return t, None
    return np.where(ignored, 0, t), (~ignored).astype(input.dtype)


def _class_weight(weight, input, name):
    """The per-class weights as an array of the input's dtype, shape (classes,), or None."""
    if weight is None:
        return None
    weight = np.asarray(weight.data if isinstance(weight, Tensor) else weight, dtype=input.dtype)
    if weight.shape != input.shape[-1:]:
        raise ValueError(
            f"{name}: weight must hold one value per class, shape {input.shape[-1:]}, got {weight.shape}"
        )
    return weight


def _target_weights(class_weight, targets, counted):
    """Each target's weight: its class's weight (0 where ignored), `counted` alone without class weights,
    or None when every target weighs 1."""
    if class_weight is None:
        return counted
    picked = class_weight[targets]
    return picked if counted is None else picked * counted


def nll_loss(input: TensorLike, target: TensorLike, weight: ArrayLike | None = None,
             reduction: str = "mean", ignore_index: int = IGNORE_INDEX) -> Tensor:
    """Negative log-likelihood of integer classes under log-probabilities, as `torch.nn.functional.nll_loss`
    with the classes on the LAST axis.

    Parameters
    ----------
    input : Tensor or array_like, shape (..., classes)
        Log-probabilities (e.g. from `log_softmax`).
    target : array_like of ints, shape input.shape[:-1]
        Class indices in [0, classes), or `ignore_index`.
    weight : array_like, shape (classes,), optional
        Per-class weights; the mean then divides by the summed weights of the targets (as PyTorch).
    reduction : "mean", "sum" or "none"
    ignore_index : int
        Targets of this value contribute 0 and leave the mean's divisor (as PyTorch; -100 by default).

    Returns
    -------
    Tensor, shape () or, with reduction "none", input.shape[:-1]
    """
    name = "nll_loss"
    input = _with_class_axis(input, name)
    targets, counted = _class_targets(target, input, name, ignore_index)
    weights = _target_weights(_class_weight(weight, input, name), targets, counted)
    loss = _weighted(K.negative_log_likelihood(input, targets), weights, name)
    return _reduce(loss, reduction, name, _total(weights))


def cross_entropy(input: TensorLike, target: TensorLike, weight: ArrayLike | None = None,
                  reduction: str = "mean", label_smoothing: float = 0.0, ignore_index: int = IGNORE_INDEX) -> Tensor:
    """Softmax cross-entropy from logits, through log-sum-exp, as `torch.nn.functional.cross_entropy`
    with the classes on the LAST axis.

    Parameters
    ----------
    input : Tensor or array_like, shape (..., classes)
        Logits.
    target : array_like or Tensor
        Integer class indices of shape input.shape[:-1] (or `ignore_index`), or probabilities
        (one-hot or soft) of the input's shape.
    weight : array_like, shape (classes,), optional
        Per-class weights; with integer targets the mean divides by their summed weights (as PyTorch).
    reduction : "mean", "sum" or "none"
    label_smoothing : float in [0, 1]
        Mixes the targets with the uniform distribution, as PyTorch and Keras; with class weights each
        class's term carries its weight, and the mean still divides by the targets' summed weights.
    ignore_index : int
        Integer targets of this value contribute 0 and leave the mean's divisor (as PyTorch).

    Returns
    -------
    Tensor, shape () or, with reduction "none", input.shape[:-1]

    Examples
    --------
    >>> round(F.cross_entropy(gw.zeros((1, 4)), np.array([2])).item(), 4)   # log(4)
    1.3863
    """
    name = "cross_entropy"
    input = _with_class_axis(input, name)
    if not 0 <= label_smoothing <= 1:
        raise ValueError(f"{name}: label_smoothing must be in [0, 1], got {label_smoothing!r}")
    class_weight = _class_weight(weight, input, name)
    target = as_tensor(target)
    n_classes = input.shape[-1]
    if target.dtype.kind in "iub":
        targets, counted = _class_targets(target, input, name, ignore_index)
        weights = _target_weights(class_weight, targets, counted)
        if not label_smoothing:
            loss = _weighted(K.softmax_cross_entropy(input, targets), weights, name)
            return _reduce(loss, reduction, name, _total(weights))
        smoothed = np.eye(n_classes, dtype=input.dtype)[targets] * (1 - label_smoothing) + label_smoothing / n_classes
        loss = _weighted(K.soft_cross_entropy(input, smoothed, -1, class_weight), counted, name)
        return _reduce(loss, reduction, name, _total(weights))
    if target.shape != input.shape:
        raise ValueError(
            f"{name}: probability targets must have the input's shape {input.shape}, got {target.shape}"
        )
    if ignore_index != IGNORE_INDEX:
        raise ValueError(f"{name}: ignore_index applies to class-index targets, not to probability targets")
    if label_smoothing:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    return _reduce(K.soft_cross_entropy(input, target, -1, class_weight), reduction, name)
