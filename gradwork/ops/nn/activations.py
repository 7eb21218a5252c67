"""Activation kernels: elementwise, each stable for any finite input and differentiable to any order
(except `step`). Softmax and log-softmax, which normalise along an axis, are in softmax.py.

Every function takes x, a Tensor or array_like of any shape, and returns a Tensor of the same shape.
No defaults stand for a library's convention: slopes and scales are arguments. `sigmoid` and
`tanh` are the core elementwise operations (`gradwork.ops.elementwise`), named here with the rest.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ...autograd.function import Function, apply_in_backward
from ...tensor import Tensor, as_tensor, get_default_dtype
from ..elementwise import Erf, ReLU, Sigmoid, Tanh, Where, sigmoid, tanh, where  # noqa: F401 (sigmoid, tanh: kernels here)

SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def relu(x: Tensor | ArrayLike) -> Tensor:
    """max(x, 0); the gradient at 0 is 0 (as PyTorch)."""
    return ReLU()(x)


def step(x: Tensor | ArrayLike) -> Tensor:
    """The perceptron's step function: 1 where x > 0, else 0 (integers give the default float dtype).

    It has no useful gradient, so none is recorded.
    """
    x = as_tensor(x)
    return Tensor._make((x.data > 0).astype(x.dtype if x.dtype.kind == "f" else get_default_dtype()))


class _LeakyReLU(Function):
    def __init__(self, negative_slope):
        self.negative_slope = negative_slope

    def forward(self, a):
        self.slope = np.where(a > 0, 1, self.negative_slope).astype(a.dtype)
        return a * self.slope

    def backward(self, g):
        return (g * self.slope,)


def leaky_relu(x: Tensor | ArrayLike, negative_slope: float) -> Tensor:
    """x where x > 0, else negative_slope * x (PyTorch's default slope is 0.01, Keras's 0.3)."""
    return _LeakyReLU(negative_slope)(x)


def prelu(x: Tensor | ArrayLike, weight: Tensor | ArrayLike) -> Tensor:
    """x where x > 0, else weight * x: a leaky ReLU whose slopes `weight` (broadcast against x) are
    learned; the gradient at x == 0 is the slope's side (as PyTorch)."""
    x = as_tensor(x)
    return where(x.data > 0, x, weight * x)


class _ELU(Function):
    """x for x > 0, else alpha (e^x - 1); the derivative there is output + alpha."""

    def __init__(self, alpha):
        self.alpha = alpha

    def forward(self, a):
        self.positive = a > 0
        return np.where(self.positive, a, self.alpha * np.expm1(np.minimum(a, 0)))

    def backward(self, g):
        return (g * apply_in_backward(Where(self.positive), 1.0, self.result + self.alpha),)


def elu(x: Tensor | ArrayLike, alpha: float) -> Tensor:
    """Exponential linear unit: x for x > 0, else alpha (e^x - 1), which tends to -alpha."""
    return _ELU(alpha)(x)


def selu(x: Tensor | ArrayLike) -> Tensor:
    """Scaled ELU, SELU_SCALE * elu(x, SELU_ALPHA), with the self-normalizing constants 1.0507 and 1.6733."""
    return SELU_SCALE * elu(x, SELU_ALPHA)


def silu(x: Tensor | ArrayLike) -> Tensor:
    """x * sigmoid(x), also called swish."""
    return x * sigmoid(x)


def gelu(x: Tensor | ArrayLike, tanh_approximation: bool) -> Tensor:
    """Gaussian error linear unit x * Phi(x), Phi the standard normal distribution function.

    Exact, 0.5 x (1 + erf(x / sqrt(2))), or with `tanh_approximation` the tanh formula
    0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
    """
    if tanh_approximation:
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x * x * x)
        return 0.5 * x * (1 + Tanh()(inner))
    return 0.5 * x * (1 + Erf()(x * (1 / math.sqrt(2))))


class _Softplus(Function):
    """log(1 + e^x) = max(x, 0) + log1p(e^-|x|); its derivative is sigmoid(x)."""

    def forward(self, a):
        return np.maximum(a, 0) + np.log1p(np.exp(-np.abs(a)))

    def backward(self, g):
        return (g * apply_in_backward(Sigmoid(), self.args[0]),)


def softplus(x: Tensor | ArrayLike) -> Tensor:
    """Smooth ReLU log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|): stable for large |x|."""
    return _Softplus()(x)
