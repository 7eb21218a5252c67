"""PyTorch's recurrent layers and cells over gradwork's recurrence kernel (`gradwork/ops/nn/recurrent.py`).

The translation at the boundary: PyTorch's weights (gates*hidden, input) are the transposes of
gradwork's kernels (input, gates*units); bias_ih is added to the input projection and bias_hh to
h_prev @ weight_hh.T (the kernel's recurrent bias, inside the GRU's reset gate, as PyTorch). The
LSTM's gate order i, f, g, o is gradwork's too; the GRU's r, z, n is reordered to gradwork's z, r, h.
Sequences are (time, batch, features) unless batch_first, gradwork's are (batch, time, features).
The kernel loops over time; these functions loop over layers and directions only.
"""

from __future__ import annotations

from collections.abc import Sequence

from ....ops.nn.activations import relu, tanh
from ....ops.nn.dropout import dropout
from ....ops.nn.recurrent import GRUCell, LSTMCell, SimpleRNNCell, recurrence
from ....ops.shape_ops import concatenate, stack
from ....tensor import Tensor

# mode -> (the kernel's cell, its activation): PyTorch's modes as `torch.nn.RNNBase.mode` names them.
CELLS = {
    "RNN_TANH": (SimpleRNNCell(), tanh),
    "RNN_RELU": (SimpleRNNCell(), relu),
    "LSTM": (LSTMCell(), tanh),
    "GRU": (GRUCell(reset_after=True), tanh),
}
GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _gradwork_gates(mode: str, weight: Tensor | None) -> Tensor | None:
    """A weight or bias with its gate blocks along axis 0 in gradwork's order (the GRU's r, z, n -> z, r, n)."""
    if mode != "GRU" or weight is None:
        return weight
    hidden = weight.shape[0] // 3
    return concatenate([weight[hidden : 2 * hidden], weight[:hidden], weight[2 * hidden :]], axis=0)


def _run(mode: str, x: Tensor, state: Tensor | None, weights: Sequence[Tensor | None],
         reverse: bool = False) -> list[Tensor]:
    """One direction of one layer: the kernel's states after each step, in the order processed.

    x (batch, time, features); state (batch, state_factor*hidden) or None for zeros; weights
    (weight_ih, weight_hh, bias_ih, bias_hh) in PyTorch's layout, the biases possibly None.
    """
    weight_ih, weight_hh, bias_ih, bias_hh = (_gradwork_gates(mode, w) for w in weights)
    cell, activation = CELLS[mode]
    return recurrence(cell, x, weight_ih.T, weight_hh.T, bias_ih, bias_hh, state, go_backwards=reverse,
                      activation=activation)


def recurrent_layers(mode: str, input: Tensor, hx: Sequence[Tensor] | None,
                     weights: Sequence[Sequence[Tensor | None]], num_layers: int, bidirectional: bool,
                     batch_first: bool, dropout_p: float = 0.0,
                     training: bool = False) -> tuple[Tensor, list[Tensor]]:
    """A stack of recurrent layers, as `torch.nn.RNN` / `LSTM` / `GRU` compute it.

    Parameters
    ----------
    mode : str
        "RNN_TANH", "RNN_RELU", "LSTM" or "GRU".
    input : Tensor, shape (time, batch, input_size), or (batch, time, input_size) with batch_first
    hx : sequence of Tensor, each shape (num_layers * num_directions, batch, hidden_size), or None
        The initial states: (h_0,), or for the LSTM (h_0, c_0); zeros if None.
    weights : sequence of (weight_ih, weight_hh, bias_ih, bias_hh), one per layer and direction
        In PyTorch's order (layer 0 forward, layer 0 reverse, layer 1 forward, ...) and layouts.
    num_layers : int
    bidirectional : bool
    batch_first : bool
    dropout_p : float
        Dropout on the outputs of every layer but the last, in training.
    training : bool

    Returns
    -------
    output : Tensor, shape (time, batch, num_directions * hidden_size), (batch, time, ...) with batch_first
    final : list of Tensor, each shape (num_layers * num_directions, batch, hidden_size)
        [h_n], or for the LSTM [h_n, c_n].
    """
    directions = 2 if bidirectional else 1
    x = input if batch_first else input.swapaxes(0, 1)
    finals = []
    for layer in range(num_layers):
        if layer and training and dropout_p:
            x = dropout(x, dropout_p)
        outputs = []
        for direction in range(directions):
            index = layer * directions + direction
            state = None if hx is None else concatenate([h[index] for h in hx], axis=1)
            states = _run(mode, x, state, weights[index], reverse=bool(direction))
            finals.append(states[-1])
            sequence = stack(states[::-1] if direction else states, axis=1)
            outputs.append(sequence[:, :, : weights[index][1].shape[1]])  # h of the LSTM's [h, c]
        x = outputs[0] if directions == 1 else concatenate(outputs, axis=2)
    output = x if batch_first else x.swapaxes(0, 1)
    hidden = weights[0][1].shape[1]
    final = [stack([f[:, :hidden] for f in finals])]
    if mode == "LSTM":
        final.append(stack([f[:, hidden:] for f in finals]))
    return output, final


def recurrent_cell(mode: str, input: Tensor, hx: Sequence[Tensor] | None,
                   weights: Sequence[Tensor | None]) -> list[Tensor]:
    """One step of a cell, as `torch.nn.RNNCell` / `LSTMCell` / `GRUCell` compute it.

    Parameters
    ----------
    mode : str
        As in `recurrent_layers`.
    input : Tensor, shape (batch, input_size)
    hx : sequence of Tensor, each shape (batch, hidden_size), or None
        (h,), or for the LSTM (h, c); zeros if None.
    weights : (weight_ih, weight_hh, bias_ih, bias_hh)

    Returns
    -------
    list of Tensor, each shape (batch, hidden_size)
        [h'], or for the LSTM [h', c'].
    """
    state = None if hx is None else concatenate(list(hx), axis=1)
    new = _run(mode, input[:, None, :], state, weights)[0]
    hidden = weights[1].shape[1]
    return [new[:, :hidden], new[:, hidden:]] if mode == "LSTM" else [new]
