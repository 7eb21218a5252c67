"""`Tensor`: an n-dimensional array that remembers how it was computed, so gradients can flow back.

The API follows PyTorch (`requires_grad`, `.backward()`, `.grad`, `.detach()`), the shapes and
type promotion follow NumPy (the data is a plain `ndarray`, `.data`). Floats default to float32.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .tensor_data import TensorData, get_default_dtype
from .tensor_data import set_default_dtype as set_default_dtype  # re-exported: gw.set_default_dtype

if TYPE_CHECKING:
    from .autograd.function import Function

def _to_array(data, dtype):
    """`data` as a new ndarray; Python floats become the default dtype, NumPy arrays keep theirs."""
    if isinstance(data, Tensor):
        data = data.data
    if dtype is not None:
        return np.array(data, dtype=dtype)
    arr = np.array(data)
    if arr.dtype == np.float64 and not isinstance(data, (np.ndarray, np.generic)):
        arr = arr.astype(get_default_dtype())
    if arr.dtype.kind not in "biufc":  # object (None, ragged), str, bytes, datetime
        raise TypeError(f"cannot make a Tensor from {type(data).__name__}: the data is not numeric")
    return arr


class Tensor(TensorData):
    """An array with an optional gradient.

    Parameters
    ----------
    data : array_like
        Copied into a new ndarray. Python floats become float32 (the default dtype); a NumPy
        array keeps its dtype (use `dtype=` to convert). `gw.from_numpy` shares memory instead.
    requires_grad : bool
        Record operations on this tensor so `.backward()` can fill its `.grad`. Floats only.
    dtype : numpy dtype, optional

    Examples
    --------
    >>> x = gw.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4., 6.])
    """

    __slots__ = ("grad", "requires_grad", "_fn", "_retains_grad", "__weakref__")
    __array_ufunc__ = None  # NumPy defers `ndarray + Tensor` to Tensor.__radd__
    __hash__ = object.__hash__  # __eq__ is elementwise, identity stays the hash

    def __init__(self, data: ArrayLike, requires_grad: bool = False, dtype: DTypeLike = None) -> None:
        self.data = _to_array(data, dtype)
        self._version_counter = [0]
        self._base = None
        self.grad = None
        self._fn = None
        self._retains_grad = False
        self.requires_grad = False
        self.requires_grad_(requires_grad)

    @staticmethod
    def _make(data, requires_grad=False, fn=None):
        """Wrap an ndarray (no copy): the fast path operations use for their results."""
        t = object.__new__(Tensor)
        t.data = data if type(data) is np.ndarray else np.asarray(data)
        t._version_counter = [0]
        t._base = None
        t.grad = None
        t.requires_grad = requires_grad
        t._fn = fn
        t._retains_grad = False
        return t

    # ----- autograd -------------------------------------------------------------------------
    def backward(self, grad: Tensor | ArrayLike | None = None, retain_graph: bool = False,
                 create_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's `.grad` (and retained non-leaves').

        Parameters
        ----------
        grad : Tensor or array_like, same shape as self, optional
            The gradient of some scalar with respect to self; needed unless self has one element.
        retain_graph : bool
            Keep the graph so `backward` can run through it again.
        create_graph : bool
            Record the backward pass too, for higher-order derivatives.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "this tensor does not require grad and has no graph: create the inputs with "
                "requires_grad=True (and compute it outside gw.no_grad())"
            )
        run_backward([self], [grad], retain_graph=retain_graph or create_graph, create_graph=create_graph)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set `requires_grad` in place and return self."""
        if requires_grad and self.data.dtype.kind not in "fc":
            raise TypeError(f"only floating-point tensors can require gradients, got dtype {self.data.dtype}")
        if not requires_grad and self._fn is not None:
            raise RuntimeError("cannot turn off requires_grad of a computed tensor: use .detach()")
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> Tensor:
        """Keep this non-leaf tensor's gradient in `.grad` after backward (leaves always keep theirs)."""
        if not self.requires_grad:
            raise RuntimeError("cannot retain_grad() on a tensor that does not require grad")
        self._retains_grad = True
        return self

    def detach(self) -> Tensor:
        """A tensor sharing this data (and its version counter: changing one changes the other), cut from the graph."""
        t = Tensor._make(self.data)
        t._view_of(self)
        return t

    def zero_grad(self) -> None:
        """Forget the accumulated gradient (same as `t.grad = None`)."""
        self.grad = None

    @property
    def is_leaf(self) -> bool:
        """True for a tensor made by the user, not computed by a recorded operation."""
        return self._fn is None

    @property
    def grad_fn(self) -> Function | None:
        """The graph node (a `Function`) that computed this tensor, or None for a leaf."""
        return self._fn

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extras = ""
        if self.data.dtype != get_default_dtype():
            extras += f", dtype={self.data.dtype}"
        if self._fn is not None:
            extras += f", grad_fn={self._fn!r}"
        elif self.requires_grad:
            extras += ", requires_grad=True"
        return f"tensor({body}{extras})"

    # ----- operators: NumPy broadcasting and type promotion (ops/arithmetic.py) -------------------
    __add__ = lambda self, other: arithmetic.Add()(self, other)
    __radd__ = lambda self, other: arithmetic.Add()(other, self)
    __sub__ = lambda self, other: arithmetic.Sub()(self, other)
    __rsub__ = lambda self, other: arithmetic.Sub()(other, self)
    __mul__ = lambda self, other: arithmetic.Mul()(self, other)
    __rmul__ = lambda self, other: arithmetic.Mul()(other, self)
    __truediv__ = lambda self, other: arithmetic.Div()(self, other)
    __rtruediv__ = lambda self, other: arithmetic.Div()(other, self)
    __pow__ = lambda self, other: arithmetic.Pow()(self, other)
    __rpow__ = lambda self, other: arithmetic.Pow()(other, self)
    __matmul__ = lambda self, other: arithmetic.matmul(self, other)
    __rmatmul__ = lambda self, other: arithmetic.matmul(other, self)
    __neg__ = lambda self: arithmetic.Neg()(self)
    __pos__ = lambda self: self
    __getitem__ = lambda self, index: shape_ops.GetItem(index)(self)

    # comparisons give boolean tensors and no gradient
    __lt__ = lambda self, other: Tensor._make(self.data < _data(other))
    __le__ = lambda self, other: Tensor._make(self.data <= _data(other))
    __gt__ = lambda self, other: Tensor._make(self.data > _data(other))
    __ge__ = lambda self, other: Tensor._make(self.data >= _data(other))
    __eq__ = lambda self, other: Tensor._make(self.data == _data(other))
    __ne__ = lambda self, other: Tensor._make(self.data != _data(other))

    # ----- shape: method forms of the functions in ops/shape_ops.py -------------------------------
    def reshape(self, *shape: int | tuple[int, ...]) -> Tensor:
        """The same data in a new shape of the same size: `t.reshape(2, -1)` or `t.reshape((2, -1))`."""
        return shape_ops.reshape(
            self, shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape
        )

    view = reshape

    def flatten(self, start_axis: int = 0) -> Tensor:
        """The axes from `start_axis` on merged into one, as `gw.flatten`."""
        return shape_ops.flatten(self, start_axis)

    def transpose(self, *axes: int | tuple[int, ...]) -> Tensor:
        """The axes permuted (`t.transpose(1, 0, 2)` or a tuple), or reversed without arguments."""
        return shape_ops.transpose(
            self, axes[0] if len(axes) == 1 and not isinstance(axes[0], int) else axes or None
        )

    @property
    def T(self) -> Tensor:
        """The axes reversed: the transpose of a matrix."""
        return shape_ops.transpose(self)

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        """Two axes exchanged."""
        return shape_ops.swapaxes(self, axis1, axis2)

    def squeeze(self, axis: int | tuple[int, ...] | None = None) -> Tensor:
        """The axes of length 1 dropped (all, or those in `axis`)."""
        return shape_ops.squeeze(self, axis)

    def expand_dims(self, axis: int) -> Tensor:
        """An axis of length 1 inserted at `axis` (`unsqueeze` is the same)."""
        return shape_ops.expand_dims(self, axis)

    unsqueeze = expand_dims

    def broadcast_to(self, shape: tuple[int, ...]) -> Tensor:
        """Repeated to `shape` by broadcasting (a read-only view)."""
        return shape_ops.broadcast_to(self, shape)

    def astype(self, dtype: DTypeLike) -> Tensor:
        """Converted to `dtype` (self if it has it); the gradient is converted back."""
        return shape_ops.astype(self, dtype)

    def float(self) -> Tensor:
        """Converted to float32."""
        return shape_ops.astype(self, np.float32)

    def double(self) -> Tensor:
        """Converted to float64."""
        return shape_ops.astype(self, np.float64)

    # ----- reductions over `axis` (None: all), as the functions in ops/reduction.py ---------------
    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """Sum of the elements over `axis`."""
        return reduction.sum(self, axis, keepdims)

    def mean(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """Arithmetic mean over `axis`."""
        return reduction.mean(self, axis, keepdims)

    def var(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Variance over `axis`, divided by N - ddof (0: biased, as NumPy; `torch.var` uses 1)."""
        return reduction.var(self, axis, keepdims, ddof)

    def std(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Standard deviation over `axis` (ddof as in `var`)."""
        return reduction.std(self, axis, keepdims, ddof)

    def max(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """Largest element over `axis` (ties share the gradient)."""
        return reduction.max(self, axis, keepdims)

    def min(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """Smallest element over `axis` (ties share the gradient)."""
        return reduction.min(self, axis, keepdims)

    def logsumexp(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """log(sum(exp(self))) over `axis`, without overflow."""
        return reduction.logsumexp(self, axis, keepdims)

    def argmax(self, axis: int | None = None) -> Tensor:
        """The index of the largest element along `axis` (of the flattened data if None); no gradient."""
        return Tensor._make(np.argmax(self.data, axis=axis))

    def argmin(self, axis: int | None = None) -> Tensor:
        """The index of the smallest element along `axis` (of the flattened data if None); no gradient."""
        return Tensor._make(np.argmin(self.data, axis=axis))

    # ----- elementwise, same shape as self (ops/elementwise.py) ----------------------------------
    def exp(self) -> Tensor:
        """e^self."""
        return elementwise.Exp()(self)

    def log(self) -> Tensor:
        """The natural logarithm."""
        return elementwise.Log()(self)

    def sqrt(self) -> Tensor:
        """The square root."""
        return elementwise.Sqrt()(self)

    def abs(self) -> Tensor:
        """|self| (the gradient at 0 is 0)."""
        return elementwise.Abs()(self)

    __abs__ = abs

    # The activations below are the kernels of `gw.tanh`, `gw.sigmoid` and `gw.nn.functional.relu`
    # (also behind `gw.activations`): one formula each, in `ops/elementwise.py`.
    def tanh(self) -> Tensor:
        """The hyperbolic tangent."""
        return elementwise.tanh(self)

    def sigmoid(self) -> Tensor:
        """1 / (1 + e^-self), without overflow."""
        return elementwise.sigmoid(self)

    def relu(self) -> Tensor:
        """max(self, 0) (the gradient at 0 is 0)."""
        return elementwise.ReLU()(self)

    def clip(self, min: float | None = None, max: float | None = None) -> Tensor:
        """Clamped into [min, max], either bound None for none; `clamp` is the same."""
        return elementwise.Clip(min, max)(self)

    clamp = clip

    def maximum(self, other: Tensor | ArrayLike) -> Tensor:
        """The elementwise larger of self and other (broadcast together)."""
        return elementwise.maximum(self, other)

    def minimum(self, other: Tensor | ArrayLike) -> Tensor:
        """The elementwise smaller of self and other (broadcast together)."""
        return elementwise.minimum(self, other)

    # ----- in place, with PyTorch's rules (ops/inplace.py); each returns self -------------------
    def add_(self, other: Tensor | ArrayLike) -> Tensor:
        """self + other, written into self (`t += other` is the same); other broadcasts to self's shape."""
        return inplace.add_(self, other)

    def sub_(self, other: Tensor | ArrayLike) -> Tensor:
        """self - other, written into self (`t -= other`)."""
        return inplace.sub_(self, other)

    def mul_(self, other: Tensor | ArrayLike) -> Tensor:
        """self * other, written into self (`t *= other`)."""
        return inplace.mul_(self, other)

    def div_(self, other: Tensor | ArrayLike) -> Tensor:
        """self / other, written into self (`t /= other`)."""
        return inplace.div_(self, other)

    __iadd__, __isub__, __imul__, __itruediv__ = add_, sub_, mul_, div_

    def clamp_(self, min: float | None = None, max: float | None = None) -> Tensor:
        """Clamped into [min, max] in place, either bound None for none; `clip_` is the same."""
        return inplace.clamp_(self, min, max)

    clip_ = clamp_

    def relu_(self) -> Tensor:
        """max(self, 0) in place."""
        return inplace.relu_(self)

    def zero_(self) -> Tensor:
        """Every element set to 0."""
        return inplace.zero_(self)

    def fill_(self, value: float | Tensor) -> Tensor:
        """Every element set to `value`, a number or a 0-d tensor."""
        return inplace.fill_(self, value)

    def copy_(self, src: Tensor | ArrayLike) -> Tensor:
        """src's values written into self: src broadcasts to self's shape and is cast to self's dtype."""
        return inplace.copy_(self, src)

    def __setitem__(self, index, value: Tensor | ArrayLike) -> Tensor:
        """`t[index] = value`, NumPy's indexing (slices, Ellipsis, integer arrays, boolean masks)."""
        return inplace.setitem(self, index, value)


def _data(x):
    return x.data if isinstance(x, Tensor) else x


def as_array(x: Tensor | ArrayLike, dtype: DTypeLike | None = None) -> np.ndarray:
    """`x` as an ndarray of its shape: a Tensor's own data or an ndarray itself (no copy unless
    `dtype` casts it), anything else through `np.asarray`. For code that reads values, not gradients."""
    x = x.data if isinstance(x, Tensor) else x
    return np.asarray(x) if dtype is None else np.asarray(x, dtype=dtype)


def tensor(data: ArrayLike, requires_grad: bool = False, dtype: DTypeLike = None) -> Tensor:
    """A new Tensor holding a copy of `data`, of any shape (as `torch.tensor`); the arguments as `Tensor`'s."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A Tensor sharing memory with `array` (as `torch.from_numpy`): same shape and dtype, no copy."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy expects an ndarray, got {type(array).__name__}")
    return Tensor._make(array)


def as_tensor(x: Tensor | ArrayLike) -> Tensor:
    """x if it is a Tensor, else a constant Tensor of x's shape wrapping it (no copy for ndarrays)."""
    if isinstance(x, Tensor):
        return x
    arr = np.asarray(x)
    if arr.dtype == np.float64 and not isinstance(x, (np.ndarray, np.generic)):
        arr = arr.astype(get_default_dtype())
    return Tensor._make(arr)


# The one place the tensor core's import cycle is tied: Tensor's methods call the engine and the ops,
# and those modules import Tensor at their top, which works because Tensor is defined by now (the
# package imports this module before any other).
from .autograd.engine import run_backward  # noqa: E402
from .ops import arithmetic, elementwise, inplace, reduction, shape_ops  # noqa: E402
