"""Pictures of optimization: iterates on a contour plot (or on a curve), loss curves, gradient fields.

The functions to draw are plain callables on NumPy arrays that work elementwise, such as
`lambda x, y: x**2 / 20 + y**2`; written with arithmetic operators, the same callable also works
on gradwork Tensors, so one definition serves both the optimizer (with autograd) and the picture.

>>> f = lambda x, y: x**2 / 20 + y**2
>>> plot_optimizer_paths(f, {"SGD": sgd_path, "Adam": adam_path}, "paths.png")   # doctest: +SKIP
>>> plot_loss_curves({"SGD": sgd_losses, "Adam": adam_losses}, "loss.png", logy=True)  # doctest: +SKIP
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import ArrayLike

from ._backend import FilePath, pyplot, save


def _as_path(points):
    """An iterate sequence as an (n, d) float array (d = 1 or 2)."""
    arr = np.asarray(points, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[1] not in (1, 2) or len(arr) == 0:
        raise ValueError(
            f"a path must have shape (steps, 1) or (steps, 2) (or (steps,)), got {np.shape(points)}")
    return arr


def _limits(values, given, margin=0.15):
    """`given`, or the range of the finite `values` widened by `margin` on each side."""
    if given is not None:
        return tuple(given)
    finite = values[np.isfinite(values)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    pad = margin * (hi - lo) if hi > lo else 1.0
    return lo - pad, hi + pad


def _contour_levels(z, levels, log_levels):
    """Contour levels: `levels` as given, or that many, spaced evenly (in log10 if log_levels)."""
    if not isinstance(levels, (int, np.integer)):
        return np.sort(np.asarray(levels, dtype=np.float64))
    if not log_levels:
        finite = z[np.isfinite(z)]
        return np.linspace(float(finite.min()), float(finite.max()), int(levels) + 2)[1:-1]
    positive = z[np.isfinite(z) & (z > 0)]
    lo = max(float(positive.min()), float(positive.max()) * 1e-8)
    return np.logspace(math.log10(lo), math.log10(float(positive.max())), int(levels))


def _draw_path(ax, p, color, label=None):
    marker = 3 if len(p) <= 120 else 1.2  # long paths: small dots, so the line stays visible
    ax.plot(p[:, 0], p[:, 1], "o-", color=color, markersize=marker, linewidth=1.2, label=label)
    ax.plot(p[0, 0], p[0, 1], "s", color=color, markersize=6, markeredgecolor="black")


def plot_optimizer_paths(f: Callable[..., ArrayLike], paths: Mapping[str, ArrayLike], path: FilePath, *,
                         xlim: tuple[float, float] | None = None, ylim: tuple[float, float] | None = None,
                         levels: int | ArrayLike = 20, log_levels: bool = False,
                         minimum: float | tuple[float, float] | None = None, overlay: bool = False,
                         columns: int = 3, title: str | None = None, labels: tuple[str, str] = ("x", "y"),
                         aspect: str | None = None, grid: int = 240) -> FilePath:
    """Save the iterates of one or more optimizers, drawn on the level sets of `f`, as a PNG.

    2-D paths are drawn over contour lines of f (the start a square, the iterates dots); 1-D paths
    as dots on the curve y = f(x).

    Parameters
    ----------
    f : callable
        f(x, y) on ndarrays of equal shape, returning that shape (2-D problems), or f(x) (1-D).
    paths : dict of str to array_like, shape (steps + 1, 2) or (steps + 1,)
        The iterates of each optimizer, one row per step, the starting point first. All 2-D or
        all 1-D ((steps + 1, 1) is read as 1-D).
    path : str or os.PathLike
        The PNG file to write.
    xlim, ylim : (float, float), optional
        The window; by default it covers every path with a margin.
    levels : int or array_like
        Number of contour levels, or their values.
    log_levels : bool
        Space the levels evenly in log10 (for functions such as Rosenbrock's whose values span
        many decades).
    minimum : (float, float) or float, optional
        The minimum (x, y) (or x), marked with a cross.
    overlay : bool
        All paths in one panel (colours and a legend) instead of one panel per optimizer.
    columns : int
        Panels per row when not overlaid.
    title : str, optional
        The figure's title.
    labels : (str, str)
        The axis labels (for 1-D problems the first, and "f(x)").
    aspect : str, optional
        "equal" draws both axes to the same scale (circles stay round); default automatic.
    grid : int
        Points per axis at which f is evaluated for the contours (or the curve).

    Returns
    -------
    `path`, the PNG of the paths.

    Raises
    ------
    ValueError
        If `paths` is empty, a path has another shape, or 1-D and 2-D paths are mixed.
    """
    if not paths:
        raise ValueError("plot_optimizer_paths needs at least one path")
    named = {str(name): _as_path(p) for name, p in paths.items()}
    dims = {p.shape[1] for p in named.values()}
    if len(dims) != 1:
        raise ValueError("all paths must have the same dimension (all 1-D or all 2-D)")
    dim = dims.pop()
    stacked = np.concatenate(list(named.values()))
    xlim = _limits(stacked[:, 0], xlim)
    plt = pyplot()
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    n_panels = 1 if overlay else len(named)
    cols = min(columns, n_panels)
    rows = math.ceil(n_panels / cols)
    if dim == 2:
        ylim = _limits(stacked[:, 1], ylim)
    width = 4.3
    if dim == 2 and aspect == "equal":  # size the panels to the window's shape, not a fixed one
        width = 1.0 + 2.7 * min(max((xlim[1] - xlim[0]) / (ylim[1] - ylim[0]), 0.5), 2.5)
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, 3.6 * rows), squeeze=False)
    for ax in axes.ravel()[n_panels:]:
        ax.axis("off")
    panels = axes.ravel()[:n_panels]

    if dim == 2:
        gx, gy = np.meshgrid(np.linspace(*xlim, grid), np.linspace(*ylim, grid))
        z = np.asarray(f(gx, gy), dtype=np.float64)
        lev = _contour_levels(z, levels, log_levels)
        for ax in panels:
            # coloured by rank, so log-spaced levels use the whole colour map
            ax.contour(gx, gy, z, levels=lev, colors=plt.cm.viridis(np.linspace(0, 0.9, len(lev))),
                       linewidths=0.8, alpha=0.8)
            if minimum is not None:
                ax.plot(*minimum, "+", color="black", markersize=12, markeredgewidth=2)
            ax.set_xlim(*xlim)
            ax.set_ylim(*ylim)
            ax.set_xlabel(labels[0])
            ax.set_ylabel(labels[1])
            if aspect is not None:
                ax.set_aspect(aspect)
    else:
        xs = np.linspace(*xlim, grid)
        ys = np.asarray(f(xs), dtype=np.float64)
        for ax in panels:
            ax.plot(xs, ys, color="0.55", linewidth=1.5)
            if minimum is not None:
                ax.plot(float(np.ravel(minimum)[0]), float(f(np.asarray(np.ravel(minimum)[0]))), "+",
                        color="black", markersize=12, markeredgewidth=2)
            ax.set_xlim(*xlim)
            ax.set_xlabel(labels[0])
            ax.set_ylabel(f"f({labels[0]})")

    for k, (name, p) in enumerate(named.items()):
        ax = panels[0] if overlay else panels[k]
        color = colors[k % len(colors)] if overlay else "tab:red"
        if dim == 2:
            _draw_path(ax, p, color, label=name)
        else:
            values = np.asarray(f(p[:, 0]), dtype=np.float64)
            ax.plot(p[:, 0], values, "o-", color=color, markersize=3, linewidth=0.8, label=name, alpha=0.9)
            ax.plot(p[0, 0], values[0], "s", color=color, markersize=6, markeredgecolor="black")
        if not overlay:
            ax.set_title(name)
    if overlay and len(named) > 1:
        panels[0].legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return save(fig, path)


def _moving_average(values, window):
    """Mean of the last `window` values at each point (fewer at the start)."""
    csum = np.cumsum(np.insert(values, 0, 0.0))
    idx = np.arange(1, len(values) + 1)
    lo = np.maximum(idx - window, 0)
    return (csum[idx] - csum[lo]) / (idx - lo)


def plot_loss_curves(curves: Mapping[str, ArrayLike | tuple[ArrayLike, ArrayLike]], path: FilePath, *,
                     xlabel: str = "step", ylabel: str = "loss", logy: bool = False, smooth: int | None = None,
                     title: str | None = None, first_step: int = 0) -> FilePath:
    """Save several loss curves in one panel, one line per name, as a PNG.

    Parameters
    ----------
    curves : dict of str to array_like, shape (n,), or to a pair (steps, values) of shape (n,) each
        The values, one per step or epoch; the pair form when they were not recorded at every step.
    path : str or os.PathLike
        The PNG file to write.
    xlabel, ylabel, title : str
        The axis labels and an optional title.
    logy : bool
        Logarithmic loss axis (for losses that fall by decades).
    smooth : int, optional
        A window length: draw each noisy curve faintly and its moving average over that many
        values on top (for mini-batch losses).
    first_step : int
        The step number of each plain sequence's first value (1 for epochs counted from 1).

    Returns
    -------
    `path`, the PNG of the curves.
    """
    if not curves:
        raise ValueError("plot_loss_curves needs at least one curve")
    plt = pyplot()
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for k, (name, values) in enumerate(curves.items()):
        if isinstance(values, tuple) and len(values) == 2 and np.ndim(values[0]) == 1:
            steps, values = np.asarray(values[0]), np.asarray(values[1], dtype=np.float64)
        else:
            values = np.asarray(values, dtype=np.float64)
            steps = np.arange(first_step, first_step + len(values))
        color = colors[k % len(colors)]
        if smooth and smooth > 1 and len(values) > 1:
            ax.plot(steps, values, color=color, alpha=0.25, linewidth=0.8)
            ax.plot(steps, _moving_average(values, int(smooth)), color=color, linewidth=1.6, label=str(name))
        else:
            ax.plot(steps, values, color=color, linewidth=1.6, label=str(name),
                    marker="o" if len(values) <= 30 else None, markersize=3)
    if logy:
        ax.set_yscale("log")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # steps and epochs are whole numbers
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3, which="both" if logy else "major")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return save(fig, path)


def plot_gradient_field(grad: Callable[[np.ndarray], ArrayLike], path: FilePath, *,
                        xlim: tuple[float, float] = (-2.0, 2.0), ylim: tuple[float, float] = (-2.0, 2.0),
                        points: int = 18, f: Callable[[np.ndarray, np.ndarray], ArrayLike] | None = None,
                        title: str | None = None) -> FilePath:
    """Save arrows of the negative gradient -grad(p) on a grid (where gradient descent moves), as a PNG.

    Parameters
    ----------
    grad : callable
        Takes a point, an ndarray of shape (2,), and returns the gradient there, shape (2,)
        (for example `lambda p: gw.numerical_gradient(f_of_vector, p)`).
    path : str or os.PathLike
        The PNG file to write.
    xlim, ylim : (float, float)
        The window.
    points : int
        Arrows per axis.
    f : callable, optional
        f(x, y) on ndarrays of equal shape, drawn as faint contour lines under the arrows.
    title : str, optional

    Returns
    -------
    `path`, the PNG of the arrows.
    """
    gx, gy = np.meshgrid(np.linspace(*xlim, points), np.linspace(*ylim, points))
    grads = np.empty((2,) + gx.shape)
    for idx in np.ndindex(gx.shape):
        grads[(slice(None),) + idx] = np.asarray(grad(np.array([gx[idx], gy[idx]], dtype=np.float64)))
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.2, 4.6))
    if f is not None:
        cx, cy = np.meshgrid(np.linspace(*xlim, 200), np.linspace(*ylim, 200))
        ax.contour(cx, cy, np.asarray(f(cx, cy), dtype=np.float64), levels=12, colors="0.75", linewidths=0.7)
    ax.quiver(gx, gy, -grads[0], -grads[1], angles="xy", color="#444444")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("x0")
    ax.set_ylabel("x1")
    ax.set_aspect("equal")
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    return save(fig, path)


__all__ = ["plot_gradient_field", "plot_loss_curves", "plot_optimizer_paths"]
