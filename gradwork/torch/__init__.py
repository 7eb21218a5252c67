"""`import gradwork.torch as torch`: PyTorch's names, arguments, defaults and layouts over gradwork.

A PyTorch script runs here with only its imports changed: tensors (`torch.tensor`, `x.view`,
`x.max(dim=1)`), `torch.nn` (eager modules with PyTorch's initializations and weight layouts, NCHW
images), `torch.optim` and its schedulers, `torch.utils.data`, `torch.autograd` and
`torch.save`/`torch.load` (npz, never pickle). Underneath, every operation is one of gradwork's:
the engine, kernels and optimizer updates are shared, and the facade only translates. A PyTorch
name the facade lacks raises an AttributeError that says so.

>>> import gradwork.torch as torch
>>> x = torch.ones(2, 3, requires_grad=True)
>>> x.sum(dim=1).pow(2).sum().backward()
>>> x.grad
tensor([[6., 6., 6.],
        [6., 6., 6.]])
"""

from ..autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from ..tensor import get_default_dtype, set_default_dtype
from ._core import device
from ._missing import missing
from .creation import (
    Generator, arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, linspace, manual_seed,
    normal, ones, ones_like, rand, rand_like, randint, randint_like, randn, randn_like, randperm, tensor, zeros,
    zeros_like,
)
from .devices import accelerator, backends, cuda
from .dtypes import (
    bool, double, float, float16, float32, float64, half, int, int8, int16, int32, int64, long, short, uint8,
)
from .functions import (  # noqa: F401 (made by name in functions.py)
    abs, add, all, allclose, amax, amin, any, argmax, argmin, bmm, cat, chunk, clamp, clip, clone, concat,
    concatenate, detach, div, divide, einsum, eq, equal, exp, flatten, gather, ge, gt, index_select,
    is_floating_point, is_tensor, le, log, log_softmax, logsumexp, lt, masked_fill, matmul, max, maximum, mean,
    min, minimum, mm, mul, multiply, narrow, ne, neg, norm, numel, permute, pow, prod, relu, repeat, reshape,
    rsqrt, sigmoid, sign, softmax, split, sqrt, square, squeeze, stack, std, sub, subtract, sum, swapaxes,
    swapdims, t, tanh, transpose, true_divide, unbind, unflatten, unsqueeze, var, where,
)
from .serialization import load, save
from .tensor import Size, Tensor
from . import autograd, nn, optim, utils

inference_mode = no_grad
FloatTensor = Tensor

__version__ = "2.13.0+gradwork"


def __getattr__(name: str):
    raise missing("torch", name)
