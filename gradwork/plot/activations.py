"""Pictures of activations: each function with its derivative (from autograd), histograms of a deep
network's hidden activations, and per-layer quantities such as gradient norms.

The curves are `gw.activations` itself (plus the perceptron's step function) and every derivative
is taken by autograd, so a picture shows exactly what a model computes: no formula is written here.

>>> plot_activations(["sigmoid", "tanh", "relu", "softmax"], "activations.png")     # doctest: +SKIP
"""
import math

import numpy as np

from .. import activations as _activations
from ..autograd.engine import grad as _grad
from ..nn import functional as F
from ..tensor import tensor as _tensor
from ._backend import pyplot, save

# The course's softmax example: softmax([0.3, 2.9, 4.0]) = [0.018, 0.245, 0.737].
SOFTMAX_EXAMPLE = (0.3, 2.9, 4.0)


def get_activation(name):
    """(label, function) for a name: every Keras name of `gw.activations` plus "step" (the
    perceptron's step function, `F.step`); a (label, callable) pair is returned as it is."""
    if isinstance(name, tuple) and len(name) == 2 and callable(name[1]):
        return str(name[0]), name[1]
    if name == "step":
        return "step", F.step
    if callable(name):
        return getattr(name, "__name__", "activation"), name
    return str(name), _activations.get(name)


def value_and_derivative(fn, x):
    """fn(x) and its elementwise derivative fn'(x), the latter by gradwork's autograd.

    fn : an elementwise activation taking and returning a Tensor. x : ndarray of inputs (computed in
    float64). Returns two float64 arrays of x's shape. A function that records no gradient (the
    step function) has derivative 0 wherever it is defined, so zeros are returned for it.
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


def softmax_jacobian(z):
    """The Jacobian d softmax(z)_i / d z_j of a vector z, row by row with autograd; shape (n, n)."""
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


def plot_activations(names, path, *, x=None, columns=4, softmax_input=SOFTMAX_EXAMPLE):
    """One panel per activation: the function (solid) and its derivative from autograd (dashed).

    names : activation names ("step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu",
        "swish"/"silu", "gelu", "softplus", ... and "softmax"), or (label, callable) pairs.
        "softmax" maps a vector to probabilities, so its panel is a bar chart of softmax(z) for
        `softmax_input` and the diagonal of its Jacobian.
    x : the inputs for the curves (default 401 points in [-5, 5]).
    Returns `path`.
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


def plot_activation_histograms(activations, path, *, bins=30, value_range=None, title=None, notes=None):
    """Histograms of hidden activations: one row per setting, one column per layer.

    activations : dict row label -> list of arrays, the outputs of layer 1, 2, ... (any shape;
        flattened).
    value_range : (low, high) for every histogram, e.g. (0, 1) for sigmoid; by default each row
        gets the range of its own values, so the spread can be compared across its layers.
    notes : optional dict row label -> list of short strings, written in each layer's panel
        (e.g. "sat 98%").
    Returns `path`.
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


def plot_per_layer(values, path, *, ylabel="gradient norm", logy=True, title=None):
    """A quantity per layer (a gradient norm, a count of dead units, ...) for several networks, one
    line each, layer 1 (nearest the input) at the left.

    values : dict name -> sequence of numbers, one per layer, input side first.
    logy : logarithmic axis (for gradient norms, which change by factors per layer).
    Returns `path`.
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
