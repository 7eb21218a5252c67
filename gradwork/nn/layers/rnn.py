"""RNN: Keras 3's generic recurrent layer, running a cell (or a list of cells) along the time axis."""
from typing import Any

import numpy as np

from ...ops.elementwise import where
from ...ops.shape_ops import stack
from ...tensor import Tensor
from ..layer import Layer, deserialize, serialize
from . import _checks
from ._cell_states import check_cell, flat_sizes, flatten_states, initial_states, nest
from ._recurrence import check_sequence_mask, recurrent_outputs, sequence_output_mask, zero_masked_steps
from .rnn_cells import RecurrentCell, one_mask_per_sequence
from .stacked_rnn_cells import StackedRNNCells


class RNN(Layer):
    """Run a recurrent cell over (batch, time, features) sequences (Keras 3's `RNN`).

    A cell is a Layer with a `state_size` (an int, a list of ints, or for stacked cells a list of
    those) and `call(inputs, states)` returning `(output, new_states)`; optionally `output_size` and
    `get_initial_state(batch_size)`. A lone SimpleRNNCell, LSTMCell or GRUCell runs in the fused
    loop of SimpleRNN, LSTM and GRU (the same results as those layers with the same weights); any
    other cell, and a list of cells (stacked with `StackedRNNCells`), runs step by step, each step
    one call of the cell in the graph, so every derivative goes through the cell's own operations.

    Parameters
    ----------
    cell : cell or list of cells
    return_sequences : bool, default False
        Return the output of every step, not only the last.
    return_state : bool, default False
        Return [output, *final states]: the cell's states flattened in order (stacked cells: the
        first cell's, then the next cell's, ...), each (batch, size).
    go_backwards : bool, default False
        Read the sequence from its end; a returned sequence is in that reversed order (as Keras).
    stateful : bool, default False
        Carrying states across batches is not supported (nor by SimpleRNN, LSTM, GRU): True is a
        ValueError; pass the states of the batch before as `initial_state`.
    unroll : bool, default False
        Kept for Keras's configs: gradwork always runs the time loop step by step, which is the
        same computation either way.
    zero_output_for_mask : bool, default False
        Output zeros (not the previous output) at masked steps of a returned sequence.
    **kwargs : `Layer`'s arguments

    Call arguments
    --------------
    initial_state : list of (batch, size) arrays, optional
        The flat states as `return_state` gives them; default the cell's `get_initial_state`, else zeros.
    mask : (batch, time) booleans, optional
        False at steps to skip: the states carry over, and the output repeats the previous one.

    Input shape
    -----------
    (batch, time, features)

    Output shape
    ------------
    (batch, output_size), or (batch, time, output_size) with return_sequences; with return_state
    a list [output, *states].

    Examples
    --------
    >>> class MinimalRNNCell(gw.nn.Layer):
    ...     def __init__(self, units, **kwargs):
    ...         super().__init__(**kwargs)
    ...         self.units = self.state_size = units
    ...     def build(self, input_shape):
    ...         self.kernel = self.add_weight("kernel", (input_shape[-1], self.units))
    ...         self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, self.units))
    ...     def call(self, inputs, states):
    ...         output = inputs @ self.kernel + states[0] @ self.recurrent_kernel
    ...         return output, [output]
    >>> gw.nn.RNN(MinimalRNNCell(32))(np.ones((2, 5, 3))).shape
    (2, 32)
    >>> output, h1, h2, c2 = gw.nn.RNN([gw.nn.SimpleRNNCell(4), gw.nn.LSTMCell(8)],
    ...                                return_state=True)(np.ones((2, 5, 3)))
    >>> output.shape, h1.shape, c2.shape
    ((2, 8), (2, 4), (2, 8))
    """

    def __init__(self, cell: Layer | list[Layer], return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 zero_output_for_mask: bool = False, **kwargs: Any) -> None:
        cell = StackedRNNCells(cell) if isinstance(cell, (list, tuple)) else check_cell(cell, "RNN")
        if stateful:
            raise ValueError("RNN: stateful=True is not supported (states are not carried across batches); "
                             "pass the last states of the batch before as initial_state instead")
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards, self.unroll = bool(go_backwards), bool(unroll)
        self.stateful, self.zero_output_for_mask = False, bool(zero_output_for_mask)

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f"{self.name}: expected inputs of shape (batch, timesteps, features), "
                             f"got shape {tuple(input_shape)}")
        if not self.cell.built:
            self.cell.build((input_shape[0], input_shape[-1]))
        self._features = input_shape[-1]

    @property
    def _fused(self) -> bool:
        """Whether the cell is a built-in one whose step is the kernel's own (not overridden)."""
        return isinstance(self.cell, RecurrentCell) and type(self.cell).call is RecurrentCell.call

    def call(self, inputs, initial_state=None, mask=None, training=None):
        if inputs.ndim != 3 or inputs.shape[1] == 0 or inputs.shape[2] != self._features:
            raise ValueError(f"{self.name}: expected inputs of shape (batch, timesteps, {self._features}) with "
                             f"at least one step, got shape {inputs.shape}")
        inputs = _checks.float_inputs(self, inputs)
        batch, steps = inputs.shape[:2]
        states = self._initial_state(initial_state, batch)
        mask = check_sequence_mask(self, mask, batch, steps)
        if self._fused:
            run = self.cell.run_sequence(inputs, states, mask, self.go_backwards, training)
            return recurrent_outputs(self, run, self.cell.units, mask)
        if states is None:
            states = initial_states(self.cell, batch, self.dtype)
        with one_mask_per_sequence(self.cell):
            outputs, states = self._loop(inputs, states, mask, training)
        if self.return_sequences:
            output = zero_masked_steps(self, stack(outputs, axis=1), mask)
        else:
            output = outputs[-1]
        return [output, *states] if self.return_state else output

    def _loop(self, inputs, states, mask, training):
        """(each step's output, the final flat states): one call of the cell per step."""
        size, count = self.cell.state_size, len(states)
        kwargs = {"training": training} if self.cell._call_takes_training else {}
        order = range(inputs.shape[1] - 1, -1, -1) if self.go_backwards else range(inputs.shape[1])
        outputs = []
        for k in order:
            output, new = self.cell(inputs[:, k], nest(states, size), **kwargs)
            new = flatten_states(new)
            if len(new) != count:
                raise ValueError(f"{self.name}: the cell {self.cell.name} returned {len(new)} state(s); its "
                                 f"state_size {size} says {count}")
            if mask is not None:
                keep = mask[:, k, None]
                new = [where(keep, n, s) for n, s in zip(new, states)]
                previous = outputs[-1] if outputs else Tensor._make(np.zeros(output.shape, output.dtype))
                output = where(keep, output, previous)
            outputs.append(output)
            states = new
        return outputs, states

    def _initial_state(self, initial_state, batch):
        """The given flat states as tensors, checked against the cell's state sizes; None if not given."""
        if initial_state is None:
            return None
        given = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        given = [self._to_input(s) for s in given]
        sizes = flat_sizes(self.cell.state_size)
        if [tuple(s.shape) for s in given] != [(batch, size) for size in sizes]:
            raise ValueError(f"{self.name}: initial_state must be {len(sizes)} array(s) of shapes "
                             f"{[(batch, size) for size in sizes]}, got shapes {[tuple(s.shape) for s in given]}")
        return given

    def compute_mask(self, inputs: Tensor, mask: Any = None) -> Any:
        """The input mask for a returned sequence (reversed with go_backwards, as `RNNBase`), else
        None; and None for each returned state."""
        output_mask = sequence_output_mask(self, mask)
        count = len(flat_sizes(self.cell.state_size))
        return [output_mask] + [None] * count if self.return_state else output_mask

    def get_config(self):
        config = {**super().get_config(), "cell": serialize(self.cell), "return_sequences": self.return_sequences,
                  "return_state": self.return_state, "go_backwards": self.go_backwards, "stateful": False,
                  "unroll": self.unroll}
        if self.zero_output_for_mask:
            config["zero_output_for_mask"] = True
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        return cls(deserialize(config.pop("cell")), **config)
