"""Where PyTorch's layout meets gradwork's: the one place images and weights change layout.

PyTorch keeps images as (N, C, H, W) and sequences as (N, C, L); gradwork's kernels take
channels-last images (N, H, W, C) and treat a sequence as an image of height 1, (N, 1, L, C). A
convolution weight is (out, in/groups, kh, kw) in PyTorch and (kh, kw, in/groups, out) in gradwork.
Each conversion is one transpose per call (PyTorch's `x.permute(0, 2, 3, 1)`), a view recorded in the
graph, so gradients flow back through it; the kernels' own copy of the windows is the only copy.
Window arguments come in PyTorch's forms (an int, or one per spatial axis) and leave as pairs.
"""

from __future__ import annotations

import numbers

from ....tensor import Tensor as GwTensor
from ...tensor import as_facade


def tensor_of(x) -> GwTensor | None:
    """An argument (a facade tensor, an array, None) as the gradwork Tensor the kernels take."""
    return None if x is None else as_facade(x)._t


def channels_last(x: GwTensor, rank: int, function: str) -> tuple[GwTensor, bool]:
    """(N, C, *spatial) with `rank` spatial axes (or unbatched (C, *spatial)) as images (N, H, W, C).

    Returns
    -------
    (images, unbatched): a sequence becomes an image of height 1; `unbatched` says that a batch axis was added.

    Raises
    ------
    RuntimeError
        Another number of axes, with PyTorch's message naming `function`.
    """
    if x.ndim not in (rank + 1, rank + 2):
        raise RuntimeError(f"Expected {rank + 1}D (unbatched) or {rank + 2}D (batched) input to {function}, "
                           f"but got input of size: {list(x.shape)}")
    unbatched = x.ndim == rank + 1
    if unbatched:
        x = x.reshape(1, *x.shape)
    if rank == 1:
        x = x.reshape(x.shape[0], x.shape[1], 1, x.shape[2])
    return x.transpose(0, 2, 3, 1), unbatched  # PyTorch's x.permute(0, 2, 3, 1)


def channels_first(y: GwTensor, rank: int, unbatched: bool) -> GwTensor:
    """The inverse of `channels_last`: images (N, H, W, C) back to (N, C, *spatial) (or (C, *spatial))."""
    y = y.transpose(0, 3, 1, 2)  # PyTorch's y.permute(0, 3, 1, 2)
    if rank == 1:
        y = y.reshape(y.shape[0], y.shape[1], y.shape[3])
    return y.reshape(*y.shape[1:]) if unbatched else y


def keras_kernel(weight: GwTensor, rank: int) -> GwTensor:
    """A PyTorch weight (out, in/groups, *kernel) in gradwork's layout (kh, kw, in/groups, out); for a 1-D
    weight kh = 1. (A transposed convolution's weight (in, out/groups, *kernel) becomes (kh, kw,
    out/groups, in) alike, the kernel of the convolution it is the adjoint of.)"""
    if rank == 1:
        weight = weight.reshape(weight.shape[0], weight.shape[1], 1, weight.shape[2])
    return weight.transpose(2, 3, 1, 0)


def spatial(value, rank: int, name: str, function: str, minimum: int = 1) -> tuple[int, ...]:
    """A window argument as one int per spatial axis: PyTorch's int for every axis, or a sequence of `rank`
    (or one) ints, each >= `minimum`.

    Raises
    ------
    ValueError
        Anything else; names `function`, `name` and the value.
    """
    values = (value,) * rank if isinstance(value, numbers.Integral) else tuple(value)
    if len(values) == 1:
        values *= rank
    if (len(values) != rank or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in values)
            or min(values) < minimum):
        kind = "a positive int" if minimum == 1 else f"an int >= {minimum}"
        raise ValueError(f"{function}: {name} must be {kind} or a tuple of {rank} of them, got {value!r}")
    return tuple(int(v) for v in values)


def on_images(values: tuple, fill) -> tuple:
    """Per-spatial-axis values as the (height, width) pair of the images the kernels see: a sequence's one
    value goes to the width, `fill` (the height's own: 1 for a size or step, (0, 0) for padding) to the height."""
    return (fill, *values) if len(values) == 1 else tuple(values)
