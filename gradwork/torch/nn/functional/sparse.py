"""`F.embedding` (rows of a table picked by ids) and `F.one_hot`."""

from __future__ import annotations

import numpy as np

from ....nn import functional as gw_F
from ....tensor import Tensor as GwTensor
from ...tensor import Tensor, as_facade, wrap


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of `weight` for the integer ids in `input`; the row `padding_idx` receives no gradient.

    Parameters
    ----------
    input : Tensor of int64 or int32, any shape
    weight : Tensor, shape (num_embeddings, embedding_dim)
    padding_idx : int, optional
        Negative counts from the end.
    max_norm, norm_type, scale_grad_by_freq
        Not provided: a max_norm or scale_grad_by_freq=True raises NotImplementedError.
    sparse : bool
        Accepted; the gradient is dense (the same values as PyTorch's sparse one).

    Returns
    -------
    Tensor, shape (*input.shape, embedding_dim)
    """
    if max_norm is not None or scale_grad_by_freq:
        raise NotImplementedError(f"embedding: gradwork.torch does not provide max_norm (got {max_norm}) or "
                                  f"scale_grad_by_freq (got {scale_grad_by_freq}); leave them at None and False")
    ids = as_facade(input)._t
    if ids.dtype.kind not in "iu":
        raise RuntimeError(f"embedding: indices must be an integer tensor (torch.long or torch.int), got {ids.dtype}")
    return wrap(gw_F.embedding(ids, as_facade(weight)._t, padding_idx))


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """An int64 tensor of shape (*tensor.shape, num_classes): 1 at each class index, 0 elsewhere.

    Parameters
    ----------
    tensor : Tensor of int64, any shape
        Class indices in [0, num_classes).
    num_classes : int
        -1: the largest index plus one.
    """
    ids = as_facade(tensor)._t.data
    if ids.dtype != np.int64:
        raise RuntimeError(f"one_hot is only applicable to index tensor of type LongTensor, got {ids.dtype}")
    if num_classes == -1:
        if ids.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(ids.max()) + 1
    if ids.size and ids.min() < 0:
        raise RuntimeError(f"Class values must be non-negative, got {ids.min()}.")
    if ids.size and ids.max() >= num_classes:
        raise RuntimeError(f"Class values must be smaller than num_classes ({num_classes}), got {ids.max()}.")
    return wrap(GwTensor._make((ids[..., None] == np.arange(num_classes)).astype(np.int64)))
