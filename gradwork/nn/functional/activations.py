"""Activation functions. Each is stable for any finite input and has a gradient (except `step`)."""

import math

import numpy as np

from ...autograd.function import Function, dispatch
from ...ops.elementwise import Erf, Exp, ReLU, Sigmoid, Tanh, Where
from ...tensor import Tensor, as_tensor, get_default_dtype


def relu(x):
    """max(x, 0)."""
    return ReLU()(x)


def sigmoid(x):
    """1 / (1 + e^-x), without overflow for large |x|."""
    return Sigmoid()(x)


def tanh(x):
    return Tanh()(x)


def step(x):
    """The perceptron's step function: 1 where x > 0, else 0. It has no useful gradient, so none is recorded."""
    x = as_tensor(x)
    return Tensor._make((x.data > 0).astype(x.dtype if x.dtype.kind == "f" else get_default_dtype()))


class LeakyReLU(Function):
    def __init__(self, negative_slope):
        self.negative_slope = negative_slope

    def forward(self, a):
        self.slope = np.where(a > 0, 1, self.negative_slope).astype(a.dtype)
        return a * self.slope

    def backward(self, g):
        return (g * self.slope,)


def leaky_relu(x, negative_slope=0.01):
    """x where x > 0, else negative_slope * x (PyTorch's default slope 0.01; Keras's layer uses 0.3)."""
    return LeakyReLU(negative_slope)(x)


class ELU(Function):
    """x for x > 0, else alpha (e^x - 1); the derivative there is output + alpha."""

    def __init__(self, alpha):
        self.alpha = alpha

    def forward(self, a):
        self.positive = a > 0
        return np.where(self.positive, a, self.alpha * np.expm1(np.minimum(a, 0)))

    def backward(self, g):
        return (g * dispatch(Where(self.positive), 1.0, self.result + self.alpha),)


def elu(x, alpha=1.0):
    """Exponential linear unit."""
    return ELU(alpha)(x)


SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def selu(x):
    """Scaled ELU with the self-normalizing constants (alpha 1.6733, scale 1.0507)."""
    return SELU_SCALE * elu(x, SELU_ALPHA)


def silu(x):
    """x * sigmoid(x), also called swish."""
    return x * sigmoid(x)


swish = silu


def gelu(x, approximate="none"):
    """Gaussian error linear unit x * Phi(x); approximate="tanh" uses the tanh formula (as PyTorch's flag)."""
    if approximate == "none":
        return 0.5 * x * (1 + Erf()(x * (1 / math.sqrt(2))))
    if approximate == "tanh":
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x * x * x)
        return 0.5 * x * (1 + Tanh()(inner))
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


class Softplus(Function):
    """log(1 + e^x) = max(x, 0) + log1p(e^-|x|); its derivative is sigmoid(x)."""

    def forward(self, a):
        return np.maximum(a, 0) + np.log1p(np.exp(-np.abs(a)))

    def backward(self, g):
        return (g * dispatch(Sigmoid(), self.args[0]),)


def softplus(x):
    """Smooth ReLU, log(1 + e^x), stable for large |x|."""
    return Softplus()(x)


class Softmax(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, a):
        e = np.exp(a - np.max(a, axis=self.axis, keepdims=True))
        return e / e.sum(axis=self.axis, keepdims=True)

    def backward(self, g):
        y = self.result
        return (y * (g - (g * y).sum(axis=self.axis, keepdims=True)),)


def softmax(x, axis=-1):
    """e^x / sum(e^x) along `axis`, shifted by the maximum so large logits do not overflow."""
    return Softmax(axis)(x)


class LogSoftmax(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, a):
        shifted = a - np.max(a, axis=self.axis, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=self.axis, keepdims=True))

    def backward(self, g):
        return (g - dispatch(Exp(), self.result) * g.sum(axis=self.axis, keepdims=True),)


def log_softmax(x, axis=-1):
    """log(softmax(x)) computed as x - logsumexp(x): finite even where softmax underflows to 0."""
    return LogSoftmax(axis)(x)
