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


def _channel_dropout(rank, input, p, training):
    check_p(p)
    return kernel.channel_dropout(input, p if training else 0.0, rank)  # p = 0 still checks the axes


def dropout1d(input: Tensor | ArrayLike, p: float = 0.5, training: bool = True) -> Tensor:
    """Channel dropout of sequences, as `torch.nn.functional.dropout1d` with channels last: each
    channel of each sample zeroed at every step together with probability `p`, the rest scaled by 1/(1-p).

    Parameters
    ----------
    input : Tensor or array_like, shape (N, L, C) or (L, C)
    p : float in [0, 1]
    training : bool
        False (or p = 0) makes it the identity.

    Returns
    -------
    Tensor, same shape as input

    Examples
    --------
    >>> out = F.dropout1d(gw.ones((2, 4, 3)), p=0.5)
    >>> bool((out.numpy() == out.numpy()[:, :1, :]).all())       # each channel: all steps or none
    True
    """
    return _channel_dropout(1, input, p, training)


def dropout2d(input: Tensor | ArrayLike, p: float = 0.5, training: bool = True) -> Tensor:
    """Channel dropout of images, as `torch.nn.functional.dropout2d` with channels last (SpatialDropout2D).

    Parameters
    ----------
    input : Tensor or array_like, shape (N, H, W, C) or (H, W, C)
        (PyTorch reads a 3-d input as (N, C, L) for now, with a warning; here it is one image.)
    p : float in [0, 1]
    training : bool
        False (or p = 0) makes it the identity.

    Returns
    -------
    Tensor, same shape as input
    """
    return _channel_dropout(2, input, p, training)


def dropout3d(input: Tensor | ArrayLike, p: float = 0.5, training: bool = True) -> Tensor:
    """Channel dropout of volumes, as `torch.nn.functional.dropout3d` with channels last (SpatialDropout3D).

    Parameters
    ----------
    input : Tensor or array_like, shape (N, D, H, W, C) or (D, H, W, C)
    p : float in [0, 1]
    training : bool
        False (or p = 0) makes it the identity.

    Returns
    -------
    Tensor, same shape as input
    """
    return _channel_dropout(3, input, p, training)


def alpha_dropout(input: Tensor | ArrayLike, p: float = 0.5, training: bool = False) -> Tensor:
    """Alpha dropout, as `torch.nn.functional.alpha_dropout` (note: training defaults to False there too).

    A dropped unit is set to SELU's saturation value -1.7580993408473766, then an affine map a * x + b
    (a, b from p) restores the mean and variance of a standardized input, so a SELU network stays
    self-normalizing.

    Parameters
    ----------
    input : Tensor or array_like, any shape
    p : float in [0, 1]
        1 gives zeros, as PyTorch.
    training : bool
        False (the default, or p = 0) makes it the identity.

    Returns
    -------
    Tensor, same shape as input

    Examples
    --------
    >>> F.alpha_dropout(gw.ones((1, 3)), p=0.5).tolist()     # training=False: the identity
    [[1.0, 1.0, 1.0]]
    """
    check_p(p)
    return kernel.alpha_dropout(input, p) if training else as_tensor(input)
