"""Inverted dropout (zero elements at random and scale the rest, so inference needs no rescaling), its
channel-wise form, alpha dropout (for SELU networks) and the Gaussian noises: additive, and
multiplicative with dropout's variance. Each dropout is one node, x * scale + shift with random
arrays drawn once per call (`_MaskedAffine`)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from ...autograd.function import Function
from ...random import get_generator
from ...tensor import Tensor, as_tensor


# SELU's negative saturation value, -scale * alpha: where alpha dropout puts the dropped units.
ALPHA_P = -1.7580993408473766


def keep_mask(shape: tuple[int, ...], rate: float, dtype: DTypeLike,
              generator: np.random.Generator | None = None) -> np.ndarray:
    """1 where an element is kept (probability 1 - rate), 0 where it is dropped.

    Parameters
    ----------
    shape : tuple of int
    rate : float in [0, 1]
    dtype : numpy dtype
    generator : numpy Generator, optional
        A layer's own (seeded) generator; default gradwork's (`gw.random.seed`).

    Returns
    -------
    ndarray, shape `shape`, dtype `dtype`
    """
    return ((generator or get_generator()).random(shape) >= rate).astype(dtype)


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
    return keep_mask(shape, rate, dtype, generator) / np.asarray(1 - rate, dtype=dtype)


def alpha_dropout_affine(keep: np.ndarray, rate: float) -> tuple[np.ndarray, np.ndarray]:
    """(scale, shift) with alpha_dropout(x) = x * scale + shift for the keep mask `keep` (1 kept, 0 dropped).

    A dropped unit becomes ALPHA_P, then everything goes through a * x + b with
    a = ((1 - rate) * (1 + rate * ALPHA_P**2)) ** -0.5 and b = -a * ALPHA_P * rate, which bring a
    zero-mean, unit-variance input back to mean 0 and variance 1 (Klambauer et al., 2017).
    """
    a = ((1 - rate) * (1 + rate * ALPHA_P**2)) ** -0.5
    b = -a * ALPHA_P * rate
    dtype = keep.dtype
    return (a * keep).astype(dtype), (a * ALPHA_P * (1 - keep) + b).astype(dtype)


class _MaskedAffine(Function):
    """x * scale + shift with fixed random arrays that broadcast to x's shape: the dropout noises."""

    def __init__(self, scale, shift=None):
        self.scale, self.shift = scale, shift

    def forward(self, a):
        out = a * self.scale
        if self.shift is not None:
            out += self.shift
        return out

    def backward(self, g):
        return (g * self.scale,)


def _mask_shape(name, x, noise_shape):
    """The mask's shape for x: `noise_shape` with None entries filled from x, checked to broadcast to x."""
    if noise_shape is None:
        return x.shape
    shape = tuple(x.shape[i] if n is None else int(n) for i, n in enumerate(noise_shape))
    if len(shape) != x.ndim or any(n not in (1, size) for n, size in zip(shape, x.shape)):
        raise ValueError(f"{name}: noise_shape {shape} must have the input's {x.ndim} axes, each "
                         f"1 or the input's size; the input has shape {x.shape}")
    return shape


def _masked(name, x, rate, noise_shape, draw):
    """What both dropouts share: check noise_shape, x itself for rate 0, zeros for rate 1, else
    x * scale + shift with (scale[, shift]) = draw(mask shape, dtype): x's dtype, float64 for integer x
    (a mask of integers would truncate 1 / (1 - rate) and the affine constants)."""
    x = as_tensor(x)
    shape = _mask_shape(name, x, noise_shape)
    if rate == 0:
        return x
    if rate == 1:
        return x * 0.0
    return _MaskedAffine(*draw(shape, _float_dtype(x)))(x)


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
    Tensor, same shape as x (float64 for integer x)

    Raises
    ------
    ValueError
        A noise_shape that does not broadcast to x's shape as above.
    """
    return _masked("dropout", x, rate, noise_shape,
                   lambda shape, dtype: (dropout_mask(shape, rate, dtype, generator),))


def channel_noise_shape(shape: tuple[int, ...], rank: int) -> tuple[int, ...]:
    """The mask shape that drops whole channels of channels-last input of shape (N, *spatial, C) or
    (*spatial, C) with `rank` spatial axes: one draw per sample and channel, 1 on the spatial axes."""
    batch = shape[: len(shape) - rank - 1]
    return (*batch, *(1,) * rank, shape[-1])


def channel_dropout(x: Tensor | ArrayLike, rate: float, rank: int,
                    generator: np.random.Generator | None = None) -> Tensor:
    """Dropout of whole channels (feature maps): every spatial position of a channel dropped together.

    Parameters
    ----------
    x : Tensor or array_like, shape (N, *spatial, C) or (*spatial, C)
        Channels last, `rank` spatial axes, the batch axis optional.
    rate : float in [0, 1]
    rank : int
        The number of spatial axes: 1 for sequences, 2 for images, 3 for volumes.
    generator : numpy Generator, optional
        Default gradwork's (`gw.random.seed`).

    Returns
    -------
    Tensor, same shape as x

    Raises
    ------
    ValueError
        x without rank + 1 or rank + 2 axes; the message names `dropout{rank}d`.
    """
    x = as_tensor(x)
    if x.ndim not in (rank + 1, rank + 2):
        spatial = {1: "L", 2: "H, W", 3: "D, H, W"}[rank]
        raise ValueError(f"dropout{rank}d: expected input of shape (N, {spatial}, C) or ({spatial}, C), channels "
                         f"last, got shape {x.shape}")
    return dropout(x, rate, channel_noise_shape(x.shape, rank), generator)


def alpha_dropout(x: Tensor | ArrayLike, rate: float, noise_shape: tuple[int | None, ...] | None = None,
                  generator: np.random.Generator | None = None) -> Tensor:
    """Alpha dropout: dropout that keeps a SELU network self-normalizing; always applied.

    Each unit is dropped with probability `rate` and set to ALPHA_P = -1.7580993408473766 (SELU's
    negative saturation value) instead of 0; then a * x + b with
    a = ((1 - rate) * (1 + rate * ALPHA_P**2)) ** -0.5 and b = -a * ALPHA_P * rate restores mean 0
    and variance 1 (Keras's AlphaDropout and PyTorch's `alpha_dropout` compute the same).

    Parameters
    ----------
    x : Tensor or array_like, any shape
    rate : float in [0, 1]
        0 returns x, 1 zeros (as PyTorch).
    noise_shape : tuple of (int or None), optional
        The mask's shape, broadcast over x, as in `dropout`.
    generator : numpy Generator, optional
        Default gradwork's (`gw.random.seed`).

    Returns
    -------
    Tensor, same shape as x (float64 for integer x); the gradient is a where a unit was kept, 0 where
    it was dropped.

    Raises
    ------
    ValueError
        A noise_shape that does not broadcast to x's shape.
    """
    return _masked("alpha_dropout", x, rate, noise_shape,
                   lambda shape, dtype: alpha_dropout_affine(keep_mask(shape, rate, dtype, generator), rate))


def _float_dtype(x: Tensor) -> np.dtype:
    """The dtype of a noisy x: its own if float, else float64 (noise cast to integers would be lost)."""
    return x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)


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
    Tensor, same shape as x (float64 for integer x); the gradient passes unchanged.
    """
    x = as_tensor(x)
    noise = (generator or get_generator()).normal(0.0, stddev, x.shape)
    return x + noise.astype(_float_dtype(x))


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
    Tensor, same shape as x (float64 for integer x); the gradient is multiplied by the same noise.
    """
    x = as_tensor(x)
    noise = (generator or get_generator()).normal(1.0, math.sqrt(rate / (1.0 - rate)), x.shape)
    return x * noise.astype(_float_dtype(x))
