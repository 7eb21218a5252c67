"""Layers by family."""
from .activation import ELU, LeakyReLU, ReLU, Softmax
from .core import Activation, Dense, Flatten, Input, InputLayer, Rescaling, Reshape
from .dropout import Dropout
from .normalization import BatchNormalization
