"""Convolutions with PyTorch's argument names, on channels-last inputs (N, H, W, C) / (N, L, C).

Kernels are in Keras's layout (kh, kw, C, F), and padding is "valid" or "same" (Keras's rule,
the extra pixel at the bottom/right). stride, dilation: an int or a pair (1-D: an int). The old
Keras spellings `x=`, `kernel=`, `strides=` and `dilation_rate=` are still accepted.
"""

from numpy.typing import ArrayLike

from ...ops.nn import conv as kernels
from ...ops.nn import depthwise
from ...tensor import Tensor
from ._renamed import renamed

_OLD_NAMES = {"x": "input", "kernel": "weight", "strides": "stride", "dilation_rate": "dilation"}

Size = int | tuple[int, int]
TensorLike = Tensor | ArrayLike


@renamed(**_OLD_NAMES)
def conv2d(input: TensorLike, weight: TensorLike, bias: TensorLike | None = None, stride: Size = 1,
           padding: str = "valid", dilation: Size = 1) -> Tensor:
    """2-D convolution: input (N, H, W, C), weight (kh, kw, C, F), bias (F,) -> (N, Ho, Wo, F).

    padding "valid" (no padding) or "same" (output size ceil(H / stride), padded as Keras/TensorFlow do,
    the extra pixel at the bottom/right).
    """
    return kernels.conv2d(input, weight, bias, stride, padding, dilation)


@renamed(**_OLD_NAMES)
def conv2d_transpose(input: TensorLike, weight: TensorLike, bias: TensorLike | None = None, stride: Size = 1,
                     padding: str = "valid", output_padding: Size | None = None, dilation: Size = 1) -> Tensor:
    """Transposed convolution: input (N, h, w, C), weight (kh, kw, F, C) (Keras's layout), bias (F,)
    -> (N, H, W, F), H = h * stride for "same" (without output_padding).

    The adjoint of `conv2d` with the same weight (learned upsampling). The output size follows
    Keras; `output_padding` (each < stride) adds rows/columns at the bottom/right. "same" pads as
    TensorFlow: for kernel 3 and stride 2 the output is PyTorch's ConvTranspose2d(padding=1,
    output_padding=1)'s shifted by one pixel.
    """
    return kernels.conv2d_transpose(input, weight, bias, stride, padding, output_padding, dilation)


@renamed(**_OLD_NAMES)
def conv1d(input: TensorLike, weight: TensorLike, bias: TensorLike | None = None, stride: int = 1,
           padding: str = "valid", dilation: int = 1) -> Tensor:
    """1-D convolution: input (N, L, C), weight (k, C, F), bias (F,) -> (N, Lo, F)."""
    return kernels.conv1d(input, weight, bias, stride, padding, dilation)


@renamed(**_OLD_NAMES)
def conv1d_transpose(input: TensorLike, weight: TensorLike, bias: TensorLike | None = None, stride: int = 1,
                     padding: str = "valid", output_padding: int | None = None, dilation: int = 1) -> Tensor:
    """Transposed 1-D convolution: input (N, l, C), weight (k, F, C), bias (F,) -> (N, L, F); see
    `conv2d_transpose`."""
    return kernels.conv1d_transpose(input, weight, bias, stride, padding, output_padding, dilation)


@renamed(**_OLD_NAMES)
def depthwise_conv2d(input: TensorLike, weight: TensorLike, bias: TensorLike | None = None, stride: Size = 1,
                     padding: str = "valid", dilation: Size = 1) -> Tensor:
    """Depthwise 2-D convolution: input (N, H, W, C), weight (kh, kw, C, M), bias (C*M,) -> (N, Ho, Wo, C*M).

    Output channel c*M + m is channel c filtered by weight[..., c, m] (PyTorch's conv2d with
    groups=C, channels last); padding as `conv2d`.
    """
    return depthwise.depthwise_conv2d(input, weight, bias, stride, padding, dilation)


@renamed(**_OLD_NAMES, depthwise_kernel="depthwise_weight", pointwise_kernel="pointwise_weight")
def separable_conv2d(input: TensorLike, depthwise_weight: TensorLike, pointwise_weight: TensorLike,
                     bias: TensorLike | None = None, stride: Size = 1, padding: str = "valid",
                     dilation: Size = 1) -> Tensor:
    """Depthwise then 1x1 convolution: input (N, H, W, C), depthwise_weight (kh, kw, C, M),
    pointwise_weight (1, 1, C*M, F), bias (F,) -> (N, Ho, Wo, F); stride, padding and dilation apply
    to the depthwise step. The old spellings `depthwise_kernel=` and `pointwise_kernel=` are still
    accepted."""
    return depthwise.separable_conv2d(input, depthwise_weight, pointwise_weight, bias, stride, padding, dilation)
