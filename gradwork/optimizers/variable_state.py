"""`VariableState`: what an optimizer keeps for one variable, and the scratch arrays they share.

A step must allocate no arrays, so every temporary an update needs is a view of a few 1-d scratch
arrays per dtype, as large as the largest variable of that dtype and shared by all of them (their
updates run one after the other). A variable larger than any seen before grows the arrays, and
every variable of its dtype is given views of the new ones.
"""

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np


def variable_array(variable: Any) -> np.ndarray:
    """The array of an optimizer variable (a gradwork Tensor or an ndarray), checked to be floating point."""
    array = variable if isinstance(variable, np.ndarray) else getattr(variable, "data", None)
    if not isinstance(array, np.ndarray):
        raise TypeError(f"optimizer variables must be gradwork Tensors or ndarrays, got {type(variable).__name__}")
    if array.dtype.kind != "f":
        raise TypeError(f"optimizer variables must be floating point, got a variable of dtype {array.dtype}")
    return array


@dataclass(eq=False, slots=True)
class VariableState:
    """One variable's state in an optimizer.

    Attributes
    ----------
    index : int
        Its position among the variables the optimizer has seen (the `<i>` of `get_state` keys).
    variable : Tensor or ndarray
        The variable itself (the reference also keeps `id(variable)` unique while it is tracked).
    shape, dtype : tuple of int, np.dtype
        The variable's shape and dtype when it was first seen; its slots and scratch have them.
    slots : dict of str to ndarray
        The optimizer's state for it by slot name ("momentum", "velocity", ...), each of `shape`.
    decay : bool
        Whether weight decay applies to it (see `Optimizer.exclude_from_weight_decay`).
    gradient_buffer : ndarray of `shape`
        Scratch for the gradient once it is cast or clipped (the caller's gradient is never written).
    scratch : tuple of ndarray of `shape`
        Temporaries for `Optimizer.update_step`, overwritten by every variable's update.
    """

    index: int
    variable: Any
    shape: tuple[int, ...]
    dtype: np.dtype
    slots: dict[str, np.ndarray]
    decay: bool
    gradient_buffer: np.ndarray | None = None
    scratch: tuple[np.ndarray, ...] = ()

    @classmethod
    def create(
        cls, index: int, variable: Any, slot_specs: dict[str, float], decay: bool
    ) -> "VariableState":
        """The state of a new `variable` (a gradwork Tensor or a floating-point ndarray), with each
        slot of `slot_specs` ({name: initial value}) filled with its initial value; no scratch yet."""
        array = variable_array(variable)
        slots = {name: np.full(array.shape, init, dtype=array.dtype) for name, init in slot_specs.items()}
        return cls(index, variable, array.shape, array.dtype, slots, decay)

    def view_scratch(self, arrays: list[np.ndarray]) -> None:
        """Take the first `prod(shape)` elements of each 1-d array in `arrays`: the first as the
        gradient buffer, the rest as `scratch`."""
        n = math.prod(self.shape)
        views = [a[:n].reshape(self.shape) for a in arrays]
        self.gradient_buffer, self.scratch = views[0], tuple(views[1:])


@dataclass
class ScratchPool:
    """1-d scratch arrays by dtype (`count` of each: one gradient buffer and the temporaries)."""

    count: int
    arrays: dict[np.dtype, list[np.ndarray]] = field(default_factory=dict)

    def attach(self, state: VariableState, states: list[VariableState]) -> None:
        """Give `state` its scratch views; if it is the largest of its dtype so far, grow the arrays
        and give new views to every state in `states` (which holds `state`) of that dtype."""
        arrays = self.arrays.get(state.dtype)
        size = math.prod(state.shape)
        if arrays is not None and arrays[0].size >= size:
            state.view_scratch(arrays)
            return
        arrays = [np.empty(size, dtype=state.dtype) for _ in range(self.count)]
        self.arrays[state.dtype] = arrays
        for other in states:
            if other.dtype == state.dtype:
                other.view_scratch(arrays)
