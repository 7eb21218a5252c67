"""Inverted dropout (zero elements at random and scale the rest, so inference needs no rescaling) and
the Gaussian noises: additive, and multiplicative with dropout's variance."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from ...autograd.function import Function
from ...random import get_generator
from ...tensor import Tensor, as_tensor


def dropout_mask(shape: tuple[int, ...], rate: float, dtype: DTypeLike,
                 generator: np.random.Generator | None = None) -> np.ndarray:
    """Inverted-dropout multipliers: 0 with probability `rate`, else 1 / (1 - rate).

    Parameters
    ----------
    shape : tuple of int
    rate : float in [0, 1)
    dtype : numpy dtype
    generator : numpy Generator, optional
        A layer's own (seeded) generator; default gradwork's (`gw.random.seed`).

    Returns
    -------
    ndarray, shape `shape`, dtype `dtype`
    """
    keep = (generator or get_generator()).random(shape) >= rate
    return keep.astype(dtype) / np.asarray(1 - rate, dtype=dtype)


class _Dropout(Function):
    def __init__(self, rate, noise_shape=None, generator=None):
        self.rate, self.noise_shape, self.generator = rate, noise_shape, generator

    def forward(self, a):
        self.mask = dropout_mask(self.noise_shape or a.shape, self.rate, a.dtype, self.generator)
        return a * self.mask

    def backward(self, g):
        return (g * self.mask,)


def dropout(x: Tensor | ArrayLike, rate: float, noise_shape: tuple[int | None, ...] | None = None,
            generator: np.random.Generator | None = None) -> Tensor:
    """Zero each element with probability `rate` and scale the rest by 1 / (1 - rate); always applied.

    Parameters
    ----------
    x : Tensor or array_like, any shape
    rate : float in [0, 1]
        0 returns x, 1 zeros.
    noise_shape : tuple of (int or None), optional
        The shape of the random mask, broadcast over x (None: x's shape). It has x's number of
        axes, each 1, x's size, or None for x's size: (N, 1, 1, C) drops whole channels of an
        image (SpatialDropout2D), (N, 1, F) the same features at every step of a sequence.
    generator : numpy Generator, optional
        A layer's own (seeded) generator; default gradwork's (`gw.random.seed`).

    Returns
    -------
    Tensor, same shape as x

    Raises
    ------
    ValueError
        A noise_shape that does not broadcast to x's shape as above.
    """
    x = as_tensor(x)
    if rate == 0:
        return x
    if rate == 1:
        return x * 0.0
    if noise_shape is not None:
        noise_shape = tuple(x.shape[i] if n is None else int(n) for i, n in enumerate(noise_shape))
        if len(noise_shape) != x.ndim or np.broadcast_shapes(noise_shape, x.shape) != x.shape:
            raise ValueError(f"dropout: noise_shape {noise_shape} must have the input's {x.ndim} axes, each "
                             f"1 or the input's size; the input has shape {x.shape}")
    return _Dropout(rate, noise_shape, generator)(x)


def gaussian_noise(x: Tensor | ArrayLike, stddev: float, generator: np.random.Generator | None = None) -> Tensor:
    """x plus independent normal noise of mean 0 and standard deviation `stddev`; always applied.

    Parameters
    ----------
    x : Tensor or array_like, any shape
    stddev : float >= 0
    generator : numpy Generator, optional
        Default: gradwork's (`gw.random.seed`).

    Returns
    -------
    Tensor, same shape as x; the gradient passes unchanged.
    """
    x = as_tensor(x)
    noise = (generator or get_generator()).normal(0.0, stddev, x.shape)
    return x + noise.astype(x.dtype)


def gaussian_dropout(x: Tensor | ArrayLike, rate: float, generator: np.random.Generator | None = None) -> Tensor:
    """x times independent normal noise of mean 1 and standard deviation sqrt(rate / (1 - rate)): the
    variance inverted dropout of that rate would give, with the mean kept; always applied.

    Parameters
    ----------
    x : Tensor or array_like, any shape
    rate : float in [0, 1)
    generator : numpy Generator, optional
        Default: gradwork's (`gw.random.seed`).

    Returns
    -------
    Tensor, same shape as x; the gradient is multiplied by the same noise.
    """
    x = as_tensor(x)
    noise = (generator or get_generator()).normal(1.0, math.sqrt(rate / (1.0 - rate)), x.shape)
    return x * noise.astype(x.dtype)
