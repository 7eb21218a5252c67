"""Max and average pooling of channels-last volumes (N, D, H, W, C), built on pooling.py's 2-D kernels.

A pooling window is a box, the product of a depth interval and a height-width window, so both poolings
separate: pool each depth slice over height and width (the slices folded into the batch), then pool
the results over depth windows (a 2-D pooling with a (kd, 1) window of the (D, Ho * Wo) plane).

- Max: the maximum of maxima. Ties go to the first maximum in (depth, height, width) order, as
  PyTorch: each slice routes to its first maximum in (height, width) order, then the depth pass to the
  first slice holding the largest of them.
- Average under "same" (Keras: padding is not counted): a box holds dr x hw real voxels, dr the real
  slices of its depth interval and hw the real pixels of its height-width window, the same for every
  slice. The slice means divide by hw, the depth mean of them by dr: together the sum over the box's
  real voxels divided by their number.

Padding follows Keras's rules on each axis, and every piece is differentiable to any order.
"""

from __future__ import annotations

from numpy.typing import ArrayLike

from ...tensor import Tensor, as_tensor
from .conv3d import Size3, check_padding, triple
from .pooling import avg_pool2d, max_pool2d


def _pool3d(name, pool2d, x, kernel_size, strides, padding):
    x = as_tensor(x)
    if x.ndim != 5:
        raise ValueError(f"{name}: expected volumes of shape (batch, depth, height, width, channels), "
                         f"got shape {x.shape}")
    try:
        (kd, *k_hw), (sd, *s_hw) = triple(kernel_size, "kernel_size"), triple(strides, "strides")
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None
    padding = check_padding(name, padding)
    n, d, h, w, c = x.shape
    try:
        planes = pool2d(x.reshape(n * d, h, w, c), tuple(k_hw), tuple(s_hw), padding)
    except ValueError as error:
        raise ValueError(f"{name}: along height and width: {error}") from None
    ho, wo = planes.shape[1:3]
    try:
        out = pool2d(planes.reshape(n, d, ho * wo, c), (kd, 1), (sd, 1), padding)
    except ValueError as error:
        raise ValueError(f"{name}: along depth: {error}") from None
    return out.reshape(n, out.shape[1], ho, wo, c)


def max_pool3d(x: Tensor | ArrayLike, kernel_size: Size3, strides: Size3, padding: str) -> Tensor:
    """The largest element of each window of volumes; padding never wins. Ties go to the first maximum.

    Parameters
    ----------
    x : Tensor or array_like, shape (N, D, H, W, C)
    kernel_size, strides : int or (int, int, int)
        The window's size and the step between windows, along depth, height and width (an int for all).
    padding : "valid" or "same"
        Keras's rules: "same" gives ceil(size / stride) outputs, the extra padding at the back/bottom/right.

    Returns
    -------
    Tensor, shape (N, Do, Ho, Wo, C)
    """
    return _pool3d("max_pool3d", max_pool2d, x, kernel_size, strides, padding)


def avg_pool3d(x: Tensor | ArrayLike, kernel_size: Size3, strides: Size3, padding: str) -> Tensor:
    """The mean of each window of volumes over its real (unpadded) voxels, as Keras.

    Parameters
    ----------
    x : Tensor or array_like, shape (N, D, H, W, C)
    kernel_size, strides : int or (int, int, int)
    padding : "valid" or "same"
        As in `max_pool3d`; "same" averages over the real voxels only.

    Returns
    -------
    Tensor, shape (N, Do, Ho, Wo, C); float64 for integer x
    """
    return _pool3d("avg_pool3d", avg_pool2d, x, kernel_size, strides, padding)
