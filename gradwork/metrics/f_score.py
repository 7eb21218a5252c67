"""Keras 3's `FBetaScore` and `F1Score`: the weighted harmonic mean of precision and recall, per class
or averaged, from running weighted counts of (batch, classes) predictions."""
import numbers

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from ..tensor import Tensor
from ..tensor import as_array
from .base import Metric
from .confusion import EPSILON

_AVERAGES = (None, "micro", "macro", "weighted")


class FBetaScore(Metric):
    """F-beta score: (1 + b^2) * precision * recall / (b^2 * precision + recall), with b = beta.

    Predictions (batch, classes) become 0/1: above `threshold`, or (threshold None) each row's
    largest value(s) when nonzero. Per class (or, for "micro", over all classes together) the
    running weighted TP, FP, FN and support (positive labels) give, as Keras computes them,
    precision = TP / (TP + FP + 1e-7), recall = TP / (TP + FN + 1e-7) and
    F = (1 + b^2) * precision * recall / (b^2 * precision + recall + 1e-7).

    Parameters
    ----------
    average : {None, "micro", "macro", "weighted"}, default None
        None: one score per class (`result()` is an array); "micro": one score from the counts summed
        over classes; "macro": the mean of the class scores; "weighted": their mean weighted by support.
    beta : float > 0, default 1.0
        How much more recall weighs than precision.
    threshold : float in (0, 1], optional
    name : str, default "fbeta_score"
    dtype : as for `Metric`

    `update_state(y_true, y_pred, sample_weight=None)`: y_true and y_pred of shape (batch, classes)
    (labels 0/1, several per row allowed), sample_weight of shape (batch,) (or a scalar).

    Examples
    --------
    >>> m = gw.metrics.FBetaScore(beta=2.0, threshold=0.5)
    >>> m.update_state(np.array([[1, 1, 1], [1, 0, 0], [1, 1, 0]]),
    ...                np.array([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]]))
    >>> m.result().round(6)
    array([0.384615, 0.909091, 0.833333])
    """

    def __init__(self, average: str | None = None, beta: float = 1.0, threshold: float | None = None,
                 name: str = "fbeta_score", dtype: DTypeLike | None = None):
        owner = type(self).__name__
        if average not in _AVERAGES:
            raise ValueError(f"{owner}: invalid `average` {average!r}; expected one of {list(_AVERAGES)}")
        if isinstance(beta, bool) or not isinstance(beta, numbers.Real) or not beta > 0:
            raise ValueError(f"{owner}: `beta` must be a float > 0, got {beta!r}")
        if threshold is not None and (
            isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not 0 < threshold <= 1
        ):
            raise ValueError(f"{owner}: `threshold` must be a float with 0 < threshold <= 1, got {threshold!r}")
        self.average, self.beta = average, float(beta)
        self.threshold = None if threshold is None else float(threshold)
        self._num_classes = None  # fixed by the first batch, as Keras builds its state then
        super().__init__(name=name, dtype=dtype)

    def reset_state(self) -> None:
        shape = () if self.average == "micro" else (self._num_classes,)
        zeros = (lambda: None) if self._num_classes is None else (lambda: np.zeros(shape))
        self.true_positives, self.false_positives, self.false_negatives = zeros(), zeros(), zeros()
        self.intermediate_weights = zeros()

    def update_state(self, y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike,
                     sample_weight: Tensor | ArrayLike | None = None) -> None:
        """Add one batch: y_true, y_pred of shape (batch, classes), sample_weight (batch,) or scalar."""
        y_true, y_pred = as_array(y_true, np.float64), as_array(y_pred, np.float64)
        if y_pred.ndim != 2 or y_true.shape != y_pred.shape:
            raise ValueError(f"{self.name}: expects y_true and y_pred of one shape (batch_size, output_dim), "
                             f"got y_true.shape={y_true.shape} and y_pred.shape={y_pred.shape}")
        if self._num_classes is not None and y_pred.shape[1] != self._num_classes:
            raise ValueError(f"{self.name}: y_pred has {y_pred.shape[1]} classes, earlier batches had "
                             f"{self._num_classes}")
        w = np.ones((len(y_pred), 1))
        if sample_weight is not None:
            sw = as_array(sample_weight, np.float64)
            if sw.shape not in ((), (len(y_pred),)):
                raise ValueError(f"{self.name}: sample_weight must have shape ({len(y_pred)},) (one weight per "
                                 f"sample), got {sw.shape}")
            w = np.broadcast_to(sw, (len(y_pred),))[:, None]
        if self.threshold is None:
            row_max = y_pred.max(axis=-1, keepdims=True)
            predicted = (y_pred >= row_max) & (np.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        predicted = predicted.astype(np.float64)
        axis = None if self.average == "micro" else 0
        counts = [(predicted * y_true * w).sum(axis=axis), (predicted * (1 - y_true) * w).sum(axis=axis),
                  ((1 - predicted) * y_true * w).sum(axis=axis), (y_true * w).sum(axis=axis)]
        if self.true_positives is None:
            self._num_classes = y_pred.shape[1]
            self.true_positives, self.false_positives, self.false_negatives, self.intermediate_weights = (
                np.zeros(np.shape(c)) for c in counts)
        self.true_positives += counts[0]
        self.false_positives += counts[1]
        self.false_negatives += counts[2]
        self.intermediate_weights += counts[3]

    def result(self) -> np.ndarray | float:
        """The scores: an array (classes,) for average=None, else a float (0.0 before any data)."""
        if self.true_positives is None:
            return 0.0
        tp = self.true_positives
        precision = tp / (tp + self.false_positives + EPSILON)
        recall = tp / (tp + self.false_negatives + EPSILON)
        b2 = self.beta ** 2
        score = (1 + b2) * (precision * recall / (b2 * precision + recall + EPSILON))
        if self.average is None:
            return score
        if self.average == "weighted":
            support = self.intermediate_weights
            return float(np.sum(score * support / (np.sum(support) + EPSILON)))
        return float(np.mean(score))

    def get_config(self) -> dict:
        return {**super().get_config(), "average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """F1 score: 2 * precision * recall / (precision + recall), `FBetaScore` with beta = 1.

    Parameters
    ----------
    average : {None, "micro", "macro", "weighted"}, default None
        As for `FBetaScore`; None gives one score per class (an array).
    threshold : float in (0, 1], optional
        Predictions above it are positive; None: each row's largest (nonzero) prediction.
    name : str, default "f1_score"
    dtype : as for `Metric`

    Examples
    --------
    >>> m = gw.metrics.F1Score(threshold=0.5)
    >>> m.update_state(np.array([[1, 1, 1], [1, 0, 0], [1, 1, 0]]),
    ...                np.array([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]]))
    >>> m.result().round(6)
    array([0.5     , 0.8     , 0.666667])
    """

    def __init__(self, average: str | None = None, threshold: float | None = None, name: str = "f1_score",
                 dtype: DTypeLike | None = None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["beta"]
        return config
