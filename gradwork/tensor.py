"""`Tensor`: an n-dimensional array that remembers how it was computed, so gradients can flow back.

The API follows PyTorch (`requires_grad`, `.backward()`, `.grad`, `.detach()`), the shapes and
type promotion follow NumPy (the data is a plain `ndarray`, `.data`). Floats default to float32.
"""

import numpy as np

_default_dtype = np.dtype(np.float32)


def get_default_dtype():
    """The dtype given to floating-point data that does not name one (float32 unless changed)."""
    return _default_dtype


def set_default_dtype(dtype):
    """Change the dtype for new floating-point tensors (and parameters): float32 or float64."""
    global _default_dtype
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"default dtype must be a floating-point type, got {dtype}")
    _default_dtype = dtype


def _to_array(data, dtype):
    """`data` as a new ndarray; Python floats become the default dtype, NumPy arrays keep theirs."""
    if isinstance(data, Tensor):
        data = data.data
    if dtype is not None:
        return np.array(data, dtype=dtype)
    arr = np.array(data)
    if arr.dtype == np.float64 and not isinstance(data, (np.ndarray, np.generic)):
        arr = arr.astype(_default_dtype)
    if arr.dtype.kind not in "biufc":  # object (None, ragged), str, bytes, datetime
        raise TypeError(f"cannot make a Tensor from {type(data).__name__}: the data is not numeric")
    return arr


class Tensor:
    """An array with an optional gradient.

    Parameters
    ----------
    data : array_like
        Copied into a new ndarray. Python floats become float32 (the default dtype); a NumPy
        array keeps its dtype (use `dtype=` to convert). `gw.from_numpy` shares memory instead.
    requires_grad : bool
        Record operations on this tensor so `.backward()` can fill its `.grad`. Floats only.
    dtype : numpy dtype, optional

    >>> x = gw.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4., 6.])
    """

    __slots__ = ("data", "grad", "requires_grad", "_fn", "_retains_grad", "__weakref__")
    __array_ufunc__ = None  # NumPy defers `ndarray + Tensor` to Tensor.__radd__
    __hash__ = object.__hash__  # __eq__ is elementwise, identity stays the hash

    def __init__(self, data, requires_grad=False, dtype=None):
        self.data = _to_array(data, dtype)
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
        t.grad = None
        t.requires_grad = requires_grad
        t._fn = fn
        t._retains_grad = False
        return t

    # ----- autograd -------------------------------------------------------------------------
    def backward(self, grad=None, retain_graph=False, create_graph=False):
        """Accumulate d(self)/d(leaf) into every leaf's `.grad`.

        grad : the gradient of some scalar with respect to `self` (needed unless `self` is a scalar).
        retain_graph : keep the graph so `backward` can run through it again.
        create_graph : record the backward pass too, for higher-order derivatives.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "this tensor does not require grad and has no graph: create the inputs with "
                "requires_grad=True (and compute it outside gw.no_grad())"
            )
        run_backward([self], [grad], retain_graph=retain_graph or create_graph, create_graph=create_graph)

    def requires_grad_(self, requires_grad=True):
        """Set `requires_grad` in place and return self."""
        if requires_grad and self.data.dtype.kind not in "fc":
            raise TypeError(f"only floating-point tensors can require gradients, got dtype {self.data.dtype}")
        if not requires_grad and self._fn is not None:
            raise RuntimeError("cannot turn off requires_grad of a computed tensor: use .detach()")
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self):
        """Keep this non-leaf tensor's gradient in `.grad` after backward (leaves always keep theirs)."""
        if not self.requires_grad:
            raise RuntimeError("cannot retain_grad() on a tensor that does not require grad")
        self._retains_grad = True
        return self

    def detach(self):
        """A tensor sharing this data, cut from the graph."""
        return Tensor._make(self.data)

    def zero_grad(self):
        """Forget the accumulated gradient (same as `t.grad = None`)."""
        self.grad = None

    @property
    def is_leaf(self):
        return self._fn is None

    @property
    def grad_fn(self):
        return self._fn

    # ----- array facts ------------------------------------------------------------------------
    shape = property(lambda self: self.data.shape)
    dtype = property(lambda self: self.data.dtype)
    ndim = property(lambda self: self.data.ndim)
    size = property(lambda self: self.data.size)

    def numpy(self):
        """The underlying ndarray (shared, not copied)."""
        return self.data

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, this one has shape {self.shape}")
        return self.data.item()

    def tolist(self):
        return self.data.tolist()

    def __array__(self, dtype=None, copy=None):
        arr = self.data if dtype is None else self.data.astype(dtype, copy=False)
        return arr.copy() if copy and arr is self.data else arr  # np.array(t) copies, np.asarray(t) shares

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __bool__(self):
        return bool(self.data)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extras = ""
        if self.data.dtype != _default_dtype:
            extras += f", dtype={self.data.dtype}"
        if self._fn is not None:
            extras += f", grad_fn={self._fn!r}"
        elif self.requires_grad:
            extras += ", requires_grad=True"
        return f"tensor({body}{extras})"

    # ----- arithmetic -------------------------------------------------------------------------
    def __add__(self, other):
        return arithmetic.Add()(self, other)

    def __radd__(self, other):
        return arithmetic.Add()(other, self)

    def __sub__(self, other):
        return arithmetic.Sub()(self, other)

    def __rsub__(self, other):
        return arithmetic.Sub()(other, self)

    def __mul__(self, other):
        return arithmetic.Mul()(self, other)

    def __rmul__(self, other):
        return arithmetic.Mul()(other, self)

    def __truediv__(self, other):
        return arithmetic.Div()(self, other)

    def __rtruediv__(self, other):
        return arithmetic.Div()(other, self)

    def __pow__(self, other):
        return arithmetic.Pow()(self, other)

    def __rpow__(self, other):
        return arithmetic.Pow()(other, self)

    def __matmul__(self, other):
        return arithmetic.matmul(self, other)

    def __rmatmul__(self, other):
        return arithmetic.matmul(other, self)

    def __neg__(self):
        return arithmetic.Neg()(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return elementwise.Abs()(self)

    # comparisons give boolean tensors and no gradient
    def __lt__(self, other):
        return Tensor._make(self.data < _data(other))

    def __le__(self, other):
        return Tensor._make(self.data <= _data(other))

    def __gt__(self, other):
        return Tensor._make(self.data > _data(other))

    def __ge__(self, other):
        return Tensor._make(self.data >= _data(other))

    def __eq__(self, other):
        return Tensor._make(self.data == _data(other))

    def __ne__(self, other):
        return Tensor._make(self.data != _data(other))

    # ----- shape ------------------------------------------------------------------------------
    def __getitem__(self, index):
        return shape_ops.GetItem(index)(self)

    def reshape(self, *shape):
        return shape_ops.reshape(
            self, shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape
        )

    def view(self, *shape):
        return self.reshape(*shape)

    def flatten(self, start_axis=0):
        return shape_ops.flatten(self, start_axis)

    def transpose(self, *axes):
        return shape_ops.transpose(
            self, axes[0] if len(axes) == 1 and not isinstance(axes[0], int) else axes or None
        )

    @property
    def T(self):
        return shape_ops.transpose(self)

    def swapaxes(self, axis1, axis2):
        return shape_ops.swapaxes(self, axis1, axis2)

    def squeeze(self, axis=None):
        return shape_ops.squeeze(self, axis)

    def unsqueeze(self, axis):
        return shape_ops.expand_dims(self, axis)

    def expand_dims(self, axis):
        return shape_ops.expand_dims(self, axis)

    def broadcast_to(self, shape):
        return shape_ops.broadcast_to(self, shape)

    def astype(self, dtype):
        return shape_ops.astype(self, dtype)

    def float(self):
        return shape_ops.astype(self, np.float32)

    def double(self):
        return shape_ops.astype(self, np.float64)

    # ----- reductions -------------------------------------------------------------------------
    def sum(self, axis=None, keepdims=False):
        return reduction.sum(self, axis, keepdims)

    def mean(self, axis=None, keepdims=False):
        return reduction.mean(self, axis, keepdims)

    def var(self, axis=None, keepdims=False, ddof=0):
        return reduction.var(self, axis, keepdims, ddof)

    def std(self, axis=None, keepdims=False, ddof=0):
        return reduction.std(self, axis, keepdims, ddof)

    def max(self, axis=None, keepdims=False):
        return reduction.max(self, axis, keepdims)

    def min(self, axis=None, keepdims=False):
        return reduction.min(self, axis, keepdims)

    def logsumexp(self, axis=None, keepdims=False):
        return reduction.logsumexp(self, axis, keepdims)

    def argmax(self, axis=None):
        return Tensor._make(np.argmax(self.data, axis=axis))

    def argmin(self, axis=None):
        return Tensor._make(np.argmin(self.data, axis=axis))

    # ----- elementwise ------------------------------------------------------------------------
    def exp(self):
        return elementwise.Exp()(self)

    def log(self):
        return elementwise.Log()(self)

    def sqrt(self):
        return elementwise.Sqrt()(self)

    def abs(self):
        return elementwise.Abs()(self)

    # The activations below are the kernels of `gw.tanh`, `gw.sigmoid` and `gw.nn.functional.relu`
    # (also behind `gw.activations`): one formula each, in `ops/elementwise.py`.
    def tanh(self):
        return elementwise.tanh(self)

    def sigmoid(self):
        return elementwise.sigmoid(self)

    def relu(self):
        return elementwise.ReLU()(self)

    def clip(self, min=None, max=None):
        return elementwise.Clip(min, max)(self)

    clamp = clip

    def maximum(self, other):
        return elementwise.maximum(self, other)

    def minimum(self, other):
        return elementwise.minimum(self, other)


def _data(x):
    return x.data if isinstance(x, Tensor) else x


def tensor(data, requires_grad=False, dtype=None):
    """A new Tensor holding a copy of `data` (as `torch.tensor`)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def from_numpy(array):
    """A Tensor sharing memory with `array` (as `torch.from_numpy`)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy expects an ndarray, got {type(array).__name__}")
    return Tensor._make(array)


def as_tensor(x):
    """`x` if it is a Tensor, else a constant Tensor wrapping it (no copy for ndarrays)."""
    if isinstance(x, Tensor):
        return x
    arr = np.asarray(x)
    if arr.dtype == np.float64 and not isinstance(x, (np.ndarray, np.generic)):
        arr = arr.astype(_default_dtype)
    return Tensor._make(arr)


from .autograd.engine import run_backward  # noqa: E402  (the modules below use Tensor)
from .ops import arithmetic, elementwise, reduction, shape_ops  # noqa: E402
