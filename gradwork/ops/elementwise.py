"""Elementwise functions: exp, log, sqrt, abs, clip, tanh, sigmoid, relu, erf, maximum/minimum, where.

Each function takes Tensors or array_likes of any shape and returns a Tensor of that shape (of the
operands' broadcast shape for two). Integer inputs to a floating-point function give the default
float dtype (as in PyTorch).
Functions whose derivative is the output reuse `self.result` instead of recomputing.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ..autograd.function import Function, apply_in_backward
from ..tensor import Tensor, get_default_dtype
from .broadcast import sum_to
from . import special


def _float(a):
    """`a` as an array of floats: integer and boolean arrays become the default dtype."""
    a = np.asarray(a)
    return a if a.dtype.kind in "fc" else a.astype(get_default_dtype())


class Exp(Function):
    def forward(self, a):
        return np.exp(_float(a))

    def backward(self, g):
        return (g * self.result,)


class Log(Function):
    def forward(self, a):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(_float(a))

    def backward(self, g):
        return (g / self.args[0],)


class Sqrt(Function):
    def forward(self, a):
        return np.sqrt(_float(a))

    def backward(self, g):
        return (g / (2 * self.result),)


class Abs(Function):
    """|a|; the gradient at 0 is 0 (sign(0)), as in PyTorch."""

    def forward(self, a):
        self.sign = np.sign(a)
        return np.abs(a)

    def backward(self, g):
        return (g * self.sign,)


class Clip(Function):
    """Clamp into [low, high] (either may be None); the gradient passes where low <= a <= high."""

    def __init__(self, low=None, high=None):
        self.low, self.high = low, high

    def forward(self, a):
        inside = np.ones(a.shape, dtype=bool)
        if self.low is not None:
            inside &= a >= self.low
        if self.high is not None:
            inside &= a <= self.high
        self.inside = inside
        return np.clip(a, self.low, self.high)

    def backward(self, g):
        return (g * self.inside,)


class Tanh(Function):
    def forward(self, a):
        return np.tanh(_float(a))

    def backward(self, g):
        y = self.result
        return (g * (1 - y * y),)


class Sigmoid(Function):
    """1 / (1 + e^-a) = exp(-log(1 + e^-a)), with log(1 + e^-a) from `logaddexp`, so neither tail
    overflows: sigmoid(-1000) is 0, not NaN, and sigmoid(-30) keeps its full relative precision."""

    def forward(self, a):
        a = _float(a)
        return np.exp(-np.logaddexp(0, -a))

    def backward(self, g):
        y = self.result
        return (g * (y * (1 - y)),)


class ReLU(Function):
    """max(a, 0); the gradient at 0 is 0, as in PyTorch.

    The mask a > 0 is taken from the output (the same test) in backward, so a forward pass that is
    never differentiated (inference) costs one operation and keeps nothing.
    """

    def forward(self, a):
        return np.maximum(a, 0)

    def backward(self, g):
        return (g * (self.output_array > 0),)


class Erf(Function):
    """The error function; d/da erf(a) = 2/sqrt(pi) e^(-a^2)."""

    def forward(self, a):
        return special.erf(_float(a))

    def backward(self, g):
        a = self.args[0]
        return (g * (2 / math.sqrt(math.pi)) * apply_in_backward(Exp(), -(a * a)),)


class Where(Function):
    """Pick from a where `condition` holds, else from b (broadcasting all three)."""

    def __init__(self, condition):
        self.condition = np.asarray(condition, dtype=bool)

    def forward(self, a, b):
        return np.where(self.condition, a, b)

    def backward(self, g):
        a, b = self.args
        need_a, need_b = self.needs_input_grad
        ga = sum_to(apply_in_backward(Where(self.condition), g, 0), a.shape) if need_a else None
        gb = sum_to(apply_in_backward(Where(self.condition), 0, g), b.shape) if need_b else None
        return ga, gb


class _Extremum(Function):
    """Elementwise max or min of two operands; at ties each side gets half the gradient (as PyTorch)."""

    pick = None  # np.maximum or np.minimum
    wins = None  # np.greater or np.less

    def forward(self, a, b):
        out = self.pick(a, b)
        share = np.array(
            self.wins(a, b), dtype=out.dtype
        )  # an array even for 0-d operands (NumPy gives scalars)
        share[np.equal(a, b)] = 0.5
        self.share_a = share
        return out

    def backward(self, g):
        a, b = self.args
        need_a, need_b = self.needs_input_grad
        ga = sum_to(g * self.share_a, a.shape) if need_a else None
        gb = sum_to(g * (1 - self.share_a), b.shape) if need_b else None
        return ga, gb


class Maximum(_Extremum):
    pick, wins = staticmethod(np.maximum), staticmethod(np.greater)


class Minimum(_Extremum):
    pick, wins = staticmethod(np.minimum), staticmethod(np.less)


def maximum(a: Tensor | ArrayLike, b: Tensor | ArrayLike) -> Tensor:
    """Elementwise larger of a and b, broadcast together; ties split the gradient (as PyTorch)."""
    return Maximum()(a, b)


def minimum(a: Tensor | ArrayLike, b: Tensor | ArrayLike) -> Tensor:
    """Elementwise smaller of a and b, broadcast together; ties split the gradient (as PyTorch)."""
    return Minimum()(a, b)


def where(condition: Tensor | ArrayLike, a: Tensor | ArrayLike, b: Tensor | ArrayLike) -> Tensor:
    """Elementwise `a if condition else b`; the gradient flows to the side that was picked.

    Parameters
    ----------
    condition : boolean Tensor or array_like (never differentiated)
    a, b : Tensor or array_like
        condition, a and b broadcast together.

    Returns
    -------
    Tensor, the broadcast shape
    """
    if isinstance(condition, Tensor):
        condition = condition.data
    return Where(condition)(a, b)




def exp(x: Tensor | ArrayLike) -> Tensor:
    """e^x elementwise."""
    return Exp()(x)


def log(x: Tensor | ArrayLike) -> Tensor:
    """Natural logarithm elementwise: -inf at 0, NaN below, without a warning."""
    return Log()(x)


def sqrt(x: Tensor | ArrayLike) -> Tensor:
    """Square root elementwise."""
    return Sqrt()(x)


def abs(x: Tensor | ArrayLike) -> Tensor:
    """|x| elementwise, in x's dtype; the gradient at 0 is 0 (as PyTorch)."""
    return Abs()(x)


def tanh(x: Tensor | ArrayLike) -> Tensor:
    """Hyperbolic tangent elementwise."""
    return Tanh()(x)


def sigmoid(x: Tensor | ArrayLike) -> Tensor:
    """1 / (1 + e^-x) elementwise, without overflow for large |x|."""
    return Sigmoid()(x)


def erf(x: Tensor | ArrayLike) -> Tensor:
    """The error function 2/sqrt(pi) * integral_0^x e^(-t^2) dt, elementwise."""
    return Erf()(x)


def clip(x: Tensor | ArrayLike, min: float | None = None, max: float | None = None) -> Tensor:
    """Clamp x into [min, max]; either bound may be None. The gradient passes where min <= x <= max.

    Parameters
    ----------
    x : Tensor or array_like, any shape
    min, max : float, optional

    Returns
    -------
    Tensor, same shape as x
    """
    return Clip(min, max)(x)
