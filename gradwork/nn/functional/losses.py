"""Loss functions, `(input, target)` as in `torch.nn.functional`, with `reduction` 'mean' | 'sum' | 'none'.

The per-element math is in `gradwork.ops.nn.losses`: cross-entropies are computed from logits
through log-sum-exp, and the probability forms clamp their logarithms, so saturated predictions
give finite losses and finite gradients. Here are PyTorch's argument checks, weights and
reductions; the class-index losses (`nll_loss`, `cross_entropy`) are in `class_losses.py`.
"""

import numpy as np
from numpy.typing import ArrayLike

from ...ops.nn import losses as K
from ...ops.nn.activations import softplus
from ...tensor import Tensor, as_tensor

_REDUCTIONS = ("mean", "sum", "none")
TensorLike = Tensor | ArrayLike


def _reduce(loss, reduction, name, total_weight=None):
    """The mean, the sum, or the elementwise losses themselves, as `reduction` says.

    With `total_weight` (the summed weights of weighted losses, a Tensor) the mean divides by it instead
    of the count: PyTorch's weighted mean. Where every weight is 0 (all targets ignored) that mean is
    NaN, as PyTorch's, but its gradient is 0, not NaN: a batch of padding leaves the weights alone.
    """
    if reduction == "mean":
        if total_weight is None:
            return loss.mean()
        if total_weight.item() == 0:
            return loss.sum() * 0.0 + np.nan
        return loss.sum() / total_weight
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


def _check_weight(weight, shape, name, what="weight", exact=True):
    """Check that `weight` has the input's `shape`, or with `exact=False` broadcasts to it (a weight that
    would enlarge the loss is a mistake, not a broadcast)."""
    found = np.shape(weight.data if isinstance(weight, Tensor) else weight)
    if exact and found != shape or not exact and not _broadcasts_to(found, shape):
        relation = "the input's shape" if exact else "a shape that broadcasts to the input's"
        raise ValueError(f"{name}: {what} must have {relation} {shape}, got {found}")


def _broadcasts_to(shape, target_shape):
    try:
        return np.broadcast_shapes(shape, target_shape) == target_shape
    except ValueError:
        return False


def _weighted(loss, weight, name, exact=True):
    """loss * weight, checked by `_check_weight`; loss itself without a weight."""
    if weight is None:
        return loss
    _check_weight(weight, loss.shape, name, exact=exact)
    return loss * weight


def _total(weight):
    """The sum of the weights, the divisor of a weighted mean (None without weights)."""
    return None if weight is None else as_tensor(weight).sum()


def mse(input: TensorLike, target: TensorLike, reduction: str = "mean", weight: TensorLike | None = None) -> Tensor:
    """Mean squared error, mean((input - target)^2), as `torch.nn.functional.mse_loss` (also `mse_loss` here).

    Parameters
    ----------
    input, target : Tensor or array_like, one shape (any)
    reduction : "mean", "sum" or "none"
    weight : Tensor or array_like, the input's shape, optional
        Multiplies each squared error; the mean then divides by the summed weights (as PyTorch).

    Returns
    -------
    Tensor, shape () or, with reduction "none", the input's shape

    Examples
    --------
    >>> F.mse(gw.tensor([1.0, 3.0]), gw.tensor([0.0, 0.0])).item()
    5.0
    """
    loss = _weighted(K.squared_error(*_pair(input, target, "mse")), weight, "mse")
    return _reduce(loss, reduction, "mse", _total(weight))


def mae(input: TensorLike, target: TensorLike, reduction: str = "mean", weight: TensorLike | None = None) -> Tensor:
    """Mean absolute error, mean(|input - target|), as `torch.nn.functional.l1_loss` (also `l1_loss` here).

    Parameters
    ----------
    input, target, reduction, weight : as `mse`

    Returns
    -------
    Tensor, as `mse`
    """
    loss = _weighted(K.absolute_error(*_pair(input, target, "mae")), weight, "mae")
    return _reduce(loss, reduction, "mae", _total(weight))


def huber(input: TensorLike, target: TensorLike, delta: float = 1.0, reduction: str = "mean",
          weight: TensorLike | None = None) -> Tensor:
    """Huber loss, as `torch.nn.functional.huber_loss` (also `huber_loss` here): quadratic for
    |e| <= delta, linear beyond, 0.5 e^2 or delta (|e| - 0.5 delta), e = input - target.

    Parameters
    ----------
    input, target : Tensor or array_like, one shape (any)
    delta : float, > 0
    reduction : "mean", "sum" or "none"
    weight : Tensor or array_like, the input's shape, optional
        Multiplies each element's loss; unlike `mse`'s, the mean stays a plain mean (as PyTorch).

    Returns
    -------
    Tensor, shape () or, with reduction "none", the input's shape
    """
    if not delta > 0:
        raise ValueError(f"huber: delta must be positive, got {delta!r}")
    loss = _weighted(K.huber(*_pair(input, target, "huber"), delta), weight, "huber")
    return _reduce(loss, reduction, "huber")


def smooth_l1_loss(input: TensorLike, target: TensorLike, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Smooth L1 loss, as `torch.nn.functional.smooth_l1_loss`: 0.5 e^2 / beta for |e| < beta, else
    |e| - 0.5 beta; that is Huber's loss with delta = beta, divided by beta (the L1 loss for beta = 0).

    Parameters
    ----------
    input, target : Tensor or array_like, one shape (any)
    reduction : "mean", "sum" or "none"
    beta : float, >= 0

    Returns
    -------
    Tensor, shape () or, with reduction "none", the input's shape
    """
    if not beta >= 0:
        raise ValueError(f"smooth_l1_loss: beta must be >= 0, got {beta!r}")
    if beta == 0:
        return mae(input, target, reduction)
    loss = K.huber(*_pair(input, target, "smooth_l1_loss"), beta) / beta
    return _reduce(loss, reduction, "smooth_l1_loss")


mse_loss, l1_loss, huber_loss = mse, mae, huber


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
    name = "binary_cross_entropy"
    input, target = _pair(input, target, name)
    if input.size and (input.data.min() < 0 or input.data.max() > 1):
        raise ValueError(
            "binary_cross_entropy: input must be probabilities in [0, 1]; for raw scores use "
            "binary_cross_entropy_with_logits"
        )
    loss = _weighted(K.binary_cross_entropy(input, target), weight, name, exact=False)
    return _reduce(loss, reduction, name)


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
    name = "binary_cross_entropy_with_logits"
    input, target = _pair(input, target, name)
    if pos_weight is not None:
        _check_weight(pos_weight, input.shape, name, "pos_weight", exact=False)
    loss = _weighted(K.binary_cross_entropy_with_logits(input, target, pos_weight), weight, name, exact=False)
    return _reduce(loss, reduction, name)


def soft_margin_loss(input: TensorLike, target: TensorLike, reduction: str = "mean") -> Tensor:
    """The two-class logistic loss log(1 + exp(-y x)) for labels y = +-1, as
    `torch.nn.functional.soft_margin_loss`: softplus(-y x), exact for any x.

    Parameters
    ----------
    input : Tensor or array_like, any shape
        Scores x.
    target : Tensor or array_like, same shape
        Labels y, 1 or -1.
    reduction : "mean", "sum" or "none"

    Returns
    -------
    Tensor, shape () or, with reduction "none", the input's shape
    """
    input, target = _pair(input, target, "soft_margin_loss")
    return _reduce(softplus(-(target * input)), reduction, "soft_margin_loss")


def kl_div(input: TensorLike, target: TensorLike, reduction: str = "mean", log_target: bool = False) -> Tensor:
    """Kullback-Leibler divergence of `target` from the distribution whose log-probabilities are `input`,
    as `torch.nn.functional.kl_div`: target (log target - input) elementwise.

    Parameters
    ----------
    input : Tensor or array_like, any shape
        Log-probabilities (e.g. from `log_softmax`).
    target : Tensor or array_like, same shape
        Probabilities, or log-probabilities with `log_target`.
    reduction : "mean", "batchmean", "sum" or "none"
        "batchmean" divides the sum by the batch size input.shape[0]: the true KL divergence per
        sample; "mean" divides by the number of elements (as PyTorch).
    log_target : bool

    Returns
    -------
    Tensor, shape () or, with reduction "none", the input's shape
    """
    if reduction not in _REDUCTIONS + ("batchmean",):
        raise ValueError(f"kl_div: reduction must be one of {_REDUCTIONS + ('batchmean',)}, got {reduction!r}")
    input, target = _pair(input, target, "kl_div")
    loss = K.kl_divergence(input, target, log_target)
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return _reduce(loss, reduction, "kl_div")
