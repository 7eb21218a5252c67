"""Loading one parameter's state from a PyTorch state dict into a `GroupRule`'s slots.

PyTorch's state dicts name a parameter's state "step", "exp_avg", "momentum_buffer", ...; the rule
holds it as gradwork slots (`GroupRule.state_names` maps the names that differ). Everything is
checked before a slot is written: the keys the rule makes for the group's options, the parameter's
shape, finite real values, and a whole step count.
"""

from typing import Any

import numpy as np

from ...optimizers.state_io import copy_into
from .._core import TensorCore
from .group_rule import GroupRule


def as_array(value: Any) -> np.ndarray:
    """A state value (a facade tensor, an ndarray, a number, or anything NumPy reads, as a torch tensor)."""
    return value._t.data if isinstance(value, TensorCore) else np.asarray(value)


def load_param_state(rule: GroupRule, param, key: Any, values: dict, counts_steps: bool) -> int | None:
    """Copy the loaded state `values` of `param` (number `key` in the state dict) into `rule`, configured
    for the parameter's group.

    Returns
    -------
    int or None
        The parameter's step count (1 when the state has no "step", as SGD's), or None when `values`
        holds no state (a None entry counts as absent: SGD's momentum buffer before its first step).
    """
    values = {name: value for name, value in dict(values).items() if value is not None}
    if not values:
        return None
    torch_names = {slot: name for name, slot in rule.state_names.items()}
    slots = {torch_names.get(slot, slot): slot for slot in rule.slot_specs()}
    expected = (["step"] if counts_steps else []) + list(slots)
    if sorted(values) != sorted(expected):
        raise ValueError(f"the loaded state of parameter {key} has keys {sorted(values)}, but {type(rule).__name__} "
                         f"makes {expected} for the options of its group")
    arrays = {name: as_array(values[name]) for name in slots}
    shape = tuple(param.shape)
    for name, array in arrays.items():
        if array.shape != shape or array.dtype.kind not in "iuf" or not np.isfinite(array).all():
            raise ValueError(f"the loaded state '{name}' of parameter {key} must hold finite real numbers of the "
                             f"parameter's shape {shape}; got shape {array.shape}, dtype {array.dtype}")
    step = 1
    if counts_steps:
        count = as_array(values["step"])
        whole = count.shape == () and count.dtype.kind in "iuf" and np.isfinite(count) and count == np.floor(count)
        if not (whole and count >= 0):
            raise ValueError(f"the loaded 'step' of parameter {key} must be a whole number >= 0, "
                             f"got {values['step']!r}")
        step = int(count)
    live = rule.slots_of(param._t)
    for name, array in arrays.items():
        copy_into(live[slots[name]], array, f"{key}/{name}")
    return step
