"""Image augmentation on whole batches: random whole-pixel shifts and random flips.

Every function works on a batch of images (N, H, W) or (N, H, W, C), draws one offset (or one
coin) per image, and moves the pixels with one fancy-indexing gather: no Python loop over samples
or pixels. The image keeps its dtype (uint8 pixels stay uint8). Draws come from gradwork's
generator (`gw.random.seed(n)` makes them repeatable) unless `seed` is given.

The gather is split in two so that the `RandomTranslation` and `RandomFlip` layers apply the very
same moves to tensors: `shift_index` / `flip_index` build the (pad widths, index) pair, and
`padded[index]` applies it to an array or a Tensor alike.

>>> x = np.arange(2 * 3 * 3).reshape(2, 3, 3)
>>> shift_images(x, dy=[1, 0], dx=[0, -1]).tolist()   # image 0 down one row, image 1 left one column
[[[0, 0, 0], [0, 1, 2], [3, 4, 5]], [[10, 11, 0], [13, 14, 0], [16, 17, 0]]]
"""
import numpy as np
from numpy.typing import ArrayLike

from ..ops.nn.image import FILL_MODES, fold_index
from .utils import Seed, as_generator

FLIP_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


def _check_images(images, where):
    if images.ndim not in (3, 4):
        raise ValueError(f"{where}: expected images of shape (N, H, W) or (N, H, W, C), "
                         f"got shape {images.shape}")


def _offsets(values, n, name):
    """Per-image offsets as an int array of shape (n,): one int for all, or one per image."""
    values = np.asarray(values)
    whole = values.dtype.kind in "iu" or (values.dtype.kind == "f" and np.all(values == np.round(values)))
    if not whole:
        raise TypeError(f"{name} must hold whole numbers of pixels, got {values!r}")
    values = np.broadcast_to(values.astype(np.intp), (n,)) if values.ndim == 0 else values.astype(np.intp)
    if values.shape != (n,):
        raise ValueError(f"{name} must be one int or one per image ({n}), got shape {values.shape}")
    return values


def _source_positions(size, offsets, fill_mode, pad):
    """Where each output pixel along one axis comes from, per image: (N, size) indices.

    Output position i of an image shifted by d takes input position i - d. Positions outside
    [0, size) are mapped as `fill_mode` says; for "constant" they point into a border of width
    `pad` (added around the input) that holds the fill value.
    """
    source = np.arange(size)[None, :] - offsets[:, None]
    if fill_mode == "constant":
        return np.clip(source, -pad, size - 1 + pad) + pad     # clipped points stay in the border
    return fold_index(source, size, fill_mode)                  # the resampling kernels' own rule


def shift_index(shape: tuple[int, ...], dy: ArrayLike, dx: ArrayLike,
                fill_mode: str = "constant") -> tuple[tuple | None, tuple[np.ndarray, ...]]:
    """The gather that shifts each image of a batch of `shape` by (dy[k], dx[k]) pixels.

    Parameters
    ----------
    shape : (N, H, W) or (N, H, W, C)
    dy, dx : int, or int array of shape (N,)
        Positive dy moves the content down, positive dx moves it right (Keras's convention).
    fill_mode : "constant", "nearest", "reflect" or "wrap"
        What fills the uncovered pixels: a fill value, the edge pixel repeated, the image mirrored
        about the edge (the edge pixel included), or the image repeated.

    Returns
    -------
    (pad_width, index)
        Pad the images with `pad_width` (np.pad's form, filled with the fill value; None: no
        padding), then `padded[index]` is the shifted batch, of `shape`.
    """
    if fill_mode not in FILL_MODES:
        raise ValueError(f"fill_mode must be one of {', '.join(FILL_MODES)}, got {fill_mode!r}")
    n, h, w = shape[:3]
    dy, dx = _offsets(dy, n, "dy"), _offsets(dx, n, "dx")
    pad_h = int(min(np.abs(dy).max(initial=0), h))
    pad_w = int(min(np.abs(dx).max(initial=0), w))
    rows = _source_positions(h, dy, fill_mode, pad_h)
    cols = _source_positions(w, dx, fill_mode, pad_w)
    index = (np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :])
    pad_width = None
    if fill_mode == "constant" and (pad_h or pad_w):
        pad_width = ((0, 0), (pad_h, pad_h), (pad_w, pad_w)) + ((0, 0),) * (len(shape) - 3)
    return pad_width, index


def shift_images(images: ArrayLike, dy: ArrayLike, dx: ArrayLike, fill_mode: str = "constant",
                 fill_value: float = 0) -> np.ndarray:
    """Shift each image of a batch by its own whole number of pixels.

    Parameters
    ----------
    images : array, shape (N, H, W) or (N, H, W, C)
    dy, dx : int, or int array of shape (N,)
        Down and right positive.
    fill_mode, fill_value
        What fills the uncovered border (see `shift_index`).

    Returns
    -------
    ndarray, same shape and dtype as images
    """
    images = np.asarray(images)
    _check_images(images, "shift_images")
    pad_width, index = shift_index(images.shape, dy, dx, fill_mode)
    padded = images if pad_width is None else np.pad(images, pad_width, constant_values=fill_value)
    return padded[index]


def flip_index(shape: tuple[int, ...], horizontal: ArrayLike | None = None,
               vertical: ArrayLike | None = None) -> tuple[np.ndarray, ...]:
    """The gather that mirrors the chosen images of a batch of `shape` (N, H, W[, C]).

    Parameters
    ----------
    shape : (N, H, W) or (N, H, W, C)
    horizontal, vertical : bool array, shape (N,), optional
        True for the images to mirror left-right (columns reversed) or top-bottom (rows
        reversed); None for none.

    Returns
    -------
    tuple of int arrays
        An index such that `images[index]` is the flipped batch.
    """
    n, h, w = shape[:3]
    rows, cols = np.broadcast_to(np.arange(h), (n, h)), np.broadcast_to(np.arange(w), (n, w))
    if vertical is not None:
        rows = np.where(np.asarray(vertical, dtype=bool)[:, None], h - 1 - rows, rows)
    if horizontal is not None:
        cols = np.where(np.asarray(horizontal, dtype=bool)[:, None], w - 1 - cols, cols)
    return np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]


def flip_images(images: ArrayLike, horizontal: ArrayLike | None = None,
                vertical: ArrayLike | None = None) -> np.ndarray:
    """Mirror the chosen images of a batch (N, H, W[, C]): `horizontal` / `vertical` are (N,) booleans
    (or None), as `flip_index` takes them; the result has the shape and dtype of images."""
    images = np.asarray(images)
    _check_images(images, "flip_images")
    return images[flip_index(images.shape, horizontal, vertical)]


def draw_shifts(n: int, max_dy: int | tuple[int, int], max_dx: int | tuple[int, int],
                seed: Seed = None) -> tuple[np.ndarray, np.ndarray]:
    """(dy, dx): int arrays of shape (n,), uniform in [-max_dy, max_dy] and [-max_dx, max_dx].

    max_dy, max_dx : an int (symmetric range) or a (low, high) pair.
    seed : None (gradwork's generator), an int or a numpy Generator.
    """
    rng = as_generator(seed)
    (lo_y, hi_y), (lo_x, hi_x) = _bounds(max_dy, "max_dy"), _bounds(max_dx, "max_dx")
    return rng.integers(lo_y, hi_y + 1, size=n), rng.integers(lo_x, hi_x + 1, size=n)


def _bounds(value, name):
    if isinstance(value, (tuple, list)):
        low, high = (int(v) for v in value)
    else:
        low, high = -abs(int(value)), abs(int(value))
    if low > high:
        raise ValueError(f"{name}: the lower bound {low} is above the upper bound {high}")
    return low, high


def draw_flips(n: int, mode: str = "horizontal",
               seed: Seed = None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(horizontal, vertical): bool arrays of shape (n,), per-image coins (probability 1/2 each) for the
    axes `mode` names ("horizontal", "vertical" or "horizontal_and_vertical"); None for the other."""
    if mode not in FLIP_MODES:
        raise ValueError(f"mode must be one of {', '.join(FLIP_MODES)}, got {mode!r}")
    rng = as_generator(seed)
    horizontal = rng.random(n) < 0.5 if "horizontal" in mode else None
    vertical = rng.random(n) < 0.5 if "vertical" in mode else None
    return horizontal, vertical


def random_shift(images: ArrayLike, max_dx: int | tuple[int, int], max_dy: int | tuple[int, int],
                 fill_mode: str = "constant", fill_value: float = 0, seed: Seed = None) -> np.ndarray:
    """Shift each image by its own random whole number of pixels (the width range comes first, as
    in Keras's old `random_shift`).

    Parameters
    ----------
    images : array, shape (N, H, W) or (N, H, W, C)
    max_dx, max_dy : int or (int, int)
        The largest shift in pixels: an int for [-m, m], or a (low, high) pair.
    fill_mode, fill_value
        See `shift_index`.
    seed : None (gradwork's generator), int or numpy Generator

    Returns
    -------
    ndarray, same shape and dtype as images
    """
    images = np.asarray(images)
    _check_images(images, "random_shift")
    dy, dx = draw_shifts(len(images), max_dy, max_dx, seed)
    return shift_images(images, dy, dx, fill_mode, fill_value)


def random_flip(images: ArrayLike, mode: str = "horizontal", seed: Seed = None) -> np.ndarray:
    """Mirror each image of a batch (N, H, W[, C]) with probability 1/2: "horizontal" (left-right),
    "vertical" (top-bottom) or "horizontal_and_vertical" (each axis on its own coin); the result has
    the shape and dtype of images. seed: as `random_shift` takes it."""
    images = np.asarray(images)
    _check_images(images, "random_flip")
    horizontal, vertical = draw_flips(len(images), mode, seed)
    return flip_images(images, horizontal, vertical)
