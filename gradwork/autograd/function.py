"""`Function`: one differentiable operation, the unit the autograd graph is made of.

`forward` works on NumPy arrays and returns an array. `backward` receives the gradient of the
output and returns the inputs' gradients. Each rule is written once, with operators, array
methods (`.sum`, `.reshape`, `.T`, `.astype`, indexing) and `dispatch(...)` for other
operations, and runs in two modes:

- first-order backward (the usual `loss.backward()`): the gradient and `self.args` are plain
  ndarrays, so the rule costs only its NumPy work: no graph, no Tensor wrappers;
- `create_graph=True`: the gradient and `self.args` are Tensors, so the same rule is recorded
  as a graph and can be differentiated again (Hessian-vector products, gradient penalties).
"""

import weakref

import numpy as np

from .grad_mode import _state


class Function:
    """Base class of all operations.

    Subclasses take their non-tensor settings (axis, shape, ...) in `__init__`, implement
    `forward(*arrays) -> array` and `backward(grad) -> tuple` (one gradient or None per input).
    During backward these are available:

    - ``self.args``: the operands, as arrays (first order) or Tensors (create_graph); constants as given;
    - ``self.result``: the output, likewise (for rules like exp's, which reuse the result);
    - ``self.needs_input_grad``: which operands need a gradient (skip work for the others);
    - ``self.inputs``: the operands as passed (Tensors or constants), the graph's edges.

    Call an instance on operands to apply it: ``Exp()(x)``.
    """

    inputs = ()
    needs_input_grad = ()

    def __call__(self, *inputs):
        arrays, needs, any_needs = [], [], False
        for x in inputs:
            if isinstance(x, Tensor):
                arrays.append(x.data)
                needs.append(x.requires_grad)
                any_needs = any_needs or x.requires_grad
            else:
                # NumPy scalars become Python numbers, which NumPy treats as "weak":
                # float32 * np.float64(2) then stays float32
                arrays.append(x.item() if isinstance(x, np.generic) else x)
                needs.append(False)
        out = self.forward(*arrays)
        if any_needs and _state.enabled:
            self.inputs = inputs
            self.needs_input_grad = needs
            self._arrays = arrays
            self._out = out
            result = Tensor._make(out, True, self)
            self._output_ref = weakref.ref(result)
            return result
        return Tensor._make(out)

    @property
    def args(self):
        return self.inputs if _state.enabled else self._arrays

    @property
    def result(self):
        return self._output_ref() if _state.enabled else self._out

    @property
    def output(self):
        """The output Tensor (a rule written with Tensor operations on `inputs`/`output` works in
        both modes too, only without the first-order speed-up)."""
        return self._output_ref()

    def release(self):
        """Drop what this node holds once backward has used it (`retain_graph=False`)."""
        self.__dict__.clear()
        self.inputs = None

    def __repr__(self):
        return f"<{type(self).__name__}>"


def dispatch(fn, *operands):
    """Apply `fn` inside a backward rule: as a graph node when an operand is a Tensor, else straight
    to its `forward` on the arrays (the first-order mode)."""
    for x in operands:
        if isinstance(x, Tensor):
            return fn(*operands)
    return fn.forward(*operands)


from ..tensor import Tensor  # noqa: E402  (Tensor's operators import Function: resolve the cycle here)
