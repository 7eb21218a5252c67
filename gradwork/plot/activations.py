"""Pictures of activations: each function with its derivative (from autograd), histograms of a deep
network's hidden activations, and per-layer quantities such as gradient norms.

The curves are `gw.activations` itself (plus the perceptron's step function) and every derivative
is taken by autograd, so a picture shows exactly what a model computes: no formula is written here.

>>> plot_activations(["sigmoid", "tanh", "relu", "softmax"], "activations.png")     # doctest: +SKIP
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .. import activations as _activations
from ..autograd.engine import grad as _grad
from ..nn import functional as F
from ..tensor import Tensor, tensor as _tensor
from ._backend import FilePath, pyplot, save

# An activation as `get_activation` accepts it: a name, a callable, or a (label, callable) pair.
ActivationSpec = str | Callable[[Tensor], Tensor] | tuple[str, Callable[[Tensor], Tensor]]

# The course's softmax example: softmax([0.3, 2.9, 4.0]) = [0.018, 0.245, 0.737].
SOFTMAX_EXAMPLE = (0.3, 2.9, 4.0)


def get_activation(name: ActivationSpec) -> tuple[str, Callable[[Tensor], Tensor]]:
    """The label and the function of an activation.

    Parameters
    ----------
    name : str, callable or (str, callable)
        Any Keras name of `gw.activations` (resolved by `gw.activations.get`), or "step" (the
        perceptron's step function, `F.step`). A callable is labelled with its `__name__`; a
        (label, callable) pair is returned as it is.

    Returns
    -------
    (str, callable)
        The label and the elementwise function, Tensor -> Tensor of the same shape.

    Examples
    --------
    >>> get_activation("tanh")[0]
    'tanh'
    """
    if isinstance(name, tuple) and len(name) == 2 and callable(name[1]):
        return str(name[0]), name[1]
    if name == "step":
        return "step", F.step
    if callable(name):
        return getattr(name, "__name__", "activation"), name
    return str(name), _activations.get(name)


def value_and_derivative(fn: Callable[[Tensor], Tensor], x: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """fn(x) and its elementwise derivative fn'(x), the latter by gradwork's autograd.

    A function that records no gradient (the step function) has derivative 0 wherever it is
    defined, so zeros are returned for it.

    Parameters
    ----------
    fn : callable
        An elementwise activation taking and returning a Tensor.
    x : array_like, any shape
        The inputs, computed in float64.

    Returns
    -------
    values, derivatives : ndarray of float64, same shape as x

    Examples
    --------
    >>> import gradwork as gw
    >>> y, dy = value_and_derivative(gw.activations.relu, [-1.0, 2.0])
    >>> y.tolist(), dy.tolist()
    ([0.0, 2.0], [0.0, 1.0])
    """
    values, slopes, _ = _evaluate(fn, x)
    return values, slopes


def _evaluate(fn, x):
    """(values, derivatives, whether fn recorded a gradient)."""
    t = _tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    y = fn(t)
    values = np.asarray(y.data, dtype=np.float64)
    if not y.requires_grad:
        return values, np.zeros_like(values), False
    (g,) = _grad(y.sum(), t)
    return values, np.asarray(g.data, dtype=np.float64), True


def softmax_jacobian(z: ArrayLike) -> np.ndarray:
    """The Jacobian d softmax(z)_i / d z_j of a vector z, row by row with autograd.

    Parameters
    ----------
    z : array_like, shape (n,)

    Returns
    -------
    ndarray of float64, shape (n, n)
        Row i is the gradient of softmax(z)_i: diag(s) - s s^T with s = softmax(z).

    Examples
    --------
    >>> softmax_jacobian([0.0, 0.0]).tolist()
    [[0.25, -0.25], [-0.25, 0.25]]
    """
    t = _tensor(np.asarray(z, dtype=np.float64), requires_grad=True)
    y = _activations.softmax(t)
    rows = []
    for i in range(len(y.data)):
        onehot = np.zeros(len(y.data))
        onehot[i] = 1.0
        (g,) = _grad(y, t, grad_outputs=_tensor(onehot), retain_graph=True)
        rows.append(np.asarray(g.data, dtype=np.float64))
    return np.stack(rows)


def _softmax_panel(ax, z):
    """Bars of softmax(z) and of the diagonal of its Jacobian, on `ax`."""
    z = np.asarray(z, dtype=np.float64)
    values = np.asarray(_activations.softmax(_tensor(z)).data)
    diag = np.diag(softmax_jacobian(z))
    pos = np.arange(len(z))
    ax.bar(pos - 0.2, values, width=0.4, label="softmax(z)")
    ax.bar(pos + 0.2, diag, width=0.4, color="tab:orange", label="d softmax_i / d z_i")
    for p, v in zip(pos, values):
        ax.text(p - 0.2, v + 0.02, f"{v:.3f}", ha="center", fontsize=7)
    ax.set_xticks(pos, [f"z={v:g}" for v in z])
    ax.set_ylim(0, 1.1)
    ax.set_title(f"softmax (sum {values.sum():.3f})")
    ax.legend(fontsize=7, loc="upper left")


def plot_activations(names: Iterable[ActivationSpec], path: FilePath, *, x: ArrayLike | None = None,
                     columns: int = 4, softmax_input: Sequence[float] = SOFTMAX_EXAMPLE) -> FilePath:
    """Save one panel per activation, the function (solid) and its derivative from autograd (dashed), as a PNG.

    Parameters
    ----------
    names : iterable of str, callable or (str, callable)
        Activations as `get_activation` takes them ("step", "sigmoid", "tanh", "relu",
        "leaky_relu", "elu", "selu", "swish"/"silu", "gelu", "softplus", ...), and "softmax".
        Softmax maps a vector to probabilities, so its panel is a bar chart of softmax(z) for
        `softmax_input` and the diagonal of its Jacobian.
    path : str or os.PathLike
        The PNG file to write.
    x : array_like, shape (m,), optional
        The inputs of the curves (default 401 points in [-5, 5]).
    columns : int
        Panels per row.
    softmax_input : sequence of float, shape (n,)
        The vector z of the softmax panel (default the course's example, [0.3, 2.9, 4.0]).

    Returns
    -------
    `path`, the PNG of the activation panels.

    Raises
    ------
    ValueError
        If `names` is empty.
    """
    names = list(names)
    if not names:
        raise ValueError("plot_activations needs at least one activation name")
    x = np.linspace(-5.0, 5.0, 401) if x is None else np.asarray(x, dtype=np.float64)
    plt = pyplot()
    cols = min(columns, len(names))
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.9 * rows), squeeze=False)
    for ax in axes.ravel()[len(names):]:
        ax.axis("off")
    for ax, name in zip(axes.ravel(), names):
        if name == "softmax":
            _softmax_panel(ax, softmax_input)
            continue
        label, fn = get_activation(name)
        y, dy, has_gradient = _evaluate(fn, x)
        ax.axhline(0, color="0.7", linewidth=0.6)
        ax.axvline(0, color="0.7", linewidth=0.6)
        ax.plot(x, y, color="tab:blue", linewidth=1.8, label=label)
        ax.plot(x, dy, "--", color="tab:orange", linewidth=1.5,
                label="derivative" if has_gradient else "derivative: 0, none recorded")
        ax.set_title(label)
        ax.set_xlabel("x")
        lo, hi = min(y.min(), dy.min()), max(y.max(), dy.max())
        pad = 0.08 * (hi - lo if hi > lo else 1.0)
        ax.set_ylim(lo - pad, hi + pad)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="best")
    return save(fig, path)


def plot_activation_histograms(activations: Mapping[str, Sequence[ArrayLike]], path: FilePath, *,
                               bins: int = 30, value_range: tuple[float, float] | None = None,
                               title: str | None = None,
                               notes: Mapping[str, Sequence[str]] | None = None) -> FilePath:
    """Save histograms of hidden activations, one row per setting and one column per layer, as a PNG.

    Parameters
    ----------
    activations : dict of str to list of array_like, each of any shape
        Row label -> the outputs of layer 1, 2, ... (each flattened into one histogram).
    path : str or os.PathLike
        The PNG file to write.
    bins : int
        Bins per histogram.
    value_range : (float, float), optional
        (low, high) for every histogram, e.g. (0, 1) for sigmoid; by default each row gets the
        range of its own values, so the spread can be compared across its layers.
    title : str, optional
        The figure's title.
    notes : dict of str to list of str, optional
        Row label -> one short string per layer, written in that layer's panel (e.g. "sat 98%").

    Returns
    -------
    `path`, the PNG of the histogram grid.

    Raises
    ------
    ValueError
        If `activations` is empty.
    """
    if not activations:
        raise ValueError("plot_activation_histograms needs at least one row of activations")
    rows = list(activations.items())
    n_layers = max(len(layers) for _, layers in rows)
    plt = pyplot()
    from matplotlib.ticker import MaxNLocator

    fig, axes = plt.subplots(len(rows), n_layers, figsize=(2.3 * n_layers, 1.9 * len(rows)), squeeze=False)
    for r, (label, layers) in enumerate(rows):
        flat = [np.asarray(a, dtype=np.float64).ravel() for a in layers]
        if value_range is not None:
            lo, hi = value_range
        else:
            lo = min(float(a.min()) for a in flat)
            hi = max(float(a.max()) for a in flat)
            if hi <= lo:
                hi = lo + 1.0
        for c in range(n_layers):
            ax = axes[r, c]
            if c >= len(flat):
                ax.axis("off")
                continue
            counts, _, _ = ax.hist(flat[c], bins=bins, range=(lo, hi), color="tab:blue")
            ax.set_ylim(0, max(float(counts.max()), 1.0) * (1.45 if notes else 1.05))  # room for the note
            ax.set_yticks([])
            ax.tick_params(labelsize=7)
            ax.xaxis.set_major_locator(MaxNLocator(4, steps=[1, 2, 2.5, 5, 10]))
            ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 4))
            ax.xaxis.get_offset_text().set_fontsize(7)
            if r == 0:
                ax.set_title(f"layer {c + 1}", fontsize=9)
            if c == 0:
                ax.set_ylabel(str(label), fontsize=8)
            if notes and notes.get(label) and c < len(notes[label]):
                ax.text(0.5, 0.97, notes[label][c], transform=ax.transAxes, ha="center", va="top", fontsize=7)
    if title:
        fig.suptitle(title)
    return save(fig, path)


def plot_per_layer(values: Mapping[str, ArrayLike], path: FilePath, *, ylabel: str = "gradient norm",
                   logy: bool = True, title: str | None = None) -> FilePath:
    """Save a quantity per layer (a gradient norm, a count of dead units, ...) for several networks, as a PNG.

    One line per network, layer 1 (nearest the input) at the left.

    Parameters
    ----------
    values : dict of str to array_like, shape (layers,)
        Network name -> one number per layer, input side first (at least one network).
    path : str or os.PathLike
        The PNG file to write.
    ylabel : str
        The quantity's name, on the y axis.
    logy : bool
        Logarithmic y axis (for gradient norms, which change by factors per layer).
    title : str, optional

    Returns
    -------
    `path`, the PNG of the per-layer curves.
    """
    if not values:
        raise ValueError("plot_per_layer needs at least one network")
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for name, numbers in values.items():
        numbers = np.asarray(numbers, dtype=np.float64)
        ax.plot(np.arange(1, len(numbers) + 1), numbers, "o-", label=str(name))
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("layer (1 = nearest the input)")
    ax.set_ylabel(ylabel)
    ax.set_xticks(range(1, max(len(v) for v in values.values()) + 1))
    ax.grid(alpha=0.3, which="both" if logy else "major")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return save(fig, path)


__all__ = [
    "get_activation", "plot_activation_histograms", "plot_activations", "plot_per_layer",
    "softmax_jacobian", "value_and_derivative",
]
