"""`F.scaled_dot_product_attention` and `F.multi_head_attention_forward` over gradwork's attention kernels
(`gradwork/ops/nn/attention.py`: the per-head projections, scaled dot-product attention, the merge).

The translation at the boundary: PyTorch's sequences are (length, batch, embed), gradwork's
(batch, length, embed); PyTorch's projection weights (out, in) are split into gradwork's per-head
kernels (in, heads, head_dim) by a transpose and a reshape. PyTorch's masks mean "True = may NOT
attend" (attn_mask, key_padding_mask) or are added to the scores (float); the kernel takes either
booleans meaning "True = may attend" or one float array added to the scores, so they are merged
into one of those here.
"""

from __future__ import annotations


import numpy as np

from ....nn import functional as gw_F
from ....ops.nn.attention import attention, causal_mask, head_merge, head_projection
from ....ops.shape_ops import concatenate
from ....tensor import as_array
from ..._core import unwrap
from ...tensor import wrap


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p: float = 0.0, is_causal: bool = False,
                                 scale: float | None = None, enable_gqa: bool = False):
    """softmax(query @ key^T * scale + mask) @ value, as `torch.nn.functional.scaled_dot_product_attention`.

    Parameters
    ----------
    query : Tensor, shape (..., L, E)
    key : Tensor, shape (..., S, E)
    value : Tensor, shape (..., S, Ev)
    attn_mask : Tensor, broadcastable to (..., L, S), optional
        Boolean (True = may attend) or float (added to the scores).
    dropout_p : float
        Dropout on the attention weights, always applied (pass 0.0 at inference).
    is_causal : bool
        Query i attends to keys j <= i only; not together with attn_mask.
    scale : float, optional
        Default 1 / sqrt(E).
    enable_gqa : bool
        Grouped-query attention is not provided: only False.

    Returns
    -------
    Tensor, shape (..., L, Ev)
    """
    if enable_gqa:
        raise NotImplementedError("scaled_dot_product_attention: enable_gqa=True (grouped-query attention) is not "
                                  "provided by gradwork.torch; repeat the key and value heads to the query's")
    return wrap(gw_F.scaled_dot_product_attention(unwrap(query), unwrap(key), unwrap(value),
                                                  None if attn_mask is None else as_array(unwrap(attn_mask)),
                                                  dropout_p, is_causal, scale))


def _additive(mask: np.ndarray, dtype) -> np.ndarray:
    """A PyTorch mask as a float array added to the scores: booleans (True = may not attend) become -inf."""
    return np.where(mask, -np.inf, 0).astype(dtype) if mask.dtype == bool else mask


def _merged_mask(attn_mask, key_padding_mask, batch: int, heads: int, target: int, source: int, zero_attn: bool,
                 dtype):
    """attn_mask ((L, S) or (batch*heads, L, S)) and key_padding_mask ((batch, S)) in PyTorch's meaning, as
    the kernel's one mask broadcastable to (batch, heads, L, S): booleans "True = may attend" when both
    are boolean, else a float array added to the scores (PyTorch's merge); None when neither is given."""
    masks = []
    if attn_mask is not None:
        attn_mask = as_array(unwrap(attn_mask))
        expected = {2: (target, source), 3: (batch * heads, target, source)}.get(attn_mask.ndim)
        if expected is None:
            raise RuntimeError(f"multi_head_attention_forward: attn_mask's dimension {attn_mask.ndim} is not "
                               "supported (2-D (L, S) or 3-D (batch * num_heads, L, S))")
        if attn_mask.shape != expected:
            raise RuntimeError(f"multi_head_attention_forward: the shape of the {attn_mask.ndim}D attn_mask is "
                               f"{attn_mask.shape}, but should be {expected}.")
        masks.append(attn_mask.reshape(batch, heads, target, source) if attn_mask.ndim == 3 else attn_mask)
    if key_padding_mask is not None:
        key_padding_mask = as_array(unwrap(key_padding_mask))
        if key_padding_mask.shape != (batch, source):
            raise RuntimeError(f"multi_head_attention_forward: expected key_padding_mask of shape "
                               f"{(batch, source)} (batch, source length), got {key_padding_mask.shape}")
        masks.append(key_padding_mask[:, None, None, :])
    for mask in masks:
        if mask.dtype != bool and mask.dtype.kind != "f":
            raise TypeError(f"multi_head_attention_forward: only bool and floating masks are supported, got "
                            f"{mask.dtype}")
    if not masks:
        return None
    if zero_attn:  # the appended zero key takes part everywhere
        masks = [np.concatenate([m, np.zeros(m.shape[:-1] + (1,), m.dtype)], axis=-1) for m in masks]
    if all(m.dtype == bool for m in masks):
        return ~(masks[0] if len(masks) == 1 else masks[0] | masks[1])
    return sum(_additive(m, dtype) for m in masks)


def _head_kernel(weight, heads: int):
    """PyTorch's projection weight (embed, in) as the kernel's per-head form (in, heads, head_dim)."""
    return weight.T.reshape(weight.shape[1], heads, weight.shape[0] // heads)


def _check_shapes(query, key, value, embed_dim: int, num_heads: int) -> None:
    if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
        raise ValueError(f"multi_head_attention_forward: query, key and value must all be 3-D (length, batch, "
                         f"embed) or all 2-D (unbatched), got shapes {query.shape}, {key.shape}, {value.shape}")
    if query.shape[-1] != embed_dim:
        raise ValueError(f"multi_head_attention_forward: was expecting embedding dimension of {embed_dim}, "
                         f"but got {query.shape[-1]}")
    if embed_dim % num_heads:
        raise ValueError(f"multi_head_attention_forward: embed_dim {embed_dim} not divisible by num_heads "
                         f"{num_heads}")
    if key.shape[:-1] != value.shape[:-1] or key.shape[1:-1] != query.shape[1:-1]:
        raise ValueError(f"multi_head_attention_forward: key and value need one length and batch size, and the "
                         f"query the same batch size; got shapes {query.shape}, {key.shape}, {value.shape}")


def multi_head_attention_forward(query, key, value, embed_dim_to_check: int, num_heads: int, in_proj_weight,
                                 in_proj_bias, bias_k, bias_v, add_zero_attn: bool, dropout_p: float,
                                 out_proj_weight, out_proj_bias, training: bool = True, key_padding_mask=None,
                                 need_weights: bool = True, attn_mask=None, use_separate_proj_weight: bool = False,
                                 q_proj_weight=None, k_proj_weight=None, v_proj_weight=None, static_k=None,
                                 static_v=None, average_attn_weights: bool = True, is_causal: bool = False):
    """Multi-head attention with PyTorch's weights, as `torch.nn.functional.multi_head_attention_forward`.

    Parameters
    ----------
    query : Tensor, shape (L, N, E), or unbatched (L, E)
    key, value : Tensor, shape (S, N, E_k) and (S, N, E_v), or unbatched (S, E_k), (S, E_v)
    embed_dim_to_check, num_heads : int
        E, and the heads (each of E / num_heads features).
    in_proj_weight : Tensor, shape (3E, E), or None with use_separate_proj_weight
        The query, key and value projections stacked.
    in_proj_bias : Tensor, shape (3E,), or None
    bias_k, bias_v : None
        Learned extra key/value rows are not provided (an error unless None).
    add_zero_attn : bool
        Append a zero key and value (after the projections) that every query may attend to.
    dropout_p : float
        Dropout on the attention weights, in training.
    out_proj_weight : Tensor, shape (E, E)
    out_proj_bias : Tensor, shape (E,), or None
    training : bool
    key_padding_mask : Tensor, shape (N, S) (unbatched (S,)), optional
        Boolean: True = this key is padding, ignored; float: added to the scores.
    need_weights : bool
        Also return the attention weights.
    attn_mask : Tensor, shape (L, S) or (N * num_heads, L, S), optional
        Boolean: True = may NOT attend; float: added to the scores.
    use_separate_proj_weight : bool
        Project with q_proj_weight (E, E), k_proj_weight (E, E_k), v_proj_weight (E, E_v).
    static_k, static_v : None
        Not provided (an error unless None).
    average_attn_weights : bool
        Average the returned weights over the heads.
    is_causal : bool
        A hint that attn_mask is the causal mask (which must then be given): as PyTorch, the causal
        mask itself is used when there is no key_padding_mask and need_weights is False.

    Returns
    -------
    attn_output : Tensor, shape (L, N, E) (unbatched (L, E))
    attn_output_weights : Tensor or None
        Shape (N, L, S), or (N, num_heads, L, S) without averaging (unbatched: without N); None
        unless need_weights. They are the weights before dropout (PyTorch returns them after).
    """
    for name, given in (("bias_k", bias_k), ("bias_v", bias_v), ("static_k", static_k), ("static_v", static_v)):
        if given is not None:
            raise NotImplementedError(f"multi_head_attention_forward: {name} is not provided by gradwork.torch "
                                      "(add_bias_kv=False and no static keys/values)")
    query, key, value = unwrap(query), unwrap(key), unwrap(value)
    _check_shapes(query, key, value, embed_dim_to_check, num_heads)
    batched = query.ndim == 3
    if not batched:
        query, key, value = query[:, None], key[:, None], value[:, None]
        key_padding_mask = None if key_padding_mask is None else as_array(unwrap(key_padding_mask))[None]
    if is_causal and attn_mask is None:
        raise RuntimeError("multi_head_attention_forward: Need attn_mask if specifying the is_causal hint. You may "
                           "use the Transformer module method `generate_square_subsequent_mask` to create this mask.")
    (target, batch, embed), source, heads = query.shape, key.shape[0], num_heads
    if use_separate_proj_weight:
        weights = [unwrap(w) for w in (q_proj_weight, k_proj_weight, v_proj_weight)]
    else:
        in_proj_weight = unwrap(in_proj_weight)
        weights = [in_proj_weight[i * embed : (i + 1) * embed] for i in range(3)]
    in_proj_bias = unwrap(in_proj_bias)
    biases = [None] * 3 if in_proj_bias is None else [
        in_proj_bias[i * embed : (i + 1) * embed].reshape(heads, embed // heads) for i in range(3)]
    q, k, v = (head_projection(x.swapaxes(0, 1), _head_kernel(w, heads), b)
               for x, w, b in zip((query, key, value), weights, biases))  # each (N, heads, length, head_dim)
    if add_zero_attn:
        k, v = (concatenate([t, np.zeros(t.shape[:2] + (1,) + t.shape[3:], t.dtype)], axis=2) for t in (k, v))
    if is_causal and key_padding_mask is None and not need_weights:
        mask = causal_mask(target, k.shape[2])
    else:
        mask = _merged_mask(attn_mask, key_padding_mask, batch, heads, target, source, add_zero_attn, q.dtype)
    output, weights = attention(q, k, v, mask, None, dropout_p if training else 0.0)
    out_proj_weight = unwrap(out_proj_weight)
    output = head_merge(output, out_proj_weight.T.reshape(heads, embed // heads, embed), unwrap(out_proj_bias))
    output = output.swapaxes(0, 1) if batched else output[0]
    if not need_weights:
        return wrap(output), None
    weights = weights.mean(axis=1) if average_attn_weights else weights
    return wrap(output), wrap(weights if batched else weights[0])
