"""`Function`: one differentiable operation, the unit the autograd graph is made of.

`forward` works on NumPy arrays and returns an array. `backward` receives the gradient of the
output as a Tensor and returns the inputs' gradients written in Tensor operations, so that with
`create_graph=True` the backward pass is itself recorded and can be differentiated again.
In an ordinary (first-order) backward, graph recording is off and those operations cost only
their NumPy work.
"""
import weakref

import numpy as np

from .grad_mode import _state


class Function:
    """Base class of all operations.

    Subclasses take their non-tensor settings (axis, shape, ...) in `__init__`, implement
    `forward(*arrays) -> array` and `backward(grad) -> tuple of Tensor or None` (one entry per
    input; None for inputs that need no gradient). During backward these are available:

    - ``self.inputs``: the operands as passed (Tensors, or constants such as Python numbers);
    - ``self.needs_input_grad``: which operands need a gradient (skip work for the others);
    - ``self.output``: the output Tensor (for rules like exp's, which reuse the result).

    Call an instance on operands to apply it: ``Exp()(x)``.
    """

    inputs = ()
    needs_input_grad = ()

    def __call__(self, *inputs):
        # NumPy scalars become Python numbers, which NumPy treats as "weak": float32 * np.float64(2) stays float32
        arrays = [x.data if isinstance(x, Tensor) else x.item() if isinstance(x, np.generic) else x for x in inputs]
        out = self.forward(*arrays)
        if _state.enabled:
            needs = [isinstance(x, Tensor) and x.requires_grad for x in inputs]
            if True in needs:
                self.inputs = inputs
                self.needs_input_grad = needs
                result = Tensor._make(out, True, self)
                self._output_ref = weakref.ref(result)
                return result
        return Tensor._make(out)

    @property
    def output(self):
        return self._output_ref()

    def release(self):
        """Drop what this node holds once backward has used it (`retain_graph=False`)."""
        self.__dict__.clear()
        self.inputs = None

    def __repr__(self):
        return f"<{type(self).__name__}>"


from ..tensor import Tensor  # noqa: E402  (Tensor's operators import Function: resolve the cycle here)
