"""The Keras metric functions: `fn(y_true, y_pred)` -> one float64 value per sample (a NumPy array).

Shapes: y_pred (batch, ..., d); y_true the same (one-hot or 0/1 targets; a trailing axis of 1 may
differ), or integer labels (batch, ...) for the sparse ones; the result (batch, ...).
"""
import numbers

import numpy as np
from numpy.typing import ArrayLike

from ..losses import squeeze_or_expand_to_same_rank
from ..registry import Registry
from ..tensor import Tensor
from ..tensor import as_array


def accuracy(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike) -> np.ndarray:
    """1 where y_pred equals y_true exactly, else 0, averaged over the last axis.

    Parameters
    ----------
    y_true, y_pred : array_like or Tensor, shape (batch, ..., d)
        Already-decided labels; a trailing axis of 1 may differ (Keras's rank fix-up).

    Returns
    -------
    ndarray of float64, shape (batch, ...)
    """
    y_pred = as_array(y_pred)
    y_true = as_array(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    matches = (y_true == y_pred).astype(np.float64)
    return matches if matches.ndim == 0 else matches.mean(axis=-1)


def binary_accuracy(
    y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike, threshold: float = 0.5
) -> np.ndarray:
    """1 where (y_pred > threshold) equals the 0/1 label y_true, averaged over the last axis.

    Parameters
    ----------
    y_true : array_like or Tensor of 0/1, y_pred's shape (a trailing axis of 1 may differ)
    y_pred : array_like or Tensor, shape (batch, ..., d)
        Probabilities (or logits, with threshold 0).
    threshold : float

    Returns
    -------
    ndarray of float64, shape (batch, ...)
    """
    y_true, y_pred = squeeze_or_expand_to_same_rank(as_array(y_true), as_array(y_pred))
    matches = (y_true == (y_pred > threshold)).astype(np.float64)
    return matches if matches.ndim == 0 else matches.mean(axis=-1)


def categorical_accuracy(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike) -> np.ndarray:
    """1 where argmax(y_pred) equals argmax(y_true) over the last axis, else 0.

    y_true holds one-hot targets of y_pred's shape (batch, ..., classes) exactly (a ValueError
    otherwise); the result is a float64 ndarray of shape (batch, ...).
    """
    y_true, y_pred = as_array(y_true), as_array(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"categorical_accuracy: y_true must be one-hot of y_pred's shape {y_pred.shape}, got "
            f"{y_true.shape}; for integer labels use sparse_categorical_accuracy"
        )
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(np.float64)


def _labels(y_true, y_pred, name):
    """Integer labels matching y_pred.shape[:-1] (a trailing axis of 1 is dropped)."""
    y_true = as_array(y_true)
    if y_true.ndim == y_pred.ndim and y_true.ndim and y_true.shape[-1] == 1:
        y_true = y_true.reshape(y_true.shape[:-1])
    if y_true.shape != y_pred.shape[:-1]:
        raise ValueError(
            f"{name}: y_pred of shape {y_pred.shape} needs integer labels of shape {y_pred.shape[:-1]} "
            f"(or with a trailing 1), got {y_true.shape}"
        )
    return y_true


def sparse_categorical_accuracy(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike) -> np.ndarray:
    """1 where argmax(y_pred) over the last axis equals the integer label, else 0.

    Parameters
    ----------
    y_true : array_like or Tensor of int, shape (batch, ...) or (batch, ..., 1)
    y_pred : array_like or Tensor, shape (batch, ..., classes)

    Returns
    -------
    ndarray of float64, shape (batch, ...)
    """
    y_pred = as_array(y_pred)
    y_true = _labels(y_true, y_pred, "sparse_categorical_accuracy")
    return (y_true == np.argmax(y_pred, axis=-1)).astype(np.float64)


def _in_top_k(labels, y_pred, k):
    """Whether each label's score is among the k largest of its row (ties at the boundary count as in)."""
    n_classes = y_pred.shape[-1]
    if k >= n_classes:
        return np.ones(labels.shape, dtype=np.float64)
    kth_largest = -np.partition(-y_pred, k - 1, axis=-1)[..., k - 1]
    picked = np.take_along_axis(y_pred, labels.astype(np.int64)[..., None], axis=-1)[..., 0]
    return (picked >= kth_largest).astype(np.float64)


def check_k(k: int, name: str) -> None:
    """Raise ValueError unless `k` (how many top predictions count) is an integer of at least 1."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise ValueError(f"{name}: k must be an integer >= 1, got {k!r}")


def top_k_categorical_accuracy(
    y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike, k: int = 5
) -> np.ndarray:
    """1 where the one-hot target's class is among the k highest scores (ties at the k-th count as in).

    y_true and y_pred have one shape (batch, ..., classes); the result, float64, has shape (batch, ...).
    """
    check_k(k, "top_k_categorical_accuracy")
    y_true, y_pred = as_array(y_true), as_array(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"top_k_categorical_accuracy: y_true must have y_pred's shape {y_pred.shape}, got {y_true.shape}"
        )
    return _in_top_k(np.argmax(y_true, axis=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(
    y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike, k: int = 5, from_sorted_ids: bool = False
) -> np.ndarray:
    """1 where the integer label is among the k highest scores (ties at the k-th count as in).

    Parameters
    ----------
    y_true : array_like or Tensor, shape (batch, ...) or (batch, ..., 1)
        Class labels in [0, classes); with `from_sorted_ids`, any class ids.
    y_pred : array_like or Tensor, shape (batch, ..., classes), or (batch, ..., n) with `from_sorted_ids`
        Scores of every class; with `from_sorted_ids`, the ids of the n best classes, best first
        (a label counts when it is among the first k; n may be smaller than k).
    k : int >= 1
    from_sorted_ids : bool

    Returns
    -------
    ndarray of float64, shape (batch, ...)

    Examples
    --------
    >>> gw.metrics.sparse_top_k_categorical_accuracy([2, 1], [[1, 0, 3], [1, 2, 3]], k=1, from_sorted_ids=True)
    array([0., 1.])
    """
    name = "sparse_top_k_categorical_accuracy"
    check_k(k, name)
    y_pred = as_array(y_pred)
    labels = _labels(y_true, y_pred, name)
    if from_sorted_ids:
        return np.any(labels[..., None] == y_pred[..., :k], axis=-1).astype(np.float64)
    if labels.size and (labels.min() < 0 or labels.max() >= y_pred.shape[-1]):
        raise ValueError(f"{name}: labels must lie in [0, {y_pred.shape[-1] - 1}]")
    return _in_top_k(labels, y_pred, k)


def _regression_pair(y_true, y_pred, name):
    y_pred = as_array(y_pred, np.float64)
    y_true = as_array(y_true, np.float64)
    shown = y_true.shape
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{name}: y_true must have y_pred's shape {y_pred.shape}, got {shown}")
    return y_true, y_pred


def mean_squared_error(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike) -> np.ndarray:
    """mean((y_true - y_pred)^2) over the last axis, in float64.

    Parameters
    ----------
    y_true, y_pred : array_like or Tensor, shape (batch, ..., d)
        A trailing axis of 1 on either may differ; other shapes raise ValueError.

    Returns
    -------
    ndarray of float64, shape (batch, ...)
    """
    y_true, y_pred = _regression_pair(y_true, y_pred, "mean_squared_error")
    sq = (y_true - y_pred) ** 2
    return sq if sq.ndim == 0 else sq.mean(axis=-1)


def mean_absolute_error(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike) -> np.ndarray:
    """mean(|y_true - y_pred|) over the last axis, in float64: shapes as in `mean_squared_error`."""
    y_true, y_pred = _regression_pair(y_true, y_pred, "mean_absolute_error")
    ab = np.abs(y_true - y_pred)
    return ab if ab.ndim == 0 else ab.mean(axis=-1)


METRIC_FUNCTIONS = Registry(
    "metric function",
    entries=(
        accuracy, binary_accuracy, categorical_accuracy, mean_absolute_error, mean_squared_error,
        sparse_categorical_accuracy, sparse_top_k_categorical_accuracy, top_k_categorical_accuracy,
    ),
)
