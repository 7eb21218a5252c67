"""Keras's image sizing layers: Resizing, CenterCrop and RandomCrop, channels last.

Each takes a batch (batch, height, width, channels) or one image (height, width, channels), as
Keras does, and returns images of the layer's (height, width). Integer pixels are cast to the
layer's dtype first (Keras outputs floats). Resizing goes through `ops.nn.image.resize` (pixel
centres aligned, no antialiasing), so the gradient reaches the input.

>>> model = gw.Sequential([gw.nn.Input(shape=(40, 60, 3)), gw.nn.Resizing(32, 32, crop_to_aspect_ratio=True),
...                        gw.nn.RandomCrop(28, 28), gw.nn.Conv2D(8, 3)])        # doctest: +SKIP
"""
from typing import Any

import numpy as np

from ...data.utils import as_generator
from ...ops.nn import image as kernels
from ...ops.shape_ops import pad
from ...tensor import Tensor
from ..layer import Layer
from . import _checks
from .augmentation import _RandomImageLayer

RESIZE_INTERPOLATIONS = ("bilinear", "nearest")


def as_image_batch(layer, inputs: Tensor) -> tuple[Tensor, bool]:
    """(batch, single): `inputs` as a float batch (N, H, W, C), and whether it was one (H, W, C) image."""
    if inputs.ndim not in (3, 4):
        raise ValueError(f"{layer.name}: expected images of shape (height, width, channels) or "
                         f"(batch, height, width, channels), got shape {inputs.shape}")
    if inputs.dtype.kind != "f":
        inputs = inputs.astype(layer.dtype)
    return (inputs[None], True) if inputs.ndim == 3 else (inputs, False)


def aspect_window(height: int, width: int, target_height: int, target_width: int) -> tuple[int, int, int, int]:
    """(top, left, crop height, crop width): the largest centred window of a (height, width) image with
    the target's aspect ratio (Keras's rule, sizes rounded down, at least 1)."""
    crop_h = max(min(height, int(width * target_height / target_width)), 1)
    crop_w = max(min(width, int(height * target_width / target_height)), 1)
    return int((height - crop_h) / 2), int((width - crop_w) / 2), crop_h, crop_w


def crop_and_resize(images: Tensor, height: int, width: int, interpolation: str = "bilinear") -> Tensor:
    """The centred window of the target aspect ratio, resized to (height, width): Keras's `smart_resize`."""
    top, left, crop_h, crop_w = aspect_window(images.shape[1], images.shape[2], height, width)
    window = images[:, top:top + crop_h, left:left + crop_w]
    if window.shape[1:3] == (height, width):
        return window
    return kernels.resize(window, (height, width), interpolation, "half_pixel")


def _size(layer, height, width):
    return _checks.positive_int(layer, "height", height), _checks.positive_int(layer, "width", width)


class Resizing(Layer):
    """Resize images to (height, width), optionally keeping their aspect ratio by a crop or a pad.

    Parameters
    ----------
    height, width : int
        The output size.
    interpolation : str, default "bilinear"
        "bilinear" (the blend of the 2 x 2 nearest pixels, pixel centres aligned) or "nearest" (input
        pixel floor((i + 1/2) * H / height), as Keras and TensorFlow). No antialiasing.
    crop_to_aspect_ratio : bool, default False
        First cut the largest centred window with the output's aspect ratio (no distortion).
    pad_to_aspect_ratio : bool, default False
        First pad the two short sides equally with `fill_value` to the output's aspect ratio.
    fill_mode : str, default "constant"
        The padding's mode: "constant" only, as Keras.
    fill_value : float, default 0.0
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, H, W, channels) or (H, W, channels)

    Output shape
    ------------
    (batch, height, width, channels) or (height, width, channels)

    Examples
    --------
    >>> x = np.arange(4.0).reshape(2, 2, 1)
    >>> gw.nn.Resizing(4, 4)(x)[:, :, 0].numpy()
    array([[0.  , 0.25, 0.75, 1.  ],
           [0.5 , 0.75, 1.25, 1.5 ],
           [1.5 , 1.75, 2.25, 2.5 ],
           [2.  , 2.25, 2.75, 3.  ]], dtype=float32)
    """

    def __init__(self, height: int, width: int, interpolation: str = "bilinear", crop_to_aspect_ratio: bool = False,
                 pad_to_aspect_ratio: bool = False, fill_mode: str = "constant", fill_value: float = 0.0,
                 **kwargs: Any) -> None:
        size = _size(self, height, width)
        if interpolation not in RESIZE_INTERPOLATIONS:
            raise ValueError(f"Resizing: interpolation must be one of {', '.join(map(repr, RESIZE_INTERPOLATIONS))}, "
                             f"got {interpolation!r}")
        if fill_mode != "constant":
            raise ValueError(f"Resizing: fill_mode must be 'constant' (the padding's mode), got {fill_mode!r}")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Resizing: only one of crop_to_aspect_ratio and pad_to_aspect_ratio can be True")
        super().__init__(**kwargs)
        self.height, self.width = size
        self.interpolation, self.fill_mode, self.fill_value = interpolation, fill_mode, float(fill_value)
        self.crop_to_aspect_ratio, self.pad_to_aspect_ratio = bool(crop_to_aspect_ratio), bool(pad_to_aspect_ratio)

    def _pad_to_aspect(self, images):
        """Pad rows (or else columns) equally on both sides with the fill value, as Keras."""
        h, w = images.shape[1:3]
        top = int((max(h, int(w * self.height / self.width)) - h) / 2)
        left = int((max(w, int(h * self.width / self.height)) - w) / 2)
        if top > 0:
            return pad(images, ((0, 0), (top, top), (0, 0), (0, 0)), self.fill_value)
        if left > 0:
            return pad(images, ((0, 0), (0, 0), (left, left), (0, 0)), self.fill_value)
        return images

    def call(self, inputs):
        images, single = as_image_batch(self, inputs)
        if self.crop_to_aspect_ratio:
            out = crop_and_resize(images, self.height, self.width, self.interpolation)
        else:
            if self.pad_to_aspect_ratio:
                images = self._pad_to_aspect(images)
            out = kernels.resize(images, (self.height, self.width), self.interpolation, "half_pixel")
        return out[0] if single else out

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width,
                "interpolation": self.interpolation, "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value}


class CenterCrop(Layer):
    """Cut the central (height, width) window of each image.

    An image smaller than the window on either side is instead cut to the largest centred window
    of the target's aspect ratio and resized (bilinear) to (height, width), as Keras does. Where
    the size difference is odd the window starts half a pixel up-left (int((H - height) / 2)).

    Parameters
    ----------
    height, width : int
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, H, W, channels) or (H, W, channels)

    Output shape
    ------------
    (batch, height, width, channels) or (height, width, channels)

    Examples
    --------
    >>> x = np.arange(16.0).reshape(4, 4, 1)
    >>> gw.nn.CenterCrop(2, 2)(x)[:, :, 0].numpy()
    array([[ 5.,  6.],
           [ 9., 10.]], dtype=float32)
    """

    def __init__(self, height: int, width: int, **kwargs: Any) -> None:
        size = _size(self, height, width)
        super().__init__(**kwargs)
        self.height, self.width = size

    def call(self, inputs):
        images, single = as_image_batch(self, inputs)
        h, w = images.shape[1:3]
        if h >= self.height and w >= self.width:
            top, left = int((h - self.height) / 2), int((w - self.width) / 2)
            out = images[:, top:top + self.height, left:left + self.width]
        else:
            out = crop_and_resize(images, self.height, self.width)
        return out[0] if single else out

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}


class RandomCrop(_RandomImageLayer):
    """Cut a random (height, width) window of each training image; at inference, a centred one.

    In training each image gets its own window, uniform over the whole-pixel positions (Keras
    draws one per batch). At inference, and in training for images that are not larger than the
    window on both sides (equal or smaller on either side), the image is cut to the largest centred
    window of the target's aspect ratio and resized (bilinear) to (height, width), as Keras does; so
    the output size never depends on the mode.

    Parameters
    ----------
    height, width : int
    seed : int, optional
        For this layer's own repeatable generator; None draws from gradwork's (`gw.random.seed`).
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, H, W, channels) or (H, W, channels)

    Output shape
    ------------
    (batch, height, width, channels) or (height, width, channels)

    Examples
    --------
    >>> crop = gw.nn.RandomCrop(24, 24, seed=0)
    >>> crop(np.ones((2, 28, 28, 1)), training=True).shape
    (2, 24, 24, 1)
    """

    def __init__(self, height: int, width: int, seed: int | None = None, **kwargs: Any) -> None:
        size = _size(self, height, width)
        super().__init__(seed=seed, **kwargs)
        self.height, self.width = size

    def draw(self, n: int, height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
        """(top, left): two int arrays of shape (n,), each window's corner, uniform over the positions."""
        rng = as_generator(self._rng)
        top = rng.integers(0, height - self.height + 1, size=n)
        left = rng.integers(0, width - self.width + 1, size=n)
        return top, left

    def call(self, inputs, training=None):
        images, single = as_image_batch(self, inputs)
        n, h, w = images.shape[:3]
        if training and h > self.height and w > self.width and n > 0:
            top, left = self.draw(n, h, w)
            rows = top[:, None, None] + np.arange(self.height)[None, :, None]
            cols = left[:, None, None] + np.arange(self.width)[None, None, :]
            out = images[np.arange(n)[:, None, None], rows, cols]
        else:
            out = crop_and_resize(images, self.height, self.width)
        return out[0] if single else out

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}
