"""Recurrence kernel: run a SimpleRNN, LSTM or GRU cell (cells.py) along the time axis.

A recurrence projects the inputs of all time steps in ONE matmul (x @ kernel + bias), then loops
over time with one graph node per step, `_RecurrentStep`: h_prev @ recurrent_kernel plus the cell's
gates, in a few in-place NumPy operations. With tanh/sigmoid activations the step's backward is
array math written out by hand (`Cell.fused_backward`); with any other activation the step
differentiates its composed form (`Cell.compose`, ordinary Tensor operations) locally. The
activations are plain callables: the fused path runs when they are this package's own `tanh`
and `sigmoid` (activations.py; `gw.nn.functional` exports those same functions).

The steps of one recurrence share a `_Run`. A step's first-order backward writes its gradient
with respect to the projected inputs into the run's (batch, time, gates) buffer instead of
returning a full-size gradient (which would cost O(time^2)); the FIRST step, whose backward
necessarily runs last (every later step feeds it a state gradient), returns the filled buffer,
and, for fused cells, the recurrent kernel's and recurrent bias's gradients as one matmul and
one sum over all steps. Under `create_graph=True` each step instead re-runs its composed form on
the graph's own tensors and differentiates that, so higher derivatives are exact too.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from ...autograd.engine import grad
from ...autograd.function import Function
from ...autograd.grad_mode import enable_grad, is_grad_enabled, no_grad
from ...tensor import Tensor, as_tensor
from ..elementwise import where
from .activations import sigmoid, tanh
from .cells import Cell, GRUCell, LSTMCell, SimpleRNNCell  # noqa: F401 (the cells, beside the recurrence)
from .linear import affine
from .masking import boolean_mask


class _Run:
    """What the steps of one recurrence share: the cell, sizes, masks, activations, and the
    gradient buffers that the steps' first-order backward fills (see the module docstring)."""

    def __init__(self, cell, xp_shape, units, time_index, mask, rec_mask, activation, recurrent_activation,
                 records):
        self.cell, self.units, self.time_index, self.records = cell, units, time_index, records
        self.mask, self.rec_mask = mask, rec_mask
        self.activation, self.recurrent_activation = activation, recurrent_activation
        self.fused = cell.fused and activation is tanh and (
            not cell.uses_recurrent_activation or recurrent_activation is sigmoid
        )
        self.xp_shape = xp_shape
        self.hd = None  # (batch, time, units): the rows h_prev * dropout that met recurrent_kernel (if records)
        self.d_xp = self.d_inner = None

    def step_mask(self, t):
        """The (batch, 1) booleans of step t, or None."""
        return None if self.mask is None else self.mask[:, self.time_index[t], None]

    def store(self, t, d_xp, d_inner):
        """Write one step's gradients into the buffers (created at the first step's backward)."""
        if self.d_xp is None:
            self.d_xp = np.zeros(self.xp_shape, dtype=d_xp.dtype)
            separate = d_inner is not None and d_inner is not d_xp
            self.d_inner = np.zeros(self.xp_shape, dtype=d_xp.dtype) if separate else None
        k = self.time_index[t]
        self.d_xp[:, k] = d_xp
        if self.d_inner is not None and d_inner is not None:
            self.d_inner[:, k] = d_inner

    def collect(self, needs):
        """(d xp, d recurrent_kernel, d recurrent bias) over all steps; empties the buffers for the
        next backward pass (retain_graph)."""
        d_xp, d_inner = self.d_xp, self.d_xp if self.d_inner is None else self.d_inner
        self.d_xp = self.d_inner = None
        d_kernel = d_bias = None
        if needs[2]:
            d_kernel = self.hd.reshape(-1, self.units).T @ d_inner.reshape(-1, d_inner.shape[-1])
        if len(needs) > 3 and needs[3]:
            d_bias = d_inner.sum(axis=(0, 1))
        return (d_xp if needs[0] else None), d_kernel, d_bias


class _RecurrentStep(Function):
    """Step t of a recurrence: (xp (batch, time, gates*units), state (batch, S), recurrent_kernel
    (units, gates*units)[, recurrent bias (gates*units,)]) -> the next state (batch, S).

    Masked samples (run.mask False at this time) keep their state. See the module docstring for
    how the gradients of xp and of the recurrent weights are gathered across steps."""

    def __init__(self, run, t):
        self.run, self.t = run, t

    def forward(self, xp, state, kernel, bias=None):
        run, u = self.run, self.run.units
        xp_t = xp[:, run.time_index[self.t]]
        if run.fused:
            h = state[:, :u]
            hd = h if run.rec_mask is None else h * run.rec_mask
            inner = hd @ kernel
            if bias is not None:
                inner += bias
            new, self.saved = run.cell.fused_forward(xp_t, inner, state)
            if run.records:  # only a backward pass reads them
                if run.hd is None:
                    run.hd = np.empty(xp.shape[:2] + (u,), dtype=xp.dtype)
                run.hd[:, run.time_index[self.t]] = hd
        else:
            with no_grad():
                new = self._compose(*map(Tensor._make, (xp_t, state, kernel)), bias).data
        mask = run.step_mask(self.t)
        return new if mask is None else np.where(mask, new, state)

    def _compose(self, xp_t, state, kernel, bias):
        """The step in Tensor operations, without the mask."""
        run = self.run
        activation, recurrent_activation = (tanh, sigmoid) if run.fused else (
            run.activation, run.recurrent_activation)
        return run.cell.compose(xp_t, state, kernel, bias, run.rec_mask, activation, recurrent_activation)

    def backward(self, g):
        if isinstance(g, Tensor) or not self.run.fused:
            return self._composed_backward(g)
        run, u, needs = self.run, self.run.units, self.needs_input_grad
        _, state, kernel = self.args[:3]
        mask = run.step_mask(self.t)
        g_cell = g if mask is None else np.where(mask, g, 0)
        d_xp, d_inner, d_state = run.cell.fused_backward(g_cell, self.saved, state)
        if needs[1]:
            dh = d_inner @ kernel.T
            if run.rec_mask is not None:
                dh *= run.rec_mask
            if d_state is None:
                d_state = dh
            else:
                d_state[:, :u] += dh
            if mask is not None:
                d_state += np.where(mask, 0, g)
        if needs[0] or needs[2] or (len(needs) > 3 and needs[3]):
            run.store(self.t, d_xp, d_inner)
        d_state = d_state if needs[1] else None
        if self.t == 0:
            d_xp_all, d_kernel, d_bias = run.collect(needs)
            return d_xp_all, d_state, d_kernel, d_bias
        return None, d_state, None, None

    def _composed_backward(self, g):
        """Differentiate the composed step: under create_graph on the graph's own tensors (so
        higher derivatives follow), else on leaves made from this step's arrays."""
        needs, run = self.needs_input_grad, self.run
        create_graph = isinstance(g, Tensor)
        xp, state, kernel, *bias = self.args
        if not create_graph:  # leaves: xp_t's gradient goes to the run's buffer
            xp = xp[:, run.time_index[self.t]]
            xp, state, kernel, *bias = (Tensor._make(a, requires_grad=n)
                                        for a, n in zip([xp, state, kernel, *bias], needs))
        with enable_grad():
            xp_t = xp[:, run.time_index[self.t]] if create_graph else xp
            new = self._compose(xp_t, state, kernel, bias[0] if bias else None)
            mask = run.step_mask(self.t)
            if mask is not None:
                new = where(mask, new, state)
        wanted = [op for op, n in zip([xp, state, kernel, *bias], needs) if n]
        found = iter(grad(new, wanted, g, create_graph=create_graph, allow_unused=True))
        grads = [next(found) if n else None for n in needs]
        if create_graph:
            return tuple(grads)
        grads = [None if gr is None else gr.data for gr in grads]
        if grads[0] is not None:
            run.store(self.t, grads[0], None)
        grads[0] = run.collect((needs[0], False, False))[0] if self.t == 0 else None
        return tuple(grads)


def recurrence(cell: Cell, x: Tensor | ArrayLike, kernel: Tensor | ArrayLike, recurrent_kernel: Tensor,
               bias: Tensor | ArrayLike | None = None, recurrent_bias: Tensor | None = None,
               initial_state: Tensor | None = None, mask: Tensor | ArrayLike | None = None,
               go_backwards: bool = False, recurrent_mask: np.ndarray | None = None,
               activation: Callable[[Tensor], Tensor] = tanh,
               recurrent_activation: Callable[[Tensor], Tensor] = sigmoid) -> list[Tensor]:
    """Run `cell` along the time axis of x: one graph node per step.

    Parameters
    ----------
    cell : Cell
        `SimpleRNNCell`, `LSTMCell` or `GRUCell` (cells.py), with `gates` gate blocks and
        `state_factor` state arrays.
    x : Tensor or array_like, shape (batch, time, features)
    kernel : Tensor or array_like, shape (features, gates*units)
    recurrent_kernel : Tensor, shape (units, gates*units)
    bias : Tensor or array_like, shape (gates*units,), optional
        Added to the input projection x @ kernel.
    recurrent_bias : Tensor, shape (gates*units,), optional
        Added to h_prev @ recurrent_kernel (the GRU with reset_after).
    initial_state : Tensor, shape (batch, state_factor*units), optional
        Zeros if None.
    mask : Tensor or array_like of bool (or 0/1), shape (batch, time), optional
        False where a step is skipped: that sample keeps its state.
    go_backwards : bool
        Process the steps from the last to the first.
    recurrent_mask : ndarray, shape (batch, units), optional
        Multipliers of h_prev before the recurrent matmul (recurrent dropout).
    activation, recurrent_activation : callable on Tensors
        The cell's activation and gate activation; this package's `tanh` and `sigmoid` run fused.

    Returns
    -------
    list of Tensor, each shape (batch, state_factor*units)
        The state after each step, in the order processed (reversed time with go_backwards).
    """
    x = as_tensor(x)
    batch, steps = x.shape[:2]
    units = recurrent_kernel.shape[0]
    xp = affine(x, kernel, bias)
    if initial_state is None:
        initial_state = Tensor._make(np.zeros((batch, cell.state_factor * units), dtype=xp.dtype))
    time_index = list(range(steps))[::-1] if go_backwards else list(range(steps))
    mask = None if mask is None else boolean_mask(mask, "recurrence", "True = a step to take")
    operands = (recurrent_kernel,) if recurrent_bias is None else (recurrent_kernel, recurrent_bias)
    records = is_grad_enabled() and any(
        isinstance(a, Tensor) and a.requires_grad for a in (xp, initial_state, *operands))
    run = _Run(cell, xp.shape, units, time_index, mask, recurrent_mask, activation, recurrent_activation,
               records)
    state, states = initial_state, []
    for t in range(steps):
        state = _RecurrentStep(run, t)(xp, state, *operands)
        states.append(state)
    return states
