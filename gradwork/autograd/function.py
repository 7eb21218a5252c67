"""`Function`: one differentiable operation, the unit the autograd graph is made of.

`forward` works on NumPy arrays and returns an array. `backward` receives the gradient of the
output and returns the inputs' gradients. Each backward rule is written once and runs in one of
two modes, chosen by the engine:

- **first-order mode** (the usual `loss.backward()`): the gradient, `self.args` and `self.result`
  are plain ndarrays, so the rule costs only its NumPy work: no graph, no Tensor wrappers;
- **recording mode** (`backward(create_graph=True)`, `gw.grad(..., create_graph=True)`): they are
  Tensors, so the same rule is recorded as a graph and can be differentiated again
  (Hessian-vector products, gradient penalties).

`Tensor` and the operations import each other (Tensor's operators create Functions, a Function's
result is a Tensor): that cycle is tied in one place, the last lines of `gradwork/tensor.py`.
"""

from __future__ import annotations

import weakref

import numpy as np
from numpy.typing import ArrayLike

from ..tensor import Tensor
from ..tensor_data import link_view, version_clock
from .grad_mode import _state


class Function:
    """Base class of all operations.

    Subclasses take their non-tensor settings (axis, shape, ...) in `__init__`, implement
    `forward(*arrays) -> array` and `backward(grad) -> tuple` (one gradient, or None, per input).
    Call an instance on operands to apply it: ``Exp()(x)``; the result is a Tensor that records
    the node when an operand requires grad and grad mode is on, a constant Tensor otherwise. A node
    notes the versions of its tensor operands and of its output; backward raises if one was changed
    in place since (see `engine._check_versions`). A result whose array is a view of an operand's
    memory is marked as a view of it (`gradwork/tensor_data.py`).

    What a backward rule may use:

    - ``self.args``: the operands, as ndarrays (first-order mode) or Tensors (recording mode);
      constants as given;
    - ``self.result``: the output, likewise (for rules such as exp's that reuse the result);
    - ``self.input_arrays`` and ``self.output_array``: the operands and the output as ndarrays in
      both modes; use them only for values the gradient does not flow through (masks, signs,
      routing), since in recording mode they are constants of the recorded graph;
    - ``self.needs_input_grad``: which operands need a gradient (skip the work for the others);
    - ``self.inputs``: the operands as passed (Tensors or constants), the graph's edges.

    Operations that mean the same on ndarrays and on Tensors, so a rule may use them freely:
    the operators ``+ - * / ** @``, unary ``-``, ``abs()``, indexing ``x[index]``, the methods
    ``.sum``, ``.mean`` and ``.max`` (with ``axis=`` and ``keepdims=`` as keywords: NumPy's second
    positional argument is a dtype), ``.reshape(shape)``, ``.transpose(axes)``, ``.T``,
    ``.swapaxes(a, b)`` and ``.astype(dtype)``. Comparisons give a boolean mask in both modes
    (never differentiated). Any other operation goes through
    `apply_in_backward(SomeFunction(...), *operands)`.
    """

    inputs = ()
    needs_input_grad = ()

    def __call__(self, *inputs: Tensor | ArrayLike) -> Tensor:
        arrays, needs, versions, any_needs = [], [], [], False
        for x in inputs:
            if isinstance(x, Tensor):
                arrays.append(x.data)
                needs.append(x.requires_grad)
                versions.append(x._version_counter[0])
                any_needs = any_needs or x.requires_grad
            else:
                # NumPy scalars become Python numbers, which NumPy treats as "weak":
                # float32 * np.float64(2) then stays float32
                arrays.append(x.item() if isinstance(x, np.generic) else x)
                needs.append(False)
                versions.append(None)
        out = self.forward(*arrays)
        recording = any_needs and _state.enabled
        result = Tensor._make(out, True, self) if recording else Tensor._make(out)
        if result.data.base is not None:  # only view-producing operations pay for the memory test
            link_view(result, inputs)
        if recording:
            self.inputs = inputs
            self.needs_input_grad = needs
            self.input_arrays = arrays
            # what backward checks (engine.py): a tensor changed in place since gives an error there
            self.input_versions = versions
            self.output_version = result._version_counter[0]
            self.version_clock = version_clock[0]
            self.output_array = out
            self._output_ref = weakref.ref(result)
        return result

    @property
    def args(self) -> tuple:
        """The operands in the rule's mode: ndarrays (first order) or Tensors (recording); constants as is."""
        return self.inputs if _state.enabled else self.input_arrays

    @property
    def result(self) -> Tensor | np.ndarray:
        """The output in the rule's mode: an ndarray (first order) or the output Tensor (recording)."""
        return self._output_ref() if _state.enabled else self.output_array

    @property
    def output(self) -> Tensor:
        """The output Tensor in both modes (a rule written with Tensor operations on `inputs`/`output`
        works in both modes too, only without the first-order speed-up)."""
        return self._output_ref()

    def release(self) -> None:
        """Drop what this node holds once backward has used it (`retain_graph=False`)."""
        self.__dict__.clear()
        self.inputs = None

    def __repr__(self):
        return f"<{type(self).__name__}>"


def apply_in_backward(fn: Function, *operands: Tensor | np.ndarray | float) -> Tensor | np.ndarray:
    """Apply the operation `fn` inside a backward rule, in the rule's mode.

    In recording mode (an operand is a Tensor) it is a graph node, so the gradient stays
    differentiable; in first-order mode (all operands are arrays or constants) it is `fn.forward`
    on the arrays, with no Tensor made.

    Parameters
    ----------
    fn : Function
        A new instance of the operation (its non-tensor settings given to its constructor).
    *operands : Tensor, ndarray or number
        The operation's operands, of the shapes it takes.

    Returns
    -------
    Tensor or ndarray
        The operation's result: a recorded Tensor when an operand is a Tensor, else an ndarray.
    """
    for x in operands:
        if isinstance(x, Tensor):
            return fn(*operands)
    return fn.forward(*operands)
