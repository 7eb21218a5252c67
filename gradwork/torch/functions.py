"""PyTorch's tensor functions (`torch.cat`, `torch.max`, `torch.softmax`, ...).

Most are the method of the same name called on the first argument (`torch.sum(x, 1)` is
`x.sum(1)`), so each rule is written once, in `Tensor`; the rest join several tensors.
"""

from __future__ import annotations

import builtins

import numpy as np

from ..ops import elementwise, shape_ops
from ..ops.einsum import einsum as gw_einsum
from ..tensor import Tensor as GwTensor
from ._core import TensorCore, normalize_dim, promote, unwrap
from .tensor import Tensor, as_facade, wrap


def _method(name: str):
    def function(input, *args, **kwargs):
        return getattr(as_facade(input), name)(*args, **kwargs)
    function.__name__ = name
    function.__doc__ = f"`input.{name}(...)`: see `Tensor.{name}`."
    return function


_METHODS = (
    "abs", "all", "amax", "amin", "any", "argmax", "argmin", "bmm", "chunk", "clamp", "clip", "exp", "flatten",
    "gather", "index_select", "log", "log_softmax", "logsumexp", "masked_fill", "matmul", "max", "maximum",
    "mean", "min", "minimum", "mm", "narrow", "neg", "norm", "numel", "permute", "pow", "prod", "relu", "repeat",
    "reshape", "rsqrt", "sigmoid", "sign", "softmax", "split", "sqrt", "square", "squeeze", "std", "sum", "t",
    "tanh", "transpose", "unbind", "unsqueeze", "var", "add", "sub", "mul", "div", "eq", "ne", "lt", "le", "gt",
    "ge", "unflatten", "swapaxes", "swapdims", "subtract", "multiply", "divide", "true_divide",
)
globals().update({name: _method(name) for name in _METHODS})


def _tensors(tensors, name):
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name}(): expected a non-empty list of Tensors")
    parts = [unwrap(as_facade(x)) for x in tensors]
    dtype = parts[0].dtype
    # PyTorch's promotion across them, pair by pair (`builtins.any`: this module's `any` is torch.any)
    if builtins.any(t.dtype != dtype for t in parts):
        first = as_facade(parts[0])
        for other in parts[1:]:
            first = as_facade(promote(first, as_facade(other))[0])
        dtype = first.dtype
    return [t if t.dtype == dtype else shape_ops.astype(t, dtype) for t in parts]


def cat(tensors, dim: int = 0) -> Tensor:
    """The tensors joined along an existing dim `dim` (PyTorch's dtype promotion across them)."""
    parts = _tensors(tensors, "cat")
    return wrap(shape_ops.concatenate(parts, normalize_dim(dim, parts[0].ndim)))


concat = concatenate = cat


def einsum(equation: str, *operands) -> Tensor:
    """Einstein summation of the operands (or of one list of them), as `torch.einsum`: see `gw.einsum`."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = operands[0]
    return wrap(gw_einsum(equation, *_tensors(operands, "einsum")))


def stack(tensors, dim: int = 0) -> Tensor:
    """The tensors (all of one shape) joined along a new dim `dim`."""
    parts = _tensors(tensors, "stack")
    return wrap(shape_ops.stack(parts, normalize_dim(dim, parts[0].ndim + 1)))


def where(condition, input=None, other=None) -> Tensor:
    """`input` where `condition` is True, else `other` (differentiable in both); with only `condition`,
    the indices of its True elements, one tensor per dim."""
    condition = np.asarray(unwrap(condition).data if isinstance(unwrap(condition), GwTensor) else condition)
    if input is None and other is None:
        return tuple(wrap(GwTensor._make(i.astype(np.int64))) for i in np.nonzero(condition))
    a, b = promote(as_facade(input), other)
    return wrap(elementwise.where(condition, a, b))


def is_tensor(obj) -> bool:
    return isinstance(obj, TensorCore)


def numel(input) -> int:
    return as_facade(input).numel()


def allclose(input, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    return bool(np.allclose(as_facade(input).detach().numpy(), as_facade(other).detach().numpy(), rtol, atol,
                            equal_nan))


def equal(input, other) -> bool:
    """True when both have the same shape and elements."""
    a, b = as_facade(input).detach().numpy(), as_facade(other).detach().numpy()
    return a.shape == b.shape and bool(np.array_equal(a, b))


def is_floating_point(input) -> bool:
    return as_facade(input).is_floating_point()


def clone(input) -> Tensor:
    return as_facade(input).clone()


def detach(input) -> Tensor:
    return as_facade(input).detach()
