"""Dropout: inverted, so inference needs no rescaling."""

from ..functional import dropout
from ..layer import Layer
from . import _checks


class Dropout(Layer):
    """While training, zero each input with probability `rate` and scale the rest by 1/(1 - rate);
    the identity at inference."""

    supports_masking = True  # works step by step: a sequence's mask passes through

    def __init__(self, rate, noise_shape=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _checks.rate(self, "rate", rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)

    def call(self, inputs, training=None):
        return dropout(inputs, self.rate, training=bool(training), noise_shape=self.mask_shape(inputs))

    def mask_shape(self, inputs):
        """The random mask's shape: `noise_shape` (None entries taken from the input), else the input's."""
        return self.noise_shape

    def get_config(self):
        config = {**super().get_config(), "rate": self.rate}
        if self.noise_shape is not None:
            config["noise_shape"] = list(self.noise_shape)
        return config


class SpatialDropout2D(Dropout):
    """Dropout of whole channels of (N, H, W, C) images: one draw per sample and channel, so
    neighbouring (strongly correlated) pixels are dropped together."""

    def __init__(self, rate, **kwargs):
        super().__init__(rate, **kwargs)

    def mask_shape(self, inputs):
        if inputs.ndim != 4:
            raise ValueError(
                f"{self.name}: expected inputs of shape (batch, height, width, channels), got {inputs.shape}"
            )
        return (inputs.shape[0], 1, 1, inputs.shape[3])
