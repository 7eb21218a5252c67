"""3-D convolution of channels-last volumes (N, D, H, W, C), ordinary and transposed, built on conv.py's 2-D kernels.

A 3-D convolution is a sum over its kd depth offsets of 2-D convolutions: at depth offset a, output
slice o reads slice o * sd + a * dd of the depth-padded input, so the slices read at that offset, folded
into the batch as (N * Do, H, W, C), go through the 2-D convolution with the kernel's slice a. The
transposed convolution is its adjoint, built the same way from the 2-D transposed convolution: input
slice i, spread over height and width by kernel slice a, lands on output slice i * sd + a * dd - front.
The loop is over the kd depth offsets only; slicing, padding, reshaping and the 2-D kernels are all
differentiable to any order, so the gradients and double gradients need no code here. The depth axis
is resolved as the height of a (D, 1) plane by `Geometry.of`, so Keras's "valid" and "same" rules
(and their checks) keep their one home in windows.py.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ...tensor import Tensor
from ..shape_ops import pad
from .conv import _conv2d, _conv2d_transpose, _images
from .windows import Geometry, padding_mode, transposed_size

Size3 = int | tuple[int, int, int]


def triple(value: Size3 | list[int], name: str, minimum: int = 1) -> tuple[int, int, int]:
    """`value` (an integer, or three of them as a tuple or list) as three ints, each >= `minimum`.

    Parameters
    ----------
    value : int or (int, int, int)
        One value for every axis, or (depth, height, width).
    name : str
        The argument's name, for the error.
    minimum : int

    Returns
    -------
    (int, int, int)

    Raises
    ------
    ValueError
        Not one or three integers >= minimum; names `name` and the value received.
    """
    try:
        three = (value,) * 3 if isinstance(value, (int, np.integer)) else tuple(value)
    except TypeError:
        three = ()
    if len(three) != 3 or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < minimum
                              for v in three):
        kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"{name} must be {kind} or three of them (depth, height, width), got {value!r}")
    return tuple(int(v) for v in three)


def axis_windows(name: str, axis: str, size: int, kernel: int, stride: int, dilation: int,
                 padding: str) -> tuple[int, int, int]:
    """(before, after, output size) of windows of `kernel` steps along one axis of `size`, by Keras's
    `padding` rule ("valid" or "same"); a ValueError naming `name` and the `axis` if they do not fit."""
    try:
        geometry = Geometry.of((1, size, 1, 1), (kernel, 1), (stride, 1), padding, (dilation, 1))
    except ValueError as error:
        raise ValueError(f"{name}: along {axis}: {error}") from None
    (front, back), _ = geometry.pads
    return front, back, geometry.out_hw[0]


def check_padding(name: str, padding: str) -> str:
    """`padding` in lower case: "valid" or "same" in any capitalisation (the volumes take no explicit
    sizes); anything else is a ValueError naming `name`."""
    try:
        return padding_mode(padding)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


def _checked_windows(name, strides, dilation, padding):
    """(strides, dilation) as triples and the padding in lower case, checked; errors name `name`."""
    padding = check_padding(name, padding)
    try:
        return triple(strides, "strides"), triple(dilation, "dilation"), padding
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


def conv3d(x: Tensor | ArrayLike, kernel: Tensor | ArrayLike, bias: Tensor | ArrayLike | None, strides: Size3,
           padding: str, dilation: Size3, groups: int = 1) -> Tensor:
    """3-D convolution (cross-correlation), channels last.

    out[n, d, i, j, f] = sum over (a, b, e, c) of xp[n, d*sd + a*dd, i*sh + b*dh, j*sw + e*dw, c]
    * kernel[a, b, e, c, f] + bias[f], xp the padded input (with groups: c runs over filter f's group).

    Parameters
    ----------
    x : Tensor or array_like, shape (N, D, H, W, C)
    kernel : Tensor or array_like, shape (kd, kh, kw, C/groups, F)
    bias : Tensor or array_like, shape (F,), or None
    strides, dilation : int or (int, int, int)
        Along depth, height and width; an int for all three.
    padding : "valid" or "same"
        Keras's rules, on each axis as `conv2d`: "same" gives ceil(size / stride) outputs, the extra
        padding at the back/bottom/right.
    groups : int
        As `conv2d`: filter f sees only the channels of group f // (F/groups).

    Returns
    -------
    Tensor, shape (N, Do, Ho, Wo, F)

    Raises
    ------
    ValueError
        Shapes that do not match as above, or bad window arguments; the message names conv3d.
    """
    name = "conv3d"
    x, kernel = _images(name, x, kernel, "(kd, kh, kw, {c}, filters)", channel_axis=3, groups=groups, rank=3)
    (sd, *s_hw), (dd, *d_hw), padding = _checked_windows(name, strides, dilation, padding)
    n, depth, h, w, c = x.shape
    front, back, out_depth = axis_windows(name, "depth", depth, kernel.shape[0], sd, dd, padding)
    xp = pad(x, ((0, 0), (front, back), (0, 0), (0, 0), (0, 0))) if front or back else x
    out = None
    for a in range(kernel.shape[0]):  # the slices every output slice reads at depth offset a, as a batch of images
        start = a * dd
        planes = xp[:, start : start + sd * (out_depth - 1) + 1 : sd].reshape(n * out_depth, h, w, c)
        term = _conv2d(name, planes, kernel[a], bias if a == 0 else None, s_hw, padding, d_hw, groups)
        out = term if out is None else out + term
    return out.reshape(n, out_depth, *out.shape[1:])


def conv3d_transpose(x: Tensor | ArrayLike, kernel: Tensor | ArrayLike, bias: Tensor | ArrayLike | None,
                     strides: Size3, padding: str, output_padding: Size3 | None, dilation: Size3,
                     groups: int = 1) -> Tensor:
    """Transposed 3-D convolution, channels last: the adjoint of `conv3d` with the same kernel.

    Each axis's output size follows Keras as in `conv2d_transpose`: d * stride under "same",
    (d - 1) * stride + span under "valid" (at least d * stride), or set by `output_padding`.

    Parameters
    ----------
    x : Tensor or array_like, shape (N, d, h, w, C)
    kernel : Tensor or array_like, shape (kd, kh, kw, F/groups, C)
        Keras's layout: the kernel of the convolution that maps the output back to x.
    bias : Tensor or array_like, shape (F,), or None
    strides, dilation : int or (int, int, int)
    padding : "valid" or "same"
    output_padding : int, (int, int, int) or None
        Each in [0, stride).
    groups : int

    Returns
    -------
    Tensor, shape (N, D, H, W, F)

    Raises
    ------
    ValueError
        Shapes that do not match, bad window arguments, or an output_padding whose output a "same"
        convolution does not map back to x's size.
    """
    name = "conv3d_transpose"
    x, kernel = _images(name, x, kernel, "(kd, kh, kw, filters, {c})", channel_axis=4, groups=groups, rank=3)
    (sd, *s_hw), (dd, *d_hw), padding = _checked_windows(name, strides, dilation, padding)
    extra = None
    if output_padding is not None:
        try:
            extra = triple(output_padding, "output_padding", minimum=0)
        except ValueError as error:
            raise ValueError(f"{name}: {error}") from None
    n, depth, h, w, c = x.shape
    kd = kernel.shape[0]
    try:
        out_depth = transposed_size(depth, kd, sd, dd, padding, None if extra is None else extra[0])
    except ValueError as error:
        raise ValueError(f"{name}: along depth: {error}") from None
    front, _, back_to = axis_windows(name, "depth", out_depth, kd, sd, dd, padding)
    if back_to != depth:  # "same" with an even kernel and output_padding 0
        raise ValueError(f"{name}: output_padding={output_padding} gives an output depth of {out_depth}, which a "
                         f"'same' convolution maps to {back_to}, not the input's {depth}")
    planes = x.reshape(n * depth, h, w, c)
    out = None
    for a in range(kd):  # every input slice spread by kernel slice a, placed at depth i * sd + a * dd - front
        spread = _conv2d_transpose(name, planes, kernel[a], None, s_hw, padding, None if extra is None else extra[1:],
                                   d_hw, groups)
        placed = _place_depth(spread.reshape(n, depth, *spread.shape[1:]), sd, a * dd - front, out_depth)
        if placed is not None:
            out = placed if out is None else out + placed
    return out if bias is None else out + bias


def _place_depth(y, stride, shift, length):
    """y (N, d, ...) as (N, length, ...) with slice i at depth i * stride + shift (zeros elsewhere, slices
    falling outside dropped); None when none lands. Made of padding and slicing, so differentiable."""
    n, depth, *rest = y.shape
    if stride > 1:  # slice i to depth i * stride: stride - 1 slices of zeros after each
        widths = ((0, 0), (0, 0), (0, stride - 1)) + ((0, 0),) * len(rest)
        y = pad(y.reshape(n, depth, 1, *rest), widths).reshape(n, depth * stride, *rest)
    first, last = max(0, -shift), min(y.shape[1], length - shift)
    if last <= first:
        return None
    before = shift + first
    widths = ((0, 0), (before, length - before - (last - first))) + ((0, 0),) * len(rest)
    return pad(y[:, first:last], widths)
