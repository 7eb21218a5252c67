"""Scaled dot-product attention with PyTorch's arguments."""

from numpy.typing import ArrayLike

from ...ops.nn import attention as kernel
from ...tensor import Tensor, as_tensor
from .dropout import check_p


def scaled_dot_product_attention(query: Tensor | ArrayLike, key: Tensor | ArrayLike, value: Tensor | ArrayLike,
                                 attn_mask: Tensor | ArrayLike | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None) -> Tensor:
    """softmax(query @ key^T * scale + mask) @ value, as `torch.nn.functional.scaled_dot_product_attention`.

    Parameters
    ----------
    query : Tensor or array_like, shape (..., L, E)
    key : Tensor or array_like, shape (..., S, E)
    value : Tensor or array_like, shape (..., S, Ev)
    attn_mask : array_like or Tensor, broadcastable to (..., L, S), optional
        Boolean (True = takes part) or float (added to the scores).
    dropout_p : float
        Dropout on the attention weights, always applied (as PyTorch; pass 0.0 at inference).
    is_causal : bool
        Mask out the keys after each query; not together with `attn_mask`.
    scale : float, optional
        Default 1 / sqrt(E).

    Returns
    -------
    Tensor, shape (..., L, Ev)

    Raises
    ------
    ValueError
        For dropout_p outside [0, 1], or both attn_mask and is_causal.

    Examples
    --------
    >>> q = gw.zeros((2, 4, 8))
    >>> F.scaled_dot_product_attention(q, gw.zeros((2, 6, 8)), gw.zeros((2, 6, 3))).shape
    (2, 4, 3)
    """
    check_p(dropout_p)
    if is_causal:
        if attn_mask is not None:
            raise ValueError("scaled_dot_product_attention: pass attn_mask or is_causal=True, not both")
        attn_mask = kernel.causal_mask(as_tensor(query).shape[-2], as_tensor(key).shape[-2])
    return kernel.attention(query, key, value, attn_mask, scale, dropout_p)[0]
