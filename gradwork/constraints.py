"""Weight constraints with Keras's names: `constraint(weight) -> Tensor`, the weight's projected value.

A weight created with `constraint=` (`Layer.add_weight`, or a layer's `kernel_constraint=` ...) is
replaced by `constraint(weight)` right after every optimizer update of it, as Keras does: the
optimizer writes the result into the weight's memory (see `gradwork.optimizers.base_optimizer`).
Norms are taken along `axis` (default 0: for a Dense kernel (input_dim, units), each unit's
incoming weight vector; for a Conv2D kernel (kh, kw, channels, filters) pass axis=[0, 1, 2]),
and eps = 1e-7 (Keras's `backend.epsilon()`) keeps a zero vector finite.

>>> c = gw.constraints.get("max_norm")           # MaxNorm(max_value=2, axis=0)
>>> c(np.array([[3.0, 0.6], [4.0, 0.8]])).numpy().round(6)   # column norms 5 and 1: the first becomes 2
array([[1.2, 0.6],
       [1.6, 0.8]])
"""
import math
import numbers
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .autograd.grad_mode import no_grad
from .registry import Configurable, Registry
from .tensor import Tensor, as_tensor

EPSILON = 1e-7  # Keras's backend.epsilon()


def _axis(value, name):
    """An int, or a list of ints (as a config holds it); a ValueError otherwise."""
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    if not items or any(isinstance(a, bool) or not isinstance(a, numbers.Integral) for a in items):
        raise ValueError(f"{name}: axis must be an integer or a list of integers, got {value!r}")
    return [int(a) for a in items] if isinstance(value, (list, tuple)) else int(value)


def _bound(value, name, argument):
    """A finite float >= 0; a ValueError naming the constraint and the argument otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name}: {argument} must be a finite number >= 0, got {value!r}")
    return float(value)


def _norms(w, axis):
    """The L2 norms of `w` along `axis`, kept as axes of size 1."""
    axis = tuple(axis) if isinstance(axis, list) else axis
    return (w * w).sum(axis=axis, keepdims=True).sqrt()


class Constraint(Configurable):
    """Base class of the weight constraints; the base returns the weight unchanged.

    Subclasses implement `__call__(w)`; the config is the constructor's arguments (see
    `gradwork.registry.Configurable`).
    """

    def __call__(self, w: Tensor | ArrayLike) -> Tensor:
        """The constrained value of the weight `w`.

        Parameters
        ----------
        w : Tensor or array_like, any shape

        Returns
        -------
        Tensor of w's shape and dtype
        """
        return as_tensor(w)


class MaxNorm(Constraint):
    """Scale each vector along `axis` whose L2 norm exceeds `max_value` down to that norm.

    w * clip(n, 0, max_value) / (eps + n), n = ||w|| along `axis`.

    Parameters
    ----------
    max_value : float >= 0, default 2
    axis : int or list of int, default 0
    """

    def __init__(self, max_value: float = 2, axis: int | Sequence[int] = 0):
        self.max_value = _bound(max_value, "MaxNorm", "max_value")
        self.axis = _axis(axis, "MaxNorm")

    def __call__(self, w: Tensor | ArrayLike) -> Tensor:
        w = as_tensor(w)
        norms = _norms(w, self.axis)
        return w * (norms.clip(0.0, self.max_value) / (norms + EPSILON))


class MinMaxNorm(Constraint):
    """Move each vector's L2 norm along `axis` into [min_value, max_value], by a fraction `rate`.

    w * (rate * clip(n, min_value, max_value) + (1 - rate) * n) / (eps + n), n = ||w|| along `axis`;
    rate 1 enforces the bounds strictly, a smaller rate moves toward them step by step.

    Parameters
    ----------
    min_value, max_value : float, 0 <= min_value <= max_value, default 0 and 1
    rate : float in [0, 1], default 1
    axis : int or list of int, default 0
    """

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0,
                 axis: int | Sequence[int] = 0):
        self.min_value = _bound(min_value, "MinMaxNorm", "min_value")
        self.max_value = _bound(max_value, "MinMaxNorm", "max_value")
        if self.min_value > self.max_value:
            raise ValueError(f"MinMaxNorm: min_value must be <= max_value, got min_value={min_value!r} and "
                             f"max_value={max_value!r}")
        self.rate = _bound(rate, "MinMaxNorm", "rate")
        if self.rate > 1:
            raise ValueError(f"MinMaxNorm: rate must be in [0, 1], got {rate!r}")
        self.axis = _axis(axis, "MinMaxNorm")

    def __call__(self, w: Tensor | ArrayLike) -> Tensor:
        w = as_tensor(w)
        norms = _norms(w, self.axis)
        desired = self.rate * norms.clip(self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (norms + EPSILON))


class NonNeg(Constraint):
    """Set the negative entries to 0: w * (w >= 0)."""

    def __call__(self, w: Tensor | ArrayLike) -> Tensor:
        w = as_tensor(w)
        return w * (w.data >= 0).astype(w.dtype)


class UnitNorm(Constraint):
    """Scale each vector along `axis` to L2 norm 1: w / (eps + ||w||).

    Parameters
    ----------
    axis : int or list of int, default 0
    """

    def __init__(self, axis: int | Sequence[int] = 0):
        self.axis = _axis(axis, "UnitNorm")

    def __call__(self, w: Tensor | ArrayLike) -> Tensor:
        w = as_tensor(w)
        return w / (_norms(w, self.axis) + EPSILON)


# Keras's lower-case aliases are the classes themselves.
max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm

_CONSTRAINTS = Registry("constraint", Constraint, entries=(MaxNorm, MinMaxNorm, NonNeg, UnitNorm),
                        snake_case_aliases=True)


def serialize(constraint: Constraint) -> dict:
    """{"class_name": ..., "config": {...}}: enough for `deserialize` to rebuild it."""
    return _CONSTRAINTS.serialize(constraint)


def deserialize(config: str | dict) -> Constraint:
    """A constraint from `serialize`'s dict or from a name (with default arguments)."""
    return _CONSTRAINTS.deserialize(config)


def get(identifier: str | dict | type | Callable | None) -> Constraint | Callable | None:
    """A constraint from a name ("max_norm"), a config dict, a class, or a callable (returned as is).

    None gives None; anything else raises ValueError.
    """
    return _CONSTRAINTS.get(identifier)


def constrain_in_place(variable: Tensor, array: np.ndarray) -> None:
    """Write `variable.constraint(variable)` into `array` (the variable's memory), as the optimizer does
    after updating it; a result of another shape raises ValueError naming the variable."""
    with no_grad():
        value = variable.constraint(variable)
    value = value.data if isinstance(value, Tensor) else np.asarray(value)
    if value.shape != array.shape:
        name = getattr(variable, "name", "?")
        raise ValueError(f"the constraint {variable.constraint!r} of weight {name!r} returned shape {value.shape}, "
                         f"expected the weight's shape {array.shape}")
    np.copyto(array, value, casting="same_kind")


__all__ = [
    "Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "constrain_in_place", "deserialize", "get",
    "max_norm", "min_max_norm", "non_neg", "unit_norm", "serialize",
]
