"""Batch normalization as one fused operation, with Keras's conventions.

Training normalizes each feature (the `axis`, last by default) with the batch's mean and biased
variance, then scales by gamma and shifts by beta: one graph node instead of the ten or so a
composition of elementwise operations records, whose backward is the closed form

    dx = gamma / sqrt(var + eps) * (g - mean(g) - x_hat * mean(g * x_hat)),

its per-feature sums taken over the (samples, features) matrix by a BLAS matrix-vector product
or `einsum`, each a single pass. Under `create_graph` the same rule is recorded with tensor
operations, so it is differentiable again.
"""

import numpy as np

from ...autograd.function import Function
from ...ops.reduction import normalize_axes
from ...tensor import as_tensor, get_default_dtype
from .conv import column_sums


def _as_rows(a, axis):
    """`a` as a (samples, features) matrix with the feature `axis` last: a view when it is already last."""
    return np.moveaxis(a, axis, -1).reshape(-1, a.shape[axis])


def _from_rows(rows, shape, axis):
    """The inverse of `_as_rows`: the matrix back as an array of `shape` (a view)."""
    moved = tuple(size for i, size in enumerate(shape) if i != axis) + (shape[axis],)
    return np.moveaxis(rows.reshape(moved), -1, axis)


class BatchNorm(Function):
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


def batch_norm(
    x, moving_mean, moving_variance, gamma=None, beta=None, training=False, momentum=0.99, epsilon=1e-3,
    axis=-1,
):
    """Batch normalization of x over every axis but `axis` (Keras's conventions, torch's argument order).

    x (..., C, ...); moving_mean, moving_variance: arrays (C,); gamma, beta (C,) or None.
    Training: normalize with the batch's mean and biased variance, and update the moving arrays in
    place, moving = momentum * moving + (1 - momentum) * batch statistic (Keras's momentum, and its
    biased variance; torch's momentum is 1 - this one and it stores the unbiased variance).
    Inference: normalize with the moving statistics.
    """
    x = as_tensor(x)
    axis = normalize_axes(axis, x.ndim)[0]
    if training:
        fn = BatchNorm(axis, epsilon)
        out = fn(x, gamma, beta)
        m = np.asarray(momentum, dtype=moving_mean.dtype)
        moving_mean[...] = m * moving_mean + (1 - m) * fn.mean
        moving_variance[...] = m * moving_variance + (1 - m) * fn.variance
        return out
    shape = tuple(x.shape[i] if i == axis else 1 for i in range(x.ndim))
    dtype = x.dtype if x.dtype.kind == "f" else get_default_dtype()
    inv_std = (1 / np.sqrt(moving_variance + epsilon)).astype(dtype, copy=False)
    scale = inv_std if gamma is None else gamma * inv_std  # then one product and one sum over x
    shift = -moving_mean.astype(dtype, copy=False) * scale
    if beta is not None:
        shift = shift + beta
    return x * as_tensor(scale).reshape(shape) + as_tensor(shift).reshape(shape)
