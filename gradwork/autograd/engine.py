"""Reverse-mode differentiation: walk the graph from the outputs back to the leaves.

The walk is iterative (no recursion, so a 10,000-operation chain is fine): a depth-first
post-order gives every node after all of its inputs, and visiting that order backwards
reaches each node only once all the gradients flowing into it have been summed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from .grad_mode import set_grad_enabled
from ..ops.shape_ops import Cast
from ..tensor import Tensor
from ..tensor_data import version_clock


def _topological_order(roots):
    """Nodes reachable from `roots` that require grad, inputs before the outputs that use them."""
    order, visited = [], set()
    stack = [(root, False) for root in roots]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        fn = node._fn
        if fn is None:  # a leaf: nothing to expand
            order.append(node)
            continue
        stack.append((node, True))
        if fn.inputs is None:
            raise RuntimeError(
                "Trying to backward through the graph a second time: its saved values were freed by "
                "the first backward. Pass retain_graph=True to the first .backward() to keep them."
            )
        for inp, needs in zip(fn.inputs, fn.needs_input_grad):
            if needs and id(inp) not in visited:
                stack.append((inp, False))
    return order


def _as_grad_tensor(grad, like):
    """The seed gradient for output `like`: ones for a scalar, else the given value with its shape checked."""
    if grad is None:
        if like.data.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for scalar outputs; this output has shape {like.shape}. "
                "Pass a gradient of the same shape: out.backward(grad)."
            )
        return Tensor._make(np.ones_like(like.data))
    if not isinstance(grad, Tensor):
        grad = Tensor._make(np.asarray(grad, dtype=like.dtype))
    elif grad.dtype != like.dtype:
        grad = grad.astype(like.dtype)  # as PyTorch: each gradient has its tensor's dtype
    if grad.shape != like.shape:
        raise RuntimeError(f"gradient has shape {grad.shape} but the output has shape {like.shape}")
    return grad


def run_backward(outputs: Sequence[Tensor], grad_outputs: Sequence[Tensor | ArrayLike | None],
                 retain_graph: bool = False, create_graph: bool = False,
                 inputs: Sequence[Tensor] | None = None) -> list[Tensor | None] | None:
    """Propagate `grad_outputs` from `outputs` to the leaves: the engine behind `backward` and `grad`.

    Gradients travel as ndarrays in a first-order pass and as Tensors under `create_graph`.

    Parameters
    ----------
    outputs : sequence of Tensor
    grad_outputs : sequence of Tensor, array_like or None
        One per output, of its shape; None for ones (scalar outputs only).
    retain_graph : bool
        Keep the nodes' saved values, so the graph can be walked again.
    create_graph : bool
        Record the backward pass, so the gradients can be differentiated again.
    inputs : sequence of Tensor, optional
        None accumulates into the `.grad` of every leaf (and of non-leaves that called
        `retain_grad()`); otherwise the gradients of these tensors are returned and no `.grad`
        is touched.

    Returns
    -------
    list of (Tensor or None), or None
        With `inputs`: one gradient per input, of its shape (None where the outputs do not depend
        on it); else None.
    """
    grads = {}
    for out, g in zip(outputs, grad_outputs):
        if out.requires_grad:
            g = _as_grad_tensor(g, out)
            if not create_graph:
                g = g.data
            grads[id(out)] = grads[id(out)] + g if id(out) in grads else g
    wanted = None if inputs is None else {id(t) for t in inputs}
    captured = {}
    # Arrays already stored as some .grad, and the caller's own seed arrays: storing one of these
    # as another .grad would let an in-place change to one gradient alter the other.
    stored = {id(g if not create_graph else g.data) for g in grads.values()}

    order = _topological_order([out for out in outputs if out.requires_grad])
    with set_grad_enabled(create_graph):
        for node in reversed(order):
            g = grads.pop(id(node), None)
            if g is None:
                continue
            fn = node._fn
            if wanted is not None:
                if id(node) in wanted:
                    captured[id(node)] = g if create_graph else Tensor._make(g)
            elif fn is None or node._retains_grad:
                _store_grad(node, g, stored, create_graph)
            if fn is None:
                continue
            if fn.version_clock != version_clock[0]:  # some tensor was changed in place since fn was recorded
                _check_versions(fn)
            input_grads = fn.backward(g)
            for inp, needs, ig in zip(fn.inputs, fn.needs_input_grad, input_grads):
                if not needs or ig is None:
                    continue
                if not create_graph and type(ig) is not np.ndarray:
                    ig = np.asarray(ig)
                if ig.shape != inp.data.shape:
                    raise RuntimeError(
                        f"{type(fn).__name__}.backward returned a gradient of shape {ig.shape} "
                        f"for an input of shape {inp.data.shape}"
                    )
                if ig.dtype != inp.data.dtype:
                    ig = ig.astype(inp.data.dtype)
                key = id(inp)
                grads[key] = grads[key] + ig if key in grads else ig
            if not retain_graph:
                fn.release()
    if wanted is not None:
        return [captured.get(id(t)) for t in inputs]
    return None


def _check_versions(fn):
    """Raise if a tensor `fn` recorded (an input, or its output) was changed in place since.

    Stricter than PyTorch, which checks only the tensors an operation saved for its backward: this
    checks every input and the output, as a Function does not declare what its backward reads; so
    it may refuse a change PyTorch would allow (an in-place step on an input of an addition), and
    it never lets a changed array give a wrong gradient.
    """
    for i, (x, version) in enumerate(zip(fn.inputs, fn.input_versions)):
        if version is not None and x._version != version:
            _raise_modified(fn, f"input {i}", x, version)
    out = fn._output_ref()
    if out is not None and out._version != fn.output_version:
        _raise_modified(fn, "its output", out, fn.output_version)


def _raise_modified(fn, which, tensor, version):
    raise RuntimeError(
        f"one of the tensors needed to compute the gradient of {type(fn).__name__} ({which}, shape {tensor.shape}) "
        f"was modified in place after the operation used it (version {version}, now {tensor._version}), e.g. by "
        "an optimizer step between forward and backward: call backward() before the step, or compute the "
        "forward again"
    )


def _store_grad(node, g, stored, create_graph):
    """Add `g` to `node.grad`, copying it first if its memory is shared with another gradient."""
    data = g.data if create_graph else g
    if data.base is not None or id(data) in stored:
        # under create_graph the copy is a recorded node, so the stored gradient stays differentiable
        g = Cast(data.dtype)(g) if create_graph else data.copy()
        data = g.data if create_graph else g
    stored.add(id(data))
    if not create_graph:
        g = Tensor._make(g)
    node.grad = g if node.grad is None else node.grad + g


def grad(outputs: Tensor | Sequence[Tensor], inputs: Tensor | Sequence[Tensor],
         grad_outputs: Tensor | ArrayLike | Sequence[Tensor | ArrayLike | None] | None = None,
         retain_graph: bool | None = None, create_graph: bool = False,
         allow_unused: bool = False) -> tuple[Tensor | None, ...]:
    """Gradients of `outputs` with respect to `inputs`, returned rather than stored in `.grad`.

    As `torch.autograd.grad`. With `create_graph=True` the returned gradients are part of a graph
    and can be differentiated again (Hessian-vector products, gradient penalties).

    Parameters
    ----------
    outputs : Tensor or sequence of Tensor
    inputs : Tensor or sequence of Tensor
        Tensors with requires_grad that the outputs were computed from.
    grad_outputs : Tensor, array_like or a sequence of them, optional
        The weight of each output, of its shape; None means ones (scalar outputs only).
    retain_graph : bool, optional
        Keep the graph for another backward; defaults to `create_graph`.
    create_graph : bool
    allow_unused : bool
        Give None for an input the outputs do not depend on, instead of raising.

    Returns
    -------
    tuple of Tensor
        One gradient per input, of that input's shape.

    Raises
    ------
    RuntimeError
        An input does not require grad, no output does, or an input is unused (without
        `allow_unused`).

    Examples
    --------
    >>> x = gw.tensor([1.0, 2.0], requires_grad=True)
    >>> (g,) = gw.grad((x ** 3).sum(), [x], create_graph=True)     # 3 x^2
    >>> (h,) = gw.grad(g.sum(), [x])                                 # second derivative 6 x
    >>> h
    tensor([ 6., 12.])
    """
    single_output = isinstance(outputs, Tensor)
    outputs = [outputs] if single_output else list(outputs)
    single_input = isinstance(inputs, Tensor)
    inputs = [inputs] if single_input else list(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor) or not isinstance(grad_outputs, (list, tuple)):
        grad_outputs = [grad_outputs]
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"got {len(grad_outputs)} grad_outputs for {len(outputs)} outputs")
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError(f"input {i} of grad() does not require grad")
    if not any(out.requires_grad for out in outputs):
        raise RuntimeError(
            "none of the outputs requires grad: they do not depend on any input with requires_grad=True"
        )
    if retain_graph is None:
        retain_graph = create_graph
    result = run_backward(outputs, grad_outputs, retain_graph, create_graph, inputs=inputs)
    if not allow_unused:
        for i, g in enumerate(result):
            if g is None:
                raise RuntimeError(
                    f"input {i} of grad() was not used to compute the outputs; pass allow_unused=True "
                    "to get None for it"
                )
    return tuple(result)
