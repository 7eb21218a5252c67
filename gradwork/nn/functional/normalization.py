"""Batch, layer, RMS and group normalization and `normalize` with PyTorch's arguments and conventions,
features on the LAST axis."""

import math

import numpy as np
from numpy.typing import ArrayLike

from ...ops.nn import batch_norm as bn
from ...ops.nn import layer_norm as ln
from ...ops.nn import norms
from ...ops.reduction import normalize_axes
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
    return ln.layer_norm(x, _last_axes(x, normalized_shape, "layer_norm", weight=weight, bias=bias),
                         weight, bias, eps)


def _last_axes(x: Tensor, normalized_shape: int | tuple[int, ...], what: str, **params) -> tuple[int, ...]:
    """The axes of x that `normalized_shape` names (its last ones), after checking that they match it and
    that every given parameter in `params` (weight, bias) has that shape; a ValueError naming `what`."""
    shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else tuple(normalized_shape)
    if not shape or len(shape) > x.ndim or x.shape[x.ndim - len(shape):] != shape:
        raise ValueError(f"{what}: normalized_shape {shape} must be the last axes of the input, "
                         f"got an input of shape {x.shape}")
    for name, p in params.items():
        if p is not None and tuple(np.shape(p)) != shape:
            raise ValueError(f"{what}: {name} must have shape {shape}, got {tuple(np.shape(p))}")
    return tuple(range(x.ndim - len(shape), x.ndim))


def rms_norm(input: Tensor | ArrayLike, normalized_shape: int | tuple[int, ...],
             weight: Tensor | ArrayLike | None = None, eps: float | None = None) -> Tensor:
    """x / sqrt(mean(x^2) + eps) * weight over the last axes `normalized_shape`, as
    `torch.nn.functional.rms_norm` (no centring, no bias).

    Parameters
    ----------
    input : Tensor or array_like, shape (..., *normalized_shape)
    normalized_shape : int or tuple of int
    weight : Tensor or array_like, shape normalized_shape, optional
    eps : float, optional
        Default: the machine epsilon of the input's dtype (as PyTorch).

    Returns
    -------
    Tensor, same shape as input

    Examples
    --------
    >>> F.rms_norm(gw.tensor([[3.0, 4.0]]), 2, eps=0.0).tolist()
    [[0.848528..., 1.131370...]]
    """
    x = as_tensor(input)
    axes = _last_axes(x, normalized_shape, "rms_norm", weight=weight)
    eps = float(np.finfo(x.dtype if x.dtype.kind == "f" else np.float32).eps) if eps is None else eps
    return norms.rms_norm(x, axes, weight, eps)


def group_norm(input: Tensor | ArrayLike, num_groups: int, weight: Tensor | ArrayLike | None = None,
               bias: Tensor | ArrayLike | None = None, eps: float = 1e-5) -> Tensor:
    """Group normalization, as `torch.nn.functional.group_norm` but with the channels LAST: the C
    channels split into `num_groups` consecutive groups, each sample's group normalized over its
    channels and all other non-batch axes (biased variance), then scaled and shifted per channel.

    Parameters
    ----------
    input : Tensor or array_like, shape (N, ..., C)
    num_groups : int
        Divides C.
    weight, bias : Tensor or array_like, shape (C,), optional
    eps : float

    Returns
    -------
    Tensor, same shape as input

    Examples
    --------
    >>> F.group_norm(gw.tensor([[1.0, 3.0, 5.0, 5.0]]), 2).tolist()
    [[-0.99..., 0.99..., 0.0, 0.0]]
    """
    x = as_tensor(input)
    if x.ndim < 2 or isinstance(num_groups, bool) or not isinstance(num_groups, (int, np.integer)) \
            or num_groups < 1 or x.shape[-1] % num_groups:
        raise ValueError(f"group_norm: expected an input (N, ..., C) and num_groups dividing C, got shape "
                         f"{x.shape} and num_groups={num_groups!r}")
    for what, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(np.shape(p)) != (x.shape[-1],):
            raise ValueError(f"group_norm: {what} must have shape ({x.shape[-1]},), got {tuple(np.shape(p))}")
    return norms.group_norm(x, int(num_groups), x.ndim - 1, weight, bias, eps)


def normalize(input: Tensor | ArrayLike, p: float = 2.0, dim: int | tuple[int, ...] = -1,
              eps: float = 1e-12) -> Tensor:
    """x / max(||x||_p, eps) along `dim`, as `torch.nn.functional.normalize` (whose default dim is 1;
    here the features are last). A vector with a norm below eps is divided by eps.

    Parameters
    ----------
    input : Tensor or array_like, any shape
    p : float > 0
    dim : int or tuple of int
    eps : float > 0

    Returns
    -------
    Tensor, same shape as input; unit p-norm along `dim` where the norm exceeds eps

    Examples
    --------
    >>> F.normalize(gw.tensor([[3.0, 4.0]])).tolist()
    [[0.600..., 0.800...]]
    """
    if not (p > 0 and eps > 0):
        raise ValueError(f"normalize: p and eps must be > 0, got p={p!r}, eps={eps!r}")
    x = as_tensor(input)
    try:
        axes = normalize_axes(dim, x.ndim)
    except (ValueError, IndexError) as err:
        raise ValueError(f"normalize: dim {dim} does not fit an input of shape {x.shape}") from err
    return norms.normalize(x, p, axes, eps)
