"""Scaled dot-product attention with PyTorch's arguments."""

from numpy.typing import ArrayLike

from ...ops.nn import attention as kernel
from ...tensor import Tensor, as_tensor
from .dropout import check_p


def scaled_dot_product_attention(query: Tensor | ArrayLike, key: Tensor | ArrayLike, value: Tensor | ArrayLike,
                                 attn_mask=None, dropout_p: float = 0.0, is_causal: bool = False,
                                 scale: float | None = None) -> Tensor:
    """softmax(query @ key^T * scale + mask) @ value, as `torch.nn.functional.scaled_dot_product_attention`.

    query: (..., L, E); key: (..., S, E); value: (..., S, Ev) -> (..., L, Ev). attn_mask: boolean
    (True = take part) or float (added), broadcastable to (..., L, S); is_causal: mask out keys
    after each query (not together with attn_mask); dropout_p: dropout on the weights, always
    applied (as PyTorch; pass 0.0 at inference); scale: default 1/sqrt(E).
    """
    check_p(dropout_p)
    if is_causal:
        if attn_mask is not None:
            raise ValueError("scaled_dot_product_attention: pass attn_mask or is_causal=True, not both")
        attn_mask = kernel.causal_mask(as_tensor(query).shape[-2], as_tensor(key).shape[-2])
    return kernel.attention(query, key, value, attn_mask, scale, dropout_p)[0]
