"""`torch.nn.functional` (import as `F`): PyTorch's layout (NCHW, class dim 1) and arguments over
gradwork's kernels (`gradwork.nn.functional`, `gradwork.ops.nn`); each function translates and makes
one call."""

from ..._missing import missing
from .conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d
from .normalization import batch_norm, group_norm, instance_norm, layer_norm
from .pooling import (
    adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d, adaptive_max_pool2d, avg_pool1d, avg_pool2d,
    max_pool1d, max_pool2d,
)


def __getattr__(name: str):
    raise missing("torch.nn.functional", name)
