"""The activations that gradwork had before Keras 3's additions: ReLU family, sigmoid, tanh, softmax, GELU.

Each is a thin layer of names and Keras's defaults over the kernels behind `gradwork.nn.functional`
and `gradwork.ops` (see the package docstring). `softmax` and `sigmoid` remember their input, so a
probability-based cross-entropy can use the logits instead (exact, and finite when the
probabilities saturate to 0 or 1). When the graph is recorded the loss finds the logits through the
output's `grad_fn`; under `gw.no_grad()` no graph exists, so these two functions keep a weak note
from output to logits for the loss to find.
"""
import functools
import weakref
from collections.abc import Callable

from numpy.typing import ArrayLike

from ..ops.nn import activations as K
from ..ops.nn import softmax as S
from ..ops.elementwise import exp as _exp
from ..ops.shape_ops import concatenate
from ..tensor import Tensor, as_tensor, get_default_dtype

# id(output) -> (weak reference to output, logits, kind, axis): see `source_logits`.
_LOGITS = {}


def _remember_logits(output, logits, kind, axis=None):
    """Note that `output` is softmax/sigmoid of `logits` when no graph node records it."""
    if not isinstance(output, Tensor) or output.grad_fn is not None:
        return output
    key = id(output)

    def forget(_ref, key=key):
        _LOGITS.pop(key, None)

    _LOGITS[key] = (weakref.ref(output, forget), as_tensor(logits), kind, axis)
    return output


def source_logits(output: Tensor, kind: str) -> tuple[Tensor, int | None] | None:
    """The logits behind an output of `softmax` or `sigmoid` computed without a recorded graph.

    Used by the cross-entropy losses (with a graph they read the output's `grad_fn` instead).

    Parameters
    ----------
    output : Tensor, any shape
    kind : "softmax" or "sigmoid"

    Returns
    -------
    (logits, axis) or None
        logits : Tensor, same shape as output; axis : int, the softmax axis (None for sigmoid).
        None when `output` is not such an output of that kind.
    """
    entry = _LOGITS.get(id(output))
    if entry is None or entry[0]() is not output or entry[2] != kind:
        return None
    return entry[1], entry[3]


def takes_array_like(activation: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """Let `activation(x, ...)` take x as a Tensor, an array, a list or a scalar, as Keras's do.

    The one place every activation's input is converted: x becomes a Tensor, and integer or
    boolean input the default float dtype (Keras computes activations in floats; an integer
    tensor would silently truncate a slope such as leaky_relu's 0.2 to 0).
    """

    @functools.wraps(activation)
    def with_tensor_input(x, *args, **kwargs):
        x = as_tensor(x)
        if x.dtype.kind != "f":
            x = x.astype(get_default_dtype())
        return activation(x, *args, **kwargs)

    return with_tensor_input


def require_axis(activation_name: str, x: Tensor, axis: int) -> None:
    """Raise ValueError unless x has `axis`, for the activations that work along one (a scalar has none)."""
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"{activation_name}: x needs an axis {axis} to work along, got shape {x.shape}")


@takes_array_like
def relu(x: Tensor | ArrayLike, negative_slope: float = 0.0, max_value: float | None = None,
         threshold: float = 0.0) -> Tensor:
    """The rectified linear unit with Keras's options (`gw.nn.ReLU` is this function as a layer).

    f(x) = min(x, max_value) where x > threshold, else negative_slope * (x - threshold). At
    x == threshold the output is 0 (Keras's rule: the rectifier turns on strictly above it).

    Parameters
    ----------
    x : Tensor or array_like, any shape
    negative_slope : float
        Slope below the threshold; 0 sets those values to 0.
    max_value : float, optional
        Upper clip of the part above the threshold; None for no cap.
    threshold : float
        Where the rectifier turns on.

    Returns
    -------
    Tensor, same shape as x

    Examples
    --------
    >>> gw.activations.relu(gw.tensor([-2.0, 1.0, 8.0]), negative_slope=0.5, max_value=6.0)
    tensor([-1.,  1.,  6.])
    """
    if threshold == 0 and max_value is None:
        return K.leaky_relu(x, negative_slope) if negative_slope else K.relu(x)
    above = x * (x.data > threshold).astype(x.dtype) if threshold else K.relu(x)
    if max_value is not None:
        above = above.clip(None, max_value)
    return above - negative_slope * K.relu(threshold - x) if negative_slope else above


@takes_array_like
def leaky_relu(x: Tensor | ArrayLike, negative_slope: float = 0.2) -> Tensor:
    """x for x > 0, else negative_slope * x (Keras's default slope 0.2; PyTorch's is 0.01).

    Parameters
    ----------
    x : Tensor or array_like, any shape
    negative_slope : float

    Returns
    -------
    Tensor, same shape as x
    """
    return K.leaky_relu(x, negative_slope)


@takes_array_like
def relu6(x: Tensor | ArrayLike) -> Tensor:
    """min(max(x, 0), 6), elementwise: x of any shape -> Tensor of the same shape."""
    return relu(x, max_value=6.0)


@takes_array_like
def elu(x: Tensor | ArrayLike, alpha: float = 1.0) -> Tensor:
    """Exponential linear unit: x for x > 0, else alpha * (e^x - 1).

    Parameters
    ----------
    x : Tensor or array_like, any shape
    alpha : float
        The value approached as x -> -inf is -alpha.

    Returns
    -------
    Tensor, same shape as x
    """
    return K.elu(x, alpha)


@takes_array_like
def selu(x: Tensor | ArrayLike) -> Tensor:
    """Scaled ELU, scale * elu(x, alpha) with the self-normalizing constants (alpha ~ 1.673, scale ~ 1.051).

    Elementwise: x of any shape -> Tensor of the same shape.
    """
    return K.selu(x)


@takes_array_like
def softplus(x: Tensor | ArrayLike) -> Tensor:
    """log(1 + e^x), stable for large |x|; elementwise: x of any shape -> Tensor of the same shape."""
    return K.softplus(x)


@takes_array_like
def softsign(x: Tensor | ArrayLike) -> Tensor:
    """x / (1 + |x|), elementwise: x of any shape -> Tensor of the same shape."""
    return x / (1 + x.abs())


@takes_array_like
def silu(x: Tensor | ArrayLike) -> Tensor:
    """x * sigmoid(x) (also called swish), elementwise: x of any shape -> Tensor of the same shape."""
    return K.silu(x)


swish = silu


@takes_array_like
def gelu(x: Tensor | ArrayLike, approximate: bool = False) -> Tensor:
    """Gaussian error linear unit, x * Phi(x), Phi the standard normal CDF.

    Parameters
    ----------
    x : Tensor or array_like, any shape
    approximate : bool
        False (Keras's default): the exact form with erf. True: the tanh formula
        0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).

    Returns
    -------
    Tensor, same shape as x
    """
    return K.gelu(x, tanh_approximation=bool(approximate))


@takes_array_like
def tanh(x: Tensor | ArrayLike) -> Tensor:
    """The hyperbolic tangent, (e^x - e^-x) / (e^x + e^-x); x of any shape -> Tensor of the same shape."""
    return K.tanh(x)


@takes_array_like
def sigmoid(x: Tensor | ArrayLike) -> Tensor:
    """1 / (1 + e^-x), elementwise: x of any shape -> Tensor of the same shape.

    A binary cross-entropy given this output uses x itself, for exactness.
    """
    return _remember_logits(K.sigmoid(x), x, "sigmoid")


@takes_array_like
def exponential(x: Tensor | ArrayLike) -> Tensor:
    """e^x, elementwise: x of any shape -> Tensor of the same shape."""
    return _exp(x)


@takes_array_like
def hard_sigmoid(x: Tensor | ArrayLike) -> Tensor:
    """A piecewise-linear sigmoid, relu6(x + 3) / 6 (Keras 3's definition).

    Elementwise: x of any shape -> Tensor of the same shape.
    """
    return relu6(x + 3.0) / 6.0


@takes_array_like
def hard_silu(x: Tensor | ArrayLike) -> Tensor:
    """x * hard_sigmoid(x) (also called hard swish); x of any shape -> Tensor of the same shape."""
    return x * hard_sigmoid(x)


hard_swish = hard_silu


@takes_array_like
def mish(x: Tensor | ArrayLike) -> Tensor:
    """x * tanh(softplus(x)), elementwise: x of any shape -> Tensor of the same shape."""
    return x * K.tanh(K.softplus(x))


def linear(x: Tensor | ArrayLike) -> Tensor | ArrayLike:
    """The identity (what `activation=None` means): `x` itself is returned, of any shape and type."""
    return x


@takes_array_like
def softmax(x: Tensor | ArrayLike, axis: int = -1) -> Tensor:
    """e^x / sum(e^x) along `axis`: the output is positive and sums to 1 along `axis`.

    A categorical cross-entropy given this output uses x itself, for exactness.

    Parameters
    ----------
    x : Tensor or array_like, any shape with at least one axis
    axis : int

    Returns
    -------
    Tensor, same shape as x

    Examples
    --------
    >>> gw.activations.softmax(gw.tensor([0.0, 0.0]))
    tensor([0.5, 0.5])
    """
    require_axis("softmax", x, axis)
    return _remember_logits(S.softmax(x, axis), x, "softmax", axis)


@takes_array_like
def log_softmax(x: Tensor | ArrayLike, axis: int = -1) -> Tensor:
    """log(softmax(x)) along `axis`, computed as x - logsumexp(x) (finite where softmax underflows).

    Parameters
    ----------
    x, axis : as for `softmax`

    Returns
    -------
    Tensor, same shape as x: the log-probabilities along `axis`
    """
    require_axis("log_softmax", x, axis)
    return S.log_softmax(x, axis)


@takes_array_like
def crelu(x: Tensor | ArrayLike) -> Tensor:
    """Concatenated ReLU: [relu(x), relu(-x)] along the last axis.

    Parameters
    ----------
    x : Tensor or array_like, shape (..., n)

    Returns
    -------
    Tensor, shape (..., 2n)
    """
    require_axis("crelu", x, -1)
    return concatenate([K.relu(x), K.relu(-x)], axis=-1)
