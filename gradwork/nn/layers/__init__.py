"""Layers by family, with Keras's names, arguments and defaults, channels last.

Every layer also takes `Layer`'s keyword arguments (name, trainable, dtype, input_shape); each class
docstring lists its own arguments and its input and output shapes.
"""
from ..layer import deserialize, serialize
from .activation import ELU, LeakyReLU, PReLU, ReLU, Softmax
from .attention import MultiHeadAttention
from .dot_attention import AdditiveAttention, Attention
from .grouped_query_attention import GroupQueryAttention
from .augmentation import RandomFlip, RandomTranslation
from .image_augmentation import RandomBrightness, RandomContrast, RandomRotation, RandomZoom
from .image_resizing import CenterCrop, RandomCrop, Resizing
from .convolutional import (
    Conv1D, Conv1DTranspose, Conv2D, Conv2DTranspose, DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D,
    SeparableConv2D,
)
from .convolutional3d import Conv3D, Conv3DTranspose
from .category_encoding import CategoryEncoding
from .core import Activation, Dense, Flatten, Input, InputLayer, Rescaling, Reshape
from .discretization import Discretization
from .dropout import AlphaDropout, Dropout, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D
from .einsum_dense import EinsumDense
from .feature_normalization import GroupNormalization, RMSNormalization, UnitNormalization
from .embedding import Embedding
from .layer_normalization import LayerNormalization
from .lookup import IntegerLookup, StringLookup
from .noise import GaussianDropout, GaussianNoise
from .merging import (
    Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add, average, concatenate, dot, maximum,
    minimum, multiply, subtract,
)
from .normalization import BatchNormalization
from .preprocessing_normalization import Normalization
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

# Keras's other names for the same classes.
AvgPool1D = AveragePooling1D
AvgPool2D = AveragePooling2D
AvgPool3D = AveragePooling3D
MaxPool1D = MaxPooling1D
MaxPool2D = MaxPooling2D
MaxPool3D = MaxPooling3D
GlobalAvgPool1D = GlobalAveragePooling1D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalAvgPool3D = GlobalAveragePooling3D
GlobalMaxPool1D = GlobalMaxPooling1D
GlobalMaxPool2D = GlobalMaxPooling2D
GlobalMaxPool3D = GlobalMaxPooling3D
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
SeparableConvolution2D = SeparableConv2D
SeparableConvolution1D = SeparableConv1D

__all__ = [
    "Activation", "ActivityRegularization", "AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D",
    "AdaptiveAveragePooling3D", "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D", "Add",
    "AdditiveAttention", "AlphaDropout", "Attention", "Average", "AveragePooling1D", "AveragePooling2D",
    "AveragePooling3D", "AvgPool1D", "AvgPool2D", "AvgPool3D", "BatchNormalization", "Bidirectional",
    "CategoryEncoding", "CenterCrop", "Concatenate", "Conv1D", "Conv1DTranspose", "Conv2D", "Conv2DTranspose",
    "Conv3D", "Conv3DTranspose", "Convolution1D", "Convolution1DTranspose", "Convolution2D",
    "Convolution2DTranspose", "Convolution3D", "Convolution3DTranspose", "Cropping1D", "Cropping2D",
    "Cropping3D", "Dense", "DepthwiseConv1D", "DepthwiseConv2D", "Discretization", "Dot", "Dropout", "ELU",
    "EinsumDense", "Embedding", "Flatten", "GRU", "GRUCell", "GaussianDropout", "GaussianNoise",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D", "GlobalAvgPool1D",
    "GlobalAvgPool2D", "GlobalAvgPool3D", "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D",
    "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "GroupNormalization",
    "GroupQueryAttention", "Identity", "Input", "InputLayer", "IntegerLookup", "LSTM", "LSTMCell", "Lambda",
    "LayerNormalization", "LeakyReLU", "Masking", "MaxPool1D", "MaxPool2D", "MaxPool3D", "MaxPooling1D",
    "MaxPooling2D", "MaxPooling3D", "Maximum", "Minimum", "MultiHeadAttention", "Multiply", "Normalization",
    "PReLU", "Permute", "PositionEmbedding", "RMSNormalization", "RNN", "RNNBase", "RandomBrightness",
    "RandomContrast", "RandomCrop", "RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom", "ReLU",
    "RecurrentCell", "RepeatVector", "Rescaling", "Reshape", "Resizing", "SeparableConv1D", "SeparableConv2D",
    "SeparableConvolution1D", "SeparableConvolution2D", "SimpleRNN", "SimpleRNNCell", "SinePositionEncoding",
    "Softmax", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "SpectralNormalization",
    "StackedRNNCells", "StringLookup", "Subtract", "TimeDistributed", "TransformerEncoder",
    "UnitNormalization", "UpSampling1D", "UpSampling2D", "UpSampling3D", "Wrapper", "ZeroPadding1D",
    "ZeroPadding2D", "ZeroPadding3D", "add", "average", "concatenate", "deserialize", "dot", "maximum",
    "minimum", "multiply", "serialize", "subtract",
]
