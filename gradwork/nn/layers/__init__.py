"""Layers by family, with Keras's names, arguments and defaults, channels last.

Every layer also takes `Layer`'s keyword arguments (name, trainable, dtype, input_shape); each class
docstring lists its own arguments and its input and output shapes.
"""
from .activation import ELU, LeakyReLU, ReLU, Softmax
from .attention import MultiHeadAttention
from .augmentation import RandomFlip, RandomTranslation
from .convolutional import (
    Conv1D, Conv1DTranspose, Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D,
)
from .core import Activation, Dense, Flatten, Input, InputLayer, Rescaling, Reshape
from .dropout import Dropout, SpatialDropout2D
from .embedding import Embedding
from .layer_normalization import LayerNormalization
from .merging import (
    Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add, average, concatenate, dot, maximum,
    minimum, multiply, subtract,
)
from .normalization import BatchNormalization
from .pooling import (
    AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D,
    GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D,
)
from .recurrent import GRU, LSTM, RNNBase, SimpleRNN
from .rnn import RNN
from .rnn_cells import GRUCell, LSTMCell, RecurrentCell, SimpleRNNCell
from .stacked_rnn_cells import StackedRNNCells
from .reshaping import (
    Cropping1D, Cropping2D, Permute, RepeatVector, UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D,
)
from .position import PositionEmbedding, SinePositionEncoding
from .transformer import TransformerEncoder
from .utility import Identity, Lambda, Masking
from .wrappers import Bidirectional, TimeDistributed
