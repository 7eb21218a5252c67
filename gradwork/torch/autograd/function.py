"""`torch.autograd.Function`: a custom operation written as PyTorch's static `forward(ctx, ...)` and
`backward(ctx, ...)`, run as one node of gradwork's engine.

`MyOp.apply(x)` runs `forward` on facade tensors with grad off, then records one gradwork
`Function` node whose backward calls yours. That node runs in the engine's two modes (see
`gradwork.autograd.function`): in a first-order pass your `backward` gets constant tensors and its
result is only their arrays; under `create_graph=True` it gets recorded tensors (the saved inputs
and outputs are the graph's own), so a backward written in tensor operations is differentiated
again. Several outputs are packed into one node: their gradients arrive together, as PyTorch
passes them, zeros for an output that got none.

>>> class MyExp(torch.autograd.Function):
...     @staticmethod
...     def forward(ctx, x):
...         y = x.exp()
...         ctx.save_for_backward(y)
...         return y
...     @staticmethod
...     def backward(ctx, grad_output):
...         y, = ctx.saved_tensors
...         return grad_output * y
>>> x = torch.zeros(2, requires_grad=True)
>>> MyExp.apply(x).sum().backward()
>>> x.grad
tensor([1., 1.])
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from ...autograd.function import Function as GwFunction
from ...autograd.grad_mode import is_grad_enabled, no_grad
from ...tensor import Tensor as GwTensor
from .._core import TensorCore
from ..tensor import wrap


class FunctionCtx:
    """The `ctx` that `forward` and `backward` share: save tensors for backward, mark outputs, and
    keep any other attribute you set on it (`ctx.alpha = alpha`)."""

    def __init__(self, needs_input_grad: tuple[bool, ...]) -> None:
        self.needs_input_grad = needs_input_grad
        self.to_save: tuple = ()
        self.non_differentiable: set[int] = set()
        self._node = None  # a weak reference to the recorded node: the node holds the ctx, not the reverse

    def save_for_backward(self, *tensors) -> None:
        """Keep tensors (inputs, outputs or others; None allowed) for `backward`'s `ctx.saved_tensors`."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, TensorCore):
                raise TypeError(f"save_for_backward can only save tensors (or None), but argument {i} is a "
                                f"{type(t).__name__}: keep other values as attributes of ctx")
        self.to_save = tensors

    def mark_non_differentiable(self, *outputs) -> None:
        """Outputs that get no gradient (indices, masks): they do not require grad."""
        self.non_differentiable.update(id(t) for t in outputs)

    def mark_dirty(self, *tensors) -> None:
        raise RuntimeError("gradwork.torch's autograd.Function does not support forwards that change their inputs "
                           "in place (mark_dirty): return a new tensor instead")

    def set_materialize_grads(self, value: bool) -> None:
        if value is not True:
            raise RuntimeError("gradwork.torch's autograd.Function always passes zeros for outputs without a gradient "
                               "(set_materialize_grads(False) is not provided)")

    @property
    def saved_tensors(self) -> tuple:
        """The tensors given to `save_for_backward`, as the running backward needs them: recorded graph
        tensors under create_graph (so the backward is differentiable), constants otherwise."""
        node = None if self._node is None else self._node()
        if node is None:
            return tuple(self.to_save)
        return tuple(node.saved(slot) for slot in self._slots)


class _Node(GwFunction):
    """The gradwork node of one `apply`: its output is the differentiable outputs packed in one array."""

    def __init__(self, function: type, ctx: FunctionCtx, packed: np.ndarray, outputs: list, differentiable: list):
        self.function, self.ctx, self.packed = function, ctx, packed
        self.outputs, self.differentiable = outputs, differentiable  # facade outputs; their indices packed
        ctx._node = weakref.ref(self)

    def forward(self, *arrays):
        return self.packed  # forward already ran, on tensors

    def saved(self, slot):
        """A saved tensor in the mode of the running backward (`slot`: where it came from)."""
        kind, value = slot
        recording = is_grad_enabled()
        if kind == "input":
            return wrap(self.inputs[value] if recording else GwTensor._make(self.input_arrays[value]))
        if kind == "output":
            live = self.output_refs[value]()
            return wrap(live if recording and live is not None else GwTensor._make(self.output_arrays[value]))
        return value

    def backward(self, grad):
        grads = [None] * len(self.outputs)
        offset = 0
        for k in self.differentiable:
            shape, size = self.outputs[k].shape, self.outputs[k]._t.data.size
            part = grad if len(self.differentiable) == 1 else grad[offset:offset + size].reshape(shape)
            part = part if part.dtype == self.outputs[k].dtype else part.astype(self.outputs[k].dtype)
            grads[k] = wrap(part if isinstance(part, GwTensor) else GwTensor._make(part))
            offset += size
        for k, out in enumerate(self.outputs):
            if grads[k] is None and isinstance(out, TensorCore):
                grads[k] = wrap(GwTensor._make(np.zeros(out._t.shape, out._t.dtype)))
        result = self.function.backward(self.ctx, *grads)
        return _input_grads(self.function, result, self.inputs, is_grad_enabled())


def _input_grads(function: type, result, inputs, recording: bool) -> list:
    """`backward`'s result checked (one gradient per forward argument), in the engine's mode."""
    result = result if isinstance(result, tuple) else (result,)
    name = f"{function.__name__}.backward"
    if len(result) < len(inputs) or any(g is not None for g in result[len(inputs):]):
        raise RuntimeError(f"function {name} returned an incorrect number of gradients (expected {len(inputs)}, "
                           f"got {len(result)})")
    grads = []
    for i, (g, x) in enumerate(zip(result, inputs)):
        if g is not None and not isinstance(x, GwTensor):
            raise RuntimeError(f"function {name} returned a gradient different than None at position {i + 1}, but "
                               "the corresponding forward input was not a tensor")
        if g is not None and not isinstance(g, TensorCore):
            raise TypeError(f"function {name} returned a {type(g).__name__} at position {i + 1}: return a tensor "
                            "or None")
        grads.append(None if g is None else g._t if recording else g._t.data)
    return grads


class Function:
    """Base class of custom operations: subclass it with static `forward(ctx, *args)` and
    `backward(ctx, *grad_outputs)` (one gradient per forward argument, None for non-tensors), and
    call `YourFunction.apply(*args)`. `setup_context(ctx, inputs, output)` with a ctx-less
    `forward(*args)` works too, as in PyTorch 2."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def __call__(self, *args, **kwargs):
        raise RuntimeError(f"call {type(self).__name__}.apply(...), not an instance: autograd.Function's forward and "
                           "backward are static methods")

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("a subclass of autograd.Function must implement the static method forward")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("a subclass of autograd.Function must implement the static method backward")

    setup_context = None  # PyTorch 2's separate context setup: defined, `forward` takes no ctx

    @classmethod
    def apply(cls, *args, **kwargs) -> Any:
        """Run `forward` on `args` and record one node whose backward is `cls.backward`."""
        tracked = is_grad_enabled()
        ctx = FunctionCtx(tuple(tracked and isinstance(a, TensorCore) and a.requires_grad for a in args))
        with no_grad():
            if cls.setup_context is None:
                output = cls.forward(ctx, *args, **kwargs)
            else:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
        if not any(ctx.needs_input_grad):
            return output
        return _record(cls, ctx, args, output)


def _record(cls: type, ctx: FunctionCtx, args: tuple, output) -> Any:
    """Record the node of `cls.apply(*args)` and return `output` with its tensors made its outputs."""
    several = isinstance(output, tuple)
    outputs = list(output) if several else [output]
    differentiable = [k for k, out in enumerate(outputs) if isinstance(out, TensorCore)
                      and out._t.dtype.kind in "fc" and id(out) not in ctx.non_differentiable]
    ctx._slots = [_slot(t, args, outputs) for t in ctx.to_save]
    if not differentiable:
        return output
    arrays = [outputs[k]._t.data for k in differentiable]
    packed = arrays[0] if len(arrays) == 1 else np.concatenate(
        [a.ravel().astype(np.result_type(*arrays)) for a in arrays])
    node = _node_class(cls)(cls, ctx, packed, outputs, differentiable)
    result = node(*(a._t if isinstance(a, TensorCore) else a for a in args))
    made, offset = list(outputs), 0
    for k in differentiable:
        size = outputs[k]._t.data.size
        part = result if len(differentiable) == 1 else result[offset:offset + size].reshape(outputs[k].shape)
        made[k] = wrap(part if part.dtype == outputs[k].dtype else part.astype(outputs[k].dtype))
        offset += size
    for k, out in enumerate(outputs):  # the others are new tensors too, never the inputs themselves
        if k not in differentiable and isinstance(out, TensorCore):
            made[k] = wrap(GwTensor._make(out._t.data))
    node.output_arrays = [m._t.data if isinstance(m, TensorCore) else None for m in made]
    node.output_refs = [weakref.ref(m._t) if isinstance(m, TensorCore) else (lambda: None) for m in made]
    return tuple(made) if several else made[0]


def _slot(tensor, args: tuple, outputs: list):
    """Where a saved tensor comes from: ("input", i), ("output", k), or ("constant", the tensor)."""
    for i, a in enumerate(args):
        if a is tensor and tensor is not None:
            return "input", i
    for k, out in enumerate(outputs):
        if out is tensor and tensor is not None:
            return "output", k
    return "constant", tensor


_NODE_CLASSES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _node_class(function: type) -> type:
    """The node class named after the user's function ("MyExpBackward", as PyTorch's grad_fn)."""
    if function not in _NODE_CLASSES:
        _NODE_CLASSES[function] = type(f"{function.__name__}Backward", (_Node,), {"__module__": __name__})
    return _NODE_CLASSES[function]
