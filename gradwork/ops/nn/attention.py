"""Attention kernels: scaled dot-product attention, `attend` (masked softmax, dropout and the weighted
sum of the values, whatever made the scores), Bahdanau's additive scores, and the per-head
projections of multi-head attention.

Each piece is one graph node (the projections fuse matmul, bias, reshape and the move of the head
axis), so a whole multi-head attention call is eight nodes.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ...autograd.function import Function
from ...tensor import Tensor, as_tensor
from .dropout import dropout
from ...tensor import as_array
from .masking import broadcasts_to
from .softmax import masked_softmax


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


def attention(query: Tensor | ArrayLike, key: Tensor | ArrayLike, value: Tensor | ArrayLike,
              mask: Tensor | ArrayLike | None, scale: float | None, dropout_rate: float,
              generator: np.random.Generator | None = None) -> tuple[Tensor, Tensor]:
    """Scaled dot-product attention softmax(query @ key^T * scale + mask) @ value.

    Parameters
    ----------
    query : Tensor or array_like, shape (..., L, E)
    key : Tensor or array_like, shape (..., S, E)
    value : Tensor or array_like, shape (..., S, Ev)
    mask : Tensor or array_like, broadcastable to (..., L, S), or None
        Boolean (True = take part) or float (added to the scaled scores).
    scale : float or None
        Multiplies the scores; None for 1 / sqrt(E).
    dropout_rate : float
        Dropout on the weights, always applied when > 0 (pass 0 at inference).
    generator : numpy Generator, optional
        The dropout's generator (a layer's own, seeded); default gradwork's.

    Returns
    -------
    output : Tensor, shape (..., L, Ev)
    weights : Tensor, shape (..., L, S)
        Before dropout. A query that may attend to nothing gets zero weights and a zero output.

    Raises
    ------
    ValueError, TypeError
        Shapes that do not match as above; a mask that does not broadcast or is neither boolean
        nor float.
    """
    query, key, value = as_tensor(query), as_tensor(key), as_tensor(value)
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise ValueError(f"attention: query, key and value need at least 2 axes (..., length, features), "
                         f"got shapes {query.shape}, {key.shape}, {value.shape}")
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise ValueError(f"attention: expected query (..., L, E), key (..., S, E), value (..., S, Ev), "
                         f"got shapes {query.shape}, {key.shape}, {value.shape}")
    scale = 1 / math.sqrt(query.shape[-1]) if scale is None else float(scale)
    return attend(query @ key.swapaxes(-1, -2), value, mask, scale, dropout_rate, generator)


def attend(scores: Tensor, value: Tensor | ArrayLike, mask: Tensor | ArrayLike | None, scale: float,
           dropout_rate: float, generator: np.random.Generator | None = None) -> tuple[Tensor, Tensor]:
    """softmax(scores * scale + mask) @ value: the second half of every attention, whatever made its scores.

    Parameters
    ----------
    scores : Tensor, shape (..., L, S)
    value : Tensor or array_like, shape (..., S, Ev)
    mask, scale, dropout_rate, generator
        As in `attention`.

    Returns
    -------
    output : Tensor, shape (..., L, Ev)
    weights : Tensor, shape (..., L, S), before dropout; zeros for a query that may attend to nothing.
    """
    keep, bias = (None, None) if mask is None else _mask_arrays(mask, scores.shape, "attention")
    weights = masked_softmax(scores, scale, keep, bias)
    return dropout(weights, dropout_rate, generator=generator) @ value, weights


def additive_scores(query: Tensor | ArrayLike, key: Tensor | ArrayLike,
                    weight: Tensor | ArrayLike | None = None) -> Tensor:
    """Bahdanau's additive scores sum(weight * tanh(query_i + key_j)) over the features.

    Parameters
    ----------
    query : Tensor or array_like, shape (..., L, E)
    key : Tensor or array_like, shape (..., S, E)
    weight : Tensor or array_like, shape () or (E,), optional
        Multiplies each feature's tanh before the sum; None for 1.

    Returns
    -------
    Tensor, shape (..., L, S). The sum passes through a (..., L, S, E) array, as in Keras.

    Raises
    ------
    ValueError
        Query and key with different feature sizes.
    """
    query, key = as_tensor(query), as_tensor(key)
    if query.ndim < 2 or key.ndim < 2 or query.shape[-1] != key.shape[-1]:
        raise ValueError(f"additive_scores: expected query (..., L, E) and key (..., S, E), got shapes "
                         f"{query.shape}, {key.shape}")
    pairs = (query.expand_dims(-2) + key.expand_dims(-3)).tanh()
    return (pairs if weight is None else pairs * weight).sum(axis=-1)


def causal_mask(target_length: int, source_length: int) -> np.ndarray:
    """The boolean mask, shape (L, S), True where query i may see key j <= i (aligned at the first position)."""
    return np.tri(target_length, source_length, dtype=bool)


class _HeadProjection(Function):
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


class _HeadMerge(Function):
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


def head_projection(x: Tensor | ArrayLike, kernel: Tensor | ArrayLike,
                    bias: Tensor | ArrayLike | None = None) -> Tensor:
    """x @ kernel + bias split into heads, the head axis moved before the sequence axis, in one node.

    Parameters
    ----------
    x : Tensor or array_like, shape (..., T, dim)
    kernel : Tensor or array_like, shape (dim, H, D)
    bias : Tensor or array_like, shape (H, D), optional

    Returns
    -------
    Tensor, shape (..., H, T, D)
    """
    return _HeadProjection()(x, kernel) if bias is None else _HeadProjection()(x, kernel, bias)


def head_merge(x: Tensor | ArrayLike, kernel: Tensor | ArrayLike,
               bias: Tensor | ArrayLike | None = None) -> Tensor:
    """The heads' outputs concatenated and projected, in one node.

    Parameters
    ----------
    x : Tensor or array_like, shape (..., H, T, D)
    kernel : Tensor or array_like, shape (H, D, *out)
    bias : Tensor or array_like, shape out, optional

    Returns
    -------
    Tensor, shape (..., T, *out)
    """
    return _HeadMerge()(x, kernel) if bias is None else _HeadMerge()(x, kernel, bias)
