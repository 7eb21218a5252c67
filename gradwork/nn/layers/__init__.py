"""Layers by family."""
from .activation import ELU, LeakyReLU, ReLU, Softmax
from .augmentation import RandomFlip, RandomTranslation
from .convolutional import Conv1D, Conv2D
from .core import Activation, Dense, Flatten, Input, InputLayer, Rescaling, Reshape
from .dropout import Dropout, SpatialDropout2D
from .normalization import BatchNormalization
from .pooling import (
    AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D,
    GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D,
)
from .reshaping import UpSampling2D, ZeroPadding2D
