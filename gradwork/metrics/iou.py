"""Keras's intersection-over-union metrics (`IoU`, `BinaryIoU`, `MeanIoU`, `OneHotIoU`, `OneHotMeanIoU`),
read off a running weighted confusion matrix (`confusion.confusion_matrix`).

For class c, IoU = TP / (TP + FP + FN) = cm[c, c] / (row sum + column sum - cm[c, c]); the metric is
the mean over the target classes that occur (nonzero denominator), computed as Keras does:
sum(TP / (denominator + 1e-7)) / (number of occurring target classes + 1e-7)."""
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from ..tensor import Tensor
from ..tensor import as_array
from .base import Metric
from .confusion import EPSILON, confusion_matrix


class IoU(Metric):
    """Intersection-over-union of the classes `target_class_ids` (their mean; one id gives its IoU).

    Parameters
    ----------
    num_classes : int
        The number of classes (the confusion matrix is num_classes x num_classes).
    target_class_ids : list or tuple of int in [0, num_classes)
    name, dtype : as for `Metric`
    ignore_class : int, optional
        A label (e.g. -1 or 255, a "void" class) whose pixels/samples are left out.
    sparse_y_true, sparse_y_pred : bool, default True
        Whether labels / predictions are class ids; False: class scores along `axis`, argmax taken.
    axis : int, default -1
        The class axis of dense labels or predictions.

    `update_state(y_true, y_pred, sample_weight=None)`: class ids (or scores) of any shape, flattened;
    sample_weight of rank 0, of y_true's shape, or of its leading axes (e.g. (batch,)); 0 masks.

    Examples
    --------
    >>> m = gw.metrics.IoU(num_classes=2, target_class_ids=[0])
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])       # cm [[1, 1], [1, 1]]: IoU 1 / 3 each
    >>> round(m.result(), 6)
    0.333333
    >>> m.reset_state()
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=[0.3, 0.3, 0.3, 0.1])
    >>> round(m.result(), 6)
    0.333333
    """

    def __init__(self, num_classes: int, target_class_ids: Sequence[int], name: str | None = None,
                 dtype: DTypeLike | None = None, ignore_class: int | None = None, sparse_y_true: bool = True,
                 sparse_y_pred: bool = True, axis: int = -1):
        owner = type(self).__name__
        if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
            raise ValueError(f"{owner}: `num_classes` must be a positive integer, got {num_classes!r}")
        ids = list(target_class_ids)
        if not ids or max(ids) >= num_classes or min(ids) < 0:
            raise ValueError(f"{owner}: target_class_ids must be class ids in [0, {num_classes}), got {ids}")
        self.num_classes, self.target_class_ids = int(num_classes), ids
        self.ignore_class, self.axis = ignore_class, axis
        self.sparse_y_true, self.sparse_y_pred = sparse_y_true, sparse_y_pred
        super().__init__(name=name, dtype=dtype)

    def reset_state(self) -> None:
        self.total_cm = np.zeros((self.num_classes, self.num_classes))

    def _labels(self, values: Tensor | ArrayLike, sparse: bool) -> np.ndarray:
        """Class ids: `values` as they are, or their argmax along `axis`."""
        values = as_array(values)
        return values if sparse else np.argmax(values, axis=self.axis)

    def update_state(self, y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike,
                     sample_weight: Tensor | ArrayLike | None = None) -> None:
        """Add one batch's weighted (true class, predicted class) pairs to the confusion matrix."""
        y_true = self._labels(y_true, self.sparse_y_true)
        y_pred = self._labels(y_pred, self.sparse_y_pred)
        if y_true.size != y_pred.size:
            raise ValueError(f"{self.name}: y_true of shape {y_true.shape} and y_pred of shape {y_pred.shape} "
                             "hold different numbers of labels")
        y_pred = y_pred.reshape(y_true.shape)
        weights = np.ones(y_true.shape)
        if sample_weight is not None:
            sw = as_array(sample_weight, np.float64)
            if sw.size == y_true.size:
                sw = sw.reshape(y_true.shape)
            try:
                weights = np.broadcast_to(sw.reshape(sw.shape + (1,) * (y_true.ndim - sw.ndim)), y_true.shape)
            except ValueError:
                raise ValueError(f"{self.name}: sample_weight of shape {sw.shape} does not fit labels of shape "
                                 f"{y_true.shape}") from None
        y_true, y_pred = y_true.astype(np.int64), y_pred.astype(np.int64)
        if self.ignore_class is not None:
            valid = y_true != self.ignore_class
            y_true, y_pred, weights = y_true * valid, y_pred * valid, weights * valid
        try:
            cm = confusion_matrix(y_true, y_pred, self.num_classes, weights=weights)
        except ValueError as error:
            raise ValueError(f"{self.name}: {error} (num_classes={self.num_classes})") from None
        self.total_cm += cm

    def result(self) -> float:
        """The mean IoU of the target classes that occur (0 when none does)."""
        tp = np.diag(self.total_cm)[self.target_class_ids]
        denominator = (self.total_cm.sum(axis=0) + self.total_cm.sum(axis=1))[self.target_class_ids] - tp
        occurring = np.sum(denominator > 1e-9)
        return float(np.sum(tp / (denominator + EPSILON)) / (occurring + EPSILON))

    def get_config(self) -> dict:
        return {**super().get_config(), "num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class BinaryIoU(IoU):
    """IoU of a binary task: predictions >= `threshold` are class 1, the rest class 0.

    Parameters
    ----------
    target_class_ids : (0,), (1,) or (0, 1), default (0, 1)
        The classes whose IoUs are averaged.
    threshold : float, default 0.5
    name, dtype : as for `Metric`

    Examples
    --------
    >>> m = gw.metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
    >>> m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])
    >>> round(m.result(), 6)
    0.333333
    >>> m.reset_state()
    >>> m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7], sample_weight=[0.2, 0.3, 0.4, 0.1])
    >>> round(m.result(), 6)                  # cm [[0.2, 0.4], [0.3, 0.1]]: IoUs 0.222 and 0.125
    0.173611
    """

    def __init__(self, target_class_ids: Sequence[int] = (0, 1), threshold: float = 0.5, name: str | None = None,
                 dtype: DTypeLike | None = None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike,
                     sample_weight: Tensor | ArrayLike | None = None) -> None:
        """Threshold y_pred (>= threshold: class 1), then count as `IoU` does."""
        super().update_state(y_true, (as_array(y_pred, np.float64) >= self.threshold).astype(np.int64),
                             sample_weight)

    def get_config(self) -> dict:
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold, "name": self.name,
                "dtype": self.dtype}


class MeanIoU(IoU):
    """The mean IoU over all `num_classes` classes (those that occur).

    The arguments are those of `IoU` without `target_class_ids`.

    Examples
    --------
    >>> m = gw.metrics.MeanIoU(num_classes=2)
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    >>> round(m.result(), 6)
    0.333333
    >>> m.reset_state()
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=[0.3, 0.3, 0.3, 0.1])
    >>> round(m.result(), 6)
    0.238095
    """

    def __init__(self, num_classes: int, name: str | None = None, dtype: DTypeLike | None = None,
                 ignore_class: int | None = None, sparse_y_true: bool = True, sparse_y_pred: bool = True,
                 axis: int = -1):
        ids = list(range(num_classes)) if isinstance(num_classes, (int, np.integer)) else []
        super().__init__(num_classes, ids, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["target_class_ids"]
        return config


class _OneHotLabels:
    """Of the one-hot IoU metrics: y_true is always class scores, so the config leaves out sparse_y_true."""

    def get_config(self) -> dict:
        config = super().get_config()
        del config["sparse_y_true"]
        return config


class OneHotIoU(_OneHotLabels, IoU):
    """`IoU` for one-hot labels: y_true (and, unless sparse_y_pred, y_pred) hold class scores along `axis`.

    The arguments are those of `IoU`, with `sparse_y_true` fixed to False and `sparse_y_pred`
    defaulting to False.

    Examples
    --------
    >>> y_true = np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]])
    >>> y_pred = np.array([[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]])
    >>> m = gw.metrics.OneHotIoU(num_classes=3, target_class_ids=[0, 2])
    >>> m.update_state(y_true, y_pred, sample_weight=[0.1, 0.2, 0.3, 0.4])
    >>> round(m.result(), 3)
    0.071
    """

    def __init__(self, num_classes: int, target_class_ids: Sequence[int], name: str | None = None,
                 dtype: DTypeLike | None = None, ignore_class: int | None = None, sparse_y_pred: bool = False,
                 axis: int = -1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)


class OneHotMeanIoU(_OneHotLabels, MeanIoU):
    """`MeanIoU` for one-hot labels (see `OneHotIoU`).

    Examples
    --------
    >>> y_true = np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]])
    >>> y_pred = np.array([[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]])
    >>> m = gw.metrics.OneHotMeanIoU(num_classes=3)
    >>> m.update_state(y_true, y_pred, sample_weight=[0.1, 0.2, 0.3, 0.4])
    >>> round(m.result(), 3)
    0.048
    """

    def __init__(self, num_classes: int, name: str | None = None, dtype: DTypeLike | None = None,
                 ignore_class: int | None = None, sparse_y_pred: bool = False, axis: int = -1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)
