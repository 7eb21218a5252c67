"""`Sequential`: a stack of layers, each feeding the next."""

from ..nn.layer import Layer, deserialize, serialize
from ..nn.layers.core import InputLayer
from ..nn.symbolic import SymbolicTensor
from ..tensor import Tensor
from .model import Model


class Sequential(Model):
    """Layers applied in order. Give the input shape (an `Input` first, or `input_shape=` on the
    first layer) to build at once; otherwise it builds on the first batch.

    Parameters
    ----------
    layers : list of Layer, optional
        The stack, first to last (`add` appends more).
    name : str, optional
    **kwargs : `Model`'s arguments

    Input shape: (N, *input_shape), what the first layer takes. Output shape: the last layer's.

    Examples
    --------
    >>> model = gw.Sequential([gw.nn.Input(shape=(784,)), gw.nn.Dense(128, activation="relu"), gw.nn.Dense(10)])
    >>> model.output_shape
    (None, 10)
    """

    def __init__(self, layers: list[Layer] | None = None, name: str | None = None, **kwargs):
        super().__init__(name=name, **kwargs)
        self._sublayers["layers"] = []
        for layer in layers or []:
            self.add(layer)

    def add(self, layer: Layer | SymbolicTensor) -> None:
        """Append a layer (building the model if the input shape is now known); `gw.Input(...)` adds its
        InputLayer."""
        if isinstance(layer, SymbolicTensor) and isinstance(layer.node.layer, InputLayer):
            layer = layer.node.layer
        if not isinstance(layer, Layer):
            raise TypeError(f"{self.name}: add() expects a Layer, got {type(layer).__name__}")
        stack = self._sublayers["layers"]
        if isinstance(layer, InputLayer) and stack:
            raise ValueError(f"{self.name}: an Input can only be the first layer")
        stack.append(layer)
        self._groups = None
        first = stack[0]
        if not self.built and first.input_shape_hint is not None:
            self.build((None,) + first.input_shape_hint)
        elif self.built:
            self.built = False
            self.build(self.build_input_shape)

    @property
    def layers(self) -> list[Layer]:
        """The layers in order, without the InputLayer (as Keras 3)."""
        return [layer for layer in self._sublayers["layers"] if not isinstance(layer, InputLayer)]

    def pop(self) -> Layer:
        """Remove and return the last layer; a built model is built again, as after `add`, so that its
        `output_shape` is the new last layer's (an emptied model becomes unbuilt)."""
        stack = self._sublayers["layers"]
        if not stack:
            raise TypeError(f"{self.name}: pop() on a model with no layers")
        layer = stack.pop()
        self._groups = None
        if self.built:
            self.built = False
            if stack:
                self.build(self.build_input_shape)
            else:
                self.build_input_shape = self.output_shape = None
        return layer

    def call(self, inputs: Tensor, training: bool | None = None, mask: Tensor | None = None) -> Tensor:
        """Each layer's output feeds the next; so does its mask (`compute_mask`), to layers that take one."""
        x = inputs
        for layer in self._sublayers["layers"]:
            extra = {"mask": mask} if mask is not None and layer.call_takes_mask else {}
            out = layer(x, training=training, **extra)
            mask = layer.compute_mask(x, mask)
            x = out
        return x

    def get_config(self) -> dict:
        return {**super().get_config(), "layers": [serialize(layer) for layer in self._sublayers["layers"]]}

    @classmethod
    def from_config(cls, config: dict) -> "Sequential":
        config = dict(config)
        return cls([deserialize(item) for item in config.pop("layers")], **config)
