"""Layers by family, with Keras's names, arguments and defaults, channels last.

Every layer also takes `Layer`'s keyword arguments (name, trainable, dtype, input_shape); each class
docstring lists its own arguments and its input and output shapes.
"""
from .activation import ELU, LeakyReLU, PReLU, ReLU, Softmax
from .attention import MultiHeadAttention
from .augmentation import RandomFlip, RandomTranslation
from .convolutional import (
    Conv1D, Conv1DTranspose, Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D,
)
from .convolutional3d import Conv3D, Conv3DTranspose
from .core import Activation, Dense, Flatten, Input, InputLayer, Rescaling, Reshape
from .dropout import Dropout, SpatialDropout2D
from .einsum_dense import EinsumDense
from .feature_normalization import GroupNormalization, RMSNormalization, UnitNormalization
from .embedding import Embedding
from .layer_normalization import LayerNormalization
from .noise import GaussianDropout, GaussianNoise
from .merging import (
    Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add, average, concatenate, dot, maximum,
    minimum, multiply, subtract,
)
from .normalization import BatchNormalization
from .spectral_normalization import SpectralNormalization
from .pooling import (
    AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D,
    GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D,
)
from .pooling3d import (
    AdaptiveAveragePooling1D, AdaptiveAveragePooling2D, AdaptiveAveragePooling3D, AdaptiveMaxPooling1D,
    AdaptiveMaxPooling2D, AdaptiveMaxPooling3D, AveragePooling3D, GlobalAveragePooling3D, GlobalMaxPooling3D,
    MaxPooling3D,
)
from .recurrent import GRU, LSTM, RNNBase, SimpleRNN
from .rnn import RNN
from .rnn_cells import GRUCell, LSTMCell, RecurrentCell, SimpleRNNCell
from .stacked_rnn_cells import StackedRNNCells
from .reshaping import (
    Cropping1D, Cropping2D, Permute, RepeatVector, UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D,
)
from .reshaping3d import Cropping3D, UpSampling3D, ZeroPadding3D
from .position import PositionEmbedding, SinePositionEncoding
from .transformer import TransformerEncoder
from .utility import ActivityRegularization, Identity, Lambda, Masking
from .wrappers import Bidirectional, TimeDistributed, Wrapper
