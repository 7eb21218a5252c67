"""PyTorch's `inplace=True` for the elementwise functions (activations, dropout), written once."""

from __future__ import annotations

from ....ops.inplace import apply_
from ...tensor import Tensor, as_facade, wrap


def result_of(input, inplace: bool, name: str, function) -> Tensor:
    """`function(input)` as a new tensor; with `inplace`, written into `input`, which is returned.

    Parameters
    ----------
    input : Tensor
    inplace : bool
        Write into input under PyTorch's rules for in-place operations (gradwork's `ops/inplace.py`):
        allowed on a computed tensor (the graph is rebased), an error on a leaf that requires grad.
    name : str
        The operation, for error messages ("relu").
    function : callable(gradwork Tensor) -> gradwork Tensor
        Elementwise and differentiable: the output has the input's shape.
    """
    if inplace:
        apply_(as_facade(input)._t, name + "_", function)
        return input
    return wrap(function(as_facade(input)._t))
