"""`torch.nn.functional`'s losses: PyTorch's arguments, defaults and layout over `gradwork.nn.functional`.

Each function resolves the reduction (the deprecated `size_average` / `reduce` map to it as in
PyTorch, with PyTorch's warning), moves the class dim of (N, C, d1, ...) inputs from dim 1 to
the end (gradwork's layout) and makes one call into gradwork. Class-index targets are checked
here, in PyTorch's terms and layout (dtype, shape, range), so the messages name the user's shapes.

Where PyTorch broadcasts a target of another shape with a warning (`mse_loss`, `l1_loss`, ...),
this raises a ValueError naming both shapes: PyTorch's own warning says the result is likely wrong.
"""

from __future__ import annotations

import warnings

import numpy as np

from ....nn import functional as GF
from ....ops.shape_ops import transpose
from ....tensor import Tensor as GwTensor
from ..._core import unwrap
from ...tensor import Tensor, wrap

REDUCTIONS = ("none", "mean", "sum")
IGNORE_INDEX = -100
_CLASS_INDEX_DTYPES = (np.dtype(np.int64), np.dtype(np.uint8))  # Long and Byte, PyTorch's two


def legacy_reduction(size_average: bool | None, reduce: bool | None, reduction: str) -> str:
    """`reduction`, or what the deprecated `size_average` / `reduce` mean when either is given (as PyTorch,
    with its warning): reduce=False keeps the elements, size_average=False sums, the default averages."""
    if size_average is None and reduce is None:
        return reduction
    if reduce is False:
        reduction = "none"
    else:
        reduction = "sum" if size_average is False else "mean"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.",
                  UserWarning, stacklevel=3)
    return reduction


def _reduction(size_average, reduce, reduction, name, accepted=REDUCTIONS):
    """The reduction a loss function was asked for, checked to be one of `accepted` (PyTorch's ValueError)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    if reduction not in accepted:
        raise ValueError(f"{name}: {reduction!r} is not a valid value for reduction; use one of {accepted}")
    return reduction


def _classes_last(x: GwTensor) -> GwTensor:
    """(N, C, d1, ...) -> (N, d1, ..., C), gradwork's layout; (N, C) and (C,) already have it."""
    return x if x.ndim < 3 else transpose(x, (0, *range(2, x.ndim), 1))


def _array(target) -> np.ndarray:
    return target.data if isinstance(target, GwTensor) else np.asarray(target)


def _class_index_target(input: GwTensor, target, name: str, ignore_index: int, probabilities_allowed: bool):
    """Check class-index targets against an input of shape (C,), (N, C) or (N, C, d1, ...), as PyTorch.

    Raises
    ------
    RuntimeError
        For targets that are not int64 or uint8 (PyTorch's "expected scalar type Long").
    ValueError
        For a 0-d input, or targets not of the input's shape without dim 1.
    IndexError
        For a target outside [0, C) that is not `ignore_index`, naming it and C.
    """
    if input.ndim == 0:
        raise ValueError(f"{name}: input needs a class dim, shape (C,), (N, C) or (N, C, d1, ...); got a 0-d tensor")
    data = _array(target)
    class_dim = 1 if input.ndim > 1 else 0
    classes = input.shape[class_dim]
    expected = input.shape[:class_dim] + input.shape[class_dim + 1:]
    if data.dtype not in _CLASS_INDEX_DTYPES:
        hint = f"; probability targets must have the input's shape {tuple(input.shape)}"
        hint = hint if probabilities_allowed else ""
        raise RuntimeError(f"{name}: expected target dtype to be Long or Byte (int64 class indices, target.long()), "
                           f"but got {data.dtype} of shape {data.shape}{hint}")
    if data.shape != expected:
        raise ValueError(f"{name}: input of shape {tuple(input.shape)} ({classes} classes on dim {class_dim}) needs "
                         f"class-index targets of shape {expected}, got {data.shape}")
    outside = (data != ignore_index) & ((data < 0) | (data >= classes))
    if outside.any():
        raise IndexError(f"{name}: Target {data[outside].flat[0]} is out of bounds: the input has {classes} classes, "
                         f"so targets must be in [0, {classes - 1}] (or ignore_index={ignore_index})")


def _is_probability_target(input: GwTensor, target) -> bool:
    """Whether `target` holds class probabilities: floating point, of the input's shape (as PyTorch decides)."""
    data = _array(target)
    return data.dtype.kind == "f" and data.shape == input.shape


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: bool | None = None,
                  ignore_index: int = IGNORE_INDEX, reduce: bool | None = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Softmax cross-entropy of logits, as `torch.nn.functional.cross_entropy` (through log-sum-exp).

    Parameters
    ----------
    input : Tensor, shape (C,), (N, C) or (N, C, d1, ...)
        Logits, the classes on dim 1 (dim 0 of an unbatched (C,) input).
    target : Tensor
        Class indices (int64 or uint8) of the input's shape without dim 1, or class probabilities
        (floating point) of the input's shape.
    weight : Tensor, shape (C,), optional
        Per-class weights; with class indices the mean divides by the summed weights of the targets.
    size_average, reduce : deprecated, see `reduction`
    ignore_index : int
        Class-index targets of this value contribute 0 and leave the mean's divisor.
    reduction : "none", "mean" or "sum"
    label_smoothing : float in [0, 1]
        Mixes the targets with the uniform distribution over the C classes.

    Returns
    -------
    Tensor, shape () or, with reduction "none", the input's shape without dim 1
    """
    reduction = _reduction(size_average, reduce, reduction, "cross_entropy")
    logits, target = unwrap(input), unwrap(target)
    if _is_probability_target(logits, target):
        target = _classes_last(target)
    else:
        _class_index_target(logits, target, "cross_entropy", ignore_index, probabilities_allowed=True)
    return wrap(GF.cross_entropy(_classes_last(logits), target, unwrap(weight), reduction, label_smoothing,
                                 ignore_index))


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: bool | None = None,
             ignore_index: int = IGNORE_INDEX, reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class indices under log-probabilities, as `torch.nn.functional.nll_loss`.

    Parameters
    ----------
    input : Tensor, shape (C,), (N, C) or (N, C, d1, ...)
        Log-probabilities (e.g. from `log_softmax(x, dim=1)`).
    target : Tensor of int64 (or uint8), the input's shape without dim 1
    weight, size_average, ignore_index, reduce, reduction : as `cross_entropy`

    Returns
    -------
    Tensor, shape () or, with reduction "none", the input's shape without dim 1
    """
    reduction = _reduction(size_average, reduce, reduction, "nll_loss")
    log_probabilities, target = unwrap(input), unwrap(target)
    _class_index_target(log_probabilities, target, "nll_loss", ignore_index, probabilities_allowed=False)
    return wrap(GF.nll_loss(_classes_last(log_probabilities), target, unwrap(weight), reduction, ignore_index))


def mse_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
             reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Squared error (input - target)^2, as `torch.nn.functional.mse_loss`.

    Parameters
    ----------
    input, target : Tensor, one shape (any)
    size_average, reduce : deprecated, see `reduction`
    reduction : "none", "mean" or "sum"
    weight : Tensor, the input's shape, optional
        Multiplies each error; the mean then divides by the summed weights (as PyTorch).

    Returns
    -------
    Tensor, shape () or, with reduction "none", the input's shape
    """
    reduction = _reduction(size_average, reduce, reduction, "mse_loss")
    return wrap(GF.mse_loss(unwrap(input), unwrap(target), reduction, unwrap(weight)))


def l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Absolute error |input - target|, as `torch.nn.functional.l1_loss`; arguments and result as `mse_loss`."""
    reduction = _reduction(size_average, reduce, reduction, "l1_loss")
    return wrap(GF.l1_loss(unwrap(input), unwrap(target), reduction, unwrap(weight)))


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """Huber loss, as `torch.nn.functional.huber_loss`: 0.5 e^2 for |e| <= delta, delta (|e| - 0.5 delta)
    beyond, e = input - target.

    Parameters
    ----------
    input, target : Tensor, one shape (any)
    reduction : "none", "mean" or "sum"
    delta : float, > 0
    weight : Tensor, the input's shape, optional
        Multiplies each element's loss; the mean stays a plain mean (as PyTorch).

    Returns
    -------
    Tensor, shape () or, with reduction "none", the input's shape
    """
    reduction = _reduction(None, None, reduction, "huber_loss")
    return wrap(GF.huber_loss(unwrap(input), unwrap(target), delta, reduction, unwrap(weight)))


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Smooth L1 loss, as `torch.nn.functional.smooth_l1_loss`: 0.5 e^2 / beta for |e| < beta, else
    |e| - 0.5 beta (the L1 loss for beta = 0); arguments and result as `mse_loss`, beta >= 0."""
    reduction = _reduction(size_average, reduce, reduction, "smooth_l1_loss")
    return wrap(GF.smooth_l1_loss(unwrap(input), unwrap(target), reduction, beta))


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:
    """Binary cross-entropy of probabilities, as `torch.nn.functional.binary_cross_entropy` (each log
    clamped at -100, as PyTorch).

    Parameters
    ----------
    input : Tensor, any shape
        Probabilities in [0, 1].
    target : Tensor, the input's shape
        Targets in [0, 1].
    weight : Tensor, broadcastable to the input's shape, optional
        Multiplies each element's loss.
    size_average, reduce : deprecated, see `reduction`
    reduction : "none", "mean" or "sum"

    Returns
    -------
    Tensor, shape () or, with reduction "none", the input's shape
    """
    reduction = _reduction(size_average, reduce, reduction, "binary_cross_entropy")
    return wrap(GF.binary_cross_entropy(unwrap(input), unwrap(target), unwrap(weight), reduction))


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average: bool | None = None, reduce: bool | None = None,
                                     reduction: str = "mean", pos_weight: Tensor | None = None) -> Tensor:
    """Binary cross-entropy of sigmoid(input), as `torch.nn.functional.binary_cross_entropy_with_logits`
    (softplus(x) - t x: exact for any logit).

    Parameters
    ----------
    input : Tensor, any shape
        Logits.
    target, weight, size_average, reduce, reduction : as `binary_cross_entropy`
    pos_weight : Tensor, broadcastable to the input's shape (e.g. (C,) for (N, C) inputs), optional
        Multiplies the loss of the positive targets.

    Returns
    -------
    Tensor, shape () or, with reduction "none", the input's shape
    """
    reduction = _reduction(size_average, reduce, reduction, "binary_cross_entropy_with_logits")
    return wrap(GF.binary_cross_entropy_with_logits(unwrap(input), unwrap(target), unwrap(weight),
                                                    unwrap(pos_weight), reduction))


def kl_div(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """Kullback-Leibler divergence, as `torch.nn.functional.kl_div`: target (log target - input) elementwise.

    Parameters
    ----------
    input : Tensor, any shape
        Log-probabilities.
    target : Tensor, the input's shape
        Probabilities, or log-probabilities with `log_target`.
    size_average, reduce : deprecated, see `reduction`
    reduction : "none", "batchmean", "mean" or "sum"
        "batchmean" (the sum divided by the batch size) is the KL divergence per sample; "mean"
        divides by the number of elements, and warns as PyTorch does.
    log_target : bool

    Returns
    -------
    Tensor, shape () or, with reduction "none", the input's shape
    """
    if size_average is None and reduce is None and reduction == "mean":
        warnings.warn("kl_div: reduction='mean' divides the total loss by both the batch size and the support "
                      "size; 'batchmean' divides only by the batch size, as the KL divergence's definition",
                      UserWarning, stacklevel=2)
    reduction = _reduction(size_average, reduce, reduction, "kl_div", REDUCTIONS + ("batchmean",))
    return wrap(GF.kl_div(unwrap(input), unwrap(target), reduction, log_target))


def soft_margin_loss(input: Tensor, target: Tensor, size_average: bool | None = None, reduce: bool | None = None,
                     reduction: str = "mean") -> Tensor:
    """The logistic loss log(1 + exp(-y x)) of labels y = +-1, as `torch.nn.functional.soft_margin_loss`;
    arguments and result as `mse_loss`."""
    reduction = _reduction(size_average, reduce, reduction, "soft_margin_loss")
    return wrap(GF.soft_margin_loss(unwrap(input), unwrap(target), reduction))
