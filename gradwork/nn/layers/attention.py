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


def combined_mask(where: str, scores_shape: tuple[int, int, int], attention_mask=None, query_mask=None,
                  value_mask=None, key_mask=None, use_causal_mask: bool = False) -> np.ndarray | None:
    """The masks of an attention layer's call, checked and combined (and) into one boolean mask.

    Parameters
    ----------
    where : str
        The layer's name, for the errors.
    scores_shape : (B, T, S)
        Batch, target (query) length, source (key/value) length.
    attention_mask : broadcastable to (B, T, S), optional
        True = query t may attend to position s.
    query_mask : (B, T), optional
        False: the query position attends to nothing.
    value_mask, key_mask : (B, S), optional
        False: no query attends to the position.
    use_causal_mask : bool
        Query t sees positions s <= t.

    Returns
    -------
    ndarray of bool broadcastable to (B, T, S), or None when every pair takes part

    Raises
    ------
    TypeError, ValueError
        A mask that is not boolean / 0-1, or not of its shape above.
    """
    batch, target_length, source_length = scores_shape
    keep = None
    if attention_mask is not None:
        keep = boolean_mask(attention_mask, where, "True = may attend")
        if keep.ndim > 3 or not broadcasts_to(keep.shape, scores_shape):
            raise ValueError(f"{where}: attention_mask must have shape (batch, target length, source "
                             f"length) = {scores_shape} (or broadcast to it), got {keep.shape}")
    for what, mask, shape, axis in (("query_mask", query_mask, (batch, target_length), -1),
                                    ("value_mask", value_mask, (batch, source_length), -2),
                                    ("key_mask", key_mask, (batch, source_length), -2)):
        if mask is None:
            continue
        mask = boolean_mask(mask, where, "True = takes part")
        if mask.shape != shape:
            raise ValueError(f"{where}: {what} must have shape {shape} (batch, {what[:-5]} length), "
                             f"got {mask.shape}")
        mask = np.expand_dims(mask, axis)
        keep = mask if keep is None else keep & mask
    if use_causal_mask:
        causal = causal_mask(target_length, source_length)
        keep = causal if keep is None else keep & causal
    return keep


def add_projection_weights(layer: Layer, what: str, kernel_shape: tuple[int, ...],
                           bias_shape: tuple[int, ...]) -> None:
    """Create `<what>_kernel` and (with layer.use_bias, else None) `<what>_bias` with the layer's
    kernel/bias initializers, regularizers and constraints."""
    layer.add_weight(f"{what}_kernel", kernel_shape, layer.kernel_initializer, layer.kernel_regularizer,
                     constraint=layer.kernel_constraint)
    setattr(layer, f"{what}_bias", None)
    if layer.use_bias:
        layer.add_weight(f"{what}_bias", bias_shape, layer.bias_initializer, layer.bias_regularizer,
                         constraint=layer.bias_constraint)


def check_projected_inputs(layer: Layer, query, value, key) -> None:
    """Raise unless query, value and key are (B, length, features) with the features of the layer's
    `<what>_kernel` (first axis), one batch size, and one length for key and value."""
    shapes = {"query": query.shape, "value": value.shape, "key": key.shape}
    for what, shape in shapes.items():
        features = getattr(layer, f"{what}_kernel").shape[0]
        if len(shape) != 3 or shape[-1] != features:
            raise ValueError(f"{layer.name}: expected {what} of shape (batch, length, {features}), got {shape}")
    if len({s[0] for s in shapes.values()}) > 1 or key.shape[1] != value.shape[1]:
        raise ValueError(f"{layer.name}: query, value and key need one batch size, and key and value one "
                         f"length; got query {query.shape}, value {value.shape}, key {key.shape}")


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
            add_projection_weights(self, what, (shape[-1], heads, depth), (heads, depth))
        add_projection_weights(self, "output", (heads, self.value_dim) + out_shape, out_shape)

    def _project(self, fn, what, x):
        kernel, bias = getattr(self, f"{what}_kernel"), getattr(self, f"{what}_bias")
        return fn(x, kernel, bias)

    def call(self, query, value, key=None, attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        value = self._to_input(value)
        key = value if key is None else self._to_input(key)
        check_projected_inputs(self, query, value, key)
        mask = self._mask(attention_mask, query.shape[0], query.shape[1], value.shape[1], use_causal_mask)
        q = self._project(head_projection, "query", query)
        k = self._project(head_projection, "key", key)
        v = self._project(head_projection, "value", value)
        rate = self.dropout if training else 0.0
        heads_out, weights = attention(q, k, v, mask, 1 / math.sqrt(self.key_dim), rate)
        out = self._project(head_merge, "output", heads_out)
        return (out, weights) if return_attention_scores else out

    def _mask(self, attention_mask, batch, target_length, source_length, use_causal_mask):
        """The boolean mask to attend with, with an axis for the heads; None when everything is seen."""
        keep = combined_mask(self.name, (batch, target_length, source_length), attention_mask=attention_mask,
                             use_causal_mask=use_causal_mask)
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

