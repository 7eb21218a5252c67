"""Sliding windows over the spatial axes of NHWC images: the geometry, a strided view, and its adjoint.

Convolution and pooling both look at kh x kw windows taken every (sh, sw) pixels, spread by a
dilation (dh, dw), over an input padded as Keras pads it. `windows` returns every window at once
as a strided view (no copy); `offsets` gives, for each of the kh*kw kernel offsets, the pixels
every window has there; `add_windows` sends values back onto the image, summing where windows
overlap. The loops are over kernel offsets only (never over samples or pixels), and `np.add.at`
is never needed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import as_strided
from numpy.typing import DTypeLike


def pair(value: int | tuple[int, int] | list[int], name: str, minimum: int = 1) -> tuple[int, int]:
    """`value` (an integer, or a pair of them as a tuple or list) as a pair of ints, each >= `minimum`.

    The one check of every window argument (kernel size, strides, dilation, output padding) of the
    convolution and pooling kernels and layers.

    Parameters
    ----------
    value : int or (int, int)
        One value for both axes, or (height, width).
    name : str
        The argument's name, for the error.
    minimum : int

    Returns
    -------
    (int, int)
        (along height, along width).

    Raises
    ------
    ValueError
        Not one or two integers >= minimum; names `name` and the value received.
    """
    both = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(both) != 2 or any(int(v) < minimum for v in both):
        kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"{name} must be {kind} or a pair of them, got {value!r}")
    return int(both[0]), int(both[1])


Padding = str | tuple[tuple[int, int], tuple[int, int]]


def padding_mode(padding: str) -> str:
    """A padding name in lower case: "valid" or "same", in any capitalisation ("SAME"), as Keras accepts.

    Raises
    ------
    ValueError
        Any other value; names the value received.
    """
    mode = padding.lower() if isinstance(padding, str) else None
    if mode not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r} (the names are case-insensitive)")
    return mode


def padding_of(padding: Padding) -> Padding:
    """`padding` checked: "valid", "same" (any capitalisation; returned in lower case), or explicit
    ((top, bottom), (left, right)) sizes >= 0 as ints.

    Raises
    ------
    ValueError
        Anything else; names the value received.
    """
    if isinstance(padding, str):
        return padding_mode(padding)
    try:
        pads = tuple(tuple(int(p) for p in side) for side in padding)
        valid = len(pads) == 2 and all(len(side) == 2 and min(side) >= 0 for side in pads)
    except (TypeError, ValueError):
        valid = False
    if not valid:
        raise ValueError(f"padding must be 'valid', 'same' or ((top, bottom), (left, right)) with sizes >= 0, "
                         f"got {padding!r}")
    return pads


def padding_along(padding: Padding, axis: int) -> str | tuple[int, int]:
    """A checked padding's part along spatial `axis` (0: height, 1: width): the mode, or (before, after)."""
    return padding if isinstance(padding, str) else padding[axis]


def _padding_1d(size, kernel, stride, dilation, padding):
    """(before, after, output size) along one axis: Keras's "valid" and "same", or explicit (before, after)."""
    span = (kernel - 1) * dilation + 1
    if padding == "same":
        out = -(-size // stride)  # ceil
        total = max((out - 1) * stride + span - size, 0)
        return total // 2, total - total // 2, out
    before, after = (0, 0) if padding == "valid" else padding
    if size + before + after < span:
        padded = "" if padding == "valid" else f" padded to {size + before + after}"
        raise ValueError(f"a window of {span} pixels does not fit in an input of {size}{padded} (padding={padding!r})")
    return before, after, (size + before + after - span) // stride + 1


def transposed_size(size: int, kernel: int, stride: int, dilation: int, padding: str | tuple[int, int],
                    output_padding: int | None = None) -> int:
    """The output size along one axis of a transposed convolution: Keras's rule, or PyTorch's for explicit padding.

    Without `output_padding` it is the largest input that a `padding` convolution maps back to
    `size`: "valid": (size - 1) * stride + span, at least size * stride, span = (kernel - 1) *
    dilation + 1; "same": size * stride. With it: (size - 1) * stride + span + output_padding
    ("valid") or (size - 1) * stride + span % 2 + output_padding ("same"). Explicit (before, after)
    padding: (size - 1) * stride + span - before - after + output_padding (None: 0), as PyTorch.

    Parameters
    ----------
    size, kernel, stride, dilation : int
        Along this axis: the transposed convolution's input size and the window's arguments.
    padding : "valid", "same" or (int, int)
        (before, after): the padding of the convolution that maps the output back to the input.
    output_padding : int, optional
        In [0, stride).

    Returns
    -------
    int

    Raises
    ------
    ValueError
        An unknown padding or an output_padding outside [0, stride).
    """
    if isinstance(padding, str):
        padding = padding_mode(padding)
    span = (kernel - 1) * dilation + 1
    if output_padding is not None and not 0 <= output_padding < stride:
        raise ValueError(f"output_padding must be smaller than the stride {stride}, got {output_padding}")
    if not isinstance(padding, str):
        return (size - 1) * stride + span - sum(padding) + (output_padding or 0)
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        return (size - 1) * stride + span + extra
    if output_padding is None:
        return size * stride
    return (size - 1) * stride + span % 2 + output_padding


@dataclass(frozen=True)
class Geometry:
    """Where the windows of one convolution or pooling fall on an (N, H, W, C) input.

    Made by `Geometry.of`, which checks the arguments and resolves the padding; every size is
    (along height, along width).

    Parameters
    ----------
    in_shape : (int, int, int, int)
        (N, H, W, C).
    kernel, strides, dilation : (int, int)
        The window's size, the step between windows, the step between a window's pixels.
    pads : ((int, int), (int, int))
        ((top, bottom), (left, right)) padding.
    out_hw : (int, int)
        (Ho, Wo), the number of windows along each axis.
    """

    in_shape: tuple
    kernel: tuple
    strides: tuple
    dilation: tuple
    pads: tuple  # ((top, bottom), (left, right))
    out_hw: tuple

    @classmethod
    def of(cls, in_shape: tuple[int, ...], kernel_size: int | tuple[int, int], strides: int | tuple[int, int],
           padding: Padding, dilation: int | tuple[int, int] = 1) -> Geometry:
        """The geometry of `kernel_size` windows every `strides` pixels, spread by `dilation`.

        Parameters
        ----------
        in_shape : (N, H, W, C)
        kernel_size, strides, dilation : int or (int, int)
        padding : "valid", "same" or ((top, bottom), (left, right))
            As Keras pads: "valid" none (output (size - span) // stride + 1); "same" output
            ceil(size / stride), the extra pixel of an odd total at the bottom/right. Or explicit
            sizes (PyTorch's integer padding, or its ceil_mode's extra pixels): output
            (size + before + after - span) // stride + 1.

        Returns
        -------
        Geometry

        Raises
        ------
        ValueError
            Not 4-D images, an unknown padding, a bad size, or a window larger than its (padded) input.
        """
        if len(in_shape) != 4:
            raise ValueError(
                f"expected images of shape (batch, height, width, channels), got shape {in_shape}"
            )
        padding = padding_of(padding)
        kernel, strides = pair(kernel_size, "kernel_size"), pair(strides, "strides")
        dilation = pair(dilation, "dilation")
        (top, bottom, ho), (left, right, wo) = (
            _padding_1d(in_shape[1 + a], kernel[a], strides[a], dilation[a], padding_along(padding, a)) for a in (0, 1)
        )
        return cls(tuple(in_shape), kernel, strides, dilation, ((top, bottom), (left, right)), (ho, wo))

    @property
    def padded(self) -> bool:
        """True when any side has padding."""
        return any(self.pads[0] + self.pads[1])

    def pad(self, x: np.ndarray, value: float = 0.0) -> np.ndarray:
        """x (N, H, W, C) with this geometry's border of `value`: (N, H + top + bottom, W + left + right, C)."""
        if not self.padded:
            return x
        return np.pad(x, ((0, 0), self.pads[0], self.pads[1], (0, 0)), constant_values=value)

    def crop(self, xp: np.ndarray) -> np.ndarray:
        """The inverse of `pad`: the inside (N, H, W, C) of a padded array (a view)."""
        (top, bottom), (left, right) = self.pads
        return xp[:, top : xp.shape[1] - bottom, left : xp.shape[2] - right, :]

    def windows(self, xp: np.ndarray) -> np.ndarray:
        """A read-only view (N, Ho, Wo, kh, kw, C) of every window of the padded input `xp`."""
        n, _, _, c = xp.shape
        s0, s1, s2, s3 = xp.strides
        (kh, kw), (sh, sw), (dh, dw), (ho, wo) = self.kernel, self.strides, self.dilation, self.out_hw
        return as_strided(
            xp, (n, ho, wo, kh, kw, c), (s0, s1 * sh, s2 * sw, s1 * dh, s2 * dw, s3), writeable=False
        )

    def offsets(self) -> Iterator[tuple[int, int, tuple[slice, ...]]]:
        """(i, j, index) for each kernel offset, in row-major order, with `index` selecting from a padded
        input the (N, Ho, Wo, C) pixels found at offset (i, j) of every window."""
        (kh, kw), (sh, sw), (dh, dw), (ho, wo) = self.kernel, self.strides, self.dilation, self.out_hw
        for i in range(kh):
            for j in range(kw):
                rows = slice(i * dh, i * dh + sh * (ho - 1) + 1, sh)
                cols = slice(j * dw, j * dw + sw * (wo - 1) + 1, sw)
                yield i, j, (slice(None), rows, cols, slice(None))

    @property
    def tiles_exactly(self) -> bool:
        """True when the windows cover every input pixel exactly once (stride = kernel, no dilation or padding)."""
        return (
            self.strides == self.kernel
            and self.dilation == (1, 1)
            and not self.padded
            and all(n == o * k for n, o, k in zip(self.in_shape[1:3], self.out_hw, self.kernel))
        )

    def add_windows(self, at_offset: Callable[[int, int], np.ndarray], channels: int,
                    dtype: DTypeLike) -> np.ndarray:
        """Sum `at_offset(i, j)` over the kernel offsets onto a zero image: the adjoint of reading the windows.

        Parameters
        ----------
        at_offset : callable (i, j) -> ndarray, shape (N, Ho, Wo, channels)
            The values the windows' pixels at kernel offset (i, j) receive.
        channels : int
        dtype : numpy dtype

        Returns
        -------
        ndarray, shape (N, H, W, channels): overlaps summed, padding cropped off
        """
        n, h, w, _ = self.in_shape
        if self.tiles_exactly:  # each pixel belongs to one window: write, no zeros and no sums needed
            out = np.empty((n, h, w, channels), dtype=dtype)
            for i, j, index in self.offsets():
                out[index] = at_offset(i, j)
            return out
        (top, bottom), (left, right) = self.pads
        out = np.zeros((n, h + top + bottom, w + left + right, channels), dtype=dtype)
        for i, j, index in self.offsets():
            out[index] += at_offset(i, j)
        return self.crop(out)
