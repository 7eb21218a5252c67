"""Batch normalization kernel, one fused operation with every convention an argument: the feature
axis, the momentum (the weight of the new batch statistic) and which variance the running one follows.
`F.batch_norm` calls it with PyTorch's conventions, the BatchNormalization layer with Keras's.

Training normalizes each feature (the `axis`) with the batch's mean and biased variance, then
scales by gamma and shifts by beta: one graph node instead of the ten or so a
composition of elementwise operations records, whose backward is the closed form

    dx = gamma / sqrt(var + eps) * (g - mean(g) - x_hat * mean(g * x_hat)),

its per-feature sums taken over the (samples, features) matrix by a BLAS matrix-vector product
or `einsum`, each a single pass. Under `create_graph` the same rule is recorded with tensor
operations, so it is differentiable again.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ...autograd.function import Function
from ..reduction import normalize_axes
from ...tensor import Tensor, as_tensor, get_default_dtype
from ._reduce import column_sums


def _as_rows(a, axis):
    """`a` as a (samples, features) matrix with the feature `axis` last: a view when it is already last."""
    return np.moveaxis(a, axis, -1).reshape(-1, a.shape[axis])


def _from_rows(rows, shape, axis):
    """The inverse of `_as_rows`: the matrix back as an array of `shape` (a view)."""
    moved = tuple(size for i, size in enumerate(shape) if i != axis) + (shape[axis],)
    return np.moveaxis(rows.reshape(moved), -1, axis)


class _BatchNorm(Function):
    """Training-mode batch normalization of x over every axis but `axis`; gamma and beta (C,) may be None.

    x (..., C, ...) -> the same shape. After the forward pass `mean` and `variance` (C,) hold the
    batch statistics (biased variance), for the moving averages.
    """

    def __init__(self, axis, epsilon):
        self.axis, self.epsilon = axis, epsilon

    def forward(self, x, gamma=None, beta=None):
        self.axis = normalize_axes(self.axis, x.ndim)[0]
        rows = _as_rows(x if x.dtype.kind == "f" else x.astype(get_default_dtype()), self.axis)
        n = rows.shape[0]
        self.mean = column_sums(rows) / rows.dtype.type(n)
        self.centered = rows - self.mean
        self.variance = np.einsum("ij,ij->j", self.centered, self.centered) / rows.dtype.type(n)
        self.inv_std = 1 / np.sqrt(self.variance + rows.dtype.type(self.epsilon))
        scale = self.inv_std if gamma is None else gamma * self.inv_std
        out = np.multiply(self.centered, scale, dtype=rows.dtype)
        if beta is not None:
            out += beta
        return _from_rows(out, x.shape, self.axis)

    def backward(self, g):
        if not isinstance(g, np.ndarray):
            return self._recorded_backward(g)
        gamma = self.args[1] if len(self.args) > 1 else None
        needs = tuple(self.needs_input_grad) + (False,) * (3 - len(self.needs_input_grad))
        rows, n = _as_rows(g, self.axis), self.centered.shape[0]
        g_sum = column_sums(rows)  # the sum of g: beta's gradient
        g_centered = np.einsum("ij,ij->j", rows, self.centered)  # the sum of g * (x - mean)
        gx = None
        if needs[0]:
            inv = self.inv_std
            scale = inv if gamma is None else gamma * inv
            gx = np.multiply(self.centered, inv * inv * g_centered / n)  # x_hat * mean(g * x_hat)
            gx += g_sum / n
            np.subtract(rows, gx, out=gx)
            gx *= scale
            gx = _from_rows(gx, g.shape, self.axis)
        return gx, g_centered * self.inv_std if needs[1] else None, g_sum if needs[2] else None

    def _recorded_backward(self, g):
        """The same gradients as tensor operations (create_graph): differentiable again."""
        x, gamma = self.args[0], self.args[1] if len(self.args) > 1 else None
        needs = tuple(self.needs_input_grad) + (False,) * (3 - len(self.needs_input_grad))
        axes = tuple(i for i in range(x.ndim) if i != self.axis)
        shape = tuple(x.shape[i] if i == self.axis else 1 for i in range(x.ndim))
        centered = x - x.mean(axis=axes, keepdims=True)
        inv_std = ((centered * centered).mean(axis=axes, keepdims=True) + self.epsilon) ** -0.5
        x_hat = centered * inv_std
        gx = None
        if needs[0]:
            g_hat = g if gamma is None else g * gamma.reshape(shape)
            gx = inv_std * (
                g_hat - g_hat.mean(axis=axes, keepdims=True)
                - x_hat * (g_hat * x_hat).mean(axis=axes, keepdims=True)
            )
        g_gamma = (g * x_hat).sum(axis=axes) if needs[1] else None
        return gx, g_gamma, g.sum(axis=axes) if needs[2] else None


def batch_norm(x: Tensor | ArrayLike, running_mean: np.ndarray | None, running_var: np.ndarray | None,
               gamma: Tensor | ArrayLike | None, beta: Tensor | ArrayLike | None, training: bool,
               momentum: float, epsilon: float, axis: int, unbiased: bool) -> Tensor:
    """Batch normalization of x over every axis but the feature `axis`.

    y = (x - mean) / sqrt(var + epsilon) * gamma + beta, per feature. In training, mean and var
    are the batch's mean and biased variance (divided by N, the number of values per feature),
    and the running arrays move towards the batch's statistics; at inference they are the running
    arrays.

    Parameters
    ----------
    x : Tensor or array_like, shape (..., C, ...), C on `axis`
    running_mean, running_var : ndarray, shape (C,), or None
        Updated in place in training: running = (1 - momentum) * running + momentum * batch
        statistic. None (both, training only) keeps no running statistics.
    gamma, beta : Tensor or array_like, shape (C,), or None
        The scale and the shift (None: 1 and 0).
    training : bool
        Normalize with the batch's statistics and update the running arrays; else normalize with
        the running arrays.
    momentum : float
        The weight of the new batch statistic (PyTorch's form; Keras's momentum is 1 - this).
    epsilon : float
        Added to the variance.
    axis : int
        The feature axis (negative counts from the end).
    unbiased : bool
        The variance that enters the running average: the unbiased batch variance (N / (N - 1)
        times the biased; PyTorch) if True, else the biased one (Keras). Normalization in training
        always uses the biased one.

    Returns
    -------
    Tensor, same shape as x (training: one graph node)

    Raises
    ------
    ValueError
        Only one of the running arrays given, or one that is not an ndarray of shape (C,).
    """
    x = as_tensor(x)
    axis = normalize_axes(axis, x.ndim)[0]
    _check_statistics(x.shape[axis], running_mean, running_var)
    if training:
        fn = _BatchNorm(axis, epsilon)
        out = fn(x, gamma, beta)
        if running_mean is not None:
            n = x.size // x.shape[axis]
            variance = fn.variance * (n / (n - 1)) if unbiased else fn.variance
            m = np.asarray(momentum, dtype=running_mean.dtype)
            running_mean[...] = (1 - m) * running_mean + m * fn.mean
            running_var[...] = (1 - m) * running_var + m * variance
        return out
    shape = tuple(x.shape[i] if i == axis else 1 for i in range(x.ndim))
    dtype = x.dtype if x.dtype.kind == "f" else get_default_dtype()
    inv_std = (1 / np.sqrt(running_var + epsilon)).astype(dtype, copy=False)
    scale = inv_std if gamma is None else gamma * inv_std  # then one product and one sum over x
    shift = -running_mean.astype(dtype, copy=False) * scale
    if beta is not None:
        shift = shift + beta
    return x * as_tensor(scale).reshape(shape) + as_tensor(shift).reshape(shape)


def _check_statistics(features, running_mean, running_var):
    """Both running arrays are given (as (features,) ndarrays, updated in place) or neither."""
    if (running_mean is None) != (running_var is None):
        raise ValueError("batch_norm: give both running_mean and running_var, or neither")
    for what, a in (("running_mean", running_mean), ("running_var", running_var)):
        if a is not None and (not isinstance(a, np.ndarray) or a.shape != (features,)):
            raise ValueError(f"batch_norm: {what} must be an array of shape ({features},) (one value per "
                             f"feature), got {type(a).__name__} of shape {np.shape(a)}")
