"""Recurrent layers over (batch, time, features) sequences: SimpleRNN, LSTM, GRU (Keras's names,
defaults, weight names and gate orders; the math is in the kernel `gradwork/ops/nn/recurrent.py`)."""

from collections.abc import Callable
from typing import Any

import numpy as np

from ... import activations, initializers
from ...ops.nn import activations as kernel_activations
from ...ops.nn.dropout import dropout, dropout_mask
from ...ops.nn.masking import boolean_mask
from ...tensor import as_array
from ...ops.nn.recurrent import GRUCell, LSTMCell, SimpleRNNCell, recurrence
from ...ops.shape_ops import concatenate
from ...tensor import Tensor, as_tensor
from ..layer import Layer
from . import _checks
from ...registry import serialize_object


_FUSED_FORMS = {"tanh": kernel_activations.tanh, "sigmoid": kernel_activations.sigmoid}


def _kernel_form(activation):
    """A Keras activation as the recurrence kernel takes it: tanh and sigmoid (under any spelling
    `gradwork.activations` knows) as the kernel's own functions, whose steps it runs fused; any other
    callable as it is."""
    try:
        return _FUSED_FORMS.get(activations.serialize(activation), activation)
    except ValueError:  # a callable without a registered name
        return activation


class RNNBase(Layer):
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

    cell = None  # a kernel Cell (gradwork.ops.nn.recurrent)
    constraint_arguments = ("kernel_constraint", "recurrent_constraint", "bias_constraint")

    def __init__(self, units: int, activation: str | Callable | None = "tanh",
                 recurrent_activation: str | Callable | None = None, use_bias: bool = True,
                 kernel_initializer: str | Callable = "glorot_uniform",
                 recurrent_initializer: str | Callable = "orthogonal", bias_initializer: str | Callable = "zeros",
                 kernel_regularizer: str | Callable | None = None, recurrent_regularizer: str | Callable | None = None,
                 bias_regularizer: str | Callable | None = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, zero_output_for_mask: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.units = _checks.positive_int(self, "units", units)
        self.dropout = _checks.rate(self, "dropout", dropout)
        self.recurrent_dropout = _checks.rate(self, "recurrent_dropout", recurrent_dropout)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer, self.recurrent_initializer = kernel_initializer, recurrent_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer, self.recurrent_regularizer = kernel_regularizer, recurrent_regularizer
        self.bias_regularizer = bias_regularizer
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards, self.zero_output_for_mask = bool(go_backwards), bool(zero_output_for_mask)

    # ----- weights ----------------------------------------------------------------------------
    def _bias_shape(self):
        """The bias's shape: one row of gates*units (GRU's reset_after: two)."""
        return (self.cell.gates * self.units,)

    def _bias_initializer(self):
        """The initializer of the bias (LSTM's sets the forget gate's to one)."""
        return self.bias_initializer

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(
                f"{self.name}: expected inputs of shape (batch, timesteps, features), got shape {input_shape}"
            )
        width = self.cell.gates * self.units
        self.kernel = self.add_weight("kernel", (input_shape[-1], width), self.kernel_initializer,
                                      self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, width), self.recurrent_initializer,
                                                self.recurrent_regularizer, constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", self._bias_shape(), self._bias_initializer(),
                                        self.bias_regularizer, constraint=self.bias_constraint)

    def _biases(self):
        """(bias added to the input projection, bias added to h_prev @ recurrent_kernel)."""
        return self.bias, None

    # ----- calling ----------------------------------------------------------------------------
    def call(self, inputs, initial_state=None, mask=None, training=None):
        inputs = self._check_inputs(inputs)
        batch, steps, features = inputs.shape
        state = self._initial_state(initial_state, batch)
        mask = self._check_mask(mask, batch, steps)
        x = inputs
        if training and self.dropout:
            x = dropout(x, self.dropout, noise_shape=(batch, 1, features))
        rec_mask = None
        if training and self.recurrent_dropout:
            rec_mask = dropout_mask((batch, self.units), self.recurrent_dropout, self.dtype)
        bias, recurrent_bias = self._biases()
        states = recurrence(self.cell, x, self.kernel, self.recurrent_kernel, bias, recurrent_bias, state,
                            mask, self.go_backwards, rec_mask, _kernel_form(self.activation),
                            _kernel_form(self.recurrent_activation))
        return self._outputs(states, mask)

    def _check_inputs(self, inputs):
        if inputs.ndim != 3 or inputs.shape[-1] != self.kernel.shape[0]:
            raise ValueError(
                f"{self.name}: expected inputs of shape (batch, timesteps, {self.kernel.shape[0]}), "
                f"got shape {inputs.shape}"
            )
        if inputs.shape[1] == 0:
            raise ValueError(f"{self.name}: the inputs have no time steps (shape {inputs.shape})")
        return inputs if inputs.dtype.kind == "f" else inputs.astype(self.dtype)

    def _initial_state(self, initial_state, batch):
        """The first state (batch, state_factor*units) from a list of (batch, units) states, or None."""
        if initial_state is None:
            return None
        given = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        count = self.cell.state_factor
        given = [self._to_input(s) for s in given]
        if len(given) != count or any(tuple(s.shape) != (batch, self.units) for s in given):
            raise ValueError(
                f"{self.name}: initial_state must be {count} array(s) of shape ({batch}, {self.units}), "
                f"got shapes {[tuple(np.shape(s)) for s in given]}"
            )
        return given[0] if count == 1 else concatenate(given, axis=1)

    def _check_mask(self, mask, batch, steps):
        if mask is None:
            return None
        mask = boolean_mask(mask, self.name, "True = a step to take")
        if mask.shape != (batch, steps):
            raise ValueError(f"{self.name}: expected a mask of shape ({batch}, {steps}), got {mask.shape}")
        return mask

    def _outputs(self, states, mask):
        units, last = self.units, states[-1]
        wide = last.shape[1] != units  # the LSTM's [h, c]
        if self.return_sequences:
            output = concatenate(states, axis=1).reshape(last.shape[0], len(states), last.shape[1])
            if wide:
                output = output[:, :, :units]
            if self.zero_output_for_mask and mask is not None:
                order = mask[:, ::-1] if self.go_backwards else mask
                output = output * as_tensor(order[:, :, None].astype(output.dtype))
        else:
            output = last[:, :units] if wide else last
        if not self.return_state:
            return output
        return [output, last[:, :units], last[:, units:]] if wide else [output, last]

    def compute_mask(self, inputs: Tensor, mask: Any = None) -> Any:
        """The input mask for a returned sequence, else None (and None for each returned state).

        With go_backwards the returned sequence is in reversed time order, so its mask is the input
        mask reversed too. (Keras 3 returns the input mask unchanged there, which then no longer
        lines up with the outputs; gradwork keeps each output step with its own mask entry.)
        """
        output_mask = mask if self.return_sequences else None
        if output_mask is not None and self.go_backwards:
            flipped = as_array(output_mask)[:, ::-1]
            output_mask = Tensor._make(flipped) if isinstance(mask, Tensor) else flipped
        return [output_mask] + [None] * self.cell.state_factor if self.return_state else output_mask

    def get_config(self):
        config = {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": serialize_object(self.kernel_initializer),
            "recurrent_initializer": serialize_object(self.recurrent_initializer),
            "bias_initializer": serialize_object(self.bias_initializer),
            "kernel_regularizer": serialize_object(self.kernel_regularizer),
            "recurrent_regularizer": serialize_object(self.recurrent_regularizer),
            "bias_regularizer": serialize_object(self.bias_regularizer),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
        }
        if self.cell.uses_recurrent_activation:
            config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
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

    cell = SimpleRNNCell()

    def __init__(self, units: int, activation: str | Callable | None = "tanh", **kwargs: Any) -> None:
        super().__init__(units, activation, **kwargs)


class LSTM(RNNBase):
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

    cell = LSTMCell()

    def __init__(self, units: int, activation: str | Callable | None = "tanh",
                 recurrent_activation: str | Callable | None = "sigmoid", unit_forget_bias: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(units, activation, recurrent_activation, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        init, units = initializers.get(self.bias_initializer), self.units

        def forget_bias_one(shape, dtype=None):
            ones = np.ones(units, dtype=dtype)
            return np.concatenate([init((units,), dtype=dtype), ones, init((2 * units,), dtype=dtype)])

        return forget_bias_one

    def get_config(self):
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}


class GRU(RNNBase):
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

    def __init__(self, units: int, activation: str | Callable | None = "tanh",
                 recurrent_activation: str | Callable | None = "sigmoid", reset_after: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(units, activation, recurrent_activation, **kwargs)
        self.reset_after = bool(reset_after)
        self.cell = GRUCell(self.reset_after)

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _biases(self):
        if self.bias is None or not self.reset_after:
            return self.bias, None
        return self.bias[0], self.bias[1]

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}
