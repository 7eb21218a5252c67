"""`torch.nn`: eager modules with PyTorch's names, initializations and weight layouts (NCHW images).

Each module holds its parameters in PyTorch's layout and calls one function of
`torch.nn.functional`, which calls one gradwork kernel: the math is written once, in gradwork.
"""

from .._missing import missing
from . import functional, init
from .containers import ModuleDict, ModuleList, Sequential
from .module import Module
from .parameter import Buffer, Parameter
from .activation import (
    CELU, ELU, GELU, SELU, Hardtanh, LeakyReLU, LogSoftmax, Mish, PReLU, ReLU, ReLU6, Sigmoid, SiLU, Softmax,
    Softplus, Softsign, Tanh,
)
from .dropout import Dropout, Dropout1d, Dropout2d, Dropout3d
from .linear import Bilinear, Flatten, Identity, Linear, Unflatten
from .sparse import Embedding


def __getattr__(name: str):
    raise missing("torch.nn", name)
