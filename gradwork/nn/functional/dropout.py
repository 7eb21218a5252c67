"""Dropout with PyTorch's arguments (`p`, `training`)."""

from numpy.typing import ArrayLike

from ...ops.nn import dropout as kernel
from ...tensor import Tensor, as_tensor
from ._renamed import renamed


def check_p(p: float) -> None:
    """A ValueError unless the dropout probability p is in [0, 1]."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability must be in [0, 1], got {p}")


@renamed(x="input")
def dropout(input: Tensor | ArrayLike, p: float = 0.5, training: bool = True,
            noise_shape: tuple | None = None) -> Tensor:
    """Inverted dropout: zero each element with probability `p` and scale the rest by 1/(1-p),
    so nothing needs rescaling at inference. The identity when `training` is False or p is 0.

    input: any shape -> the same shape. noise_shape: the shape of the random mask, broadcast over
    the input (e.g. (N, 1, 1, C) drops whole channels of an image, as SpatialDropout2D); None
    entries take the input's size. The old spelling `x=` is still accepted.
    """
    check_p(p)
    return kernel.dropout(input, p, noise_shape) if training else as_tensor(input)
