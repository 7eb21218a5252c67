"""Drawings of the course's pictures: a small fully connected network and a computational graph.

Both draw into a matplotlib `Axes` that the caller owns (no pyplot here), e.g.
`fig, ax = gradwork.plot._backend.pyplot().subplots()`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_NODE_RADIUS = 0.22
_LABEL_BOX = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9)  # hides the line under a label


def network_positions(layer_sizes: Sequence[int], width: float | None = None,
                      height: float | None = None) -> list[list[tuple[float, float]]]:
    """The (x, y) of every node of a fully connected network: layers left to right, nodes top to bottom.

    Nodes are 1 apart vertically and each layer is centred on the same height.

    Parameters
    ----------
    layer_sizes : sequence of int
        Nodes per layer, input first.
    width : float, optional
        x of the last layer (the first is at 0); default 2.2 per gap between layers.
    height : float, optional
        The span the layers are centred in; default the largest layer's (its size - 1).

    Returns
    -------
    list (one per layer) of lists of (x, y)

    Examples
    --------
    >>> [[(float(x), float(y)) for x, y in layer] for layer in network_positions([1, 2], width=2.0)]
    [[(0.0, 0.5)], [(2.0, 1.0), (2.0, 0.0)]]
    """
    width = width or 2.2 * (len(layer_sizes) - 1)
    height = height or max(layer_sizes) - 1
    xs = np.linspace(0, width, len(layer_sizes))
    return [[(x, height / 2 + (n - 1) / 2 - i) for i in range(n)] for x, n in zip(xs, layer_sizes)]


def draw_network(ax: Axes, layer_sizes: Sequence[int], node_labels: Sequence[Sequence[str] | None] | None = None,
                 edge_labels: Mapping[tuple[int, int, int], str] | None = None,
                 layer_titles: Sequence[str] | None = None, node_colors: Sequence | None = None,
                 layer_spacing: float = 2.2, label_span: tuple[float, float] = (0.2, 0.4),
                 label_size: float = 7) -> list[list[tuple[float, float]]]:
    """Draw a fully connected network as circles and lines on `ax`.

    Parameters
    ----------
    ax : matplotlib Axes
        Drawn into (its limits set, its frame hidden); the caller owns the figure.
    layer_sizes : sequence of int
        Nodes per layer, input first, e.g. (2, 3, 2, 2).
    node_labels : list (per layer) of lists of str, optional
        Written under each node (e.g. its value); a layer or a label may be None or empty.
    edge_labels : dict of (layer, i, j) to str, optional
        For the edge from node i of `layer` to node j of `layer + 1`, written near its source end
        (so labels of one fan do not overlap; the spot moves along the edge with the source node,
        so crossing fans do not collide either: from `label_span[0]` of the way along for the
        first source to `label_span[1]` for the last).
    layer_titles : sequence of str, optional
        A title over each layer.
    node_colors : sequence of matplotlib colours, optional
        One per layer.
    layer_spacing : float
        Horizontal distance between layers (node spacing is 1).
    label_span : (float, float)
    label_size : float
        Font size of the edge labels.

    Returns
    -------
    list (one per layer) of lists of (x, y)
        The node positions, as `network_positions`.
    """
    pos = network_positions(layer_sizes, width=layer_spacing * (len(layer_sizes) - 1))
    top = max(y for nodes in pos for _, y in nodes)
    for layer, (src, dst) in enumerate(zip(pos[:-1], pos[1:])):
        for i, (x0, y0) in enumerate(src):
            for j, (x1, y1) in enumerate(dst):
                ax.plot([x0, x1], [y0, y1], color="0.6", lw=1, zorder=1)
                text = (edge_labels or {}).get((layer, i, j))
                if text:
                    t = label_span[0] + (label_span[1] - label_span[0]) * i / max(len(src) - 1, 1)
                    ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), text, fontsize=label_size,
                            ha="center", va="center", zorder=3, bbox=_LABEL_BOX)
    for layer, nodes in enumerate(pos):
        color = node_colors[layer] if node_colors else "#cfe2f3"
        for i, (x, y) in enumerate(nodes):
            ax.add_patch(_circle(x, y, color))
            if node_labels and node_labels[layer] and node_labels[layer][i]:
                ax.text(x, y - _NODE_RADIUS - 0.06, node_labels[layer][i], fontsize=8, ha="center",
                        va="top", zorder=4)
        if layer_titles:
            ax.text(nodes[0][0], top + _NODE_RADIUS + 0.18, layer_titles[layer], fontsize=9, ha="center",
                    va="bottom", weight="bold")
    _tidy(ax, pos)
    return pos


def draw_graph(ax: Axes, nodes: Mapping[str, tuple], edges: Sequence[tuple[str, str, str, str]],
               title: str | None = None) -> None:
    """Draw a computational graph on `ax`: operation nodes as circles, values written along the edges.

    Parameters
    ----------
    ax : matplotlib Axes
        Drawn into (its limits set, its frame hidden); the caller owns the figure.
    nodes : dict of str to tuple
        {name: (x, y, label)} for an operation drawn as a circle with `label` ("×", "+"), or
        {name: (x, y, label, False)} for an input or output end, written as plain text.
    edges : sequence of (src, dst, forward_text, backward_text)
        Arrows between named nodes: the forward value is written above the edge (black), the
        gradient flowing back below it (red), as the course draws them; either text may be empty.
    title : str, optional
    """
    def circled(name):
        return len(nodes[name]) < 4 or nodes[name][3]

    for src, dst, fwd, bwd in edges:
        x0, y0 = nodes[src][:2]
        x1, y1 = nodes[dst][:2]
        start, end = _shorten((x0, y0), (x1, y1), 0.32 if circled(src) else 0.45,
                              0.32 if circled(dst) else 0.5)
        ax.annotate("", xy=end, xytext=start, zorder=2,
                    arrowprops=dict(arrowstyle="-|>", color="0.2", lw=1.2))
        _edge_texts(ax, start, end, fwd, bwd)
    for name, (x, y, label, *_) in nodes.items():
        if circled(name):
            ax.add_patch(_circle(x, y, "#fdebd0", radius=0.3))
            ax.text(x, y, label, fontsize=14, ha="center", va="center", zorder=5)
        else:
            ax.text(x, y, label, fontsize=10, ha="center", va="center", zorder=5, style="italic")
    xs = [v[0] for v in nodes.values()]
    ys = [v[1] for v in nodes.values()]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)


def _edge_texts(ax, start, end, above, below, at=0.42, gap=0.13):
    """Write `above` on the upper (or left) side of the edge and `below` (red) on the other side,
    `at` of the way along it, aligned away from the line so that no text sits on it."""
    start, end = np.asarray(start), np.asarray(end)
    unit = (end - start) / np.linalg.norm(end - start)
    normal = np.array([-unit[1], unit[0]])
    if normal[1] < 0 or (normal[1] == 0 and normal[0] > 0):
        normal = -normal
    mid = start + at * (end - start)
    for text, side, color in ((above, 1, "black"), (below, -1, "#c0392b")):
        if not text:
            continue
        n = side * normal
        ha = "center" if abs(n[0]) < 0.5 else ("left" if n[0] > 0 else "right")
        va = "center" if abs(n[1]) < 0.5 else ("bottom" if n[1] > 0 else "top")
        ax.text(*(mid + gap * n), text, fontsize=10, ha=ha, va=va, color=color, zorder=4)


def _circle(x, y, color, radius=_NODE_RADIUS):
    """A node's circle patch, to add to an axes."""
    from matplotlib.patches import Circle

    return Circle((x, y), radius, facecolor=color, edgecolor="0.2", lw=1.2, zorder=2)


def _shorten(p0, p1, cut0, cut1):
    """The segment p0 -> p1 with `cut0` and `cut1` cut off its ends (to stop at a circle or a word)."""
    p0, p1 = np.asarray(p0, float), np.asarray(p1, float)
    unit = (p1 - p0) / np.linalg.norm(p1 - p0)
    return tuple(p0 + unit * cut0), tuple(p1 - unit * cut1)


def _tidy(ax, pos):
    """Fit the axes to the nodes at `pos`, same scale on both axes, no frame."""
    xs = [x for layer in pos for x, _ in layer]
    ys = [y for layer in pos for _, y in layer]
    ax.set_xlim(min(xs) - 0.7, max(xs) + 0.7)
    ax.set_ylim(min(ys) - 0.75, max(ys) + 0.7)
    ax.set_aspect("equal")
    ax.axis("off")
