"""The counting home of the confusion metrics: the (weighted) confusion matrix of class labels, and the
weighted true/false positives/negatives of thresholded predictions, with precision and recall on top.

`threshold_counts` is what every threshold metric counts with (`Precision` and `Recall` here, the
`TruePositives` family and the at-X metrics in `thresholds`, `AUC` in `auc`); `confusion_matrix` is
what the IoU metrics count with."""
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from ..losses import squeeze_or_expand_to_same_rank
from ..tensor import Tensor
from ..tensor import as_array
from .base import Metric

EPSILON = 1e-7
"""Keras's `backend.epsilon()`: AUC's endpoint thresholds and the F-score and IoU denominators use it."""


def confusion_matrix(
    y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike, num_classes: int | None = None,
    weights: Tensor | ArrayLike | None = None,
) -> np.ndarray:
    """Counts (or summed weights) of (true class, predicted class) pairs.

    Parameters
    ----------
    y_true, y_pred : array_like or Tensor of int, shape (n,) each (any equal shapes are flattened)
        Class labels (y_pred already decided, e.g. by argmax), in [0, num_classes).
    num_classes : int, optional
        Default: one more than the largest label seen.
    weights : array_like or Tensor, optional
        Broadcastable to y_true's shape: each pair adds its weight instead of 1.

    Returns
    -------
    ndarray, shape (num_classes, num_classes)
        Row = true class, column = predicted class; int64 counts, or float64 sums of `weights`.

    Raises
    ------
    ValueError
        When the shapes differ or a label lies outside [0, num_classes).

    Examples
    --------
    >>> gw.metrics.confusion_matrix([0, 1, 1], [0, 0, 1])
    array([[1, 0],
           [1, 1]])
    >>> gw.metrics.confusion_matrix([0, 1, 1], [0, 0, 1], weights=[0.5, 2.0, 1.0])
    array([[0.5, 0. ],
           [2. , 1. ]])
    """
    y_true, y_pred = as_array(y_true).astype(np.int64), as_array(y_pred).astype(np.int64)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"confusion_matrix: y_true of shape {y_true.shape} and y_pred of shape "
                         f"{y_pred.shape} differ")
    n = num_classes or int(max(y_true.max(), y_pred.max())) + 1
    for what, labels in (("y_true", y_true), ("y_pred", y_pred)):
        if labels.size and (labels.min() < 0 or labels.max() >= n):
            raise ValueError(f"confusion_matrix: {what} holds labels outside [0, {n}): "
                             f"{np.unique(labels[(labels < 0) | (labels >= n)]).tolist()}")
    cells = (y_true * n + y_pred).reshape(-1)
    if weights is None:
        return np.bincount(cells, minlength=n * n).reshape(n, n)
    try:
        w = np.broadcast_to(as_array(weights, np.float64), y_true.shape).reshape(-1)
    except ValueError:
        raise ValueError(f"confusion_matrix: weights of shape {np.shape(as_array(weights))} do not fit "
                         f"labels of shape {y_true.shape}") from None
    return np.bincount(cells, weights=w, minlength=n * n).reshape(n, n)


def check_thresholds(owner: str, thresholds: Sequence[float]) -> None:
    """Keras's rule for thresholds given by the user: each in [0, 1] (a ValueError naming `owner`)."""
    bad = [t for t in thresholds if t is None or not 0 <= t <= 1]
    if bad:
        raise ValueError(f"{owner}: thresholds must lie in [0, 1], got {bad}")


def even_grid(n: int) -> list[float]:
    """The n >= 2 evenly spaced thresholds 0, 1/(n-1), ..., 1 of the at-X metrics and AUC."""
    return [i / (n - 1) for i in range(n)]


def evenly_spaced(thresholds: Sequence[float]) -> bool:
    """Whether `thresholds` are 0, 1/(n-1), ..., 1 (n >= 3): where Keras counts in buckets of predictions
    clipped to [0, 1], so this is when predictions are clipped (e.g. a prediction 1.5 counts as 1)."""
    n = len(thresholds)
    return n >= 3 and bool(np.allclose(thresholds, even_grid(n), atol=EPSILON))


def threshold_counts(
    y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike, thresholds: Sequence[float],
    sample_weight: Tensor | ArrayLike | None = None, *, top_k: int | None = None,
    class_id: int | None = None, multi_label: bool = False, label_weights: ArrayLike | None = None,
    clip: bool = False, dtype: DTypeLike = np.float32, owner: str = "metric",
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Weighted true positives, false positives, true negatives, false negatives at each threshold.

    A prediction is positive where it is greater than the threshold (compared in `dtype`, the metric's
    dtype, as Keras does); a label is positive where nonzero. Each element counts with its weight
    (`sample_weight` times `label_weights`); everything is flattened unless `multi_label`.

    Parameters
    ----------
    y_true, y_pred : array_like or Tensor, one shape (a trailing axis of 1 may differ)
    thresholds : sequence of float, length T, any order
    sample_weight : array_like, optional
        Of rank 0, or (after Keras's rank fix-up) broadcastable to y_pred: shape (batch,) weights samples.
    top_k : int, optional
        Keep each row's k highest predictions only (the rest never count as positive).
    class_id : int, optional
        Count only that class's column of y_true and y_pred (batch, classes).
    multi_label : bool
        y_pred of shape (batch, labels): count each label's column separately.
    label_weights : array_like, shape (labels,), optional
        Weights of the last axis's positions (flattened case only).
    clip : bool
        Clip predictions to [0, 1] first.

    Returns
    -------
    (tp, fp, tn, fn) : ndarrays of float64, shape (T,), or (T, labels) when `multi_label`

    Raises
    ------
    ValueError
        Mismatched shapes, weights that do not broadcast, NaN predictions, class_id without a class axis.
    """
    y_pred = as_array(y_pred, np.float64)
    y_true = as_array(y_true)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    sw = None
    if sample_weight is not None:
        sw = as_array(sample_weight, np.float64)
        sw = sw.reshape(sw.shape + (1,))
        _, sw = squeeze_or_expand_to_same_rank(y_true, sw, expand_rank_1=False)
    if top_k is not None:
        y_pred = _keep_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim < 2:
            raise ValueError(f"{owner}: class_id needs y_pred of shape (samples, classes), got {y_pred.shape}")
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{owner}: y_true of shape {y_true.shape} does not match y_pred of shape {y_pred.shape}")
    if multi_label and y_pred.ndim != 2:
        raise ValueError(f"{owner}: multi_label needs y_pred of shape (samples, labels), got {y_pred.shape}")
    if np.isnan(y_pred).any():
        raise ValueError(f"{owner}: y_pred holds NaN")
    try:
        w = np.ones(y_pred.shape) if sw is None else np.broadcast_to(sw, y_pred.shape)
        if label_weights is not None:
            w = w * np.broadcast_to(np.asarray(label_weights, np.float64), y_pred.shape)
    except ValueError:
        raise ValueError(f"{owner}: sample_weight or label_weights do not fit y_pred of shape {y_pred.shape}") from None
    if clip:
        y_pred = np.clip(y_pred, 0.0, 1.0)
    columns = y_pred.shape[1] if multi_label else 1
    pred = y_pred.reshape(-1, columns).astype(dtype)
    label = y_true.reshape(-1, columns).astype(bool)
    w = w.reshape(-1, columns)
    t = np.asarray(thresholds, np.float64).astype(dtype)
    order = np.argsort(t, kind="stable")
    n = len(t)
    # bucket = how many (sorted) thresholds lie strictly below the prediction: it is positive at those
    bucket = np.searchsorted(t[order], pred, side="left") + (n + 1) * np.arange(columns)
    tp, fp, tn, fn = (np.empty((n, columns)) for _ in range(4))
    for above, below, weight in ((tp, fn, w * label), (fp, tn, w * ~label)):
        hist = np.bincount(bucket.reshape(-1), weights=weight.reshape(-1), minlength=(n + 1) * columns)
        hist = hist.reshape(columns, n + 1).T
        above[order] = np.cumsum(hist[::-1], axis=0)[::-1][1:]  # buckets beyond each threshold
        below[order] = np.cumsum(hist, axis=0)[:-1]
    if not multi_label:
        tp, fp, tn, fn = tp[:, 0], fp[:, 0], tn[:, 0], fn[:, 0]
    return tp, fp, tn, fn


def _keep_top_k(y_pred, k):
    """y_pred with everything but each row's k largest values set to -inf (never above a threshold)."""
    order = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(y_pred.shape, dtype=bool)
    np.put_along_axis(keep, order, True, axis=-1)
    return np.where(keep, y_pred, -np.inf)


def divide_no_nan(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, 0 where the denominator is 0 (Keras's `ops.divide_no_nan`)."""
    numerator = np.asarray(numerator, np.float64)
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator != 0)


class _ConfusionMetric(Metric):
    """Base of the threshold metrics: running weighted `true_positives`, `false_positives`,
    `true_negatives`, `false_negatives`, one per threshold in `self.thresholds` (a list of floats).

    Subclasses set `thresholds` (and `_clip`, whether predictions are clipped to [0, 1]) before calling
    this constructor, and may set `top_k`, `class_id`, `multi_label`, `label_weights`; `_state_shape`
    is None while the shape is unknown (AUC with multi_label and no num_labels, until its first batch).
    """

    top_k = None
    class_id = None
    multi_label = False
    label_weights = None
    _clip = False

    def _set_thresholds(self, thresholds: float | Sequence[float] | None, default: float,
                        check: bool = True) -> None:
        """Keras's reading of a `thresholds` argument: `thresholds` (a list of floats, each in [0, 1] when
        `check`), or [default] for None; `init_thresholds`, what the config saves, is None, a float or a
        list of floats (never a NumPy value, which JSON cannot hold); predictions are clipped when the
        thresholds are evenly spaced."""
        values = None if thresholds is None else np.atleast_1d(np.asarray(thresholds, np.float64)).tolist()
        if values is not None and not values:
            raise ValueError(f"{type(self).__name__}: thresholds must hold at least one value, got {thresholds!r}")
        if values is not None and check:
            check_thresholds(type(self).__name__, values)
        self.init_thresholds = values[0] if values is not None and np.ndim(thresholds) == 0 else values
        self.thresholds = values or [default]
        self._clip = evenly_spaced(self.thresholds)

    def _state_shape(self) -> tuple[int, ...] | None:
        return (len(self.thresholds),)

    def reset_state(self) -> None:
        shape = self._state_shape()
        zeros = (lambda: None) if shape is None else (lambda: np.zeros(shape))
        self.true_positives, self.false_positives = zeros(), zeros()
        self.true_negatives, self.false_negatives = zeros(), zeros()

    def _predictions(self, y_pred: Tensor | ArrayLike) -> Tensor | ArrayLike:
        """y_pred as counted (AUC turns logits into probabilities here)."""
        return y_pred

    def update_state(self, y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike,
                     sample_weight: Tensor | ArrayLike | None = None) -> None:
        """Add one batch's weighted counts.

        Parameters
        ----------
        y_true, y_pred : array_like or Tensor, one shape (a trailing axis of 1 may differ)
            Labels are positive where nonzero; predictions above a threshold are positive.
        sample_weight : array_like, optional
            One weight per sample (batch,), or one per value; 0 leaves it out.
        """
        counts = threshold_counts(
            y_true, self._predictions(y_pred), self.thresholds, sample_weight, top_k=self.top_k,
            class_id=self.class_id, multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights, clip=self._clip,
            dtype=np.dtype(self.dtype or np.float32), owner=self.name,
        )
        if self.true_positives is None:  # the first batch fixes the number of labels
            self.true_positives, self.false_positives, self.true_negatives, self.false_negatives = (
                np.zeros(c.shape) for c in counts)
        self.true_positives += counts[0]
        self.false_positives += counts[1]
        self.true_negatives += counts[2]
        self.false_negatives += counts[3]

    def _per_threshold(self, values: np.ndarray) -> float | list[float]:
        """Keras's result form: a float for one threshold, else a list (one value per threshold)."""
        return float(values[0]) if len(values) == 1 else np.asarray(values, np.float64).tolist()


class _PrecisionRecall(_ConfusionMetric):
    """The arguments of Precision and Recall: thresholds (or 0.5), top_k, class_id."""

    def __init__(self, thresholds: float | Sequence[float] | None = None, top_k: int | None = None,
                 class_id: int | None = None, name: str | None = None, dtype: DTypeLike | None = None):
        self._set_thresholds(thresholds, 0.5 if top_k is None else -np.inf, check=top_k is None)
        self.top_k, self.class_id = top_k, class_id
        super().__init__(name=name, dtype=dtype)

    def get_config(self) -> dict:
        return {"thresholds": self.init_thresholds, "top_k": self.top_k, "class_id": self.class_id,
                **super().get_config()}


class Precision(_PrecisionRecall):
    """Of the samples predicted positive, the (weighted) fraction truly positive: TP / (TP + FP), or 0.

    Predictions above a threshold are positive; labels are positive where nonzero.

    Parameters
    ----------
    thresholds : float or list of float in [0, 1], optional
        Default 0.5. With several, `result()` gives a list (one value per threshold).
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
        return self._per_threshold(divide_no_nan(self.true_positives, self.true_positives + self.false_positives))


class Recall(_PrecisionRecall):
    """Of the positive samples, the (weighted) fraction predicted positive: TP / (TP + FN); 0 if none.

    The arguments and shapes are those of `Precision`.
    """

    def result(self) -> float | list[float]:
        return self._per_threshold(divide_no_nan(self.true_positives, self.true_positives + self.false_negatives))
