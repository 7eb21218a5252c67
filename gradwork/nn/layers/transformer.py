"""The Transformer's encoder block (keras_hub's layer); the position encodings are in position.py."""
from collections.abc import Callable
from typing import Any

from ... import activations
from ...ops.nn.masking import boolean_mask
from ..layer import Layer
from . import _checks
from .attention import MultiHeadAttention
from ...registry import serialize_object
from .core import Dense
from .dropout import Dropout
from .layer_normalization import LayerNormalization


class TransformerEncoder(Layer):
    """One encoder block of "Attention Is All You Need" (keras_hub's `TransformerEncoder`).

    Self-attention (`num_heads` heads of hidden_dim // num_heads features), dropout, residual
    connection and layer normalization; then the feed-forward network (Dense `intermediate_dim` with
    `activation`, Dense back to hidden_dim), dropout, residual and layer normalization. With
    `normalize_first=True` each normalization moves to the start of its branch instead (pre-norm,
    as GPT-2).

    Parameters
    ----------
    intermediate_dim : int
        The feed-forward network's hidden size.
    num_heads : int
        At most hidden_dim.
    dropout : float in [0, 1), default 0.0
        Shared by the attention weights and both branches.
    activation : str or callable, default "relu"
        The feed-forward network's.
    layer_norm_epsilon : float, default 1e-5
    kernel_initializer, bias_initializer : str or callable, default "glorot_uniform", "zeros"
    kernel_regularizer, bias_regularizer : str or callable, optional
        Of the attention's and the feed-forward network's weights.
    normalize_first : bool, default False
    **kwargs : `Layer`'s arguments

    Call arguments
    --------------
    padding_mask : (B, T), optional
        True for real tokens (padded keys are not attended to).
    attention_mask : (B, T, T), optional
        True = may attend. Both masks may be given (they are combined), as booleans or 0/1 numbers
        (a float mask with other values, such as PyTorch's additive 0 / -inf one, is a TypeError).
    return_attention_scores : bool, default False
    mask : (B, T), optional
        The Keras mask the inputs carry (Sequential passes an Embedding's): the padding_mask when
        none is given, and kept for the output.

    Input shape
    -----------
    (B, T, hidden_dim)

    Output shape
    ------------
    (B, T, hidden_dim), and the attention weights (B, num_heads, T, T) with return_attention_scores.

    Examples
    --------
    >>> gw.nn.TransformerEncoder(intermediate_dim=32, num_heads=2)(np.zeros((2, 6, 16))).shape
    (2, 6, 16)
    """

    supports_masking = True

    def __init__(self, intermediate_dim: int, num_heads: int, dropout: float = 0.0,
                 activation: str | Callable = "relu", layer_norm_epsilon: float = 1e-5,
                 kernel_initializer: str | Callable = "glorot_uniform", bias_initializer: str | Callable = "zeros",
                 kernel_regularizer: str | Callable | None = None, bias_regularizer: str | Callable | None = None,
                 normalize_first: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.intermediate_dim = _checks.positive_int(self, "intermediate_dim", intermediate_dim)
        self.num_heads = _checks.positive_int(self, "num_heads", num_heads)
        self.dropout = _checks.rate(self, "dropout", dropout)
        self.activation = activations.get(activation)
        self.layer_norm_epsilon = float(layer_norm_epsilon)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.normalize_first = bool(normalize_first)

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f"{self.name}: expected inputs of shape (batch, length, hidden_dim), got {input_shape}")
        hidden = self.hidden_dim = input_shape[-1]
        if hidden < self.num_heads:
            raise ValueError(f"{self.name}: hidden_dim {hidden} must be at least num_heads {self.num_heads} "
                             f"(each head gets hidden_dim // num_heads features)")
        dense = {"kernel_initializer": self.kernel_initializer, "bias_initializer": self.bias_initializer,
                 "kernel_regularizer": self.kernel_regularizer, "bias_regularizer": self.bias_regularizer,
                 "dtype": self.dtype}
        self.self_attention = MultiHeadAttention(self.num_heads, hidden // self.num_heads, dropout=self.dropout,
                                                 name="self_attention", **dense)
        self.self_attention_layer_norm = LayerNormalization(
            epsilon=self.layer_norm_epsilon, name="self_attention_layer_norm", dtype=self.dtype)
        self.self_attention_dropout = Dropout(self.dropout, name="self_attention_dropout", dtype=self.dtype)
        self.feedforward_layer_norm = LayerNormalization(
            epsilon=self.layer_norm_epsilon, name="feedforward_layer_norm", dtype=self.dtype)
        self.feedforward_intermediate_dense = Dense(self.intermediate_dim, activation=self.activation,
                                                    name="feedforward_intermediate_dense", **dense)
        self.feedforward_output_dense = Dense(hidden, name="feedforward_output_dense", **dense)
        self.feedforward_dropout = Dropout(self.dropout, name="feedforward_dropout", dtype=self.dtype)

    def call(self, inputs, padding_mask=None, attention_mask=None, training=None, return_attention_scores=False,
             mask=None):
        padding_mask = mask if padding_mask is None else padding_mask
        if inputs.ndim != 3 or inputs.shape[-1] != self.hidden_dim:
            raise ValueError(f"{self.name}: expected inputs of shape (batch, length, {self.hidden_dim}), "
                             f"got {inputs.shape}")
        mask = self._merged_mask(inputs.shape, padding_mask, attention_mask)
        x = residual = inputs
        if self.normalize_first:
            x = self.self_attention_layer_norm(x)
        x, scores = self.self_attention(x, x, attention_mask=mask, return_attention_scores=True)
        x = self.self_attention_dropout(x) + residual
        if not self.normalize_first:
            x = self.self_attention_layer_norm(x)
        residual = x
        if self.normalize_first:
            x = self.feedforward_layer_norm(x)
        x = self.feedforward_output_dense(self.feedforward_intermediate_dense(x))
        x = self.feedforward_dropout(x) + residual
        if not self.normalize_first:
            x = self.feedforward_layer_norm(x)
        return (x, scores) if return_attention_scores else x

    def _merged_mask(self, shape, padding_mask, attention_mask):
        """padding_mask (B, T) and attention_mask (B, T, T) as one boolean (B, T, T) mask, or None."""
        batch, length = shape[:2]
        mask = None
        if padding_mask is not None:
            padding = boolean_mask(padding_mask, self.name, "True = a real token")
            if padding.shape != (batch, length):
                raise ValueError(f"{self.name}: padding_mask must have shape (batch, length) = {(batch, length)}, "
                                 f"got {padding.shape}")
            mask = padding[:, None, :]
        if attention_mask is not None:
            full = boolean_mask(attention_mask, self.name, "True = may attend")
            if full.shape != (batch, length, length):
                raise ValueError(f"{self.name}: attention_mask must have shape (batch, length, length) = "
                                 f"{(batch, length, length)}, got {full.shape}")
            mask = full if mask is None else mask & full
        return mask

    def get_config(self):
        return {
            **super().get_config(),
            "intermediate_dim": self.intermediate_dim,
            "num_heads": self.num_heads,
            "dropout": self.dropout,
            "activation": activations.serialize(self.activation),
            "layer_norm_epsilon": self.layer_norm_epsilon,
            "kernel_initializer": serialize_object(self.kernel_initializer),
            "bias_initializer": serialize_object(self.bias_initializer),
            "kernel_regularizer": serialize_object(self.kernel_regularizer),
            "bias_regularizer": serialize_object(self.bias_regularizer),
            "normalize_first": self.normalize_first,
        }
