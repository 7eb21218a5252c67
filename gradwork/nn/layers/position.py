"""Position encodings for sequences (keras_hub's layers): fixed sinusoids and learned embeddings."""

import numpy as np

from ...tensor import Tensor
from ..layer import Layer
from . import _checks
from ...registry import serialize_object


def sine_position_encoding(length, hidden_dim, max_wavelength=10000, start_index=0):
    """The Transformer's sinusoids, (length, hidden_dim) in float64: position p, feature i gets
    sin(p / max_wavelength^(2k / hidden_dim)) for even i = 2k and cos(...) of the same angle for odd i = 2k + 1."""
    positions = np.arange(start_index, start_index + length, dtype=np.float64)[:, None]
    features = np.arange(hidden_dim)
    angles = positions * max_wavelength ** (-2.0 * (features // 2) / hidden_dim)
    return np.where(features % 2 == 0, np.sin(angles), np.cos(angles))


class SinePositionEncoding(Layer):
    """The fixed sinusoidal position encoding, broadcast to the input's shape (keras_hub's layer).

    It returns the encoding only (add it to the input yourself: `x + SinePositionEncoding()(x)`).
    inputs: (..., length, hidden_dim), only the shape is used -> the same shape, no gradient.
    start_index: the position of the first step (for decoding one step at a time).
    """

    def __init__(self, max_wavelength=10000, **kwargs):
        super().__init__(**kwargs)
        self.max_wavelength = float(max_wavelength)

    def call(self, inputs, start_index=0):
        if inputs.ndim < 2:
            raise ValueError(f"{self.name}: expected inputs of shape (..., length, hidden_dim), got {inputs.shape}")
        encoding = sine_position_encoding(*inputs.shape[-2:], self.max_wavelength, start_index)
        return Tensor._make(np.broadcast_to(encoding.astype(self.dtype), inputs.shape))

    def get_config(self):
        return {**super().get_config(), "max_wavelength": self.max_wavelength}


class PositionEmbedding(Layer):
    """A learned embedding per position, broadcast to the input's shape (keras_hub's layer).

    It returns the embeddings only (add them to the input yourself). Weight: embeddings
    (sequence_length, hidden_dim). inputs: (..., length, hidden_dim) with start_index + length <=
    sequence_length -> the same shape, rows start_index ... start_index + length - 1.
    """

    def __init__(self, sequence_length, initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        self.sequence_length = _checks.positive_int(self, "sequence_length", sequence_length)
        self.initializer = initializer

    def build(self, input_shape):
        if len(input_shape) < 2:
            raise ValueError(f"{self.name}: expected inputs of shape (..., length, hidden_dim), got {input_shape}")
        self.embeddings = self.add_weight("embeddings", (self.sequence_length, input_shape[-1]), self.initializer)

    def call(self, inputs, start_index=0):
        length, features = inputs.shape[-2:] if inputs.ndim >= 2 else (None, None)
        if features != self.embeddings.shape[1] or not 0 <= start_index <= self.sequence_length - length:
            raise ValueError(f"{self.name}: expected inputs of shape (..., length, {self.embeddings.shape[1]}) "
                             f"with start_index + length <= sequence_length {self.sequence_length}, got shape "
                             f"{inputs.shape} and start_index {start_index}")
        return self.embeddings[start_index:start_index + length].broadcast_to(inputs.shape)

    def get_config(self):
        return {**super().get_config(), "sequence_length": self.sequence_length,
                "initializer": serialize_object(self.initializer)}
