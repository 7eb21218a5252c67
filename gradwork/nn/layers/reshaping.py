"""Layers that change the size of sequences and images along their steps or pixels: ZeroPadding1D/2D,
Cropping1D/2D, UpSampling1D/2D, and RepeatVector (one vector -> a sequence of copies of it)."""

import numpy as np

from ...ops.shape_ops import pad
from ..layer import Layer
from . import _checks

_LAYOUTS = {1: "(batch, steps, features)", 2: "(batch, height, width, channels)"}


def _amounts(cls, value, rank):
    """(before, after) per spatial axis from Keras's forms: an int for every side; for one axis a pair
    (left, right); for two axes (symmetric_height, symmetric_width) or ((top, bottom), (left, right))."""
    if isinstance(value, (int, np.integer)):
        pairs = ((value, value),) * rank
    elif rank == 1:
        pairs = (tuple(value),)
    else:
        pairs = tuple((v, v) if isinstance(v, (int, np.integer)) else tuple(v) for v in value)
    if len(pairs) != rank or any(
            len(p) != 2 or not all(isinstance(n, (int, np.integer)) and n >= 0 for n in p) for p in pairs):
        forms = "an int or (left, right)" if rank == 1 else "an int, (height, width) or ((top, bottom), (left, right))"
        raise ValueError(f"{cls.__name__}: expected {forms} of non-negative integers, got {value!r}")
    return tuple((int(a), int(b)) for a, b in pairs)


def _amounts_config(pairs):
    """The config form of `_amounts`: [left, right] for one axis, [[top, bottom], [left, right]] for two."""
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
    """Add zeros before and after each sequence: (N, steps, F) -> (N, left + steps + right, F).
    padding: an int (both ends) or (left, right)."""

    rank = 1

    def __init__(self, padding=1, **kwargs):
        super().__init__(padding, **kwargs)


class ZeroPadding2D(_ZeroPadding):
    """Add rows and columns of zeros around each image: (N, H, W, C) -> (N, H + t + b, W + l + r, C).
    padding: an int, (symmetric_height, symmetric_width) or ((top, bottom), (left, right))."""

    rank = 2

    def __init__(self, padding=(1, 1), **kwargs):
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
    """Cut steps off both ends of each sequence: (N, steps, F) -> (N, steps - left - right, F).
    cropping: an int (both ends) or (left, right)."""

    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping, **kwargs)


class Cropping2D(_Cropping):
    """Cut rows and columns off the borders of each image: (N, H, W, C) -> (N, H - t - b, W - l - r, C).
    cropping: an int, (symmetric_height, symmetric_width) or ((top, bottom), (left, right))."""

    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), **kwargs):
        super().__init__(cropping, **kwargs)


class _UpSampling(_Spatial):
    """Each step (pixel) repeated size[i] times along spatial axis i (nearest neighbour):
    (N, d1, ..., C) -> (N, d1 * s1, ..., C)."""

    def __init__(self, size, **kwargs):
        super().__init__(**kwargs)
        size = (size,) * self.rank if isinstance(size, (int, np.integer)) else tuple(size)
        if len(size) != self.rank or not all(isinstance(s, (int, np.integer)) and s > 0 for s in size):
            raise ValueError(f"{type(self).__name__}: size must be a positive integer"
                             f"{' or a pair of them' if self.rank == 2 else ''}, got {size!r}")
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
    """Repeat each step `size` times: (N, steps, F) -> (N, steps * size, F)."""

    rank = 1

    def __init__(self, size=2, **kwargs):
        super().__init__(size, **kwargs)


class UpSampling2D(_UpSampling):
    """Repeat each pixel size[0] x size[1] times (nearest neighbour): (N, H, W, C) -> (N, H*sh, W*sw, C)."""

    rank = 2

    def __init__(self, size=(2, 2), interpolation="nearest", **kwargs):
        if interpolation != "nearest":
            raise ValueError(
                f"UpSampling2D: only interpolation='nearest' is available, got {interpolation!r}"
            )
        super().__init__(size, **kwargs)
        self.interpolation = interpolation

    def get_config(self):
        return {**super().get_config(), "interpolation": self.interpolation}


class RepeatVector(Layer):
    """Repeat each input vector n times, as a sequence: (N, F) -> (N, n, F) (e.g. to feed an encoder's
    summary to every step of a decoder)."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = _checks.positive_int(self, "n", n)

    def call(self, inputs):
        if inputs.ndim != 2:
            raise ValueError(f"{self.name}: expected inputs of shape (batch, features), got {inputs.shape}")
        batch, features = inputs.shape
        return inputs.reshape(batch, 1, features).broadcast_to((batch, self.n, features))

    def get_config(self):
        return {**super().get_config(), "n": self.n}
