"""`torch.nn`: eager modules with PyTorch's names, initializations and weight layouts (NCHW images).

Each module holds its parameters in PyTorch's layout and calls one function of
`torch.nn.functional`, which calls one gradwork kernel: the math is written once, in gradwork.
"""

from .._missing import missing
from . import functional, init
from .containers import ModuleDict, ModuleList, Sequential
from .conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
from .normalization import BatchNorm1d, BatchNorm2d, GroupNorm, InstanceNorm1d, InstanceNorm2d, LayerNorm
from .pooling import (
    AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AvgPool1d, AvgPool2d, MaxPool1d,
    MaxPool2d,
)
from .module import Module
from .parameter import Buffer, Parameter


def __getattr__(name: str):
    raise missing("torch.nn", name)
