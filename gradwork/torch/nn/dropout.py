"""`nn.Dropout` and the channel dropouts `nn.Dropout1d/2d/3d`: active only while the module is training.

Each is its probability plus one call into `F`; `inplace=True` writes the result into the input.
"""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F
from .module import Module


class _DropoutNd(Module):
    """What every dropout module holds: `p` in [0, 1], checked at construction, and `inplace`."""

    function = None  # one of F's dropouts, taking (input, p, training)

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0 <= p <= 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input: Tensor) -> Tensor:
        return self.function(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """While training: each element zeroed with probability p, the rest scaled by 1 / (1 - p); else the identity."""

    function = staticmethod(F.dropout)


class Dropout1d(_DropoutNd):
    """While training: whole channels of (N, C, L) or (C, L) input zeroed with probability p, the rest scaled."""

    function = staticmethod(F.dropout1d)


class Dropout2d(_DropoutNd):
    """While training: whole channels of (N, C, H, W) input zeroed with probability p, the rest scaled."""

    function = staticmethod(F.dropout2d)


class Dropout3d(_DropoutNd):
    """While training: whole channels of (N, C, D, H, W) or (C, D, H, W) input zeroed with probability p."""

    function = staticmethod(F.dropout3d)
