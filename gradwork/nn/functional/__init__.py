"""`gradwork.nn.functional` (import as `F`): activations, losses and layer operations as functions.

Names and argument order follow `torch.nn.functional`, except that class and feature axes are
last (channels-last, as Keras).
"""
from .activations import (
    elu, gelu, leaky_relu, log_softmax, relu, selu, sigmoid, silu, softmax, softplus, step, swish, tanh,
)
from .attention import scaled_dot_product_attention
from .conv import conv1d, conv1d_transpose, conv2d, conv2d_transpose
from .depthwise import depthwise_conv2d, separable_conv2d
from .layers import dropout, linear
from .normalization import batch_norm
from .layer_norm import layer_norm
from .pooling import avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from .embedding import embedding
from .losses import (
    binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, huber, huber_loss, l1_loss, mae,
    mse, mse_loss, nll_loss,
)

__all__ = [
    "avg_pool1d", "avg_pool2d", "batch_norm", "conv1d", "conv1d_transpose", "conv2d", "conv2d_transpose",
    "depthwise_conv2d", "max_pool1d", "max_pool2d", "separable_conv2d",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "dropout", "elu",
    "embedding", "gelu",
    "huber", "huber_loss", "l1_loss", "layer_norm", "leaky_relu", "linear", "log_softmax", "mae", "mse",
    "mse_loss", "nll_loss", "relu", "scaled_dot_product_attention", "selu", "sigmoid", "silu", "softmax",
    "softplus", "step", "swish", "tanh",
]
