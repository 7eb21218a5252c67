"""Running means: `Mean` (of values given), `MeanMetricWrapper` (of a per-sample function), and the
mean squared / absolute error metrics."""
import numpy as np

from ..losses import squeeze_or_expand_to_same_rank
from ..registry import FunctionWrapperConfig
from .base import Metric, as_array
from .functions import METRIC_FUNCTIONS, mean_absolute_error, mean_squared_error


def _samplewise(values, sample_weight):
    """Keras's reduction to one (weighted) value per sample: (values, per-sample weights or None)."""
    values = as_array(values, np.float64)
    if sample_weight is not None:
        sw = as_array(sample_weight, np.float64)
        values, sw = squeeze_or_expand_to_same_rank(values, sw)
        if values.ndim > sw.ndim:
            values = values.mean(axis=tuple(range(sw.ndim, values.ndim)))
        try:
            sw = np.broadcast_to(sw, values.shape)
        except ValueError:
            raise ValueError(
                f"sample_weight of shape {sw.shape} does not fit values of shape {values.shape}"
            ) from None
        values = values * sw
        if sw.ndim > 1:
            sw = sw.mean(axis=tuple(range(1, sw.ndim)))
    else:
        sw = None
    if values.ndim > 1:
        values = values.mean(axis=tuple(range(1, values.ndim)))
    return values, sw


class Mean(Metric):
    """Running (weighted) mean of the values given, per sample: the loss tracker of the fit loop."""

    def reset_state(self):
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values, sample_weight=None):
        values, sw = _samplewise(values, sample_weight)
        self.total += float(np.sum(values))
        if sw is not None:
            self.count += float(np.sum(sw))
        else:
            self.count += values.shape[0] if values.ndim else 1

    def result(self):
        return self.total / self.count if self.count else 0.0


class MeanMetricWrapper(FunctionWrapperConfig, Mean):
    """Running mean of a per-sample function `fn(y_true, y_pred, **kwargs)`."""

    functions = METRIC_FUNCTIONS

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        self.fn = fn
        self._fn_kwargs = kwargs
        super().__init__(name=name or getattr(fn, "__name__", None), dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        super().update_state(self.fn(y_true, y_pred, **self._fn_kwargs), sample_weight)


class MeanSquaredError(MeanMetricWrapper):
    """Running mean of the per-sample mean squared error."""

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Running mean of the per-sample mean absolute error."""

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, dtype=dtype)
