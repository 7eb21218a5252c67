"""Layers that change the spatial size of images: ZeroPadding2D and UpSampling2D."""

import numpy as np

from ...ops.shape_ops import pad
from ..layer import Layer


def _pads(padding):
    """Keras's padding forms: int, (sym_h, sym_w), or ((top, bottom), (left, right))."""
    if isinstance(padding, (int, np.integer)):
        return ((int(padding),) * 2,) * 2
    first, second = padding
    if isinstance(first, (int, np.integer)):
        return ((int(first),) * 2, (int(second),) * 2)
    return (tuple(map(int, first)), tuple(map(int, second)))


class ZeroPadding2D(Layer):
    """Add rows and columns of zeros around each image: (N, H, W, C) -> (N, H + t + b, W + l + r, C)."""

    def __init__(self, padding=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.padding = _pads(padding)

    def call(self, inputs):
        if inputs.ndim != 4:
            raise ValueError(
                f"{self.name}: expected inputs of shape (batch, height, width, channels), got {inputs.shape}"
            )
        return pad(inputs, ((0, 0), *self.padding, (0, 0)))

    def get_config(self):
        return {**super().get_config(), "padding": [list(p) for p in self.padding]}


class UpSampling2D(Layer):
    """Repeat each pixel size[0] x size[1] times (nearest neighbour): (N, H, W, C) -> (N, H*sh, W*sw, C)."""

    def __init__(self, size=(2, 2), interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        if interpolation != "nearest":
            raise ValueError(
                f"UpSampling2D: only interpolation='nearest' is available, got {interpolation!r}"
            )
        self.size = (int(size), int(size)) if isinstance(size, (int, np.integer)) else tuple(map(int, size))
        self.interpolation = interpolation

    def call(self, inputs):
        if inputs.ndim != 4:
            raise ValueError(
                f"{self.name}: expected inputs of shape (batch, height, width, channels), got {inputs.shape}"
            )
        n, h, w, c = inputs.shape
        sh, sw = self.size
        spread = inputs.reshape(n, h, 1, w, 1, c).broadcast_to((n, h, sh, w, sw, c))
        return spread.reshape(n, h * sh, w * sw, c)

    def get_config(self):
        return {**super().get_config(), "size": list(self.size), "interpolation": self.interpolation}
