"""Embedding: integer ids -> learned vectors (Keras's layer)."""

from ...tensor import Tensor
from ...ops.nn.embedding import embedding
from ...ops.nn.masking import as_array
from ..layer import Layer
from . import _checks
from ...registry import serialize_object


class Embedding(Layer):
    """Turn integer ids (batch, ...) into vectors (batch, ..., output_dim) from a trainable
    (input_dim, output_dim) table, `embeddings`.

    mask_zero : id 0 is padding: the layer's `compute_mask` gives ids != 0, which Sequential
        passes on to the next layer (an RNN then skips those steps); input_dim must count id 0.
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 mask_zero=False, **kwargs):
        super().__init__(**kwargs)
        self.input_dim = _checks.positive_int(self, "input_dim", input_dim)
        self.output_dim = _checks.positive_int(self, "output_dim", output_dim)
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
        return Tensor._make(as_array(inputs) != 0)

    def get_config(self):
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": serialize_object(self.embeddings_initializer),
            "embeddings_regularizer": serialize_object(self.embeddings_regularizer),
            "mask_zero": self.mask_zero,
        }
