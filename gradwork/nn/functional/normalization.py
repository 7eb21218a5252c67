"""Batch and layer normalization with PyTorch's arguments and conventions, features on the LAST axis."""

import math

import numpy as np
from numpy.typing import ArrayLike

from ...ops.nn import batch_norm as bn
from ...ops.nn import layer_norm as ln
from ...tensor import Tensor, as_tensor
from ...tensor_data import increment_version


def batch_norm(input: Tensor | ArrayLike, running_mean: Tensor | np.ndarray | None,
               running_var: Tensor | np.ndarray | None, weight: Tensor | ArrayLike | None = None,
               bias: Tensor | ArrayLike | None = None, training: bool = False, momentum: float = 0.1,
               eps: float = 1e-5) -> Tensor:
    """Batch normalization as `torch.nn.functional.batch_norm`, but with the features on the LAST axis
    (channels last, as the rest of gradwork's functional API).

    Training normalizes with the batch's mean and biased variance and updates running =
    (1 - momentum) * running + momentum * batch statistic, with the UNBIASED batch variance (as
    torch; the BatchNormalization layer keeps Keras's conventions instead: momentum on the old
    value, biased variance). Inference normalizes with the running statistics.

    Parameters
    ----------
    input : Tensor or array_like, shape (..., C)
    running_mean, running_var : ndarray or Tensor, shape (C,), or None
        Updated in place in training; None only in training.
    weight, bias : Tensor or array_like, shape (C,), optional
        gamma and beta.
    training : bool
    momentum, eps : float

    Returns
    -------
    Tensor, same shape as input

    Raises
    ------
    ValueError
        For a scalar input, inference without running statistics, training with one value per feature,
        a momentum outside [0, 1] or an eps that is not finite and > 0 (NaN and infinities included).
    """
    if not 0.0 <= momentum <= 1.0 or not 0.0 < eps < math.inf:
        raise ValueError(f"batch_norm: momentum must be in [0, 1] and eps finite and > 0; got momentum={momentum!r}, "
                         f"eps={eps!r}")
    x = as_tensor(input)
    stats = [s.data if isinstance(s, Tensor) else s for s in (running_mean, running_var)]
    if x.ndim < 1:
        raise ValueError(f"batch_norm: expected input (..., features), got a scalar of shape {x.shape}")
    if not training and stats[0] is None:
        raise ValueError("batch_norm: inference (training=False) needs running_mean and running_var")
    if training and x.size <= x.shape[-1]:
        raise ValueError(f"batch_norm: training needs more than one value per feature, got input of shape "
                         f"{x.shape}")
    out = bn.batch_norm(x, *stats, weight, bias, training, momentum, eps, -1, unbiased=True)
    for stat in (running_mean, running_var) if training else ():
        if isinstance(stat, Tensor):  # updated in place
            increment_version(stat)
    return out


def layer_norm(input: Tensor | ArrayLike, normalized_shape: int | tuple[int, ...],
               weight: Tensor | ArrayLike | None = None, bias: Tensor | ArrayLike | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalize over the last axes given by `normalized_shape`, as `torch.nn.functional.layer_norm`:
    (x - mean) / sqrt(var + eps) * weight + bias, biased variance, per sample.

    Parameters
    ----------
    input : Tensor or array_like, shape (..., *normalized_shape)
    normalized_shape : int or tuple of int
    weight, bias : Tensor or array_like, shape normalized_shape, optional
    eps : float

    Returns
    -------
    Tensor, same shape as input

    Examples
    --------
    >>> F.layer_norm(gw.tensor([[1.0, 3.0]]), 2).tolist()
    [[-0.99999..., 0.99999...]]
    """
    x = as_tensor(input)
    shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else tuple(normalized_shape)
    if not shape or len(shape) > x.ndim or x.shape[x.ndim - len(shape):] != shape:
        raise ValueError(f"layer_norm: normalized_shape {shape} must be the last axes of the input, "
                         f"got an input of shape {x.shape}")
    for what, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(np.shape(p)) != shape:
            raise ValueError(f"layer_norm: {what} must have shape {shape}, got {tuple(np.shape(p))}")
    return ln.layer_norm(x, tuple(range(x.ndim - len(shape), x.ndim)), weight, bias, eps)
