"""gradwork: a deep-learning library written from scratch on NumPy.

>>> import gradwork as gw
>>> x = gw.tensor([1.0, 2.0], requires_grad=True)
>>> y = (x ** 2).sum()
>>> y.backward()
>>> x.grad                # dy/dx = 2x
tensor([2., 4.])
"""
import numpy as _np

from .tensor import Tensor, as_tensor, from_numpy, get_default_dtype, set_default_dtype, tensor
from .autograd.engine import grad
from .creation import arange, full, ones, ones_like, rand, randn, zeros, zeros_like
from .autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .autograd.gradcheck import GradcheckError, gradcheck, gradgradcheck, numerical_gradient
from .autograd.function import Function
from .ops.arithmetic import matmul
from .ops.einsum import einsum
from .ops.elementwise import abs, clip, erf, exp, log, maximum, minimum, sigmoid, sqrt, tanh, where
from .ops.reduction import logsumexp, max, mean, min, std, sum, var
from .ops.shape_ops import (
    broadcast_to, concatenate, expand_dims, flatten, pad, reshape, split, squeeze, stack, swapaxes, transpose,
)
from . import activations, constraints, initializers, losses, metrics, nn, optimizers, random, regularizers
from . import callbacks, classic, data, datasets, saving
from .models import Model, Sequential, load_model
from .nn.layers.core import Input
from .nn import layers  # Keras's spelling: gw.layers.Dense is gw.nn.Dense
from . import memory, models, plot
from . import applications

float32, float64, float16 = _np.float32, _np.float64, _np.float16
int32, int64, bool_ = _np.int32, _np.int64, _np.bool_

__version__ = "0.1.0"
