"""Activation functions with PyTorch's names, argument names and defaults (`torch.nn.functional.relu`, ...).

Each takes `input`, a Tensor or array of any shape, and returns a Tensor of that shape; each is
one call into its kernel in `gradwork.ops.nn` (`step`, the perceptron's function, is the kernel
itself). The old keyword `x=` (and `axis=` for the softmaxes) is still accepted.
"""

from numpy.typing import ArrayLike

from ... import activations as keras_activations
from ...ops.nn import activations as K
from ...ops.nn import softmax as S
from ...ops.nn.activations import step
from ...tensor import Tensor, as_tensor
from ._renamed import renamed


@renamed(x="input")
def relu(input: Tensor | ArrayLike) -> Tensor:
    """max(x, 0), as `torch.nn.functional.relu` (its gradient at 0 is 0)."""
    return K.relu(input)


@renamed(x="input")
def sigmoid(input: Tensor | ArrayLike) -> Tensor:
    """1 / (1 + e^-x), as `torch.sigmoid`."""
    return K.sigmoid(input)


@renamed(x="input")
def tanh(input: Tensor | ArrayLike) -> Tensor:
    """The hyperbolic tangent, as `torch.tanh`."""
    return K.tanh(input)


@renamed(x="input")
def selu(input: Tensor | ArrayLike) -> Tensor:
    """Scaled ELU with the self-normalizing constants, as `torch.nn.functional.selu`."""
    return K.selu(input)


@renamed(x="input")
def silu(input: Tensor | ArrayLike) -> Tensor:
    """x * sigmoid(x), as `torch.nn.functional.silu` (also called swish)."""
    return K.silu(input)


swish = silu


@renamed(x="input")
def softplus(input: Tensor | ArrayLike) -> Tensor:
    """log(1 + e^x), stable for large |x|, as `torch.nn.functional.softplus` with beta 1."""
    return K.softplus(input)


@renamed(x="input")
def leaky_relu(input: Tensor | ArrayLike, negative_slope: float = 0.01) -> Tensor:
    """x where x > 0, else negative_slope * x, as `torch.nn.functional.leaky_relu`.

    Parameters
    ----------
    input : Tensor or array_like, any shape
    negative_slope : float
        PyTorch's default 0.01 (`gw.activations.leaky_relu`: 0.2, the LeakyReLU layer: 0.3).

    Returns
    -------
    Tensor, same shape as input
    """
    return K.leaky_relu(input, negative_slope)


@renamed(x="input")
def elu(input: Tensor | ArrayLike, alpha: float = 1.0) -> Tensor:
    """Exponential linear unit, as `torch.nn.functional.elu`: x for x > 0, else alpha (e^x - 1).

    Unlike ReLU it is negative for x < 0 (down to -alpha), which keeps mean activations near zero.

    Parameters
    ----------
    input : Tensor or array_like, any shape
    alpha : float

    Returns
    -------
    Tensor, same shape as input

    Examples
    --------
    >>> F.elu(gw.tensor([-100.0, 2.0])).tolist()
    [-1.0, 2.0]
    """
    return K.elu(input, alpha)


@renamed(x="input")
def gelu(input: Tensor | ArrayLike, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit x * Phi(x), as `torch.nn.functional.gelu`.

    Parameters
    ----------
    input : Tensor or array_like, any shape
    approximate : "none" or "tanh"
        "none": the exact erf form; "tanh": the tanh approximation (PyTorch's flag).

    Returns
    -------
    Tensor, same shape as input
    """
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return K.gelu(input, approximate == "tanh")


@renamed(x="input", axis="dim")
def softmax(input: Tensor | ArrayLike, dim: int = -1) -> Tensor:
    """e^x / sum(e^x) along `dim`, as `torch.nn.functional.softmax` (shifted by the maximum, so large
    logits do not overflow).

    Parameters
    ----------
    input : Tensor or array_like, any shape
    dim : int
        The class axis; last by default (PyTorch has no default).

    Returns
    -------
    Tensor, same shape as input

    Examples
    --------
    >>> F.softmax(gw.tensor([0.0, 0.0])).tolist()
    [0.5, 0.5]
    """
    return S.softmax(input, dim)


@renamed(x="input", axis="dim")
def log_softmax(input: Tensor | ArrayLike, dim: int = -1) -> Tensor:
    """log(softmax(x)) along `dim`, as `torch.nn.functional.log_softmax`, computed as x - logsumexp(x):
    finite even where softmax underflows to 0.

    Parameters
    ----------
    input : Tensor or array_like, any shape
    dim : int
        The class axis; last by default.

    Returns
    -------
    Tensor, same shape as input
    """
    return S.log_softmax(input, dim)


# With their defaults these compute exactly Keras's activations of the same names, so a layer given
# one (`Dense(10, activation=F.softmax)`) saves it under that name.
keras_activations.register_equivalents(relu, sigmoid, tanh, selu, silu, softplus, elu, gelu, softmax, log_softmax)

__all__ = ["elu", "gelu", "leaky_relu", "log_softmax", "relu", "selu", "sigmoid", "silu", "softmax", "softplus",
           "step", "swish", "tanh"]


def prelu(input: Tensor | ArrayLike, weight: Tensor | ArrayLike) -> Tensor:
    """x where x > 0, else weight * x, as `torch.nn.functional.prelu` but with the channels LAST: weight
    has one slope, or one per channel (the last axis).

    Parameters
    ----------
    input : Tensor or array_like, shape (..., C)
    weight : Tensor or array_like, shape (1,) or (C,)

    Returns
    -------
    Tensor, same shape as input

    Examples
    --------
    >>> F.prelu(gw.tensor([-2.0, 3.0]), gw.tensor([0.25])).tolist()
    [-0.5, 3.0]
    """
    x, w = as_tensor(input), as_tensor(weight)
    channels = x.shape[-1] if x.ndim else 1
    if w.ndim != 1 or w.shape[0] not in (1, channels):
        raise ValueError(f"prelu: weight must have shape (1,) or ({channels},) (one slope per channel, the "
                         f"last axis), got {w.shape}")
    return K.prelu(x, w)
