"""Image resampling: resize and affine (projective) transforms of channels-last images.

Both are one operation: every output pixel reads the input at a (row, column) position, as the
nearest pixel or as the bilinear blend of the four pixels around it. Each read is a gather and each
blend a weighted sum, so the result is differentiable with respect to the images (the gradient is
a scatter-add, by the gather's own backward) and twice differentiable for free. The positions
themselves are constants: no gradient flows into sizes or transform parameters.

Positions outside the image are read as `fill_mode` says, pixel by pixel (each of the four
corners of a bilinear blend on its own):

- "constant": `fill_value` (k k k k | a b c d | k k k k)
- "nearest": the edge pixel (a a a a | a b c d | d d d d)
- "reflect": mirrored about the edge, the edge pixel repeated (d c b a | a b c d | d c b a)
- "wrap": the image repeated (a b c d | a b c d | a b c d)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ...tensor import Tensor, as_tensor

FILL_MODES = ("constant", "nearest", "reflect", "wrap")
INTERPOLATIONS = ("bilinear", "nearest")
COORDINATES = {"bilinear": ("half_pixel", "align_corners"), "nearest": ("half_pixel", "asymmetric")}


def fold_index(index: np.ndarray, size: int, fill_mode: str) -> np.ndarray:
    """Integer positions along an axis of `size` pixels mapped into [0, size) as `fill_mode` says.

    "constant" clips (the caller masks those positions out and reads `fill_value` instead).
    """
    if fill_mode in ("nearest", "constant"):
        return np.clip(index, 0, size - 1)
    if fill_mode == "wrap":
        return np.mod(index, size)
    folded = np.mod(index, 2 * size)                     # reflect: a period of 2 * size, mirrored
    return np.where(folded < size, folded, 2 * size - 1 - folded)


def _check(name, value, allowed, where):
    if value not in allowed:
        raise ValueError(f"{where}: {name} must be one of {', '.join(map(repr, allowed))}, got {value!r}")


def _corners(positions, interpolation):
    """(integer position, weight) pairs along one axis: one for nearest (halves round up), two for bilinear."""
    if interpolation == "nearest":
        return [(np.floor(positions + 0.5).astype(np.intp), 1.0)]
    low = np.floor(positions)
    frac = positions - low
    low = low.astype(np.intp)
    return [(low, 1.0 - frac), (low + 1, frac)]


def sample(x: Tensor, rows: np.ndarray, cols: np.ndarray, interpolation: str = "bilinear",
           fill_mode: str = "constant", fill_value: float = 0.0) -> Tensor:
    """Read a batch of images at fractional positions: out[n, i, j] = x[n] at (rows[n, i, j], cols[n, i, j]).

    Parameters
    ----------
    x : Tensor, shape (N, H, W, C), floating point
    rows, cols : float arrays, broadcastable to (N, h, w) (a leading 1 shares them across the batch)
        Positions in pixel units: 0 is the centre of the first pixel, H - 1 of the last.
    interpolation : "bilinear" or "nearest"
    fill_mode, fill_value
        How positions outside the image read (see the module notes).

    Returns
    -------
    Tensor, shape (N, h, w, C), x's dtype
    """
    n, height, width = x.shape[:3]
    rows, cols = np.broadcast_arrays(np.asarray(rows, np.float64), np.asarray(cols, np.float64))
    batch = np.arange(n).reshape((n,) + (1,) * (rows.ndim - 1))
    out, filled = None, 0.0
    for r, row_weight in _corners(rows, interpolation):
        for c, col_weight in _corners(cols, interpolation):
            weight = row_weight * col_weight * np.ones(rows.shape)
            if fill_mode == "constant":
                inside = (r >= 0) & (r < height) & (c >= 0) & (c < width)
                filled = filled + weight * ~inside
                weight = weight * inside
            term = x[batch, fold_index(r, height, fill_mode), fold_index(c, width, fill_mode)]
            term = term * weight[..., None].astype(x.dtype)
            out = term if out is None else out + term
    if fill_mode == "constant" and fill_value != 0:
        out = out + (filled * fill_value)[..., None].astype(x.dtype)
    return out


def _as_batch(x, where):
    x = as_tensor(x)
    if x.ndim not in (3, 4):
        raise ValueError(f"{where}: expected images of shape (height, width, channels) or "
                         f"(batch, height, width, channels), got shape {x.shape}")
    if x.dtype.kind != "f":
        raise TypeError(f"{where}: expected floating-point images, got dtype {x.dtype}; cast them first")
    return x, x.ndim == 3


def source_positions(in_size: int, out_size: int, interpolation: str, coordinates: str,
                     scale: float | None = None) -> np.ndarray:
    """Where each of `out_size` output pixels reads along an input axis of `in_size` pixels: (out_size,).

    `scale` is the input step per output pixel (default in_size / out_size). "half_pixel" aligns pixel
    centres (Keras, TensorFlow, PyTorch with align_corners=False); "align_corners" maps the first and
    last centres onto each other; "asymmetric" maps output 0 to input 0 (PyTorch's "nearest"). Nearest
    positions come out as whole numbers: floor((i + 1/2) * scale) for half_pixel, floor(i * scale) for
    asymmetric, at most in_size - 1.
    """
    dst = np.arange(out_size, dtype=np.float64)
    scale = in_size / out_size if scale is None else scale
    if coordinates == "align_corners":
        return dst * ((in_size - 1) / (out_size - 1) if out_size > 1 else 0.0)
    if interpolation == "nearest":
        offset = 0.5 if coordinates == "half_pixel" else 0.0
        return np.minimum(np.floor((dst + offset) * scale), in_size - 1)
    return np.clip((dst + 0.5) * scale - 0.5, 0, in_size - 1)


def resize(x: Tensor | ArrayLike, size: Sequence[int], interpolation: str = "bilinear",
           coordinates: str = "half_pixel", scales: Sequence[float | None] = (None, None)) -> Tensor:
    """Resize channels-last images to `size` = (height, width), differentiable with respect to them.

    Parameters
    ----------
    x : Tensor or array_like, shape (N, H, W, C) or (H, W, C), floating point
    size : (int, int)
    interpolation : "bilinear" or "nearest"
    coordinates : str
        "half_pixel" (both), "align_corners" (bilinear) or "asymmetric" (nearest); see `source_positions`.
        No antialiasing: downsampling blends only the two nearest input pixels per axis.
    scales : (float or None, float or None)
        The input step per output pixel along height and width; None: input size / output size.

    Returns
    -------
    Tensor, shape (N, height, width, C) or (height, width, C)
    """
    x, single = _as_batch(x, "resize")
    _check("interpolation", interpolation, INTERPOLATIONS, "resize")
    _check("coordinates", coordinates, COORDINATES[interpolation], f"resize ({interpolation})")
    batch = x[None] if single else x
    rows = source_positions(batch.shape[1], int(size[0]), interpolation, coordinates, scales[0])
    cols = source_positions(batch.shape[2], int(size[1]), interpolation, coordinates, scales[1])
    out = sample(batch, rows[None, :, None], cols[None, None, :], interpolation, "nearest")
    return out[0] if single else out


def affine_transform(x: Tensor | ArrayLike, transforms: ArrayLike, interpolation: str = "bilinear",
                     fill_mode: str = "constant", fill_value: float = 0.0) -> Tensor:
    """Apply one projective transform per image (Keras's `ops.image.affine_transform`, channels last).

    Parameters
    ----------
    x : Tensor or array_like, shape (N, H, W, C) or (H, W, C), floating point
    transforms : array_like, shape (8,) or (N, 8)
        Rows [a0, a1, a2, b0, b1, b2, c0, c1]: output pixel (x, y) (column, row) reads the input at
        ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1. A single row serves
        every image.
    interpolation : "bilinear" or "nearest"
    fill_mode : "constant", "nearest", "reflect" or "wrap"
    fill_value : float

    Returns
    -------
    Tensor, the shape of x
    """
    x, single = _as_batch(x, "affine_transform")
    _check("interpolation", interpolation, INTERPOLATIONS, "affine_transform")
    _check("fill_mode", fill_mode, FILL_MODES, "affine_transform")
    t = np.asarray(transforms, dtype=np.float64)
    batch = x[None] if single else x
    if t.ndim == 1:
        t = t[None]
    if t.ndim != 2 or t.shape[1] != 8 or t.shape[0] not in (1, batch.shape[0]):
        raise ValueError(f"affine_transform: transforms must have shape (8,) or ({batch.shape[0]}, 8), "
                         f"got {np.shape(transforms)}")
    ys = np.arange(batch.shape[1], dtype=np.float64)[None, :, None]
    xs = np.arange(batch.shape[2], dtype=np.float64)[None, None, :]
    a0, a1, a2, b0, b1, b2, c0, c1 = (t[:, k, None, None] for k in range(8))
    k = c0 * xs + c1 * ys + 1.0
    out = sample(batch, (b0 * xs + b1 * ys + b2) / k, (a0 * xs + a1 * ys + a2) / k, interpolation,
                 fill_mode, fill_value)
    return out[0] if single else out
