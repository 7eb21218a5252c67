"""`nn.RNN`, `nn.LSTM`, `nn.GRU` and their cells: PyTorch's arguments, parameter names and layouts.

The parameters are PyTorch's (weight_ih_l0 (gates*hidden, input), weight_hh_l0, bias_ih_l0,
bias_hh_l0, `_reverse` for the second direction; gates i, f, g, o for the LSTM and r, z, n for the
GRU), so state dicts move between PyTorch and the facade unchanged. The computation is gradwork's
recurrence kernel, reached through `functional/_recurrent.py`, which translates the layouts.
"""

from __future__ import annotations

import math
import numbers
import warnings

from .._core import check_device, unwrap
from ..creation import empty
from ..tensor import as_facade, wrap
from . import init
from .functional._recurrent import GATES, recurrent_layers
from .module import Module
from .parameter import Parameter


def _check_sizes(owner: str, **sizes) -> None:
    """PyTorch's checks of a recurrent module's sizes: ints, greater than zero."""
    for name, value in sizes.items():
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{owner}: {name} should be of type int, got: {type(value).__name__}")
        if value <= 0:
            raise ValueError(f"{owner}: {name} must be greater than zero, got {value}")


def _check_flag(owner: str, name: str, value) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{owner}: {name} should be of type bool, got: {type(value).__name__}")


def _reset_uniform(module: Module) -> None:
    """PyTorch's initialization of recurrent weights: every parameter from U(-1/sqrt(hidden), 1/sqrt(hidden))."""
    bound = 1.0 / math.sqrt(module.hidden_size)
    for weight in module.parameters():
        init.uniform_(weight, -bound, bound)


class RNNBase(Module):
    """What RNN, LSTM and GRU share: the layers' parameters, the checks and the call.

    Parameters
    ----------
    mode : str
        "RNN_TANH", "RNN_RELU", "LSTM" or "GRU".
    input_size, hidden_size : int
    num_layers : int, default 1
        Stacked layers, each reading the outputs of the one before.
    bias : bool, default True
        Have bias_ih and bias_hh.
    batch_first : bool, default False
        Inputs and outputs (batch, time, features) instead of (time, batch, features).
    dropout : float in [0, 1], default 0.0
        Dropout on the outputs of every layer but the last, in training.
    bidirectional : bool, default False
    proj_size : int, default 0
        The LSTM's projection size; gradwork does not provide projections (an error unless 0).
    device, dtype : optional
        The CPU only; the parameters' floating-point dtype.
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device=None, dtype=None) -> None:
        super().__init__()
        owner = type(self).__name__
        if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError(f"{owner}: dropout should be a number in range [0, 1] representing the probability "
                             f"of an element being zeroed, got {dropout!r}")
        _check_flag(owner, "bias", bias)
        _check_flag(owner, "batch_first", batch_first)
        _check_sizes(owner, input_size=input_size, hidden_size=hidden_size, num_layers=num_layers)
        if proj_size:
            raise NotImplementedError(f"{owner}: proj_size={proj_size} (an LSTM with projections) is not provided "
                                      "by gradwork.torch; use proj_size=0, or a Linear layer after the LSTM")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                          stacklevel=3)
        check_device(device)
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        self._all_weights = []
        gate_size = GATES[mode] * hidden_size
        directions = 2 if bidirectional else 1
        for layer in range(num_layers):
            for direction in range(directions):
                layer_input_size = input_size if layer == 0 else hidden_size * directions
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                shapes = {"weight_ih": (gate_size, layer_input_size), "weight_hh": (gate_size, hidden_size)}
                if bias:
                    shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
                for name, shape in shapes.items():
                    setattr(self, name + suffix, Parameter(empty(shape, dtype=dtype)))
                self._all_weights.append([name + suffix for name in shapes])
        self.reset_parameters()

    reset_parameters = _reset_uniform

    @property
    def all_weights(self) -> list[list]:
        """The parameters, one list per layer and direction: [weight_ih, weight_hh(, bias_ih, bias_hh)]."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """Nothing to do: PyTorch packs the weights into one cuDNN buffer here; gradwork needs no packing."""

    @property
    def _state_count(self) -> int:
        """The states per layer and direction: 2 for the LSTM's (h, c), else 1."""
        return 2 if self.mode == "LSTM" else 1

    def forward(self, input, hx=None):
        """(output, h_n), or for the LSTM (output, (h_n, c_n)).

        input (time, batch, input_size) ((batch, time, input_size) with batch_first) or unbatched
        (time, input_size); hx: h_0 (or the LSTM's (h_0, c_0)), each (num_layers * directions,
        batch, hidden_size) (unbatched: without the batch dim), zeros if None.
        """
        owner, input = type(self).__name__, as_facade(input)
        if input.dim() not in (2, 3):
            raise ValueError(f"{owner}: Expected input to be 2D or 3D, got {input.dim()}D tensor instead")
        states = None if hx is None else [as_facade(h) for h in (hx if self._state_count == 2 else [hx])]
        batched = input.dim() == 3
        if states is not None and any(h.dim() != input.dim() for h in states):
            got = ", ".join(f"{h.dim()}-D" for h in states)
            raise RuntimeError(f"{owner}: for {'batched 3-D' if batched else 'unbatched 2-D'} input, hx should also "
                               f"be {input.dim()}-D but got ({got})")
        batch_dim = 0 if self.batch_first else 1
        if not batched:
            input = input.unsqueeze(batch_dim)
            states = None if states is None else [h.unsqueeze(1) for h in states]
        self._check_forward_args(input, states)
        output, final = recurrent_layers(self.mode, unwrap(input), None if states is None else
                                         [unwrap(h) for h in states], self._layer_weights(), self.num_layers,
                                         self.bidirectional, self.batch_first, self.dropout, self.training)
        output, final = wrap(output), [wrap(f) for f in final]
        if not batched:
            output, final = output.squeeze(batch_dim), [f.squeeze(1) for f in final]
        return output, (tuple(final) if self._state_count == 2 else final[0])

    def _layer_weights(self) -> list[list]:
        """(weight_ih, weight_hh, bias_ih, bias_hh) as gradwork Tensors for each layer and direction
        (biases None without bias)."""
        return [[unwrap(getattr(self, name)) for name in names] + [None] * (4 - len(names))
                for names in self._all_weights]

    def _check_forward_args(self, input, states) -> None:
        owner, weight = type(self).__name__, self.weight_ih_l0
        if input.dtype != weight.dtype:
            raise ValueError(f"{owner}: input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). "
                             f"Convert input: input.to({weight.dtype}), or convert model: model.to({input.dtype})")
        if input.size(-1) != self.input_size:
            raise RuntimeError(f"{owner}: input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.size(-1)}")
        batch = input.size(0) if self.batch_first else input.size(1)
        expected = ((2 if self.bidirectional else 1) * self.num_layers, batch, self.hidden_size)
        for index, h in enumerate(states or []):
            if tuple(h.shape) != expected:
                which = f"hidden[{index}]" if self._state_count == 2 else "hidden"
                raise RuntimeError(f"{owner}: Expected {which} size {expected}, got {list(h.shape)}")

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if self.batch_first is not False:
            text += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            text += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            text += f", bidirectional={self.bidirectional}"
        return text


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_(t-1) W_hh^T + b_hh) (or relu), as `torch.nn.RNN`.

    Parameters
    ----------
    input_size, hidden_size : int
    num_layers : int, default 1
    nonlinearity : {"tanh", "relu"}, default "tanh"
    bias, batch_first, dropout, bidirectional, device, dtype
        As `RNNBase`.

    Examples
    --------
    >>> rnn = nn.RNN(10, 20, 2)
    >>> output, h_n = rnn(torch.randn(5, 3, 10), torch.randn(2, 3, 20))
    >>> tuple(output.shape), tuple(h_n.shape)
    ((5, 3, 20), (2, 3, 20))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device=None, dtype=None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(f"RNN_{nonlinearity.upper()}", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, 0, device, dtype)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """Long short-term memory, gates i, f, g, o, as `torch.nn.LSTM`; returns (output, (h_n, c_n)).

    Parameters
    ----------
    input_size, hidden_size : int
    num_layers, bias, batch_first, dropout, bidirectional, device, dtype
        As `RNNBase`.
    proj_size : int, default 0
        Only 0: projections are not provided (a NotImplementedError).

    Examples
    --------
    >>> lstm = nn.LSTM(10, 20, batch_first=True)
    >>> output, (h_n, c_n) = lstm(torch.randn(3, 5, 10))
    >>> tuple(output.shape), tuple(c_n.shape)
    ((3, 5, 20), (1, 3, 20))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device=None, dtype=None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device, dtype)


class GRU(RNNBase):
    """Gated recurrent unit, gates r, z, n with n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), as `torch.nn.GRU`.

    Parameters
    ----------
    input_size, hidden_size : int
    num_layers, bias, batch_first, dropout, bidirectional, device, dtype
        As `RNNBase`.

    Examples
    --------
    >>> gru = nn.GRU(10, 20, bidirectional=True)
    >>> output, h_n = gru(torch.randn(5, 3, 10))
    >>> tuple(output.shape), tuple(h_n.shape)
    ((5, 3, 40), (2, 3, 20))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device=None, dtype=None) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         0, device, dtype)
