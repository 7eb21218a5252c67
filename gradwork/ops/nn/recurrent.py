"""Recurrence kernels: one recurrence of a SimpleRNN, LSTM or GRU cell, and the cells' step math.

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

States are one array per step: h (batch, units), or for the LSTM [h, c] side by side (batch, 2 units).
"""
import abc
import functools

import numpy as np

from ...autograd.engine import grad
from ...autograd.function import Function
from ...autograd.grad_mode import enable_grad, is_grad_enabled, no_grad
from ...tensor import Tensor, as_tensor
from ..elementwise import where
from ..shape_ops import concatenate
from .activations import sigmoid, tanh
from .linear import affine
from .masking import boolean_mask


# ----- cells --------------------------------------------------------------------------------------
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
    """The math of one recurrent cell type.

    `compose` is the step in ordinary Tensor operations (any activations); `fused_forward` and
    `fused_backward` are the same step for tanh/sigmoid on arrays. Shapes: xp_t (batch, gates*units)
    the projected input of one step, state (batch, state_factor*units), kernel (units, gates*units),
    inner = (h_prev * recurrent dropout) @ recurrent_kernel (+ recurrent bias), (batch, gates*units).
    """

    gates = 1
    state_factor = 1
    fused = True  # has the array fast path
    uses_recurrent_activation = True

    @abc.abstractmethod
    def compose(self, xp_t, state, kernel, bias, rec_mask, activation, recurrent_activation):
        """The new state from one step's projected input and the previous state (Tensors)."""

    @abc.abstractmethod
    def fused_forward(self, xp_t, inner, state):
        """(new state, saved arrays for backward); may overwrite `inner`."""

    @abc.abstractmethod
    def fused_backward(self, g, saved, state):
        """(d xp_t, d inner, d state through the gates or None) from the new state's gradient g."""


def _inner(state_h, kernel, bias, rec_mask):
    hd = state_h if rec_mask is None else state_h * rec_mask
    inner = hd @ kernel
    return inner if bias is None else inner + bias


class SimpleRNNCell(Cell):
    """h = activation(x W + b + h_prev U)."""

    uses_recurrent_activation = False

    def compose(self, xp_t, state, kernel, bias, rec_mask, activation, recurrent_activation):
        return activation(xp_t + _inner(state, kernel, bias, rec_mask))

    def fused_forward(self, xp_t, inner, state):
        inner += xp_t
        h = np.tanh(inner, out=inner)
        return h, h

    def fused_backward(self, g, h, state):
        d = h * h
        np.subtract(1, d, out=d)
        d *= g
        return d, d, None


class LSTMCell(Cell):
    """Gates in Keras's order i, f, c, o: c = f c_prev + i tanh(z_c), h = o tanh(c); state [h, c]."""

    gates, state_factor = 4, 2

    def compose(self, xp_t, state, kernel, bias, rec_mask, activation, recurrent_activation):
        u = kernel.shape[0]
        z = xp_t + _inner(state[:, :u], kernel, bias, rec_mask)
        i, f = recurrent_activation(z[:, :u]), recurrent_activation(z[:, u : 2 * u])
        g, o = activation(z[:, 2 * u : 3 * u]), recurrent_activation(z[:, 3 * u :])
        c = f * state[:, u:] + i * g
        return concatenate([o * activation(c), c], axis=1)

    def fused_forward(self, xp_t, inner, state):
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

    def fused_backward(self, grad_state, saved, state):
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
    """

    gates = 3

    def __init__(self, reset_after=True):
        self.reset_after = reset_after
        self.fused = reset_after

    def compose(self, xp_t, state, kernel, bias, rec_mask, activation, recurrent_activation):
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

    def fused_forward(self, xp_t, inner, state):
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

    def fused_backward(self, g, saved, state):
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


# ----- the recurrence -----------------------------------------------------------------------------
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


def recurrence(cell, x, kernel, recurrent_kernel, bias=None, recurrent_bias=None, initial_state=None,
               mask=None, go_backwards=False, recurrent_mask=None, activation=tanh,
               recurrent_activation=sigmoid):
    """Run `cell` along the time axis of x; returns the list of states after each step, in the
    order processed (reversed time with go_backwards).

    x: (batch, time, features); kernel: (features, gates*units); recurrent_kernel: (units, gates*units);
    bias: (gates*units,) added to the input projection; recurrent_bias: (gates*units,) added to
    h_prev @ recurrent_kernel (GRU with reset_after); initial_state: (batch, state_factor*units),
    zeros if None; mask: (batch, time) booleans, False where a step is skipped (the state is kept);
    recurrent_mask: (batch, units) multipliers of h_prev before the recurrent matmul (recurrent dropout);
    activation, recurrent_activation: callables on Tensors (this module's `tanh` and `sigmoid` run fused).
    Each state is (batch, state_factor*units).
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
