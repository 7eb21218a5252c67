"""Dropout with PyTorch's arguments (`p`, `training`)."""

from numpy.typing import ArrayLike

from ...ops.nn import dropout as kernel
from ...tensor import Tensor, as_tensor
from ._renamed import renamed


def check_p(p: float) -> None:
    """Raise a ValueError unless the dropout probability p is in [0, 1]."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability must be in [0, 1], got {p}")


@renamed(x="input")
def dropout(input: Tensor | ArrayLike, p: float = 0.5, training: bool = True,
            noise_shape: tuple | None = None) -> Tensor:
    """Inverted dropout, as `torch.nn.functional.dropout`: zero each element with probability `p` and
    scale the rest by 1/(1-p), so nothing needs rescaling at inference.

    Parameters
    ----------
    input : Tensor or array_like, any shape
    p : float in [0, 1]
    training : bool
        False (or p = 0) makes it the identity.
    noise_shape : tuple, optional
        The shape of the random mask, broadcast over the input (Keras's argument; PyTorch has none):
        (N, 1, 1, C) drops whole channels of (N, H, W, C) images, as SpatialDropout2D. None entries
        take the input's size.

    Returns
    -------
    Tensor, same shape as input

    Examples
    --------
    >>> F.dropout(gw.ones((2, 3)), p=0.5, training=False).tolist()
    [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    """
    check_p(p)
    return kernel.dropout(input, p, noise_shape) if training else as_tensor(input)
