"""Keras 3's recurrent cell layers: SimpleRNNCell, LSTMCell, GRUCell, one time step each.

A cell layer holds the weights of a SimpleRNN, LSTM or GRU under Keras's names (kernel,
recurrent_kernel, bias) and computes its step with the same kernel as those layers
(`gradwork/ops/nn/recurrent.py`, one step of it), so `RNN(LSTMCell(u))` and `LSTM(u)` with equal
weights give equal outputs and gradients; `RNN` runs a lone built-in cell over the whole sequence
in that kernel's fused loop. Wrapped in `RNN`, a cell's dropout masks are drawn once per sequence.
"""
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from ...ops.nn.recurrent import LSTMCell as LSTMKernel, SimpleRNNCell as SimpleKernel
from ...ops.shape_ops import concatenate
from ...tensor import Tensor
from ..layer import Layer
from . import _checks
from ._recurrence import ForgetBias, RecurrentWeights, ResetAfter, run_cell


class _Held:
    """The dropout masks of one sequence, once drawn (see `one_mask_per_sequence`)."""
    masks = None


class RecurrentCell(RecurrentWeights):
    """What SimpleRNNCell, LSTMCell and GRUCell share: weights, dropout, one step through the kernel.

    Parameters
    ----------
    units : int
    activation, recurrent_activation : str or callable
    use_bias : bool, default True
    kernel_initializer, recurrent_initializer, bias_initializer : str or callable
        Default "glorot_uniform", "orthogonal", "zeros".
    kernel_regularizer, recurrent_regularizer, bias_regularizer : str or callable, optional
    kernel_constraint, recurrent_constraint, bias_constraint : str or callable, optional
        `gw.constraints` identifiers, applied after each optimizer update.
    dropout, recurrent_dropout : float in [0, 1), default 0.0
        In training, the fraction of the input's features / of h_prev's units dropped; inside
        `RNN` one mask per sequence, else a new one per call.
    seed : int, optional
        For the cell's own dropout generator; None draws from gradwork's (`gw.random.seed`).
    **kwargs : `Layer`'s arguments

    Call arguments
    --------------
    inputs : (batch, features)
    states : list of (batch, units) tensors ([h], or [h, c] for LSTMCell), or h alone
    training : bool, optional

    Returns (output (batch, units), new states in the form given).
    """

    _held: _Held | None = None  # a _Held while an RNN runs this cell over a sequence

    @property
    def state_size(self) -> int | list[int]:
        """units, or [units, units] for the LSTM's [h, c]."""
        return self.units if self.kernel_cell.state_factor == 1 else [self.units] * self.kernel_cell.state_factor

    @property
    def output_size(self) -> int:
        return self.units

    def build(self, input_shape):
        if len(input_shape) != 2:
            raise ValueError(f"{self.name}: expected inputs of shape (batch, features), one time step, "
                             f"got shape {tuple(input_shape)}")
        self._add_weights(input_shape[-1])

    def get_initial_state(self, batch_size: int | None = None) -> list[Tensor]:
        """Zero states: a list of `kernel_cell.state_factor` arrays (batch_size, units)."""
        return [Tensor._make(np.zeros((batch_size, self.units), dtype=self.dtype))
                for _ in range(self.kernel_cell.state_factor)]

    # ----- calling ----------------------------------------------------------------------------
    def call(self, inputs, states, training=None):
        single = not isinstance(states, (list, tuple))
        states = [self._to_input(s) for s in ([states] if single else states)]
        batch, features = self._check_step(inputs, states)
        state = self.run_sequence(inputs.reshape(batch, 1, features), states, None, False, training)[0]
        units = self.units
        new_states = [state] if state.shape[1] == units else [state[:, :units], state[:, units:]]
        return new_states[0], (new_states[0] if single else new_states)

    def _check_step(self, inputs, states):
        features = self.kernel.shape[0]
        if inputs.ndim != 2 or inputs.shape[1] != features:
            raise ValueError(f"{self.name}: expected inputs of shape (batch, {features}), got {inputs.shape}")
        batch, count = inputs.shape[0], self.kernel_cell.state_factor
        if len(states) != count or any(tuple(s.shape) != (batch, self.units) for s in states):
            raise ValueError(f"{self.name}: states must be {count} array(s) of shape ({batch}, {self.units}), "
                             f"got shapes {[tuple(s.shape) for s in states]}")
        return batch, features

    def run_sequence(self, inputs: Tensor, states: list[Tensor] | None, mask: np.ndarray | None,
                     go_backwards: bool, training: bool | None) -> list[Tensor]:
        """The kernel's recurrence over inputs (batch, time, features) from `states` (zeros if None):
        the state (batch, state_factor*units) after each step, in the order processed."""
        inputs = _checks.float_inputs(self, inputs)
        state = None if states is None else states[0] if len(states) == 1 else concatenate(states, axis=1)
        input_mask, rec_mask = self._dropout_masks(inputs.shape[0], inputs.shape[2], inputs.dtype, training)
        return run_cell(self, self.kernel_cell, inputs, state, mask, go_backwards, input_mask, rec_mask)

    def _dropout_masks(self, batch, features, dtype, training):
        held = self._held
        if held is not None and held.masks is not None:
            return held.masks
        masks = super()._dropout_masks(batch, features, dtype, training)
        if held is not None:
            held.masks = masks
        return masks


@contextmanager
def one_mask_per_sequence(cell: Layer) -> Iterator[None]:
    """Within the block, the built-in cells in `cell` (itself or its sublayers) draw their dropout
    masks once and reuse them at every step (Keras: one mask per sequence)."""
    cells = [c for c in [cell, *(sub for _, sub in cell.named_layers())] if isinstance(c, RecurrentCell)]
    for c in cells:
        c._held = _Held()
    try:
        yield
    finally:
        for c in cells:
            c._held = None


class SimpleRNNCell(RecurrentCell):
    """One step of a SimpleRNN: h = activation(x @ kernel + bias + h_prev @ recurrent_kernel).

    Parameters
    ----------
    units : int
    activation : str or callable, default "tanh"
    **kwargs : the other arguments of `RecurrentCell` (use_bias, initializers, regularizers,
        dropout, recurrent_dropout, seed) and `Layer`

    Input shape
    -----------
    (batch, features), with states [h (batch, units)]

    Output shape
    ------------
    (output (batch, units), [h]): the output is the new h

    Examples
    --------
    >>> cell = gw.nn.SimpleRNNCell(4)
    >>> output, [h] = cell(np.ones((2, 3)), [np.zeros((2, 4))])
    >>> output.shape
    (2, 4)
    >>> gw.nn.RNN(gw.nn.SimpleRNNCell(4))(np.ones((2, 5, 3))).shape
    (2, 4)
    """

    kernel_cell = SimpleKernel()

    def __init__(self, units: int, activation: str | Callable | None = "tanh", **kwargs: Any) -> None:
        super().__init__(units, activation, **kwargs)


class LSTMCell(ForgetBias, RecurrentCell):
    """One step of an LSTM, gates i, f, c, o in Keras's order; states [h, c].

    Parameters
    ----------
    units : int
    activation, recurrent_activation : str or callable, default "tanh", "sigmoid"
    unit_forget_bias : bool, default True
        Start the forget gate's bias at 1 (and the rest from bias_initializer).
    **kwargs : the other arguments of `RecurrentCell` and `Layer`

    Input shape
    -----------
    (batch, features), with states [h, c], each (batch, units)

    Output shape
    ------------
    (output (batch, units), [h, c]): the output is the new h

    Examples
    --------
    >>> cell = gw.nn.LSTMCell(4)
    >>> output, [h, c] = cell(np.ones((2, 3)), cell.get_initial_state(batch_size=2))
    >>> c.shape
    (2, 4)
    """

    kernel_cell = LSTMKernel()


class GRUCell(ResetAfter, RecurrentCell):
    """One step of a GRU, gates z, r, h in Keras's order; state [h].

    Parameters
    ----------
    units : int
    activation, recurrent_activation : str or callable, default "tanh", "sigmoid"
    reset_after : bool, default True
        True (PyTorch's and cuDNN's form) applies the reset gate after the recurrent matmul, with a
        bias (2, 3*units): row 0 for the inputs, row 1 for the recurrent part; False before it, with
        one bias (3*units,).
    **kwargs : the other arguments of `RecurrentCell` and `Layer`

    Input shape
    -----------
    (batch, features), with states [h (batch, units)]

    Output shape
    ------------
    (output (batch, units), [h]): the output is the new h

    Examples
    --------
    >>> gw.nn.RNN(gw.nn.GRUCell(8), return_sequences=True)(np.ones((2, 5, 3))).shape
    (2, 5, 8)
    """
