"""Metrics counted from a confusion of predictions and labels: the confusion matrix of class labels,
and precision and recall from weighted true/false positives/negatives."""
import numpy as np

from ..losses import squeeze_or_expand_to_same_rank
from .base import Metric, as_array


def confusion_matrix(y_true, y_pred, num_classes=None):
    """Counts of (true class, predicted class) pairs.

    y_true, y_pred : integer class labels, shape (n,) each.
    num_classes : int, optional; default: one more than the largest label seen.

    Returns an int64 array (num_classes, num_classes): row = true class, column = predicted class.
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

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
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

    def reset_state(self):
        n = len(self.thresholds)
        self.true_positives = np.zeros(n)
        self.false_positives = np.zeros(n)
        self.false_negatives = np.zeros(n)

    def update_state(self, y_true, y_pred, sample_weight=None):
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

    def get_config(self):
        return {"thresholds": self.init_thresholds, "top_k": self.top_k, "class_id": self.class_id,
                **super().get_config()}


def _keep_top_k(y_pred, k):
    """y_pred with everything but each row's k largest values set to -inf (never above a threshold)."""
    order = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(y_pred.shape, dtype=bool)
    np.put_along_axis(keep, order, True, axis=-1)
    return np.where(keep, y_pred, -np.inf)


class Precision(_ConfusionMetric):
    """Of the samples predicted positive, the (weighted) fraction truly positive: TP / (TP + FP), or 0."""

    def result(self):
        return self._value(self.true_positives, self.true_positives + self.false_positives)


class Recall(_ConfusionMetric):
    """Of the positive samples, the (weighted) fraction predicted positive: TP / (TP + FN); 0 if none."""

    def result(self):
        return self._value(self.true_positives, self.true_positives + self.false_negatives)
