"""RNN and the cell layers (SimpleRNNCell, LSTMCell, GRUCell, StackedRNNCells): the kernels they share.

The generic harness of layer_harness runs RNN over each built-in cell (the fused path), over a
stack of cells and over a Python cell (the step-by-step path): lazy build with the weights under
"cell.", JSON config round trip, one training step, float64 gradchecks. Then: RNN(cell) against
SimpleRNN / LSTM / GRU with the same weights, forward and every gradient, under return_sequences,
return_state, go_backwards, masks and initial states, on both paths (a one-cell stack runs the
cell step by step); one step of each cell against PyTorch's nn.RNNCell / LSTMCell / GRUCell in
float64 (Keras's (in, gates*units) kernels are torch's weights transposed; GRU gates z, r, h are
torch's r, z, n reordered, bias[0] its bias_ih and bias[1] its bias_hh); second derivatives
through both paths; and dropout's one mask per sequence.
"""
import numpy as np
import pytest
from conv_oracles import F64, assert_close
from layer_harness import LayerCase, LayerHarness

import gradwork as gw
from gradwork import nn

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone


@gw.saving.register_serializable("rnn_cell_tests")
class MinimalRNNCell(nn.Layer):
    """Keras's documented example of a user cell: output = x W + h_prev U, one state."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", (input_shape[-1], self.units))
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, self.units), "orthogonal")

    def call(self, inputs, states):
        output = inputs @ self.kernel + gw.tanh(states[0]) @ self.recurrent_kernel
        return output, [output]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def _cell_weights(prefix, features, units, gates, bias_shape):
    width = gates * units
    return {f"{prefix}kernel": (features, width), f"{prefix}recurrent_kernel": (units, width),
            f"{prefix}bias": bias_shape}


W = ("kernel", "recurrent_kernel", "bias")
STACK = {**_cell_weights("cell.cells.0.", 3, 4, 4, (16,)), **_cell_weights("cell.cells.1.", 4, 3, 3, (2, 9))}
CASES = [
    LayerCase("simple_rnn_cell", lambda dt: nn.RNN(nn.SimpleRNNCell(4, dtype=dt), dtype=dt), (2, 3, 3),
              _cell_weights("cell.", 3, 4, 1, (4,)), (2, 4), tuple(f"cell.{w}" for w in W)),
    LayerCase("lstm_cell_sequences_dropout",
              lambda dt: nn.RNN(nn.LSTMCell(3, dropout=0.3, recurrent_dropout=0.4, dtype=dt),
                                return_sequences=True, dtype=dt),
              (2, 3, 4), _cell_weights("cell.", 4, 3, 4, (12,)), (2, 3, 3), tuple(f"cell.{w}" for w in W),
              stochastic=True),
    LayerCase("gru_cell_reset_before_backwards_relu",
              lambda dt: nn.RNN(nn.GRUCell(3, activation="relu", reset_after=False, dtype=dt),
                                go_backwards=True, return_sequences=True, dtype=dt),
              (2, 3, 2), _cell_weights("cell.", 2, 3, 3, (9,)), (2, 3, 3), tuple(f"cell.{w}" for w in W),
              kinks=(0.0,)),
    LayerCase("stacked_lstm_gru_dropout",
              lambda dt: nn.RNN([nn.LSTMCell(4, dropout=0.2, dtype=dt), nn.GRUCell(3, recurrent_dropout=0.3,
                                                                                  dtype=dt)],
                                return_sequences=True, dtype=dt),
              (2, 3, 3), STACK, (2, 3, 3), tuple(STACK), stochastic=True),
    LayerCase("minimal_python_cell_backwards",
              lambda dt: nn.RNN(MinimalRNNCell(3, dtype=dt), go_backwards=True, dtype=dt), (2, 4, 2),
              {"cell.kernel": (2, 3), "cell.recurrent_kernel": (3, 3)}, (2, 3),
              ("cell.kernel", "cell.recurrent_kernel")),
]


class TestRNNLayers(LayerHarness):
    CASES = CASES


# ----- RNN(cell) is the recurrent layer ------------------------------------------------------
PAIRS = {"SimpleRNN": (nn.SimpleRNN, nn.SimpleRNNCell, 1), "LSTM": (nn.LSTM, nn.LSTMCell, 2),
         "GRU": (nn.GRU, nn.GRUCell, 1)}
OPTIONS = {
    "last": {},
    "sequences_states": dict(return_sequences=True, return_state=True),
    "backwards_sequences": dict(go_backwards=True, return_sequences=True),
    "masked_zero_output": dict(return_sequences=True, zero_output_for_mask=True),
}


def _with_weights(layer, x, weights):
    layer(x[:1])
    layer.set_weights(weights)
    return layer


def _run_with_grads(layer, x, states, mask, v_seed=3):
    """(outputs, gradients w.r.t. x, the initial states and every weight) for a random cotangent."""
    xg = gw.tensor(x, requires_grad=True)
    sg = [gw.tensor(s, requires_grad=True) for s in states]
    out = layer(xg, initial_state=sg or None, mask=mask, training=True)
    outs = out if isinstance(out, list) else [out]
    rng = np.random.default_rng(v_seed)
    total = sum((o * gw.tensor(rng.standard_normal(o.shape))).sum() for o in outs)
    total.backward()
    grads = [xg.grad.data] + [s.grad.data for s in sg] + [p.grad.data for p in layer.weights]
    return [o.data for o in outs], grads


@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("kind", PAIRS)
@pytest.mark.parametrize("path", ["fused", "step_by_step"])
def test_rnn_over_a_cell_equals_the_recurrent_layer(kind, option, path):
    layer_cls, cell_cls, n_states = PAIRS[kind]
    kwargs, rng = OPTIONS[option], np.random.default_rng(4)
    batch, steps, features, units = 3, 5, 4, 3
    x = rng.standard_normal((batch, steps, features))
    states = [rng.standard_normal((batch, units)) for _ in range(n_states)]
    mask = rng.random((batch, steps)) > 0.3 if "masked" in option else None
    reference = layer_cls(units, dtype="float64", **kwargs)
    reference(x[:1])
    for p in reference.weights:
        p.data[...] = rng.standard_normal(p.shape) * 0.5
    cell = cell_cls(units, dtype="float64")
    rnn = nn.RNN(cell if path == "fused" else [cell], dtype="float64", **kwargs)
    _with_weights(rnn, x, reference.get_weights())
    assert rnn._fused == (path == "fused")
    ours, our_grads = _run_with_grads(rnn, x, states, mask)
    theirs, their_grads = _run_with_grads(reference, x, states, mask)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert_close(a, b, F64, f"{kind} {option} {path}: outputs")
    for a, b in zip(our_grads, their_grads):
        assert_close(a, b, F64, f"{kind} {option} {path}: gradients")


def test_a_stack_of_cells_equals_the_layers_chained():
    rng = np.random.default_rng(5)
    x, mask = rng.standard_normal((3, 6, 4)), rng.random((3, 6)) > 0.3
    h0, c0, g0 = (rng.standard_normal((3, n)) for n in (5, 5, 2))
    stacked = nn.RNN([nn.LSTMCell(5, dtype="float64"), nn.GRUCell(2, dtype="float64")], return_sequences=True,
                     return_state=True, dtype="float64")
    stacked(x)
    for p in stacked.weights:
        p.data[...] = rng.standard_normal(p.shape) * 0.5
    first = _with_weights(nn.LSTM(5, return_sequences=True, return_state=True, dtype="float64"), x,
                          stacked.get_weights()[:3])
    second = _with_weights(nn.GRU(2, return_sequences=True, return_state=True, dtype="float64"),
                           np.zeros((1, 6, 5)), stacked.get_weights()[3:])
    out, h, c, g = stacked(x, initial_state=[h0, c0, g0], mask=mask)
    seq, h_ref, c_ref = first(x, initial_state=[h0, c0], mask=mask)
    out_ref, g_ref = second(seq, initial_state=[g0], mask=mask)
    for a, b in [(out, out_ref), (h, h_ref), (c, c_ref), (g, g_ref)]:
        assert_close(a.data, b.data, F64, "stacked against chained")
    assert stacked.compute_mask(x, mask)[0] is mask and stacked.compute_mask(x, mask)[1:] == [None] * 3


# ----- one step against PyTorch --------------------------------------------------------------
def _torch_cell(cell):
    """PyTorch's twin of a built cell, with its weights; returns (module, [(param, torch grad -> ours)])."""
    units, kind = cell.units, type(cell).__name__
    order = np.r_[units:2 * units, 0:units, 2 * units:3 * units] if kind == "GRUCell" else slice(None)
    inverse = np.argsort(order) if kind == "GRUCell" else slice(None)
    features = cell.kernel.shape[0]
    module = {"SimpleRNNCell": torch.nn.RNNCell, "LSTMCell": torch.nn.LSTMCell,
              "GRUCell": torch.nn.GRUCell}[kind](features, units, dtype=torch.float64)
    bias = cell.bias.data
    b_ih, b_hh = (bias[0], bias[1]) if bias.ndim == 2 else (bias, np.zeros_like(bias))
    with torch.no_grad():
        module.weight_ih.copy_(torch.tensor(cell.kernel.data.T[order]))
        module.weight_hh.copy_(torch.tensor(cell.recurrent_kernel.data.T[order]))
        module.bias_ih.copy_(torch.tensor(b_ih[order]))
        module.bias_hh.copy_(torch.tensor(b_hh[order]))
    pairs = [(cell.kernel, lambda: module.weight_ih.grad.numpy().T[:, inverse]),
             (cell.recurrent_kernel, lambda: module.weight_hh.grad.numpy().T[:, inverse])]
    if bias.ndim == 2:
        pairs.append((cell.bias, lambda: np.stack([module.bias_ih.grad.numpy()[inverse],
                                                   module.bias_hh.grad.numpy()[inverse]])))
    else:
        pairs.append((cell.bias, lambda: module.bias_ih.grad.numpy()[inverse]))
    return module, pairs


@pytest.mark.parametrize("cell_cls", [nn.SimpleRNNCell, nn.LSTMCell, nn.GRUCell], ids=lambda c: c.__name__)
def test_one_cell_step_matches_torch_cells_in_float64(cell_cls):
    rng = np.random.default_rng(6)
    cell = cell_cls(4, dtype="float64")
    n_states = len(cell.get_initial_state(1))
    x, states = rng.standard_normal((3, 5)), [rng.standard_normal((3, 4)) for _ in range(n_states)]
    cell(x, [np.zeros((3, 4))] * n_states)
    for p in cell.weights:
        p.data[...] = rng.standard_normal(p.shape) * 0.6
    module, pairs = _torch_cell(cell)
    xg, sg = gw.tensor(x, requires_grad=True), [gw.tensor(s, requires_grad=True) for s in states]
    output, new_states = cell(xg, sg)
    xt, st = torch.tensor(x, requires_grad=True), [torch.tensor(s, requires_grad=True) for s in states]
    result = module(xt, tuple(st) if n_states == 2 else st[0])
    theirs = list(result) if n_states == 2 else [result]
    assert output is new_states[0] and len(new_states) == n_states
    vs = [rng.standard_normal((3, 4)) for _ in theirs]
    sum((s * gw.tensor(v)).sum() for s, v in zip(new_states, vs)).backward()
    sum((t * torch.tensor(v)).sum() for t, v in zip(theirs, vs)).backward()
    for mine, ref in zip(new_states, theirs):
        assert_close(mine.data, ref.detach().numpy(), F64, f"{cell.name}: new state")
    for mine, ref in zip([xg, *sg], [xt, *st]):
        assert_close(mine.grad.data, ref.grad.numpy(), F64, f"{cell.name}: input/state gradient")
    for param, torch_grad in pairs:
        assert_close(param.grad.data, torch_grad(), F64, f"{cell.name}: gradient of {param.name}")


def test_a_single_state_cell_takes_and_returns_a_bare_state_too():
    cell = nn.GRUCell(3)
    output, h = cell(np.ones((2, 4)), np.zeros((2, 3)))
    assert isinstance(h, gw.Tensor) and h is output


# ----- derivatives and dropout ---------------------------------------------------------------
@pytest.mark.parametrize("make", [lambda: nn.LSTMCell(2, dtype="float64"),
                                  lambda: [nn.GRUCell(2, dtype="float64")],
                                  lambda: MinimalRNNCell(2, dtype="float64")],
                         ids=["fused", "stacked", "python_cell"])
def test_second_derivatives_through_the_rnn(make):
    rnn = nn.RNN(make(), return_sequences=True, dtype="float64")
    rng = np.random.default_rng(7)
    x = gw.tensor(rng.standard_normal((2, 3, 2)), requires_grad=True)
    rnn(x)
    for p in rnn.weights:
        p.data[...] = rng.standard_normal(p.shape) * 0.5
    assert gw.gradgradcheck(lambda inp, *w: rnn(inp), (x, *rnn.weights), eps=1e-6, atol=1e-6, rtol=1e-4)


@pytest.mark.parametrize("cell_cls", [nn.SimpleRNNCell, nn.LSTMCell, nn.GRUCell], ids=lambda c: c.__name__)
def test_dropout_draws_one_mask_per_sequence_on_both_paths(cell_cls):
    """The step-by-step loop gives the fused loop's result in training: the same masks, drawn once."""
    x = np.random.default_rng(8).standard_normal((3, 6, 4))
    fused = nn.RNN(cell_cls(5, dropout=0.4, recurrent_dropout=0.3), return_sequences=True)
    steps = nn.RNN([cell_cls(5, dropout=0.4, recurrent_dropout=0.3)], return_sequences=True)
    fused(x[:1])
    _with_weights(steps, x, fused.get_weights())
    gw.random.seed(9)
    a = fused(x, training=True).data
    gw.random.seed(9)
    b = steps(x, training=True).data
    np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    assert not np.allclose(a, fused(x).data)                      # dropout acted
    gw.random.seed(9)
    np.testing.assert_array_equal(fused(x, training=True).data, a)


def test_a_seeded_cell_draws_from_its_own_generator():
    x = np.ones((2, 3, 4))
    outputs = []
    for global_seed in (1, 2):
        rnn = nn.RNN(nn.SimpleRNNCell(3, dropout=0.5, seed=7, kernel_initializer="ones",
                                            recurrent_initializer="zeros"))
        gw.random.seed(global_seed)
        outputs.append(rnn(x, training=True).data)
    np.testing.assert_array_equal(outputs[0], outputs[1])


_FIXED = dict(dropout=0.5, recurrent_dropout=0.5, seed=7, kernel_initializer="ones", recurrent_initializer="ones")


@pytest.mark.parametrize("make", [
    lambda: nn.RNN(nn.LSTMCell(3, **_FIXED)),
    lambda: nn.LSTM(3, **_FIXED),                                        # Keras's seed argument
    lambda: nn.GRU(3, **_FIXED),
], ids=["LSTMCell", "LSTM", "GRU"])
def test_a_seeded_recurrent_layer_draws_from_its_own_generator_whose_state_backup_restores(make):
    x = np.ones((2, 3, 4))
    first, second = make(), make()
    gw.random.seed(1)
    a = first(x, training=True).data
    gw.random.seed(2)
    np.testing.assert_array_equal(second(x, training=True).data, a)   # the seed, not gradwork's generator
    owner = first.cell if isinstance(first, nn.RNN) else first
    assert owner.get_config()["seed"] == 7
    state = owner.get_random_state()                                 # what BackupAndRestore saves
    b = first(x, training=True).data
    assert not np.array_equal(a, b)
    owner.set_random_state(state)
    np.testing.assert_array_equal(first(x, training=True).data, b)
