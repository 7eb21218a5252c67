"""Neural-network building blocks: the `Layer` base, layers, and `functional` (import as F)."""

from . import functional
from .layer import Layer, Module
from .layers import (
    ELU,
    Activation,
    AveragePooling1D,
    AveragePooling2D,
    BatchNormalization,
    Conv1D,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    Input,
    InputLayer,
    LeakyReLU,
    MaxPooling1D,
    MaxPooling2D,
    RandomFlip,
    RandomTranslation,
    ReLU,
    Rescaling,
    Reshape,
    Softmax,
    SpatialDropout2D,
    UpSampling2D,
    ZeroPadding2D,
)
from .parameter import Parameter
