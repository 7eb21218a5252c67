"""Layers that change the size of volumes (batch, depth, height, width, channels) along their three spatial
axes: ZeroPadding3D, Cropping3D and UpSampling3D, the 1-D/2-D layers' shells (reshaping.py) with rank 3."""

from typing import Any

from .reshaping import _Cropping, _UpSampling, _ZeroPadding

_Amounts = int | tuple[int, int, int] | tuple[tuple[int, int], tuple[int, int], tuple[int, int]]


class ZeroPadding3D(_ZeroPadding):
    """Add slices, rows and columns of zeros around each volume.

    Parameters
    ----------
    padding : int, (int, int, int) or ((int, int), (int, int), (int, int)), default ((1, 1), (1, 1), (1, 1))
        One number for every side, (symmetric_depth, symmetric_height, symmetric_width), or
        ((front, back), (top, bottom), (left, right)).
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, depth, height, width, channels)

    Output shape
    ------------
    (batch, front + depth + back, top + height + bottom, left + width + right, channels)

    Examples
    --------
    >>> gw.nn.ZeroPadding3D((1, 0, 2))(np.ones((1, 2, 3, 3, 4))).shape
    (1, 4, 3, 7, 4)
    """

    rank = 3

    def __init__(self, padding: _Amounts = ((1, 1), (1, 1), (1, 1)), **kwargs: Any) -> None:
        super().__init__(padding, **kwargs)


class Cropping3D(_Cropping):
    """Cut slices, rows and columns off the borders of each volume (at least one of each must remain).

    Parameters
    ----------
    cropping : int, (int, int, int) or ((int, int), (int, int), (int, int)), default ((1, 1), (1, 1), (1, 1))
        An int for every side, (symmetric_depth, symmetric_height, symmetric_width), or
        ((front, back), (top, bottom), (left, right)).
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, depth, height, width, channels)

    Output shape
    ------------
    (batch, depth - front - back, height - top - bottom, width - left - right, channels)

    Examples
    --------
    >>> gw.nn.Cropping3D(((1, 0), (1, 1), (0, 2)))(np.ones((1, 4, 5, 5, 2))).shape
    (1, 3, 3, 3, 2)
    """

    rank = 3

    def __init__(self, cropping: _Amounts = ((1, 1), (1, 1), (1, 1)), **kwargs: Any) -> None:
        super().__init__(cropping, **kwargs)


class UpSampling3D(_UpSampling):
    """Repeat each voxel size[0] x size[1] x size[2] times (nearest neighbour).

    Parameters
    ----------
    size : int or (int, int, int), default (2, 2, 2)
        The factors for depth, height and width.
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, depth, height, width, channels)

    Output shape
    ------------
    (batch, depth * size[0], height * size[1], width * size[2], channels)

    Examples
    --------
    >>> gw.nn.UpSampling3D((1, 2, 3))(np.ones((1, 2, 3, 3, 4))).shape
    (1, 2, 6, 9, 4)
    """

    rank = 3

    def __init__(self, size: int | tuple[int, int, int] = (2, 2, 2), **kwargs: Any) -> None:
        super().__init__(size, **kwargs)
