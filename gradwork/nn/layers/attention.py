"""Multi-head attention with Keras's arguments and weight layout."""

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ...ops.nn.attention import attention, causal_mask, head_merge, head_projection
from ...ops.nn.masking import boolean_mask, broadcasts_to
from ..layer import Layer
from . import _checks
from ...registry import serialize_object


class MultiHeadAttention(Layer):
    """Attention of each query position to the key/value positions, in `num_heads` heads (Keras's layer).

    Each head projects query and key to `key_dim` features and value to `value_dim`; the heads'
    softmax(q k^T / sqrt(key_dim)) v are concatenated and projected to `output_shape`. Weights
    (Keras's layout): query/key/value kernels (features, num_heads, key_dim or value_dim) with
    biases (num_heads, key_dim or value_dim); output kernel (num_heads, value_dim, *output_shape)
    with bias output_shape. A query that may attend to nothing gets zero weights (output: the
    output bias), not NaN.

    Parameters
    ----------
    num_heads, key_dim : int
    value_dim : int, optional
        Default: key_dim.
    dropout : float in [0, 1), default 0.0
        Dropout on the attention weights, in training.
    use_bias : bool, default True
    output_shape : int or tuple of int, optional
        Default: the query's feature size.
    kernel_initializer, bias_initializer : str or callable, default "glorot_uniform", "zeros"
    kernel_regularizer, bias_regularizer : str or callable, optional
    kernel_constraint, bias_constraint : str or callable, optional
        `gw.constraints` identifiers, applied after every optimizer update.
    **kwargs : `Layer`'s arguments

    Call arguments
    --------------
    query : (B, T, dim)
    value : (B, S, dim_v)
    key : (B, S, dim_k), optional
        Default: value.
    attention_mask : boolean (B, T, S) or broadcastable to it, optional
        True = may attend; 0/1 numbers are accepted, a float mask with other values (PyTorch's
        additive 0 / -inf one) is a TypeError.
    return_attention_scores : bool, default False
    use_causal_mask : bool, default False
        Query i sees keys j <= i (combined with attention_mask).

    Input shape
    -----------
    query (B, T, dim), value (B, S, dim_v), key (B, S, dim_k)

    Output shape
    ------------
    (B, T, *output_shape), and the attention weights (B, num_heads, T, S) with return_attention_scores.

    Examples
    --------
    >>> mha = gw.nn.MultiHeadAttention(num_heads=2, key_dim=4)
    >>> out, weights = mha(np.zeros((3, 5, 8)), np.zeros((3, 7, 8)), return_attention_scores=True)
    >>> out.shape, weights.shape
    ((3, 5, 8), (3, 2, 5, 7))
    """

    constraint_arguments = ("kernel_constraint", "bias_constraint")

    def __init__(self, num_heads: int, key_dim: int, value_dim: int | None = None, dropout: float = 0.0,
                 use_bias: bool = True, output_shape: int | tuple[int, ...] | None = None,
                 kernel_initializer: str | Callable = "glorot_uniform", bias_initializer: str | Callable = "zeros",
                 kernel_regularizer: str | Callable | None = None, bias_regularizer: str | Callable | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.num_heads = _checks.positive_int(self, "num_heads", num_heads)
        self.key_dim = _checks.positive_int(self, "key_dim", key_dim)
        self.value_dim = self.key_dim if value_dim is None else _checks.positive_int(self, "value_dim", value_dim)
        self.dropout, self.use_bias = _checks.rate(self, "dropout", dropout), bool(use_bias)
        if isinstance(output_shape, (int, np.integer)):
            output_shape = (output_shape,)
        self.attention_output_shape = None if output_shape is None else tuple(int(n) for n in output_shape)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        for what, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3:
                raise ValueError(f"{self.name}: expected {what} of shape (batch, length, features), got {shape}")
        out_shape = self.attention_output_shape or (query_shape[-1],)
        heads = self.num_heads
        for what, shape, depth in (("query", query_shape, self.key_dim), ("key", key_shape, self.key_dim),
                                   ("value", value_shape, self.value_dim)):
            self._projection_weights(what, (shape[-1], heads, depth), (heads, depth))
        self._projection_weights("output", (heads, self.value_dim) + out_shape, out_shape)

    def _projection_weights(self, what, kernel_shape, bias_shape):
        self.add_weight(f"{what}_kernel", kernel_shape, self.kernel_initializer, self.kernel_regularizer,
                        constraint=self.kernel_constraint)
        setattr(self, f"{what}_bias", None)
        if self.use_bias:
            self.add_weight(f"{what}_bias", bias_shape, self.bias_initializer, self.bias_regularizer,
                            constraint=self.bias_constraint)

    def _project(self, fn, what, x):
        kernel, bias = getattr(self, f"{what}_kernel"), getattr(self, f"{what}_bias")
        return fn(x, kernel, bias)

    def call(self, query, value, key=None, attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        value = self._to_input(value)
        key = value if key is None else self._to_input(key)
        self._check_inputs(query, value, key)
        mask = self._mask(attention_mask, query.shape[0], query.shape[1], value.shape[1], use_causal_mask)
        q = self._project(head_projection, "query", query)
        k = self._project(head_projection, "key", key)
        v = self._project(head_projection, "value", value)
        rate = self.dropout if training else 0.0
        heads_out, weights = attention(q, k, v, mask, 1 / math.sqrt(self.key_dim), rate)
        out = self._project(head_merge, "output", heads_out)
        return (out, weights) if return_attention_scores else out

    def _check_inputs(self, query, value, key):
        shapes = {"query": query.shape, "value": value.shape, "key": key.shape}
        for what, shape in shapes.items():
            features = getattr(self, f"{what}_kernel").shape[0]
            if len(shape) != 3 or shape[-1] != features:
                raise ValueError(f"{self.name}: expected {what} of shape (batch, length, {features}), got {shape}")
        if len({s[0] for s in shapes.values()}) > 1 or key.shape[1] != value.shape[1]:
            raise ValueError(f"{self.name}: query, value and key need one batch size, and key and value one "
                             f"length; got query {query.shape}, value {value.shape}, key {key.shape}")

    def _mask(self, attention_mask, batch, target_length, source_length, use_causal_mask):
        """The boolean mask to attend with, with an axis for the heads; None when everything is seen."""
        keep = None
        if attention_mask is not None:
            keep = boolean_mask(attention_mask, self.name, "True = may attend")
            full = (batch, target_length, source_length)
            if keep.ndim > 3 or not broadcasts_to(keep.shape, full):
                raise ValueError(f"{self.name}: attention_mask must have shape (batch, target length, source "
                                 f"length) = {full} (or broadcast to it), got {keep.shape}")
        if use_causal_mask:
            causal = causal_mask(target_length, source_length)
            keep = causal if keep is None else keep & causal
        return keep[:, None] if keep is not None and keep.ndim == 3 else keep

    def get_config(self):
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "value_dim": self.value_dim,
            "dropout": self.dropout,
            "use_bias": self.use_bias,
            "output_shape": None if self.attention_output_shape is None else list(self.attention_output_shape),
            "kernel_initializer": serialize_object(self.kernel_initializer),
            "bias_initializer": serialize_object(self.bias_initializer),
            "kernel_regularizer": serialize_object(self.kernel_regularizer),
            "bias_regularizer": serialize_object(self.bias_regularizer),
        }

