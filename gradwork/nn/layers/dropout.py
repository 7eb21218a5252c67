"""Dropout: inverted, so inference needs no rescaling."""
from typing import Any

from ...tensor import Tensor
from ..functional import dropout
from ..layer import Layer
from . import _checks


class Dropout(Layer):
    """While training, zero each input with probability `rate` and scale the rest by 1/(1 - rate);
    the identity at inference.

    Parameters
    ----------
    rate : float in [0, 1)
    noise_shape : tuple of int or None, optional
        The shape of the random mask, broadcast over the input; None entries take the input's size.
        Default: the input's shape (every element drawn on its own).
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    Any.

    Output shape
    ------------
    Same as the input (the input itself at inference).

    Examples
    --------
    >>> gw.nn.Dropout(0.5)(np.ones((2, 3))).tolist()     # a direct call is inference
    [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    """

    supports_masking = True  # works step by step: a sequence's mask passes through

    def __init__(self, rate: float, noise_shape: tuple | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rate = _checks.rate(self, "rate", rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)

    def call(self, inputs, training=None):
        return dropout(inputs, self.rate, training=bool(training), noise_shape=self.mask_shape(inputs))

    def mask_shape(self, inputs: Tensor) -> tuple | None:
        """The random mask's shape for `inputs`: `noise_shape` (None entries taken from the input), or
        None for the input's own shape."""
        return self.noise_shape

    def get_config(self):
        config = {**super().get_config(), "rate": self.rate}
        if self.noise_shape is not None:
            config["noise_shape"] = list(self.noise_shape)
        return config


class SpatialDropout2D(Dropout):
    """Dropout of whole channels of images: one draw per sample and channel, so neighbouring
    (strongly correlated) pixels are dropped together.

    Parameters
    ----------
    rate : float in [0, 1)
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, height, width, channels)

    Output shape
    ------------
    Same as the input.
    """

    def __init__(self, rate: float, **kwargs: Any) -> None:
        super().__init__(rate, **kwargs)

    def mask_shape(self, inputs: Tensor) -> tuple | None:
        if inputs.ndim != 4:
            raise ValueError(
                f"{self.name}: expected inputs of shape (batch, height, width, channels), got {inputs.shape}"
            )
        return (inputs.shape[0], 1, 1, inputs.shape[3])
