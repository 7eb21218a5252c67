"""Activation functions by Keras name: `get("relu")`, `serialize(fn) -> "relu"`.

This package holds names and Keras's defaults, not math: each function is one call into (or a
composition of) the kernels behind `gradwork.nn.functional` and `gradwork.ops`, so a layer or a
loss that uses an activation from here computes exactly what the kernel computes. Defaults follow
`keras.activations`, which differ from PyTorch's in places: `leaky_relu` has slope 0.2 and `gelu`
is the exact erf form unless `approximate=True`.

Every function takes a Tensor, array, list or scalar `x` of any shape and returns a Tensor of the
same shape, elementwise, except `softmax`/`log_softmax`/`sparsemax` (normalised along `axis`),
`crelu` (the last axis doubles) and `glu` (the split axis halves). `standard.py` holds the
activations gradwork always had, `extended.py` the rest of Keras 3's set; this module names them.

>>> act = gw.activations.get("relu")
>>> act(gw.tensor([-1.0, 2.0]))
tensor([0., 2.])
"""
from collections.abc import Callable

from ..ops.nn import activations as K
from ..registry import Registry
from ..tensor import Tensor
from .extended import (
    celu, glu, hard_shrink, hard_tanh, log_sigmoid, soft_shrink, sparse_plus, sparse_sigmoid, sparsemax, squareplus,
    tanh_shrink, threshold,
)
from .standard import (
    crelu, elu, exponential, gelu, hard_sigmoid, hard_silu, hard_swish, leaky_relu, linear, log_softmax, mish, relu,
    relu6, selu, sigmoid, silu, softmax, softplus, softsign, source_logits, swish, tanh,
)

_ACTIVATIONS = Registry(
    "activation",
    entries=(
        celu, crelu, elu, exponential, gelu, glu, hard_shrink, hard_sigmoid, hard_silu, hard_tanh, leaky_relu, linear,
        log_sigmoid, log_softmax, mish, relu, relu6, selu, sigmoid, silu, soft_shrink, softmax, softplus, softsign,
        sparse_plus, sparse_sigmoid, sparsemax, squareplus, tanh, tanh_shrink, threshold,
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
    "celu", "crelu", "deserialize", "elu", "exponential", "gelu", "get", "glu", "hard_shrink", "hard_sigmoid",
    "hard_silu", "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish",
    "register_equivalents", "relu", "relu6", "selu", "serialize", "sigmoid", "silu", "soft_shrink", "softmax",
    "softplus", "softsign", "source_logits", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish",
    "tanh", "tanh_shrink", "threshold",
]
