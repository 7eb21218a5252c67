"""Embedding: integer ids -> learned vectors (Keras's layer)."""
from collections.abc import Callable
from typing import Any

from ...tensor import Tensor
from ...ops.nn.embedding import embedding
from ...tensor import as_array
from ..layer import Layer
from . import _checks
from ...registry import serialize_object


class Embedding(Layer):
    """Turn integer ids into vectors: rows of a trainable (input_dim, output_dim) table, `embeddings`.

    Parameters
    ----------
    input_dim : int
        The vocabulary size: ids are in [0, input_dim).
    output_dim : int
        The size of each vector.
    embeddings_initializer : str or callable, default "uniform"
    embeddings_regularizer : str or callable, optional
    embeddings_constraint : str or callable, optional
        A `gw.constraints` identifier, applied after every optimizer update.
    mask_zero : bool, default False
        Id 0 is padding: `compute_mask` gives ids != 0, which Sequential passes on to the next layer
        (an RNN then skips those steps); input_dim must count id 0.
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, ...) integer ids (floats holding whole numbers are accepted)

    Output shape
    ------------
    (batch, ..., output_dim)

    Examples
    --------
    >>> gw.nn.Embedding(100, 8)(np.array([[1, 2, 3]])).shape
    (1, 3, 8)
    """

    constraint_arguments = ("embeddings_constraint",)

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer: str | Callable = "uniform",
                 embeddings_regularizer: str | Callable | None = None, mask_zero: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.input_dim = _checks.positive_int(self, "input_dim", input_dim)
        self.output_dim = _checks.positive_int(self, "output_dim", output_dim)
        self.embeddings_initializer = embeddings_initializer
        self.embeddings_regularizer = embeddings_regularizer
        self.mask_zero = bool(mask_zero)

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          self.embeddings_initializer, self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)

    def call(self, inputs):
        try:
            return embedding(inputs, self.embeddings)
        except (IndexError, TypeError) as error:
            raise type(error)(f"{self.name}: {error}") from None

    def compute_mask(self, inputs: Tensor, mask: Any = None) -> Tensor | None:
        """Booleans of the ids' shape (batch, ...), False where the id is 0; None without mask_zero."""
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
