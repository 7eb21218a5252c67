"""RNN and the cell layers in models: masks from Embedding and Masking, configs of nested cells, saving,
a Python cell that learns, a cell's own initial state, and the errors (raised before anything changes)."""
import json

import numpy as np
import pytest
from test_rnn_cells import MinimalRNNCell

import gradwork as gw
from gradwork import nn


def test_embedding_mask_zero_gives_rnn_of_a_cell_the_recurrent_layers_results():
    ids = np.array([[3, 5, 2, 0, 0], [4, 4, 1, 6, 2], [0, 0, 7, 1, 3]])
    gw.random.seed(1)
    ours = gw.Sequential([nn.Input(shape=(5,)), nn.Embedding(8, 4, mask_zero=True),
                          nn.RNN(nn.LSTMCell(3), return_sequences=True), nn.RNN(nn.GRUCell(2)), nn.Dense(2)])
    theirs = gw.Sequential([nn.Input(shape=(5,)), nn.Embedding(8, 4, mask_zero=True),
                            nn.LSTM(3, return_sequences=True), nn.GRU(2), nn.Dense(2)])
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(ours.predict(ids, verbose=0), theirs.predict(ids, verbose=0), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("make", [lambda: MinimalRNNCell(3), lambda: [nn.SimpleRNNCell(3), nn.LSTMCell(2)]],
                         ids=["python_cell", "stacked"])
def test_a_masked_padding_ends_in_the_state_of_the_unpadded_sequence(make):
    x = np.random.default_rng(2).standard_normal((2, 4, 3)).astype(np.float32)
    padded = np.concatenate([x, np.zeros((2, 2, 3), np.float32)], axis=1)
    rnn = nn.RNN(make(), return_state=True)
    mask = nn.Masking(0.0).compute_mask(gw.tensor(padded))
    full = rnn(padded, mask=mask)
    short = rnn(x)
    for a, b in zip(full, short):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-6, atol=1e-7)
    sequences = nn.RNN(make(), return_sequences=True, zero_output_for_mask=True)
    out = sequences(padded, mask=mask).data
    np.testing.assert_array_equal(out[:, 4:], 0)
    repeated = nn.RNN(sequences.cell, return_sequences=True)(padded, mask=mask).data
    np.testing.assert_array_equal(repeated[:, 4:], repeated[:, 3:4].repeat(2, axis=1))


def test_nested_cell_configs_round_trip_to_identical_outputs():
    cells = [nn.LSTMCell(4, unit_forget_bias=False, kernel_regularizer=gw.regularizers.L2(0.1),
                         recurrent_activation="hard_sigmoid"),
             nn.GRUCell(3, reset_after=False, dropout=0.1, seed=4), MinimalRNNCell(2)]
    rnn = nn.RNN(cells, return_sequences=True, go_backwards=True, unroll=True, zero_output_for_mask=True)
    x = np.random.default_rng(3).standard_normal((2, 5, 3)).astype(np.float32)
    rnn(x)
    config = json.loads(json.dumps(rnn.get_config()))
    clone = nn.RNN.from_config(config)
    assert clone.get_config() == config and clone.unroll
    assert [type(c).__name__ for c in clone.cell.cells] == ["LSTMCell", "GRUCell", "MinimalRNNCell"]
    clone(x)
    clone.set_weights(rnn.get_weights())
    np.testing.assert_array_equal(clone(x).data, rnn(x).data)
    for cell in cells[:2]:
        assert type(cell).from_config(cell.get_config()).get_config() == cell.get_config()


def test_a_model_of_cells_saves_loads_and_predicts_identically(tmp_path):
    gw.random.seed(5)
    model = gw.Sequential([nn.Input(shape=(6,)), nn.Embedding(20, 4, mask_zero=True),
                           nn.RNN(nn.LSTMCell(5), return_sequences=True),
                           nn.RNN([nn.GRUCell(3), MinimalRNNCell(2)]), nn.Dense(2)])
    model.compile("adam", gw.losses.SparseCategoricalCrossentropy(from_logits=True))
    ids = np.random.default_rng(6).integers(0, 20, (8, 6))
    model.fit(ids, np.arange(8) % 2, epochs=1, verbose=0)
    model.save(tmp_path / "cells.gw")
    clone = gw.load_model(tmp_path / "cells.gw")
    np.testing.assert_array_equal(clone.predict(ids, verbose=0), model.predict(ids, verbose=0))
    assert [path for path, _ in clone.named_parameters()] == [
        "layers.1.embeddings", "layers.2.cell.kernel", "layers.2.cell.recurrent_kernel", "layers.2.cell.bias",
        "layers.3.cell.cells.0.kernel", "layers.3.cell.cells.0.recurrent_kernel", "layers.3.cell.cells.0.bias",
        "layers.3.cell.cells.1.kernel", "layers.3.cell.cells.1.recurrent_kernel", "layers.4.kernel", "layers.4.bias"]


def test_a_python_cell_learns_a_running_sum():
    rng = np.random.default_rng(7)
    x = rng.uniform(-1, 1, (256, 5, 1)).astype(np.float32)
    y = x.sum(axis=1)
    gw.random.seed(8)
    model = gw.Sequential([nn.Input(shape=(5, 1)), nn.RNN(MinimalRNNCell(8)), nn.Dense(1)])
    model.compile(gw.optimizers.Adam(1e-2), "mse")
    history = model.fit(x, y, batch_size=32, epochs=15, verbose=0)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]


class OnesStartCell(MinimalRNNCell):
    def get_initial_state(self, batch_size=None):
        return [gw.ones((batch_size, self.units))]


def test_the_cells_own_initial_state_is_used_when_none_is_given():
    x = np.random.default_rng(9).standard_normal((2, 4, 3)).astype(np.float32)
    rnn = nn.RNN(OnesStartCell(3))
    np.testing.assert_array_equal(rnn(x).data, rnn(x, initial_state=[np.ones((2, 3))]).data)
    assert not np.allclose(rnn(x).data, rnn(x, initial_state=[np.zeros((2, 3))]).data)
    lstm = nn.LSTMCell(2)
    assert [s.shape for s in lstm.get_initial_state(batch_size=3)] == [(3, 2), (3, 2)]
    assert nn.StackedRNNCells([lstm, nn.GRUCell(1)]).state_size == [[2, 2], 1]


class NoStateSize(nn.Layer):
    def call(self, inputs, states):
        return inputs, states


class WrongStateCount(MinimalRNNCell):
    def call(self, inputs, states):
        output, _ = super().call(inputs, states)
        return output, [output, output]


@pytest.mark.parametrize("make, error, pattern", [
    (lambda: nn.RNN(NoStateSize()), TypeError, "RNN: a cell must be a Layer with a `state_size`"),
    (lambda: nn.RNN(np.tanh), TypeError, "a cell must be a Layer"),
    (lambda: nn.RNN([]), TypeError, "non-empty list of cells"),
    (lambda: nn.RNN([nn.LSTMCell(2), "lstm"]), TypeError, "StackedRNNCells: a cell must be a Layer"),
    (lambda: nn.RNN(nn.GRUCell(2), stateful=True), ValueError, "stateful=True is not supported"),
    (lambda: nn.LSTMCell(0), ValueError, "units"),
    (lambda: nn.GRUCell(2, recurrent_dropout=1.5), ValueError, "recurrent_dropout"),
    (lambda: nn.SimpleRNNCell(2, seed=1.5), TypeError, "seed must be an int"),
])
def test_bad_constructor_arguments(make, error, pattern):
    with pytest.raises(error, match=pattern):
        make()


@pytest.mark.parametrize("make", [lambda: nn.RNN(nn.LSTMCell(2)), lambda: nn.RNN([nn.LSTMCell(2), MinimalRNNCell(2)])],
                         ids=["fused", "stacked"])
@pytest.mark.parametrize("call, pattern", [
    (lambda rnn: rnn(np.zeros((2, 3))), r"expected inputs of shape \(batch, timesteps, features\), got shape \(2, 3\)"),
    (lambda rnn: rnn(np.zeros((2, 3, 4)), initial_state=[np.zeros((2, 2))]),
     r"initial_state must be \d array\(s\) of shapes"),
    (lambda rnn: rnn(np.zeros((2, 3, 4)), mask=np.ones((2, 4), bool)), r"expected a mask of shape \(2, 3\)"),
])
def test_input_errors_come_before_any_change(make, call, pattern):
    rnn = make()
    with pytest.raises(ValueError, match=pattern):
        call(rnn)
    assert not rnn.built and rnn.weights == [] and not rnn.cell.built
    rnn(np.ones((2, 3, 4)))
    before = [w.copy() for w in rnn.get_weights()]
    with pytest.raises(ValueError, match=r"expected inputs of shape \(batch, timesteps, 4\)"):
        rnn(np.ones((2, 3, 5)))
    with pytest.raises(ValueError, match="initial_state"):
        rnn(np.ones((2, 3, 4)), initial_state=[np.zeros((2, 3))])
    for a, b in zip(rnn.get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_cell_call_errors_name_the_cell():
    cell = nn.LSTMCell(2, name="memory")
    with pytest.raises(ValueError, match=r"memory: expected inputs of shape \(batch, features\), one time step"):
        cell(np.zeros((2, 3, 4)), [np.zeros((2, 2))] * 2)
    assert not cell.built
    with pytest.raises(ValueError, match=r"memory: states must be 2 array\(s\) of shape \(2, 2\), got shapes "
                                         r"\[\(2, 2\)\]"):
        cell(np.zeros((2, 4)), [np.zeros((2, 2))])
    with pytest.raises(ValueError, match=r"rnn_with_a_bad_cell: the cell .* returned 2 state\(s\)"):
        nn.RNN(WrongStateCount(2), name="rnn_with_a_bad_cell")(np.zeros((1, 3, 2)))


@pytest.mark.parametrize("make", [lambda: nn.GRUCell(3), lambda: [nn.GRUCell(3)]], ids=["fused", "stacked"])
def test_bidirectional_wraps_rnn_of_a_cell_as_the_recurrent_layer(make):
    rng = np.random.default_rng(10)
    x, mask = rng.standard_normal((2, 5, 4)), rng.random((2, 5)) > 0.3
    ours = nn.Bidirectional(nn.RNN(make(), return_sequences=True, return_state=True))
    theirs = nn.Bidirectional(nn.GRU(3, return_sequences=True, return_state=True))
    ours(x)
    theirs(x)
    theirs.set_weights([rng.standard_normal(w.shape) for w in ours.get_weights()])
    ours.set_weights(theirs.get_weights())
    for a, b in zip(ours(x, mask=mask), theirs(x, mask=mask)):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-5, atol=1e-6)
    assert ours.compute_mask(x, mask)[1:] == [None, None]
    config = json.loads(json.dumps(ours.get_config()))
    assert nn.Bidirectional.from_config(config).get_config() == config
