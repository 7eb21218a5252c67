"""`gradwork.nn.functional` (import as `F`): activations, losses and layer operations as functions.

The PyTorch-convention adapter over the kernels in `gradwork.ops.nn`: names, argument names,
argument order and defaults follow `torch.nn.functional` (`input`, `weight`, `stride`,
`kernel_size`, `dim`, `p`, `training`, `eps`, `momentum`, ...), except that class and feature axes
are last (channels-last images (N, H, W, C), as Keras) and padding is "valid" or "same". Each
function checks its arguments and makes one call into a kernel; where a name changed from the
Keras spelling (`strides`, `pool_size`, `dilation_rate`, `axis`, ...) the old keyword still works.
"""
from .activations import (
    elu, gelu, leaky_relu, log_softmax, prelu, relu, selu, sigmoid, silu, softmax, softplus, step, swish, tanh,
)
from .attention import scaled_dot_product_attention
from .conv import (
    conv1d, conv1d_transpose, conv2d, conv2d_transpose, conv3d, conv_transpose3d, depthwise_conv2d, separable_conv2d,
)
from .dropout import alpha_dropout, dropout, dropout1d, dropout2d, dropout3d
from .linear import linear
from .normalization import batch_norm, group_norm, layer_norm, normalize, rms_norm
from .pooling import (
    adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d, adaptive_max_pool1d, adaptive_max_pool2d,
    adaptive_max_pool3d, avg_pool1d, avg_pool2d, avg_pool3d, max_pool1d, max_pool2d, max_pool3d,
)
from .embedding import embedding
from .interpolate import interpolate
from .losses import (
    binary_cross_entropy, binary_cross_entropy_with_logits, huber, huber_loss, kl_div, l1_loss, mae, mse,
    mse_loss, smooth_l1_loss, soft_margin_loss,
)
from .class_losses import cross_entropy, nll_loss

__all__ = [
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
    "adaptive_max_pool2d", "adaptive_max_pool3d", "alpha_dropout", "avg_pool1d", "avg_pool2d", "avg_pool3d",
    "batch_norm", "binary_cross_entropy", "binary_cross_entropy_with_logits", "conv1d", "conv1d_transpose",
    "conv2d", "conv2d_transpose", "conv3d", "conv_transpose3d", "cross_entropy", "depthwise_conv2d",
    "dropout", "dropout1d", "dropout2d", "dropout3d", "elu", "embedding", "gelu", "group_norm", "huber",
    "huber_loss", "interpolate", "kl_div", "l1_loss", "layer_norm", "leaky_relu", "linear", "log_softmax",
    "mae", "max_pool1d", "max_pool2d", "max_pool3d", "mse", "mse_loss", "nll_loss", "normalize", "prelu",
    "relu", "rms_norm", "scaled_dot_product_attention", "selu", "separable_conv2d", "sigmoid", "silu",
    "smooth_l1_loss", "soft_margin_loss", "softmax", "softplus", "step", "swish", "tanh",
]
