"""Keras's hinge losses, for classifiers that output scores rather than probabilities: `hinge` and
`squared_hinge` for labels -1/1 (or 0/1, converted), `categorical_hinge` for one-hot targets.

Shapes: y_true and y_pred (batch, ..., d), the same but for a trailing axis of 1 on either; the result
(batch, ...).
"""
import numpy as np
from numpy.typing import ArrayLike

from ..tensor import Tensor
from .functions import LOSS_FUNCTIONS, mean_over
from .shapes import matched, prediction, target


def _margin_shortfall(y_true, y_pred, name):
    """max(1 - t y_pred, 0) per element, with t = 2 y_true - 1 when every label is 0 or 1 (as Keras:
    the whole batch is converted or none of it)."""
    y_pred = prediction(y_pred)
    y_true, y_pred = matched(target(y_true, y_pred), y_pred, name)
    if np.all((y_true.data == 0) | (y_true.data == 1)):
        y_true = 2.0 * y_true - 1.0
    return (1.0 - y_true * y_pred).relu()


def hinge(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike) -> Tensor:
    """mean(max(1 - y_true y_pred, 0)) over the last axis, for labels -1/1 (0/1 labels are mapped to them).

    Examples
    --------
    >>> gw.losses.hinge([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])   # labels -1/1 after mapping
    tensor([1.1, 1.5])
    """
    return mean_over(_margin_shortfall(y_true, y_pred, "hinge"), -1)


def squared_hinge(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike) -> Tensor:
    """mean(max(1 - y_true y_pred, 0)^2) over the last axis, labels as for `hinge`."""
    shortfall = _margin_shortfall(y_true, y_pred, "squared_hinge")
    return mean_over(shortfall * shortfall, -1)


def categorical_hinge(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike) -> Tensor:
    """max(neg - pos + 1, 0) per sample, for one-hot targets t over the last axis: pos = sum(t y_pred) is
    the true class's score, neg = max((1 - t) y_pred) the best other score."""
    y_pred = prediction(y_pred)
    y_true, y_pred = matched(target(y_true, y_pred), y_pred, "categorical_hinge")
    positive = (y_true * y_pred).sum(axis=-1)
    negative = ((1.0 - y_true) * y_pred).max(axis=-1)
    return (negative - positive + 1.0).relu()


for _fn in (hinge, squared_hinge, categorical_hinge):
    LOSS_FUNCTIONS.add(_fn)
