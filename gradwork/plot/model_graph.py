"""`plot_model` (Keras's name): a model's layer graph as a PNG, drawn with matplotlib (no Graphviz).

Each layer is a box ("name (Type)", and with show_shapes its input and output shapes); an arrow goes
from a layer to each layer that takes its output. Layers are placed in rows by their depth (the
longest path from an input), so a skip connection runs past the layers it skips.
"""
from __future__ import annotations

from typing import Any

from ._backend import FilePath, pyplot, save


def model_graph(model: Any) -> tuple[list[Any], list[tuple[str, str]], dict[str, int]]:
    """(layers, edges as (from name, to name), depth of each layer name) of a model: a functional
    model's graph, or the chain of a Sequential (or subclassed) model's layers."""
    layers = list(dict.fromkeys(model.layers))
    connections = model.layer_connections()
    if connections is None:
        edges = [(a.name, b.name) for a, b in zip(layers, layers[1:])]
    else:
        edges = list(dict.fromkeys((source.split("[")[0], target) for target, sources in connections.items()
                                   for source in sources))
    depth = {}
    for layer in layers:  # the model's layers come after the layers they take
        parents = [a for a, b in edges if b == layer.name]
        depth[layer.name] = 1 + max((depth[p] for p in parents), default=-1)
    return layers, edges, depth


def _label(layer, show_shapes, show_layer_names, show_dtype, shapes_in):
    kind = type(layer).__name__
    lines = [f"{layer.name} ({kind})" if show_layer_names else kind]
    if show_shapes:
        lines.append(f"in: {shapes_in}" if shapes_in else "in: -")
        lines.append(f"out: {layer.output_shape}")
    if show_dtype:
        lines.append(f"dtype: {layer.dtype.name}")
    return "\n".join(lines)


def _arrow(ax, extent, source, target, between, rankdir):
    """An arrow from the source box's edge to the target box's edge; past the boxes `between` (a skip
    connection) it runs around them, on the right (TB) or below (LR)."""
    start, end = extent[source], extent[target]
    style = {"arrowstyle": "-|>", "color": "0.35", "lw": 1.2, "shrinkA": 0, "shrinkB": 0}
    if rankdir == "TB":
        tail, head = (start.x0 + start.width / 2, start.y0), (end.x0 + end.width / 2, end.y1)
    else:
        tail, head = (start.x1, start.y0 + start.height / 2), (end.x0, end.y0 + end.height / 2)
    if between:
        if rankdir == "TB":
            side = max(extent[n].x1 for n in [source, target, *between]) + 0.4
            tail, head = (start.x1, tail[1] + start.height / 2), (end.x1, head[1] - end.height / 2)
            ax.plot([tail[0], side, side], [tail[1], tail[1], head[1]], color="0.35", lw=1.2)
            tail = (side, head[1])
        else:
            side = min(extent[n].y0 for n in [source, target, *between]) - 0.3
            tail, head = (tail[0] - start.width / 2, start.y0), (head[0] + end.width / 2, end.y0)
            ax.plot([tail[0], tail[0], head[0]], [tail[1], side, side], color="0.35", lw=1.2)
            tail = (head[0], side)
    ax.annotate("", xy=head, xytext=tail, arrowprops=style)


def plot_model(model: Any, to_file: FilePath = "model.png", show_shapes: bool = False, show_dtype: bool = False,
               show_layer_names: bool = True, rankdir: str = "TB", dpi: int = 110) -> FilePath:
    """Draw the layer graph of `model` into a PNG.

    Parameters
    ----------
    model : Model
        A functional model (its graph), or a Sequential or subclassed one (its layers in a chain).
    to_file : str or os.PathLike
    show_shapes : bool
        Each box also shows the layer's input and output shapes.
    show_dtype : bool
    show_layer_names : bool
        "name (Type)" in each box; False: the type alone.
    rankdir : "TB" or "LR"
        Inputs at the top, outputs below ("TB"); or inputs on the left ("LR").
    dpi : int

    Returns
    -------
    `to_file`, the PNG written.
    """
    if rankdir not in ("TB", "LR"):
        raise ValueError(f'plot_model: rankdir must be "TB" or "LR", got {rankdir!r}')
    if not model.built:
        raise ValueError(f"plot_model: {model.name} is not built yet; call it on data or give its input shape")
    layers, edges, depth = model_graph(model)
    rows = {}
    for layer in layers:
        rows.setdefault(depth[layer.name], []).append(layer)
    by_name = {layer.name: layer for layer in layers}
    place = {}
    for level, members in rows.items():
        for i, layer in enumerate(members):
            across = i - (len(members) - 1) / 2
            place[layer.name] = (across * 3.4, -level * 1.6) if rankdir == "TB" else (level * 5.0, -across * 1.6)
    plt = pyplot()
    widest = max(len(members) for members in rows.values())
    size = (max(4.0, 3.6 * widest), max(2.5, 1.3 * len(rows)))
    fig, ax = plt.subplots(figsize=size if rankdir == "TB" else (size[1] * 1.6, size[0] / 1.6))
    xs, ys = zip(*place.values())
    ax.set_xlim(min(xs) - 2.6, max(xs) + 3.6)
    ax.set_ylim(min(ys) - 1.4, max(ys) + 1.0)
    boxes = {}
    for layer in layers:
        shapes_in = ", ".join(str(by_name[a].output_shape) for a, b in edges if b == layer.name)
        boxes[layer.name] = ax.text(*place[layer.name], _label(layer, show_shapes, show_layer_names, show_dtype,
                                                               shapes_in), ha="center", va="center", fontsize=8,
                                    family="monospace", zorder=3,
                                    bbox={"boxstyle": "round,pad=0.4", "facecolor": "#e8f0fe", "edgecolor": "#4a6fa5"})
    fig.canvas.draw()  # the boxes' sizes are known once drawn: the arrows go from edge to edge
    to_data = ax.transData.inverted()
    extent = {name: box.get_bbox_patch().get_window_extent().transformed(to_data) for name, box in boxes.items()}
    for source, target in edges:
        _arrow(ax, extent, source, target, [n for n in depth if depth[source] < depth[n] < depth[target]], rankdir)
    ax.axis("off")
    ax.set_title(model.name, fontsize=10)
    return save(fig, to_file, crop=True, dpi=dpi)
