"""Keras's overlap losses for segmentation masks: `dice` and `tversky`, one minus a ratio of the
overlap of y_true and y_pred to their sizes, summed over `axis` (all axes by default, giving one value
for the whole batch). 1e-7 in the denominator keeps empty masks finite.

Shapes: y_true and y_pred of one shape (a trailing axis of 1 on either may differ); the result that
shape without `axis`.
"""
from numpy.typing import ArrayLike

from ..tensor import Tensor
from .functions import EPSILON, LOSS_FUNCTIONS
from .shapes import matched, prediction, target


def _masks(y_true, y_pred, axis, name):
    """(y_true, y_pred) as Tensors of one shape, and `axis` with a list (as a config read from JSON gives)
    made a tuple."""
    y_pred = prediction(y_pred)
    return *matched(target(y_true, y_pred), y_pred, name), tuple(axis) if isinstance(axis, list) else axis


def dice(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike, axis: int | tuple[int, ...] | None = None
         ) -> Tensor:
    """1 - 2 sum(t p) / (sum(t) + sum(p) + 1e-7), the sums over `axis` (None: all of them).

    Examples
    --------
    >>> y_true = [[1.0, 1.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0]]
    >>> y_pred = [[0.0, 1.0, 0.0, 1.0], [0.4, 0.0, 0.0, 0.9]]
    >>> gw.losses.dice(y_true, y_pred, axis=1)     # 1 - 2 (1) / (2 + 2), 1 - 2 (0.4) / (2 + 1.3)
    tensor([0.5       , 0.75757575])
    """
    t, p, axis = _masks(y_true, y_pred, axis, "dice")
    return 1.0 - 2.0 * (t * p).sum(axis=axis) / (t.sum(axis=axis) + p.sum(axis=axis) + EPSILON)


def tversky(y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike, alpha: float = 0.5, beta: float = 0.5,
            axis: int | tuple[int, ...] | None = None) -> Tensor:
    """1 - TP / (TP + alpha FP + beta FN + 1e-7) with TP = sum(t p), FP = sum((1 - t) p), FN = sum(t (1 - p))
    over `axis` (None: all of them). alpha = beta = 0.5 is the Dice loss; a larger beta penalizes missed
    pixels more than false alarms."""
    t, p, axis = _masks(y_true, y_pred, axis, "tversky")
    true_positives = (t * p).sum(axis=axis)
    false_positives = ((1.0 - t) * p).sum(axis=axis)
    false_negatives = (t * (1.0 - p)).sum(axis=axis)
    denominator = true_positives + alpha * false_positives + beta * false_negatives + EPSILON
    return 1.0 - true_positives / denominator


for _fn in (dice, tversky):
    LOSS_FUNCTIONS.add(_fn)
