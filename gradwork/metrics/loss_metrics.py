"""Metrics that are running means of a `gw.losses` function: the percentage, logarithmic and log-cosh
errors, cosine similarity, the hinges, Poisson, Kullback-Leibler and the cross-entropies.

The per-sample values come from the loss functions themselves (one home for the math), called on
float64 copies of the plain arrays, so no graph is recorded and the state is float64 like every
metric's. Each class is Keras's, with its name, arguments and defaults.

Shapes: y_true and y_pred (batch, ..., d), the same but for a trailing axis of 1 (integer labels
(batch, ...) for the sparse cross-entropy); sample_weight (batch,) or broadcastable to the
per-sample values (batch, ...).
"""
import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .. import losses
from ..losses import squeeze_or_expand_to_same_rank
from ..losses.functions import check_label_smoothing, sparse_crossentropy_and_mask
from ..tensor import Tensor, as_array
from .functions import METRIC_FUNCTIONS
from .mean import Mean, MeanMetricWrapper


def _float64(y_true, y_pred):
    return as_array(y_true, np.float64), as_array(y_pred, np.float64)


def cosine_similarity(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike, axis: int = -1) -> np.ndarray:
    """The cosine of the angle between y_true and y_pred along `axis`: 1 when they point the same way,
    0 when orthogonal (the negative of the loss `gw.losses.cosine_similarity`).

    Parameters
    ----------
    y_true, y_pred : array_like or Tensor, shape (batch, ..., d)
    axis : int

    Returns
    -------
    ndarray of float64, y_pred's shape without `axis`

    Examples
    --------
    >>> gw.metrics.cosine_similarity([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [2.0, 2.0]])
    array([0., 1.])
    """
    return -losses.cosine_similarity(*_float64(y_true, y_pred), axis=axis).data


METRIC_FUNCTIONS.add(cosine_similarity)


class LossMean(MeanMetricWrapper):
    """Running (weighted) mean of a per-sample `gw.losses` function, computed on float64 arrays.

    Parameters
    ----------
    fn : callable
        `fn(y_true, y_pred, **kwargs)` -> per-sample values (a Tensor), shape (batch, ...).
    name, dtype : as for `Metric`
    **kwargs
        Passed to `fn`, and saved in the config.
    """

    def update_state(self, y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike,
                     sample_weight: Tensor | ArrayLike | None = None) -> None:
        super().update_state(*_float64(y_true, y_pred), sample_weight)


class MeanAbsolutePercentageError(LossMean):
    """Running mean of `gw.losses.mean_absolute_percentage_error`: 100 |t - p| / max(|t|, 1e-7).

    Examples
    --------
    >>> m = gw.metrics.MeanAbsolutePercentageError()
    >>> m([[2.0, 1.0], [4.0, 2.0]], [[1.0, 1.0], [4.0, 3.0]])       # (25 + 25) / 2
    25.0
    """

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: DTypeLike | None = None):
        super().__init__(losses.mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(LossMean):
    """Running mean of `gw.losses.mean_squared_logarithmic_error`: (log(1 + p) - log(1 + t))^2."""

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: DTypeLike | None = None):
        super().__init__(losses.mean_squared_logarithmic_error, name=name, dtype=dtype)


class LogCoshError(LossMean):
    """Running mean of `gw.losses.log_cosh`: log(cosh(p - t)). Keras's default name is "logcosh"."""

    def __init__(self, name: str = "logcosh", dtype: DTypeLike | None = None):
        super().__init__(losses.log_cosh, name=name, dtype=dtype)


class CosineSimilarity(MeanMetricWrapper):
    """Running mean of `cosine_similarity` along `axis` (1: same direction, -1: opposite).

    Parameters
    ----------
    name, dtype : as for `Metric`
    axis : int
        The axis of the vectors.

    Examples
    --------
    >>> m = gw.metrics.CosineSimilarity(axis=1)
    >>> round(m([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]]), 6)     # (0 + 1) / 2
    0.5
    """

    def __init__(self, name: str = "cosine_similarity", dtype: DTypeLike | None = None, axis: int = -1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class KLDivergence(LossMean):
    """Running mean of `gw.losses.kl_divergence`: sum(t log(t / p)) over the last axis."""

    def __init__(self, name: str = "kl_divergence", dtype: DTypeLike | None = None):
        super().__init__(losses.kl_divergence, name=name, dtype=dtype)


class Poisson(LossMean):
    """Running mean of `gw.losses.poisson`: p - t log(p + 1e-7)."""

    def __init__(self, name: str = "poisson", dtype: DTypeLike | None = None):
        super().__init__(losses.poisson, name=name, dtype=dtype)


class Hinge(LossMean):
    """Running mean of `gw.losses.hinge`: max(1 - t p, 0) for labels -1/1 (0/1 labels are mapped)."""

    def __init__(self, name: str = "hinge", dtype: DTypeLike | None = None):
        super().__init__(losses.hinge, name=name, dtype=dtype)


class SquaredHinge(LossMean):
    """Running mean of `gw.losses.squared_hinge`: max(1 - t p, 0)^2, labels as for `Hinge`."""

    def __init__(self, name: str = "squared_hinge", dtype: DTypeLike | None = None):
        super().__init__(losses.squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(LossMean):
    """Running mean of `gw.losses.categorical_hinge` (one-hot targets): max(best other - true score + 1, 0)."""

    def __init__(self, name: str = "categorical_hinge", dtype: DTypeLike | None = None):
        super().__init__(losses.categorical_hinge, name=name, dtype=dtype)


class BinaryCrossentropy(LossMean):
    """Running mean of `gw.losses.binary_crossentropy` (averaged over the last axis).

    Parameters
    ----------
    name, dtype : as for `Metric`
    from_logits : bool
        y_pred holds logits rather than probabilities.
    label_smoothing : float in [0, 1]
        Moves the targets towards 0.5: t (1 - s) + s / 2.

    Examples
    --------
    >>> m = gw.metrics.BinaryCrossentropy()
    >>> round(m([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]), 6)
    0.814924
    """

    def __init__(self, name: str = "binary_crossentropy", dtype: DTypeLike | None = None,
                 from_logits: bool = False, label_smoothing: float = 0.0):
        check_label_smoothing(label_smoothing, name)
        super().__init__(losses.binary_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)
        self.from_logits, self.label_smoothing = from_logits, label_smoothing


class CategoricalCrossentropy(LossMean):
    """Running mean of `gw.losses.categorical_crossentropy`, for one-hot (or soft) targets.

    Parameters
    ----------
    name, dtype : as for `Metric`
    from_logits : bool
    label_smoothing : float in [0, 1]
        Mixes the targets with the uniform distribution: t (1 - s) + s / classes.
    axis : int
        The class axis.
    """

    def __init__(self, name: str = "categorical_crossentropy", dtype: DTypeLike | None = None,
                 from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1):
        check_label_smoothing(label_smoothing, name)
        super().__init__(losses.categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class SparseCategoricalCrossentropy(LossMean):
    """Running mean of `gw.losses.sparse_categorical_crossentropy`: integer labels (batch, ...),
    class probabilities (or logits) (batch, ..., classes).

    Parameters
    ----------
    name, dtype : as for `Metric`
    from_logits : bool
    ignore_class : int, optional
        Samples with this label have the value 0. As in Keras, they still count in the average when
        no sample_weight is given, and get weight 0 when one is.
    axis : -1
        Only the last axis can hold the classes.

    Examples
    --------
    >>> m = gw.metrics.SparseCategoricalCrossentropy()
    >>> round(m([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]), 6)    # (-log 0.95 - log 0.1) / 2
    1.176939
    """

    def __init__(self, name: str = "sparse_categorical_crossentropy", dtype: DTypeLike | None = None,
                 from_logits: bool = False, ignore_class: int | None = None, axis: int = -1):
        super().__init__(losses.sparse_categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.from_logits, self.ignore_class, self.axis = from_logits, ignore_class, axis

    def update_state(self, y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike,
                     sample_weight: Tensor | ArrayLike | None = None) -> None:
        values, valid = sparse_crossentropy_and_mask(
            *_float64(y_true, y_pred), self.from_logits, self.ignore_class, self.axis, self.name
        )
        if valid is not None and sample_weight is not None:
            valid, weights = squeeze_or_expand_to_same_rank(valid, as_array(sample_weight, np.float64))
            weights = weights.reshape(weights.shape + (1,) * (valid.ndim - weights.ndim))
            sample_weight = weights * valid
        Mean.update_state(self, values, sample_weight)
