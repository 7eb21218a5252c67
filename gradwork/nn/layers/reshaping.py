"""Layers that change the size of sequences and images along their steps or pixels: ZeroPadding1D/2D,
Cropping1D/2D, UpSampling1D/2D, RepeatVector (one vector -> a sequence of copies of it), and Permute (the
axes of each sample reordered)."""

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...ops.shape_ops import pad
from ..layer import Layer
from . import _checks

_LAYOUTS = {1: "(batch, steps, features)", 2: "(batch, height, width, channels)",
            3: "(batch, depth, height, width, channels)"}
_FORMS = {1: "an int or (left, right)", 2: "an int, (height, width) or ((top, bottom), (left, right))",
          3: "an int, (depth, height, width) or ((front, back), (top, bottom), (left, right))"}


def _amounts(cls, value, rank):
    """(before, after) per spatial axis from Keras's forms: an int for every side; for one axis a pair
    (left, right); for two or three axes one symmetric int per axis or one (before, after) pair per axis."""
    if isinstance(value, (int, np.integer)):
        pairs = ((value, value),) * rank
    elif rank == 1:
        pairs = (tuple(value),)
    else:
        pairs = tuple((v, v) if isinstance(v, (int, np.integer)) else tuple(v) for v in value)
    if len(pairs) != rank or any(
            len(p) != 2 or not all(isinstance(n, (int, np.integer)) and n >= 0 for n in p) for p in pairs):
        raise ValueError(f"{cls.__name__}: expected {_FORMS[rank]} of non-negative integers, got {value!r}")
    return tuple((int(a), int(b)) for a, b in pairs)


def _amounts_config(pairs):
    """The config form of `_amounts`: [left, right] for one axis, [[top, bottom], [left, right]] for two (and so on)."""
    return list(pairs[0]) if len(pairs) == 1 else [list(p) for p in pairs]


class _Spatial(Layer):
    """A layer on inputs with `rank` spatial axes between the batch and the features (channels) axes."""

    rank = None

    def _check(self, inputs):
        if inputs.ndim != self.rank + 2:
            raise ValueError(f"{self.name}: expected inputs of shape {_LAYOUTS[self.rank]}, got {inputs.shape}")


class _ZeroPadding(_Spatial):
    """Zeros added before and after each spatial axis: (N, d1, ..., C) -> (N, b1 + d1 + a1, ..., C)."""

    def __init__(self, padding, **kwargs):
        super().__init__(**kwargs)
        self.padding = _amounts(type(self), padding, self.rank)

    def call(self, inputs):
        self._check(inputs)
        return pad(inputs, ((0, 0), *self.padding, (0, 0)))

    def get_config(self):
        return {**super().get_config(), "padding": _amounts_config(self.padding)}


class ZeroPadding1D(_ZeroPadding):
    """Add zero steps before and after each sequence.

    Parameters
    ----------
    padding : int or (int, int), default 1
        The same number at both ends, or (left, right).
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, steps, features)

    Output shape
    ------------
    (batch, left + steps + right, features)

    Examples
    --------
    >>> gw.nn.ZeroPadding1D((1, 2))(np.ones((1, 3, 2))).shape
    (1, 6, 2)
    """

    rank = 1

    def __init__(self, padding: int | tuple[int, int] = 1, **kwargs: Any) -> None:
        super().__init__(padding, **kwargs)


class ZeroPadding2D(_ZeroPadding):
    """Add rows and columns of zeros around each image.

    Parameters
    ----------
    padding : int, (int, int) or ((int, int), (int, int)), default (1, 1)
        One number for every side, (symmetric_height, symmetric_width), or ((top, bottom), (left, right)).
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, height, width, channels)

    Output shape
    ------------
    (batch, top + height + bottom, left + width + right, channels)
    """

    rank = 2

    def __init__(self, padding: int | tuple = (1, 1), **kwargs: Any) -> None:
        super().__init__(padding, **kwargs)


class _Cropping(_Spatial):
    """Steps (pixels) cut off both ends of each spatial axis: (N, d1, ..., C) -> (N, d1 - b1 - a1, ..., C)."""

    def __init__(self, cropping, **kwargs):
        super().__init__(**kwargs)
        self.cropping = _amounts(type(self), cropping, self.rank)

    def call(self, inputs):
        self._check(inputs)
        sizes = inputs.shape[1:-1]
        for axis, ((a, b), n) in enumerate(zip(self.cropping, sizes), start=1):
            if a + b >= n:
                raise ValueError(f"{self.name}: cropping {(a, b)} leaves nothing of axis {axis} of inputs of "
                                 f"shape {inputs.shape}")
        return inputs[(slice(None), *(slice(a, n - b) for (a, b), n in zip(self.cropping, sizes)))]

    def get_config(self):
        return {**super().get_config(), "cropping": _amounts_config(self.cropping)}


class Cropping1D(_Cropping):
    """Cut steps off both ends of each sequence (at least one step must remain).

    Parameters
    ----------
    cropping : int or (int, int), default (1, 1)
        Steps cut at both ends, or (left, right).
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, steps, features)

    Output shape
    ------------
    (batch, steps - left - right, features)
    """

    rank = 1

    def __init__(self, cropping: int | tuple[int, int] = (1, 1), **kwargs: Any) -> None:
        super().__init__(cropping, **kwargs)


class Cropping2D(_Cropping):
    """Cut rows and columns off the borders of each image (at least one of each must remain).

    Parameters
    ----------
    cropping : int, (int, int) or ((int, int), (int, int)), default ((0, 0), (0, 0))
        The rows and columns cut: an int for every side, (symmetric_height, symmetric_width), or
        ((top, bottom), (left, right)).
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, height, width, channels)

    Output shape
    ------------
    (batch, height - top - bottom, width - left - right, channels)

    Examples
    --------
    >>> gw.nn.Cropping2D(((1, 1), (2, 0)))(np.ones((1, 5, 5, 3))).shape
    (1, 3, 3, 3)
    """

    rank = 2

    def __init__(self, cropping: int | tuple = ((0, 0), (0, 0)), **kwargs: Any) -> None:
        super().__init__(cropping, **kwargs)


class _UpSampling(_Spatial):
    """Each step (pixel) repeated size[i] times along spatial axis i (nearest neighbour):
    (N, d1, ..., C) -> (N, d1 * s1, ..., C)."""

    def __init__(self, size, **kwargs):
        super().__init__(**kwargs)
        size = (size,) * self.rank if isinstance(size, (int, np.integer)) else tuple(size)
        if len(size) != self.rank or not all(isinstance(s, (int, np.integer)) and s > 0 for s in size):
            several = {1: "", 2: " or a pair of them", 3: " or three of them"}[self.rank]
            raise ValueError(f"{type(self).__name__}: size must be a positive integer{several}, got {size!r}")
        self.size = tuple(map(int, size))

    def call(self, inputs):
        self._check(inputs)
        n, *dims, c = inputs.shape
        spread = [d for dim, s in zip(dims, self.size) for d in (dim, s)]     # d1, s1, d2, s2, ...
        kept = inputs.reshape(n, *[d for dim in dims for d in (dim, 1)], c)
        return kept.broadcast_to((n, *spread, c)).reshape(n, *[d * s for d, s in zip(dims, self.size)], c)

    def get_config(self):
        return {**super().get_config(), "size": list(self.size)}


class UpSampling1D(_UpSampling):
    """Repeat each step `size` times in place (nearest neighbour): a, b -> a, a, b, b.

    Parameters
    ----------
    size : int, default 2
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, steps, features)

    Output shape
    ------------
    (batch, steps * size, features)
    """

    rank = 1

    def __init__(self, size: int = 2, **kwargs: Any) -> None:
        super().__init__(size, **kwargs)


class UpSampling2D(_UpSampling):
    """Repeat each pixel size[0] x size[1] times (nearest neighbour).

    Parameters
    ----------
    size : int or (int, int), default (2, 2)
        The factors for height and width.
    interpolation : str, default "nearest"
        "nearest" only.
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, height, width, channels)

    Output shape
    ------------
    (batch, height * size[0], width * size[1], channels)

    Examples
    --------
    >>> gw.nn.UpSampling2D()(np.ones((1, 7, 7, 4))).shape
    (1, 14, 14, 4)
    """

    rank = 2

    def __init__(self, size: int | tuple[int, int] = (2, 2), interpolation: str = "nearest", **kwargs: Any) -> None:
        if interpolation != "nearest":
            raise ValueError(
                f"UpSampling2D: only interpolation='nearest' is available, got {interpolation!r}"
            )
        super().__init__(size, **kwargs)
        self.interpolation = interpolation

    def get_config(self):
        return {**super().get_config(), "interpolation": self.interpolation}


class RepeatVector(Layer):
    """Repeat each input vector n times, as a sequence (e.g. to feed an encoder's summary to every
    step of a decoder).

    Parameters
    ----------
    n : int
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, features)

    Output shape
    ------------
    (batch, n, features)

    Examples
    --------
    >>> gw.nn.RepeatVector(4)(np.ones((2, 3))).shape
    (2, 4, 3)
    """

    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.n = _checks.positive_int(self, "n", n)

    def call(self, inputs):
        if inputs.ndim != 2:
            raise ValueError(f"{self.name}: expected inputs of shape (batch, features), got {inputs.shape}")
        batch, features = inputs.shape
        return inputs.reshape(batch, 1, features).broadcast_to((batch, self.n, features))

    def get_config(self):
        return {**super().get_config(), "n": self.n}


class Permute(Layer):
    """Reorders the axes of each sample (the batch axis stays first), as Keras's Permute.

    Parameters
    ----------
    dims : tuple of int
        A permutation of 1..rank-1 (1-based: 1 is the first axis after the batch).
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, d1, ..., dk)

    Output shape
    ------------
    (batch, d[dims[0]], ..., d[dims[-1]])

    Examples
    --------
    >>> gw.nn.Permute((2, 1))(np.zeros((4, 3, 5))).shape
    (4, 5, 3)
    """

    def __init__(self, dims: Sequence[int], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        dims = tuple(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(f"Permute: dims must be a permutation of 1..{len(dims)} (1-based, the batch axis "
                             f"excluded), got {dims}")
        self.dims = dims

    def call(self, inputs):
        if inputs.ndim != len(self.dims) + 1:
            raise ValueError(f"{self.name}: dims={self.dims} needs inputs of rank {len(self.dims) + 1}, got shape "
                             f"{inputs.shape}")
        return inputs.transpose((0, *self.dims))

    def get_config(self):
        return {**super().get_config(), "dims": list(self.dims)}
