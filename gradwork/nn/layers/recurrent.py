"""Recurrent layers over (batch, time, features) sequences: SimpleRNN, LSTM, GRU (Keras's names,
defaults, weight names and gate orders; the math is in the kernel `gradwork/ops/nn/recurrent.py`)."""

from collections.abc import Callable
from typing import Any

import numpy as np

from ...ops.nn.recurrent import Cell, LSTMCell, SimpleRNNCell
from ...ops.shape_ops import concatenate
from ...tensor import Tensor
from . import _checks
from ._recurrence import (
    ForgetBias, RecurrentWeights, ResetAfter, check_sequence_mask, recurrent_outputs, run_cell, sequence_output_mask,
)


class RNNBase(RecurrentWeights):
    """What SimpleRNN, LSTM and GRU share: kernel (features, gates*units), recurrent_kernel
    (units, gates*units) and bias, dropout, masking, initial states, and the outputs.

    Parameters
    ----------
    units : int
        The state size.
    activation : str or callable, default "tanh"
    recurrent_activation : str or callable, optional
        The gates' activation (LSTM, GRU: "sigmoid").
    use_bias : bool, default True
    kernel_initializer, recurrent_initializer, bias_initializer : str or callable
        Default "glorot_uniform", "orthogonal", "zeros".
    kernel_regularizer, recurrent_regularizer, bias_regularizer : str or callable, optional
    kernel_constraint, recurrent_constraint, bias_constraint : str or callable, optional
        `gw.constraints` identifiers, applied after every optimizer update.
    dropout, recurrent_dropout : float in [0, 1), default 0.0
        In training, the fraction of input features / of h_prev's units dropped before the input /
        recurrent matmul, with one mask per sequence, the same at every step.
    seed : int, optional
        For the layer's own dropout generator; None draws from gradwork's (`gw.random.seed`).
    return_sequences : bool, default False
        Return the output of every step, not only the last.
    return_state : bool, default False
        Return [output, *final states] ([h] or, for LSTM, [h, c]).
    go_backwards : bool, default False
        Read the sequence from its end; a returned sequence is in that reversed order (as Keras).
    zero_output_for_mask : bool, default False
        Output zeros (not the previous output) at masked steps of a returned sequence.
    **kwargs : `Layer`'s arguments

    Call arguments
    --------------
    initial_state : list of (batch, units) arrays, optional
        [h] or, for LSTM, [h, c]; zeros by default.
    mask : (batch, time) booleans, optional
        False at steps to skip (the state and the output carry over from the step before).

    Input shape
    -----------
    (batch, time, features)

    Output shape
    ------------
    (batch, units), or (batch, time, units) with return_sequences; with return_state, a list
    [output, *states], each state (batch, units).
    """

    def __init__(self, units: int, activation: str | Callable | None = "tanh",
                 recurrent_activation: str | Callable | None = None, use_bias: bool = True,
                 kernel_initializer: str | Callable = "glorot_uniform",
                 recurrent_initializer: str | Callable = "orthogonal", bias_initializer: str | Callable = "zeros",
                 kernel_regularizer: str | Callable | None = None, recurrent_regularizer: str | Callable | None = None,
                 bias_regularizer: str | Callable | None = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, zero_output_for_mask: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(units, activation, recurrent_activation, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, kernel_regularizer, recurrent_regularizer,
                         bias_regularizer, dropout, recurrent_dropout, seed, **kwargs)
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards, self.zero_output_for_mask = bool(go_backwards), bool(zero_output_for_mask)

    @property
    def cell(self) -> Cell:
        """The kernel's cell (gradwork.ops.nn.recurrent) this layer runs."""
        return self.kernel_cell

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(
                f"{self.name}: expected inputs of shape (batch, timesteps, features), got shape {input_shape}"
            )
        self._add_weights(input_shape[-1])

    # ----- calling ----------------------------------------------------------------------------
    def call(self, inputs, initial_state=None, mask=None, training=None):
        inputs = self._check_inputs(inputs)
        batch, steps, features = inputs.shape
        state = self._initial_state(initial_state, batch)
        mask = check_sequence_mask(self, mask, batch, steps)
        input_mask, rec_mask = self._dropout_masks(batch, features, inputs.dtype, training)
        states = run_cell(self, self.kernel_cell, inputs, state, mask, self.go_backwards, input_mask, rec_mask)
        return recurrent_outputs(self, states, self.units, mask)

    def _check_inputs(self, inputs):
        if inputs.ndim != 3 or inputs.shape[-1] != self.kernel.shape[0]:
            raise ValueError(
                f"{self.name}: expected inputs of shape (batch, timesteps, {self.kernel.shape[0]}), "
                f"got shape {inputs.shape}"
            )
        if inputs.shape[1] == 0:
            raise ValueError(f"{self.name}: the inputs have no time steps (shape {inputs.shape})")
        return _checks.float_inputs(self, inputs)

    def _initial_state(self, initial_state, batch):
        """The first state (batch, state_factor*units) from a list of (batch, units) states, or None."""
        if initial_state is None:
            return None
        given = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        count = self.kernel_cell.state_factor
        given = [self._to_input(s) for s in given]
        if len(given) != count or any(tuple(s.shape) != (batch, self.units) for s in given):
            raise ValueError(
                f"{self.name}: initial_state must be {count} array(s) of shape ({batch}, {self.units}), "
                f"got shapes {[tuple(np.shape(s)) for s in given]}"
            )
        return given[0] if count == 1 else concatenate(given, axis=1)

    def compute_mask(self, inputs: Tensor, mask: Any = None) -> Any:
        """The input mask for a returned sequence (reversed with go_backwards: see
        `sequence_output_mask`), else None; and None for each returned state."""
        output_mask = sequence_output_mask(self, mask)
        return [output_mask] + [None] * self.kernel_cell.state_factor if self.return_state else output_mask

    def get_config(self):
        config = {
            **super().get_config(),
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
        }
        if self.zero_output_for_mask:
            config["zero_output_for_mask"] = True
        return config


class SimpleRNN(RNNBase):
    """A fully connected recurrence: h_t = activation(x_t @ kernel + bias + h_(t-1) @ recurrent_kernel).

    Parameters
    ----------
    units : int
    activation : str or callable, default "tanh"
    **kwargs : the other arguments of `RNNBase` (use_bias, initializers, regularizers, dropout,
        recurrent_dropout, return_sequences, return_state, go_backwards, zero_output_for_mask) and `Layer`

    Input shape
    -----------
    (batch, time, features)

    Output shape
    ------------
    (batch, units), (batch, time, units) with return_sequences; see `RNNBase` for return_state.

    Examples
    --------
    >>> gw.nn.SimpleRNN(32, return_sequences=True)(np.zeros((2, 5, 3))).shape
    (2, 5, 32)
    """

    kernel_cell = SimpleRNNCell()

    def __init__(self, units: int, activation: str | Callable | None = "tanh", **kwargs: Any) -> None:
        super().__init__(units, activation, **kwargs)


class LSTM(ForgetBias, RNNBase):
    """Long short-term memory (Hochreiter 1997), gates i, f, c, o in Keras's order.

    Parameters
    ----------
    units : int
        The size of the states h and c.
    activation, recurrent_activation : str or callable, default "tanh", "sigmoid"
    unit_forget_bias : bool, default True
        Start the forget gate's bias at 1 (and the rest from bias_initializer).
    **kwargs : the other arguments of `RNNBase` and `Layer`

    Input shape
    -----------
    (batch, time, features)

    Output shape
    ------------
    (batch, units), or (batch, time, units) with return_sequences; return_state gives [output, h, c].

    Examples
    --------
    >>> output, h, c = gw.nn.LSTM(16, return_state=True)(np.zeros((2, 5, 3)))
    >>> output.shape, c.shape
    ((2, 16), (2, 16))
    """

    kernel_cell = LSTMCell()


class GRU(ResetAfter, RNNBase):
    """Gated recurrent unit (Cho et al. 2014), gates z, r, h in Keras's order.

    Parameters
    ----------
    units : int
    activation, recurrent_activation : str or callable, default "tanh", "sigmoid"
    reset_after : bool, default True
        True (PyTorch's and cuDNN's form) applies the reset gate after the recurrent matmul and has
        a bias of shape (2, 3*units): row 0 for the inputs, row 1 for the recurrent part; False
        applies it before, with one bias (3*units,) (slower: composed ops).
    **kwargs : the other arguments of `RNNBase` and `Layer`

    Input shape
    -----------
    (batch, time, features)

    Output shape
    ------------
    (batch, units), or (batch, time, units) with return_sequences; return_state adds [h].

    Examples
    --------
    >>> gw.nn.GRU(8)(np.zeros((2, 5, 3))).shape
    (2, 8)
    """
