"""`torch.autograd.grad`, `backward`, `gradcheck` and `gradgradcheck`: gradwork's engine and checks,
taking and returning facade tensors.

`gradcheck` compares a random vector-Jacobian product with central differences (gradwork's check;
PyTorch builds the whole Jacobian): a wrong gradient fails either way, in fewer evaluations here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ...autograd import gradcheck as gw_gradcheck
from ...autograd.engine import grad as gw_grad
from ...autograd.engine import run_backward
from ...tensor import Tensor as GwTensor
from .._core import TensorCore, unwrap
from ..tensor import Tensor, wrap


def _sequence(x) -> list:
    return [x] if isinstance(x, TensorCore) or x is None else list(x)


def grad(outputs, inputs, grad_outputs=None, retain_graph: bool | None = None, create_graph: bool = False,
         only_inputs: bool = True, allow_unused: bool | None = None, is_grads_batched: bool = False,
         materialize_grads: bool = False) -> tuple[Tensor | None, ...]:
    """The gradients of `outputs` with respect to `inputs`, returned (no `.grad` is touched).

    Parameters
    ----------
    outputs, inputs : Tensor or sequence of Tensor
    grad_outputs : Tensor or sequence (of Tensor or None), optional
        The weight of each output, of its shape; None: ones (scalar outputs only).
    retain_graph : bool, optional
        Keep the graph for another backward; default `create_graph`.
    create_graph : bool
        Record the gradients' computation, so they can be differentiated again.
    allow_unused, materialize_grads : bool
        An input the outputs do not depend on gets None (allow_unused) or zeros (materialize_grads)
        instead of an error.
    only_inputs : bool
        Ignored, as in PyTorch (deprecated there).

    Returns
    -------
    tuple of Tensor (or None)
        One per input, of its shape.
    """
    if is_grads_batched:
        raise RuntimeError("gradwork.torch does not provide torch.autograd.grad(is_grads_batched=True): loop over "
                           "the grad_outputs instead")
    inputs = _sequence(inputs)
    grads = gw_grad([unwrap(o) for o in _sequence(outputs)], [unwrap(x) for x in inputs],
                    None if grad_outputs is None else [unwrap(g) for g in _sequence(grad_outputs)],
                    retain_graph, create_graph, allow_unused=bool(allow_unused or materialize_grads))
    if materialize_grads:
        grads = [GwTensor._make(np.zeros_like(x._t.data)) if g is None else g for g, x in zip(grads, inputs)]
    return tuple(None if g is None else wrap(g) for g in grads)


def backward(tensors, grad_tensors=None, retain_graph: bool | None = None, create_graph: bool = False,
             inputs=None) -> None:
    """Accumulate the gradients of `tensors` (weighted by `grad_tensors`) into the leaves' `.grad`.

    Parameters
    ----------
    tensors : Tensor or sequence of Tensor
        Each must require grad.
    grad_tensors : Tensor or sequence (of Tensor or None), optional
        One per tensor, of its shape; None: ones (scalar tensors only).
    retain_graph, create_graph : bool
        As `Tensor.backward`.
    """
    if inputs is not None:
        raise RuntimeError("gradwork.torch does not provide backward(inputs=...): use torch.autograd.grad")
    tensors = _sequence(tensors)
    grads = [None] * len(tensors) if grad_tensors is None else _sequence(grad_tensors)
    if len(grads) != len(tensors):
        raise RuntimeError(f"grad_tensors should have the same length as tensors: got {len(grads)} for "
                           f"{len(tensors)} tensors")
    for i, t in enumerate(tensors):
        if not t.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
    run_backward([unwrap(t) for t in tensors], [unwrap(g) for g in grads], bool(retain_graph or create_graph),
                 create_graph)


def _on_gradwork_tensors(func: Callable) -> Callable:
    """`func` (facade tensors in and out) as gradwork's checks call it: gradwork Tensors in and out."""
    def function(*args):
        out = func(*(wrap(a) if isinstance(a, GwTensor) else a for a in args))
        return tuple(unwrap(o) for o in out) if isinstance(out, (tuple, list)) else unwrap(out)
    return function


def _unsupported(checks: dict) -> None:
    asked = [name for name, value in checks.items() if value]
    if asked:
        raise RuntimeError(f"gradwork.torch's gradcheck does not provide {', '.join(asked)}: it checks backward "
                           "gradients only")


def gradcheck(func: Callable, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, nondet_tol: float = 0.0, check_undefined_grad: bool = True,
              check_grad_dtypes: bool = False, check_batched_grad: bool = False,
              check_batched_forward_grad: bool = False, check_forward_ad: bool = False,
              check_backward_ad: bool = True, fast_mode: bool = False, masked: bool | None = None) -> bool:
    """Check `func`'s backward gradients at `inputs` against central differences (use float64 inputs).

    Raises `GradcheckError` on a mismatch (naming the input, the element and both values), or
    returns False with raise_exception=False; True when they agree. PyTorch's other options are
    accepted and change nothing, except the forward-mode and batched checks, which are refused.
    """
    _unsupported({"check_batched_grad": check_batched_grad, "check_forward_ad": check_forward_ad,
                  "check_batched_forward_grad": check_batched_forward_grad})
    args = tuple(unwrap(x) for x in _sequence(inputs))
    return gw_gradcheck.gradcheck(_on_gradwork_tensors(func), args, eps, atol, rtol, raise_exception)


def gradgradcheck(func: Callable, inputs, grad_outputs=None, *, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, gen_non_contig_grad_outputs: bool = False, raise_exception: bool = True,
                  nondet_tol: float = 0.0, check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
                  check_batched_grad: bool = False, check_fwd_over_rev: bool = False, check_rev_over_rev: bool = True,
                  fast_mode: bool = False, masked: bool | None = None) -> bool:
    """Check `func`'s second derivatives: gradcheck of its backward taken with create_graph=True."""
    _unsupported({"check_batched_grad": check_batched_grad, "check_fwd_over_rev": check_fwd_over_rev})
    args = tuple(unwrap(x) for x in _sequence(inputs))
    grad_outputs = None if grad_outputs is None else [unwrap(g) for g in _sequence(grad_outputs)]
    return gw_gradcheck.gradgradcheck(_on_gradwork_tensors(func), args, grad_outputs, eps, atol, rtol,
                                      raise_exception)


GradcheckError = gw_gradcheck.GradcheckError
