"""The states of a recurrent cell (Keras's cell protocol), as `RNN` and `StackedRNNCells` handle them.

A cell's `state_size` is an int (one state), a list of ints (one per state: the LSTM's [h, c]), or,
for stacked cells, a list holding each cell's own `state_size`. The layers keep the states as one
flat list of (batch, size) tensors and rebuild the nesting that `state_size` describes for each call.
"""
from typing import Any

import numpy as np

from ...tensor import Tensor
from ..layer import Layer


def check_cell(cell: Any, owner: str) -> Layer:
    """`cell` if it is a recurrent cell: a Layer with a `state_size`; else a TypeError naming `owner`."""
    if not isinstance(cell, Layer) or getattr(cell, "state_size", None) is None:
        raise TypeError(f"{owner}: a cell must be a Layer with a `state_size` attribute and a "
                        f"call(inputs, states) -> (output, new_states) method, got {cell!r}")
    return cell


def flat_sizes(state_size: Any) -> list[int]:
    """The sizes of the states, flattened: 4 -> [4], [4, 4] -> [4, 4], [[4, 4], 3] -> [4, 4, 3]."""
    if not isinstance(state_size, (list, tuple)):
        return [int(state_size)]
    return [size for entry in state_size for size in flat_sizes(entry)]


def nest(flat: list[Any], state_size: Any) -> list[Any]:
    """The flat states arranged as a cell's call takes them: always a list at the top, one entry per
    element of `state_size` (a tensor for an int, a list for a list)."""
    items = iter(flat)

    def take(size):
        return [take(s) if isinstance(s, (list, tuple)) else next(items) for s in size]

    return take(state_size if isinstance(state_size, (list, tuple)) else [state_size])


def flatten_states(states: Any) -> list[Any]:
    """A cell's (possibly nested) states as one flat list."""
    if not isinstance(states, (list, tuple)):
        return [states]
    return [s for entry in states for s in flatten_states(entry)]


def output_size(cell: Layer) -> int:
    """The size of a cell's output: its `output_size`, else its first state's size (as Keras)."""
    size = getattr(cell, "output_size", None)
    return int(size) if size is not None else flat_sizes(cell.state_size)[0]


def initial_states(cell: Layer, batch: int, dtype: np.dtype) -> list[Tensor]:
    """A cell's first states, flat: its `get_initial_state(batch_size)` if it has one, else zeros."""
    if hasattr(cell, "get_initial_state"):
        return flatten_states(cell.get_initial_state(batch_size=batch))
    return [Tensor._make(np.zeros((batch, size), dtype=dtype)) for size in flat_sizes(cell.state_size)]
