"""Convolutions with PyTorch's argument names, on channels-last inputs (N, H, W, C) / (N, L, C).

Where they differ from `torch.nn.functional.conv2d` and friends: images are channels-last (as
Keras), weights are in Keras's layout (kh, kw, C, F), and padding is "valid" or "same" (Keras's
rule: output size ceil(size / stride), the extra pixel at the bottom/right). stride, dilation: an
int or a pair (1-D: an int). The old Keras spellings `x=`, `kernel=`, `strides=` and
`dilation_rate=` are still accepted.
"""

from numpy.typing import ArrayLike

from ...ops.nn import conv as kernels
from ...ops.nn import conv3d as volumes
from ...ops.nn import depthwise
from ...tensor import Tensor
from ._renamed import renamed
from ._windows import check_windows

_OLD_NAMES = {"x": "input", "kernel": "weight", "strides": "stride", "dilation_rate": "dilation"}

Size = int | tuple[int, int]
Size3 = int | tuple[int, int, int]
TensorLike = Tensor | ArrayLike


@renamed(**_OLD_NAMES)
def conv2d(input: TensorLike, weight: TensorLike, bias: TensorLike | None = None, stride: Size = 1,
           padding: str = "valid", dilation: Size = 1) -> Tensor:
    """2-D convolution of channels-last images (cross-correlation, as every framework), as
    `torch.nn.functional.conv2d` with channels last.

    Parameters
    ----------
    input : Tensor or array_like, shape (N, H, W, C)
    weight : Tensor or array_like, shape (kh, kw, C, F)
    bias : Tensor or array_like, shape (F,), optional
    stride, dilation : int or (int, int)
    padding : "valid" or "same"

    Returns
    -------
    Tensor, shape (N, H_out, W_out, F)

    Examples
    --------
    >>> F.conv2d(gw.zeros((1, 5, 5, 3)), gw.zeros((3, 3, 3, 8))).shape
    (1, 3, 3, 8)
    """
    check_windows("conv2d", stride=stride, dilation=dilation)
    return kernels.conv2d(input, weight, bias, stride, padding, dilation)


@renamed(**_OLD_NAMES)
def conv2d_transpose(input: TensorLike, weight: TensorLike, bias: TensorLike | None = None, stride: Size = 1,
                     padding: str = "valid", output_padding: Size | None = None, dilation: Size = 1) -> Tensor:
    """Transposed 2-D convolution (learned upsampling), as `torch.nn.functional.conv_transpose2d` with
    channels last: the adjoint of `conv2d` with the same weight.

    The output size follows Keras (h * stride under "same"); `output_padding` (each < stride)
    adds rows/columns at the bottom/right. "same" pads as TensorFlow: for kernel 3 and stride 2
    the output is PyTorch's ConvTranspose2d(padding=1, output_padding=1)'s shifted by one pixel.

    Parameters
    ----------
    input : Tensor or array_like, shape (N, h, w, C)
    weight : Tensor or array_like, shape (kh, kw, F, C)
        Keras's layout: output channels before input channels.
    bias : Tensor or array_like, shape (F,), optional
    stride, dilation : int or (int, int)
    padding : "valid" or "same"
    output_padding : int or (int, int), optional

    Returns
    -------
    Tensor, shape (N, H, W, F)

    Examples
    --------
    >>> F.conv2d_transpose(gw.zeros((1, 7, 7, 4)), gw.zeros((3, 3, 8, 4)), stride=2, padding="same").shape
    (1, 14, 14, 8)
    """
    check_windows("conv2d_transpose", stride=stride, output_padding=output_padding, dilation=dilation)
    return kernels.conv2d_transpose(input, weight, bias, stride, padding, output_padding, dilation)


@renamed(**_OLD_NAMES)
def conv1d(input: TensorLike, weight: TensorLike, bias: TensorLike | None = None, stride: int = 1,
           padding: str = "valid", dilation: int = 1) -> Tensor:
    """1-D convolution of channels-last sequences, as `torch.nn.functional.conv1d` with channels last.

    Parameters
    ----------
    input : Tensor or array_like, shape (N, L, C)
    weight : Tensor or array_like, shape (k, C, F)
    bias : Tensor or array_like, shape (F,), optional
    stride, padding, dilation
        As `conv2d`, along the one spatial axis (ints).

    Returns
    -------
    Tensor, shape (N, L_out, F)
    """
    check_windows("conv1d", stride=stride, dilation=dilation)
    return kernels.conv1d(input, weight, bias, stride, padding, dilation)


@renamed(**_OLD_NAMES)
def conv1d_transpose(input: TensorLike, weight: TensorLike, bias: TensorLike | None = None, stride: int = 1,
                     padding: str = "valid", output_padding: int | None = None, dilation: int = 1) -> Tensor:
    """Transposed 1-D convolution, as `torch.nn.functional.conv_transpose1d` with channels last; see
    `conv2d_transpose`.

    Parameters
    ----------
    input : Tensor or array_like, shape (N, l, C)
    weight : Tensor or array_like, shape (k, F, C)
    bias : Tensor or array_like, shape (F,), optional
    stride, padding, output_padding, dilation
        As `conv2d_transpose`, along the one spatial axis (ints).

    Returns
    -------
    Tensor, shape (N, L, F)
    """
    check_windows("conv1d_transpose", stride=stride, output_padding=output_padding, dilation=dilation)
    return kernels.conv1d_transpose(input, weight, bias, stride, padding, output_padding, dilation)


@renamed(**_OLD_NAMES)
def depthwise_conv2d(input: TensorLike, weight: TensorLike, bias: TensorLike | None = None, stride: Size = 1,
                     padding: str = "valid", dilation: Size = 1) -> Tensor:
    """Depthwise 2-D convolution: each channel filtered on its own by M filters, as PyTorch's
    `conv2d(..., groups=C)` with channels last.

    Output channel c*M + m is channel c filtered by weight[..., c, m].

    Parameters
    ----------
    input : Tensor or array_like, shape (N, H, W, C)
    weight : Tensor or array_like, shape (kh, kw, C, M)
    bias : Tensor or array_like, shape (C*M,), optional
    stride, padding, dilation
        As `conv2d`.

    Returns
    -------
    Tensor, shape (N, H_out, W_out, C*M)
    """
    check_windows("depthwise_conv2d", stride=stride, dilation=dilation)
    return depthwise.depthwise_conv2d(input, weight, bias, stride, padding, dilation)


@renamed(**_OLD_NAMES, depthwise_kernel="depthwise_weight", pointwise_kernel="pointwise_weight")
def separable_conv2d(input: TensorLike, depthwise_weight: TensorLike, pointwise_weight: TensorLike,
                     bias: TensorLike | None = None, stride: Size = 1, padding: str = "valid",
                     dilation: Size = 1) -> Tensor:
    """Depthwise then 1x1 convolution (PyTorch has no single function: `conv2d(groups=C)` then a
    1x1 `conv2d`).

    Parameters
    ----------
    input : Tensor or array_like, shape (N, H, W, C)
    depthwise_weight : Tensor or array_like, shape (kh, kw, C, M)
    pointwise_weight : Tensor or array_like, shape (1, 1, C*M, F)
    bias : Tensor or array_like, shape (F,), optional
    stride, padding, dilation
        As `conv2d`, for the depthwise step.

    Returns
    -------
    Tensor, shape (N, H_out, W_out, F)
    """
    check_windows("separable_conv2d", stride=stride, dilation=dilation)
    return depthwise.separable_conv2d(input, depthwise_weight, pointwise_weight, bias, stride, padding, dilation)


@renamed(**_OLD_NAMES)
def conv3d(input: TensorLike, weight: TensorLike, bias: TensorLike | None = None, stride: Size3 = 1,
           padding: str = "valid", dilation: Size3 = 1, groups: int = 1) -> Tensor:
    """3-D convolution of channels-last volumes, as `torch.nn.functional.conv3d` with channels last.

    Parameters
    ----------
    input : Tensor or array_like, shape (N, D, H, W, C)
    weight : Tensor or array_like, shape (kd, kh, kw, C/groups, F)
    bias : Tensor or array_like, shape (F,), optional
    stride, dilation : int or (int, int, int)
    padding : "valid" or "same"
    groups : int
        Filter f sees only the channels of group f // (F/groups); C and F divisible by it.

    Returns
    -------
    Tensor, shape (N, D_out, H_out, W_out, F)

    Examples
    --------
    >>> F.conv3d(gw.zeros((1, 4, 5, 5, 2)), gw.zeros((3, 3, 3, 2, 8)), padding="same").shape
    (1, 4, 5, 5, 8)
    """
    check_windows("conv3d", rank=3, stride=stride, dilation=dilation)
    return volumes.conv3d(input, weight, bias, stride, padding, dilation, groups)


@renamed(**_OLD_NAMES)
def conv_transpose3d(input: TensorLike, weight: TensorLike, bias: TensorLike | None = None, stride: Size3 = 1,
                     padding: str = "valid", output_padding: Size3 | None = None, groups: int = 1,
                     dilation: Size3 = 1) -> Tensor:
    """Transposed 3-D convolution, as `torch.nn.functional.conv_transpose3d` with channels last (and its
    argument order): the adjoint of `conv3d` with the same weight; sizes as `conv2d_transpose`.

    Parameters
    ----------
    input : Tensor or array_like, shape (N, d, h, w, C)
    weight : Tensor or array_like, shape (kd, kh, kw, F/groups, C)
        Keras's layout: output channels before input channels.
    bias : Tensor or array_like, shape (F,), optional
    stride, dilation : int or (int, int, int)
    padding : "valid" or "same"
    output_padding : int or (int, int, int), optional
    groups : int

    Returns
    -------
    Tensor, shape (N, D, H, W, F)

    Examples
    --------
    >>> F.conv_transpose3d(gw.zeros((1, 2, 3, 3, 4)), gw.zeros((3, 3, 3, 8, 4)), stride=2, padding="same").shape
    (1, 4, 6, 6, 8)
    """
    check_windows("conv_transpose3d", rank=3, stride=stride, output_padding=output_padding, dilation=dilation)
    return volumes.conv3d_transpose(input, weight, bias, stride, padding, output_padding, dilation, groups)
