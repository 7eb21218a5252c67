"""`gradwork.torch.Tensor`: PyTorch's tensor API over a gradwork Tensor.

A facade tensor holds one gradwork `Tensor` (`_t`), which the engine records and differentiates;
this class only translates names and conventions. Shape methods live in `_shape_methods.py`,
arithmetic and reductions in `_math_methods.py`. In-place operations (`add_`, `+=`, `x[i] = v`)
are gradwork's own, with PyTorch's rules: in place under `no_grad`, an error on a leaf that
requires grad, and a version counter that makes `backward()` refuse a tensor changed after use.
"""

from __future__ import annotations

import operator

import numpy as np

from ..ops import elementwise
from ..ops.inplace import apply_
from ..ops.shape_ops import Cast, astype
from ..tensor import Tensor as GwTensor
from ..tensor import get_default_dtype
from ._missing import missing
from ._core import CPU, TensorCore, as_index, check_device, device, unwrap
from ._math_methods import MathMethods
from ._shape_methods import ShapeMethods, sizes_of
from .dtypes import dtype_of, legacy_type_name


class Size(tuple):
    """A shape, as `torch.Size`: a tuple of ints that also knows its number of elements."""

    def numel(self) -> int:
        return int(np.prod(self, dtype=np.int64))

    def __repr__(self):
        return f"torch.Size({list(self)})"


def wrap(t: GwTensor) -> Tensor:
    """A facade tensor standing for the gradwork Tensor `t` (no copy)."""
    result = object.__new__(Tensor)
    result._t = t
    return result


def new_tensor(data, dtype=None, requires_grad: bool = False) -> Tensor:
    """A facade tensor holding a copy of `data`, with PyTorch's dtype rules (floats float32, ints int64)."""
    data = unwrap(data)
    dtype = dtype_of(dtype)
    if dtype is None:
        array = np.array(data.data if isinstance(data, GwTensor) else data)
        if array.dtype.kind == "f" and not isinstance(data, (np.ndarray, np.generic, GwTensor)):
            array = array.astype(get_default_dtype())
        elif array.dtype.kind in "iu" and not isinstance(data, (np.ndarray, np.generic, GwTensor)):
            array = array.astype(np.int64)
    else:
        array = np.array(data.data if isinstance(data, GwTensor) else data, dtype=dtype)
    return wrap(GwTensor(array, requires_grad=requires_grad))


class Tensor(ShapeMethods, MathMethods, TensorCore):
    """A tensor with PyTorch's methods and names; `torch.tensor(data)` is the usual way to make one.

    `Tensor(data)` makes a float32 tensor of `data` (PyTorch's legacy constructor); `Tensor(2, 3)`
    one of that shape (filled with zeros: gradwork has no uninitialized memory).

    Examples
    --------
    >>> x = torch.tensor([[1.0, 2.0]], requires_grad=True)
    >>> (x @ x.t()).sum().backward()
    >>> x.grad
    tensor([[2., 4.]])
    """

    __slots__ = ()
    __array_ufunc__ = None  # NumPy defers `ndarray + tensor` to Tensor.__radd__

    def __init__(self, *data) -> None:
        if data and all(isinstance(d, (int, np.integer)) for d in data):
            self._t = GwTensor(np.zeros(sizes_of(data), dtype=get_default_dtype()))
        else:
            self._t = GwTensor(np.asarray(unwrap(data[0]) if data else [], dtype=get_default_dtype()))

    def _result(self, t: GwTensor) -> Tensor:
        return wrap(t)

    # ----- autograd -------------------------------------------------------------------------------
    requires_grad = property(lambda self: self._t.requires_grad, lambda self, value: self.requires_grad_(value),
                             doc="Whether operations on this tensor are recorded for backward().")
    is_leaf = property(lambda self: self._t.is_leaf, doc="True unless computed by a recorded operation.")
    retains_grad = property(lambda self: self._t._retains_grad, doc="Whether retain_grad() keeps a non-leaf's grad.")
    grad_fn = property(lambda self: self._t.grad_fn, doc="The operation that computed this tensor, or None.")
    _version = property(lambda self: self._t._version, doc="How often the data was changed in place.")

    @property
    def grad(self) -> Tensor | None:
        """The gradient accumulated by backward(), or None."""
        return None if self._t.grad is None else wrap(self._t.grad)

    @grad.setter
    def grad(self, value) -> None:
        value = unwrap(value)
        if value is not None and (not isinstance(value, GwTensor) or value.shape != self._t.shape):
            raise RuntimeError(f"assigned grad must be a tensor of shape {self.shape}, got "
                               f"{getattr(value, 'shape', type(value).__name__)}")
        self._t.grad = value

    @property
    def data(self) -> Tensor:
        """The same values as a tensor outside the graph (shares memory with self)."""
        return wrap(self._t.detach())

    @data.setter
    def data(self, value) -> None:
        value = unwrap(value)
        self._t.data = value.data if isinstance(value, GwTensor) else np.asarray(value)

    def backward(self, gradient=None, retain_graph: bool | None = None, create_graph: bool = False,
                 inputs=None) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's `.grad`; `gradient` weights a non-scalar self."""
        if inputs is not None:
            raise RuntimeError("gradwork.torch does not provide backward(inputs=...): use torch.autograd.grad")
        self._t.backward(unwrap(gradient), bool(retain_graph or create_graph), create_graph)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        self._t.requires_grad_(requires_grad)
        return self

    def retain_grad(self) -> None:
        self._t.retain_grad()

    def detach(self) -> Tensor:
        """A tensor sharing this data, cut from the graph."""
        return wrap(self._t.detach())

    def detach_(self) -> Tensor:
        """Cut self from the graph, in place (it becomes a leaf that does not require grad)."""
        self._t = self._t.detach()
        return self

    def clone(self) -> Tensor:
        """A copy with its own memory; gradients flow back to self."""
        return wrap(Cast(self._t.dtype)(self._t))

    # ----- facts ----------------------------------------------------------------------------------
    shape = property(lambda self: Size(self._t.shape), doc="The size of each dim, a torch.Size.")
    dtype = property(lambda self: self._t.dtype, doc="The element type (a NumPy dtype).")
    ndim = property(lambda self: self._t.ndim, doc="The number of dims.")
    device = property(lambda self: CPU, doc="Always the CPU.")
    is_cuda = False

    def size(self, dim: int | None = None):
        """The shape (a torch.Size), or the size of dim `dim`."""
        return self.shape if dim is None else self._t.shape[dim]

    def dim(self) -> int:
        return self._t.ndim

    ndimension = dim

    def numel(self) -> int:
        return int(self._t.data.size)

    nelement = numel

    def element_size(self) -> int:
        return self._t.dtype.itemsize

    def is_floating_point(self) -> bool:
        return self._t.dtype.kind == "f"

    def is_contiguous(self) -> bool:
        return bool(self._t.data.flags.c_contiguous)

    def contiguous(self) -> Tensor:
        return self if self.is_contiguous() else self.clone()

    def item(self):
        return self._t.item()

    def tolist(self):
        return self._t.tolist()

    def numpy(self, force: bool = False) -> np.ndarray:
        """The data as an ndarray sharing memory; refused while the tensor requires grad (as PyTorch)."""
        if self._t.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._t.data

    def __array__(self, dtype=None, copy=None):
        array = self.numpy()
        array = array if dtype is None else array.astype(dtype, copy=False)
        return array.copy() if copy else array

    # ----- conversion -----------------------------------------------------------------------------
    def to(self, *args, **kwargs) -> Tensor:
        """Converted to a dtype (`x.to(torch.float64)`), a device ("cpu" only) or another tensor's dtype."""
        dtype = kwargs.pop("dtype", None)
        check_device(kwargs.pop("device", None))
        kwargs.pop("non_blocking", None)
        kwargs.pop("copy", None)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for arg in args:
            if isinstance(arg, TensorCore):
                dtype = arg.dtype
            elif isinstance(arg, (str, device)):
                check_device(arg)
            else:
                dtype = arg
        return self.type(dtype) if dtype is not None else self

    def cpu(self) -> Tensor:
        return self

    def cuda(self, *args, **kwargs):
        check_device("cuda")

    def type(self, dtype=None):
        """The legacy type string ("torch.FloatTensor") without an argument, else converted to `dtype`."""
        if dtype is None:
            return legacy_type_name(self._t.dtype)
        dtype = dtype_of(dtype)
        return self if dtype == self._t.dtype else wrap(astype(self._t, dtype))

    def type_as(self, other) -> Tensor:
        return self.type(other.dtype)

    float = lambda self: self.type(np.float32)  # noqa: E731
    double = lambda self: self.type(np.float64)  # noqa: E731
    half = lambda self: self.type(np.float16)  # noqa: E731
    long = lambda self: self.type(np.int64)  # noqa: E731
    int = lambda self: self.type(np.int32)  # noqa: E731
    short = lambda self: self.type(np.int16)  # noqa: E731
    byte = lambda self: self.type(np.uint8)  # noqa: E731
    bool = lambda self: self.type(np.bool_)  # noqa: E731

    # ----- new tensors of self's dtype, and tests of the values -----------------------------------
    def new_tensor(self, data, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
        return new_tensor(data, dtype or self._t.dtype, requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
        return new_tensor(np.full(sizes_of((size,)), fill_value), dtype or self._t.dtype, requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
        return self.new_full(sizes_of(size), 0, dtype, device, requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
        return self.new_full(sizes_of(size), 1, dtype, device, requires_grad)

    new_empty = new_zeros  # no uninitialized memory in gradwork

    isnan = lambda self: wrap(GwTensor._make(np.isnan(self._t.data)))  # noqa: E731
    isinf = lambda self: wrap(GwTensor._make(np.isinf(self._t.data)))  # noqa: E731
    isfinite = lambda self: wrap(GwTensor._make(np.isfinite(self._t.data)))  # noqa: E731

    # ----- in place: gradwork's in-place operations, which apply PyTorch's rules ------------------
    def add_(self, other, alpha: float = 1) -> Tensor:
        self._t.add_(unwrap(other) if alpha == 1 else unwrap(other) * alpha)
        return self

    def sub_(self, other, alpha: float = 1) -> Tensor:
        self._t.sub_(unwrap(other) if alpha == 1 else unwrap(other) * alpha)
        return self

    def mul_(self, other) -> Tensor:
        self._t.mul_(unwrap(other))
        return self

    def div_(self, other) -> Tensor:
        self._t.div_(unwrap(other))
        return self

    def zero_(self) -> Tensor:
        self._t.zero_()
        return self

    def fill_(self, value) -> Tensor:
        self._t.fill_(unwrap(value))
        return self

    def clamp_(self, min=None, max=None) -> Tensor:
        self._t.clamp_(unwrap(min), unwrap(max))
        return self

    clip_ = clamp_

    def _apply_(self, name: str, function) -> Tensor:
        """self replaced by `function(self)` (elementwise, on gradwork Tensors), in place."""
        apply_(self._t, name, function)
        return self

    relu_ = lambda self: self._apply_("relu_", elementwise.ReLU())  # noqa: E731
    sigmoid_ = lambda self: self._apply_("sigmoid_", elementwise.sigmoid)  # noqa: E731
    tanh_ = lambda self: self._apply_("tanh_", elementwise.tanh)  # noqa: E731
    exp_ = lambda self: self._apply_("exp_", elementwise.exp)  # noqa: E731
    neg_ = lambda self: self._apply_("neg_", operator.neg)  # noqa: E731
    pow_ = lambda self, exponent: self._apply_("pow_", lambda t: t ** unwrap(exponent))  # noqa: E731
    clamp_min_ = lambda self, min: self.clamp_(min=min)  # noqa: E731
    clamp_max_ = lambda self, max: self.clamp_(max=max)  # noqa: E731

    def masked_fill_(self, mask, value) -> Tensor:
        """`value` written where `mask` is True."""
        self._t[as_index(mask)] = unwrap(value)
        return self

    def copy_(self, src) -> Tensor:
        self._t.copy_(unwrap(src))
        return self

    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)

    def __getattr__(self, name: str):
        raise missing("torch.Tensor", name)  # only reached for names the class does not have

    # ----- Python protocol ------------------------------------------------------------------------
    def __bool__(self) -> bool:
        if self._t.data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous (shape {self.shape})")
        return bool(self._t.data)

    __float__ = lambda self: float(self.item())  # noqa: E731

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self._t.dtype.kind not in "iub" or self._t.data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __format__(self, spec: str) -> str:
        return format(self.item(), spec) if self._t.ndim == 0 and spec else format(repr(self), spec)

    def __repr__(self) -> str:
        text = GwTensor.__repr__(self._t)  # gradwork's form, with PyTorch's spelling of the dtype
        if self._t.dtype == np.int64:  # PyTorch's default integer type goes unsaid, as float32 does
            return text.replace(", dtype=int64", "")
        return text.replace("dtype=", "dtype=torch.")

    def __deepcopy__(self, memo) -> Tensor:
        """A leaf with a copy of the data (and of .grad), as `copy.deepcopy` of a PyTorch tensor (modules
        are deep-copied this way: `TransformerEncoder` copies its layer); pickling stays refused."""
        if not self._t.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment")
        copied = self._copy_leaf(self._t.data.copy())
        if self._t.grad is not None:
            copied._t.grad = GwTensor(self._t.grad.data.copy())
        memo[id(self)] = copied
        return copied

    def _copy_leaf(self, array: np.ndarray) -> Tensor:
        """A leaf of this tensor's kind holding `array` (Parameter overrides it)."""
        return wrap(GwTensor(array, requires_grad=self._t.requires_grad))

    def __reduce_ex__(self, protocol):
        raise TypeError("gradwork.torch tensors are not pickled: save them with torch.save (npz, no pickle)")


def as_facade(x, dtype=None) -> Tensor:
    """x as a facade tensor: itself if it is one, a gradwork Tensor wrapped, anything else copied."""
    if isinstance(x, Tensor) and dtype is None:
        return x
    if isinstance(x, GwTensor) and dtype is None:
        return wrap(x)
    return new_tensor(x, dtype) if not isinstance(x, Tensor) else x.type(dtype)


__all__ = ["Size", "Tensor", "as_facade", "new_tensor", "wrap"]
