"""The rest of Keras 3's activations: CELU, GLU, log-sigmoid, the hard and soft shrinkages, threshold,
squareplus and the sparse family (sparse_plus, sparse_sigmoid, sparsemax).

Each is composed from gradwork's differentiable operations (or, for sparsemax, one kernel in
`gradwork.ops.nn.sparsemax`), so each is differentiable to any order away from its kinks; names,
arguments and defaults are Keras's. Every function takes x, a Tensor, array, list or scalar, and
returns a Tensor of its shape, except `glu` (the split axis halves) and `sparsemax` (which needs
an axis).
"""
from numpy.typing import ArrayLike

from ..ops.elementwise import sqrt, where
from ..ops.nn import activations as K
from ..ops.nn.sparsemax import sparsemax as _sparsemax
from ..ops.shape_ops import split
from ..tensor import Tensor
from .standard import require_axis, takes_array_like


@takes_array_like
def celu(x: Tensor | ArrayLike, alpha: float = 1.0) -> Tensor:
    """Continuously differentiable ELU: x for x > 0, else alpha (e^(x / alpha) - 1).

    Computed as alpha * elu(x / alpha): the same curve rescaled, so its slope at 0 is 1 for every alpha.

    Parameters
    ----------
    x : Tensor or array_like, any shape
    alpha : float
        Nonzero; the value approached as x -> -inf is -alpha.

    Returns
    -------
    Tensor, same shape as x

    Examples
    --------
    >>> gw.activations.celu(gw.tensor([-1.0, 0.0, 1.0], dtype="float64"))
    tensor([-0.63212056,  0.        ,  1.        ], dtype=float64)
    """
    if alpha == 0:
        raise ValueError("celu: alpha must be nonzero (the formula divides by it), got 0")
    return alpha * K.elu(x / alpha, 1.0)


@takes_array_like
def glu(x: Tensor | ArrayLike, axis: int = -1) -> Tensor:
    """Gated linear unit: split x in halves a, b along `axis` and return a * sigmoid(b).

    Parameters
    ----------
    x : Tensor or array_like, shape (..., 2n, ...) with an even length along `axis`
    axis : int

    Returns
    -------
    Tensor, shape of x with n along `axis`

    Examples
    --------
    >>> gw.activations.glu(gw.tensor([-1.0, 0.0, 1.0, 1.0], dtype="float64"))
    tensor([-0.73105858,  0.        ], dtype=float64)
    """
    require_axis("glu", x, axis)
    if x.shape[axis] % 2:
        raise ValueError(f"glu: x must have an even length along axis {axis} to split in halves, got shape {x.shape}")
    values, gates = split(x, 2, axis=axis)
    return values * K.sigmoid(gates)


@takes_array_like
def log_sigmoid(x: Tensor | ArrayLike) -> Tensor:
    """log(sigmoid(x)) = -softplus(-x), finite for large negative x; x of any shape -> same shape.

    Examples
    --------
    >>> gw.activations.log_sigmoid(gw.tensor([-1.0, 0.0, 1.0], dtype="float64"))
    tensor([-1.31326169, -0.69314718, -0.31326169], dtype=float64)
    """
    return -K.softplus(-x)


@takes_array_like
def hard_tanh(x: Tensor | ArrayLike) -> Tensor:
    """x clipped to [-1, 1]; x of any shape -> Tensor of the same shape.

    Examples
    --------
    >>> gw.activations.hard_tanh([-1.5, 0.0, 1.5])
    tensor([-1.,  0.,  1.])
    """
    return x.clip(-1.0, 1.0)


@takes_array_like
def hard_shrink(x: Tensor | ArrayLike, threshold: float = 0.5) -> Tensor:
    """x where |x| > threshold, else 0.

    Parameters
    ----------
    x : Tensor or array_like, any shape
    threshold : float

    Returns
    -------
    Tensor, same shape as x

    Examples
    --------
    >>> gw.activations.hard_shrink([-0.5, 0.0, 1.0])
    tensor([0., 0., 1.])
    """
    return where(abs(x.data) > threshold, x, 0.0)


@takes_array_like
def soft_shrink(x: Tensor | ArrayLike, threshold: float = 0.5) -> Tensor:
    """x moved toward 0 by `threshold`, and 0 within [-threshold, threshold]: x - clip(x, -threshold, threshold).

    Parameters
    ----------
    x : Tensor or array_like, any shape
    threshold : float

    Returns
    -------
    Tensor, same shape as x

    Examples
    --------
    >>> gw.activations.soft_shrink([-1.0, 0.0, 1.0])
    tensor([-0.5,  0. ,  0.5])
    """
    return x - x.clip(-threshold, threshold)


@takes_array_like
def tanh_shrink(x: Tensor | ArrayLike) -> Tensor:
    """x - tanh(x); x of any shape -> Tensor of the same shape.

    Examples
    --------
    >>> gw.activations.tanh_shrink(gw.tensor([-1.0, 0.0, 1.0], dtype="float64"))
    tensor([-0.23840584,  0.        ,  0.23840584], dtype=float64)
    """
    return x - K.tanh(x)


@takes_array_like
def threshold(x: Tensor | ArrayLike, threshold: float, default_value: float) -> Tensor:
    """x where x > threshold, else `default_value` (PyTorch's `threshold(x, threshold, value)`).

    Parameters
    ----------
    x : Tensor or array_like, any shape
    threshold : float
    default_value : float
        The value given to every element at or below the threshold.

    Returns
    -------
    Tensor, same shape as x

    Examples
    --------
    >>> gw.activations.threshold([-1.0, 0.0, 1.0, 2.0], 1.0, 0.0)
    tensor([0., 0., 0., 2.])
    """
    return where(x.data > threshold, x, default_value)


@takes_array_like
def squareplus(x: Tensor | ArrayLike, b: float = 4) -> Tensor:
    """A smooth ReLU without exponentials, (x + sqrt(x^2 + b)) / 2.

    Parameters
    ----------
    x : Tensor or array_like, any shape
    b : float
        Non-negative smoothness: 0 gives relu(x); the value at x = 0 is sqrt(b) / 2.

    Returns
    -------
    Tensor, same shape as x

    Examples
    --------
    >>> gw.activations.squareplus([0.0, 1.5])
    tensor([1., 2.])
    """
    if b < 0:
        raise ValueError(f"squareplus: b must be >= 0 (it sits under a square root), got {b}")
    return (x + sqrt(x * x + b)) / 2


@takes_array_like
def sparse_sigmoid(x: Tensor | ArrayLike) -> Tensor:
    """0 for x <= -1, (x + 1) / 2 between, 1 for x >= 1: (hard_tanh(x) + 1) / 2, the derivative of sparse_plus.

    Examples
    --------
    >>> gw.activations.sparse_sigmoid([-1.0, 0.0, 1.0])
    tensor([0. , 0.5, 1. ])
    """
    return (hard_tanh(x) + 1) / 2


@takes_array_like
def sparse_plus(x: Tensor | ArrayLike) -> Tensor:
    """0 for x <= -1, (x + 1)^2 / 4 between, x for x >= 1: a softplus that is exactly 0 below -1.

    Written as (c + 1)^2 / 4 + relu(x - 1) with c = hard_tanh(x), which is each piece on its range.

    Examples
    --------
    >>> gw.activations.sparse_plus([-1.0, 0.0, 1.0])
    tensor([0.  , 0.25, 1.  ])
    """
    shifted = hard_tanh(x) + 1
    return shifted * shifted / 4 + K.relu(x - 1)


@takes_array_like
def sparsemax(x: Tensor | ArrayLike, axis: int = -1) -> Tensor:
    """The projection of x onto the probability simplex along `axis`: like softmax, but with exact zeros.

    Parameters
    ----------
    x : Tensor or array_like, any shape with at least one axis
    axis : int

    Returns
    -------
    Tensor, same shape as x: non-negative, summing to 1 along `axis`

    Examples
    --------
    >>> gw.activations.sparsemax([-1.0, 0.0, 1.0])
    tensor([0., 0., 1.])
    """
    require_axis("sparsemax", x, axis)
    return _sparsemax(x, axis)
