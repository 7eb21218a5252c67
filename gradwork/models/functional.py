"""`Functional`: the model `gw.Model(inputs, outputs)` makes from symbolic tensors (Keras's functional API).

The layer calls recorded between `inputs` and `outputs` (`gradwork.nn.symbolic.Node`s) are ordered once
so that each comes after the calls it depends on; calling the model replays them on real data, passing
each layer's Keras mask on to the layers that take one. A layer called twice is one layer (shared
weights); a model called on symbolic tensors is one layer of the new model.

>>> inputs = gw.Input(shape=(8,))
>>> hidden = gw.nn.Dense(4, activation="relu", name="hidden")(inputs)
>>> model = gw.Model(inputs, gw.nn.Dense(1)(hidden))
>>> features = gw.Model(model.inputs, model.get_layer("hidden").output)
>>> features.output_shape
(None, 4)
"""
from typing import Any

from ..nn.layer import deserialize, serialize
from ..nn.layers.core import InputLayer
from ..nn.symbolic import Node, SymbolicTensor, flatten, map_structure
from ..tensor import Tensor
from .model import Model


def _input_mask(node: Node, values: dict) -> Any:
    """The Keras mask a recorded call receives: a list with one mask per tensor when its first argument is a
    list of tensors (Keras: merge and attention layers), else the first input's; None when there is none."""
    first = node.args[0] if node.args else None
    if isinstance(first, (list, tuple)) and first and all(isinstance(t, SymbolicTensor) for t in first):
        masks = [values[id(t)][1] for t in first]
        return masks if any(m is not None for m in masks) else None
    return values[id(node.inputs[0])][1] if node.inputs else None


def _check_tensors(what: str, structure: Any) -> None:
    leaves = flatten(structure)
    if not leaves or not all(isinstance(t, SymbolicTensor) for t in leaves):
        raise TypeError(f"Model: {what} must be symbolic tensors (from gw.Input and layer calls), or a list/dict of "
                        f"them, got {structure!r:.200}")


def ordered_nodes(inputs: Any, outputs: Any) -> list[Node]:
    """The layer calls that lead from `inputs` to `outputs`, each after the calls it depends on."""
    given = {id(t) for t in flatten(inputs)}
    order, seen = [], set()

    def visit(tensor):
        if id(tensor) in given:
            return
        node = tensor.node
        if node is None or isinstance(node.layer, InputLayer):
            raise ValueError(f"Model: the outputs depend on {tensor.name}, an input that is not among `inputs` "
                             f"({[t.name for t in flatten(inputs)]})")
        if id(node) in seen:
            return
        for parent in node.inputs:
            visit(parent)
        seen.add(id(node))
        order.append(node)

    for tensor in flatten(outputs):
        visit(tensor)
    return order


class Functional(Model):
    """A model made of layer calls on symbolic tensors; made by `gw.Model(inputs, outputs)`.

    Parameters
    ----------
    inputs : SymbolicTensor, or a list/dict of them
        What `gw.Input` returned; the model takes arrays in the same structure (a dict may also key
        a list's inputs by their names).
    outputs : SymbolicTensor, or a list/dict of them
        Layer outputs computed from `inputs`; the model returns arrays in the same structure.
    name : str, optional
    **kwargs : `Model`'s other arguments (trainable)

    Attributes
    ----------
    inputs, outputs : list of SymbolicTensor
    input_shape, output_shape : a shape, or a list/dict of shapes (batch axis None)
    """

    def __init__(self, inputs: Any, outputs: Any, name: str | None = None, **kwargs: Any):
        _check_tensors("inputs", inputs)
        _check_tensors("outputs", outputs)
        for tensor in flatten(inputs):
            if not isinstance(tensor.node.layer, InputLayer):
                raise ValueError(f"Model: inputs must come from gw.Input, but {tensor.name} is the output of "
                                 f"{tensor.node.layer.name}")
        super().__init__(name=name, **kwargs)
        if isinstance(inputs, (list, tuple)) and len(inputs) == 1:
            inputs = inputs[0]  # one input: the model takes one array, as Keras's does
        self.__dict__["_input_structure"] = list(inputs) if isinstance(inputs, tuple) else inputs
        self.__dict__["_output_structure"] = list(outputs) if isinstance(outputs, tuple) else outputs
        self.__dict__["_nodes"] = ordered_nodes(inputs, outputs)
        layers = [t.node.layer for t in flatten(inputs)]
        for node in self._nodes:
            if all(node.layer is not layer for layer in layers):
                layers.append(node.layer)
        self._sublayers["layers"] = layers
        self.build_input_shape = map_structure(lambda t: (None, *t.shape[1:]), self._input_structure)
        self.output_shape = map_structure(lambda t: t.shape, self._output_structure)
        self.built = True

    @property
    def inputs(self) -> list[SymbolicTensor]:
        """The model's symbolic inputs, in order."""
        return flatten(self._input_structure)

    @property
    def outputs(self) -> list[SymbolicTensor]:
        """The model's symbolic outputs, in order."""
        return flatten(self._output_structure)

    @property
    def input_shape(self) -> Any:
        """The input shape (batch axis None), or a list/dict of them."""
        return self.build_input_shape

    @property
    def input_names(self) -> list[str] | None:
        """The names of a list of inputs (their Input layers'), by which x may also be a dict."""
        if not isinstance(self._input_structure, list):
            return None
        return [t.node.layer.name for t in self._input_structure]

    @property
    def output_names(self) -> list[str] | None:
        """The names of the outputs as compile and the logs use them: a dict's keys, else the names of
        the layers that make them (as Keras)."""
        if isinstance(self._output_structure, dict):
            return list(self._output_structure)
        if isinstance(self._output_structure, SymbolicTensor):
            return None
        names = [t.node.layer.name for t in self.outputs]
        return names if len(set(names)) == len(names) else None

    def _given_inputs(self, inputs):
        """The real inputs, one per symbolic input in order (checked against the model's structure)."""
        expected = self._input_structure
        if isinstance(expected, SymbolicTensor):
            if isinstance(inputs, (list, tuple, dict)):
                raise ValueError(f"{self.name}: expected one input, got a {type(inputs).__name__} of {len(inputs)}")
            return [inputs]
        if isinstance(inputs, dict):
            keys = list(expected) if isinstance(expected, dict) else [t.node.layer.name for t in expected]
            missing = [k for k in keys if k not in inputs]
            if missing or len(inputs) != len(keys):
                raise ValueError(f"{self.name}: expected inputs {keys}, got {list(inputs)}")
            return [inputs[k] for k in keys]
        if not isinstance(inputs, (list, tuple)) or len(inputs) != len(self.inputs):
            got = f"{len(inputs)} arrays" if isinstance(inputs, (list, tuple)) else "one array"
            raise ValueError(f"{self.name}: expected {len(self.inputs)} inputs "
                             f"({[t.node.layer.name for t in self.inputs]}), got {got}")
        return list(inputs)

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        """Replay the recorded layer calls on `inputs`; each layer's mask goes to the layers after it."""
        values = {}  # id(symbolic tensor) -> (Tensor, its Keras mask or None)
        for tensor, value in zip(self.inputs, self._given_inputs(inputs)):
            values[id(tensor)] = (tensor.node.layer(value), None)

        def real(value):
            return values[id(value)][0] if isinstance(value, SymbolicTensor) else value

        for node in self._nodes:
            args, kwargs = map_structure(real, node.args), map_structure(real, node.kwargs)
            in_mask = _input_mask(node, values)
            if in_mask is not None and node.layer.call_takes_mask and "mask" not in kwargs:
                kwargs["mask"] = in_mask
            kwargs.setdefault("training", training)
            out = node.layer(*args, **kwargs)
            out_mask = node.layer.compute_mask(args[0], in_mask) if isinstance(out, Tensor) else None
            for tensor, value in zip(node.output_tensors, flatten(out)):
                values[id(tensor)] = (value, out_mask)
        return map_structure(real, self._output_structure)

    def layer_connections(self) -> dict[str, list[str]]:
        calls = self._call_indices()
        return {node.layer.name: [f"{t.node.layer.name}[{calls[id(t.node)]}][{t.index}]" for t in node.inputs]
                for node in self._nodes}

    # ----- saving -----------------------------------------------------------------------------------
    def _calls_of(self, layer):
        return [n for n in self._nodes if n.layer is layer]

    def _call_indices(self):
        """id(node) -> its index among its layer's calls in this model, in the model's order."""
        calls = {}
        for layer in self._sublayers["layers"]:
            own = layer.inbound_nodes[:1] if isinstance(layer, InputLayer) else self._calls_of(layer)
            calls.update({id(n): i for i, n in enumerate(own)})
        return calls

    def get_config(self) -> dict:
        """The layers, each with its calls in this model (arguments as data: a symbolic tensor is
        [layer name, call index, output index]), and the inputs and outputs the same way."""
        calls = self._call_indices()

        def encoded(value):
            if isinstance(value, SymbolicTensor):
                return {"__symbolic__": [value.node.layer.name, calls[id(value.node)], value.index]}
            if value is None or isinstance(value, (bool, int, float, str)):
                return value
            raise ValueError(f"{self.name}: cannot save a layer call with the argument {value!r:.80}: only symbolic "
                             "tensors, numbers, strings and None can be stored")

        layers = [{**serialize(layer), "name": layer.name, "calls": [
            {"args": map_structure(encoded, list(n.args)), "kwargs": map_structure(encoded, n.kwargs)}
            for n in self._calls_of(layer)]} for layer in self._sublayers["layers"]]
        return {"name": self.name, "trainable": self.trainable, "layers": layers,
                "inputs": map_structure(encoded, self._input_structure),
                "outputs": map_structure(encoded, self._output_structure)}

    @classmethod
    def from_config(cls, config: dict) -> "Functional":
        """Rebuild the layers and replay their calls (a call once the tensors it takes exist)."""
        layers = {item["name"]: deserialize(item) for item in config["layers"]}
        made = {}  # (layer name, call index) -> that call's outputs, flat

        def decoded(value):
            if isinstance(value, dict) and set(value) == {"__symbolic__"}:
                name, call, index = value["__symbolic__"]
                return made[(name, call)][index]
            if isinstance(value, dict):
                return {k: decoded(v) for k, v in value.items()}
            return list(map(decoded, value)) if isinstance(value, list) else value

        for name, layer in layers.items():
            if isinstance(layer, InputLayer):
                made[(name, 0)] = [layer.output]
        pending = [(item["name"], i, call) for item in config["layers"] for i, call in enumerate(item["calls"])]
        while pending:
            waiting = []
            for name, i, call in pending:
                try:
                    args, kwargs = decoded(call["args"]), decoded(call["kwargs"])
                except KeyError:
                    waiting.append((name, i, call))
                    continue
                made[(name, i)] = flatten(layers[name](*args, **kwargs))
            if len(waiting) == len(pending):
                raise ValueError(f"Functional: the saved calls of {[n for n, _, _ in waiting]} take tensors "
                                 "that no saved call makes")
            pending = waiting
        return cls(decoded(config["inputs"]), decoded(config["outputs"]),
                   name=config.get("name"), trainable=config.get("trainable", True))

