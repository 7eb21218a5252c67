"""`F.pad`: constant padding (or cropping, for negative widths) in PyTorch's order of widths."""

from __future__ import annotations

from ....ops.shape_ops import pad as gw_pad
from ...tensor import Tensor, as_facade, wrap


def pad(input: Tensor, pad: tuple[int, ...], mode: str = "constant", value: float | None = None) -> Tensor:
    """`input` padded with `value` (0 by default): `pad` gives (before, after) widths from the LAST dim
    backwards, `(left, right)` for the last dim, then `(top, bottom)` for the one before, as PyTorch.
    A negative width removes that many elements instead.

    Parameters
    ----------
    input : Tensor, any shape with at least len(pad) / 2 dims
    pad : tuple of int, even length
    mode : "constant"
        PyTorch's "reflect", "replicate" and "circular" are not provided: a clear error.
    value : float, optional

    Examples
    --------
    >>> F.pad(torch.ones(1, 2, 3), (1, 1)).shape       # the last dim: 3 -> 5
    torch.Size([1, 2, 5])
    """
    if mode != "constant":
        raise NotImplementedError(f"gradwork.torch's F.pad pads with a constant only; mode {mode!r} is not provided")
    x = as_facade(input)
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ValueError(f"pad: expected an even number of widths, at most 2 per dim of the {x.ndim}-d input, "
                         f"got {tuple(pad)}")
    widths = [(0, 0)] * x.ndim
    for k in range(len(pad) // 2):
        widths[x.ndim - 1 - k] = (int(pad[2 * k]), int(pad[2 * k + 1]))
    crop = tuple(slice(max(-lo, 0), n - max(-hi, 0)) for (lo, hi), n in zip(widths, x.shape))
    grown = [(max(lo, 0), max(hi, 0)) for lo, hi in widths]
    return wrap(gw_pad(x._t[crop], grown, 0 if value is None else value))
