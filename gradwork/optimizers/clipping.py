"""Gradient checks and preparation before an update: the cast to the variable's dtype and the three clippings.

At most one clipping applies (the optimizer's constructor checks): `clipnorm` rescales each
gradient to at most that L2 norm, `global_clipnorm` rescales all of them by one factor
(`global_scale`), `clipvalue` clips each element. A changed gradient is written into the
variable's gradient buffer, never into the caller's array.
"""

import math

import numpy as np
from numpy.typing import ArrayLike

from ..tensor import Tensor, as_array
from .checks import check_finite_gradient
from .variable_state import variable_array


def global_scale(squared_norms: list, clip: float) -> float:
    """The factor that brings the joint L2 norm of the gradients whose squared norms are
    `squared_norms` (None entries skipped) to at most `clip`: 1.0 when it already is."""
    total = math.sqrt(sum(n for n in squared_norms if n is not None))
    return 1.0 if total <= clip else clip / total


def check_gradients(variables: list, gradients: list) -> tuple[list, list]:
    """Raise before an update changes anything: each variable must be a floating-point Tensor or
    ndarray, and each gradient (None: skipped) an array of its variable's shape whose dtype casts to
    the variable's (`same_kind`), finite, with a finite squared norm (`check_finite_gradient`).

    Returns
    -------
    gradients : list of ndarray or None, the gradients as arrays
    squared_norms : list of float or None, their squared L2 norms (what the clippings need)
    """
    if len(gradients) != len(variables):
        raise ValueError(f"got {len(gradients)} gradients for {len(variables)} variables: they must pair up")
    arrays, norms = [], []
    for i, (variable, gradient) in enumerate(zip(variables, gradients)):
        array = variable_array(variable)
        if gradient is not None:
            gradient = as_array(gradient)
            if gradient.shape != array.shape:
                raise ValueError(
                    f"a gradient has shape {gradient.shape} but its variable (number {i}) has shape {array.shape}"
                )
            if gradient.dtype != array.dtype and not np.can_cast(gradient.dtype, array.dtype, "same_kind"):
                raise TypeError(
                    f"a gradient of dtype {gradient.dtype} cannot update variable number {i} of dtype {array.dtype}"
                )
        arrays.append(gradient)
        norms.append(None if gradient is None else check_finite_gradient(variable, i, array, gradient))
    return arrays, norms


def prepare_gradient(
    gradient: np.ndarray | Tensor | ArrayLike,
    variable: np.ndarray,
    buffer: np.ndarray,
    clipnorm: float | None,
    squared_norm: float,
    scale: float,
    clipvalue: float | None,
) -> np.ndarray:
    """`gradient` as an ndarray of `variable`'s dtype, clipped.

    Parameters
    ----------
    gradient : ndarray or Tensor, the variable's shape (checked by `check_gradients`)
    variable : ndarray, any shape
    buffer : ndarray, the variable's shape and dtype
        Receives the gradient when a cast or a clipping changes it.
    clipnorm, scale, clipvalue : the clipping that applies (None, 1.0, None for none)
    squared_norm : float, the gradient's squared L2 norm (from `check_gradients`)

    Returns
    -------
    ndarray, the variable's shape and dtype: `gradient` itself, or `buffer`
    """
    if not isinstance(gradient, np.ndarray):
        gradient = as_array(gradient)
    if gradient.dtype != variable.dtype:
        np.copyto(buffer, gradient, casting="same_kind")
        gradient = buffer
    if clipnorm is not None:
        norm = math.sqrt(squared_norm)
        if norm > clipnorm:
            gradient = np.multiply(gradient, clipnorm / norm, out=buffer)
    elif scale != 1.0:
        gradient = np.multiply(gradient, scale, out=buffer)
    elif clipvalue is not None:
        gradient = np.clip(gradient, -clipvalue, clipvalue, out=buffer)
    return gradient

