"""Weighting per-sample losses (sample weights and masks) and reducing them to the loss value.

"sum_over_batch_size" (the default; "mean" is the same) divides the weighted sum by the number of
per-sample values, "sum" does not divide, "mean_with_sample_weight" divides by the summed weights,
and None / "none" returns the weighted values.
"""
import numpy as np
from numpy.typing import ArrayLike

from ..tensor import Tensor, as_tensor
from .shapes import squeeze_or_expand_to_same_rank

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction: str | None) -> str | None:
    """`reduction`, checked to be one of `REDUCTIONS` (a ValueError names them otherwise)."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    return reduction


def aligned_weights(sample_weight: Tensor | ArrayLike, values: Tensor | np.ndarray,
                    name: str) -> tuple[Tensor | np.ndarray, np.ndarray]:
    """(values, sample_weight as an array shaped to multiply them), after Keras's rank fix-up of either.

    Raises
    ------
    ValueError
        Naming the loss `name`, when the weights do not fit the shape of `values`.
    """
    sw = sample_weight.data if isinstance(sample_weight, Tensor) else sample_weight
    sw = np.asarray(sw, dtype=values.dtype)
    shown = sw.shape
    values, sw = squeeze_or_expand_to_same_rank(values, sw)
    if 1 <= sw.ndim < values.ndim and sw.shape == values.shape[: sw.ndim]:
        # one weight per sample, spread over the sample's other axes
        sw = sw.reshape(sw.shape + (1,) * (values.ndim - sw.ndim))
    try:
        np.broadcast_shapes(values.shape, sw.shape)
    except ValueError:
        raise ValueError(
            f"{name}: sample_weight of shape {shown} does not fit the per-sample losses of shape "
            f"{tuple(values.shape)}"
        ) from None
    return values, sw


def reduce_weighted_values(
    values: Tensor | ArrayLike,
    sample_weight: Tensor | ArrayLike | None = None,
    mask: np.ndarray | None = None,
    reduction: str | None = "sum_over_batch_size",
    name: str = "loss",
) -> Tensor:
    """Weight the per-sample `values` (by `sample_weight` and a boolean `mask`) and reduce them.

    Parameters
    ----------
    values : Tensor or array_like, shape (batch, ...)
        Per-sample losses.
    sample_weight : Tensor or array_like, optional
        Broadcastable to `values` after Keras's rank fix-up; shape (batch,) gives one weight per
        sample, spread over its other axes.
    mask : ndarray of bool, shape of `values`, optional
        Entries that count; masked-out entries also leave the "sum_over_batch_size" average.
    reduction : one of `REDUCTIONS`
    name : str
        The loss, for the messages.

    Returns
    -------
    Tensor
        Shape () for every reduction but None / "none", which keeps the weighted values, shape
        (batch, ...).

    Raises
    ------
    ValueError
        When `sample_weight` does not fit `values`.
    """
    reduction = standardize_reduction(reduction)
    values = as_tensor(values)
    if mask is not None:
        weight = np.asarray(mask, dtype=values.dtype)
        if reduction in ("sum_over_batch_size", "mean"):
            valid = weight.sum()  # masked entries leave the average: divide by the valid count only
            weight = weight * (weight.size / valid if valid else 0.0)
        if sample_weight is not None:
            weight, sample_weight = aligned_weights(sample_weight, Tensor._make(weight), name)
            sample_weight = weight.data * sample_weight
        else:
            sample_weight = weight
    if sample_weight is not None:
        values, sample_weight = aligned_weights(sample_weight, values, name)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)


def reduce_values(
    values: Tensor, sample_weight: ArrayLike | None = None, reduction: str | None = "sum_over_batch_size"
) -> Tensor:
    """Sum, average or keep already-weighted per-sample values (see the module docstring).

    Parameters
    ----------
    values : Tensor, shape (batch, ...)
    sample_weight : array_like, optional
        The weights already applied; only "mean_with_sample_weight" reads them (their sum).
    reduction : one of `REDUCTIONS`

    Returns
    -------
    Tensor, shape () (`values` itself for None / "none", a scalar or an empty batch)
    """
    if reduction in (None, "none") or values.ndim == 0 or values.shape == (0,):
        return values
    total = values.sum()
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = float(np.sum(sample_weight))
    else:
        divisor = values.size
    return total / divisor if divisor else total * 0.0
