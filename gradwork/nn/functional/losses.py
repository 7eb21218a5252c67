"""Loss functions, `(input, target)` as in `torch.nn.functional`, with `reduction` 'mean' | 'sum' | 'none'.

The per-element math is in `gradwork.ops.nn.losses`: cross-entropies are computed from logits
through log-sum-exp, and the probability forms clamp their logarithms, so saturated predictions
give finite losses and finite gradients. Here are PyTorch's argument checks, class weights,
label smoothing and reductions.
"""

import numpy as np
from numpy.typing import ArrayLike

from ...ops.nn import losses as K
from ...tensor import Tensor, as_tensor

_REDUCTIONS = ("mean", "sum", "none")
TensorLike = Tensor | ArrayLike


def _reduce(loss, reduction, name):
    """The mean, the sum, or the elementwise losses themselves, as `reduction` says."""
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


def mse(input: TensorLike, target: TensorLike, reduction: str = "mean") -> Tensor:
    """Mean squared error, mean((input - target)^2), as `torch.nn.functional.mse_loss` (also `mse_loss` here).

    Parameters
    ----------
    input, target : Tensor or array_like, one shape (any)
    reduction : "mean", "sum" or "none"

    Returns
    -------
    Tensor, shape () or, with reduction "none", the input's shape

    Examples
    --------
    >>> F.mse(gw.tensor([1.0, 3.0]), gw.tensor([0.0, 0.0])).item()
    5.0
    """
    return _reduce(K.squared_error(*_pair(input, target, "mse")), reduction, "mse")


def mae(input: TensorLike, target: TensorLike, reduction: str = "mean") -> Tensor:
    """Mean absolute error, mean(|input - target|), as `torch.nn.functional.l1_loss` (also `l1_loss` here).

    Parameters
    ----------
    input, target : Tensor or array_like, one shape (any)
    reduction : as `mse`

    Returns
    -------
    Tensor, as `mse`
    """
    return _reduce(K.absolute_error(*_pair(input, target, "mae")), reduction, "mae")


def huber(input: TensorLike, target: TensorLike, delta: float = 1.0, reduction: str = "mean") -> Tensor:
    """Huber loss, as `torch.nn.functional.huber_loss` (also `huber_loss` here): quadratic for
    |e| <= delta, linear beyond, 0.5 e^2 or delta (|e| - 0.5 delta), e = input - target.

    Parameters
    ----------
    input, target : Tensor or array_like, one shape (any)
    delta : float
    reduction : "mean", "sum" or "none"

    Returns
    -------
    Tensor, shape () or, with reduction "none", the input's shape
    """
    return _reduce(K.huber(*_pair(input, target, "huber"), delta), reduction, "huber")


mse_loss, l1_loss, huber_loss = mse, mae, huber


def _weighted(loss, weight):
    """loss * weight, or loss when there is no weight."""
    return loss if weight is None else loss * weight


def binary_cross_entropy(input: TensorLike, target: TensorLike, weight: TensorLike | None = None,
                         reduction: str = "mean") -> Tensor:
    """Cross-entropy of probabilities against targets in [0, 1], as `torch.nn.functional.binary_cross_entropy`.

    Prefer `binary_cross_entropy_with_logits` on the pre-sigmoid values: it is exact where this one
    clamps its logarithms.

    Parameters
    ----------
    input : Tensor or array_like, any shape
        Probabilities in [0, 1].
    target : Tensor or array_like, same shape as input
    weight : Tensor or array_like, broadcastable to input, optional
        Multiplies each element's loss.
    reduction : "mean", "sum" or "none"

    Returns
    -------
    Tensor, shape () or, with reduction "none", the input's shape

    Raises
    ------
    ValueError
        For probabilities outside [0, 1], or shapes that differ.
    """
    input, target = _pair(input, target, "binary_cross_entropy")
    if input.size and (input.data.min() < 0 or input.data.max() > 1):
        raise ValueError(
            "binary_cross_entropy: input must be probabilities in [0, 1]; for raw scores use "
            "binary_cross_entropy_with_logits"
        )
    loss = _weighted(K.binary_cross_entropy(input, target), weight)
    return _reduce(loss, reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(input: TensorLike, target: TensorLike, weight: TensorLike | None = None,
                                     pos_weight: TensorLike | None = None, reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of sigmoid(input), as `torch.nn.functional.binary_cross_entropy_with_logits`:
    computed as softplus(x) - t x, exact for any logit.

    Parameters
    ----------
    input : Tensor or array_like, any shape
        Logits.
    target : Tensor or array_like, same shape as input
        In [0, 1].
    weight : Tensor or array_like, broadcastable to input, optional
        Multiplies each element's loss.
    pos_weight : Tensor or array_like, broadcastable to input (e.g. shape (classes,)), optional
        Multiplies the loss of positive targets: (1 + (w - 1) t) softplus(-x) + (1 - t) x.
    reduction : "mean", "sum" or "none"

    Returns
    -------
    Tensor, shape () or, with reduction "none", the input's shape
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


def nll_loss(input: TensorLike, target: TensorLike, weight: ArrayLike | None = None,
             reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of integer classes under log-probabilities, as `torch.nn.functional.nll_loss`
    with the classes on the LAST axis.

    Parameters
    ----------
    input : Tensor or array_like, shape (..., classes)
        Log-probabilities (e.g. from `log_softmax`).
    target : array_like of ints, shape input.shape[:-1]
        Class indices in [0, classes).
    weight : array_like, shape (classes,), optional
        Per-class weights; the mean then divides by the summed weights of the targets (as PyTorch).
    reduction : "mean", "sum" or "none"

    Returns
    -------
    Tensor, shape () or, with reduction "none", input.shape[:-1]
    """
    input = as_tensor(input)
    t = _class_targets(target, input, "nll_loss")
    w = None if weight is None else np.asarray(weight, dtype=input.dtype)[t]
    return _weighted_reduce(K.negative_log_likelihood(input, t), w, reduction, "nll_loss")


def cross_entropy(input: TensorLike, target: TensorLike, weight: ArrayLike | None = None,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Softmax cross-entropy from logits, through log-sum-exp, as `torch.nn.functional.cross_entropy`
    with the classes on the LAST axis.

    Parameters
    ----------
    input : Tensor or array_like, shape (..., classes)
        Logits.
    target : array_like or Tensor
        Integer class indices of shape input.shape[:-1], or probabilities (one-hot or soft) of the
        input's shape.
    weight : array_like, shape (classes,), optional
        Per-class weights; with integer targets the mean divides by their summed weights (as PyTorch).
    reduction : "mean", "sum" or "none"
    label_smoothing : float
        Mixes the targets with the uniform distribution, as PyTorch and Keras.

    Returns
    -------
    Tensor, shape () or, with reduction "none", input.shape[:-1]

    Examples
    --------
    >>> round(F.cross_entropy(gw.zeros((1, 4)), np.array([2])).item(), 4)   # log(4)
    1.3863
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
