"""`Inspection`: how a model shows its layers (`summary`, `get_layer`, and the graph a functional model
draws from), mixed into `Model`."""
from collections.abc import Callable

from ..nn.layer import Layer
from .summary import summary as _summary


class Inspection:
    """`summary`, `get_layer` and `layer_connections` of `Model` (documented here)."""

    def summary(self, print_fn: Callable[[str], object] | None = None) -> None:
        """Print the layer table (output shapes, parameter counts) with `print_fn` (`print` by default)."""
        _summary(self, print_fn or print)

    def layer_connections(self) -> dict[str, list[str]] | None:
        """{layer name: the tensors each of its calls takes, as "layer[call][output]"}: a functional model's
        graph for `summary`'s "Connected to" column; None for a model without one."""
        return None

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """One of the model's `layers`, by its name or its index (Keras's `get_layer`).

        Raises
        ------
        ValueError
            Unless exactly one of name and index is given, and a layer has it.
        """
        layers = self.layers
        if (name is None) == (index is None):
            raise ValueError(f"{self.name}: get_layer takes a name or an index, got name={name!r}, index={index!r}")
        if index is not None:
            if isinstance(index, bool) or not isinstance(index, int) or not -len(layers) <= index < len(layers):
                raise ValueError(f"{self.name}: get_layer index {index!r} is out of range for {len(layers)} layers")
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(f"{self.name}: no layer named {name!r}; its layers are {[layer.name for layer in layers]}")
