"""Activation functions by Keras name: `get("relu")`, `serialize(fn) -> "relu"`.

This module holds names and Keras's defaults, not math: each function is one call into (or a
composition of) the kernels behind `gradwork.nn.functional` and `gradwork.ops`, so a layer or a
loss that uses an activation from here computes exactly what the kernel computes. Defaults follow
`keras.activations`, which differ from PyTorch's in places: `leaky_relu` has slope 0.2 and `gelu`
is the exact erf form unless `approximate=True`.

Every function takes a Tensor or array `x` of any shape and returns a Tensor of the same shape,
elementwise, except `softmax`/`log_softmax` (normalised along `axis`) and `crelu` (the last axis
doubles).

`softmax` and `sigmoid` remember their input, so a probability-based cross-entropy can use the
logits instead (exact, and finite when the probabilities saturate to 0 or 1). When the graph is
recorded the loss finds the logits through the output's `grad_fn`; under `gw.no_grad()` no graph
exists, so these two functions keep a weak note from output to logits for the loss to find.

>>> act = gw.activations.get("relu")
>>> act(gw.tensor([-1.0, 2.0]))
tensor([0., 2.])
"""
import weakref
from collections.abc import Callable

from numpy.typing import ArrayLike

from .ops.nn import activations as K
from .ops.nn import softmax as S
from .ops.elementwise import exp as _exp
from .ops.shape_ops import concatenate
from .registry import Registry
from .tensor import Tensor, as_tensor

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
    x = as_tensor(x)
    if threshold == 0 and max_value is None:
        return K.leaky_relu(x, negative_slope) if negative_slope else K.relu(x)
    above = x * (x.data > threshold).astype(x.dtype) if threshold else K.relu(x)
    if max_value is not None:
        above = above.clip(None, max_value)
    return above - negative_slope * K.relu(threshold - x) if negative_slope else above


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


def relu6(x: Tensor | ArrayLike) -> Tensor:
    """min(max(x, 0), 6), elementwise: x of any shape -> Tensor of the same shape."""
    return relu(x, max_value=6.0)


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


def selu(x: Tensor | ArrayLike) -> Tensor:
    """Scaled ELU, scale * elu(x, alpha) with the self-normalizing constants (alpha ~ 1.673, scale ~ 1.051).

    Elementwise: x of any shape -> Tensor of the same shape.
    """
    return K.selu(x)


def softplus(x: Tensor | ArrayLike) -> Tensor:
    """log(1 + e^x), stable for large |x|; elementwise: x of any shape -> Tensor of the same shape."""
    return K.softplus(x)


def softsign(x: Tensor | ArrayLike) -> Tensor:
    """x / (1 + |x|), elementwise: x of any shape -> Tensor of the same shape."""
    x = as_tensor(x)
    return x / (1 + x.abs())


def silu(x: Tensor | ArrayLike) -> Tensor:
    """x * sigmoid(x) (also called swish), elementwise: x of any shape -> Tensor of the same shape."""
    return K.silu(x)


swish = silu


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


def tanh(x: Tensor | ArrayLike) -> Tensor:
    """The hyperbolic tangent, (e^x - e^-x) / (e^x + e^-x); x of any shape -> Tensor of the same shape."""
    return K.tanh(x)


def sigmoid(x: Tensor | ArrayLike) -> Tensor:
    """1 / (1 + e^-x), elementwise: x of any shape -> Tensor of the same shape.

    A binary cross-entropy given this output uses x itself, for exactness.
    """
    return _remember_logits(K.sigmoid(x), x, "sigmoid")


def exponential(x: Tensor | ArrayLike) -> Tensor:
    """e^x, elementwise: x of any shape -> Tensor of the same shape."""
    return _exp(x)


def hard_sigmoid(x: Tensor | ArrayLike) -> Tensor:
    """A piecewise-linear sigmoid, relu6(x + 3) / 6 (Keras 3's definition).

    Elementwise: x of any shape -> Tensor of the same shape.
    """
    return relu6(as_tensor(x) + 3.0) / 6.0


def hard_silu(x: Tensor | ArrayLike) -> Tensor:
    """x * hard_sigmoid(x) (also called hard swish); x of any shape -> Tensor of the same shape."""
    x = as_tensor(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def mish(x: Tensor | ArrayLike) -> Tensor:
    """x * tanh(softplus(x)), elementwise: x of any shape -> Tensor of the same shape."""
    x = as_tensor(x)
    return x * K.tanh(K.softplus(x))


def linear(x: Tensor | ArrayLike) -> Tensor | ArrayLike:
    """The identity (what `activation=None` means): `x` itself is returned, of any shape and type."""
    return x


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
    return _remember_logits(S.softmax(x, axis), x, "softmax", axis)


def log_softmax(x: Tensor | ArrayLike, axis: int = -1) -> Tensor:
    """log(softmax(x)) along `axis`, computed as x - logsumexp(x) (finite where softmax underflows).

    Parameters
    ----------
    x, axis : as for `softmax`

    Returns
    -------
    Tensor, same shape as x: the log-probabilities along `axis`
    """
    return S.log_softmax(x, axis)


def crelu(x: Tensor | ArrayLike) -> Tensor:
    """Concatenated ReLU: [relu(x), relu(-x)] along the last axis.

    Parameters
    ----------
    x : Tensor or array_like, shape (..., n)

    Returns
    -------
    Tensor, shape (..., 2n)
    """
    x = as_tensor(x)
    return concatenate([K.relu(x), K.relu(-x)], axis=-1)


_ACTIVATIONS = Registry(
    "activation",
    entries=(
        crelu, elu, exponential, gelu, hard_sigmoid, hard_silu, leaky_relu, linear, log_softmax, mish, relu,
        relu6, selu, sigmoid, silu, softmax, softplus, softsign, tanh,
    ),
    aliases={"swish": silu, "hard_swish": hard_silu},
)
# The kernels with identical semantics serialize under the same names (`gw.nn.functional` re-exports
# them, and registers its own adapters with `register_equivalents`).
_ACTIVATIONS.add_equivalents(K.relu, K.sigmoid, K.tanh, K.selu, K.softplus, K.silu)


def register_equivalents(*functions: Callable[..., Tensor]) -> None:
    """Let each of `functions` be saved under its `__name__`, the activation it computes exactly.

    For adapters such as `gw.nn.functional.softmax`, which equal the Keras activation of that
    name with its defaults; loading a saved one gives that activation.
    """
    _ACTIVATIONS.add_equivalents(*functions)


def get(identifier: str | dict | Callable | None) -> Callable:
    """An activation function from a name, a serialized dict, or a callable (returned as is).

    None gives `linear`. An unknown name raises ValueError listing the valid names.
    """
    return linear if identifier is None else _ACTIVATIONS.get(identifier)


def serialize(activation: Callable | None) -> str:
    """The name of a built-in activation ("relu"); None serializes as "linear".

    Raises
    ------
    ValueError
        For a function that is not a built-in activation (or registered as equivalent to one).
    """
    if activation is None:
        return "linear"
    name = _ACTIVATIONS.name_of(activation)
    if name is None:
        raise ValueError(
            f"cannot serialize activation {activation!r}: only the built-in activations have names "
            f"({_ACTIVATIONS.valid_names()})"
        )
    return name


def deserialize(config: str | dict) -> Callable:
    """The activation function from a name, or from a dict whose "config" (or "class_name") is the name."""
    return _ACTIVATIONS.deserialize(config)


__all__ = [
    "crelu", "deserialize", "elu", "exponential", "gelu", "get", "hard_sigmoid", "hard_silu", "hard_swish",
    "leaky_relu", "linear", "log_softmax", "mish", "register_equivalents", "relu", "relu6", "selu", "serialize",
    "sigmoid", "silu", "softmax", "softplus", "softsign", "swish", "tanh",
]
