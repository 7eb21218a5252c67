"""Metrics counted from a confusion of predictions and labels: the confusion matrix of class labels,
and precision and recall from weighted true/false positives/negatives."""
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from ..losses import squeeze_or_expand_to_same_rank
from ..tensor import Tensor
from ..tensor import as_array
from .base import Metric


def confusion_matrix(
    y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike, num_classes: int | None = None
) -> np.ndarray:
    """Counts of (true class, predicted class) pairs.

    Parameters
    ----------
    y_true, y_pred : array_like or Tensor of int, shape (n,) each
        Class labels (y_pred already decided, e.g. by argmax).
    num_classes : int, optional
        Default: one more than the largest label seen.

    Returns
    -------
    ndarray of int64, shape (num_classes, num_classes)
        Row = true class, column = predicted class.

    Examples
    --------
    >>> gw.metrics.confusion_matrix([0, 1, 1], [0, 0, 1])
    array([[1, 0],
           [1, 1]])
    """
    y_true, y_pred = as_array(y_true).astype(np.int64), as_array(y_pred).astype(np.int64)
    n = num_classes or int(max(y_true.max(), y_pred.max())) + 1
    return np.bincount(y_true * n + y_pred, minlength=n * n).reshape(n, n)


class _ConfusionMetric(Metric):
    """Weighted counts of true/false positives/negatives with predictions > threshold as positive.

    thresholds: a float or a list (default 0.5); with a list, `result()` gives a list.
    top_k: count only each row's k highest predictions as candidates; class_id: look at that
    class's column only. Labels are positive where nonzero. Everything else is flattened.
    """

    def __init__(self, thresholds: float | Sequence[float] | None = None, top_k: int | None = None,
                 class_id: int | None = None, name: str | None = None, dtype: DTypeLike | None = None):
        default = 0.5 if top_k is None else -np.inf
        if thresholds is None:
            values = [default]
        else:
            values = np.atleast_1d(np.asarray(thresholds, dtype=np.float64)).tolist()
        for t in values:
            if top_k is None and not 0 <= t <= 1:
                raise ValueError(f"{type(self).__name__}: thresholds must lie in [0, 1], got {t}")
        self.init_thresholds = thresholds
        self.thresholds = np.asarray(values, dtype=np.float64)
        self.top_k, self.class_id = top_k, class_id
        super().__init__(name=name, dtype=dtype)

    def reset_state(self) -> None:
        n = len(self.thresholds)
        self.true_positives = np.zeros(n)
        self.false_positives = np.zeros(n)
        self.false_negatives = np.zeros(n)

    def update_state(self, y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike,
                     sample_weight: Tensor | ArrayLike | None = None) -> None:
        y_pred = as_array(y_pred, np.float64)
        y_true = as_array(y_true)
        y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
        sw = None
        if sample_weight is not None:
            sw = as_array(sample_weight, np.float64)
            sw = sw.reshape(sw.shape + (1,))
            _, sw = squeeze_or_expand_to_same_rank(y_true, sw, expand_rank_1=False)
        if self.top_k is not None:
            y_pred = _keep_top_k(y_pred, self.top_k)
        if self.class_id is not None:
            if y_pred.ndim < 2:
                raise ValueError(
                    f"{self.name}: class_id needs y_pred of shape (samples, classes), got {y_pred.shape}"
                )
            y_true, y_pred = y_true[..., self.class_id, None], y_pred[..., self.class_id, None]
        if y_true.shape != y_pred.shape:
            raise ValueError(
                f"{self.name}: y_true of shape {y_true.shape} does not match y_pred of shape {y_pred.shape}"
            )
        try:
            w = np.ones(y_pred.shape) if sw is None else np.broadcast_to(sw, y_pred.shape)
        except ValueError:
            raise ValueError(
                f"{self.name}: sample_weight does not fit y_pred of shape {y_pred.shape}"
            ) from None
        label = y_true.reshape(-1).astype(bool)
        w = w.reshape(-1)
        pred = y_pred.reshape(1, -1) > self.thresholds[:, None]  # (thresholds, elements)
        self.true_positives += (pred & label) @ w
        self.false_positives += (pred & ~label) @ w
        self.false_negatives += (~pred & label) @ w

    def _value(self, numerator, denominator):
        out = np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator != 0)
        return float(out[0]) if np.ndim(self.init_thresholds) == 0 else out.tolist()

    def get_config(self) -> dict:
        return {"thresholds": self.init_thresholds, "top_k": self.top_k, "class_id": self.class_id,
                **super().get_config()}


def _keep_top_k(y_pred, k):
    """y_pred with everything but each row's k largest values set to -inf (never above a threshold)."""
    order = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(y_pred.shape, dtype=bool)
    np.put_along_axis(keep, order, True, axis=-1)
    return np.where(keep, y_pred, -np.inf)


class Precision(_ConfusionMetric):
    """Of the samples predicted positive, the (weighted) fraction truly positive: TP / (TP + FP), or 0.

    Predictions above a threshold are positive; labels are positive where nonzero.

    Parameters
    ----------
    thresholds : float or list of float in [0, 1], optional
        Default 0.5. With a list, `result()` gives a list (one value per threshold).
    top_k : int, optional
        Only each row's k highest predictions can be positive (the threshold then defaults to -inf).
    class_id : int, optional
        Look at that class's column of y_true and y_pred (batch, classes) only.
    name, dtype : as for `Metric`

    `update_state(y_true, y_pred, sample_weight=None)` takes y_true and y_pred of one shape (a
    trailing axis of 1 may differ), flattened, and one weight per sample (batch,) or per value.

    Examples
    --------
    >>> m = gw.metrics.Precision()
    >>> m([1, 0, 1, 1], [0.9, 0.8, 0.2, 0.7])          # predicted positive: 3, truly so: 2
    0.6666666666666666
    """

    def result(self) -> float | list[float]:
        return self._value(self.true_positives, self.true_positives + self.false_positives)


class Recall(_ConfusionMetric):
    """Of the positive samples, the (weighted) fraction predicted positive: TP / (TP + FN); 0 if none.

    The arguments and shapes are those of `Precision`.
    """

    def result(self) -> float | list[float]:
        return self._value(self.true_positives, self.true_positives + self.false_negatives)
