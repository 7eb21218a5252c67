"""`torch.nn.functional` (import as `F`): PyTorch's layout (NCHW, class dim 1) and arguments over
gradwork's kernels (`gradwork.nn.functional`, `gradwork.ops.nn`); each function translates and makes
one call."""

from ..._missing import missing
from .attention import multi_head_attention_forward, scaled_dot_product_attention
from .loss import (
    binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, huber_loss, kl_div, l1_loss, mse_loss,
    nll_loss, smooth_l1_loss, soft_margin_loss,
)
from .activation import (
    celu, elu, gelu, hardtanh, leaky_relu, log_softmax, mish, prelu, relu, relu6, selu, sigmoid, silu, softmax,
    softplus, softsign, tanh,
)
from .dropout import dropout, dropout1d, dropout2d, dropout3d
from .linear import bilinear, linear
from .normalize import normalize
from .padding import pad
from .sparse import embedding, one_hot
from .conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d
from .normalization import batch_norm, group_norm, instance_norm, layer_norm
from .pooling import (
    adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d, adaptive_max_pool2d, avg_pool1d, avg_pool2d,
    max_pool1d, max_pool2d,
)


def __getattr__(name: str):
    raise missing("torch.nn.functional", name)
