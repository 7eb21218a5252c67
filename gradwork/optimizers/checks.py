"""What an optimizer checks so that it never writes a non-finite value: its hyperparameters at
construction, and each step's gradients and new weights.

Hyperparameters: `check_hyperparameters` checks every constructor argument named in `RANGES` (or
in the class's own `hyperparameter_ranges`, which override it), once for all optimizers; it runs
before `__init__` (see `arguments.with_shared_arguments`), so a bad one changes nothing.

Steps: `check_finite_gradient` runs on each gradient before an update changes anything (through
`clipping.check_gradients`); `check_finite_weights` on the new weights after. Each costs one
reduction per variable (a dot product, allocating nothing), not a Python loop over elements.
"""

import math
import numbers
from typing import Any

import numpy as np

from ..checks import FRACTION, NON_NEGATIVE, POSITIVE, UNIT_INTERVAL, Range


# every optimizer's arguments of these names; `learning_rate` is checked by its setter (it may be a schedule)
RANGES: dict[str, Range] = {
    "weight_decay": NON_NEGATIVE._replace(optional=True),
    "clipnorm": POSITIVE._replace(optional=True),
    "clipvalue": POSITIVE._replace(optional=True),
    "global_clipnorm": POSITIVE._replace(optional=True),
    "beta_1": FRACTION,
    "beta_2": FRACTION,
    "rho": FRACTION,
    "momentum": UNIT_INTERVAL,
    # 0 is allowed: it is how Adam and its kin match PyTorch's update exactly (see `Adam`)
    "epsilon": NON_NEGATIVE,
    "initial_accumulator_value": NON_NEGATIVE,
}


def check_hyperparameter(owner: str, name: str, value: Any, expected: Range) -> None:
    """Raise unless `value` is a real number (not a bool) inside `expected` (or None, if optional).

    Raises
    ------
    TypeError
        For a value that is not a real number.
    ValueError
        For a number outside the range, NaN or infinite.
    """
    if value is None and expected.optional:
        return
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        kind = "a float or None" if expected.optional else "a float"
        raise TypeError(f"{owner}: `{name}` must be {kind}, got {type(value).__name__}: {value!r}")
    if not expected.contains(float(value)):
        raise ValueError(f"{owner}: `{name}` must be {expected.describe()}. Received: {name}={value!r}")


def check_hyperparameters(cls: type, arguments: dict[str, Any]) -> None:
    """Check each of `arguments` (a constructor's, by name) that `RANGES` or the class's own
    `hyperparameter_ranges` knows."""
    ranges = {**RANGES, **getattr(cls, "hyperparameter_ranges", {})}
    for name, value in arguments.items():
        if name in ranges:
            check_hyperparameter(cls.__name__, name, value, ranges[name])


def check_learning_rate(value: float, allow_zero: bool, origin: str = "") -> None:
    """Raise ValueError unless the learning rate `value` is finite and > 0 (>= 0 with `allow_zero`:
    a schedule may decay to 0). `origin` says where it came from, for the message."""
    expected = NON_NEGATIVE if allow_zero else POSITIVE
    if not expected.contains(value):
        raise ValueError(f"`learning_rate` must be {expected.describe()}; got {value!r}{origin}")


class NonFiniteError(FloatingPointError):
    """A step's gradient or new weight is NaN or infinite. `variable` is the one concerned (a Tensor
    or ndarray), so that a model can name it by its layer; the message names it as the optimizer knows it."""

    def __init__(self, message: str, variable: Any):
        super().__init__(message)
        self.variable = variable


def describe_variable(variable: Any, index: int) -> str:
    name = getattr(variable, "name", None)
    label = f"'{name}' (variable {index})" if isinstance(name, str) else f"variable {index}"
    return f"{label}, shape {np.shape(variable)}"


def check_finite_gradient(variable: Any, index: int, array: np.ndarray, gradient: np.ndarray) -> float:
    """The squared L2 norm of `gradient`; raises `NonFiniteError` unless it is finite in the dtype
    of `array` (the variable's), before anything changes.

    One dot product: its value is finite exactly when every element and every square is (a square
    that overflows would turn Adam's, RMSprop's or Adagrad's second moment into inf and stop that
    weight silently).

    Parameters
    ----------
    variable : Tensor or ndarray, for the message (the `index`-th of the step)
    array : ndarray, the variable's array
    gradient : ndarray of the variable's shape
    """
    squared = float(np.vdot(gradient, gradient))
    if not squared <= np.finfo(array.dtype).max:  # NaN fails too
        what = "has NaN or infinite values" if not np.isfinite(gradient).all() else (
            f"is too large: its squared norm overflows {array.dtype}")
        raise NonFiniteError(
            f"the gradient of {describe_variable(variable, index)} {what}; nothing was updated. "
            "Lower the learning rate, or check the inputs for NaN, infinite or very large values.",
            variable,
        )
    return squared


def check_finite_weights(updated: list[tuple[Any, int, np.ndarray]]) -> None:
    """Raise `NonFiniteError` if an updated variable holds a NaN or infinity: one dot product each, which
    allocates nothing (only when its value overflows are the elements themselves looked at).

    Parameters
    ----------
    updated : list of (variable, its index in the step, its array)
    """
    for variable, index, array in updated:
        if not math.isfinite(float(np.vdot(array, array))) and not np.isfinite(array).all():
            raise NonFiniteError(
                f"the update made {describe_variable(variable, index)} NaN or infinite, from finite gradients: "
                "an overflow in the update itself (the step is applied: its inputs were finite). Lower the "
                "learning rate (or, with epsilon=0, a gradient that stays 0 gives 0 / 0).",
                variable,
            )
