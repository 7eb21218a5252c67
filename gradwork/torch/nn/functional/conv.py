"""Convolutions as `torch.nn.functional` has them: NCHW images, PyTorch's weight layouts and padding.

Each function checks its arguments with PyTorch's messages, turns the input and weight into
gradwork's layout (`_layout.py`: one transpose each), makes one call into gradwork's convolution
kernel (`gradwork.ops.nn.conv`, which has PyTorch's `groups` and explicit padding) and turns the
result back. A sequence is an image of height 1.
"""

from __future__ import annotations

from ....ops.nn import conv as kernels
from ...tensor import Tensor, wrap
from ._layout import channels_first, channels_last, keras_kernel, on_images, spatial, tensor_of


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> Tensor:
    """2-D convolution (cross-correlation) of images, as `torch.nn.functional.conv2d`.

    Parameters
    ----------
    input : Tensor, shape (N, C, H, W) or (C, H, W)
    weight : Tensor, shape (F, C/groups, kh, kw)
    bias : Tensor, shape (F,), optional
    stride, dilation : int or (int, int)
    padding : int, (int, int), "valid" or "same"
        Zeros on both sides of each axis; "same" (stride 1 only) keeps the size, the odd pixel of
        padding at the bottom/right, as PyTorch.
    groups : int
        Filter f sees only the channels of group f // (F/groups); C and F divisible by it.

    Returns
    -------
    Tensor, shape (N, F, Ho, Wo), Ho = (H + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    """
    return _convolution("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> Tensor:
    """1-D convolution of sequences, as `torch.nn.functional.conv1d`: input (N, C, L) or (C, L), weight
    (F, C/groups, k), bias (F,); the other arguments as `conv2d`, one int each. Returns (N, F, Lo)."""
    return _convolution("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """Transposed 2-D convolution (learned upsampling), as `torch.nn.functional.conv_transpose2d`: the
    gradient of `conv2d` with respect to its input, for the same weight, stride, padding and dilation.

    Parameters
    ----------
    input : Tensor, shape (N, C, h, w) or (C, h, w)
    weight : Tensor, shape (C, F/groups, kh, kw)
    bias : Tensor, shape (F,), optional
    stride, padding, dilation : int or (int, int)
    output_padding : int or (int, int)
        Rows/columns added at the bottom/right of the output, each smaller than the stride.
    groups : int

    Returns
    -------
    Tensor, shape (N, F, H, W), H = (h - 1) * sh - 2 * ph + dh * (kh - 1) + output_padding + 1
    """
    return _transposed("conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """Transposed 1-D convolution, as `torch.nn.functional.conv_transpose1d`: input (N, C, l), weight
    (C, F/groups, k), bias (F,); the other arguments as `conv_transpose2d`, one int each."""
    return _transposed("conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding, groups,
                       dilation)


def _convolution(function, rank, input, weight, bias, stride, padding, dilation, groups):
    x, w, b = tensor_of(input), tensor_of(weight), tensor_of(bias)
    _check(function, rank, x, w, b, groups, transposed=False)
    stride, dilation = spatial(stride, rank, "stride", function), spatial(dilation, rank, "dilation", function)
    pads = _padding(function, rank, padding, w.shape[2:], stride, dilation)
    images, unbatched = channels_last(x, rank, function)
    out = kernels.conv2d(images, keras_kernel(w, rank), b, on_images(stride, 1), on_images(pads, (0, 0)),
                         on_images(dilation, 1), groups)
    return wrap(channels_first(out, rank, unbatched))


def _transposed(function, rank, input, weight, bias, stride, padding, output_padding, groups, dilation):
    x, w, b = tensor_of(input), tensor_of(weight), tensor_of(bias)
    _check(function, rank, x, w, b, groups, transposed=True)
    stride, dilation = spatial(stride, rank, "stride", function), spatial(dilation, rank, "dilation", function)
    padding = spatial(padding, rank, "padding", function, minimum=0)
    extra = spatial(output_padding, rank, "output_padding", function, minimum=0)
    if any(e >= s for e, s in zip(extra, stride)):
        # PyTorch also allows output_padding < dilation; the adjoint of a convolution cannot (gradwork's kernel)
        raise RuntimeError(f"{function}: output padding must be smaller than the stride, but got "
                           f"output_padding={extra} and stride={stride}")
    images, unbatched = channels_last(x, rank, function)
    out = kernels.conv2d_transpose(images, keras_kernel(w, rank), b, on_images(stride, 1),
                                   on_images(tuple((p, p) for p in padding), (0, 0)), on_images(extra, 0),
                                   on_images(dilation, 1), groups)
    return wrap(channels_first(out, rank, unbatched))


def _padding(function, rank, padding, kernel_size, stride, dilation):
    """PyTorch's padding as (before, after) per spatial axis: "same" puts the odd pixel after, as PyTorch."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * rank
        if padding != "same":
            raise RuntimeError(f"{function}: Invalid padding string: {padding!r} (expected 'valid', 'same' or ints)")
        if any(s != 1 for s in stride):
            raise RuntimeError(f"{function}: padding='same' is not supported for strided convolutions")
        totals = [d * (k - 1) for k, d in zip(kernel_size, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals)
    return tuple((p, p) for p in spatial(padding, rank, "padding", function, minimum=0))


def _check(function, rank, x, w, b, groups, transposed):
    """The input's channels, the weight and the bias against each other, with PyTorch's messages."""
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise RuntimeError(f"{function}: non-positive groups is not supported, got groups={groups!r}")
    if w.ndim != rank + 2:
        raise RuntimeError(f"{function}: weight should have {rank + 2} dims (got weight of size {list(w.shape)})")
    if w.shape[0] % groups:
        raise RuntimeError(f"{function}: Given groups={groups}, expected weight to be divisible by {groups} at "
                           f"dimension 0, but got weight of size {list(w.shape)} instead")
    channels = w.shape[0] if transposed else w.shape[1] * groups
    if x.ndim in (rank + 1, rank + 2) and x.shape[-rank - 1] != channels:
        given = "transposed=1" if transposed else f"groups={groups}"
        raise RuntimeError(f"{function}: Given {given}, weight of size {list(w.shape)}, expected input"
                           f"{list(x.shape)} to have {channels} channels, but got {x.shape[-rank - 1]} channels "
                           "instead")
    out_channels = w.shape[1] * groups if transposed else w.shape[0]
    if b is not None and tuple(b.shape) != (out_channels,):
        raise RuntimeError(f"{function}: Given weight of size {list(w.shape)}, expected bias to be 1-dimensional "
                           f"with {out_channels} elements, but got bias of size {list(b.shape)} instead")
