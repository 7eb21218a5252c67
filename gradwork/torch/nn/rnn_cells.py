"""`nn.RNNCell`, `nn.LSTMCell`, `nn.GRUCell`: one step, with PyTorch's parameters (weight_ih (gates*hidden,
input), weight_hh, bias_ih, bias_hh) and gate orders; the step is gradwork's recurrence kernel run for
one time step (`functional/_recurrent.py`)."""

from __future__ import annotations

from .._core import check_device, unwrap
from ..creation import empty
from ..tensor import as_facade, wrap
from .functional._recurrent import GATES, recurrent_cell
from .module import Module
from .parameter import Parameter
from .rnn import RNNBase, _check_flag, _check_sizes, _reset_uniform


class RNNCellBase(Module):
    """What the cells share: weight_ih (gates*hidden, input), weight_hh (gates*hidden, hidden), bias_ih and
    bias_hh (gates*hidden,), all from U(-1/sqrt(hidden), 1/sqrt(hidden)); the checks and the call.

    Parameters
    ----------
    mode : str
        "RNN_TANH", "RNN_RELU", "LSTM" or "GRU" (as `functional/_recurrent.py`).
    input_size, hidden_size : int
    bias : bool
    device, dtype : optional
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, bias: bool, device=None, dtype=None) -> None:
        super().__init__()
        owner = type(self).__name__
        _check_sizes(owner, input_size=input_size, hidden_size=hidden_size)
        _check_flag(owner, "bias", bias)
        check_device(device)
        self.mode, self.input_size, self.hidden_size, self.bias = mode, input_size, hidden_size, bias
        gate_size = GATES[mode] * hidden_size
        self.weight_ih = Parameter(empty(gate_size, input_size, dtype=dtype))
        self.weight_hh = Parameter(empty(gate_size, hidden_size, dtype=dtype))
        for name in ("bias_ih", "bias_hh"):
            self.register_parameter(name, Parameter(empty(gate_size, dtype=dtype)) if bias else None)
        self.reset_parameters()

    reset_parameters = _reset_uniform

    _state_count = RNNBase._state_count

    def forward(self, input, hx=None):
        """h' (or the LSTM's (h', c')) from input (batch, input_size) or unbatched (input_size,) and
        hx: h (or (h, c)), each (batch, hidden_size) (unbatched: (hidden_size,)), zeros if None."""
        owner, input = type(self).__name__, as_facade(input)
        if input.dim() not in (1, 2):
            raise ValueError(f"{owner}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        states = None if hx is None else [as_facade(h) for h in (hx if self._state_count == 2 else [hx])]
        for index, h in enumerate(states or []):
            if h.dim() not in (1, 2):
                raise ValueError(f"{owner}: Expected hx[{index}] to be 1D or 2D, got {h.dim()}D instead")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
            states = None if states is None else [h.unsqueeze(0) for h in states]
        self._check_forward_args(input, states)
        new = recurrent_cell(self.mode, unwrap(input), None if states is None else [unwrap(h) for h in states],
                             [unwrap(p) for p in (self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)])
        new = [wrap(h) if batched else wrap(h).squeeze(0) for h in new]
        return tuple(new) if self._state_count == 2 else new[0]

    def _check_forward_args(self, input, states) -> None:
        owner = type(self).__name__
        if input.size(1) != self.input_size:
            raise RuntimeError(f"{owner}: input has inconsistent input_size: got {input.size(1)}, "
                               f"expected {self.input_size}")
        if input.dtype != self.weight_ih.dtype:
            raise ValueError(f"{owner}: input dtype ({input.dtype}) does not match weight dtype "
                             f"({self.weight_ih.dtype})")
        expected = (input.size(0), self.hidden_size)
        for index, h in enumerate(states or []):
            if tuple(h.shape) != expected:
                raise RuntimeError(f"{owner}: hx[{index}] must have size {expected} (batch, hidden_size) for an "
                                   f"input of size {tuple(input.shape)}, got {tuple(h.shape)}")

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            text += f", nonlinearity={self.nonlinearity}"
        return text


class RNNCell(RNNCellBase):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu), as `torch.nn.RNNCell`.

    Examples
    --------
    >>> cell = nn.RNNCell(10, 20)
    >>> tuple(cell(torch.randn(3, 10)).shape)
    (3, 20)
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device=None, dtype=None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNNCell: Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(f"RNN_{nonlinearity.upper()}", input_size, hidden_size, bias, device, dtype)
        self.nonlinearity = nonlinearity


class LSTMCell(RNNCellBase):
    """One LSTM step, gates i, f, g, o, as `torch.nn.LSTMCell`: returns (h', c').

    Examples
    --------
    >>> h, c = nn.LSTMCell(10, 20)(torch.randn(3, 10))
    >>> tuple(c.shape)
    (3, 20)
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__("LSTM", input_size, hidden_size, bias, device, dtype)


class GRUCell(RNNCellBase):
    """One GRU step, gates r, z, n, as `torch.nn.GRUCell`: h' = (1 - z) n + z h.

    Examples
    --------
    >>> tuple(nn.GRUCell(10, 20)(torch.randn(3, 10)).shape)
    (3, 20)
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__("GRU", input_size, hidden_size, bias, device, dtype)
