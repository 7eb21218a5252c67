"""Symbolic tensors (Keras's KerasTensor): what `gw.Input` returns and what a layer called on them returns,
so that a model can be described as a graph of layer calls before any data exists (the functional API).

A `SymbolicTensor` has a shape (batch axis None; None on any axis of any size), a dtype and a name, and
remembers the `Node` (one call of one layer) that produced it. Calling a layer on symbolic tensors
(`symbolic_call`) builds the layer and finds its output shapes by running it once on a small batch of
zeros in inference mode (twice, with another size, when an axis is free, to see which output axes
follow it); the call is recorded as a `Node`, and `gw.Model(inputs, outputs)` replays the nodes on
real data.

>>> x = gw.Input(shape=(20,))
>>> y = gw.nn.Dense(4)(x)
>>> y.shape, y.node.layer.name.startswith("dense")
((None, 4), True)
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..autograd.grad_mode import no_grad
from .building import shape_pass

# Sizes that stand in for an axis declared None (any size), here and when a model is built from declared
# shapes (`models.structure`): the first, then the second to check that nothing depends on that size and
# to see which output axes follow it. Large enough for a few valid convolutions and poolings, small
# enough to be quick.
FREE_AXIS_SIZES = (32, 64)


class SymbolicTensor:
    """A tensor of a graph being described: no values, a shape, a dtype and the node that makes it.

    Parameters
    ----------
    shape : tuple of int or None
        Batch axis first (None); None also on any axis of any size.
    dtype : dtype
    name : str
    node : Node, optional
        The layer call that produced it (for an `Input`, the call of its InputLayer).
    index : int
        Which of that call's outputs it is (in the order `flatten` lists them).
    """

    def __init__(self, shape: tuple, dtype: Any, name: str, node: Node | None = None, index: int = 0):
        self.shape, self.dtype, self.name = tuple(shape), np.dtype(dtype), name
        self.node, self.index = node, index

    @property
    def ndim(self) -> int:
        """The number of axes, batch included."""
        return len(self.shape)

    def _merge_hint(self, operation, layer):
        raise TypeError(f"{self.name} is a symbolic tensor (a model being described, no values yet): "
                        f"`{operation}` is not recorded; use the layer gw.nn.{layer} (e.g. gw.nn.{layer}()([a, b])), "
                        "or gw.nn.Lambda(function) for other computations")

    def __add__(self, other):
        self._merge_hint("+", "Add")

    def __sub__(self, other):
        self._merge_hint("-", "Subtract")

    def __mul__(self, other):
        self._merge_hint("*", "Multiply")

    def __truediv__(self, other):
        self._merge_hint("/", "Lambda")

    def __matmul__(self, other):
        self._merge_hint("@", "Dot")

    def __getitem__(self, key):
        self._merge_hint("[...]", "Lambda")

    __radd__, __rsub__, __rmul__, __rtruediv__ = __add__, __sub__, __mul__, __truediv__

    def __array__(self, *args, **kwargs):
        raise TypeError(f"{self.name} is a symbolic tensor and has no values: build gw.Model(inputs, outputs) "
                        "from it and call the model on arrays")

    def __bool__(self):
        raise TypeError(f"{self.name} is a symbolic tensor: it has no truth value")

    def __repr__(self) -> str:
        return f"<SymbolicTensor shape={self.shape}, dtype={self.dtype.name}, name={self.name}>"


class Node:
    """One call of a layer on symbolic tensors: `layer(*args, **kwargs)` and what it returned.

    Attributes
    ----------
    layer : Layer
    args, kwargs : the call's arguments as given, symbolic tensors in place (anywhere in lists,
        tuples and dicts)
    outputs : SymbolicTensor, or a list/tuple of them, as the layer returned its results
    inputs : list of SymbolicTensor, every symbolic tensor in args and kwargs, in order
    """

    def __init__(self, layer: Any, args: tuple, kwargs: dict, outputs: Any):
        self.layer, self.args, self.kwargs, self.outputs = layer, args, kwargs, outputs
        self.inputs = [t for t in flatten((args, kwargs)) if isinstance(t, SymbolicTensor)]

    @property
    def output_tensors(self) -> list[SymbolicTensor]:
        """The outputs as a flat list (`SymbolicTensor.index` is the position in it)."""
        return [t for t in flatten(self.outputs) if isinstance(t, SymbolicTensor)]


def flatten(structure: Any) -> list:
    """The leaves of nested lists, tuples and dicts (dicts in their order), depth first."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    if isinstance(structure, dict):
        return [leaf for item in structure.values() for leaf in flatten(item)]
    return [structure]


def map_structure(fn: Callable[[Any], Any], structure: Any) -> Any:
    """`structure` with fn applied to every leaf (lists, tuples and dicts keep their kind)."""
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_structure(fn, item) for item in structure)
    if isinstance(structure, dict):
        return {k: map_structure(fn, v) for k, v in structure.items()}
    return fn(structure)


def is_symbolic(inputs: Any, args: tuple = (), kwargs: dict | None = None) -> bool:
    """Whether a call's inputs hold a symbolic tensor (at the top, or one level into a list/tuple/dict),
    or its other arguments do: a cheap test for every layer call."""
    if type(inputs) is SymbolicTensor:
        return True
    if isinstance(inputs, (list, tuple)) and any(type(v) is SymbolicTensor for v in inputs):
        return True
    if isinstance(inputs, dict) and any(type(v) is SymbolicTensor for v in inputs.values()):
        return True
    return any(type(v) is SymbolicTensor for v in args) or any(
        type(v) is SymbolicTensor for v in (kwargs or {}).values())


def merge_shapes(a: Any, b: Any) -> Any:
    """Two shapes (or lists/dicts of them) of one output with None where their sizes differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        return {k: merge_shapes(a[k], b[k]) for k in a}
    if isinstance(a, list) and isinstance(b, list):
        return [merge_shapes(x, y) for x, y in zip(a, b)]
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        return tuple(x if x == y else None for x, y in zip(a, b))
    return a


def zero_sample(shape: tuple, dtype: Any, free_size: int = FREE_AXIS_SIZES[0]) -> np.ndarray:
    """One sample of zeros for `shape` (batch axis first, any size): (1, *sample shape), with `free_size`
    on every other axis declared None."""
    return np.zeros((1,) + tuple(free_size if d is None else d for d in shape[1:]), dtype=dtype)


def symbolic_call(layer: Any, args: tuple, kwargs: dict) -> Any:
    """Record `layer(*args, **kwargs)` where some arguments are symbolic tensors: build the layer by a
    call on zeros (inference mode), and return symbolic outputs of the shapes it gave.

    Returns
    -------
    SymbolicTensor, or a list/tuple of them shaped as the layer's result; each knows the new `Node`.
    """
    symbolic = [t for t in flatten((args, kwargs)) if isinstance(t, SymbolicTensor)]
    free = any(None in t.shape[1:] for t in symbolic)
    call_kwargs = {k: v for k, v in kwargs.items() if k != "training"}
    shapes = None
    for size in FREE_AXIS_SIZES if free else FREE_AXIS_SIZES[:1]:
        def concrete(value, size=size):
            return zero_sample(value.shape, value.dtype, size) if isinstance(value, SymbolicTensor) else value

        with no_grad(), shape_pass():
            out = layer(*map_structure(concrete, args), training=False, **map_structure(concrete, call_kwargs))
        leaves = [(None,) + tuple(t.shape[1:]) for t in flatten(out)]
        shapes = leaves if shapes is None else [merge_shapes(a, b) for a, b in zip(shapes, leaves)]
    node = Node(layer, args, kwargs, None)
    counter = iter(range(len(shapes)))

    def symbolic_output(value):
        index = next(counter)
        return SymbolicTensor(shapes[index], value.dtype, f"{layer.name}/output_{index}", node, index)

    node.outputs = map_structure(symbolic_output, out)
    layer.inbound_nodes.append(node)
    return node.outputs


class Connected:
    """What a layer knows of the graphs it was called in (mixed into `Layer`): `inbound_nodes`, one per
    symbolic call, and `input` / `output` when there is exactly one."""

    @property
    def inbound_nodes(self) -> list[Node]:
        """The layer's symbolic calls, in order."""
        return self.__dict__.setdefault("_inbound_nodes", [])

    def _only_node(self, what):
        nodes = self.inbound_nodes
        if len(nodes) != 1:
            called = "was never called on symbolic tensors" if not nodes else f"was called {len(nodes)} times"
            raise AttributeError(f"{self.name}: `{what}` needs exactly one symbolic call, but the layer {called}; "
                                 f"use inbound_nodes[i].{'inputs' if what == 'input' else 'outputs'}")
        return nodes[0]

    @property
    def input(self) -> Any:
        """The symbolic tensor(s) the layer was called on (its one call): one, or a list of them."""
        inputs = self._only_node("input").inputs
        return inputs[0] if len(inputs) == 1 else inputs

    @property
    def output(self) -> Any:
        """The symbolic output(s) of the layer's one call."""
        return self._only_node("output").outputs
