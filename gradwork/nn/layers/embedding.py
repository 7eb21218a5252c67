"""Embedding: integer ids -> learned vectors (Keras's layer)."""

import numpy as np

from ...tensor import Tensor
from ..functional.embedding import embedding
from ..layer import Layer
from .core import _ser


class Embedding(Layer):
    """Turn integer ids (batch, ...) into vectors (batch, ..., output_dim) from a trainable
    (input_dim, output_dim) table, `embeddings`.

    mask_zero : id 0 is padding: the layer's `compute_mask` gives ids != 0, which Sequential
        passes on to the next layer (an RNN then skips those steps); input_dim must count id 0.
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 mask_zero=False, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if int(value) != value or value <= 0:
                raise ValueError(f"Embedding: {name} must be a positive integer, got {value}")
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = embeddings_initializer
        self.embeddings_regularizer = embeddings_regularizer
        self.mask_zero = bool(mask_zero)

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          self.embeddings_initializer, self.embeddings_regularizer)

    def call(self, inputs):
        try:
            return embedding(inputs, self.embeddings)
        except (IndexError, TypeError) as error:
            raise type(error)(f"{self.name}: {error}") from None

    def compute_mask(self, inputs, mask=None):
        """(batch, ...) booleans, False where the id is 0 (only with mask_zero)."""
        if not self.mask_zero:
            return None
        ids = inputs.data if isinstance(inputs, Tensor) else np.asarray(inputs)
        return Tensor._make(ids != 0)

    def get_config(self):
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": _ser(self.embeddings_initializer),
            "embeddings_regularizer": _ser(self.embeddings_regularizer),
            "mask_zero": self.mask_zero,
        }
