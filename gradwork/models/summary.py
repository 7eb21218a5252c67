"""`model.summary()`: the Keras layer table with output shapes and parameter counts."""

from collections.abc import Callable

from ..nn.layer import Layer
from ..nn.layers.core import InputLayer
from .structure import has_free_axes


def _format_bytes(n):
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.2f} {unit}"
        n /= 1024


def summary(model: Layer, print_fn: Callable[[str], object] = print, line_length: int = 80) -> None:
    """`Model.summary`: print the layer table, one line per `print_fn` call, at least `line_length` wide.
    A model with free axes is run again on zero batches so that its output shapes show None there."""
    if not model.built:
        raise ValueError(
            f"{model.name} has not been built yet: call it on a batch, call build(input_shape), "
            "or give the input shape (Input(shape=...) or input_shape=...)"
        )
    if model.build_input_shape is not None and has_free_axes(model.build_input_shape, model.name):
        model.run_zero_batches(model.build_input_shape)  # output shapes with None, not the last batch's sizes
    connections = model.layer_connections()  # a functional model's graph: one more column
    rows = []
    for layer in dict.fromkeys(model.layers):  # a layer assigned to two attributes is shared: one row
        if isinstance(layer, InputLayer) and connections is None:
            continue
        shape = layer.output_shape
        row = [f"{layer.name} ({type(layer).__name__})", "?" if shape is None else str(shape),
               f"{layer.count_params():,}"]
        if connections is not None:
            row.append(", ".join(connections.get(layer.name, [])) or "-")
        rows.append(row)
    name_width = max([len("Layer (type)")] + [len(r[0]) for r in rows]) + 2
    shape_width = max([len("Output Shape")] + [len(r[1]) for r in rows]) + 2
    if connections is None:
        line_length = max(line_length, name_width + shape_width + 14)
        widths = (name_width, shape_width, line_length - name_width - shape_width)
        header = ("Layer (type)", "Output Shape", "Param #")
    else:
        linked_width = max([len("Connected to")] + [len(r[3]) for r in rows]) + 2
        line_length = max(line_length, name_width + shape_width + 12 + linked_width)
        widths = (name_width, shape_width, 10, line_length - name_width - shape_width - 10)
        header = ("Layer (type)", "Output Shape", "Param #", "Connected to")

    def cell(i, text, width, last):  # the parameter count right-aligned: at the end, or before "Connected to"
        if i != 2:
            return str(text).ljust(width)
        return str(text).rjust(width) if last else str(text).rjust(width - 2) + "  "

    def line(cells):
        return "".join(cell(i, c, w, len(cells) == 3) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    print_fn(line(header))
    print_fn("=" * line_length)
    for i, row in enumerate(rows):
        print_fn(line(row))
        if i < len(rows) - 1:
            print_fn("_" * line_length)
    print_fn("=" * line_length)
    trainable = sum(p.size for p in model.trainable_weights)
    total = sum(p.size for p in model.weights)
    item = model.dtype.itemsize
    print_fn(f"Total params: {total:,} ({_format_bytes(total * item)})")
    print_fn(f"Trainable params: {trainable:,} ({_format_bytes(trainable * item)})")
    print_fn(f"Non-trainable params: {total - trainable:,} ({_format_bytes((total - trainable) * item)})")
    print_fn("_" * line_length)
