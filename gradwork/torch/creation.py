"""Making tensors, as PyTorch: `tensor`, `zeros`, `arange`, `randn`, ... with `dtype=`, `device=` and
`requires_grad=`; random draws come from gradwork's generator (`manual_seed`) or a `Generator`."""

from __future__ import annotations

import numpy as np

from ..random import get_generator
from ..random import seed as gw_seed
from ..tensor import Tensor as GwTensor
from ..tensor import get_default_dtype
from ._core import TensorCore, check_device
from ._shape_methods import sizes_of
from .dtypes import dtype_of
from .tensor import Tensor, new_tensor, wrap


class Generator:
    """A random generator of its own, as `torch.Generator`: `torch.Generator().manual_seed(42)`.

    Pass it as `generator=` to the random functions, `DataLoader` or `random_split`.
    """

    def __init__(self, device="cpu") -> None:
        check_device(device)
        self.numpy_generator = np.random.default_rng()
        self._seed = None

    def manual_seed(self, seed: int) -> Generator:
        # reseeded in place (the stream of default_rng(seed)): a DataLoader or sampler given this
        # generator holds its numpy generator, and must see the new seed as PyTorch's would
        self.numpy_generator.bit_generator.state = np.random.PCG64(int(seed)).state
        self._seed = int(seed)
        return self

    def initial_seed(self) -> int | None:
        return self._seed


def manual_seed(seed: int) -> Generator:
    """Seed gradwork's generator: weights, dropout, shuffling and random tensors repeat from here."""
    gw_seed(int(seed))
    return Generator().manual_seed(seed)


def _rng(generator):
    return get_generator() if generator is None else generator.numpy_generator


def _made(array, dtype, device, requires_grad, default=None):
    check_device(device)
    dtype = dtype_of(dtype) or default or get_default_dtype()
    return wrap(GwTensor(np.asarray(array, dtype=dtype), requires_grad=requires_grad))


def tensor(data, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of `data`: Python floats become float32, ints int64, arrays keep theirs."""
    check_device(device)
    return new_tensor(data, dtype, requires_grad)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """`data` as a tensor: a tensor of that dtype is returned as it is, an ndarray shared when it can be."""
    check_device(device)
    if isinstance(data, TensorCore):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or dtype_of(dtype) == data.dtype):
        return wrap(GwTensor._make(data))
    return new_tensor(data, dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with `array`."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    return wrap(GwTensor._make(array))


def zeros(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _made(np.zeros(sizes_of(size)), dtype, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _made(np.ones(sizes_of(size)), dtype, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of `size`: zeros, since gradwork hands out no uninitialized memory."""
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of `size` filled with `fill_value` (its dtype from the value when `dtype` is None)."""
    default = np.dtype(np.bool_) if isinstance(fill_value, bool) else np.dtype(np.int64) if isinstance(
        fill_value, (int, np.integer)) else None
    return _made(np.full(sizes_of((size,)), fill_value), dtype, device, requires_grad, default)


def eye(n: int, m: int | None = None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _made(np.eye(n, m), dtype, device, requires_grad)


def _like(function):
    def made_like(input, dtype=None, device=None, requires_grad: bool = False, **kwargs):
        return function(*input.shape, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad,
                        **kwargs)
    made_like.__name__ = function.__name__ + "_like"
    made_like.__doc__ = f"As `{function.__name__}`, of `input`'s shape and (by default) dtype."
    return made_like


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Values from `start` up to (not including) `end` by `step`; int64 for integers, else float32."""
    values = np.arange(start, end, step) if end is not None else np.arange(start)
    default = np.dtype(np.int64) if values.dtype.kind in "iu" else None
    return _made(values, dtype, device, requires_grad, default)


def linspace(start, end, steps: int, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return _made(np.linspace(start, end, int(steps)), dtype, device, requires_grad)


def rand(*size, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Uniform draws in [0, 1)."""
    return _made(_rng(generator).random(sizes_of(size)), dtype, device, requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Standard normal draws."""
    return _made(_rng(generator).standard_normal(sizes_of(size)), dtype, device, requires_grad)


def randint(low, high=None, size=None, generator=None, dtype=None, device=None,
            requires_grad: bool = False) -> Tensor:
    """Integers drawn uniformly from [low, high) (`randint(high, size)` draws from [0, high)); int64."""
    if size is None:
        low, high, size = 0, low, high
    if size is None:
        raise TypeError("randint() missing the required argument 'size'")
    values = _rng(generator).integers(low, high, size=sizes_of((size,)))
    return _made(values, dtype, device, requires_grad, np.dtype(np.int64))


def randperm(n: int, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A random permutation of 0 .. n-1 (int64)."""
    return _made(_rng(generator).permutation(int(n)), dtype, device, requires_grad, np.dtype(np.int64))


def normal(mean, std, size=None, generator=None) -> Tensor:
    """Normal draws with the given mean and standard deviation (numbers with `size`, or tensors)."""
    mean_array, std_array = (np.asarray(x.detach().numpy() if isinstance(x, TensorCore) else x) for x in (mean, std))
    shape = sizes_of((size,)) if size is not None else np.broadcast_shapes(mean_array.shape, std_array.shape)
    return _made(mean_array + std_array * _rng(generator).standard_normal(shape), None, None, False)


zeros_like, ones_like, empty_like = _like(zeros), _like(ones), _like(empty)
rand_like, randn_like = _like(rand), _like(randn)


def full_like(input, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return full(input.shape, fill_value, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad)


def randint_like(input, low, high=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return randint(low, high, input.shape, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad)
