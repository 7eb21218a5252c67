"""Position encodings for sequences (keras_hub's layers): fixed sinusoids and learned embeddings."""

from collections.abc import Callable
from typing import Any

import numpy as np

from ...tensor import Tensor
from ..layer import Layer
from . import _checks
from ...registry import serialize_object


def sine_position_encoding(length: int, hidden_dim: int, max_wavelength: float = 10000,
                           start_index: int = 0) -> np.ndarray:
    """The Transformer's sinusoids: position p, feature i gets sin(p / max_wavelength^(2k / hidden_dim))
    for even i = 2k and cos of the same angle for odd i = 2k + 1.

    Returns
    -------
    ndarray, shape (length, hidden_dim), float64
        Rows for positions start_index ... start_index + length - 1.
    """
    positions = np.arange(start_index, start_index + length, dtype=np.float64)[:, None]
    features = np.arange(hidden_dim)
    angles = positions * max_wavelength ** (-2.0 * (features // 2) / hidden_dim)
    return np.where(features % 2 == 0, np.sin(angles), np.cos(angles))


class SinePositionEncoding(Layer):
    """The fixed sinusoidal position encoding, broadcast to the input's shape (keras_hub's layer).

    It returns the encoding only (add it to the input yourself: `x + SinePositionEncoding()(x)`);
    only the input's shape is used, and no gradient flows. The call's `start_index` is the position
    of the first step (for decoding one step at a time).

    Parameters
    ----------
    max_wavelength : float, default 10000
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (..., length, hidden_dim)

    Output shape
    ------------
    Same as the input.

    Examples
    --------
    >>> gw.nn.SinePositionEncoding()(np.zeros((2, 5, 8))).shape
    (2, 5, 8)
    """

    def __init__(self, max_wavelength: float = 10000, **kwargs: Any) -> None:
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

    It returns the embeddings only (add them to the input yourself): rows start_index ...
    start_index + length - 1 of the weight `embeddings` (sequence_length, hidden_dim), where the
    call's `start_index` (default 0) is the position of the first step.

    Parameters
    ----------
    sequence_length : int
        The longest sequence (start_index + length) it can encode.
    initializer : str or callable, default "glorot_uniform"
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (..., length, hidden_dim), start_index + length <= sequence_length

    Output shape
    ------------
    Same as the input.
    """

    def __init__(self, sequence_length: int, initializer: str | Callable = "glorot_uniform", **kwargs: Any) -> None:
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
