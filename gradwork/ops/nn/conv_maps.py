"""The convolution maps that conv.py differentiates: the arrays of a convolution and its two adjoints.

`Im2col` (ordinary and grouped convolution): every window of the input becomes a row of a patch
matrix, and the convolution is that matrix times the kernel. With `groups` > 1 (ResNeXt, PyTorch's
`groups=`) the channels split into that many groups, each filter seeing only its group's channels: the
same products, one per group, as one batched matmul. Kernel (kh, kw, C/groups, F), Keras's grouped
layout; filter f belongs to group f // (F/groups), input channel c to group c // (C/groups).

`Depthwise`: each channel filtered on its own by M kernels (kh, kw, C, M), channel c*M + m of the
output as in TensorFlow; it is also the grouped convolution with one channel per group (several
times faster than `Im2col` there).

Shapes: x (N, H, W, C) -> (N, Ho, Wo, F); channels last, as Keras.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .windows import Geometry

_FEW_CHANNELS = 4  # below this many channels a group's patches are built transposed (faster, C = 1 to 3)


def patches_of(x: np.ndarray, geometry: Geometry, groups: int = 1) -> np.ndarray:
    """The im2col matrices (groups, N*Ho*Wo, kh*kw*C/groups) of x (N, H, W, C): every window's part in a
    group as a row, in one copy.

    With few channels per group a window row holds only short runs of contiguous pixels, which copy
    slowly (10-20x slower for 1 channel), so then each matrix is built transposed, (kh*kw*C/groups,
    N*Ho*Wo), where each copied run is a whole image row, and returned as its transposed view (matmul
    takes views).
    """
    g = geometry
    if groups == 1 and g.kernel == (1, 1) and g.strides == (1, 1) and not g.padded:
        return x.reshape(1, -1, x.shape[-1])
    windows = g.windows(g.pad(x))  # (N, Ho, Wo, kh, kw, C)
    rows, per_group = math.prod(windows.shape[:3]), x.shape[-1] // groups
    windows = windows.reshape(windows.shape[:5] + (groups, per_group))  # a view: splits the channel axis
    if per_group < _FEW_CHANNELS:
        columns = np.empty((groups,) + windows.shape[3:5] + (per_group,) + windows.shape[:3], dtype=x.dtype)
        np.copyto(columns, windows.transpose(5, 3, 4, 6, 0, 1, 2))
        return columns.reshape(groups, -1, rows).transpose(0, 2, 1)
    patches = np.empty((groups,) + windows.shape[:5] + (per_group,), dtype=x.dtype)
    np.copyto(patches, windows.transpose(5, 0, 1, 2, 3, 4, 6))
    return patches.reshape(groups, rows, -1)


def _by_group(a: np.ndarray, groups: int) -> np.ndarray:
    """A matrix (rows, G*k) as (G, rows, k): each group's columns as one matrix (a view)."""
    return a.reshape(a.shape[0], groups, -1).transpose(1, 0, 2)


def _joined(a: np.ndarray) -> np.ndarray:
    """The inverse of `_by_group`: (G, rows, k) -> (rows, G*k) (a view when G = 1)."""
    return a.transpose(1, 0, 2).reshape(a.shape[1], -1)


class Im2col:
    """Ordinary (or grouped) convolution as arrays (a `ConvolutionMap`): kernel (kh, kw, C/groups, F).

    The map and its two adjoints, each one (batched) matrix product: forward patches @ kernel; the
    input gradient one product per kernel offset added back into the windows; the kernel gradient
    patches^T @ g. `apply` also returns the patch matrices, which the kernel gradient reuses.

    Parameters
    ----------
    geometry : Geometry
        Where the windows fall on the input.
    groups : int
        How many groups the channels split into (C and F divisible by it); 1: every channel feeds
        every filter.
    """

    def __init__(self, geometry: Geometry, groups: int = 1) -> None:
        self.geometry, self.groups = geometry, groups

    def _kernel_matrices(self, kernel: np.ndarray) -> np.ndarray:
        """kernel (kh, kw, C/G, F) as (G, kh*kw*C/G, F/G): each group's filters as one matrix."""
        return _by_group(kernel.reshape(-1, kernel.shape[-1]), self.groups)

    def apply(self, x: np.ndarray, kernel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        patches = patches_of(x, self.geometry, self.groups)
        out = _joined(patches @ self._kernel_matrices(kernel))
        return out.reshape(x.shape[0], *self.geometry.out_hw, kernel.shape[-1]), patches

    def input_grad(self, g: np.ndarray, kernel: np.ndarray) -> np.ndarray:
        kh, kw, per_group, f = kernel.shape
        n, ho, wo, _ = g.shape
        rows = _by_group(g.reshape(-1, f), self.groups)  # (G, N*Ho*Wo, F/G)
        if self.groups > 1:
            rows = np.ascontiguousarray(rows)  # reused by every kernel offset below
        # (kh, kw, G, F/G, C/G), contiguous: a kernel seen through a transpose (PyTorch's layout, in the facade)
        # would give matrices with no unit stride, which matmul multiplies without BLAS, several times slower
        by_offset = np.ascontiguousarray(kernel.reshape(kh, kw, per_group, self.groups, -1).transpose(0, 1, 3, 4, 2))
        c = per_group * self.groups
        # one product per kernel offset gives that offset's contributions as a contiguous (N, Ho, Wo, C) block
        return self.geometry.add_windows(
            lambda i, j: _joined(rows @ by_offset[i, j]).reshape(n, ho, wo, c), c, g.dtype
        )

    def kernel_grad(self, x: np.ndarray, g: np.ndarray, kernel_shape: tuple[int, ...],
                    patches: np.ndarray | None = None) -> np.ndarray:
        patches = patches if patches is not None else patches_of(x, self.geometry, self.groups)
        grads = patches.transpose(0, 2, 1) @ _by_group(g.reshape(-1, g.shape[-1]), self.groups)  # (G, kh*kw*C/G, F/G)
        return _joined(grads).reshape(kernel_shape)


class Depthwise:
    """Depthwise convolution as arrays (a `ConvolutionMap`): x (N, H, W, C), kernel (kh, kw, C, M)
    -> (N, Ho, Wo, C*M).

    With M > 1 the input's channels are first repeated M times (channel c*M + m holds channel c),
    which makes it a depthwise convolution with one kernel per channel. That is one `einsum` over a
    strided view of rows (`_correlate`); the input gradient is the same correlation with the flipped
    kernel run over the output gradient spread onto the padded input's grid; the kernel gradient is
    one `einsum` over the windows. `geometry` (a `Geometry`) says where the windows fall.
    """

    def __init__(self, geometry: Geometry) -> None:
        self.geometry = geometry

    def apply(self, x: np.ndarray, kernel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(out, the padded input with repeated channels, which the kernel gradient reuses)."""
        kh, kw, c, m = kernel.shape
        g = self.geometry
        padded = g.pad(_repeat_channels(x, m))
        return _correlate(padded, kernel.reshape(kh, kw, c * m), g.strides, g.dilation, g.out_hw), padded

    def input_grad(self, grad: np.ndarray, kernel: np.ndarray) -> np.ndarray:
        kh, kw, c, m = kernel.shape
        g = self.geometry
        n, ho, wo, _ = grad.shape
        (top, bottom), (left, right) = g.pads
        h, w = g.in_shape[1:3]
        padded_hw = (h + top + bottom, w + left + right)
        spans = [(k - 1) * d for k, d in zip((kh, kw), g.dilation)]  # span - 1 along each axis
        # grad[o] came from padded input pixels o * stride + i * dilation: put it at o * stride, with
        # span - 1 zeros before, so that a stride-1 correlation with the flipped kernel collects it
        spread = np.zeros((n, padded_hw[0] + spans[0], padded_hw[1] + spans[1], c * m), dtype=grad.dtype)
        (sh, sw) = g.strides
        spread[:, spans[0] : spans[0] + (ho - 1) * sh + 1 : sh, spans[1] : spans[1] + (wo - 1) * sw + 1 : sw] = grad
        flipped = kernel[::-1, ::-1].reshape(kh, kw, c * m)
        full = _correlate(spread, flipped, (1, 1), g.dilation, padded_hw)
        inside = g.crop(full)
        return inside.reshape(n, h, w, c, m).sum(axis=-1) if m > 1 else np.ascontiguousarray(inside)

    def kernel_grad(self, x: np.ndarray, grad: np.ndarray, kernel_shape: tuple[int, ...],
                    padded: np.ndarray | None = None) -> np.ndarray:
        if padded is None:
            padded = self.geometry.pad(_repeat_channels(x, kernel_shape[-1]))
        windows = self.geometry.windows(padded)
        return np.einsum("nhwijc,nhwc->ijc", windows, grad).reshape(kernel_shape)


def _repeat_channels(x, times):
    """x (N, H, W, C) with each channel repeated `times` times in place: (N, H, W, C*times)."""
    return x if times == 1 else np.repeat(x, times, axis=-1)


def _correlate(padded, kernel, strides, dilation, out_hw):
    """Each channel of padded (N, Hp, Wp, C) correlated with its own kernel (kh, kw, C) -> (N, Ho, Wo, C).

    One einsum over a view (N, Ho, kh, kw, W1*C) whose last axis runs along whole rows (every column
    from the first output's to the last's, then strided): NumPy's inner loop is a row long, not C.
    """
    padded = np.ascontiguousarray(padded)  # its last axes (columns, channels) merge into one
    n, _, _, c = padded.shape
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = kernel.shape[:2], strides, dilation, out_hw
    columns = (wo - 1) * sw + 1
    s0, s1, s2, s3 = padded.strides
    rows = as_strided(padded, (n, ho, kh, kw, columns * c), (s0, s1 * sh, s1 * dh, s2 * dw, s3), writeable=False)
    out = np.einsum("nhijk,ijk->nhk", rows, np.tile(kernel, (1, 1, columns))).reshape(n, ho, columns, c)
    return out if sw == 1 else np.ascontiguousarray(out[:, :, ::sw])
