"""Weight penalties with Keras's names: `reg(weight) -> scalar Tensor` added to the training loss.

L1: l1 * sum(|w|) (pushes weights to exactly 0); L2: l2 * sum(w^2) (weight decay; note there is
no factor 1/2, as in Keras, so its gradient is 2 * l2 * w). The penalty is a Tensor in the graph,
so its gradient reaches the weight.

>>> reg = gw.regularizers.get("l2")        # L2(l2=0.01)
>>> w = gw.tensor([1.0, -2.0], requires_grad=True)
>>> reg(w)
tensor(0.05, grad_fn=<Mul>)
"""
import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from .registry import Configurable, Registry
from .tensor import Tensor, as_tensor


def _penalty_factor(value, name):
    """A non-negative finite float, as Keras validates its penalty factors."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"invalid value for argument {name}: expected a non-negative float, got {value!r}")
    value = float(value)
    if math.isnan(value) or math.isinf(value) or value < 0:
        raise ValueError(f"invalid value for argument {name}: expected a non-negative float, got {value}")
    return value


class Regularizer(Configurable):
    """Base class of the weight penalties; the base penalty is 0.

    Subclasses implement `__call__(x)`; the config is the constructor's arguments (see
    `gradwork.registry.Configurable`).
    """

    def __call__(self, x: Tensor | ArrayLike) -> Tensor:
        """The penalty of the weight `x`.

        Parameters
        ----------
        x : Tensor or array_like, any shape

        Returns
        -------
        Tensor, shape (), of x's dtype (in the graph, so its gradient reaches `x`)
        """
        return Tensor._make(np.zeros((), dtype=as_tensor(x).dtype))


class L1(Regularizer):
    """The penalty l1 * sum(|x|), for a factor l1 >= 0."""

    def __init__(self, l1: float = 0.01):
        self.l1 = _penalty_factor(l1, "l1")

    def __call__(self, x: Tensor | ArrayLike) -> Tensor:
        return self.l1 * as_tensor(x).abs().sum()


class L2(Regularizer):
    """The penalty l2 * sum(x^2), for a factor l2 >= 0 (no factor 1/2, as Keras)."""

    def __init__(self, l2: float = 0.01):
        self.l2 = _penalty_factor(l2, "l2")

    def __call__(self, x: Tensor | ArrayLike) -> Tensor:
        x = as_tensor(x)
        return self.l2 * (x * x).sum()


class L1L2(Regularizer):
    """The penalty l1 * sum(|x|) + l2 * sum(x^2).

    Parameters
    ----------
    l1, l2 : float >= 0 or None
        Both default to 0, as in Keras; None means 0.
    """

    def __init__(self, l1: float | None = 0.0, l2: float | None = 0.0):
        self.l1 = _penalty_factor(0.0 if l1 is None else l1, "l1")
        self.l2 = _penalty_factor(0.0 if l2 is None else l2, "l2")

    def __call__(self, x: Tensor | ArrayLike) -> Tensor:
        x = as_tensor(x)
        penalty = None
        if self.l1:
            penalty = self.l1 * x.abs().sum()
        if self.l2:
            term = self.l2 * (x * x).sum()
            penalty = term if penalty is None else penalty + term
        return super().__call__(x) if penalty is None else penalty


# Keras's lower-case aliases are the classes themselves.
l1, l2, l1_l2 = L1, L2, L1L2

_REGULARIZERS = Registry("regularizer", Regularizer, entries=(L1, L2, L1L2), aliases={"l1_l2": L1L2},
                         snake_case_aliases=True)


def serialize(regularizer: Regularizer) -> dict:
    """{"class_name": ..., "config": {...}}: enough for `deserialize` to rebuild it."""
    return _REGULARIZERS.serialize(regularizer)


def deserialize(config: str | dict) -> Regularizer:
    """A regularizer from `serialize`'s dict or from a name (with default factors)."""
    return _REGULARIZERS.deserialize(config)


def get(identifier: str | dict | type | Callable | None) -> Regularizer | Callable | None:
    """A regularizer from a name ("l2"), a config dict, a class, or a callable (returned as is).

    None gives None; anything else raises ValueError.
    """
    return _REGULARIZERS.get(identifier)


__all__ = ["L1", "L1L2", "L2", "Regularizer", "deserialize", "get", "l1", "l1_l2", "l2", "serialize"]
