"""Plots in the plane of two features: a classifier's decision regions, and points coloured by class.

A classifier on 2-D inputs is easiest to understand by looking at it: evaluate it on a fine grid
covering the data, colour every grid cell by the class it predicts (a filled contour map), draw
the lines where the prediction changes, and put the training points on top. A perceptron gives a
straight line; a hidden layer bends it.

>>> model.fit(x, y, epochs=200, verbose=0)                           # doctest: +SKIP
>>> plot_decision_boundary(model, x, y, "boundary.png", class_names=["red", "blue"])  # doctest: +SKIP

Every function takes the classifier as a gradwork `Model` (anything with `.predict`) or as a plain
function from an array (n, 2) to outputs. Outputs are read as class labels this way:
(n, k) with k > 1: argmax (probabilities or logits); (n,) or (n, 1) floats: `output > threshold`
(0.5 for a sigmoid, 0 for a logit); (n,) integers: the labels themselves.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from ..tensor import Tensor
from ._backend import FilePath, pyplot, save

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..models.model import Model


def class_colors(n_classes: int) -> list[tuple[float, float, float, float]]:
    """`n_classes` distinct RGBA colours (matplotlib's tab10, then tab20, then a hue circle).

    Examples
    --------
    >>> len(class_colors(3)), len(class_colors(3)[0])
    (3, 4)
    """
    plt = pyplot()
    if n_classes <= 10:
        return [plt.get_cmap("tab10")(i) for i in range(n_classes)]
    if n_classes <= 20:
        return [plt.get_cmap("tab20")(i) for i in range(n_classes)]
    return [plt.get_cmap("hsv")(i / n_classes) for i in range(n_classes)]


def predict_classes(model_or_predict_fn: Model | Callable[[np.ndarray], ArrayLike], x: ArrayLike,
                    threshold: float = 0.5, batch_size: int = 4096) -> np.ndarray:
    """The class label a classifier predicts for each row of x.

    Parameters
    ----------
    model_or_predict_fn : Model or callable
        A `Model` (its `.predict` is used) or a callable x -> outputs, read as labels as the
        module docstring says.
    x : array_like, shape (n, d)
    threshold : float
        The cut for a single output column.
    batch_size : int
        Passed to `Model.predict`.

    Returns
    -------
    ndarray of int64, shape (n,)

    Raises
    ------
    TypeError
        If the classifier is neither a Model nor a callable.
    ValueError
        If it returns another number of outputs than rows of x, or outputs of rank above 2.

    Examples
    --------
    >>> predict_classes(lambda x: x[:, 0] - x[:, 1], [[1.0, 0.0], [0.0, 1.0]], threshold=0.0).tolist()
    [1, 0]
    """
    x = np.asarray(x)
    if hasattr(model_or_predict_fn, "predict"):
        out = model_or_predict_fn.predict(x, batch_size=batch_size, verbose=0)
    elif callable(model_or_predict_fn):
        out = model_or_predict_fn(x)
    else:
        raise TypeError(f"expected a Model or a callable, got {type(model_or_predict_fn).__name__}")
    out = out.data if isinstance(out, Tensor) else np.asarray(out)
    if len(out) != len(x):
        raise ValueError(f"the classifier returned {len(out)} outputs for {len(x)} inputs")
    if out.ndim == 2 and out.shape[1] == 1:
        out = out[:, 0]
    if out.ndim == 1:
        if out.dtype.kind in "iub":
            return out.astype(np.int64)
        return (out > threshold).astype(np.int64)
    if out.ndim == 2:
        return out.argmax(axis=1).astype(np.int64)
    raise ValueError(f"expected outputs of shape (n,) or (n, classes), got {out.shape}")


def _check_points(x, y=None):
    """x as (n, 2) points and y as (n,) int64 labels (a column or one-hot rows accepted), checked."""
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"expected 2-D points of shape (n, 2), got {x.shape}")
    if y is None:
        return x, None
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    elif y.ndim == 2:
        y = y.argmax(axis=1)               # one-hot labels
    if y.shape != (len(x),):
        raise ValueError(f"expected {len(x)} labels, got an array of shape {y.shape}")
    return x, y.astype(np.int64)


def decision_grid(model_or_predict_fn: Model | Callable[[np.ndarray], ArrayLike], x: ArrayLike,
                  resolution: int = 200, margin: float = 0.1,
                  threshold: float = 0.5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The classifier's predictions on a regular grid covering the points x.

    Parameters
    ----------
    model_or_predict_fn : Model or callable
        As `predict_classes`.
    x : array_like, shape (n, 2)
        The grid spans their bounding box widened by `margin` times its size on every side.
    resolution : int
        Grid points along each axis.
    margin : float
    threshold : float
        As `predict_classes`.

    Returns
    -------
    xx, yy : ndarray, shape (resolution, resolution)
        The grid coordinates, as `np.meshgrid` gives them.
    classes : ndarray of int64, shape (resolution, resolution)
        The predicted label at each grid point.
    """
    x, _ = _check_points(x)
    low, high = x.min(axis=0).astype(np.float64), x.max(axis=0).astype(np.float64)
    span = np.where(high - low > 0, high - low, 1.0)
    low, high = low - margin * span, high + margin * span
    xx, yy = np.meshgrid(np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution))
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    grid = grid.astype(x.dtype if x.dtype.kind == "f" else np.float32)
    classes = predict_classes(model_or_predict_fn, grid, threshold=threshold).reshape(xx.shape)
    return xx, yy, classes


def draw_points(ax: Axes, x: ArrayLike, y: ArrayLike | None, class_names: Sequence[str] | None = None,
                colors: Sequence | None = None, size: float | None = None, legend: bool = True) -> None:
    """Scatter 2-D points on `ax`, one colour per class, with a legend of class names.

    Parameters
    ----------
    ax : matplotlib Axes
        Drawn into; the caller owns the figure.
    x : array_like, shape (n, 2)
    y : array_like of int, shape (n,) (or (n, 1), or one-hot (n, k)), or None
        The labels; None draws every point in one colour, with no legend.
    class_names : sequence of str, optional
        The legend's names by label (default "class 0", "class 1", ...).
    colors : sequence of matplotlib colours, optional
        One per class (default `class_colors`).
    size : float, optional
        The marker area (default: smaller the more points there are).
    legend : bool
        Add a legend.
    """
    x, y = _check_points(x, y)
    size = size if size is not None else (60 if len(x) <= 50 else 14 if len(x) > 1000 else 25)
    if y is None:
        ax.scatter(x[:, 0], x[:, 1], s=size, color="0.2", edgecolors="white", linewidths=0.4)
        return
    n = max(int(y.max()) + 1, len(class_names) if class_names is not None else 0)
    colors = colors or class_colors(n)
    for k in range(n):
        chosen = y == k
        if not chosen.any():
            continue
        label = class_names[k] if class_names is not None else f"class {k}"
        ax.scatter(x[chosen, 0], x[chosen, 1], s=size, color=colors[k], edgecolors="black",
                   linewidths=0.4, label=label)
    if legend:
        ax.legend(loc="best", fontsize=8, framealpha=0.8)


def draw_decision_boundary(ax: Axes, model_or_predict_fn: Model | Callable[[np.ndarray], ArrayLike],
                           x: ArrayLike, y: ArrayLike | None = None, *, class_names: Sequence[str] | None = None,
                           resolution: int = 200, margin: float = 0.1, threshold: float = 0.5,
                           title: str | None = None, show_accuracy: bool = True, legend: bool = True,
                           point_size: float | None = None) -> float | None:
    """Draw the decision regions, their borders and the points on a matplotlib axis.

    Parameters
    ----------
    ax : matplotlib Axes
        Drawn into; the caller owns the figure.
    model_or_predict_fn : Model or callable
        As `predict_classes`.
    x : array_like, shape (n, 2)
    y : array_like of int, shape (n,) (or one-hot (n, k)), optional
    class_names : sequence of str, optional
        The legend's names by label.
    resolution, margin, threshold
        As `decision_grid`.
    title : str, optional
        The panel's title; with `show_accuracy` and labels, the accuracy on the points is added.
    show_accuracy, legend : bool
    point_size : float, optional
        As `draw_points`'s `size`.

    Returns
    -------
    float or None
        The accuracy on the points, or None without labels.
    """
    x, y = _check_points(x, y)
    xx, yy, classes = decision_grid(model_or_predict_fn, x, resolution, margin, threshold)
    n = int(classes.max()) + 1
    if y is not None:
        n = max(n, int(y.max()) + 1)
    if class_names is not None:
        n = max(n, len(class_names))
    colors = class_colors(n)
    # one filled band per class: levels at k - 0.5 .. k + 0.5, so each integer gets its own colour
    levels = np.arange(n + 1) - 0.5
    ax.contourf(xx, yy, classes, levels=levels, colors=colors, alpha=0.3)
    # borders: the 0.5 level of each class's indicator, so a border between classes 0 and 2 is one
    # line (contouring the labels themselves would draw it twice, at levels 0.5 and 1.5)
    for k in ([1] if n == 2 else range(n)):
        inside = (classes == k).astype(np.float64)
        if 0 < inside.mean() < 1:
            ax.contour(xx, yy, inside, levels=[0.5], colors="black", linewidths=0.8)
    draw_points(ax, x, y, class_names=class_names, colors=colors, size=point_size, legend=legend)
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    accuracy = None
    if y is not None:
        accuracy = float(np.mean(predict_classes(model_or_predict_fn, x, threshold=threshold) == y))
    parts = [title] if title else []
    if show_accuracy and accuracy is not None:
        parts.append(f"accuracy {accuracy:.3f}")
    if parts:
        ax.set_title("\n".join(parts), fontsize=10)
    return accuracy


def plot_decision_boundary(model_or_predict_fn: Model | Callable[[np.ndarray], ArrayLike], x: ArrayLike,
                           y: ArrayLike | None, path: FilePath, *, class_names: Sequence[str] | None = None,
                           resolution: int = 200, margin: float = 0.1, threshold: float = 0.5,
                           title: str | None = None, show_accuracy: bool = True,
                           figsize: tuple[float, float] = (5.5, 4.8)) -> FilePath:
    """Save a filled contour map of the predicted class over the plane, with the points, as a PNG.

    Parameters
    ----------
    model_or_predict_fn : Model or callable
        A `Model` or a callable (n, 2) -> outputs (see the module docstring).
    x : array_like, shape (n, 2)
    y : array_like of int, shape (n,) (one-hot (n, k) accepted), or None
    path : str or os.PathLike
        The PNG file to write.
    class_names, resolution, margin, threshold, title, show_accuracy
        As `draw_decision_boundary`.
    figsize : (float, float)
        The figure's size in inches.

    Returns
    -------
    `path`, the PNG of the decision map.
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=figsize)
    draw_decision_boundary(ax, model_or_predict_fn, x, y, class_names=class_names, resolution=resolution,
                           margin=margin, threshold=threshold, title=title, show_accuracy=show_accuracy)
    return save(fig, path)


def plot_decision_boundaries(panels: Sequence[tuple], path: FilePath, *, columns: int | None = None,
                             class_names: Sequence[str] | None = None, resolution: int = 150,
                             margin: float = 0.1, threshold: float = 0.5, show_accuracy: bool = True,
                             panel_size: tuple[float, float] = (4.2, 3.9)) -> FilePath:
    """Save several decision maps side by side in one PNG (e.g. shallow vs deep, or one per dataset).

    Parameters
    ----------
    panels : sequence of tuples
        `(model_or_predict_fn, x, y)` or `(model_or_predict_fn, x, y, title)`, with the shapes of
        `draw_decision_boundary`.
    path : str or os.PathLike
        The PNG file to write.
    columns : int, optional
        Panels per row (default: all in one row, at most 4).
    class_names, resolution, margin, threshold, show_accuracy
        As `draw_decision_boundary`, for every panel.
    panel_size : (float, float)
        One panel's size in inches.

    Returns
    -------
    `path`, the PNG of the panels.

    Raises
    ------
    ValueError
        If `panels` is empty or a panel is not a 3- or 4-tuple.
    """
    panels = list(panels)
    if not panels:
        raise ValueError("plot_decision_boundaries needs at least one panel")
    columns = columns or min(len(panels), 4)
    rows = int(np.ceil(len(panels) / columns))
    plt = pyplot()
    figsize = (panel_size[0] * columns, panel_size[1] * rows)
    fig, axes = plt.subplots(rows, columns, figsize=figsize, squeeze=False)
    for ax in axes.ravel()[len(panels):]:
        ax.axis("off")
    for ax, panel in zip(axes.ravel(), panels):
        if len(panel) not in (3, 4):
            raise ValueError("each panel must be (model, x, y) or (model, x, y, title)")
        model, x, y = panel[:3]
        title = panel[3] if len(panel) == 4 else None
        draw_decision_boundary(ax, model, x, y, class_names=class_names, resolution=resolution, margin=margin,
                               threshold=threshold, title=title, show_accuracy=show_accuracy)
    return save(fig, path)


def plot_embedding(codes: ArrayLike, labels: ArrayLike | None, path: FilePath, *,
                   class_names: Sequence[str] | None = None, title: str | None = None,
                   point_size: float | None = None, figsize: tuple[float, float] = (6.5, 5.5)) -> FilePath:
    """Save 2-D codes (an autoencoder's bottleneck, a projection), coloured by class, as a PNG.

    Parameters
    ----------
    codes : array_like, shape (n, 2)
    labels : array_like of int, shape (n,), or None
        The classes; with them, a legend is drawn outside the axes (so it never hides points).
    path : str or os.PathLike
        The PNG file to write.
    class_names : sequence of str, optional
        The legend's names by label.
    title : str, optional
    point_size : float, optional
        As `draw_points`'s `size`.
    figsize : (float, float)
        The figure's size in inches.

    Returns
    -------
    `path`, the PNG of the codes.
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=figsize)
    draw_points(ax, codes, labels, class_names=class_names, size=point_size, legend=False)
    if labels is not None:
        # outside the axes, so the legend never hides points
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, markerscale=1.5, frameon=False)
    ax.set_xlabel("code 1")
    ax.set_ylabel("code 2")
    if title:
        ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    return save(fig, path)
