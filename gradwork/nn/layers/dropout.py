"""Dropout: inverted, so inference needs no rescaling."""
from ..functional.layers import dropout
from ..layer import Layer


class Dropout(Layer):
    """While training, zero each input with probability `rate` and scale the rest by 1/(1 - rate);
    the identity at inference."""

    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"Dropout: rate must be in [0, 1), got {rate}")
        self.rate = float(rate)

    def call(self, inputs, training=None):
        return dropout(inputs, self.rate, training=bool(training))

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}
