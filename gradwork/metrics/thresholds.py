"""Keras's counts of thresholded predictions (`TruePositives`, `TrueNegatives`, `FalsePositives`,
`FalseNegatives`) and the metrics read off a grid of thresholds: the best sensitivity at a
specificity, specificity at a sensitivity, precision at a recall, recall at a precision.

All count with `confusion.threshold_counts`: a prediction above a threshold is positive, a nonzero
label is positive, and each element counts with its `sample_weight`."""
from collections.abc import Sequence

import numpy as np
from numpy.typing import DTypeLike

from .confusion import _ConfusionMetric, divide_no_nan, even_grid


class _ConditionCount(_ConfusionMetric):
    """The weighted count of one confusion condition at each threshold (default 0.5)."""

    _condition = ""  # the name of the count the subclass reports

    def __init__(self, thresholds: float | Sequence[float] | None = None, name: str | None = None,
                 dtype: DTypeLike | None = None):
        self._set_thresholds(thresholds, 0.5)
        super().__init__(name=name, dtype=dtype)

    def result(self) -> float | list[float]:
        """The count: a float for one threshold, a list for several."""
        return self._per_threshold(getattr(self, self._condition))

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConditionCount):
    """Counts (sums the weights of) the true positives: positive label, prediction above the threshold.

    Parameters
    ----------
    thresholds : float or list of float in [0, 1], optional
        Default 0.5: a prediction above it is positive (after logits, use 0). With several thresholds,
        `result()` gives a list, one count per threshold.
    name, dtype : as for `Metric`

    `update_state(y_true, y_pred, sample_weight=None)`: y_true and y_pred of one shape (flattened;
    labels are positive where nonzero), sample_weight of rank 0 or broadcastable to them; 0 masks.

    Examples
    --------
    >>> m = gw.metrics.TruePositives()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> m.result()
    2.0
    >>> m.reset_state()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
    >>> m.result()
    1.0
    """

    _condition = "true_positives"


class TrueNegatives(_ConditionCount):
    """Counts (sums the weights of) the true negatives: zero label, prediction at or below the threshold.

    The arguments and shapes are those of `TruePositives`.

    Examples
    --------
    >>> m = gw.metrics.TrueNegatives()
    >>> m.update_state([0, 1, 0, 0], [1, 1, 0, 0])
    >>> m.result()
    2.0
    >>> m.reset_state()
    >>> m.update_state([0, 1, 0, 0], [1, 1, 0, 0], sample_weight=[0, 0, 1, 0])
    >>> m.result()
    1.0
    """

    _condition = "true_negatives"


class FalsePositives(_ConditionCount):
    """Counts (sums the weights of) the false positives: zero label, prediction above the threshold.

    The arguments and shapes are those of `TruePositives`.

    Examples
    --------
    >>> m = gw.metrics.FalsePositives()
    >>> m.update_state([0, 1, 0, 0], [0, 0, 1, 1])
    >>> m.result()
    2.0
    >>> m.reset_state()
    >>> m.update_state([0, 1, 0, 0], [0, 0, 1, 1], sample_weight=[0, 0, 1, 0])
    >>> m.result()
    1.0
    """

    _condition = "false_positives"


class FalseNegatives(_ConditionCount):
    """Counts (sums the weights of) the false negatives: positive label, prediction at or below the threshold.

    The arguments and shapes are those of `TruePositives`.

    Examples
    --------
    >>> m = gw.metrics.FalseNegatives()
    >>> m.update_state([0, 1, 1, 1], [0, 1, 0, 0])
    >>> m.result()
    2.0
    >>> m.reset_state()
    >>> m.update_state([0, 1, 1, 1], [0, 1, 0, 0], sample_weight=[0, 0, 1, 0])
    >>> m.result()
    1.0
    """

    _condition = "false_negatives"


class _AtValueMetric(_ConfusionMetric):
    """Base of the at-X metrics: counts at `num_thresholds` evenly spaced thresholds 0, 1/(n-1), ..., 1
    (just 0.5 when num_thresholds is 1), and the best `_dependent` among thresholds whose
    `_constrained` rate reaches `value` (0 when none does)."""

    _value_name = ""  # the constructor's first argument: "specificity", "sensitivity", ...

    def __init__(self, value: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: DTypeLike | None = None):
        owner = type(self).__name__
        if not 0 <= value <= 1:
            raise ValueError(f"{owner}: `{self._value_name}` must be in the range [0, 1], got {value}")
        if not isinstance(num_thresholds, (int, np.integer)) or num_thresholds <= 0:
            raise ValueError(f"{owner}: `num_thresholds` must be an integer > 0, got {num_thresholds!r}")
        self.value, self.num_thresholds, self.class_id = value, int(num_thresholds), class_id
        n = self.num_thresholds
        self.thresholds = [0.5] if n == 1 else even_grid(n)
        self._clip = n > 1
        super().__init__(name=name, dtype=dtype)

    def _rates(self) -> dict[str, np.ndarray]:
        tp, fp, tn, fn = self.true_positives, self.false_positives, self.true_negatives, self.false_negatives
        return {"sensitivity": divide_no_nan(tp, tp + fn), "specificity": divide_no_nan(tn, tn + fp),
                "precision": divide_no_nan(tp, tp + fp)}

    def result(self) -> float:
        """The largest dependent rate over the thresholds where the constrained rate >= value, else 0."""
        rates = self._rates()
        feasible = rates[self._constrained] >= self.value
        return float(rates[self._dependent][feasible].max(initial=0.0)) if feasible.any() else 0.0

    def get_config(self) -> dict:
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "class_id": self.class_id,
                self._value_name: self.value}


class SensitivityAtSpecificity(_AtValueMetric):
    """The best sensitivity (recall, TP / (TP + FN)) over thresholds where the specificity
    (TN / (TN + FP)) is at least `specificity`; 0 when no threshold reaches it.

    Rates are 0 where their denominator is. The counts are kept at `num_thresholds` evenly spaced
    thresholds in [0, 1].

    Parameters
    ----------
    specificity : float in [0, 1]
    num_thresholds : int, default 200
        How many thresholds (0, 1/(n-1), ..., 1; just 0.5 for 1); predictions are clipped to [0, 1].
    class_id : int, optional
        Look at that class's column of y_true and y_pred (batch, classes) only.
    name, dtype : as for `Metric`

    `update_state(y_true, y_pred, sample_weight=None)` as for `TruePositives`.

    Examples
    --------
    >>> m = gw.metrics.SensitivityAtSpecificity(0.5)
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    >>> m.result()
    0.5
    >>> m.reset_state()
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8], sample_weight=[1, 1, 2, 2, 1])
    >>> round(m.result(), 6)
    0.333333
    """

    _value_name, _constrained, _dependent = "specificity", "specificity", "sensitivity"

    def __init__(self, specificity: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: DTypeLike | None = None):
        self.specificity = specificity
        super().__init__(specificity, num_thresholds, class_id, name, dtype)


class SpecificityAtSensitivity(_AtValueMetric):
    """The best specificity (TN / (TN + FP)) over thresholds where the sensitivity (TP / (TP + FN))
    is at least `sensitivity`; 0 when none does.

    The arguments are those of `SensitivityAtSpecificity`, with `sensitivity` (in [0, 1]) first.

    Examples
    --------
    >>> m = gw.metrics.SpecificityAtSensitivity(0.5)
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    >>> round(m.result(), 6)
    0.666667
    >>> m.reset_state()
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8], sample_weight=[1, 1, 2, 2, 2])
    >>> m.result()
    0.5
    """

    _value_name, _constrained, _dependent = "sensitivity", "sensitivity", "specificity"

    def __init__(self, sensitivity: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: DTypeLike | None = None):
        self.sensitivity = sensitivity
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)


class PrecisionAtRecall(_AtValueMetric):
    """The best precision (TP / (TP + FP)) over thresholds where the recall (TP / (TP + FN)) is at
    least `recall`; 0 when none does.

    The arguments are those of `SensitivityAtSpecificity`, with `recall` (in [0, 1]) first.

    Examples
    --------
    >>> m = gw.metrics.PrecisionAtRecall(0.5)
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    >>> m.result()
    0.5
    >>> m.reset_state()
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8], sample_weight=[2, 2, 2, 1, 1])
    >>> round(m.result(), 6)
    0.333333
    """

    _value_name, _constrained, _dependent = "recall", "sensitivity", "precision"

    def __init__(self, recall: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: DTypeLike | None = None):
        self.recall = recall
        super().__init__(recall, num_thresholds, class_id, name, dtype)


class RecallAtPrecision(_AtValueMetric):
    """The best recall (TP / (TP + FN)) over thresholds where the precision (TP / (TP + FP)) is at
    least `precision`; 0 when none does (the precision may be out of reach).

    The arguments are those of `SensitivityAtSpecificity`, with `precision` (in [0, 1]) first.

    Examples
    --------
    >>> m = gw.metrics.RecallAtPrecision(0.8)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> m.result()
    0.5
    >>> m.reset_state()
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9], sample_weight=[1, 0, 0, 1])
    >>> m.result()
    1.0
    """

    _value_name, _constrained, _dependent = "precision", "precision", "sensitivity"

    def __init__(self, precision: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: DTypeLike | None = None):
        self.precision = precision
        super().__init__(precision, num_thresholds, class_id, name, dtype)
