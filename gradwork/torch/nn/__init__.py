"""`torch.nn`: eager modules with PyTorch's names, initializations and weight layouts (NCHW images).

Each module holds its parameters in PyTorch's layout and calls one function of
`torch.nn.functional`, which calls one gradwork kernel: the math is written once, in gradwork.
"""

from .._missing import missing
from . import functional, init, utils
from .containers import ModuleDict, ModuleList, Sequential
from .loss import (
    BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss, NLLLoss, SmoothL1Loss,
    SoftMarginLoss,
)
from .conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
from .normalization import BatchNorm1d, BatchNorm2d, GroupNorm, InstanceNorm1d, InstanceNorm2d, LayerNorm
from .pooling import (
    AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AvgPool1d, AvgPool2d, MaxPool1d,
    MaxPool2d,
)
from .module import Module
from .parameter import Buffer, Parameter
from .rnn import GRU, LSTM, RNN, RNNBase
from .rnn_cells import GRUCell, LSTMCell, RNNCell, RNNCellBase
from .multihead_attention import MultiheadAttention
from .transformer import TransformerEncoder, TransformerEncoderLayer
from .activation import (
    CELU, ELU, GELU, SELU, Hardtanh, LeakyReLU, LogSoftmax, Mish, PReLU, ReLU, ReLU6, Sigmoid, SiLU, Softmax,
    Softplus, Softsign, Tanh,
)
from .dropout import Dropout, Dropout1d, Dropout2d, Dropout3d
from .linear import Bilinear, Flatten, Identity, Linear, Unflatten
from .sparse import Embedding


def __getattr__(name: str):
    raise missing("torch.nn", name)
