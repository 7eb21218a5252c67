"""`torch.nn.init`: PyTorch's initializers, each filling a tensor in place and returning it.

The values come from gradwork's generator (`torch.manual_seed(n)` makes them repeat) or from the
`generator=` given, and are written outside the autograd graph, as under `torch.no_grad()`.
Fans follow PyTorch's weight layout (out, in, *kernel): fan_in = in * prod(kernel), fan_out =
out * prod(kernel), which is Keras's rule (`gradwork.initializers.compute_fans`) read on the
reversed shape. The truncated normal and the orthogonal matrix are gradwork's draws
(`gradwork.draws`), shared with Keras's initializers.

>>> w = torch.empty(3, 5)
>>> nn.init.kaiming_uniform_(w, a=math.sqrt(5)).shape
torch.Size([3, 5])
"""

import math
import warnings

import numpy as np

from ...draws import orthogonal, truncated_normal
from ...initializers import compute_fans
from .._missing import missing
from .._overwrite import overwrite
from ..creation import _rng as numpy_generator

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
           "sigmoid")
_MODES = ["fan_in", "fan_out"]


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The gain PyTorch recommends for a nonlinearity: how much it shrinks the spread of its input.

    Parameters
    ----------
    nonlinearity : str
        "linear", "conv1d"..."conv_transpose3d", "sigmoid" (gain 1), "tanh" (5/3), "relu" (sqrt 2),
        "leaky_relu" (sqrt(2 / (1 + param^2)), param the negative slope, default 0.01), "selu" (3/4).
    param : float, optional
        The negative slope for "leaky_relu".

    Returns
    -------
    float
    """
    if nonlinearity in _LINEAR:
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            param = 0.01
        elif isinstance(param, bool) or not isinstance(param, (int, float)):
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + param**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight in PyTorch's layout (out, in, *kernel), at least 2-d."""
    if tensor.ndim < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    return compute_fans(tuple(tensor.shape)[::-1])


def _calculate_correct_fan(tensor, mode: str) -> int:
    mode = mode.lower()
    if mode not in _MODES:
        raise ValueError(f"Mode {mode} not supported, please use one of {_MODES}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _random_fill(tensor, values):
    """Write random `values` into `tensor`, which must hold floats (as PyTorch's random fills require)."""
    if tensor.dtype.kind != "f":
        raise NotImplementedError(f"random initialization needs a floating-point tensor, got {tensor.dtype}")
    return overwrite(tensor, values)


def uniform_(tensor, a: float = 0.0, b: float = 1.0, generator=None):
    """Fill `tensor` with draws from U(a, b)."""
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
    return _random_fill(tensor, numpy_generator(generator).uniform(a, b, tuple(tensor.shape)))


def normal_(tensor, mean: float = 0.0, std: float = 1.0, generator=None):
    """Fill `tensor` with draws from N(mean, std^2)."""
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    return _random_fill(tensor, numpy_generator(generator).normal(mean, std, tuple(tensor.shape)))


def trunc_normal_(tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0, generator=None):
    """Fill `tensor` with draws from N(mean, std^2) conditioned on a <= value <= b.

    The bounds a and b are values, not multiples of std (unlike Keras's TruncatedNormal).
    """
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    z = truncated_normal(numpy_generator(generator), tuple(tensor.shape), (a - mean) / std, (b - mean) / std)
    return _random_fill(tensor, np.clip(mean + std * z, a, b))  # the clip only undoes rounding


def constant_(tensor, val: float):
    """Fill `tensor` with `val`."""
    return overwrite(tensor, val)


def ones_(tensor):
    """Fill `tensor` with ones."""
    return overwrite(tensor, 1.0)


def zeros_(tensor):
    """Fill `tensor` with zeros."""
    return overwrite(tensor, 0.0)


def eye_(tensor):
    """Fill a 2-d `tensor` with the identity matrix (ones on the diagonal, rectangular allowed)."""
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return overwrite(tensor, np.eye(*tensor.shape))


def xavier_uniform_(tensor, gain: float = 1.0, generator=None):
    """Glorot uniform: U(-bound, bound), bound = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / float(fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain: float = 1.0, generator=None):
    """Glorot normal: N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)


def _kaiming_std(tensor, a, mode, nonlinearity) -> float | None:
    """gain / sqrt(fan) for the Kaiming fills, or None for a tensor without elements (nothing to fill)."""
    if 0 in tuple(tensor.shape):
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return None
    return calculate_gain(nonlinearity, a) / math.sqrt(_calculate_correct_fan(tensor, mode))


def kaiming_uniform_(tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu", generator=None):
    """He uniform: U(-bound, bound), bound = gain * sqrt(3 / fan).

    Parameters
    ----------
    tensor : Tensor, at least 2-d, in PyTorch's layout (out, in, *kernel)
    a : float
        The negative slope of the leaky ReLU that follows (used when nonlinearity is "leaky_relu").
        `nn.Linear` and the convolutions use a = sqrt(5), which gives bound = 1 / sqrt(fan_in).
    mode : "fan_in" or "fan_out"
    nonlinearity : str
        See `calculate_gain`.
    generator : torch.Generator, optional
    """
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    return tensor if std is None else uniform_(tensor, -math.sqrt(3.0) * std, math.sqrt(3.0) * std, generator)


def kaiming_normal_(tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu", generator=None):
    """He normal: N(0, std^2), std = gain / sqrt(fan); arguments as for `kaiming_uniform_`."""
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    return tensor if std is None else normal_(tensor, 0.0, std, generator)


def _reset_weight_and_bias_(weight, bias=None) -> None:
    """PyTorch's default initialization of `nn.Linear` and the convolutions (their `reset_parameters`):
    `kaiming_uniform_(weight, a=math.sqrt(5))`, which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the
    bias, if any, from the same U(-1/sqrt(fan_in), 1/sqrt(fan_in)).

    Parameters
    ----------
    weight : Tensor, at least 2-d, in PyTorch's layout (out, in, *kernel) ((in, out/groups, *kernel) for a
        transposed convolution, whose fan_in PyTorch reads the same way)
    bias : Tensor or None
    """
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in = _calculate_fan_in_and_fan_out(weight)[0]
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        uniform_(bias, -bound, bound)


def orthogonal_(tensor, gain: float = 1, generator=None):
    """Fill `tensor` (at least 2-d, seen as (shape[0], rest)) with a (semi-)orthogonal matrix times `gain`."""
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    shape = tuple(tensor.shape)
    if 0 in shape:
        return tensor
    rows = shape[0]
    matrix = orthogonal(numpy_generator(generator), rows, math.prod(shape) // rows)
    return _random_fill(tensor, gain * matrix.reshape(shape))


def __getattr__(name: str):
    raise missing("torch.nn.init", name)
