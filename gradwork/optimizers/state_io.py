"""The saved optimizer state: writing it for `Optimizer.get_state`, and checking it before
`Optimizer.set_state` changes anything.

The format (what model files hold): "iterations", the optimizer-wide entries by name, then
"<i>/<slot>" for the i-th variable the optimizer has seen.
"""

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike


def write_state(
    iterations: int, global_entries: dict[str, np.ndarray], per_var: list[dict[str, np.ndarray]]
) -> dict[str, np.ndarray]:
    """Copies of the state, in the saved format and order: `per_var[i]` holds variable i's slots."""
    state = {"iterations": np.array(iterations, dtype=np.int64)}
    state.update({name: arr.copy() for name, arr in global_entries.items()})
    for i, slots in enumerate(per_var):
        state.update({f"{i}/{name}": arr.copy() for name, arr in slots.items()})
    return state


def read_state(
    state: Mapping[str, ArrayLike],
    slot_names: list[str],
    global_names: list[str],
    built_slots: list[dict],
    owner: str,
) -> tuple[dict[str, np.ndarray], dict[int, dict[str, np.ndarray]]]:
    """Check `state` and split it by variable.

    Parameters
    ----------
    state : dict or npz mapping of str to array
        What `get_state` returned.
    slot_names : list of str
        The slots each variable has.
    global_names : list of str
        The optimizer-wide entries.
    built_slots : list of dict of str to ndarray
        The slots of the variables the optimizer has already seen, in order.
    owner : str
        The optimizer's class name, for the messages.

    Returns
    -------
    state : dict of str to ndarray
        Every entry as an array.
    per_var : dict of int to dict of str to ndarray
        The slots of variables 0, 1, ..., each in `slot_names` order (at least one entry per built
        variable when there are slots).

    Raises
    ------
    ValueError
        On a missing "iterations" or optimizer-wide entry, an unknown key, a variable with missing
        slots, gaps in the variable numbers, fewer variables than are built, a shape that
        differs from a built variable's slot, an "iterations" that is not a whole number >= 0, or an
        entry that is not a finite real number array.
    """
    state = {str(k): np.asarray(state[k]) for k in state}
    if "iterations" not in state:
        raise ValueError(f"optimizer state must have an 'iterations' entry; got keys {sorted(state)}")
    slot_names, global_names = list(slot_names), list(global_names)
    per_var, unknown = {}, []
    for key, value in state.items():
        if key == "iterations" or key in global_names:
            continue
        head, _, slot = key.partition("/")
        if not head.isdigit() or slot not in slot_names:
            unknown.append(key)
            continue
        per_var.setdefault(int(head), {})[slot] = value
    missing = [g for g in global_names if g not in state]
    if unknown or missing:
        raise ValueError(
            f"optimizer state does not fit this {owner}: unexpected keys {unknown}, missing {missing}; "
            f"expected 'iterations', {global_names} and '<i>/<slot>' for slots {slot_names}"
        )
    for i, slots in per_var.items():
        if set(slots) != set(slot_names):
            raise ValueError(
                f"optimizer state for variable {i} has slots {sorted(slots)}, expected {slot_names}"
            )
    count, built = max(per_var, default=-1) + 1, len(built_slots)
    if slot_names and (sorted(per_var) != list(range(count)) or count < built):
        raise ValueError(
            f"optimizer state holds slots for variables {sorted(per_var)}, but this optimizer "
            f"tracks {built} variables (it needs entries 0..{max(count, built) - 1})"
        )
    _check_values(state)
    for i, slots in enumerate(built_slots[:count]):
        for name, slot in slots.items():
            if per_var[i][name].shape != slot.shape:
                raise ValueError(
                    f"optimizer state '{i}/{name}' has shape {per_var[i][name].shape}, "
                    f"but variable {i} has shape {slot.shape}"
                )
    return state, {i: {name: per_var[i][name] for name in slot_names} for i in sorted(per_var)}


def _check_values(state: dict[str, np.ndarray]) -> None:
    """Every entry real and finite (a NaN slot would make every later update NaN), "iterations" a
    whole number >= 0."""
    iterations = state["iterations"]
    if iterations.shape != () or iterations.dtype.kind not in "iuf" or not (
        np.isfinite(iterations) and iterations >= 0 and iterations == np.floor(iterations)
    ):
        raise ValueError(f"optimizer state 'iterations' must be a whole number >= 0, got {iterations!r}")
    for key, value in state.items():
        if value.dtype.kind not in "iuf":
            raise ValueError(f"optimizer state '{key}' must hold real numbers, got dtype {value.dtype}")
        if not np.isfinite(value).all():
            raise ValueError(f"optimizer state '{key}' holds NaN or infinite values; it cannot be loaded")


def check_pending(pending: dict[int, dict[str, np.ndarray]], first: int, arrays: list[np.ndarray]) -> None:
    """Before variables first seen are given loaded state: `pending` (loaded slots by variable index,
    for variables not seen yet) must hold an entry of the right shapes for each of `arrays`, the
    variables that will be numbers `first`, `first + 1`, ... (nothing to check when nothing was loaded)."""
    if not pending:
        return
    for i, array in enumerate(arrays, start=first):
        if i not in pending:
            raise ValueError(
                f"the loaded optimizer state has no entry for variable {i} (shape {array.shape}): "
                "the state was saved for a different list of variables"
            )
        for name, value in pending[i].items():
            if np.shape(value) != array.shape:
                raise ValueError(f"optimizer state '{i}/{name}' has shape {np.shape(value)}, expected {array.shape}")


def copy_into(target: np.ndarray, value: ArrayLike, key: str) -> None:
    """Copy the saved `value` into the state array `target` (same shape; cast to its dtype)."""
    value = np.asarray(value)
    if value.shape != target.shape:
        raise ValueError(f"optimizer state '{key}' has shape {value.shape}, expected {target.shape}")
    np.copyto(target, value, casting="same_kind")
