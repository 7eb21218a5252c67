"""Regression metrics beyond the mean errors: root mean squared error, R^2 (from streaming sums, as
Keras), and the Pearson and concordance correlations (means over samples of per-sample values).

Shapes: y_true and y_pred (batch, ..., d), the same but for a trailing axis of 1 on either; R^2 takes
(batch, outputs) only.
"""
import numbers
import warnings

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from ..losses import EPSILON
from ..tensor import Tensor, as_array
from .base import Metric
from .functions import METRIC_FUNCTIONS, _regression_pair
from .mean import Mean, MeanMetricWrapper


class RootMeanSquaredError(Mean):
    """sqrt of the running (weighted) mean of the squared errors (y_pred - y_true)^2.

    `name` and `dtype` as for `Metric`. sample_weight may weight samples, shape (batch,), or each
    value, y_true's shape.

    Examples
    --------
    >>> m = gw.metrics.RootMeanSquaredError()
    >>> m([[0, 1], [0, 0]], [[1, 1], [0, 0]], sample_weight=[1, 0])     # sqrt((1 + 0) / 2)
    0.7071067811865476
    """

    def __init__(self, name: str = "root_mean_squared_error", dtype: DTypeLike | None = None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike,
                     sample_weight: Tensor | ArrayLike | None = None) -> None:
        """Add a batch: y_true and y_pred of one shape (batch, ...), sample_weight as for `Mean`."""
        y_true, y_pred = _regression_pair(y_true, y_pred, self.name)
        super().update_state((y_pred - y_true) ** 2, sample_weight)

    def result(self) -> float:
        return float(np.sqrt(super().result()))


_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


class R2Score(Metric):
    """The coefficient of determination, 1 - sum w (t - p)^2 / sum w (t - mean_w(t))^2, per output
    from running weighted sums (so every batch since the reset counts as one data set).

    An output whose targets are all equal scores 0 when the ratio is infinite, nan when both sums are
    0 (as Keras). With `num_regressors` p > 0 this is the adjusted R^2, 1 - (1 - R^2)(n - 1)/(n - p - 1)
    with n the samples that have a non-zero weight; when n - 1 <= p a warning says so and the plain
    R^2 is returned.

    Parameters
    ----------
    class_aggregation : None, "uniform_average" or "variance_weighted_average"
        How the outputs' scores combine: a list of them, their mean, or their mean weighted by
        each output's sum of squares (as scikit-learn's `multioutput`).
    num_regressors : int >= 0
        The number of independent variables of the model, for the adjusted R^2.
    name, dtype : as for `Metric`

    Examples
    --------
    >>> m = gw.metrics.R2Score()
    >>> round(m([[1.0], [4.0], [3.0]], [[2.0], [4.0], [4.0]]), 6)     # 1 - 2 / (14 / 3)
    0.571429
    """

    def __init__(self, class_aggregation: str | None = "uniform_average", num_regressors: int = 0,
                 name: str = "r2_score", dtype: DTypeLike | None = None):
        if class_aggregation not in _AGGREGATIONS:
            raise ValueError(
                f"{name}: class_aggregation must be one of {_AGGREGATIONS}, got {class_aggregation!r}"
            )
        if isinstance(num_regressors, bool) or not isinstance(num_regressors, numbers.Integral) \
                or num_regressors < 0:
            raise ValueError(f"{name}: num_regressors must be an integer >= 0, got {num_regressors!r}")
        self.class_aggregation, self.num_regressors = class_aggregation, num_regressors
        self._sums = None  # rows: weighted sum of t, of t^2, of (t - p)^2, summed weights; one column per output
        super().__init__(name=name, dtype=dtype)

    def reset_state(self) -> None:
        if self._sums is not None:
            self._sums[:] = 0.0
        self.num_samples = 0

    def update_state(self, y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike,
                     sample_weight: Tensor | ArrayLike | None = None) -> None:
        """Add a batch.

        Parameters
        ----------
        y_true, y_pred : array_like or Tensor, shape (batch, outputs)
            The number of outputs is fixed by the first batch.
        sample_weight : array_like or Tensor, optional
            Shape (batch,) (one weight per sample) or broadcastable to (batch, outputs).
        """
        y_true, y_pred = _regression_pair(y_true, y_pred, self.name)
        if y_true.ndim != 2:
            raise ValueError(
                f"{self.name}: expects y_true and y_pred of shape (batch, outputs), got {y_true.shape}"
            )
        if self._sums is not None and y_true.shape[1] != self._sums.shape[1]:
            raise ValueError(
                f"{self.name}: earlier batches had {self._sums.shape[1]} outputs, this one has {y_true.shape[1]}"
            )
        weights = np.float64(1.0) if sample_weight is None else as_array(sample_weight, np.float64)
        if weights.ndim == 1:
            weights = weights[:, None]
        try:
            weights = np.broadcast_to(weights, y_true.shape)
        except ValueError:
            raise ValueError(
                f"{self.name}: sample_weight of shape {as_array(sample_weight).shape} does not fit y_true of "
                f"shape {y_true.shape}"
            ) from None
        batch = np.stack([weights * y_true, weights * y_true ** 2, weights * (y_true - y_pred) ** 2, weights])
        if self._sums is None:
            self._sums = np.zeros((4, y_true.shape[1]))
        self._sums += batch.sum(axis=1)
        self.num_samples += int(np.count_nonzero(np.any(weights != 0, axis=-1)))

    def result(self) -> float | list[float]:
        """The aggregated score (a list of floats for class_aggregation=None); 0.0 before any data."""
        if self._sums is None or not self.num_samples:
            return 0.0
        total, squares, residual, count = self._sums
        with np.errstate(divide="ignore", invalid="ignore"):
            spread = squares - total * (total / count)
            scores = 1.0 - residual / spread
        scores = np.where(np.isinf(scores), 0.0, scores)
        if self.class_aggregation is None:
            score = scores
        elif self.class_aggregation == "uniform_average":
            score = scores.mean()
        else:
            score = np.sum(spread * scores) / np.sum(spread)
        score = self._adjusted(score)
        return score.tolist() if self.class_aggregation is None else float(score)

    def _adjusted(self, score):
        n, p = self.num_samples, self.num_regressors
        if p == 0:
            return score
        if p >= n - 1:
            problem = "more regressors than data points" if p > n - 1 else "a division by zero"
            warnings.warn(
                f"{self.name}: the adjusted R^2 of {n} samples with num_regressors={p} has {problem}; "
                "returning the plain R^2", stacklevel=3,
            )
            return score
        return 1.0 - (1.0 - score) * (n - 1) / (n - p - 1)

    def get_config(self) -> dict:
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}


def _axis_pair(y_true, y_pred, axis, name):
    """(y_true, y_pred, axis) as float64 arrays of one shape and an int or a tuple (a config's list)."""
    y_true, y_pred = _regression_pair(y_true, y_pred, name)
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    if not axes or not all(
        isinstance(a, numbers.Integral) and not isinstance(a, bool) and -y_pred.ndim <= a < y_pred.ndim
        for a in axes
    ):
        raise ValueError(f"{name}: axis {axis!r} is out of range for y_pred of shape {y_pred.shape}")
    return y_true, y_pred, axes if isinstance(axis, (tuple, list)) else axis


def pearson_correlation(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike,
                        axis: int | tuple[int, ...] = -1) -> np.ndarray:
    """The Pearson correlation of y_true and y_pred along `axis`: mean(z_t z_p), with z the values
    minus their mean, over their (population) standard deviation. nan where either is constant.

    Parameters
    ----------
    y_true, y_pred : array_like or Tensor, shape (batch, ..., d)
    axis : int or tuple of int

    Returns
    -------
    ndarray of float64, y_pred's shape without `axis`

    Examples
    --------
    >>> gw.metrics.pearson_correlation([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]], [[2.0, 4.0, 6.0], [3.0, 2.0, 1.0]])
    array([ 1., -1.])
    """
    y_true, y_pred, axis = _axis_pair(y_true, y_pred, axis, "pearson_correlation")
    t = y_true - y_true.mean(axis=axis, keepdims=True)
    p = y_pred - y_pred.mean(axis=axis, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        t, p = t / t.std(axis=axis, keepdims=True), p / p.std(axis=axis, keepdims=True)
    return (t * p).mean(axis=axis)


def concordance_correlation(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike,
                            axis: int | tuple[int, ...] = -1) -> np.ndarray:
    """Lin's concordance correlation of y_true and y_pred along `axis`: 2 cov(t, p) / (var(t) + var(p)
    + (mean(t) - mean(p))^2 + 1e-7), with population (co)variances. 1 only when p equals t.

    Shapes as for `pearson_correlation`.

    Examples
    --------
    >>> gw.metrics.concordance_correlation([[1.0, 2.0, 3.0]], [[2.0, 3.0, 4.0]])   # shifted by 1: 4/3 / 7/3
    array([0.57142855])
    """
    y_true, y_pred, axis = _axis_pair(y_true, y_pred, axis, "concordance_correlation")
    t_mean, p_mean = y_true.mean(axis=axis, keepdims=True), y_pred.mean(axis=axis, keepdims=True)
    covariance = ((y_true - t_mean) * (y_pred - p_mean)).mean(axis=axis, keepdims=True)
    spread = y_true.var(axis=axis, keepdims=True) + y_pred.var(axis=axis, keepdims=True) + (t_mean - p_mean) ** 2
    return np.squeeze(2.0 * covariance / (spread + EPSILON), axis=axis)


METRIC_FUNCTIONS.add(pearson_correlation)
METRIC_FUNCTIONS.add(concordance_correlation)


class _Correlation(MeanMetricWrapper):
    """What the correlation metrics share: `fn(y_true, y_pred, axis=axis)` averaged over the samples, the
    axis kept as an int or a list (a tuple becomes the list a JSON config gives back, so a saved
    metric's config reads back the same)."""

    def __init__(self, fn, name, dtype, axis):
        axis = list(axis) if isinstance(axis, tuple) else axis
        super().__init__(fn, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class PearsonCorrelation(_Correlation):
    """Running (weighted) mean of `pearson_correlation` along `axis`: each sample's correlation,
    averaged over the samples (as Keras 3; not the correlation of all the data at once).

    Parameters
    ----------
    name, dtype : as for `Metric`
    axis : int or tuple of int

    Examples
    --------
    >>> m = gw.metrics.PearsonCorrelation()
    >>> round(m([[0, 1, 0.5], [1, 1, 0.2]], [[0.1, 0.9, 0.5], [1, 0.9, 0.2]]), 6)
    0.9967
    """

    def __init__(self, name: str = "pearson_correlation", dtype: DTypeLike | None = None,
                 axis: int | tuple[int, ...] = -1):
        super().__init__(pearson_correlation, name, dtype, axis)


class ConcordanceCorrelation(_Correlation):
    """Running (weighted) mean of `concordance_correlation` along `axis`, per sample as
    `PearsonCorrelation`.

    Parameters
    ----------
    name, dtype : as for `Metric`
    axis : int or tuple of int
    """

    def __init__(self, name: str = "concordance_correlation", dtype: DTypeLike | None = None,
                 axis: int | tuple[int, ...] = -1):
        super().__init__(concordance_correlation, name, dtype, axis)
