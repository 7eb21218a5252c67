"""Keras's regression, count and distribution losses, each one value per sample over the last axis:
mean absolute percentage error, mean squared logarithmic error, log-cosh, cosine similarity, Poisson
and Kullback-Leibler divergence.

Shapes: y_true and y_pred (batch, ..., d), the same but for a trailing axis of 1 on either; the result
(batch, ...). The small constant that keeps divisions and logarithms finite is Keras's 1e-7.
"""
import math

from numpy.typing import ArrayLike

from ..ops.nn.activations import softplus
from ..ops.nn.norms import normalize
from ..tensor import Tensor
from .functions import EPSILON, LOSS_FUNCTIONS, mean_over
from .shapes import matched, prediction, target


def _pair(y_true, y_pred, name):
    y_pred = prediction(y_pred)
    return matched(target(y_true, y_pred), y_pred, name)


def mean_absolute_percentage_error(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike) -> Tensor:
    """100 mean(|y_true - y_pred| / max(|y_true|, 1e-7)) over the last axis.

    Examples
    --------
    >>> gw.losses.mean_absolute_percentage_error([[2.0, 1.0], [2.0, 3.0]], [[1.0, 1.0], [1.0, 0.0]])
    tensor([25., 75.])
    """
    y_true, y_pred = _pair(y_true, y_pred, "mean_absolute_percentage_error")
    return 100.0 * mean_over(((y_true - y_pred) / y_true.abs().maximum(EPSILON)).abs(), -1)


def mean_squared_logarithmic_error(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike) -> Tensor:
    """mean((log(1 + max(y_pred, 1e-7)) - log(1 + max(y_true, 1e-7)))^2) over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred, "mean_squared_logarithmic_error")
    difference = (y_pred.maximum(EPSILON) + 1.0).log() - (y_true.maximum(EPSILON) + 1.0).log()
    return mean_over(difference * difference, -1)


def log_cosh(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike) -> Tensor:
    """mean(log(cosh(y_pred - y_true))) over the last axis: about e^2 / 2 for small errors e, |e| - log 2
    for large ones. Computed as e + softplus(-2 e) - log 2, which cannot overflow."""
    y_true, y_pred = _pair(y_true, y_pred, "log_cosh")
    error = y_pred - y_true
    return mean_over(error + softplus(-2.0 * error) - math.log(2.0), -1)


def cosine_similarity(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike, axis: int = -1) -> Tensor:
    """The negative cosine of the angle between y_true and y_pred along `axis`: -1 when they point the
    same way, 0 when orthogonal, so that minimizing it aligns them. Each vector is divided by
    max(|v|, 1e-7), as Keras does (a zero vector stays zero, with a finite gradient).

    Parameters
    ----------
    y_true, y_pred : Tensor or array_like, shape (batch, ..., d)
    axis : int
        The axis of the vectors.

    Returns
    -------
    Tensor, y_pred's shape without `axis`

    Examples
    --------
    >>> gw.losses.cosine_similarity([[0.0, 2.0], [1.0, 0.0]], [[0.0, 1.0], [0.0, 3.0]])  # same way, orthogonal
    tensor([-1., -0.])
    """
    y_true, y_pred = _pair(y_true, y_pred, "cosine_similarity")
    return -(normalize(y_true, 2, (axis,), EPSILON) * normalize(y_pred, 2, (axis,), EPSILON)).sum(axis=axis)


def poisson(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike) -> Tensor:
    """mean(y_pred - y_true log(y_pred + 1e-7)) over the last axis: the Poisson negative log-likelihood of
    counts y_true for rates y_pred, without the log(y_true!) term that does not depend on y_pred."""
    y_true, y_pred = _pair(y_true, y_pred, "poisson")
    return mean_over(y_pred - y_true * (y_pred + EPSILON).log(), -1)


def kl_divergence(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike) -> Tensor:
    """sum(t log(t / p)) over the last axis, with t = y_true and p = y_pred both clipped to [1e-7, 1]:
    the Kullback-Leibler divergence of the distribution p from t."""
    y_true, y_pred = _pair(y_true, y_pred, "kl_divergence")
    t, p = y_true.clip(EPSILON, 1.0), y_pred.clip(EPSILON, 1.0)
    return (t * (t / p).log()).sum(axis=-1)


for _fn in (mean_absolute_percentage_error, mean_squared_logarithmic_error, log_cosh, cosine_similarity,
            poisson, kl_divergence):
    LOSS_FUNCTIONS.add(_fn)
