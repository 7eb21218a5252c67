"""`nn.Embedding`: a table of vectors looked up by integer ids."""

from __future__ import annotations

from ...checks import whole_number
from .._overwrite import overwrite
from ..creation import empty
from ..tensor import Tensor, as_facade
from . import functional as F
from .init import normal_
from .module import Module
from .parameter import Parameter


class Embedding(Module):
    """Rows of a learned table for integer ids: input (*) of int64 -> output (*, embedding_dim).

    Parameters
    ----------
    num_embeddings, embedding_dim : int
    padding_idx : int, optional
        The id of padding: its row starts at zero and receives no gradient (negative counts from the end).
    max_norm, norm_type, scale_grad_by_freq
        Not provided: a max_norm or scale_grad_by_freq=True raises NotImplementedError when called.
    sparse : bool
        Accepted; the gradient is dense (the same values as PyTorch's sparse one).
    _weight : Tensor, optional
        The table to start from, shape (num_embeddings, embedding_dim), instead of drawing one.
    _freeze : bool
        The table does not require grad.
    device, dtype : as for `Linear`

    Attributes
    ----------
    weight : Parameter, shape (num_embeddings, embedding_dim)
        PyTorch's default N(0, 1), the padding row zero.

    Examples
    --------
    >>> nn.Embedding(10, 3)(torch.tensor([[1, 2]])).shape
    torch.Size([1, 2, 3])
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                 sparse: bool = False, _weight=None, _freeze: bool = False, device=None, dtype=None) -> None:
        super().__init__()
        self.num_embeddings = whole_number("num_embeddings", num_embeddings, 0, owner="Embedding")
        self.embedding_dim = whole_number("embedding_dim", embedding_dim, 0, owner="Embedding")
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(f"Embedding: padding_idx must be within num_embeddings ([{-num_embeddings}, "
                                 f"{num_embeddings})), got {padding_idx}")
            padding_idx = padding_idx % num_embeddings
        self.padding_idx, self.max_norm, self.norm_type = padding_idx, max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        if _weight is None:
            self.weight = Parameter(empty(num_embeddings, embedding_dim, device=device, dtype=dtype),
                                    requires_grad=not _freeze)
            self.reset_parameters()
        else:
            _weight = as_facade(_weight)
            if tuple(_weight.shape) != (num_embeddings, embedding_dim):
                raise ValueError(f"Embedding: _weight must have shape ({num_embeddings}, {embedding_dim}), got "
                                 f"{tuple(_weight.shape)}")
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        """Draw the table again from N(0, 1), the padding row zero."""
        normal_(self.weight)
        if self.padding_idx is not None:
            overwrite(self.weight, 0.0, self.padding_idx)

    def forward(self, input: Tensor) -> Tensor:
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            text += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        if self.sparse is not False:
            text += ", sparse=True"
        return text

    @classmethod
    def from_pretrained(cls, embeddings: Tensor, freeze: bool = True, padding_idx: int | None = None,
                        max_norm: float | None = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                        sparse: bool = False) -> Embedding:
        """An Embedding holding `embeddings` (2-d, (num_embeddings, embedding_dim)) as its table, shared
        with it; `freeze` (the default) keeps the table from being trained."""
        embeddings = as_facade(embeddings)
        if embeddings.ndim != 2:
            raise ValueError(f"Embedding.from_pretrained: embeddings must be 2-dimensional (num_embeddings, "
                             f"embedding_dim), got shape {tuple(embeddings.shape)}")
        rows, dim = embeddings.shape
        return cls(rows, dim, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse, _weight=embeddings,
                   _freeze=freeze)
