"""What a convolutional network learned: its first layer's filters, and the feature maps its layers
compute for one image.

Each grid of small pictures is drawn as one mosaic image (tiles separated by blank lines), not as
one matplotlib axes per tile: a figure of a hundred maps then takes a fraction of a second.

>>> plot_filters(model.layers[3].kernel, "filters.png")                        # doctest: +SKIP
>>> plot_feature_maps(model, x_test[0], "feature_maps.png", layers=["conv2d", "conv2d_1"])  # doctest: +SKIP
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from ..autograd.grad_mode import no_grad
from ._backend import FilePath, pyplot, save

if TYPE_CHECKING:
    from ..models.model import Model
    from ..nn.layer import Layer


def _array(x):
    """A Parameter's or Tensor's array, or x as an array."""
    return np.asarray(getattr(x, "data", x))


def mosaic(tiles: ArrayLike, columns: int, gap: int = 1, fill: float = np.nan,
           row_gap: int | None = None) -> np.ndarray:
    """Tiles laid out row by row in one image, separated (and bordered) by blank lines of `fill`.

    Parameters
    ----------
    tiles : array_like, shape (n, h, w) or (n, h, w, 3)
    columns : int
        Tiles per row (at most n).
    gap : int
        Pixels between the columns and at the left and right border.
    fill : float
        The value of the blank pixels (NaN: drawn white by the colour maps used here).
    row_gap : int, optional
        Pixels between the rows and at the top and bottom border (default `gap`).

    Returns
    -------
    ndarray of float64, shape (rows * (h + row_gap) + row_gap, columns * (w + gap) + gap[, 3])
        With rows = ceil(n / columns).

    Examples
    --------
    >>> mosaic(np.ones((3, 2, 2)), columns=2).shape
    (7, 7)
    """
    tiles = np.asarray(tiles, dtype=np.float64)
    row_gap = gap if row_gap is None else row_gap
    n, h, w = tiles.shape[:3]
    columns = max(1, min(columns, n))
    rows = -(-n // columns)
    padded = np.full((rows * columns,) + tiles.shape[1:], fill)
    padded[:n] = tiles
    colour = [(0, 0)] * (tiles.ndim - 3)
    padded = np.pad(padded, [(0, 0), (row_gap, 0), (gap, 0)] + colour, constant_values=fill)  # above, left
    grid = padded.reshape((rows, columns, h + row_gap, w + gap) + tiles.shape[3:])
    grid = np.swapaxes(grid, 1, 2).reshape((rows * (h + row_gap), columns * (w + gap)) + tiles.shape[3:])
    return np.pad(grid, [(0, row_gap), (0, gap)] + colour, constant_values=fill)


def _label_tiles(ax, labels, columns, h, w, gap, row_gap, fontsize=7):
    """Write labels[k] in the gap just above tile k of a mosaic drawn in `ax`."""
    for k, label in enumerate(labels):
        row, col = divmod(k, columns)
        ax.text(gap + col * (w + gap) + (w - 1) / 2, (row + 1) * row_gap + row * h - 0.6, label,
                ha="center", va="bottom", fontsize=fontsize)


def _cmap(name):
    """A colour map whose NaN pixels (the mosaic's gaps) are white."""
    import matplotlib

    return matplotlib.colormaps[name].with_extremes(bad="white")


def _clean(ax):
    """No ticks and no frame: the axes shows a picture only."""
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def plot_filters(kernel: ArrayLike, path: FilePath, *, columns: int = 8, max_filters: int = 64,
                 title: str | None = None) -> FilePath:
    """Save the filters of a 2-D convolution kernel as small numbered images on one colour scale, as a PNG.

    Parameters
    ----------
    kernel : array_like, Parameter or Tensor, shape (kh, kw, C, F)
        A Conv2D layer's `kernel`. C = 1: each filter is one patch on a diverging scale centred on
        0 (red positive, blue negative: a filter responds to light where it is red and dark where
        it is blue), shared by all filters, with a colour bar. C = 3: each filter as a colour
        patch, stretched to [0, 1] on its own. Other C: a row of filters per input channel (the
        first 8 channels).
    path : str or os.PathLike
        The PNG file to write.
    columns : int
        Filters per row (C in {1, 3}).
    max_filters : int
        Draw the first this many filters.
    title : str, optional
        Default: the number of filters drawn and their size.

    Returns
    -------
    `path`, the PNG of the filter mosaic.

    Raises
    ------
    ValueError
        If the kernel is not 4-D.
    """
    kernel = _array(kernel)
    if kernel.ndim != 4:
        raise ValueError("plot_filters: expected a kernel of shape (kh, kw, in_channels, filters), "
                         f"got {kernel.shape}")
    kh, kw, c, total = kernel.shape
    f = min(total, max_filters)
    kernel = kernel[..., :f].astype(np.float64)
    if c == 3:
        tiles = np.moveaxis(kernel, 3, 0)                                   # (f, kh, kw, 3)
        low = tiles.min(axis=(1, 2, 3), keepdims=True)
        span = tiles.max(axis=(1, 2, 3), keepdims=True) - low
        tiles = (tiles - low) / np.where(span > 0, span, 1.0)
        labels, cols = [str(k) for k in range(f)], min(columns, f)
    elif c == 1:
        tiles = np.moveaxis(kernel[:, :, 0, :], 2, 0)                           # (f, kh, kw)
        labels, cols = [str(k) for k in range(f)], min(columns, f)
    else:
        channels = min(c, 8)
        tiles = np.moveaxis(kernel[:, :, :channels, :], (2, 3), (0, 1)).reshape(channels * f, kh, kw)
        labels, cols = [f"{k}" if ch == 0 else "" for ch in range(channels) for k in range(f)], f
    row_gap = max(2, round(0.6 * kh))                                         # room for the numbers
    image = mosaic(tiles, cols, fill=1.0 if c == 3 else np.nan, row_gap=row_gap)
    rows = -(-len(tiles) // cols)
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(0.75 * cols + (1.6 if c != 3 else 0.6), 0.85 * rows + 0.9))
    limit = float(np.abs(kernel).max()) or 1.0
    shown = ax.imshow(image, cmap=None if c == 3 else _cmap("RdBu_r"), vmin=None if c == 3 else -limit,
                      vmax=None if c == 3 else limit, interpolation="nearest")
    _label_tiles(ax, labels, cols, kh, kw, 1, row_gap)
    _clean(ax)
    if c != 3:
        fig.colorbar(shown, ax=ax, shrink=0.8, label="weight")
    if c not in (1, 3):
        ax.set_ylabel("input channel 0, 1, ... (one row each)", fontsize=8)
    shape = f"{kh}x{kw}" + (f"x{c}" if c > 1 else "")
    count = f"{f} filters" if f == total else f"the first {f} of {total} filters"
    ax.set_title(title or f"{count}, {shape}", fontsize=10)
    return save(fig, path, crop=True)


def layer_outputs(model: Model, image: ArrayLike,
                  layers: Sequence[str | int | Layer] | None = None) -> list[tuple[Layer, np.ndarray]]:
    """Run `image` through the model's layers one at a time and collect the requested outputs.

    Runs in inference mode (`training=False`) without recording gradients.

    Parameters
    ----------
    model : Model
        A Sequential model (any model whose `layers` run in order, each feeding the next).
    image : array_like or Tensor, shape of the model's input without the batch axis
        One sample (e.g. raw (28, 28) pixels if the model rescales them itself).
    layers : sequence of str, int or Layer, optional
        Names, indices into `model.layers`, or the layers themselves; default every Conv2D.

    Returns
    -------
    list of (Layer, ndarray)
        Each requested layer with its output for the image (batch axis dropped), in model order.

    Raises
    ------
    ValueError
        If a requested layer is not in the model, or by default if it has no Conv2D layer.
    """
    stack = list(model.layers)
    wanted = _resolve(stack, layers)
    x = _array(image)
    x = x[None].astype(model.dtype if x.dtype.kind != "f" else x.dtype)
    results = []
    with no_grad():
        for layer in stack:
            x = layer(x, training=False)
            if id(layer) in wanted:
                results.append((layer, _array(x)[0]))
            if len(results) == len(wanted):
                break
    return results


def _resolve(stack, layers):
    """The ids of the chosen layers (names, indices or the layers themselves)."""
    if layers is None:
        chosen = [layer for layer in stack if type(layer).__name__ == "Conv2D"]
        if not chosen:
            raise ValueError("the model has no Conv2D layer; pass layers=[...] to choose which outputs "
                             "to draw")
        return {id(layer) for layer in chosen}
    by_name = {layer.name: layer for layer in stack}
    ids = set()
    for item in layers:
        if isinstance(item, (int, np.integer)):
            ids.add(id(stack[item]))
        elif isinstance(item, str):
            if item not in by_name:
                raise ValueError(f"no layer named {item!r}; the layers are {', '.join(by_name)}")
            ids.add(id(by_name[item]))
        elif any(item is layer for layer in stack):
            ids.add(id(item))
        else:
            raise ValueError(f"{item!r} is not one of the model's layers")
    return ids


def plot_feature_maps(model: Model, image: ArrayLike, path: FilePath,
                      layers: Sequence[str | int | Layer] | None = None, *, columns: int = 16,
                      max_channels: int = 64, cmap: str = "viridis", title: str | None = None) -> FilePath:
    """Save the input image and, below it, every channel of each requested layer's output, as a PNG.

    A layer's channels share one colour scale (its output's min to max, written in its heading),
    so a channel that stays dark for this image is dark in the picture too.

    Parameters
    ----------
    model, image, layers
        As `layer_outputs` (default: every Conv2D layer). The chosen outputs must be images,
        shape (H, W, C) per sample.
    path : str or os.PathLike
        The PNG file to write.
    columns : int
        Channels per row.
    max_channels : int
        Draw the first this many channels of a layer.
    cmap : str
        The matplotlib colour map of the feature maps.
    title : str, optional
        The input panel's title (default "input").

    Returns
    -------
    `path`, the PNG of the input and its feature maps.

    Raises
    ------
    ValueError
        If a chosen layer's output is not (H, W, C) per sample.
    """
    outputs = layer_outputs(model, image, layers)
    for layer, out in outputs:
        if out.ndim != 3:
            raise ValueError(f"plot_feature_maps: {layer.name} gives outputs of shape {out.shape}, "
                             "not (H, W, C) maps")
    picture = _array(image).astype(np.float64)
    if picture.ndim == 3 and picture.shape[-1] == 1:
        picture = picture[..., 0]
    plt = pyplot()
    sections = []
    for layer, out in outputs:
        n = min(out.shape[-1], max_channels)
        sections.append((layer, out.shape, mosaic(np.moveaxis(out[..., :n], 2, 0), columns)))
    full = max(min(columns, shape[-1], max_channels) for _, shape, _ in sections)  # most tiles in a row
    heights = [2.2]                              # every tile drawn 12 / full inches wide, whatever its pixels
    for _, shape, tile in sections:
        tiles_across = min(columns, shape[-1], max_channels)
        heights.append(12.0 * tiles_across / full * tile.shape[0] / tile.shape[1] + 0.5)
    fig, axes = plt.subplots(len(heights), 1, figsize=(13.4, sum(heights)),
                             gridspec_kw={"height_ratios": heights})
    if picture.ndim == 3:                                           # colour: imshow wants [0, 1]
        picture = np.clip((picture - picture.min()) / max(np.ptp(picture), 1e-12), 0, 1)
    axes[0].imshow(picture, cmap="gray")
    axes[0].set_title(title or "input", fontsize=11)
    _clean(axes[0])
    viridis = _cmap(cmap)
    for ax, (layer, (h, w, channels), tile) in zip(axes[1:], sections):
        low, high = float(np.nanmin(tile)), float(np.nanmax(tile))
        ax.imshow(tile, cmap=viridis, vmin=low, vmax=high if high > low else low + 1, interpolation="nearest")
        _clean(ax)
        n = min(channels, max_channels)
        shown = f"{n} channels" if n == channels else f"the first {n} of {channels} channels"
        ax.set_title(f"{layer.name} ({type(layer).__name__}): {h}x{w}, {shown}, "
                     f"colour scale {low:.2f} to {high:.2f}",
                     fontsize=10)
    return save(fig, path, crop=True)
