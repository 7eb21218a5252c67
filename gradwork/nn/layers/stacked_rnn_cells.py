"""StackedRNNCells: several recurrent cells run as one, each step's output feeding the next cell."""
from typing import Any

from ..layer import Layer, deserialize, serialize
from ._cell_states import check_cell, flatten_states, initial_states, output_size


class StackedRNNCells(Layer):
    """Cells stacked into one cell (Keras 3's): at each step, cell k reads cell k-1's output.

    `RNN([cell1, cell2])` wraps its list in this layer.

    Parameters
    ----------
    cells : list of cells
        Each a Layer with `state_size` and `call(inputs, states) -> (output, new_states)`.
    **kwargs : `Layer`'s arguments

    Call arguments
    --------------
    inputs : (batch, features)
    states : list with one entry per cell (that cell's states: a list, or one tensor)
    training : bool, optional

    Returns (the last cell's output, [each cell's new states]).

    Examples
    --------
    >>> cells = gw.nn.StackedRNNCells([gw.nn.LSTMCell(4), gw.nn.GRUCell(3)])
    >>> cells.state_size
    [[4, 4], 3]
    >>> gw.nn.RNN(cells)(np.ones((2, 5, 6))).shape
    (2, 3)
    """

    def __init__(self, cells: list[Layer], **kwargs: Any) -> None:
        if not isinstance(cells, (list, tuple)) or not cells:
            raise TypeError(f"StackedRNNCells: cells must be a non-empty list of cells, got {cells!r}")
        for cell in cells:
            check_cell(cell, "StackedRNNCells")
        super().__init__(**kwargs)
        self.cells = list(cells)

    @property
    def state_size(self) -> list[Any]:
        """Each cell's `state_size`, in order."""
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self) -> int:
        return output_size(self.cells[-1])

    def build(self, input_shape):
        if len(input_shape) != 2:
            raise ValueError(f"{self.name}: expected inputs of shape (batch, features), one time step, "
                             f"got shape {tuple(input_shape)}")
        shape = tuple(input_shape)
        for cell in self.cells:
            if not cell.built:
                cell.build(shape)
            shape = (shape[0], output_size(cell))

    def get_initial_state(self, batch_size: int | None = None) -> list[list[Any]]:
        """Each cell's initial states (its `get_initial_state`, else zeros), one list per cell."""
        return [initial_states(cell, batch_size, self.dtype) for cell in self.cells]

    def call(self, inputs, states, training=None):
        if not isinstance(states, (list, tuple)) or len(states) != len(self.cells):
            raise ValueError(f"{self.name}: states must be a list with one entry per cell ({len(self.cells)}), "
                             f"got {len(states) if isinstance(states, (list, tuple)) else 'one tensor'}")
        output, new_states = inputs, []
        for cell, cell_states in zip(self.cells, states):
            given = flatten_states(cell_states)
            kwargs = {"training": training} if cell._call_takes_training else {}
            output, new = cell(output, given, **kwargs)
            new_states.append(flatten_states(new))
        return output, new_states

    def get_config(self):
        return {**super().get_config(), "cells": [serialize(cell) for cell in self.cells]}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        return cls([deserialize(item) for item in config.pop("cells")], **config)
