"""Image augmentation layers (Keras's preprocessing layers): RandomTranslation and RandomFlip.

Put them first in a model: while training (`fit`, or a call with training=True) each batch is
moved at random, a new draw per image and per batch; at inference (`evaluate`, `predict`) they
are the identity. They hold no weights, save and load like any layer, and pass the gradient
back through the moves (a gather), so they may also sit after other layers.

>>> model = gw.Sequential([gw.nn.Input(shape=(28, 28, 1)),
...                        gw.nn.RandomTranslation(0.1, 0.1, fill_mode="constant"),
...                        gw.nn.RandomFlip("horizontal"),
...                        gw.nn.Conv2D(32, 3, activation="relu"), ...])        # doctest: +SKIP
"""
from typing import Any

import numpy as np

from ...data import augmentation as aug
from ...data.utils import as_generator
from ...ops.shape_ops import pad
from ...random import OwnGenerator
from ...tensor import Tensor
from ..layer import Layer
from . import _checks


class _RandomImageLayer(OwnGenerator, Layer):
    """What the random layers share: the seed, the input check, and identity at inference."""

    def __init__(self, seed=None, **kwargs):
        seed = _checks.seed(self, seed)
        super().__init__(**kwargs)
        self.use_seed(seed)

    def call(self, inputs, training=None):
        if inputs.ndim not in (3, 4):
            raise ValueError(f"{self.name}: expected images of shape (batch, height, width) or "
                             f"(batch, height, width, channels), got shape {inputs.shape}")
        if not training or inputs.shape[0] == 0:
            return inputs
        return self.augment(inputs)

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def factor_range(layer, value, name: str, low: float, high: float, ordered: bool = False) -> tuple[float, float]:
    """Keras's factor forms as (lower, upper): a number f for (-|f|, |f|) (for low >= 0, (f, f)), or a
    pair, sorted (with `ordered`, a pair given as (upper, lower) is an error, as Keras's
    RandomTranslation says); each number within [low, high]. A ValueError naming the layer otherwise."""
    pair = isinstance(value, (tuple, list))
    numbers = tuple(value) if pair else (value,)
    valid = (not pair or len(numbers) == 2) and all(
        isinstance(v, (int, float, np.number)) and not isinstance(v, bool) and low <= v <= high for v in numbers)
    if not valid or (pair and ordered and numbers[0] > numbers[1]):
        order = " with lower <= upper" if ordered else ""
        raise ValueError(f"{type(layer).__name__}: {name} must be a number or a pair of numbers in [{low}, {high}]"
                         f"{order}, got {value!r}")
    if pair:
        return tuple(sorted(float(v) for v in numbers))
    return (-abs(float(value)), abs(float(value))) if low < 0 else (float(value), float(value))


class RandomTranslation(_RandomImageLayer):
    """Shift each training image by a random whole number of pixels, a new draw per image.

    Parameters
    ----------
    height_factor, width_factor : float or (float, float)
        A fraction f of the height/width, for shifts drawn uniformly in [-f, f] of it, or a
        (lower, upper) pair of fractions. Positive shifts move the content down / right, as Keras.
        The drawn shift is rounded to whole pixels (28 x 0.1 = 2.8: shifts of -3 ... 3 pixels, the
        extremes drawn less often).
    fill_mode : str, default "reflect"
        "reflect" (Keras's default: mirrored about the edge), "constant" (`fill_value`, the natural
        choice for digits or clothes on black), "nearest" or "wrap".
    interpolation : str, default "nearest"
        "nearest" only: whole-pixel shifts need no interpolation.
    seed : int, optional
        For this layer's own repeatable generator; None draws from gradwork's (`gw.random.seed`).
    fill_value : float, default 0.0
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, height, width) or (batch, height, width, channels)

    Output shape
    ------------
    Same as the input (the input itself at inference).

    Examples
    --------
    >>> shift = gw.nn.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=0)
    >>> shift(np.ones((2, 28, 28, 1)), training=True).shape
    (2, 28, 28, 1)
    """

    def __init__(self, height_factor: float | tuple[float, float], width_factor: float | tuple[float, float],
                 fill_mode: str = "reflect", interpolation: str = "nearest", seed: int | None = None,
                 fill_value: float = 0.0, **kwargs: Any) -> None:
        height_factor = factor_range(self, height_factor, "height_factor", -1.0, 1.0, ordered=True)
        width_factor = factor_range(self, width_factor, "width_factor", -1.0, 1.0, ordered=True)
        if fill_mode not in aug.FILL_MODES:
            raise ValueError(f"RandomTranslation: fill_mode must be one of {', '.join(aug.FILL_MODES)}, "
                             f"got {fill_mode!r}")
        if interpolation != "nearest":
            raise ValueError("RandomTranslation: only interpolation='nearest' (whole-pixel shifts) is "
                             f"available, got {interpolation!r}")
        super().__init__(seed=seed, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self.fill_mode, self.interpolation, self.fill_value = fill_mode, interpolation, float(fill_value)

    def draw(self, n: int, height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
        """Draw (dy, dx): two int arrays of shape (n,), whole-pixel shifts as the factors say."""
        rng = as_generator(self._rng)
        dy = np.rint(rng.uniform(*self.height_factor, size=n) * height).astype(np.intp)
        dx = np.rint(rng.uniform(*self.width_factor, size=n) * width).astype(np.intp)
        return dy, dx

    def augment(self, inputs: Tensor) -> Tensor:
        """`inputs` (batch, height, width[, channels]) with each image shifted, whatever the mode."""
        dy, dx = self.draw(inputs.shape[0], inputs.shape[1], inputs.shape[2])
        pad_width, index = aug.shift_index(inputs.shape, dy, dx, self.fill_mode)
        padded = inputs if pad_width is None else pad(inputs, pad_width, self.fill_value)
        return padded[index]

    def get_config(self):
        return {**super().get_config(), "height_factor": list(self.height_factor),
                "width_factor": list(self.width_factor), "fill_mode": self.fill_mode,
                "interpolation": self.interpolation, "fill_value": self.fill_value}


class RandomFlip(_RandomImageLayer):
    """Mirror each training image with probability 1/2.

    Parameters
    ----------
    mode : str, default "horizontal_and_vertical"
        "horizontal" (left-right), "vertical" (top-bottom) or "horizontal_and_vertical" (Keras's
        default; each axis on its own coin).
    seed : int, optional
        For this layer's own repeatable generator; None draws from gradwork's.
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, height, width) or (batch, height, width, channels)

    Output shape
    ------------
    Same as the input (unchanged at inference).
    """

    def __init__(self, mode: str = "horizontal_and_vertical", seed: int | None = None, **kwargs: Any) -> None:
        if mode not in aug.FLIP_MODES:
            raise ValueError(f"RandomFlip: mode must be one of {', '.join(aug.FLIP_MODES)}, got {mode!r}")
        super().__init__(seed=seed, **kwargs)
        self.mode = mode

    def augment(self, inputs: Tensor) -> Tensor:
        """`inputs` with each image flipped at random, whatever the mode; same shape."""
        horizontal, vertical = aug.draw_flips(inputs.shape[0], self.mode, self._rng)
        return inputs[aug.flip_index(inputs.shape, horizontal, vertical)]

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}
