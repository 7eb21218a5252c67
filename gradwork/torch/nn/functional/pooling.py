"""Pooling as `torch.nn.functional` has it: NCHW images, integer padding, ceil_mode, return_indices.

Max and average pooling turn the input into gradwork's layout (`_layout.py`), call gradwork's
pooling kernel once (`gradwork.ops.nn.pooling`) with explicit padding and turn the result back.
PyTorch's `ceil_mode` is more padding at the bottom/right: just enough for the last window that
starts inside the (left-padded) input; max pooling pads with -inf, and average pooling divides by
the pixels that `count_include_pad` counts (the image and its declared padding, never what ceil_mode
added). Adaptive pooling uses PyTorch's windows: start floor(i * H / Ho), end ceil((i + 1) * H / Ho);
when Ho divides H they tile the image, a plain pooling with kernel = stride = H / Ho.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ....ops.nn import pooling as kernels
from ....ops.nn.adaptive_pooling import adaptive_windows as _adaptive_windows
from ....tensor import Tensor as GwTensor
from ...tensor import Tensor, wrap
from ._layout import channels_first, channels_last, on_images, spatial, tensor_of


def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """The largest element of each window, as `torch.nn.functional.max_pool2d`.

    Parameters
    ----------
    input : Tensor, shape (N, C, H, W) or (C, H, W)
    kernel_size, dilation : int or (int, int)
    stride : int or (int, int), optional
        Default: kernel_size.
    padding : int or (int, int)
        -inf on both sides, at most half the window's span.
    ceil_mode : bool
        Round the number of windows up: a last window may start in the input's last pixels and run over.
    return_indices : bool
        Also return where each maximum was, as the flat index h * W + w in its image (int64).

    Returns
    -------
    Tensor, shape (N, C, Ho, Wo), Ho = (H + 2 * ph - dh * (kh - 1) - 1) // sh + 1 (rounded up by ceil_mode)
        With return_indices, (output, indices).
    """
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool1d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """Max pooling of sequences (N, C, L) or (C, L), as `torch.nn.functional.max_pool1d`; as `max_pool2d`."""
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def avg_pool2d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """The mean of each window, as `torch.nn.functional.avg_pool2d`.

    Parameters
    ----------
    input : Tensor, shape (N, C, H, W) or (C, H, W)
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Default: kernel_size.
    padding : int or (int, int)
        Zeros on both sides, at most half the kernel.
    ceil_mode : bool
        As in `max_pool2d`.
    count_include_pad : bool
        Divide by the window's pixels including the padding (not those ceil_mode adds); else only the input's.
    divisor_override : int, optional
        Divide every window's sum by this instead.

    Returns
    -------
    Tensor, shape (N, C, Ho, Wo)
    """
    return _avg_pool("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def avg_pool1d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """Average pooling of sequences (N, C, L) or (C, L), as `torch.nn.functional.avg_pool1d`; as `avg_pool2d`."""
    return _avg_pool("avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    """The mean over PyTorch's adaptive windows, as `torch.nn.functional.adaptive_avg_pool2d`.

    Parameters
    ----------
    input : Tensor, shape (N, C, H, W) or (C, H, W)
    output_size : int or (int or None, int or None)
        (Ho, Wo); None keeps that axis's size. Window i along an axis runs from floor(i * H / Ho) to
        ceil((i + 1) * H / Ho).

    Returns
    -------
    Tensor, shape (N, C, Ho, Wo)
    """
    return _adaptive("adaptive_avg_pool2d", 2, input, output_size, "avg", False)


def adaptive_avg_pool1d(input: Tensor, output_size) -> Tensor:
    """`adaptive_avg_pool2d` of sequences (N, C, L) or (C, L) -> (N, C, output_size)."""
    return _adaptive("adaptive_avg_pool1d", 1, input, output_size, "avg", False)


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):
    """The maximum over PyTorch's adaptive windows (see `adaptive_avg_pool2d`), as
    `torch.nn.functional.adaptive_max_pool2d`; with return_indices also the flat index h * W + w of each."""
    return _adaptive("adaptive_max_pool2d", 2, input, output_size, "max", return_indices)


def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):
    """`adaptive_max_pool2d` of sequences (N, C, L) or (C, L) -> (N, C, output_size)."""
    return _adaptive("adaptive_max_pool1d", 1, input, output_size, "max", return_indices)


@dataclass(frozen=True)
class _Window:
    """A pooling's arguments as the kernels take them: (height, width) pairs, padding ((top, bottom),
    (left, right)) with ceil_mode's extra pixels, and `declared`, the padding the caller asked for."""

    kernel: tuple
    strides: tuple
    pads: tuple
    dilation: tuple
    declared: tuple


def _window(function, rank, sizes, kernel_size, stride, padding, dilation, ceil_mode, kind) -> _Window:
    """Check a pooling's arguments as PyTorch does and resolve its padding (see the module's docstring)."""
    kernel = spatial(kernel_size, rank, "kernel_size", function)
    strides = kernel if stride is None or (not isinstance(stride, int) and len(stride) == 0) else \
        spatial(stride, rank, "stride", function)
    pads = spatial(padding, rank, "padding", function, minimum=0)
    dilation = spatial(dilation, rank, "dilation", function)
    spans = [(k - 1) * d + 1 for k, d in zip(kernel, dilation)]
    if any(2 * p > (span if kind == "max" else k) for p, span, k in zip(pads, spans, kernel)):
        raise RuntimeError(f"{function}: pad should be at most half of {'effective ' * (kind == 'max')}kernel size, "
                           f"but got pad={padding}, kernel_size={kernel_size} and dilation={dilation}")
    sides = []
    for size, span, s, p in zip(sizes, spans, strides, pads):
        out = (size + 2 * p - span + (s - 1 if ceil_mode else 0)) // s + 1
        if ceil_mode and (out - 1) * s >= size + p:  # PyTorch: the last window must start inside
            out -= 1
        if out < 1:
            raise RuntimeError(f"{function}: Given input size {tuple(sizes)}, the output size {out} is too small "
                               f"(kernel_size={kernel_size}, stride={stride}, padding={padding}, "
                               f"dilation={dilation})")
        sides.append((p, max(p, (out - 1) * s + span - size - p)))
    declared = tuple((p, p) for p in pads)
    return _Window(on_images(kernel, 1), on_images(strides, 1), on_images(tuple(sides), (0, 0)),
                   on_images(dilation, 1), on_images(declared, (0, 0)))


def _max_pool(function, rank, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    x = tensor_of(input)
    images, unbatched = channels_last(x, rank, function)
    w = _window(function, rank, x.shape[-rank:], kernel_size, stride, padding, dilation, ceil_mode, "max")
    out = wrap(channels_first(kernels.max_pool2d(images, w.kernel, w.strides, w.pads, w.dilation), rank, unbatched))
    if not return_indices:
        return out
    indices = kernels.max_pool2d_indices(images.data, w.kernel, w.strides, w.pads, w.dilation)
    return out, wrap(channels_first(GwTensor(indices), rank, unbatched))


def _avg_pool(function, rank, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor):
    if divisor is not None and divisor == 0:
        raise RuntimeError(f"{function}: divisor must be not zero")
    x = tensor_of(input)
    images, unbatched = channels_last(x, rank, function)
    w = _window(function, rank, x.shape[-rank:], kernel_size, stride, padding, 1, ceil_mode, "avg")
    counted = w.declared if count_include_pad else None
    out = kernels.avg_pool2d(images, w.kernel, w.strides, w.pads, counted, divisor)
    return wrap(channels_first(out, rank, unbatched))


def _adaptive(function, rank, input, output_size, kind, return_indices):
    """Adaptive pooling: a plain pooling when the windows tile the input, else the windows gathered."""
    x = tensor_of(input)
    if x.ndim not in (rank + 1, rank + 2):
        raise RuntimeError(f"{function}: Expected {rank + 1}D or {rank + 2}D tensor, but got {list(x.shape)}")
    sizes = x.shape[-rank:]
    wanted = (output_size,) * rank if output_size is None or isinstance(output_size, int) else tuple(output_size)
    if len(wanted) == 1:
        wanted *= rank
    outs = tuple(size if o is None else o for size, o in zip(sizes, wanted))
    if len(wanted) != rank or any(not isinstance(o, int) or o < 1 for o in outs):
        raise RuntimeError(f"{function}: output_size must be {rank} positive ints (or None), got {output_size!r}")
    if all(size % o == 0 for size, o in zip(sizes, outs)):
        kernel = tuple(size // o for size, o in zip(sizes, outs))
        if kind == "avg":
            return _avg_pool(function, rank, input, kernel, kernel, 0, False, True, None)
        return _max_pool(function, rank, input, kernel, kernel, 0, 1, False, return_indices)
    return _gathered(x, rank, sizes, outs, kind, return_indices)


def _gathered(x, rank, sizes, outs, kind, return_indices):
    """Adaptive pooling over windows that do not tile the input: each window's pixels gathered by gradwork's
    indexing, then averaged, or the first maximum taken (its flat index h * W + w, as PyTorch: ties too)."""
    (rows, real_rows), (cols, real_cols) = ((np.zeros((1, 1), np.int64), np.ones((1, 1), bool)),) * (2 - rank) + \
        tuple(_adaptive_windows(size, o) for size, o in zip(sizes, outs))
    grid = (len(rows), len(cols), -1)  # (Ho, Wo, pixels per window)
    table = (rows[:, None, :, None] * sizes[-1] + cols[None, :, None, :]).reshape(grid)  # flat h * W + w
    real = (real_rows[:, None, :, None] & real_cols[None, :, None, :]).reshape(grid)
    windows = x.reshape(*x.shape[:-rank], -1)[..., table]  # (..., Ho, Wo, pixels)
    indices = None
    if kind == "avg":
        out = (windows * real).sum(axis=-1) / real.sum(axis=-1).astype(x.dtype)
    else:
        first = windows.data.argmax(axis=-1)  # the first maximum; a repeated index comes after it
        out = (windows * (np.arange(table.shape[-1]) == first[..., None])).sum(axis=-1)  # its gradient: there only
        indices = np.take_along_axis(np.broadcast_to(table, windows.shape), first[..., None], -1)[..., 0]
    if rank == 1:  # (..., 1, Lo) -> (..., Lo)
        out = out.reshape(*out.shape[:-2], out.shape[-1])
        indices = None if indices is None else indices[..., 0, :]
    return (wrap(out), wrap(GwTensor(indices))) if return_indices else wrap(out)
