"""Running reductions: `Mean` (of values given), `Sum`, `MeanMetricWrapper` (of a per-sample function),
and the mean squared / absolute error metrics."""
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from ..losses import squeeze_or_expand_to_same_rank
from ..registry import FunctionWrapperConfig
from ..tensor import Tensor
from ..tensor import as_array
from .base import Metric
from .functions import METRIC_FUNCTIONS, mean_absolute_error, mean_squared_error


def _samplewise(values, sample_weight, reduce=np.mean):
    """Keras's reduction to one (weighted) value per sample: (values, per-sample weights or None).

    `reduce(array, axis=...)` folds the axes beyond the weights' (np.mean for `Mean`, np.sum for `Sum`)."""
    values = as_array(values, np.float64)
    if sample_weight is not None:
        sw = as_array(sample_weight, np.float64)
        values, sw = squeeze_or_expand_to_same_rank(values, sw)
        if values.ndim > sw.ndim:
            values = reduce(values, axis=tuple(range(sw.ndim, values.ndim)))
        try:
            sw = np.broadcast_to(sw, values.shape)
        except ValueError:
            raise ValueError(
                f"sample_weight of shape {sw.shape} does not fit values of shape {values.shape}"
            ) from None
        values = values * sw
        if sw.ndim > 1:
            sw = reduce(sw, axis=tuple(range(1, sw.ndim)))
    else:
        sw = None
    if values.ndim > 1:
        values = reduce(values, axis=tuple(range(1, values.ndim)))
    return values, sw


class _Reduction(Metric):
    """The running total of the values given, each sample's values folded into one by `_reduce`
    (Keras's `Reduce`): what `Sum` and `Mean` share. Subclasses set `_reduce` and may count samples."""

    _reduce = staticmethod(np.sum)

    def reset_state(self) -> None:
        self.total = 0.0

    def update_state(
        self, values: Tensor | ArrayLike, sample_weight: Tensor | ArrayLike | None = None
    ) -> None:
        """Add a batch of values.

        Parameters
        ----------
        values : array_like or Tensor, shape (batch, ...) or ()
            A sample's values beyond the first axis are folded into one value (averaged by `Mean`,
            summed by `Sum`).
        sample_weight : array_like or Tensor, optional
            Broadcastable to `values` after Keras's rank fix-up (shape (batch,): one weight per
            sample); `Mean` divides by the summed weights instead of the sample count.
        """
        values, sw = _samplewise(values, sample_weight, self._reduce)
        self.total += float(np.sum(values))
        self._count(values, sw)

    def _count(self, values: np.ndarray, sample_weight: np.ndarray | None) -> None:
        """Count the batch's samples (per-sample `values`, per-sample weights or None): `Sum` does not."""


class Mean(_Reduction):
    """Running (weighted) mean of the values given, per sample: the loss tracker of the fit loop.

    `name` and `dtype` as for `Metric`.

    Examples
    --------
    >>> m = gw.metrics.Mean()
    >>> m.update_state([1.0, 2.0]); m.update_state([6.0], sample_weight=[2.0])
    >>> m.result()                          # (1 + 2 + 2 * 6) / (1 + 1 + 2)
    3.75
    """

    _reduce = staticmethod(np.mean)

    def reset_state(self) -> None:
        super().reset_state()
        self.count = 0.0

    def _count(self, values: np.ndarray, sample_weight: np.ndarray | None) -> None:
        if sample_weight is not None:
            self.count += float(np.sum(sample_weight))
        else:
            self.count += values.shape[0] if values.ndim else 1

    def result(self) -> float:
        return self.total / self.count if self.count else 0.0


class Sum(_Reduction):
    """Running (weighted) sum of the values given: sum(values * sample_weight) over every batch.

    `name` and `dtype` as for `Metric`.

    Examples
    --------
    >>> m = gw.metrics.Sum()
    >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    >>> m.result()
    4.0
    """

    def result(self) -> float:
        return self.total


class MeanMetricWrapper(FunctionWrapperConfig, Mean):
    """Running mean of a per-sample function.

    Parameters
    ----------
    fn : callable
        `fn(y_true, y_pred, **kwargs)` -> per-sample values, shape (batch, ...).
    name : str, optional
        Default: fn's name.
    dtype : as for `Metric`
    **kwargs
        Passed to `fn` on each update, and saved in the config.
    """

    functions = METRIC_FUNCTIONS

    def __init__(self, fn: Callable[..., Any], name: str | None = None, dtype: DTypeLike | None = None,
                 **kwargs: Any):
        self.fn = fn
        self._fn_kwargs = kwargs
        super().__init__(name=name or getattr(fn, "__name__", None), dtype=dtype)

    def update_state(self, y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike,
                     sample_weight: Tensor | ArrayLike | None = None) -> None:
        super().update_state(self.fn(y_true, y_pred, **self._fn_kwargs), sample_weight)


class MeanSquaredError(MeanMetricWrapper):
    """Running mean of `mean_squared_error` (y_true, y_pred (batch, ..., d) -> one value per sample)."""

    def __init__(self, name: str = "mean_squared_error", dtype: DTypeLike | None = None):
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Running mean of `mean_absolute_error`, with the shapes of `MeanSquaredError`."""

    def __init__(self, name: str = "mean_absolute_error", dtype: DTypeLike | None = None):
        super().__init__(mean_absolute_error, name=name, dtype=dtype)
