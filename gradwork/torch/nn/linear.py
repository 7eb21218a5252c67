"""`nn.Linear`, `nn.Bilinear`, `nn.Identity`, `nn.Flatten` and `nn.Unflatten`, as PyTorch's."""

from __future__ import annotations

import math

from ...checks import true_or_false, whole_number
from .._shape_methods import sizes_of
from ..creation import empty
from ..tensor import Tensor, as_facade
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


class Identity(Module):
    """Returns its input unchanged; any arguments are accepted and ignored (as PyTorch's)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """y = x W^T + b, PyTorch's fully connected layer: input (*, in_features) -> output (*, out_features).

    Parameters
    ----------
    in_features, out_features : int
    bias : bool
    device : "cpu" or None
    dtype : torch dtype, optional
        Of the parameters; default the default float dtype.

    Attributes
    ----------
    weight : Parameter, shape (out_features, in_features)
        PyTorch's default: kaiming_uniform_(a=sqrt(5)), which is U(-1/sqrt(in_features), 1/sqrt(in_features)).
    bias : Parameter, shape (out_features,), or None
        U(-1/sqrt(in_features), 1/sqrt(in_features)).

    Examples
    --------
    >>> nn.Linear(4, 2)(torch.ones(3, 4)).shape
    torch.Size([3, 2])
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        self.in_features = whole_number("in_features", in_features, 0, owner="Linear")
        self.out_features = whole_number("out_features", out_features, 0, owner="Linear")
        self.weight = Parameter(empty(out_features, in_features, device=device, dtype=dtype))
        if true_or_false("bias", bias, owner="Linear"):
            self.bias = Parameter(empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw the weight and bias again with PyTorch's default initialization."""
        init._reset_weight_and_bias_(self.weight, self.bias)

    def forward(self, input: Tensor) -> Tensor:
        shape = as_facade(input).shape
        if not shape or shape[-1] != self.in_features:
            raise RuntimeError(f"Linear: input has {shape[-1] if shape else 0} features, expected "
                               f"{self.in_features} (input shape {tuple(shape)})")
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class NonDynamicallyQuantizableLinear(Linear):
    """A `Linear` by another name: `MultiheadAttention.out_proj`'s class, so that its repr and type name are
    PyTorch's (PyTorch names it apart only to keep its dynamic quantization away from attention)."""


class Bilinear(Module):
    """y_k = x1^T A_k x2 + b_k: inputs (*, in1_features) and (*, in2_features) -> (*, out_features).

    Parameters
    ----------
    in1_features, in2_features, out_features : int
    bias : bool
    device, dtype : as for `Linear`

    Attributes
    ----------
    weight : Parameter, shape (out_features, in1_features, in2_features)
    bias : Parameter, shape (out_features,), or None
        Both U(-1/sqrt(in1_features), 1/sqrt(in1_features)), PyTorch's default.
    """

    def __init__(self, in1_features: int, in2_features: int, out_features: int, bias: bool = True,
                 device=None, dtype=None) -> None:
        super().__init__()
        self.in1_features = whole_number("in1_features", in1_features, 0, owner="Bilinear")
        self.in2_features = whole_number("in2_features", in2_features, 0, owner="Bilinear")
        self.out_features = whole_number("out_features", out_features, 0, owner="Bilinear")
        self.weight = Parameter(empty(out_features, in1_features, in2_features, device=device, dtype=dtype))
        if true_or_false("bias", bias, owner="Bilinear"):
            self.bias = Parameter(empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw the weight and bias again with PyTorch's default initialization."""
        bound = 1 / math.sqrt(self.weight.shape[1]) if self.weight.shape[1] else 0.0
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class Flatten(Module):
    """Dims start_dim to end_dim (inclusive) merged into one: (N, C, H, W) -> (N, C*H*W) by default."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input: Tensor) -> Tensor:
        return as_facade(input).flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Dim `dim` split into `unflattened_size`: Unflatten(1, (2, 5)) turns (N, 10) into (N, 2, 5).

    Parameters
    ----------
    dim : int
    unflattened_size : tuple or list of int
        Its product must be the size of dim `dim` (one entry may be -1).
    """

    def __init__(self, dim: int, unflattened_size) -> None:
        super().__init__()
        if not isinstance(unflattened_size, (tuple, list)):
            raise TypeError(f"Unflatten: unflattened_size must be a tuple or list of ints, got "
                            f"{type(unflattened_size).__name__}")
        self.dim, self.unflattened_size = dim, unflattened_size

    def forward(self, input: Tensor) -> Tensor:
        x = as_facade(input)
        sizes = sizes_of((self.unflattened_size,))
        size = x.shape[self.dim] if x.ndim else 1
        if -1 not in sizes and math.prod(sizes) != size:
            raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim "
                               f"{self.dim} ({size}) in the input tensor")
        return x.unflatten(self.dim, sizes)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
