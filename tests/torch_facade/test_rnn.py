"""gradwork.torch's nn.RNN / LSTM / GRU and their cells against PyTorch's, with the same weights.

Each comparison loads a real PyTorch module's state dict (as NumPy) into the facade module, runs
both on the same input and initial states, backpropagates one random weighting of every output,
and compares outputs, final states and the gradients of the input, the initial states and every
parameter, by PyTorch's parameter names (float32, and float64 for one configuration of each).
The facade's own initialization goes the other way (its state dict loaded into PyTorch). Then
PyTorch's defaults (initial bounds, repr, state-dict keys), dropout between layers, and the errors.
"""
import warnings

import numpy as np
import pytest

import gradwork.torch as gtorch

from .oracle import assert_close, assert_same_run, load_into_torch, tolerance, twins

from torch_oracle import torch  # noqa: E402

T, B, F, H = 4, 3, 5, 6  # time steps, batch, input features, hidden units
# A step sums F + H products per gate; over T steps and two layers the rounding of about
# 2 T (F + H) terms reaches an output or a gradient.
TERMS = 2 * T * (F + H)
RTOL = tolerance(np.float32, TERMS)
MODULES = [("RNN", {}), ("RNN", {"nonlinearity": "relu"}), ("LSTM", {}), ("GRU", {})]
CONFIGS = [{}, {"batch_first": True, "num_layers": 2, "bidirectional": True}, {"bias": False, "num_layers": 2}]


def _inputs(name, kwargs, dtype="float32", batched=True, seed=1):
    """(input, hx) arrays: hx a tuple (h_0, c_0) for the LSTM."""
    rng = np.random.default_rng(seed)
    directions = 2 if kwargs.get("bidirectional") else 1
    states = (kwargs.get("num_layers", 1) * directions,) + ((B,) if batched else ()) + (H,)
    shape = ((B, T) if kwargs.get("batch_first") else (T, B)) if batched else (T,)
    x = rng.standard_normal(shape + (F,)).astype(dtype)
    hx = [rng.standard_normal(states).astype(dtype) for _ in range(2 if name == "LSTM" else 1)]
    return x, tuple(hx) if name == "LSTM" else hx[0]


@pytest.mark.parametrize("name, module_kwargs", MODULES)
@pytest.mark.parametrize("config", CONFIGS, ids=["default", "batch_first-2layers-bidirectional", "no_bias"])
def test_layers_match_pytorch(name, module_kwargs, config):
    ours, theirs = twins(name, F, H, dtype=np.float32, **module_kwargs, **config)
    assert_same_run(ours, theirs, _inputs(name, config), RTOL)


@pytest.mark.parametrize("name, module_kwargs", MODULES)
def test_layers_match_pytorch_in_float64_without_initial_state(name, module_kwargs):
    config = {"num_layers": 2, "bidirectional": True}
    ours, theirs = twins(name, F, H, dtype=np.float64, **module_kwargs, **config)
    assert_same_run(ours, theirs, (_inputs(name, config, "float64")[0],), tolerance(np.float64))


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_unbatched_input_matches_pytorch(name, batch_first):
    config = {"batch_first": batch_first, "num_layers": 2}
    ours, theirs = twins(name, F, H, dtype=np.float32, **config)
    x, hx = _inputs(name, config, batched=False)
    assert_same_run(ours, theirs, (x, hx), RTOL)
    output, _ = ours(gtorch.tensor(x))
    assert tuple(output.shape) == (T, H)


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_the_facades_initial_weights_load_into_pytorch(name):
    ours = getattr(gtorch.nn, name)(F, H, num_layers=2, bidirectional=True)
    theirs = getattr(torch.nn, name)(F, H, num_layers=2, bidirectional=True)
    load_into_torch(theirs, ours)
    x = np.random.default_rng(2).standard_normal((T, B, F)).astype("float32")
    assert_close(ours(gtorch.tensor(x))[0], theirs(torch.tensor(x))[0], RTOL)


@pytest.mark.parametrize("name, module_kwargs", [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}),
                                                 ("LSTMCell", {}), ("GRUCell", {}), ("GRUCell", {"bias": False})])
@pytest.mark.parametrize("batched", [True, False])
def test_cells_match_pytorch(name, module_kwargs, batched):
    ours, theirs = twins(name, F, H, dtype=np.float32, **module_kwargs)
    rng = np.random.default_rng(3)
    batch = (B,) if batched else ()
    x = rng.standard_normal(batch + (F,)).astype("float32")
    hx = tuple(rng.standard_normal(batch + (H,)).astype("float32") for _ in range(2 if name == "LSTMCell" else 1))
    rtol = tolerance(np.float32, F + H)
    assert_same_run(ours, theirs, (x, hx if name == "LSTMCell" else hx[0]), rtol)
    assert_same_run(ours, theirs, (x,), rtol)  # hx None: zeros


def test_parameter_names_shapes_and_defaults_are_pytorchs():
    gtorch.manual_seed(0)
    for name, kwargs in [("LSTM", {"num_layers": 2, "bidirectional": True}), ("GRU", {"bias": False}),
                         ("RNN", {"nonlinearity": "relu"}), ("LSTMCell", {}), ("GRUCell", {"bias": False})]:
        ours, theirs = getattr(gtorch.nn, name)(F, 16, **kwargs), getattr(torch.nn, name)(F, 16, **kwargs)
        assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
               [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
        assert repr(ours) == repr(theirs)
        values = np.concatenate([p.detach().numpy().ravel() for p in ours.parameters()])
        assert np.abs(values).max() <= 0.25 and np.abs(values).max() > 0.24  # U(-1/sqrt(16), 1/sqrt(16))
        assert abs(values.mean()) < 0.02 and all(p.requires_grad for p in ours.parameters())
    lstm = gtorch.nn.LSTM(F, H, num_layers=2)
    assert [len(ws) for ws in lstm.all_weights] == [4, 4] and lstm.all_weights[1][0] is lstm.weight_ih_l1


def test_dropout_is_between_layers_and_only_in_training():
    gtorch.manual_seed(0)
    x = gtorch.randn(T, B, F)
    stacked = gtorch.nn.GRU(F, H, num_layers=2, dropout=0.5)
    trained = stacked(x)[0]
    assert not np.allclose(trained.detach().numpy(), stacked(x)[0].detach().numpy())  # a new mask per call
    stacked.eval()
    np.testing.assert_array_equal(stacked(x)[0].detach().numpy(), stacked(x)[0].detach().numpy())
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        single = gtorch.nn.LSTM(F, H, dropout=0.5)
    np.testing.assert_array_equal(single(x)[0].detach().numpy(), single.eval()(x)[0].detach().numpy())


def test_float64_modules_and_flatten_parameters():
    lstm = gtorch.nn.LSTM(F, H, dtype=gtorch.float64)
    lstm.flatten_parameters()
    output, (h, c) = lstm(gtorch.randn(T, B, F, dtype=gtorch.float64))
    assert output.dtype == h.dtype == c.dtype == np.float64


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_wrong_sizes_name_the_module_and_both_sizes(name):
    module = getattr(gtorch.nn, name)(F, H, num_layers=2)
    with pytest.raises(RuntimeError, match=rf"{name}: input.size\(-1\) must be equal to input_size. Expected 5, got 7"):
        module(gtorch.randn(T, B, 7))
    with pytest.raises(ValueError, match=rf"{name}: Expected input to be 2D or 3D, got 4D"):
        module(gtorch.randn(T, B, F, 1))
    wrong = gtorch.zeros(1, B, H)
    hx = (wrong, gtorch.zeros(2, B, H)) if name == "LSTM" else wrong
    which = r"hidden\[0\]" if name == "LSTM" else "hidden"
    with pytest.raises(RuntimeError, match=rf"{name}: Expected {which} size \(2, 3, 6\), got \[1, 3, 6\]"):
        module(gtorch.randn(T, B, F), hx)
    with pytest.raises(ValueError, match="does not match weight dtype"):
        module(gtorch.randn(T, B, F, dtype=gtorch.float64))


def test_cell_errors_name_the_cell():
    with pytest.raises(RuntimeError, match="LSTMCell: input has inconsistent input_size: got 7, expected 5"):
        gtorch.nn.LSTMCell(F, H)(gtorch.randn(B, 7))
    with pytest.raises(RuntimeError, match=r"GRUCell: hx\[0\] must have size \(3, 6\)"):
        gtorch.nn.GRUCell(F, H)(gtorch.randn(B, F), gtorch.randn(2, H))
    with pytest.raises(ValueError, match="RNNCell: Expected input to be 1D or 2D, got 3D"):
        gtorch.nn.RNNCell(F, H)(gtorch.randn(1, B, F))


def test_constructor_errors():
    with pytest.raises(NotImplementedError, match="proj_size=2"):
        gtorch.nn.LSTM(F, H, proj_size=2)
    with pytest.raises(ValueError, match="Unknown nonlinearity 'sigmoid'"):
        gtorch.nn.RNN(F, H, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="dropout should be a number in range"):
        gtorch.nn.GRU(F, H, dropout=1.5)
    with pytest.raises(TypeError, match="hidden_size should be of type int"):
        gtorch.nn.GRU(F, 2.5)
    with pytest.raises(ValueError, match="num_layers must be greater than zero"):
        gtorch.nn.RNN(F, H, num_layers=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gtorch.nn.RNN(F, H, num_layers=2, dropout=0.5)  # no warning with more than one layer
