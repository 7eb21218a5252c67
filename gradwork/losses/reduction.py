"""Weighting per-sample losses (sample weights and masks) and reducing them to the loss value.

"sum_over_batch_size" (the default; "mean" is the same) divides the weighted sum by the number of
per-sample values, "sum" does not divide, "mean_with_sample_weight" divides by the summed weights,
and None / "none" returns the weighted values.
"""
import numpy as np

from ..tensor import Tensor, as_tensor
from .shapes import squeeze_or_expand_to_same_rank

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction):
    """`reduction`, checked to be one of `REDUCTIONS`."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    return reduction


def _aligned_weights(sample_weight, values, name):
    """`sample_weight` as an array shaped to multiply `values` (whose rank may be fixed up too)."""
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


def reduce_weighted_values(values, sample_weight=None, mask=None, reduction="sum_over_batch_size",
                           name="loss"):
    """Weight the per-sample `values` (by `sample_weight` and a boolean `mask`) and reduce them.

    values : Tensor (batch, ...) of per-sample losses.
    sample_weight : array broadcastable to `values` (one weight per sample: shape (batch,)), or None.
    mask : boolean array of `values`' shape, or None; masked-out entries also leave the average.
    """
    reduction = standardize_reduction(reduction)
    values = as_tensor(values)
    if mask is not None:
        weight = np.asarray(mask, dtype=values.dtype)
        if reduction in ("sum_over_batch_size", "mean"):
            valid = weight.sum()  # masked entries leave the average: divide by the valid count only
            weight = weight * (weight.size / valid if valid else 0.0)
        if sample_weight is not None:
            weight, sample_weight = _aligned_weights(sample_weight, Tensor._make(weight), name)
            sample_weight = weight.data * sample_weight
        else:
            sample_weight = weight
    if sample_weight is not None:
        values, sample_weight = _aligned_weights(sample_weight, values, name)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Sum, average or keep already-weighted per-sample values (see the module docstring)."""
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
