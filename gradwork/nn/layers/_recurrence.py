"""What the recurrent layers (recurrent.py) and the cell layers (rnn_cells.py) share around the kernel
`gradwork/ops/nn/recurrent.py`: their arguments and weights (`RecurrentWeights`, with the LSTM's and
the GRU's additions in `ForgetBias` and `ResetAfter`), the dropout masks, running a kernel cell over
a sequence with a layer's weights, and assembling the outputs."""

from collections.abc import Callable
from typing import Any

import numpy as np

from ... import activations, initializers
from ...ops.nn import activations as kernel_activations
from ...ops.nn.dropout import dropout_mask
from ...ops.nn.recurrent import Cell, GRUCell, recurrence
from ...ops.shape_ops import concatenate
from ...ops.nn.masking import boolean_mask
from ...random import OwnGenerator
from ...registry import serialize_object
from ...tensor import Tensor, as_array, as_tensor
from ..layer import Layer
from . import _checks

_FUSED_FORMS = {"tanh": kernel_activations.tanh, "sigmoid": kernel_activations.sigmoid}


def kernel_form(activation):
    """A Keras activation as the recurrence kernel takes it: tanh and sigmoid (under any spelling
    `gradwork.activations` knows) as the kernel's own functions, whose steps it runs fused; any other
    callable as it is."""
    try:
        return _FUSED_FORMS.get(activations.serialize(activation), activation)
    except ValueError:  # a callable without a registered name
        return activation


class RecurrentWeights(OwnGenerator, Layer):
    """The arguments, weights and configuration that a recurrent layer (`RNNBase`) and a cell layer
    (`RecurrentCell`) share, both under Keras's names; `kernel_cell` is the kernel's cell
    (gradwork.ops.nn.recurrent) that gives the gate count. `RNNBase` and `RecurrentCell` document the
    arguments."""

    kernel_cell: Cell = None
    constraint_arguments = ("kernel_constraint", "recurrent_constraint", "bias_constraint")

    def __init__(self, units: int, activation: str | Callable | None = "tanh",
                 recurrent_activation: str | Callable | None = None, use_bias: bool = True,
                 kernel_initializer: str | Callable = "glorot_uniform",
                 recurrent_initializer: str | Callable = "orthogonal", bias_initializer: str | Callable = "zeros",
                 kernel_regularizer: str | Callable | None = None, recurrent_regularizer: str | Callable | None = None,
                 bias_regularizer: str | Callable | None = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, **kwargs: Any) -> None:
        seed, units = _checks.seed(self, seed), _checks.positive_int(self, "units", units)
        dropout = _checks.rate(self, "dropout", dropout)
        recurrent_dropout = _checks.rate(self, "recurrent_dropout", recurrent_dropout)
        activation, recurrent_activation = activations.get(activation), activations.get(recurrent_activation)
        super().__init__(**kwargs)
        self.units, self.dropout, self.recurrent_dropout = units, dropout, recurrent_dropout
        self.use_seed(seed)  # the dropout masks' generator
        self.activation, self.recurrent_activation = activation, recurrent_activation
        self.use_bias = use_bias
        self.kernel_initializer, self.recurrent_initializer = kernel_initializer, recurrent_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer, self.recurrent_regularizer = kernel_regularizer, recurrent_regularizer
        self.bias_regularizer = bias_regularizer

    def _bias_shape(self):
        """The bias's shape: one row of gates*units (GRU's reset_after: two)."""
        return (self.kernel_cell.gates * self.units,)

    def _bias_initializer(self):
        """The initializer of the bias (LSTM's sets the forget gate's to one)."""
        return self.bias_initializer

    def _biases(self):
        """(bias added to the input projection, bias added to h_prev @ recurrent_kernel)."""
        return self.bias, None

    def _add_weights(self, features: int) -> None:
        """kernel, recurrent_kernel and bias for inputs of `features` features."""
        add_recurrent_weights(self, features, self.kernel_cell.gates, self._bias_shape(), self._bias_initializer())

    def _dropout_masks(self, batch: int, features: int, dtype: np.dtype, training: bool | None):
        """`dropout_masks` drawn from this layer's generator."""
        return dropout_masks(self, batch, features, dtype, training, self._rng)

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
            "seed": self.seed,
        }
        if self.kernel_cell.uses_recurrent_activation:
            config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        return config


class ForgetBias:
    """Mixed into an LSTM layer or cell before its `RecurrentWeights` base: `unit_forget_bias`."""

    def __init__(self, units: int, activation: str | Callable | None = "tanh",
                 recurrent_activation: str | Callable | None = "sigmoid", unit_forget_bias: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(units, activation, recurrent_activation, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)

    def _bias_initializer(self):
        return unit_forget_bias(self.bias_initializer, self.units) if self.unit_forget_bias else self.bias_initializer

    def get_config(self):
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}


class ResetAfter:
    """Mixed into a GRU layer or cell before its `RecurrentWeights` base: `reset_after`, the kernel
    cell it selects, and the bias of two rows it implies."""

    def __init__(self, units: int, activation: str | Callable | None = "tanh",
                 recurrent_activation: str | Callable | None = "sigmoid", reset_after: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(units, activation, recurrent_activation, **kwargs)
        self.reset_after = bool(reset_after)
        self.kernel_cell = GRUCell(self.reset_after)

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _biases(self):
        return gru_biases(self.bias, self.reset_after)

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}


def add_recurrent_weights(layer: Layer, features: int, gates: int, bias_shape: tuple[int, ...],
                          bias_initializer: str | Callable) -> None:
    """Create `layer`'s kernel (features, gates*units), recurrent_kernel (units, gates*units) and, with
    use_bias, bias `bias_shape`, from its initializer, regularizer and constraint attributes (a recurrent layer's
    or a cell layer's: both store them under Keras's names)."""
    width = gates * layer.units
    layer.add_weight("kernel", (features, width), layer.kernel_initializer, layer.kernel_regularizer,
                     constraint=layer.kernel_constraint)
    layer.add_weight("recurrent_kernel", (layer.units, width), layer.recurrent_initializer,
                     layer.recurrent_regularizer, constraint=layer.recurrent_constraint)
    layer.bias = None
    if layer.use_bias:
        layer.add_weight("bias", bias_shape, bias_initializer, layer.bias_regularizer,
                         constraint=layer.bias_constraint)


def unit_forget_bias(initializer: str | Callable, units: int) -> Callable:
    """An LSTM bias initializer: the forget gate's block (the second of i, f, c, o) ones, the rest
    from `initializer`."""
    init = initializers.get(initializer)

    def forget_bias_one(shape, dtype=None):
        ones = np.ones(units, dtype=dtype)
        return np.concatenate([init((units,), dtype=dtype), ones, init((2 * units,), dtype=dtype)])

    return forget_bias_one


def gru_biases(bias: Tensor | None, reset_after: bool) -> tuple[Tensor | None, Tensor | None]:
    """A GRU's (input bias, recurrent bias): with reset_after the rows of its (2, 3*units) bias."""
    if bias is None or not reset_after:
        return bias, None
    return bias[0], bias[1]


def dropout_masks(layer: Layer, batch: int, features: int, dtype: np.dtype, training: bool | None,
                  generator: np.random.Generator | None = None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """In training, `layer`'s dropout multipliers of the input features (batch, features) and of h_prev
    (batch, units), one per sequence (None where its rate is 0, and both None in inference)."""
    drop = rec = None
    if training and layer.dropout:
        drop = dropout_mask((batch, features), layer.dropout, dtype, generator)
    if training and layer.recurrent_dropout:
        rec = dropout_mask((batch, layer.units), layer.recurrent_dropout, dtype, generator)
    return drop, rec


def run_cell(layer: Layer, cell: Cell, x: Tensor, state: Tensor | None, mask: np.ndarray | None,
             go_backwards: bool, input_mask: np.ndarray | None, rec_mask: np.ndarray | None) -> list[Tensor]:
    """The kernel `recurrence` of `cell` over x (batch, time, features) with `layer`'s weights
    (kernel, recurrent_kernel, `_biases()`) and activations; `input_mask` (batch, features) multiplies
    every step's input (dropout). Returns the state after each step, as `recurrence`."""
    if input_mask is not None:
        x = x * Tensor._make(input_mask[:, None, :])
    bias, recurrent_bias = layer._biases()
    return recurrence(cell, x, layer.kernel, layer.recurrent_kernel, bias, recurrent_bias, state, mask,
                      go_backwards, rec_mask, kernel_form(layer.activation),
                      kernel_form(layer.recurrent_activation))


def zero_masked_steps(layer: Layer, sequence: Tensor, mask: np.ndarray | None) -> Tensor:
    """A returned sequence (batch, time, units), in the order processed, with zeros at the masked
    steps if `layer.zero_output_for_mask` (else as it is)."""
    if not layer.zero_output_for_mask or mask is None:
        return sequence
    order = mask[:, ::-1] if layer.go_backwards else mask
    return sequence * as_tensor(order[:, :, None].astype(sequence.dtype))


def recurrent_outputs(layer: Layer, states: list[Tensor], units: int, mask: np.ndarray | None) -> Any:
    """A recurrent layer's result from `run_cell`'s states, under its return_sequences, return_state,
    go_backwards and zero_output_for_mask: the output, or [output, *final states]."""
    last = states[-1]
    wide = last.shape[1] != units  # the LSTM's [h, c]
    if layer.return_sequences:
        output = concatenate(states, axis=1).reshape(last.shape[0], len(states), last.shape[1])
        if wide:
            output = output[:, :, :units]
        output = zero_masked_steps(layer, output, mask)
    else:
        output = last[:, :units] if wide else last
    if not layer.return_state:
        return output
    return [output, last[:, :units], last[:, units:]] if wide else [output, last]


def check_sequence_mask(layer: Layer, mask: Any, batch: int, steps: int) -> np.ndarray | None:
    """A call's mask as (batch, time) booleans (True = a step to take), or None; a ValueError naming
    `layer` for any other shape."""
    if mask is None:
        return None
    mask = boolean_mask(mask, layer.name, "True = a step to take")
    if mask.shape != (batch, steps):
        raise ValueError(f"{layer.name}: expected a mask of shape ({batch}, {steps}), got {mask.shape}")
    return mask


def sequence_output_mask(layer: Layer, mask: Any) -> Any:
    """The mask of a recurrent layer's output: the input mask for a returned sequence, else None.

    With go_backwards the returned sequence is in reversed time order, so its mask is the input
    mask reversed too. (Keras 3 returns the input mask unchanged there, which then no longer lines
    up with the outputs; gradwork keeps each output step with its own mask entry.)
    """
    output_mask = mask if layer.return_sequences else None
    if output_mask is not None and layer.go_backwards:
        flipped = as_array(output_mask)[:, ::-1]
        output_mask = Tensor._make(flipped) if isinstance(mask, Tensor) else flipped
    return output_mask
