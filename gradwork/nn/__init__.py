"""Neural-network building blocks: the `Layer` base, layers, and `functional` (import as F)."""
from . import functional
from .layer import Layer, Module
from .layers import (
    ELU, Activation, BatchNormalization, Dense, Dropout, Flatten, Input, InputLayer, LeakyReLU, ReLU, Rescaling, Reshape,
    Softmax,
)
from .parameter import Parameter
