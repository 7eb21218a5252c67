"""Grids of images: a batch of samples, and originals above their reconstructions (autoencoders).

Images may be given as (n, H, W), (n, H, W, C) with C in {1, 3, 4}, or flattened (n, H*W), for
which the shape is `image_shape` or, failing that, the square with H*W pixels (784 -> 28 x 28).
All images of one figure share one grey scale (not one per image), so a faint reconstruction
looks faint: [0, 1] when every value lies in it, [0, 255] for bytes, else the joint min and max.
A grid is drawn as one mosaic image (see `features.mosaic`), so a hundred images take a fraction
of a second rather than one matplotlib axes each.

>>> rows = {"2-D code": r2, "32-D code": r32}   # reconstructions of x_test[:10]  # doctest: +SKIP
>>> plot_reconstructions(x_test[:10], rows, "reconstructions.png")              # doctest: +SKIP
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ..tensor import Tensor
from ._backend import FilePath, pyplot, save
from .features import mosaic


def _as_array(images):
    """A Tensor's array, or images as an array."""
    return images.data if isinstance(images, Tensor) else np.asarray(images)


def as_images(images: ArrayLike | Tensor, image_shape: tuple[int, ...] | None = None) -> np.ndarray:
    """Images as an array ready to draw: (n, H, W) for grey, (n, H, W, 3|4) for colour.

    Parameters
    ----------
    images : array_like or Tensor, shape (n, H, W), (n, H, W, C) with C in {1, 3, 4}, or (n, D)
        A single channel is dropped; flattened images are reshaped.
    image_shape : (H, W) or (H, W, C), optional
        The shape of one image, for flattened input (default: the square with D pixels).

    Returns
    -------
    ndarray, shape (n, H, W) or (n, H, W, C) with C in {3, 4}

    Raises
    ------
    ValueError
        If D is not a square and no `image_shape` is given, or the shape cannot be drawn.

    Examples
    --------
    >>> as_images(np.zeros((5, 784))).shape
    (5, 28, 28)
    """
    images = _as_array(images)
    if image_shape is not None:
        images = images.reshape((len(images), *image_shape))
    elif images.ndim == 2:
        side = int(round(np.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise ValueError(f"cannot tell the image shape of {images.shape[1]} values: "
                             "pass image_shape=(H, W)")
        images = images.reshape(len(images), side, side)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim == 3 or (images.ndim == 4 and images.shape[-1] in (3, 4)):
        return images
    raise ValueError(f"expected images of shape (n, H, W), (n, H, W, C) or (n, H*W), got {images.shape}")


def grey_range(*arrays: ArrayLike | Tensor) -> tuple[float, float]:
    """The shared (vmin, vmax) for showing these arrays: (0, 1), (0, 255) or their joint range.

    Parameters
    ----------
    *arrays : array_like or Tensor, any shape

    Returns
    -------
    (float, float)
        (0, 1) when every value lies in it, else (0, 255) when every value lies in that, else the
        joint min and max (max widened by 1 if they are equal).

    Examples
    --------
    >>> grey_range(np.array([0.0, 0.5]), np.array([3.0]))
    (0.0, 255.0)
    """
    arrays = [_as_array(a) for a in arrays]
    low = min(float(a.min()) for a in arrays)
    high = max(float(a.max()) for a in arrays)
    if low >= 0 and high <= 1:
        return 0.0, 1.0
    if low >= 0 and high <= 255:
        return 0.0, 255.0
    return low, high if high > low else low + 1.0


def _draw(images, columns, vmin, vmax, cmap, row_gap_fraction, figure_width=None):
    """A figure with one axes showing the images as a mosaic; returns (fig, ax, layout)."""
    n, h, w = images.shape[:3]
    gap = max(1, round(w / 14))
    row_gap = max(gap, round(row_gap_fraction * h))
    colour = images.ndim == 4
    tiles = images.astype(np.float64)
    if colour:                                    # to [0, 1], alpha dropped; gaps white
        tiles = np.clip((tiles[..., :3] - vmin) / (vmax - vmin), 0.0, 1.0)
    picture = mosaic(tiles, columns, gap=gap, fill=1.0 if colour else np.nan, row_gap=row_gap)
    picture = picture[: len(picture) - row_gap + gap]      # below the last row, a thin border only
    rows = -(-n // columns)
    inches_per_pixel = 1.0 / 30                  # a 28-pixel image is about an inch wide
    width = figure_width or max(2.5, picture.shape[1] * inches_per_pixel)
    height = picture.shape[0] * width / picture.shape[1]
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(width, height))
    if colour:
        ax.imshow(picture, interpolation="nearest")
    else:
        import matplotlib

        shade = matplotlib.colormaps[cmap].with_extremes(bad="white")
        ax.imshow(picture, cmap=shade, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    return fig, ax, {"h": h, "w": w, "gap": gap, "row_gap": row_gap, "rows": rows, "columns": columns}


def _tile_top_centre(k, layout):
    """(x, y) in mosaic pixels of the middle of tile k's top edge."""
    row, column = divmod(k, layout["columns"])
    x = layout["gap"] + column * (layout["w"] + layout["gap"]) + (layout["w"] - 1) / 2
    y = (row + 1) * layout["row_gap"] + row * layout["h"] - 0.5
    return x, y


def plot_image_grid(images: ArrayLike | Tensor, path: FilePath, *, titles: Sequence[str] | None = None,
                    columns: int = 8, image_shape: tuple[int, ...] | None = None, cmap: str = "gray",
                    suptitle: str | None = None, vmin: float | None = None,
                    vmax: float | None = None) -> FilePath:
    """Save a grid of images (row by row) as a PNG, each optionally titled.

    Parameters
    ----------
    images : array_like or Tensor, shape (n, H, W), (n, H, W, C) or (n, D)
        As `as_images`.
    path : str or os.PathLike
        The PNG file to write.
    titles : sequence of str, optional
        One per image.
    columns : int
        Images per row.
    image_shape : (H, W) or (H, W, C), optional
        As `as_images`.
    cmap : str
        The matplotlib colour map of grey images.
    suptitle : str, optional
        The figure's title.
    vmin, vmax : float, optional
        The grey scale (default: `grey_range` of the images).

    Returns
    -------
    `path`, the PNG of the image grid.

    Raises
    ------
    ValueError
        If there are no images, or the number of titles differs from theirs.
    """
    images = as_images(images, image_shape)
    n = len(images)
    if n == 0:
        raise ValueError("plot_image_grid needs at least one image")
    if titles is not None and len(titles) != n:
        raise ValueError(f"got {len(titles)} titles for {n} images")
    auto = grey_range(images)
    vmin, vmax = (auto[0] if vmin is None else vmin), (auto[1] if vmax is None else vmax)
    columns = max(1, min(columns, n))
    fig, ax, layout = _draw(images, columns, vmin, vmax, cmap, 0.45 if titles is not None else 0.0)
    if titles is not None:
        for k, title in enumerate(titles):
            ax.text(*_tile_top_centre(k, layout), str(title), ha="center", va="bottom", fontsize=8)
    if suptitle:
        ax.set_title(suptitle, fontsize=10)
    return save(fig, path, crop=True)


def plot_reconstructions(originals: ArrayLike | Tensor,
                         reconstructions: ArrayLike | Tensor | Mapping[str, ArrayLike]
                         | Sequence[tuple[str, ArrayLike]], path: FilePath, *,
                         titles: Sequence[str] | None = None, image_shape: tuple[int, ...] | None = None,
                         cmap: str = "gray", show_error: bool = True, suptitle: str | None = None) -> FilePath:
    """Save originals (top row) above one or more rows of their reconstructions, as a PNG.

    Parameters
    ----------
    originals : array_like or Tensor, shape (n, H, W), (n, H, W, C) or (n, D)
        One image per column, as `as_images` reads them.
    reconstructions : array_like, dict of str to array_like, or list of (str, array_like)
        The n reconstructions, each with the originals' shape once read as images; a dict
        {row label: images} or a list of (label, images) pairs for several rows (e.g. codes of
        different sizes).
    path : str or os.PathLike
        The PNG file to write.
    titles : sequence of str, optional
        One per column (e.g. class names).
    image_shape : (H, W) or (H, W, C), optional
        As `as_images`.
    cmap : str
        The matplotlib colour map of grey images.
    show_error : bool
        Add each row's mean squared error over these n images to its label.
    suptitle : str, optional
        The figure's title.

    Returns
    -------
    `path`, the PNG of the originals and reconstructions.

    Raises
    ------
    ValueError
        If there are no images, a row's shape differs from the originals', or the number of titles
        differs from n.
    """
    originals = as_images(originals, image_shape)
    if isinstance(reconstructions, dict):
        rows = list(reconstructions.items())
    elif isinstance(reconstructions, (list, tuple)) and reconstructions \
            and isinstance(reconstructions[0], tuple):
        rows = list(reconstructions)
    else:
        rows = [("reconstructed", reconstructions)]
    rows = [(label, as_images(images, originals.shape[1:] if image_shape is None else image_shape))
            for label, images in rows]
    n = len(originals)
    if n == 0:
        raise ValueError("plot_reconstructions needs at least one image")
    for label, images in rows:
        if images.shape != originals.shape:
            raise ValueError(f"reconstructions {label!r} have shape {images.shape}, "
                             f"originals {originals.shape}")
    if titles is not None and len(titles) != n:
        raise ValueError(f"got {len(titles)} titles for {n} columns")
    labels = ["original"]
    for label, images in rows:
        if show_error:
            mse = float(np.mean((images.astype(np.float64) - originals.astype(np.float64)) ** 2))
            label = f"{label}\nMSE {mse:.4f}"
        labels.append(label)
    vmin, vmax = grey_range(originals, *[images for _, images in rows])
    stacked = np.concatenate([originals, *[images for _, images in rows]])
    fig, ax, layout = _draw(stacked, n, vmin, vmax, cmap, 0.1)
    for r, label in enumerate(labels):
        _, top = _tile_top_centre(r * n, layout)
        ax.text(-layout["gap"], top + layout["h"] / 2, label, ha="right", va="center", fontsize=9)
    if titles is not None:
        for c, title in enumerate(titles):
            x, top = _tile_top_centre(c, layout)
            ax.text(x, top - layout["row_gap"], str(title), ha="center", va="bottom", fontsize=8)
    if suptitle:
        ax.set_title(suptitle, fontsize=10, pad=18 if titles is not None else 6)
    return save(fig, path, crop=True)
