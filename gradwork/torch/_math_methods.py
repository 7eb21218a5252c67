"""The facade Tensor's arithmetic, elementwise functions and reductions, in PyTorch's terms.

Every method is one call into a gradwork operation (`gradwork/ops/`, `gradwork/nn/functional/`);
what is translated: `dim`/`keepdim` for `axis`/`keepdims`, PyTorch's dtype promotion (`promote`),
`std`/`var`'s unbiased default, and `max(dim)`/`min(dim)` returning (values, indices).
"""

from __future__ import annotations

import operator
from collections import namedtuple

import numpy as np

from ..nn import functional as gw_functional
from ..ops import arithmetic, elementwise, reduction
from ..ops.shape_ops import astype
from ..tensor import Tensor as GwTensor
from ._core import TensorCore, normalize_dim, promote, unwrap
from .dtypes import dtype_of

# What `x.max(dim)` returns, as PyTorch's `torch.return_types.max`: unpacks as (values, indices).
MinMax = namedtuple("MinMax", ["values", "indices"])


def dims_of(dim, ndim: int) -> tuple[int, ...] | None:
    """A `dim` argument (None, an int or a sequence of ints) as gradwork's axis tuple (None for all)."""
    if dim is None:
        return None
    dims = tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
    return tuple(normalize_dim(d, ndim) for d in dims)


def _binary(function, true_divide=False):
    def method(self, other):
        return self._result(function(*promote(self, other, true_divide)))
    return method


def _reflected(function, true_divide=False):
    def method(self, other):
        return self._result(function(*promote(other, self, true_divide)))
    return method


def _compare(ufunc):
    def method(self, other):
        other = unwrap(other)
        other = other.data if isinstance(other, GwTensor) else other
        return self._result(GwTensor._make(ufunc(self._t.data, other)))
    return method


def _floor_divide(a, b):
    """Floor division: no gradient in PyTorch either (its derivative is zero almost everywhere)."""
    a, b = (x.data if isinstance(x, GwTensor) else x for x in (a, b))
    return GwTensor._make(np.floor_divide(a, b))


class MathMethods(TensorCore):
    __slots__ = ()

    __add__, __radd__ = _binary(operator.add), _reflected(operator.add)
    __sub__, __rsub__ = _binary(operator.sub), _reflected(operator.sub)
    __mul__, __rmul__ = _binary(operator.mul), _reflected(operator.mul)
    __truediv__ = _binary(operator.truediv, true_divide=True)
    __rtruediv__ = _reflected(operator.truediv, true_divide=True)
    __floordiv__, __rfloordiv__ = _binary(_floor_divide), _reflected(_floor_divide)
    __pow__, __rpow__ = _binary(operator.pow), _reflected(operator.pow)
    __matmul__ = _binary(arithmetic.matmul)
    __rmatmul__ = _reflected(arithmetic.matmul)
    __lt__, __le__ = _compare(np.less), _compare(np.less_equal)
    __gt__, __ge__ = _compare(np.greater), _compare(np.greater_equal)
    __eq__, __ne__ = _compare(np.equal), _compare(np.not_equal)
    __hash__ = object.__hash__  # __eq__ is elementwise, identity stays the hash
    add, sub, mul, div, pow, matmul = __add__, __sub__, __mul__, __truediv__, __pow__, __matmul__
    subtract, multiply, divide, true_divide = sub, mul, div, div
    lt, le, gt, ge, eq, ne = __lt__, __le__, __gt__, __ge__, __eq__, __ne__
    mm = bmm = matmul

    def __neg__(self):
        return self._result(-self._t)

    neg = negative = __neg__

    def __pos__(self):
        return self

    def __abs__(self):
        return self._result(elementwise.abs(self._t))

    abs = __abs__

    # ----- elementwise ----------------------------------------------------------------------------
    def _float(self):
        """Self's gradwork tensor, integers converted to the default float (as PyTorch's exp(int))."""
        t = self._t
        return t if t.dtype.kind == "f" else astype(t, np.float32)

    exp = lambda self: self._result(elementwise.exp(self._float()))  # noqa: E731
    log = lambda self: self._result(elementwise.log(self._float()))  # noqa: E731
    sqrt = lambda self: self._result(elementwise.sqrt(self._float()))  # noqa: E731
    rsqrt = lambda self: self._result(1.0 / elementwise.sqrt(self._float()))  # noqa: E731
    tanh = lambda self: self._result(elementwise.tanh(self._float()))  # noqa: E731
    sigmoid = lambda self: self._result(elementwise.sigmoid(self._float()))  # noqa: E731
    relu = lambda self: self._result(gw_functional.relu(self._t))  # noqa: E731
    square = lambda self: self * self  # noqa: E731
    sign = lambda self: self._result(self._t._make(np.sign(self._t.data)))  # noqa: E731

    def clamp(self, min: float | None = None, max: float | None = None):
        """Each element limited to [min, max] (either None for no bound)."""
        if min is None and max is None:
            raise RuntimeError("clamp: at least one of 'min' or 'max' must not be None")
        return self._result(elementwise.clip(self._t, unwrap(min), unwrap(max)))

    clip = clamp

    def clamp_min(self, min: float):
        return self.clamp(min=min)

    def clamp_max(self, max: float):
        return self.clamp(max=max)

    def maximum(self, other):
        return self._result(elementwise.maximum(*promote(self, other)))

    def minimum(self, other):
        return self._result(elementwise.minimum(*promote(self, other)))

    def softmax(self, dim: int):
        return self._result(gw_functional.softmax(self._t, normalize_dim(dim, self._t.ndim)))

    def log_softmax(self, dim: int):
        return self._result(gw_functional.log_softmax(self._t, normalize_dim(dim, self._t.ndim)))

    def masked_fill(self, mask, value: float):
        """`value` where `mask` is True, self elsewhere."""
        return self._result(elementwise.where(unwrap(mask).data, np.asarray(unwrap(value), self._t.dtype), self._t))

    # ----- reductions -----------------------------------------------------------------------------
    def sum(self, dim=None, keepdim: bool = False, dtype=None):
        t = self._t if dtype is None else astype(self._t, dtype_of(dtype))
        if t.dtype.kind in "bu" or t.dtype.kind == "i" and dtype is None:
            t = astype(t, np.int64)  # PyTorch sums integers and bools as int64
        return self._result(reduction.sum(t, dims_of(dim, t.ndim), keepdim))

    def mean(self, dim=None, keepdim: bool = False, dtype=None):
        t = self._t if dtype is None else astype(self._t, dtype_of(dtype))
        if t.dtype.kind != "f":
            raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be floating point, "
                               f"got {t.dtype}: use .float() first")
        return self._result(reduction.mean(t, dims_of(dim, t.ndim), keepdim))

    def var(self, dim=None, unbiased: bool | None = None, keepdim: bool = False, *, correction=None):
        """Variance over `dim`, divided by N - correction (PyTorch's default 1: unbiased)."""
        ddof = correction if correction is not None else 0 if unbiased is False else 1
        return self._result(reduction.var(self._float(), dims_of(dim, self._t.ndim), keepdim, ddof))

    def std(self, dim=None, unbiased: bool | None = None, keepdim: bool = False, *, correction=None):
        return self.var(dim, unbiased, keepdim, correction=correction) ** 0.5

    def logsumexp(self, dim, keepdim: bool = False):
        return self._result(reduction.logsumexp(self._float(), dims_of(dim, self._t.ndim), keepdim))

    def norm(self, p=2, dim=None, keepdim: bool = False):
        """The p-norm over `dim` (all elements if None): p = 2 (default), 1 or float('inf')."""
        absolute = self.abs()
        if p == float("inf"):
            return absolute.amax(dim, keepdim)
        return (absolute ** p).sum(dim, keepdim) ** (1.0 / p)

    def prod(self, dim=None, keepdim: bool = False):
        """The product over `dim` (as exp of a sum of logs is not exact, this multiplies slices)."""
        if dim is None:
            return self.reshape(-1).prod(0)
        pieces = self.unbind(dim)
        result = pieces[0]
        for piece in pieces[1:]:
            result = result * piece
        return result.unsqueeze(dim) if keepdim else result

    def amax(self, dim=None, keepdim: bool = False):
        """The largest value over `dim`; tied maxima share the gradient (as `torch.amax`)."""
        return self._result(reduction.max(self._t, dims_of(dim, self._t.ndim) or None, keepdim))

    def amin(self, dim=None, keepdim: bool = False):
        return self._result(reduction.min(self._t, dims_of(dim, self._t.ndim) or None, keepdim))

    def _extreme(self, pick, dim, keepdim, other, name):
        if other is not None or isinstance(dim, TensorCore):
            other = dim if other is None else other
            return self.maximum(other) if name == "max" else self.minimum(other)
        if dim is None:
            return self.amax() if name == "max" else self.amin()
        dim = normalize_dim(dim, self._t.ndim)
        indices = np.expand_dims(pick(self._t.data, axis=dim), dim)
        values = self.gather(dim, indices)  # the gradient goes to the one index picked, as PyTorch's
        if not keepdim:
            values, indices = values.squeeze(dim), np.squeeze(indices, dim)
        return MinMax(values, self._result(GwTensor._make(indices.astype(np.int64))))

    def max(self, dim=None, keepdim: bool = False, other=None):
        """The largest element; with `dim`, (values, indices) along it; with a tensor, the elementwise max."""
        return self._extreme(np.argmax, dim, keepdim, other, "max")

    def min(self, dim=None, keepdim: bool = False, other=None):
        """The smallest element; with `dim`, (values, indices) along it; with a tensor, the elementwise min."""
        return self._extreme(np.argmin, dim, keepdim, other, "min")

    def argmax(self, dim: int | None = None, keepdim: bool = False):
        """The index of the largest element (of the flattened tensor if `dim` is None); int64, no gradient."""
        return self._index_of(np.argmax, dim, keepdim)

    def argmin(self, dim: int | None = None, keepdim: bool = False):
        return self._index_of(np.argmin, dim, keepdim)

    def _index_of(self, pick, dim, keepdim):
        data = self._t.data
        if dim is None:
            found = np.asarray(pick(data))
            found = found.reshape((1,) * data.ndim) if keepdim else found
        else:
            found = pick(data, axis=normalize_dim(dim, data.ndim), keepdims=keepdim)
        return self._result(self._t._make(np.asarray(found, dtype=np.int64)))

    def all(self, dim=None, keepdim: bool = False):
        return self._result(self._t._make(np.all(self._t.data, axis=dims_of(dim, self._t.ndim), keepdims=keepdim)))

    def any(self, dim=None, keepdim: bool = False):
        return self._result(self._t._make(np.any(self._t.data, axis=dims_of(dim, self._t.ndim), keepdims=keepdim)))
