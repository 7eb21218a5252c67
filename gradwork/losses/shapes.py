"""Shapes and dtypes of a loss's arguments: Keras's rank fix-up, and the checks that refuse silent
broadcasting between `y_true` and `y_pred`."""
import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from ..tensor import Tensor, as_tensor, get_default_dtype


def squeeze_or_expand_to_same_rank(
    x1: Tensor | np.ndarray, x2: Tensor | np.ndarray, expand_rank_1: bool = True
) -> tuple[Tensor | np.ndarray, Tensor | np.ndarray]:
    """Keras's rank fix-up: when the ranks differ by one and the longer has a trailing axis of 1,
    drop that axis (or, if the shorter is 1-d and `expand_rank_1`, give the shorter one).

    Parameters
    ----------
    x1, x2 : Tensor or ndarray, shapes (*s) and (*s, 1) in either order
        Anything else is returned as is.
    expand_rank_1 : bool

    Returns
    -------
    (x1, x2), reshaped so that their ranks agree

    Examples
    --------
    >>> a, b = gw.losses.squeeze_or_expand_to_same_rank(np.zeros((4, 3, 1)), np.zeros((4, 3)))
    >>> a.shape, b.shape
    ((4, 3), (4, 3))
    """
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = x2.reshape(x2.shape + (1,))
        else:
            x1 = x1.reshape(x1.shape[:-1])
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = x1.reshape(x1.shape + (1,))
        else:
            x2 = x2.reshape(x2.shape[:-1])
    return x1, x2


def prediction(y_pred: Tensor | ArrayLike, dtype: DTypeLike | None = None) -> Tensor:
    """`y_pred` (any shape) as a floating-point Tensor of that shape: of `dtype` if given, else of its
    own floating dtype, else of gradwork's default one."""
    y_pred = as_tensor(y_pred)
    if dtype is not None and y_pred.dtype != dtype:
        return y_pred.astype(dtype)
    if y_pred.dtype.kind != "f":
        return y_pred.astype(get_default_dtype())
    return y_pred


def target(y_true: Tensor | ArrayLike, like: Tensor) -> Tensor:
    """`y_true` (any shape, kept) as a Tensor of `like`'s dtype; a Tensor stays in the graph."""
    if isinstance(y_true, Tensor):
        return y_true if y_true.dtype == like.dtype else y_true.astype(like.dtype)
    return Tensor._make(np.asarray(y_true, dtype=like.dtype))


def matched(y_true: Tensor, y_pred: Tensor, name: str) -> tuple[Tensor, Tensor]:
    """(y_true, y_pred) after Keras's rank fix-up, checked to have one shape (no silent broadcasting).

    Parameters
    ----------
    y_true, y_pred : Tensor, the same shape but for a trailing axis of 1 on either
    name : str
        The loss, for the message.

    Raises
    ------
    ValueError
        When the shapes still differ.
    """
    shown = tuple(y_true.shape)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{name}: y_true must have the shape of y_pred (a trailing axis of 1 may differ): expected "
            f"{tuple(y_pred.shape)}, got {shown}"
        )
    return y_true, y_pred


def integer_labels(y_true: Tensor | ArrayLike, pred_shape: tuple[int, ...], name: str) -> np.ndarray:
    """Integer class labels for predictions of shape `pred_shape` (classes on the last axis).

    Parameters
    ----------
    y_true : Tensor or array_like, shape pred_shape[:-1] or (*pred_shape[:-1], 1)
        Whole numbers, of an integer, boolean or floating dtype.
    pred_shape : tuple of int, (..., classes)
    name : str
        The loss, for the messages.

    Returns
    -------
    ndarray of int64, shape pred_shape[:-1]

    Raises
    ------
    ValueError
        For another shape, or values that are not whole numbers.
    TypeError
        For a dtype that cannot hold labels.
    """
    t = y_true.data if isinstance(y_true, Tensor) else np.asarray(y_true)
    shown = t.shape
    if t.ndim == len(pred_shape) and t.ndim and t.shape[-1] == 1:
        t = t.reshape(t.shape[:-1])
    if t.shape != tuple(pred_shape[:-1]):
        raise ValueError(
            f"{name}: y_pred of shape {tuple(pred_shape)} (classes on the last axis) needs integer labels "
            f"y_true of shape {tuple(pred_shape[:-1])} (or {tuple(pred_shape[:-1]) + (1,)}); expected "
            f"{tuple(pred_shape[:-1])}, got {shown}"
        )
    if t.dtype.kind == "f":
        if not np.all(np.isfinite(t)) or np.any(t != np.round(t)):
            raise ValueError(f"{name}: y_true must hold whole-number class labels, got non-integer values")
    elif t.dtype.kind not in "iub":
        raise TypeError(f"{name}: y_true must hold integer class labels, got dtype {t.dtype}")
    return t.astype(np.int64)


def class_labels(y_true: Tensor | ArrayLike, pred_shape: tuple[int, ...], name: str,
                 ignore_class: int | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """`integer_labels`, checked to lie in [0, classes), and the mask of the labels that count.

    Parameters
    ----------
    y_true, pred_shape, name : as for `integer_labels`
    ignore_class : int, optional
        A label that does not count (it may lie outside the range).

    Returns
    -------
    labels : ndarray of int64, shape pred_shape[:-1]
        The ignored ones replaced by 0.
    valid : ndarray of bool of that shape, or None without `ignore_class`

    Raises
    ------
    ValueError
        As `integer_labels`, and for a label out of range.
    """
    labels = integer_labels(y_true, pred_shape, name)
    valid = None
    if ignore_class is not None:
        valid = labels != ignore_class
        labels = np.where(valid, labels, 0)
    n_classes = pred_shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        bad = labels[(labels < 0) | (labels >= n_classes)].flat[0]
        raise ValueError(f"{name}: label {bad} is out of range for {n_classes} classes (0 to {n_classes - 1})")
    return labels, valid
