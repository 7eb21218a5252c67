"""Private stand-ins for facade pieces written on other branches, used by the recurrent, attention and
transformer modules until those land: `nn.init` fills, `nn.Linear`, `nn.LayerNorm`, `nn.Dropout`
and `F.relu` / `F.gelu`.

Each has PyTorch's name (with a leading underscore), arguments, parameter names and defaults, so at
merge every use is replaced by the real one and this file is deleted. The math is gradwork's.
"""

from __future__ import annotations

import math

import numpy as np

from ...nn import functional as gw_F
from ...random import get_generator
from ...tensor import get_default_dtype
from .._core import unwrap
from ..dtypes import dtype_of
from ..tensor import wrap
from .module import Module
from .parameter import Parameter


def _new_parameter(*shape: int, dtype=None) -> Parameter:
    """An uninitialized parameter of `shape` in `dtype` (default: the default dtype); reset_parameters fills it."""
    return Parameter(np.empty(shape, dtype=dtype_of(dtype) or get_default_dtype()))


def _fill_(tensor, values) -> None:
    """Write `values` into `tensor` in place (to become `tensor.copy_` once gradwork has it)."""
    np.copyto(tensor._t.data, values, casting="unsafe")


def _uniform_(tensor, a: float, b: float) -> None:
    """`nn.init.uniform_`: values drawn from U(a, b) with gradwork's generator."""
    _fill_(tensor, get_generator().uniform(a, b, tensor.shape))


def _zeros_(tensor) -> None:
    """`nn.init.zeros_`."""
    _fill_(tensor, 0)


def _xavier_uniform_(tensor) -> None:
    """`nn.init.xavier_uniform_` of a 2-D weight (out, in): U(-a, a), a = sqrt(6 / (in + out))."""
    fan_out, fan_in = tensor.shape
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    _uniform_(tensor, -bound, bound)


def _relu(input):
    """`F.relu`."""
    return wrap(gw_F.relu(unwrap(input)))


def _gelu(input, approximate: str = "none"):
    """`F.gelu`."""
    return wrap(gw_F.gelu(unwrap(input), approximate))


class _Linear(Module):
    """`nn.Linear`: weight (out_features, in_features), bias (out_features,), both U(-1/sqrt(in), 1/sqrt(in))."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = _new_parameter(out_features, in_features, dtype=dtype)
        self.register_parameter("bias", _new_parameter(out_features, dtype=dtype) if bias else None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0
        for p in self.parameters():
            _uniform_(p, -bound, bound)

    def forward(self, input):
        return wrap(gw_F.linear(unwrap(input), unwrap(self.weight), unwrap(self.bias)))

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class _LayerNorm(Module):
    """`nn.LayerNorm` over the last dims `normalized_shape`: weight ones, bias zeros."""

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape, self.eps, self.elementwise_affine = shape, eps, elementwise_affine
        dtype = dtype_of(dtype) or get_default_dtype()
        self.register_parameter("weight", Parameter(np.ones(shape, dtype)) if elementwise_affine else None)
        self.register_parameter("bias", Parameter(np.zeros(shape, dtype)) if elementwise_affine and bias else None)

    def forward(self, input):
        return wrap(gw_F.layer_norm(unwrap(input), self.normalized_shape, unwrap(self.weight),
                                    unwrap(self.bias), self.eps))

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class _Dropout(Module):
    """`nn.Dropout`: inverted dropout of rate p in training, the identity in eval mode."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        self.p, self.inplace = p, inplace

    def forward(self, input):
        return wrap(gw_F.dropout(unwrap(input), self.p, self.training))

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
