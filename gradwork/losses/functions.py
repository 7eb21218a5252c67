"""The Keras loss functions: `fn(y_true, y_pred, ...)` -> per-sample losses (a Tensor, one value per sample).

Each is averaged over the last axis (mean squared/absolute error, Huber, binary cross-entropy) or
summed over the class axis (the categorical ones). Probabilities are clipped to [EPSILON, 1 - EPSILON]
before their logarithm, as Keras does, unless the logits behind them are known (see `logits.py`).

Shapes: y_pred (batch, ..., d); y_true the same (a trailing axis of 1 may differ), or integer labels
(batch, ...) for the sparse one; the result (batch, ...).
"""
import numbers
import warnings

import numpy as np
from numpy.typing import ArrayLike

from ..nn import functional as F
from ..registry import Registry
from ..tensor import Tensor
from .logits import logits_for
from .shapes import class_labels, matched, prediction, target

EPSILON = 1e-7  # Keras's backend.epsilon(): the clip applied to probabilities


def mean_over(values: Tensor, axis: int) -> Tensor:
    """The mean of `values` over `axis`; a scalar stays as it is."""
    return values if values.ndim == 0 else values.mean(axis=axis)


def class_prediction(y_pred: Tensor | ArrayLike, axis: int, name: str) -> Tensor:
    """`prediction(y_pred)`, checked to have a class `axis` (ValueError naming the loss `name` if not)."""
    y_pred = prediction(y_pred)
    if y_pred.ndim == 0:
        raise ValueError(f"{name}: y_pred needs a class axis, got a scalar")
    if isinstance(axis, bool) or not -y_pred.ndim <= axis < y_pred.ndim:
        raise ValueError(f"{name}: axis {axis!r} is out of range for y_pred of shape {y_pred.shape}")
    return y_pred


def one_hot_targets(y_true: Tensor | ArrayLike, y_pred: Tensor, name: str) -> Tensor:
    """`y_true` as a Tensor of y_pred's dtype, checked to have y_pred's shape exactly (ValueError naming the
    loss `name` otherwise: integer labels belong to the sparse loss)."""
    y_true = target(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{name}: y_true must be one-hot (or soft) targets of y_pred's shape: expected "
            f"{y_pred.shape}, got {y_true.shape}; for integer labels use sparse_categorical_crossentropy"
        )
    return y_true


def clipped_probabilities(y_pred: Tensor, axis: int) -> Tensor:
    """Class probabilities renormalized to sum to 1 over `axis` and clipped to [1e-7, 1 - 1e-7], as Keras
    does before their logarithm."""
    return (y_pred / y_pred.sum(axis=axis, keepdims=True)).clip(EPSILON, 1.0 - EPSILON)


def mean_squared_error(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike) -> Tensor:
    """mean((y_true - y_pred)^2) over the last axis: one value per sample.

    Parameters
    ----------
    y_true, y_pred : Tensor or array_like, shape (batch, ..., d)
        A trailing axis of 1 on either may differ (Keras's rank fix-up); any other difference
        raises ValueError (no silent broadcasting).

    Returns
    -------
    Tensor, shape (batch, ...)
    """
    y_pred = prediction(y_pred)
    y_true, y_pred = matched(target(y_true, y_pred), y_pred, "mean_squared_error")
    return mean_over(F.mse(y_pred, y_true, reduction="none"), -1)


def mean_absolute_error(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike) -> Tensor:
    """mean(|y_true - y_pred|) over the last axis: (batch, ..., d) -> (batch, ...) as `mean_squared_error`."""
    y_pred = prediction(y_pred)
    y_true, y_pred = matched(target(y_true, y_pred), y_pred, "mean_absolute_error")
    return mean_over(F.mae(y_pred, y_true, reduction="none"), -1)


def huber(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike, delta: float = 1.0) -> Tensor:
    """Huber loss averaged over the last axis: 0.5 e^2 where |e| <= delta, else delta |e| - 0.5 delta^2.

    Parameters
    ----------
    y_true, y_pred : shape (batch, ..., d), as for `mean_squared_error`
    delta : float
        Where the quadratic part turns linear (e = y_true - y_pred).

    Returns
    -------
    Tensor, shape (batch, ...)
    """
    y_pred = prediction(y_pred)
    y_true, y_pred = matched(target(y_true, y_pred), y_pred, "huber")
    return mean_over(F.huber(y_pred, y_true, delta=delta, reduction="none"), -1)


def check_label_smoothing(label_smoothing: float, name: str) -> None:
    """Raise a ValueError naming `name` unless label_smoothing is a number in [0, 1]."""
    if isinstance(label_smoothing, bool) or not isinstance(label_smoothing, numbers.Real) or not (
        0 <= label_smoothing <= 1
    ):
        raise ValueError(f"{name}: label_smoothing must be a number in [0, 1], got {label_smoothing!r}")


def smoothed_targets(y_true: Tensor, label_smoothing: float, classes: int, name: str) -> Tensor:
    """Keras's label smoothing, the targets moved toward the uniform 1 / classes: t (1 - s) + s / classes
    (classes = 2 for the binary cross-entropies); s is checked first (`check_label_smoothing`)."""
    check_label_smoothing(label_smoothing, name)
    return y_true * (1.0 - label_smoothing) + label_smoothing / classes if label_smoothing else y_true


def binary_crossentropy_terms(
    y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike, from_logits: bool, label_smoothing: float, name: str,
) -> tuple[Tensor, Tensor, Tensor]:
    """The per-element binary cross-entropy and what it was computed from, for `binary_crossentropy` and
    the focal one.

    Parameters
    ----------
    y_true, y_pred, from_logits, label_smoothing : as for `binary_crossentropy`, all given
    name : str
        The loss, for the messages.

    Returns
    -------
    per_element : Tensor, y_pred's shape
        -(t log p + (1 - t) log(1 - p)), with p clipped to [1e-7, 1 - 1e-7], or softplus(x) - t x from
        the logits x when known (from_logits=True, or y_pred from sigmoid).
    targets : Tensor, y_pred's shape
        The targets t after the rank fix-up and label smoothing.
    probabilities : Tensor, y_pred's shape
        p, unclipped (sigmoid of the logits when known).
    """
    y_pred = prediction(y_pred)
    logits = logits_for(y_pred, from_logits, "sigmoid", name)
    y_true, y_pred = matched(target(y_true, y_pred), y_pred, name)
    y_true = smoothed_targets(y_true, label_smoothing, 2, name)
    if logits is not None:
        logits = logits.reshape(y_pred.shape)
        per_element = F.binary_cross_entropy_with_logits(logits, y_true, reduction="none")
        return per_element, y_true, logits.sigmoid()
    per_element = F.binary_cross_entropy(y_pred.clip(EPSILON, 1.0 - EPSILON), y_true, reduction="none")
    return per_element, y_true, y_pred


def binary_crossentropy(
    y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike, from_logits: bool = False,
    label_smoothing: float = 0.0, axis: int = -1,
) -> Tensor:
    """-(t log p + (1 - t) log(1 - p)) averaged over `axis`, p clipped to [1e-7, 1 - 1e-7].

    With from_logits=True, or when y_pred came from sigmoid, it is computed from the logits x as
    softplus(x) - t x.

    Parameters
    ----------
    y_true : Tensor or array_like, y_pred's shape (a trailing axis of 1 may differ)
        Targets t in [0, 1].
    y_pred : Tensor or array_like, shape (batch, ..., d)
        Probabilities p, or logits with from_logits=True.
    from_logits : bool
    label_smoothing : float in [0, 1]
        Moves the targets towards 0.5: t (1 - s) + s / 2.
    axis : int
        The axis averaged over.

    Returns
    -------
    Tensor, y_pred's shape without `axis`
    """
    name = "binary_crossentropy"
    per_element, _, _ = binary_crossentropy_terms(y_true, y_pred, from_logits, label_smoothing, name)
    return mean_over(per_element, axis)


def categorical_crossentropy(
    y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike, from_logits: bool = False,
    label_smoothing: float = 0.0, axis: int = -1,
) -> Tensor:
    """-sum(t log p) over the class `axis`, for one-hot (or soft) targets.

    Probabilities are renormalized to sum to 1 and clipped to [1e-7, 1 - 1e-7] (as Keras);
    logits (from_logits=True, or y_pred from softmax over `axis`) go through log-softmax.
    A single class warns (the loss is always 0).

    Parameters
    ----------
    y_true : Tensor or array_like, y_pred's shape exactly
    y_pred : Tensor or array_like, shape (batch, ..., classes) with the classes on `axis`
    from_logits : bool
    label_smoothing : float in [0, 1]
        Mixes the targets with the uniform distribution: t (1 - s) + s / classes.
    axis : int
        The class axis.

    Returns
    -------
    Tensor, y_pred's shape without `axis`

    Raises
    ------
    ValueError
        For a scalar y_pred, an `axis` out of range, or y_true of another shape (integer labels
        belong to `sparse_categorical_crossentropy`).
    """
    y_pred = class_prediction(y_pred, axis, "categorical_crossentropy")
    logits = logits_for(y_pred, from_logits, "softmax", "categorical_crossentropy", axis)
    y_true = one_hot_targets(y_true, y_pred, "categorical_crossentropy")
    if y_pred.shape[axis] == 1:
        warnings.warn(
            f"categorical_crossentropy: y_pred has a single class (shape {y_pred.shape}), so the loss is "
            "always 0; use binary_crossentropy for two classes",
            stacklevel=3,
        )
    y_true = smoothed_targets(y_true, label_smoothing, y_pred.shape[axis], "categorical_crossentropy")
    last = axis % y_pred.ndim == y_pred.ndim - 1
    if logits is not None:
        if last:
            return F.cross_entropy(logits, y_true, reduction="none")
        return -(y_true * F.log_softmax(logits, axis)).sum(axis=axis)
    return -(y_true * clipped_probabilities(y_pred, axis).log()).sum(axis=axis)


def sparse_crossentropy_and_mask(
    y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike, from_logits: bool, ignore_class: int | None,
    axis: int, name: str,
) -> tuple[Tensor, np.ndarray | None]:
    """`sparse_categorical_crossentropy` and the mask of the labels that count.

    The arguments are those of `sparse_categorical_crossentropy`, all given, and `name` (the loss,
    for the messages). Returns (losses, shape (batch, ...); mask, bool of that shape, or None
    without `ignore_class`).
    """
    y_pred = prediction(y_pred)
    if y_pred.ndim == 0:
        raise ValueError(f"{name}: y_pred needs a class axis, got a scalar")
    if isinstance(axis, bool) or axis not in (-1, y_pred.ndim - 1):
        raise ValueError(f"{name}: only the last axis can hold the classes, got axis={axis!r}")
    logits = logits_for(y_pred, from_logits, "softmax", name, -1)
    labels, valid = class_labels(y_true, y_pred.shape, name, ignore_class)
    if logits is not None:
        values = F.cross_entropy(logits, labels, reduction="none")
    else:
        values = F.nll_loss(clipped_probabilities(y_pred, -1).log(), labels, reduction="none")
    if valid is not None:
        values = values * valid.astype(values.dtype)
    return values, valid


def sparse_categorical_crossentropy(
    y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike, from_logits: bool = False,
    ignore_class: int | None = None, axis: int = -1,
) -> Tensor:
    """-log p[label] per sample, for integer class labels.

    Probabilities are renormalized and clipped as in `categorical_crossentropy`; logits
    (from_logits=True, or y_pred from softmax) go through log-softmax.

    Parameters
    ----------
    y_true : Tensor or array_like of whole numbers, shape (batch, ...) or (batch, ..., 1)
        Labels in [0, classes), except `ignore_class`.
    y_pred : Tensor or array_like, shape (batch, ..., classes)
    from_logits : bool
    ignore_class : int, optional
        Samples with this label get loss 0 (the loss classes also leave them out of the average).
    axis : -1
        Only the last axis can hold the classes.

    Returns
    -------
    Tensor, shape (batch, ...)

    Raises
    ------
    ValueError
        For labels of another shape, out of range, or not whole numbers.
    """
    name = "sparse_categorical_crossentropy"
    return sparse_crossentropy_and_mask(y_true, y_pred, from_logits, ignore_class, axis, name)[0]


LOSS_FUNCTIONS = Registry(
    "loss function",
    entries=(
        binary_crossentropy, categorical_crossentropy, huber, mean_absolute_error, mean_squared_error,
        sparse_categorical_crossentropy,
    ),
)
