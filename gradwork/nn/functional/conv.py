"""Convolution on NHWC images as one matrix product (im2col), with gradients to any order.

Three operations close under differentiation: the convolution itself, its gradient with
respect to the input (the adjoint: a product then `add_windows`), and its gradient with respect
to the kernel (patches^T @ grad). Each one's backward is written with the other two, so
`create_graph=True` works through a CNN too.

Shapes: x (N, H, W, C), kernel (kh, kw, C, F), bias (F,) -> (N, Ho, Wo, F); channels last, as Keras.
"""

import math

import numpy as np

from ...autograd.function import Function, dispatch
from ...tensor import as_tensor
from ._reduce import column_sums
from .windows import Geometry


_FEW_CHANNELS = 4  # below this many channels patches_of builds the transposed layout (faster, C = 1 to 3)


def patches_of(x, geometry):
    """The im2col matrix (N*Ho*Wo, kh*kw*C) of x: every window as a row, in one copy.

    With few channels a window row holds only short runs of contiguous pixels, which copy slowly
    (10-20x slower for C = 1), so then the matrix is built transposed, (kh*kw*C, N*Ho*Wo), where
    each copied run is a whole image row, and returned as its transposed view (matmul takes views).
    """
    g = geometry
    if g.kernel == (1, 1) and g.strides == (1, 1) and not g.padded:
        return x.reshape(-1, x.shape[-1])
    windows = g.windows(g.pad(x))  # (N, Ho, Wo, kh, kw, C)
    rows = math.prod(windows.shape[:3])
    if x.shape[-1] < _FEW_CHANNELS:
        columns = np.empty(windows.shape[3:] + windows.shape[:3], dtype=x.dtype)
        np.copyto(columns, windows.transpose(3, 4, 5, 0, 1, 2))
        return columns.reshape(-1, rows).T
    patches = np.empty(windows.shape, dtype=x.dtype)
    np.copyto(patches, windows)
    return patches.reshape(rows, -1)


class Conv2D(Function):
    """Cross-correlation of x with the kernel, plus an optional bias (what deep learning calls convolution)."""

    def __init__(self, geometry):
        self.geometry = geometry

    def forward(self, x, kernel, bias=None):
        self.patches = patches_of(x, self.geometry)
        out = self.patches @ kernel.reshape(-1, kernel.shape[-1])
        if bias is not None:
            out += bias
        return out.reshape(x.shape[0], *self.geometry.out_hw, kernel.shape[-1])

    def backward(self, g):
        x, kernel = self.args[:2]
        needs = self.needs_input_grad
        gx = dispatch(Conv2DInputGrad(self.geometry), g, kernel) if needs[0] else None
        gk = dispatch(Conv2DKernelGrad(self.geometry, kernel.shape, self.patches), x, g) if needs[1] else None
        gb = None
        if len(needs) > 2 and needs[2]:  # on arrays by BLAS; under create_graph a recorded sum
            is_array = isinstance(g, np.ndarray)
            gb = column_sums(g.reshape(-1, g.shape[-1])) if is_array else g.sum(axis=(0, 1, 2))
        return gx, gk, gb


class Conv2DInputGrad(Function):
    """d(conv)/dx applied to an output gradient g: g @ kernel[i, j]^T added back at each kernel offset (i, j)."""

    def __init__(self, geometry):
        self.geometry = geometry

    def forward(self, g, kernel):
        c, f = kernel.shape[2:]
        n, ho, wo, _ = g.shape
        rows = g.reshape(-1, f)
        # one product per kernel offset gives that offset's contributions as a contiguous (N, Ho, Wo, C) block
        return self.geometry.add_windows(
            lambda i, j: (rows @ kernel[i, j].T).reshape(n, ho, wo, c), c, g.dtype
        )

    def backward(self, gg):
        g, kernel = self.args
        need_g, need_k = self.needs_input_grad
        dg = dispatch(Conv2D(self.geometry), gg, kernel) if need_g else None
        dk = dispatch(Conv2DKernelGrad(self.geometry, kernel.shape), gg, g) if need_k else None
        return dg, dk


class Conv2DKernelGrad(Function):
    """d(conv)/dkernel applied to an output gradient g: patches(x)^T @ g."""

    def __init__(self, geometry, kernel_shape, patches=None):
        self.geometry, self.kernel_shape, self.patches = geometry, tuple(kernel_shape), patches

    def forward(self, x, g):
        patches = self.patches if self.patches is not None else patches_of(x, self.geometry)
        return (patches.T @ g.reshape(-1, g.shape[-1])).reshape(self.kernel_shape)

    def backward(self, gk):
        x, g = self.args
        need_x, need_g = self.needs_input_grad
        dx = dispatch(Conv2DInputGrad(self.geometry), g, gk) if need_x else None
        dg = dispatch(Conv2D(self.geometry), x, gk) if need_g else None
        return dx, dg


def conv2d(x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1):
    """2-D convolution, channels last: x (N, H, W, C), kernel (kh, kw, C, F), bias (F,) -> (N, Ho, Wo, F).

    padding "valid" (no padding) or "same" (output size ceil(H / stride), padded as Keras/TensorFlow do,
    the extra pixel at the bottom/right).
    """
    x, kernel = as_tensor(x), as_tensor(kernel)
    if kernel.ndim != 4 or x.ndim != 4 or kernel.shape[2] != x.shape[3]:
        raise ValueError(
            f"conv2d: input of shape {x.shape} (N, H, W, C) needs a kernel of shape "
            f"(kh, kw, {x.shape[-1] if x.ndim else '?'}, filters), got {kernel.shape}"
        )
    geometry = Geometry.of(x.shape, kernel.shape[:2], strides, padding, dilation_rate)
    operands = (x, kernel) if bias is None else (x, kernel, bias)
    return Conv2D(geometry)(*operands)


def conv1d(x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1):
    """1-D convolution, channels last: x (N, L, C), kernel (k, C, F) -> (N, Lo, F); a 2-D one of height 1."""
    x, kernel = as_tensor(x), as_tensor(kernel)
    if kernel.ndim != 3 or x.ndim != 3:
        raise ValueError(
            f"conv1d: expected x (N, L, C) and kernel (k, C, F), got {x.shape} and {kernel.shape}"
        )
    out = conv2d(
        x.reshape(x.shape[0], 1, x.shape[1], x.shape[2]),
        kernel.reshape(1, *kernel.shape),
        bias,
        (1, _single(strides)),
        padding,
        (1, _single(dilation_rate)),
    )
    return out.reshape(out.shape[0], out.shape[2], out.shape[3])


def _single(value):
    return int(value[0]) if isinstance(value, (tuple, list)) else int(value)
