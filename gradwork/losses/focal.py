"""Keras's focal cross-entropies (Lin et al., 2017): the cross-entropy of each class scaled by
(1 - p_t)^gamma, p_t being the probability given to the true outcome, so that examples already
classified well count less and training dwells on the hard ones.

Probabilities are clipped to [1e-7, 1 - 1e-7] before their logarithm, as Keras does; when the logits
are known (from_logits=True, or y_pred from sigmoid/softmax) the cross-entropy comes from them instead,
as in `binary_crossentropy` and `categorical_crossentropy`.
"""
from numpy.typing import ArrayLike

from ..nn import functional as F
from ..tensor import Tensor
from .functions import (
    LOSS_FUNCTIONS, binary_crossentropy_terms, class_prediction, clipped_probabilities, mean_over,
    one_hot_targets, smoothed_targets,
)
from .logits import logits_for


def binary_focal_crossentropy(
    y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike, apply_class_balancing: bool = False,
    alpha: float = 0.25, gamma: float = 2.0, from_logits: bool = False, label_smoothing: float = 0.0,
    axis: int = -1,
) -> Tensor:
    """(1 - p_t)^gamma times the binary cross-entropy, averaged over `axis`; p_t = t p + (1 - t)(1 - p).

    Parameters
    ----------
    y_true : Tensor or array_like, y_pred's shape (a trailing axis of 1 may differ)
        Targets t in [0, 1].
    y_pred : Tensor or array_like, shape (batch, ..., d)
        Probabilities p, or logits with from_logits=True.
    apply_class_balancing : bool
        Also weigh each element by alpha where t = 1 and by 1 - alpha where t = 0.
    alpha : float
        The weight of the positive class with apply_class_balancing.
    gamma : float
        The focusing power; 0 gives the plain binary cross-entropy.
    from_logits : bool
    label_smoothing : float in [0, 1]
        Moves the targets towards 0.5 (before p_t and the class weights): t (1 - s) + s / 2.
    axis : int
        The axis averaged over.

    Returns
    -------
    Tensor, y_pred's shape without `axis`

    Examples
    --------
    >>> y_true, logits = [[0.0, 1.0], [0.0, 0.0]], [[-18.6, 0.51], [2.94, -12.8]]
    >>> gw.losses.binary_focal_crossentropy(y_true, logits, gamma=3.0, from_logits=True)
    tensor([0.01242005, 1.2815702 ])
    """
    name = "binary_focal_crossentropy"
    crossentropy, t, p = binary_crossentropy_terms(y_true, y_pred, from_logits, label_smoothing, name)
    p_t = t * p + (1.0 - t) * (1.0 - p)
    focal = (1.0 - p_t) ** gamma * crossentropy
    if apply_class_balancing:
        focal = (t * alpha + (1.0 - t) * (1.0 - alpha)) * focal
    return mean_over(focal, axis)


def categorical_focal_crossentropy(
    y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike, alpha: float = 0.25, gamma: float = 2.0,
    from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
) -> Tensor:
    """-sum(alpha (1 - p)^gamma t log p) over the class `axis`, for one-hot (or soft) targets t.

    Probabilities are renormalized to sum to 1 and clipped to [1e-7, 1 - 1e-7] (as Keras); logits
    (from_logits=True, or y_pred from softmax over `axis`) go through log-softmax.

    Parameters
    ----------
    y_true : Tensor or array_like, y_pred's shape exactly
    y_pred : Tensor or array_like, shape (batch, ..., classes) with the classes on `axis`
    alpha : float
        A weight of every class.
    gamma : float
        The focusing power; 0 gives alpha times the categorical cross-entropy.
    from_logits : bool
    label_smoothing : float in [0, 1]
        Mixes the targets with the uniform distribution: t (1 - s) + s / classes.
    axis : int
        The class axis.

    Returns
    -------
    Tensor, y_pred's shape without `axis`

    Examples
    --------
    >>> y_true, y_pred = [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]
    >>> gw.losses.categorical_focal_crossentropy(y_true, y_pred)   # 0.25 (1 - p)^2 (-log p) of the true class
    tensor([3.2058331e-05, 4.6627346e-01])
    """
    name = "categorical_focal_crossentropy"
    y_pred = class_prediction(y_pred, axis, name)
    logits = logits_for(y_pred, from_logits, "softmax", name, axis)
    y_true = one_hot_targets(y_true, y_pred, name)
    y_true = smoothed_targets(y_true, label_smoothing, y_pred.shape[axis], name)
    if logits is not None:
        log_p = F.log_softmax(logits, axis)
        p = log_p.exp()
    else:
        p = clipped_probabilities(y_pred, axis)
        log_p = p.log()
    return -(alpha * (1.0 - p) ** gamma * y_true * log_p).sum(axis=axis)


for _fn in (binary_focal_crossentropy, categorical_focal_crossentropy):
    LOSS_FUNCTIONS.add(_fn)
