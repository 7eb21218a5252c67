"""Masks given as Tensors, arrays or nested lists, as the NumPy arrays the masked operations use."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ...tensor import Tensor, as_array



def boolean_mask(mask: Tensor | ArrayLike, where: str, meaning: str = "True = keep") -> np.ndarray:
    """A mask as a boolean ndarray: booleans as they are, or integers / floats that are all 0 or 1.

    Parameters
    ----------
    mask : Tensor or array_like, any shape
    where : str
        The layer or function, named in the error.
    meaning : str
        What True means, for the error message.

    Returns
    -------
    ndarray of bool, same shape as mask

    Raises
    ------
    TypeError
        Any other values: a float mask with other values is most likely PyTorch's additive form
        (0 = keep, -inf = drop), which a plain conversion to booleans would silently invert.
    """
    array = as_array(mask)
    if array.dtype == bool:
        return array
    if array.dtype.kind in "iuf" and np.isin(array, (0, 1)).all():
        return array.astype(bool)
    hint = " (an additive 0 / -inf mask? pass mask == 0 instead)" if array.dtype.kind == "f" else ""
    raise TypeError(f"{where}: expected a boolean mask ({meaning}) or one of 0/1 numbers, got dtype "
                    f"{array.dtype} with other values{hint}")


def broadcasts_to(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    """True when an array of `shape` broadcasts to exactly `target` (a mask's check)."""
    try:
        return np.broadcast_shapes(tuple(shape), tuple(target)) == tuple(target)
    except ValueError:
        return False
