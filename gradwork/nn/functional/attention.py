"""Attention: scaled dot-product attention and the per-head projections of multi-head attention.

Each piece is one graph node (the projections fuse matmul, bias, reshape and the move of the head
axis), so a whole multi-head attention call is eight nodes.
"""

import math

import numpy as np

from ...autograd.function import Function
from ...tensor import as_tensor
from .layers import dropout
from .masking import as_array


class AttentionSoftmax(Function):
    """softmax(scale * scores + bias) over the last axis, taken only over the entries where `keep`
    is True; a row with nothing kept gives zeros (not NaN), and so does its gradient.

    scores: (..., L, S); keep: boolean, broadcastable to scores (None: keep all); bias: floats,
    broadcastable to scores (None: no bias; -inf entries act like a False in keep).
    """

    def __init__(self, scale, keep=None, bias=None):
        self.scale, self.keep, self.bias = scale, keep, bias

    def forward(self, a):
        z = a * self.scale  # a new array: the steps below work in place on it
        if self.bias is not None:
            z += self.bias.astype(a.dtype, copy=False)
        if self.keep is not None:
            np.copyto(z, -np.inf, where=~self.keep)
        top = z.max(axis=-1, keepdims=True)
        masked = self.keep is not None or self.bias is not None
        if masked:
            top[~np.isfinite(top)] = 0  # a row with nothing kept: exp(-inf - 0) = 0 everywhere
        z -= top
        np.exp(z, out=z)
        total = z.sum(axis=-1, keepdims=True)
        if masked:
            total[total == 0] = 1
        z /= total
        return z

    def backward(self, g):
        y = self.result
        return ((y * (g - (g * y).sum(axis=-1, keepdims=True))) * self.scale,)


def broadcasts_to(shape, target):
    """True when an array of `shape` broadcasts to exactly `target` (a mask's check)."""
    try:
        return np.broadcast_shapes(tuple(shape), tuple(target)) == tuple(target)
    except ValueError:
        return False


def _mask_arrays(mask, scores_shape, where):
    """A mask as (keep, bias) arrays: a boolean mask is `keep` (True = take part), a float one is `bias`."""
    mask = as_array(mask)
    if not broadcasts_to(mask.shape, scores_shape):
        raise ValueError(f"{where}: the mask of shape {mask.shape} does not broadcast to the attention "
                         f"scores' shape {tuple(scores_shape)} (..., target length, source length)")
    if mask.dtype == bool:
        return mask, None
    if mask.dtype.kind != "f":
        raise TypeError(f"{where}: the mask must be boolean (True = take part) or float (added to the "
                        f"scores), got dtype {mask.dtype}")
    return None, mask


def attention(query, key, value, mask=None, scale=None, dropout_p=0.0, training=True):
    """Scaled dot-product attention returning (output, weights); the weights are before dropout.

    query: (..., L, E); key: (..., S, E); value: (..., S, Ev); mask: boolean (True = take part) or
    float (added to the scaled scores), broadcastable to (..., L, S); scale: default 1/sqrt(E).
    Returns output (..., L, Ev) and weights (..., L, S). A query that may attend to nothing gets
    zero weights and a zero output.
    """
    query, key, value = as_tensor(query), as_tensor(key), as_tensor(value)
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise ValueError(f"attention: query, key and value need at least 2 axes (..., length, features), "
                         f"got shapes {query.shape}, {key.shape}, {value.shape}")
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise ValueError(f"attention: expected query (..., L, E), key (..., S, E), value (..., S, Ev), "
                         f"got shapes {query.shape}, {key.shape}, {value.shape}")
    scores = query @ key.swapaxes(-1, -2)
    keep, bias = (None, None) if mask is None else _mask_arrays(mask, scores.shape, "attention")
    scale = 1 / math.sqrt(query.shape[-1]) if scale is None else float(scale)
    weights = AttentionSoftmax(scale, keep, bias)(scores)
    return dropout(weights, dropout_p, training=training) @ value, weights


def causal_mask(target_length, source_length):
    """(L, S) boolean mask, True where query i may see key j <= i (aligned at the first position)."""
    return np.tri(target_length, source_length, dtype=bool)


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """softmax(query @ key^T * scale + mask) @ value, as `torch.nn.functional.scaled_dot_product_attention`.

    query: (..., L, E); key: (..., S, E); value: (..., S, Ev) -> (..., L, Ev). attn_mask: boolean
    (True = take part) or float (added), broadcastable to (..., L, S); is_causal: mask out keys
    after each query (not together with attn_mask); dropout_p: dropout on the weights, always
    applied (as PyTorch; pass 0.0 at inference); scale: default 1/sqrt(E).
    """
    if is_causal:
        if attn_mask is not None:
            raise ValueError("scaled_dot_product_attention: pass attn_mask or is_causal=True, not both")
        attn_mask = causal_mask(as_tensor(query).shape[-2], as_tensor(key).shape[-2])
    return attention(query, key, value, attn_mask, scale, dropout_p)[0]


class HeadProjection(Function):
    """x @ kernel + bias into heads, with the head axis moved before the sequence axis, in one node.

    x: (..., T, dim); kernel: (dim, H, D); bias: (H, D), optional -> (..., H, T, D).
    """

    def forward(self, x, kernel, bias=None):
        dim, heads, depth = kernel.shape
        out = x.reshape(-1, dim) @ kernel.reshape(dim, heads * depth)
        if bias is not None:
            out += bias.reshape(-1)
        out = out.reshape(x.shape[:-1] + (heads, depth))
        n = out.ndim
        self.axes = tuple(range(n - 3)) + (n - 2, n - 3, n - 1)  # its own inverse
        return out.transpose(self.axes)

    def backward(self, g):
        x, kernel = self.args[:2]
        needs = self.needs_input_grad
        dim = kernel.shape[0]
        g2 = g.transpose(self.axes).reshape(-1, kernel.shape[1] * kernel.shape[2])
        gx = (g2 @ kernel.reshape(dim, -1).T).reshape(x.shape) if needs[0] else None
        gk = (x.reshape(-1, dim).T @ g2).reshape(kernel.shape) if needs[1] else None
        gb = g2.sum(axis=0).reshape(kernel.shape[1:]) if len(needs) > 2 and needs[2] else None
        return gx, gk, gb


class HeadMerge(Function):
    """The heads' outputs, concatenated and projected, in one node.

    x: (..., H, T, D); kernel: (H, D, *out); bias: out, optional -> (..., T, *out).
    """

    def forward(self, x, kernel, bias=None):
        heads, depth = kernel.shape[:2]
        self.merged_shape = x.shape[:-3] + (x.shape[-2], heads, depth)
        merged = x.swapaxes(-3, -2).reshape(-1, heads * depth)
        out = merged @ kernel.reshape(heads * depth, -1)
        if bias is not None:
            out += bias.reshape(-1)
        return out.reshape(self.merged_shape[:-2] + kernel.shape[2:])

    def backward(self, g):
        x, kernel = self.args[:2]
        needs = self.needs_input_grad
        heads, depth = kernel.shape[:2]
        g2 = g.reshape(-1, int(np.prod(kernel.shape[2:])))
        kernel2 = kernel.reshape(heads * depth, -1)
        gx = (g2 @ kernel2.T).reshape(self.merged_shape).swapaxes(-3, -2) if needs[0] else None
        gk = None
        if needs[1]:
            gk = (x.swapaxes(-3, -2).reshape(-1, heads * depth).T @ g2).reshape(kernel.shape)
        gb = g2.sum(axis=0).reshape(kernel.shape[2:]) if len(needs) > 2 and needs[2] else None
        return gx, gk, gb
