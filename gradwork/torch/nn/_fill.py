"""Filling parameters and buffers in place, for the modules' `reset_parameters()`.

Stand-ins until `torch.nn.init` (being written) and gradwork's in-place tensor methods land: then
`uniform_` becomes `init.uniform_` (or the convolutions call `init.kaiming_uniform_(w, a=math.sqrt(5))`
directly) and `fill_` becomes `tensor.fill_`. Both write the tensor's array, outside the graph.
"""

from __future__ import annotations

import math

import numpy as np

from ...random import get_generator
from ..tensor import Tensor


def uniform_(tensor: Tensor, bound: float) -> Tensor:
    """Fill `tensor` with draws from U(-bound, bound), from gradwork's generator (`gw.random.seed` repeats them)."""
    array = tensor._t.data
    np.copyto(array, get_generator().uniform(-bound, bound, array.shape), casting="same_kind")
    return tensor


def fill_(tensor: Tensor, value: float) -> Tensor:
    """Fill `tensor` with `value`."""
    tensor._t.data[...] = value
    return tensor


def kaiming_uniform_bound(weight: Tensor) -> float:
    """The bound of PyTorch's default weight init, `kaiming_uniform_(weight, a=math.sqrt(5))`: gain *
    sqrt(3 / fan_in) with gain sqrt(2 / (1 + 5)), which is 1 / sqrt(fan_in), fan_in = the weight's size
    over its first dim (in/groups * kh * kw for a convolution, out/groups * kh * kw for a transposed one)."""
    fan_in = math.prod(weight.shape[1:])
    return 1 / math.sqrt(fan_in) if fan_in else 0.0
