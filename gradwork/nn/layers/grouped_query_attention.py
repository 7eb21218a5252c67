"""Grouped-query attention (Ainslie et al., 2023) with Keras's arguments: fewer key/value heads than
query heads, each key/value head shared by a group of query heads."""
import math
from collections.abc import Callable
from typing import Any

from ...ops.nn.attention import attention, head_merge, head_projection
from ...random import OwnGenerator
from ...registry import serialize_object
from ..layer import Layer
from . import _checks
from .attention import add_projection_weights, check_projected_inputs, combined_mask


class GroupQueryAttention(OwnGenerator, Layer):
    """Multi-head attention whose `num_query_heads` query heads share `num_key_value_heads` key/value
    heads (Keras's `GroupQueryAttention`).

    Query head u uses key/value head u // (num_query_heads // num_key_value_heads), as Keras's
    repeat of the key/value heads; the groups are broadcast, not copied. num_key_value_heads = 1 is
    multi-query attention, num_key_value_heads = num_query_heads multi-head attention. Weights (Keras's
    layout): query kernel (dim, num_query_heads, head_dim), key / value kernels (dim_k / dim_v,
    num_key_value_heads, head_dim), biases without the first axis; output kernel (num_query_heads,
    head_dim, dim) with bias (dim,). A query that may attend to nothing gets zero weights (output: the
    output bias), not NaN.

    Parameters
    ----------
    head_dim, num_query_heads, num_key_value_heads : int
        num_query_heads must be a multiple of num_key_value_heads.
    dropout : float in [0, 1), default 0.0
        Dropout on the attention weights, in training.
    use_bias : bool, default True
    flash_attention : None or False
        Keras's switch to a fused GPU kernel; gradwork has none, so True is refused.
    kernel_initializer, bias_initializer : str or callable, default "glorot_uniform", "zeros"
    kernel_regularizer, bias_regularizer : str or callable, optional
    kernel_constraint, bias_constraint : str or callable, optional
        `gw.constraints` identifiers, applied after every optimizer update.
    seed : int, optional
        For the dropout's own repeatable generator; None draws from gradwork's (`gw.random.seed`).
    **kwargs : `Layer`'s arguments (activity_regularizer among them)

    Call arguments
    --------------
    query : (B, T, dim)
    value : (B, S, dim_v)
    key : (B, S, dim_k), optional
        Default: value.
    query_mask : (B, T), optional
        False: the position attends to nothing.
    value_mask, key_mask : (B, S), optional
        False: no query attends to the position.
    attention_mask : boolean (B, T, S) or broadcastable to it, optional
        True = may attend; combined (and) with the other masks.
    return_attention_scores : bool, default False
    training : bool, optional
    use_causal_mask : bool, default False
        Query i sees positions j <= i.

    Output shape
    ------------
    (B, T, dim), and the attention weights (B, num_query_heads, T, S) with return_attention_scores.

    Examples
    --------
    >>> gqa = gw.nn.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)
    >>> out, weights = gqa(np.zeros((3, 5, 8)), np.zeros((3, 7, 6)), return_attention_scores=True)
    >>> out.shape, weights.shape, gqa.key_kernel.shape
    ((3, 5, 8), (3, 4, 5, 7), (6, 2, 4))
    """

    constraint_arguments = ("kernel_constraint", "bias_constraint")
    supports_masking = True  # the output keeps the query's mask

    def __init__(self, head_dim: int, num_query_heads: int, num_key_value_heads: int, dropout: float = 0.0,
                 use_bias: bool = True, flash_attention: bool | None = None,
                 kernel_initializer: str | Callable = "glorot_uniform", bias_initializer: str | Callable = "zeros",
                 kernel_regularizer: str | Callable | None = None, bias_regularizer: str | Callable | None = None,
                 seed: int | None = None, **kwargs: Any) -> None:
        head_dim = _checks.positive_int(self, "head_dim", head_dim)
        query_heads = _checks.positive_int(self, "num_query_heads", num_query_heads)
        kv_heads = _checks.positive_int(self, "num_key_value_heads", num_key_value_heads)
        if query_heads % kv_heads:
            raise ValueError(f"{type(self).__name__}: num_query_heads must be a multiple of num_key_value_heads, "
                             f"got num_query_heads={query_heads}, num_key_value_heads={kv_heads}")
        if flash_attention not in (None, False):
            raise ValueError(f"{type(self).__name__}: flash_attention={flash_attention!r} is not available in "
                             "gradwork (no fused kernel); pass None or False, the results are the same")
        dropout, seed = _checks.rate(self, "dropout", dropout), _checks.seed(self, seed)
        super().__init__(**kwargs)
        self.head_dim, self.num_query_heads, self.num_key_value_heads = head_dim, query_heads, kv_heads
        self.dropout, self.use_bias = dropout, bool(use_bias)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.use_seed(seed)

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        for what, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3:
                raise ValueError(f"{self.name}: expected {what} of shape (batch, length, features), got {shape}")
        dim, heads, kv_heads, depth = query_shape[-1], self.num_query_heads, self.num_key_value_heads, self.head_dim
        add_projection_weights(self, "query", (dim, heads, depth), (heads, depth))
        add_projection_weights(self, "key", (key_shape[-1], kv_heads, depth), (kv_heads, depth))
        add_projection_weights(self, "value", (value_shape[-1], kv_heads, depth), (kv_heads, depth))
        add_projection_weights(self, "output", (heads, depth, dim), (dim,))

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False):
        value = self._to_input(value)
        key = value if key is None else self._to_input(key)
        check_projected_inputs(self, query, value, key)
        batch, target_length, source_length = query.shape[0], query.shape[1], value.shape[1]
        keep = combined_mask(self.name, (batch, target_length, source_length), attention_mask, query_mask,
                             value_mask, key_mask, use_causal_mask)
        groups, per_group = self.num_key_value_heads, self.num_query_heads // self.num_key_value_heads
        # (B, heads, T, D) -> (B, groups, per_group, T, D) against key/value (B, groups, 1, S, D)
        q = head_projection(query, self.query_kernel, self.query_bias)
        q = q.reshape((batch, groups, per_group, target_length, self.head_dim))
        k = head_projection(key, self.key_kernel, self.key_bias).expand_dims(2)
        v = head_projection(value, self.value_kernel, self.value_bias).expand_dims(2)
        if keep is not None and keep.ndim == 3:
            keep = keep[:, None, None]
        rate = self.dropout if training else 0.0
        heads_out, weights = attention(q, k, v, keep, 1 / math.sqrt(self.head_dim), rate, self._rng)
        heads_out = heads_out.reshape((batch, self.num_query_heads, target_length, self.head_dim))
        out = head_merge(heads_out, self.output_kernel, self.output_bias)
        if not return_attention_scores:
            return out
        return out, weights.reshape((batch, self.num_query_heads, target_length, source_length))

    def get_config(self):
        return {
            **super().get_config(),
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "dropout": self.dropout,
            "use_bias": self.use_bias,
            "kernel_initializer": serialize_object(self.kernel_initializer),
            "bias_initializer": serialize_object(self.bias_initializer),
            "kernel_regularizer": serialize_object(self.kernel_regularizer),
            "bias_regularizer": serialize_object(self.bias_regularizer),
            "seed": self.seed,
        }
