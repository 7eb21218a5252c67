"""In-place operations with PyTorch's rules: what `Tensor.add_`, `sub_`, `mul_`, `div_`, `clamp_`, `relu_`,
`fill_`, `zero_`, `copy_`, `t[index] = value` and the operators `+= -= *= /=` run.

Each is one call to `update`, where the rules are written once:

1. **A plain write**, when grad mode is off (`gw.no_grad()`) or neither self nor an operand requires
   grad: NumPy computes the value into self's memory (`out=`), so self stays the same object with the
   same array (its views see the change) and keeps `requires_grad` and `.grad`. The manual update
   ``with gw.no_grad(): w -= lr * w.grad`` is this case.
2. **A leaf that requires grad**, or a view of one, with grad mode on: a RuntimeError. Its `.grad`
   would be the gradient of a value that no longer exists.
3. **A rebase**, with grad mode on when self is a computed tensor that requires grad or an operand
   requires grad (as PyTorch does): the new value is computed out of place by the ordinary
   differentiable operations from a *snapshot* that stands for self's old value (it takes over self's
   old array, graph node and version counter), then self takes the new array and the new node. So
   gradients flow through ``y = x * 2; y.add_(1); y.relu_()`` as through the out-of-place chain, and
   an operation recorded before the change that used self raises at backward (its version moved on).
   A view that would need this raises instead: its base would silently not change.

Every case that writes adds one to self's version (its root's, for a view). The elementwise forms
(arithmetic, `clamp_`, `relu_`) keep self's shape and dtype: an operand that would make self larger is a
ValueError, a result type that does not cast to self's dtype with ``casting="same_kind"`` (an integer
tensor ``+= 0.5``) a TypeError, as in PyTorch. The assignments (`fill_`, `copy_`, `t[index] = value`)
cast as NumPy's assignment does, and NumPy checks their shapes.
"""

from __future__ import annotations

import operator
import weakref
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from ..autograd.function import Function, apply_in_backward
from ..autograd.grad_mode import is_grad_enabled
from ..tensor import Tensor
from ..tensor_data import give_new_version, increment_version
from .broadcast import sum_to
from .shape_ops import plain_index


class SetItem(Function):
    """x with `value` written at `index` (broadcast to the indexed part): ``x[index] = value`` out of place.

    x's gradient is the incoming one with the written positions zeroed (their old values are gone);
    value's is the incoming gradient at those positions, summed back to value's shape. An integer-array
    index naming a position twice keeps one of the writes (NumPy's choice), so its gradient is
    undefined there, as in PyTorch.
    """

    def __init__(self, index):
        self.index = plain_index(index)

    def forward(self, x, value):
        out = x.copy()
        out[self.index] = value
        return out

    def backward(self, g):
        need_x, need_value = self.needs_input_grad
        gx = apply_in_backward(SetItem(self.index), g, 0) if need_x else None
        gv = None
        if need_value:
            shape = np.shape(self.input_arrays[1])
            picked = g[self.index]
            if picked.ndim < len(shape):  # NumPy lets a value have more leading 1s than the indexed part
                picked = picked.reshape((1,) * (len(shape) - picked.ndim) + picked.shape)
            gv = sum_to(picked, shape)
        return gx, gv


def update(target: Tensor, name: str, operands: tuple, differentiable: Callable[..., Tensor],
           numpy_form: Callable[..., np.ndarray], elementwise: bool = True) -> Tensor:
    """Change `target` in place by the rules of this module's docstring; returns target.

    Parameters
    ----------
    target : Tensor
    name : str
        The method, for error messages ("add_").
    operands : tuple of Tensor, array_like or number
        The operation's operands besides target.
    differentiable : callable(Tensor, *operands) -> Tensor
        The operation out of place, in differentiable operations (`operator.add`).
    numpy_form : callable(ndarray, *operand arrays, out=ndarray)
        The operation computed by NumPy into `out` (`np.add`).
    elementwise : bool
        True: the operands broadcast against target without enlarging it and the result type casts
        to target's dtype ("same_kind"), both checked first. False: an assignment, cast as NumPy's.
    """
    arrays = [_operand_array(x) for x in operands]
    if elementwise:
        _check_elementwise(target, name, arrays, numpy_form)
    if not is_grad_enabled() or not (
        target.requires_grad or any(isinstance(x, Tensor) and x.requires_grad for x in operands)
    ):
        if not target.data.flags.writeable:
            raise ValueError(
                f"{name}: this tensor's memory is read-only (a broadcast view, or a read-only NumPy array): "
                "copy it first, or use an out-of-place operation"
            )
        numpy_form(target.data, *arrays, out=target.data)
        increment_version(target)
        return target
    _check_rebase(target, name)
    return _rebase(target, lambda snapshot: differentiable(snapshot, *operands))


def _operand_array(x):
    """An operand as NumPy takes it: a Tensor's array; NumPy scalars as Python numbers, which NumPy
    treats as "weak" (float32 += np.float64(2) stays float32), as `Function` does."""
    if isinstance(x, Tensor):
        return x.data
    if isinstance(x, np.generic):
        return x.item()
    return np.asarray(x) if isinstance(x, (list, tuple)) else x


def _check_elementwise(target, name, arrays, numpy_form):
    """The shape and dtype rules of the elementwise forms, before anything changes."""
    shapes = [np.shape(a) for a in arrays]
    try:
        shape = np.broadcast_shapes(target.shape, *shapes)
    except ValueError:
        shape = None
    if shape != target.shape:
        raise ValueError(
            f"{name}: an operand of shape {shapes[0]} does not broadcast to this tensor's shape "
            f"{target.shape} (an in-place result keeps self's shape)"
        )
    samples = [np.ones((), a.dtype) if isinstance(a, np.ndarray) else a for a in arrays]
    with np.errstate(all="ignore"):
        result = np.result_type(numpy_form(np.ones((), target.dtype), *samples))
    if not np.can_cast(result, target.dtype, "same_kind"):
        raise TypeError(f"{name}: result type {result} can't be cast to the desired output type {target.dtype}")


def _check_rebase(target, name):
    """The errors of rule 2 (a leaf that requires grad, or a view of one), and the cases a rebase cannot
    serve: an integer tensor, a view."""
    advice = "wrap it in no_grad() (e.g. for a manual update) or use an out-of-place operation"
    if target.dtype.kind not in "fc":
        raise TypeError(f"{name}: a tensor of dtype {target.dtype} cannot take a value that requires grad "
                        "(only floating-point tensors can require gradients)")
    if target.requires_grad and target._fn is None:
        raise RuntimeError(f"{name}: a leaf tensor that requires grad is being used in an in-place operation; {advice}")
    base = target._base
    if base is None:
        return
    if target.requires_grad and base.requires_grad and base._fn is None:
        raise RuntimeError(
            f"{name}: a view of a leaf tensor that requires grad is being used in an in-place operation; {advice}"
        )
    raise RuntimeError(
        f"{name}: in-place operations on views of tensors that require grad are not supported (this is a view "
        f"of a tensor of shape {base.shape}, which would not change): use an out-of-place operation"
    )


def _rebase(target, compute):
    """Rule 3: target takes the value `compute(snapshot)` and its graph node; the snapshot, a new tensor,
    takes target's old array, node and version counter (views of the old memory keep counting there)."""
    snapshot = Tensor._make(target.data, target.requires_grad, target._fn)
    snapshot._version_counter = target._version_counter
    new = compute(snapshot)
    if new.dtype != target.dtype:
        new = new.astype(target.dtype)
    if target._fn is not None:  # the node that computed the old value now hands it to the snapshot
        target._fn._output_ref = weakref.ref(snapshot)
    give_new_version(target)
    fn = new._fn
    fn._output_ref, fn.output_version = weakref.ref(target), target._version
    target.data, target._fn, target.requires_grad = new.data, fn, True
    return target


# ----- the operations -------------------------------------------------------------------------


def add_(target: Tensor, other: Tensor | ArrayLike) -> Tensor:
    """target + other, into target (other broadcast to target's shape)."""
    return update(target, "add_", (other,), operator.add, np.add)


def sub_(target: Tensor, other: Tensor | ArrayLike) -> Tensor:
    """target - other, into target."""
    return update(target, "sub_", (other,), operator.sub, np.subtract)


def mul_(target: Tensor, other: Tensor | ArrayLike) -> Tensor:
    """target * other, into target."""
    return update(target, "mul_", (other,), operator.mul, np.multiply)


def div_(target: Tensor, other: Tensor | ArrayLike) -> Tensor:
    """target / other, into target (an integer tensor cannot hold the quotient: TypeError)."""
    return update(target, "div_", (other,), operator.truediv, np.true_divide)


def clamp_(target: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
    """target clamped into [min, max] (either None for no bound), into target."""
    if min is None and max is None:
        raise ValueError("clamp_: give at least one of min and max")
    return update(target, "clamp_", (), lambda t: t.clip(min, max),
                  lambda a, out=None: np.clip(a, min, max, out=out))


def relu_(target: Tensor) -> Tensor:
    """max(target, 0), into target."""
    return update(target, "relu_", (), lambda t: t.relu(), lambda a, out=None: np.maximum(a, 0, out=out))


def apply_(target: Tensor, name: str, function: Callable[[Tensor], Tensor]) -> Tensor:
    """target replaced by `function(target)`, for an elementwise differentiable function that keeps its
    shape (an activation's `inplace=True`); computed once, then written with these rules."""
    def into(a, out):
        np.copyto(out, function(Tensor._make(a)).data, casting="same_kind")
    return update(target, name, (), function, into, elementwise=False)


def setitem(target: Tensor, index, value: Tensor | ArrayLike) -> Tensor:
    """``target[index] = value`` with NumPy's indexing; value broadcast to the indexed part and cast."""
    return _assign(target, "setitem", index, value)


def zero_(target: Tensor) -> Tensor:
    """Every element of target set to 0."""
    return _assign(target, "zero_", Ellipsis, 0)


def fill_(target: Tensor, value: float | Tensor) -> Tensor:
    """Every element of target set to `value`, a number or a 0-d tensor."""
    if np.ndim(value) != 0:
        raise ValueError(f"fill_: value must be a number or a 0-d tensor, got shape {np.shape(value)}")
    return _assign(target, "fill_", Ellipsis, value)


def copy_(target: Tensor, src: Tensor | ArrayLike) -> Tensor:
    """src's values written into target: src broadcast to target's shape and cast to its dtype."""
    return _assign(target, "copy_", Ellipsis, src)


def _assign(target, name, index, value):
    """The assignment forms: `SetItem` when gradients flow, NumPy's assignment otherwise."""
    index = plain_index(index)
    return update(target, name, (value,), lambda t, v: SetItem(index)(t, v),
                  lambda a, v, out: operator.setitem(out, index, v), elementwise=False)
