"""Recurrent cells: the math of one step of a SimpleRNN, LSTM or GRU, for `recurrence` (recurrent.py).

Each cell writes its step twice: `compose`, in ordinary Tensor operations with any activations,
and `fused_forward` / `fused_backward`, the same step for tanh/sigmoid as a few in-place NumPy
operations with the backward written out by hand. Gates are in Keras's order. States are one
array per step: h (batch, units), or for the LSTM [h, c] side by side (batch, 2 units).
"""
from __future__ import annotations

import abc
import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from ...tensor import Tensor
from ..shape_ops import concatenate

Activation = Callable[[Tensor], Tensor]

@functools.lru_cache(maxsize=64)
def _gate_constants(kinds, units, dtype):
    """Per-column constants for activating gate blocks in place ("s" sigmoid, "t" tanh):
    sigmoid(a) = 0.5 tanh(0.5 a) + 0.5, so z *= scale; tanh(z); z *= scale; z += offset activates
    every block in four passes; and the derivative from the activated value y is y (p - y) + q."""
    sig = np.repeat(np.array([k == "s" for k in kinds]), units)
    scale = np.where(sig, 0.5, 1.0).astype(dtype)
    offset = np.where(sig, 0.5, 0.0).astype(dtype)
    p, q = sig.astype(dtype), (~sig).astype(dtype)
    return scale, offset, p, q


def _activate(z, kinds, units):
    """Apply the activations `kinds` to z's gate blocks (batch, len(kinds) * units), in place."""
    scale, offset, _, _ = _gate_constants(kinds, units, z.dtype.str)
    z *= scale
    np.tanh(z, out=z)
    z *= scale
    z += offset
    return z


def _activation_derivative(y, kinds, units):
    """d activation / d input from the activated gate blocks y (new array)."""
    _, _, p, q = _gate_constants(kinds, units, y.dtype.str)
    out = p - y
    out *= y
    out += q
    return out


class Cell(abc.ABC):
    """The math of one recurrent cell type: its step, composed and fused.

    `compose` is the step in ordinary Tensor operations (any activations); `fused_forward` and
    `fused_backward` are the same step for tanh/sigmoid on arrays. The arguments' shapes:

    - xp_t (batch, gates*units): one step's projected input x_t @ kernel + bias;
    - state (batch, state_factor*units): the previous state;
    - kernel (units, gates*units) and bias (gates*units,) or None: the recurrent kernel and bias;
    - rec_mask (batch, units) or None: recurrent dropout's multipliers of h_prev;
    - inner (batch, gates*units): (h_prev * rec_mask) @ kernel (+ bias).

    Class attributes: `gates` (gate blocks per step), `state_factor` (state arrays: 2 for the
    LSTM's [h, c]), `fused` (has the array fast path), `uses_recurrent_activation`.
    """

    gates = 1
    state_factor = 1
    fused = True  # has the array fast path
    uses_recurrent_activation = True

    @abc.abstractmethod
    def compose(self, xp_t: Tensor, state: Tensor, kernel: Tensor, bias: Tensor | None,
                rec_mask: np.ndarray | None, activation: Activation,
                recurrent_activation: Activation) -> Tensor:
        """The new state (batch, state_factor*units) from one step's projected input and the previous state."""

    @abc.abstractmethod
    def fused_forward(self, xp_t: np.ndarray, inner: np.ndarray, state: np.ndarray) -> tuple[np.ndarray, Any]:
        """(new state (batch, state_factor*units), what `fused_backward` needs); may overwrite `inner`."""

    @abc.abstractmethod
    def fused_backward(self, g: np.ndarray, saved: Any,
                       state: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """(d xp_t, d inner, d state through the gates or None), each of its argument's shape, from the
        new state's gradient (batch, state_factor*units) and `fused_forward`'s saved values."""


def _inner(state_h, kernel, bias, rec_mask):
    """(h_prev * rec_mask) @ kernel (+ bias)."""
    hd = state_h if rec_mask is None else state_h * rec_mask
    inner = hd @ kernel
    return inner if bias is None else inner + bias


class SimpleRNNCell(Cell):
    """h = activation(x W + b + h_prev U)."""

    uses_recurrent_activation = False

    def compose(self, xp_t: Tensor, state: Tensor, kernel: Tensor, bias: Tensor | None,
                rec_mask: np.ndarray | None, activation: Activation,
                recurrent_activation: Activation) -> Tensor:
        return activation(xp_t + _inner(state, kernel, bias, rec_mask))

    def fused_forward(self, xp_t: np.ndarray, inner: np.ndarray, state: np.ndarray) -> tuple[np.ndarray, Any]:
        inner += xp_t
        h = np.tanh(inner, out=inner)
        return h, h

    def fused_backward(self, g: np.ndarray, h: Any,
                       state: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        d = h * h
        np.subtract(1, d, out=d)
        d *= g
        return d, d, None


class LSTMCell(Cell):
    """Gates in Keras's order i, f, c, o: c = f c_prev + i tanh(z_c), h = o tanh(c); state [h, c]."""

    gates, state_factor = 4, 2

    def compose(self, xp_t: Tensor, state: Tensor, kernel: Tensor, bias: Tensor | None,
                rec_mask: np.ndarray | None, activation: Activation,
                recurrent_activation: Activation) -> Tensor:
        u = kernel.shape[0]
        z = xp_t + _inner(state[:, :u], kernel, bias, rec_mask)
        i, f = recurrent_activation(z[:, :u]), recurrent_activation(z[:, u : 2 * u])
        g, o = activation(z[:, 2 * u : 3 * u]), recurrent_activation(z[:, 3 * u :])
        c = f * state[:, u:] + i * g
        return concatenate([o * activation(c), c], axis=1)

    def fused_forward(self, xp_t: np.ndarray, inner: np.ndarray, state: np.ndarray) -> tuple[np.ndarray, Any]:
        u = state.shape[1] // 2
        inner += xp_t
        z = _activate(inner, "ssts", u)
        i, f, g, o = z[:, :u], z[:, u : 2 * u], z[:, 2 * u : 3 * u], z[:, 3 * u :]
        new = np.empty_like(state)
        c = new[:, u:]
        np.multiply(f, state[:, u:], out=c)
        c += i * g
        tanh_c = np.tanh(c)
        np.multiply(o, tanh_c, out=new[:, :u])
        return new, (z, tanh_c)

    def fused_backward(self, grad_state: np.ndarray, saved: Any,
                       state: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        z, tanh_c = saved
        u = state.shape[1] // 2
        i, f, g, o = z[:, :u], z[:, u : 2 * u], z[:, 2 * u : 3 * u], z[:, 3 * u :]
        gh, gc = grad_state[:, :u], grad_state[:, u:]
        dc = tanh_c * tanh_c
        np.subtract(1, dc, out=dc)
        dc *= o
        dc *= gh
        dc += gc
        d = np.empty_like(z)
        np.multiply(dc, g, out=d[:, :u])
        np.multiply(dc, state[:, u:], out=d[:, u : 2 * u])
        np.multiply(dc, i, out=d[:, 2 * u : 3 * u])
        np.multiply(gh, tanh_c, out=d[:, 3 * u :])
        d *= _activation_derivative(z, "ssts", u)
        d_state = np.empty_like(state)
        d_state[:, :u] = 0
        np.multiply(dc, f, out=d_state[:, u:])
        return d, d, d_state


class GRUCell(Cell):
    """Gates in Keras's order z, r, h; h = z h_prev + (1 - z) hh.

    reset_after=True (Keras's default, cuDNN's and PyTorch's form): hh = tanh(x_h + r (h_prev U_h + b_h)),
    with a recurrent bias; reset_after=False: hh = tanh(x_h + (r h_prev) U_h), composed ops only and
    no recurrent bias (passing one is an error).

    Parameters
    ----------
    reset_after : bool
        Apply the reset gate after the recurrent matmul (True) or before it (False).
    """

    gates = 3

    def __init__(self, reset_after: bool = True) -> None:
        self.reset_after = reset_after
        self.fused = reset_after

    def compose(self, xp_t: Tensor, state: Tensor, kernel: Tensor, bias: Tensor | None,
                rec_mask: np.ndarray | None, activation: Activation,
                recurrent_activation: Activation) -> Tensor:
        u = kernel.shape[0]
        hd = state if rec_mask is None else state * rec_mask
        if self.reset_after:
            inner = _inner(state, kernel, bias, rec_mask)
            zr = recurrent_activation(xp_t[:, : 2 * u] + inner[:, : 2 * u])
            z, r = zr[:, :u], zr[:, u:]
            hh = activation(xp_t[:, 2 * u :] + r * inner[:, 2 * u :])
        else:
            if bias is not None:
                raise ValueError(f"GRUCell(reset_after=False) takes no recurrent bias (the reset gate comes "
                                 f"before the recurrent matmul), got one of shape {tuple(bias.shape)}")
            zr = recurrent_activation(xp_t[:, : 2 * u] + hd @ kernel[:, : 2 * u])
            z, r = zr[:, :u], zr[:, u:]
            hh = activation(xp_t[:, 2 * u :] + (r * hd) @ kernel[:, 2 * u :])
        return z * state + (1 - z) * hh

    def fused_forward(self, xp_t: np.ndarray, inner: np.ndarray, state: np.ndarray) -> tuple[np.ndarray, Any]:
        u = state.shape[1]
        zr = inner[:, : 2 * u] + xp_t[:, : 2 * u]
        _activate(zr, "ss", u)
        inner_h = inner[:, 2 * u :]
        hh = zr[:, u:] * inner_h
        hh += xp_t[:, 2 * u :]
        np.tanh(hh, out=hh)
        new = state - hh
        new *= zr[:, :u]
        new += hh
        return new, (zr, hh, inner_h)

    def fused_backward(self, g: np.ndarray, saved: Any,
                       state: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        zr, hh, inner_h = saved
        u = state.shape[1]
        z, r = zr[:, :u], zr[:, u:]
        d_xp = np.empty((g.shape[0], 3 * u), dtype=g.dtype)
        dz, dr, dhh = d_xp[:, :u], d_xp[:, u : 2 * u], d_xp[:, 2 * u :]
        np.subtract(state, hh, out=dz)
        dz *= g
        np.subtract(1, z, out=dhh)
        dhh *= g
        dhh *= 1 - hh * hh
        np.multiply(dhh, inner_h, out=dr)
        d_xp[:, : 2 * u] *= _activation_derivative(zr, "ss", u)
        d_inner = d_xp.copy()
        d_inner[:, 2 * u :] *= r
        return d_xp, d_inner, g * z
