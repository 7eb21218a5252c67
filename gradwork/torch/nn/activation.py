"""Activation modules (`nn.ReLU`, `nn.GELU`, `nn.Softmax`, ...): settings plus one call into `F`.

Each takes input of any shape and returns the same shape. `inplace=True` writes the output into the
input, as PyTorch does (under its rules for in-place operations: see `F`).
"""

from __future__ import annotations

from ..creation import empty
from ..tensor import Tensor
from . import functional as F
from .init import constant_
from .module import Module
from .parameter import Parameter


def _with_inplace(text: str, inplace: bool) -> str:
    """An extra_repr with PyTorch's ", inplace=True" (or "inplace=True" alone) when set."""
    if not inplace:
        return text
    return f"{text}, inplace=True" if text else "inplace=True"


class _Elementwise(Module):
    """A parameterless activation: `function` applied to the input, with an optional `inplace` flag."""

    function = None  # one of F's functions, taking (input, inplace=...)

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return self.function(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return _with_inplace("", self.inplace)


class ReLU(_Elementwise):
    """max(x, 0)."""

    function = staticmethod(F.relu)


class ReLU6(_Elementwise):
    """min(max(x, 0), 6) (gradient 0 at 0 and 6, as PyTorch's hardtanh)."""

    function = staticmethod(F.relu6)


class SELU(_Elementwise):
    """scale * elu(x, alpha), the self-normalizing constants (scale 1.0507, alpha 1.6733)."""

    function = staticmethod(F.selu)


class SiLU(_Elementwise):
    """x * sigmoid(x) (swish)."""

    function = staticmethod(F.silu)


class Mish(_Elementwise):
    """x * tanh(softplus(x))."""

    function = staticmethod(F.mish)


class Sigmoid(Module):
    """1 / (1 + e^-x)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.sigmoid(input)


class Tanh(Module):
    """The hyperbolic tangent."""

    def forward(self, input: Tensor) -> Tensor:
        return F.tanh(input)


class Softsign(Module):
    """x / (1 + |x|)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.softsign(input)


class LeakyReLU(Module):
    """x where x > 0, else negative_slope * x (PyTorch's default slope 0.01)."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return _with_inplace(f"negative_slope={self.negative_slope}", self.inplace)


class ELU(Module):
    """x where x > 0, else alpha (e^x - 1)."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return _with_inplace(f"alpha={self.alpha}", self.inplace)


class CELU(ELU):
    """max(0, x) + min(0, alpha (e^(x / alpha) - 1)); alpha must not be 0."""

    def forward(self, input: Tensor) -> Tensor:
        return F.celu(input, self.alpha, self.inplace)


class GELU(Module):
    """x * Phi(x); approximate="tanh" uses the tanh formula."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Softplus(Module):
    """log(1 + e^(beta x)) / beta, and x where beta x > threshold."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input: Tensor) -> Tensor:
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Hardtanh(Module):
    """x clamped into [min_val, max_val] (gradient 1 strictly inside, else 0)."""

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        if max_val <= min_val:
            raise ValueError(f"Hardtanh: max_val ({max_val}) must be greater than min_val ({min_val})")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return _with_inplace(f"min_val={self.min_val}, max_val={self.max_val}", self.inplace)


class Softmax(Module):
    """e^x / sum(e^x) along `dim` (None: PyTorch's deprecated implicit choice, with its warning)."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.softmax(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """log(softmax(x)) along `dim`, computed as x - logsumexp(x)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.log_softmax(input, self.dim, _stacklevel=5)


class PReLU(Module):
    """x where x > 0, else a * x, with a learned slope `a`: one for all channels, or one per channel (dim 1).

    Parameters
    ----------
    num_parameters : int
        1, or the number of channels C of input (N, C, *).
    init : float
        The initial slope.
    device, dtype : as for `Linear`

    Attributes
    ----------
    weight : Parameter, shape (num_parameters,)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None, dtype=None) -> None:
        super().__init__()
        self.num_parameters, self.init = num_parameters, init
        self.weight = Parameter(empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Set every slope back to `init`."""
        constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"
