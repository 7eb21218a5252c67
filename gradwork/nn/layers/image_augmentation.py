"""Keras's random geometric and colour augmentation layers: RandomZoom, RandomRotation,
RandomContrast and RandomBrightness, channels last.

Like RandomFlip and RandomTranslation they are the identity at inference and draw anew per image
and per batch in training, from their own generator when seeded, else from gradwork's. Unlike
those two (which read a 3-D input as (batch, height, width)), they take Keras's shapes: a batch
(batch, height, width, channels) or one image (height, width, channels). Zoom and rotation are
`ops.nn.image.affine_transform` with one transform per image, so the gradient reaches the input.

>>> model = gw.Sequential([gw.nn.Input(shape=(32, 32, 3)), gw.nn.RandomRotation(0.05),
...                        gw.nn.RandomZoom(0.1), gw.nn.RandomContrast(0.2, value_range=(0, 1)),
...                        gw.nn.Conv2D(16, 3)])        # doctest: +SKIP
"""
from typing import Any

import numpy as np

from ...data.utils import as_generator
from ...ops.elementwise import clip
from ...ops.nn import image as kernels
from ...tensor import Tensor
from .augmentation import _RandomImageLayer, factor_range
from .image_resizing import as_image_batch


def _choice(layer, name, value, allowed):
    if value not in allowed:
        raise ValueError(f"{type(layer).__name__}: {name} must be one of {', '.join(map(repr, allowed))}, "
                         f"got {value!r}")
    return value


def _value_range(layer, value):
    if not isinstance(value, (tuple, list)) or len(value) != 2 or float(value[0]) == float(value[1]):
        raise ValueError(f"{type(layer).__name__}: value_range must be a pair of two different numbers "
                         f"(low, high), got {value!r}")
    return tuple(sorted(float(v) for v in value))


class _RandomImageBatch(_RandomImageLayer):
    """Keras's input shapes, identity at inference, and `augment` on a float batch in training."""

    def call(self, inputs, training=None):
        images, single = as_image_batch(self, inputs)
        if not training or images.shape[0] == 0:
            return inputs
        out = self.augment(images)
        return out[0] if single else out


class _RandomResampling(_RandomImageBatch):
    """What zoom and rotation share: fill and interpolation, and the resampling by the drawn transforms."""

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0, **kwargs):
        fill_mode = _choice(self, "fill_mode", fill_mode, kernels.FILL_MODES)
        interpolation = _choice(self, "interpolation", interpolation, kernels.INTERPOLATIONS)
        fill_value = float(fill_value)
        super().__init__(seed=seed, **kwargs)
        self.fill_mode, self.interpolation, self.fill_value = fill_mode, interpolation, fill_value

    def augment(self, images: Tensor) -> Tensor:
        """`images` (N, H, W, C), each resampled by its own drawn transform."""
        transforms = self.transforms(images.shape[0], images.shape[1], images.shape[2])
        return kernels.affine_transform(images, transforms, self.interpolation, self.fill_mode, self.fill_value)

    def get_config(self):
        return {**super().get_config(), "fill_mode": self.fill_mode, "interpolation": self.interpolation,
                "fill_value": self.fill_value}


class RandomZoom(_RandomResampling):
    """Zoom each training image in or out about its centre by a random amount per axis.

    Parameters
    ----------
    height_factor : float or (float, float)
        Numbers in [-1, 1]: f for a vertical zoom drawn in [-|f|, |f|], or (lower, upper). The image
        is scaled by 1 / (1 + z): positive z zooms out (more of the scene, borders filled),
        negative z zooms in.
    width_factor : float or (float, float), optional
        The same horizontally; None (Keras's default) uses the vertical draw, keeping the aspect ratio.
    fill_mode : str, default "reflect"
        "reflect", "constant" (`fill_value`), "nearest" or "wrap" (see `gw.ops.nn.image`).
    interpolation : str, default "bilinear"
        "bilinear" or "nearest".
    seed : int, optional
    fill_value : float, default 0.0
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, height, width, channels) or (height, width, channels)

    Output shape
    ------------
    Same as the input (the input itself at inference).

    Examples
    --------
    >>> zoom = gw.nn.RandomZoom(0.5, 0.2, seed=0)
    >>> zoom(np.random.random((4, 32, 32, 3)), training=True).shape
    (4, 32, 32, 3)
    """

    def __init__(self, height_factor: float | tuple[float, float],
                 width_factor: float | tuple[float, float] | None = None, fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: int | None = None, fill_value: float = 0.0,
                 **kwargs: Any) -> None:
        height = factor_range(self, height_factor, "height_factor", -1.0, 1.0)
        width = None if width_factor is None else factor_range(self, width_factor, "width_factor", -1.0, 1.0)
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_factor, self.width_factor = height, width

    def draw(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(zoom_y, zoom_x): float arrays of shape (n,), each 1 + a uniform draw from its factor range."""
        rng = as_generator(self._rng)
        zoom_y = 1.0 + rng.uniform(*self.height_factor, size=n)
        zoom_x = zoom_y if self.width_factor is None else 1.0 + rng.uniform(*self.width_factor, size=n)
        return zoom_y, zoom_x

    def transforms(self, n: int, height: int, width: int) -> np.ndarray:
        """(n, 8) transforms (see `affine_transform`): scale the sampling grid about the image centre."""
        zoom_y, zoom_x = self.draw(n)
        zeros = np.zeros(n)
        return np.stack([zoom_x, zeros, (width - 1) / 2 * (1 - zoom_x),
                         zeros, zoom_y, (height - 1) / 2 * (1 - zoom_y), zeros, zeros], axis=1)

    def get_config(self):
        return {**super().get_config(), "height_factor": list(self.height_factor),
                "width_factor": None if self.width_factor is None else list(self.width_factor)}


class RandomRotation(_RandomResampling):
    """Rotate each training image about its centre by a random angle.

    Parameters
    ----------
    factor : float or (float, float)
        Fractions of a full turn in [-1, 1]: f for angles drawn in [-|f|, |f|] x 360 degrees, or
        (lower, upper). Positive angles turn the image counter-clockwise (as displayed, rows down).
    fill_mode : str, default "reflect"
        "reflect", "constant" (`fill_value`), "nearest" or "wrap" (see `gw.ops.nn.image`).
    interpolation : str, default "bilinear"
        "bilinear" or "nearest".
    seed : int, optional
    fill_value : float, default 0.0
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, height, width, channels) or (height, width, channels)

    Output shape
    ------------
    Same as the input (the input itself at inference).

    Examples
    --------
    >>> turn = gw.nn.RandomRotation(0.1, fill_mode="constant", seed=0)
    >>> turn(np.ones((2, 28, 28, 1)), training=True).shape
    (2, 28, 28, 1)
    """

    def __init__(self, factor: float | tuple[float, float], fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: int | None = None, fill_value: float = 0.0,
                 **kwargs: Any) -> None:
        factor = factor_range(self, factor, "factor", -1.0, 1.0)
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.factor = factor

    def draw(self, n: int) -> np.ndarray:
        """Angles in radians, shape (n,), uniform over the factor range times 2 pi."""
        return as_generator(self._rng).uniform(*self.factor, size=n) * 2 * np.pi

    def transforms(self, n: int, height: int, width: int) -> np.ndarray:
        """(n, 8) transforms (see `affine_transform`): rotate the sampling grid about the image centre."""
        angle = self.draw(n)
        cos, sin, zeros = np.cos(angle), np.sin(angle), np.zeros(n)
        x_offset = ((width - 1) - (cos * (width - 1) - sin * (height - 1))) / 2
        y_offset = ((height - 1) - (sin * (width - 1) + cos * (height - 1))) / 2
        return np.stack([cos, -sin, x_offset, sin, cos, y_offset, zeros, zeros], axis=1)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor)}


class _RandomValues(_RandomImageBatch):
    """What contrast and brightness share: a factor within `factor_bounds` and the pixels' value range."""

    factor_bounds = None  # (low, high) allowed for the factor's numbers

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        factor = factor_range(self, factor, "factor", *self.factor_bounds)
        value_range = _value_range(self, value_range)
        super().__init__(seed=seed, **kwargs)
        self.factor, self.value_range = factor, value_range

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range)}


class RandomContrast(_RandomValues):
    """Scale each training image's deviations from its per-channel mean by a random factor.

    Each image gets one factor c, uniform in [1 - lower, 1 + upper]; each channel's pixels become
    (x - mean) * c + mean, the mean over that image's height and width, then are clipped to
    `value_range`.

    Parameters
    ----------
    factor : float or (float, float)
        Numbers in [0, 1]: f for (lower, upper) = (f, f), or a pair.
    value_range : (float, float), default (0, 255)
        The pixels' range, where the output is clipped.
    seed : int, optional
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, height, width, channels) or (height, width, channels)

    Output shape
    ------------
    Same as the input (the input itself at inference).

    Examples
    --------
    >>> contrast = gw.nn.RandomContrast(0.5, value_range=(0, 1), seed=0)
    >>> contrast(np.random.random((2, 8, 8, 3)), training=True).shape
    (2, 8, 8, 3)
    """

    factor_bounds = (0.0, 1.0)

    def __init__(self, factor: float | tuple[float, float], value_range: tuple[float, float] = (0, 255),
                 seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(factor, value_range, seed, **kwargs)

    def draw(self, n: int) -> np.ndarray:
        """Contrast factors, shape (n,), uniform in [1 - lower, 1 + upper]."""
        return as_generator(self._rng).uniform(1.0 - self.factor[0], 1.0 + self.factor[1], size=n)

    def augment(self, images: Tensor) -> Tensor:
        """`images` (N, H, W, C) with each image's contrast scaled by its drawn factor."""
        factor = self.draw(images.shape[0]).astype(images.dtype)[:, None, None, None]
        mean = images.mean(axis=(1, 2), keepdims=True)
        return clip((images - mean) * factor + mean, *self.value_range)


class RandomBrightness(_RandomValues):
    """Add a random amount to every pixel of each training image, then clip to `value_range`.

    Each image gets one draw d, uniform in [lower, upper], and is shifted by d * (high - low).

    Parameters
    ----------
    factor : float or (float, float)
        Numbers in [-1, 1]: f for (-|f|, |f|), or (lower, upper). -1 turns every image black, 1 white.
    value_range : (float, float), default (0, 255)
        The pixels' range: the shift's scale and where the output is clipped.
    seed : int, optional
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, height, width, channels) or (height, width, channels)

    Output shape
    ------------
    Same as the input (the input itself at inference).

    Examples
    --------
    >>> bright = gw.nn.RandomBrightness(0.2, seed=0)
    >>> bright(np.full((2, 4, 4, 3), 100.0), training=True).shape
    (2, 4, 4, 3)
    """

    factor_bounds = (-1.0, 1.0)

    def __init__(self, factor: float | tuple[float, float], value_range: tuple[float, float] = (0, 255),
                 seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(factor, value_range, seed, **kwargs)

    def draw(self, n: int) -> np.ndarray:
        """The shifts added to each image, shape (n,): uniform in [lower, upper] times (high - low)."""
        low, high = self.value_range
        return as_generator(self._rng).uniform(*self.factor, size=n) * (high - low)

    def augment(self, images: Tensor) -> Tensor:
        """`images` (N, H, W, C), each shifted by its drawn amount and clipped."""
        shift = self.draw(images.shape[0]).astype(images.dtype)[:, None, None, None]
        return clip(images + shift, *self.value_range)
