"""gradwork.torch's basic nn modules and functions against PyTorch: Linear, Bilinear, Identity,
Flatten/Unflatten, the activations, dropout, Embedding, and F's linear, activation, dropout,
embedding, one_hot and normalize.

Each module runs beside PyTorch's with the same weights (exchanged through state dicts both ways),
inputs and output weights; outputs, input gradients and parameter gradients must agree, in
float64 tightly and in float32 within float32 rounding. Defaults are checked too: initial weight
statistics, reprs (equal to PyTorch's), dropout's train/eval behaviour, padding_idx, errors.
"""
import warnings

import numpy as np
import pytest

import gradwork.torch as gtorch
import gradwork.torch.nn.functional as GF
from torch_oracle import torch

from .oracle import FLOAT64_RTOL, assert_close, assert_same_run, load_into_torch, numpy_state, tolerance, twins

gnn = gtorch.nn
RNG = np.random.default_rng(0)


def _points(shape=(3, 10)):
    """Random values with the special points of the activations (0, +-1, 6, 20, ...) among them."""
    x = RNG.standard_normal(shape) * 3
    special = np.array([0.0, 1.0, -1.0, 6.0, -3.0, 20.0, 25.0, 3.0, 1e-3, -1e-3])
    x.reshape(-1)[: special.size] = special[: x.size]
    return x


IMAGES = RNG.standard_normal((2, 3, 4, 5))
IDS = np.array([[0, 3, 2, 3], [1, 0, 0, 4]])

# (id, make(nn) -> module, inputs)
MODULES = [
    ("Linear", lambda nn: nn.Linear(6, 4), [RNG.standard_normal((5, 6))]),
    ("Linear-3d-input-no-bias", lambda nn: nn.Linear(6, 4, bias=False), [RNG.standard_normal((2, 5, 6))]),
    ("Bilinear", lambda nn: nn.Bilinear(3, 4, 2), [RNG.standard_normal((5, 3)), RNG.standard_normal((5, 4))]),
    ("Identity", lambda nn: nn.Identity(3, x=1), [RNG.standard_normal((2, 3))]),
    ("Flatten", lambda nn: nn.Flatten(), [IMAGES]),
    ("Flatten-0-2", lambda nn: nn.Flatten(0, 2), [IMAGES]),
    ("Unflatten", lambda nn: nn.Unflatten(1, (2, 5)), [RNG.standard_normal((3, 10))]),
    ("Unflatten-minus-one", lambda nn: nn.Unflatten(-1, (-1, 2)), [RNG.standard_normal((3, 10))]),
    ("ReLU", lambda nn: nn.ReLU(), [_points()]),
    ("ReLU-inplace", lambda nn: nn.ReLU(inplace=True), [_points()]),
    ("ReLU6", lambda nn: nn.ReLU6(), [_points()]),
    ("LeakyReLU", lambda nn: nn.LeakyReLU(), [_points()]),
    ("LeakyReLU-0.2", lambda nn: nn.LeakyReLU(0.2, inplace=True), [_points()]),
    ("ELU", lambda nn: nn.ELU(), [_points()]),
    ("ELU-0.5", lambda nn: nn.ELU(alpha=0.5), [_points()]),
    ("SELU", lambda nn: nn.SELU(), [_points()]),
    ("CELU", lambda nn: nn.CELU(), [_points()]),
    ("CELU-2", lambda nn: nn.CELU(alpha=2.0), [_points()]),
    ("GELU", lambda nn: nn.GELU(), [_points()]),
    ("GELU-tanh", lambda nn: nn.GELU(approximate="tanh"), [_points()]),
    ("SiLU", lambda nn: nn.SiLU(), [_points()]),
    ("Mish", lambda nn: nn.Mish(), [_points()]),
    ("Sigmoid", lambda nn: nn.Sigmoid(), [_points()]),
    ("Tanh", lambda nn: nn.Tanh(), [_points()]),
    ("Softsign", lambda nn: nn.Softsign(), [_points()]),
    ("Softplus", lambda nn: nn.Softplus(), [_points()]),
    ("Softplus-beta2-threshold5", lambda nn: nn.Softplus(beta=2, threshold=5), [_points()]),
    ("Hardtanh", lambda nn: nn.Hardtanh(), [_points()]),
    ("Hardtanh-3-6", lambda nn: nn.Hardtanh(-3.0, 6.0), [_points()]),
    ("Softmax-dim1", lambda nn: nn.Softmax(dim=1), [_points()]),
    ("Softmax-dim-last-4d", lambda nn: nn.Softmax(dim=-1), [IMAGES]),
    ("LogSoftmax-dim0", lambda nn: nn.LogSoftmax(dim=0), [_points()]),
    ("PReLU", lambda nn: nn.PReLU(), [IMAGES]),
    ("PReLU-per-channel", lambda nn: nn.PReLU(3, init=0.1), [IMAGES]),
    ("Dropout-eval", lambda nn: nn.Dropout(0.5), [_points()]),
    ("Dropout2d-eval", lambda nn: nn.Dropout2d(0.5), [IMAGES]),
    ("Embedding", lambda nn: nn.Embedding(5, 3), [IDS]),
    ("Embedding-padding", lambda nn: nn.Embedding(5, 3, padding_idx=0), [IDS]),
    ("Embedding-padding-negative", lambda nn: nn.Embedding(5, 3, padding_idx=-2), [IDS]),
    ("Sequential-MLP", lambda nn: nn.Sequential(nn.Linear(6, 8), nn.GELU(), nn.Dropout(0.1), nn.Linear(8, 3),
                                                nn.LogSoftmax(dim=1)), [RNG.standard_normal((4, 6))]),
]
_IDS = [case[0] for case in MODULES]
EVAL_ONLY = {"Dropout-eval", "Dropout2d-eval", "Sequential-MLP"}


def _cast(inputs, dtype):
    """The floating arrays of `inputs` in `dtype`; integer ones (ids) as they are."""
    return [a.astype(dtype) if a.dtype.kind == "f" else a for a in inputs]


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name, make, inputs", MODULES, ids=_IDS)
def test_module_matches_pytorch(name, make, inputs, dtype):
    ours, theirs = twins(make, dtype=dtype, training=name not in EVAL_ONLY)
    assert_same_run(ours, theirs, _cast(inputs, dtype), tolerance(dtype, 64))


@pytest.mark.parametrize("name, make, inputs", MODULES, ids=_IDS)
def test_facade_weights_load_into_pytorch(name, make, inputs):
    facade, reference = make(gnn).double().eval(), make(torch.nn).double().eval()
    load_into_torch(reference, facade)
    arrays = _cast(inputs, np.float64)
    ours = facade(*[gtorch.tensor(a) for a in arrays]).detach().numpy()
    theirs = reference(*[torch.tensor(a) for a in arrays]).detach().numpy()
    np.testing.assert_allclose(ours, theirs, rtol=FLOAT64_RTOL, atol=FLOAT64_RTOL)
    assert numpy_state(facade).keys() == numpy_state(reference).keys()


@pytest.mark.parametrize("name, make, inputs", MODULES, ids=_IDS)
def test_repr_is_pytorchs(name, make, inputs):
    assert repr(make(gnn)) == repr(make(torch.nn))


@pytest.mark.parametrize("make", [
    lambda nn: nn.Linear(3, 2, bias=False), lambda nn: nn.LeakyReLU(0.2, True), lambda nn: nn.ELU(0.5, True),
    lambda nn: nn.CELU(2.0, True), lambda nn: nn.SELU(True), lambda nn: nn.SiLU(True), lambda nn: nn.Mish(True),
    lambda nn: nn.ReLU6(True), lambda nn: nn.Hardtanh(-2, 2, True), lambda nn: nn.Softplus(2, 10),
    lambda nn: nn.Softmax(), lambda nn: nn.LogSoftmax(), lambda nn: nn.Dropout(0.2, True), lambda nn: nn.Dropout1d(),
    lambda nn: nn.Dropout3d(0.1), lambda nn: nn.Embedding(10, 3, padding_idx=-1),
    lambda nn: nn.Embedding(10, 3, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True, sparse=True),
    lambda nn: nn.Bilinear(2, 3, 4, bias=False), lambda nn: nn.Unflatten(-1, [2, 2]),
])
def test_more_reprs_are_pytorchs(make):
    assert repr(make(gnn)) == repr(make(torch.nn))


# ----- functions ------------------------------------------------------------------------------------

# (id, call(F, x) -> output); x is the input tensor of _points()
FUNCTIONS = [
    ("relu", lambda F, x: F.relu(x)), ("relu6", lambda F, x: F.relu6(x, inplace=True)),
    ("leaky_relu", lambda F, x: F.leaky_relu(x, 0.1)), ("elu", lambda F, x: F.elu(x, alpha=2.0)),
    ("selu", lambda F, x: F.selu(x)), ("celu", lambda F, x: F.celu(x, 0.5)),
    ("gelu", lambda F, x: F.gelu(x)), ("gelu-tanh", lambda F, x: F.gelu(x, approximate="tanh")),
    ("silu", lambda F, x: F.silu(x)), ("mish", lambda F, x: F.mish(x)), ("sigmoid", lambda F, x: F.sigmoid(x)),
    ("tanh", lambda F, x: F.tanh(x)), ("softsign", lambda F, x: F.softsign(x)),
    ("softplus", lambda F, x: F.softplus(x)), ("softplus-beta", lambda F, x: F.softplus(x, beta=0.5, threshold=3)),
    ("hardtanh", lambda F, x: F.hardtanh(x, -1.0, 3.0)), ("softmax", lambda F, x: F.softmax(x, dim=-1)),
    ("softmax-float64", lambda F, x: F.softmax(x, 0, dtype=x.double().dtype)),
    ("log_softmax", lambda F, x: F.log_softmax(x, dim=1)),
    ("prelu", lambda F, x: F.prelu(x, x[0, :1].detach() * 0 + 0.3)),
    ("linear", lambda F, x: F.linear(x, x[:2].detach() * 0.5, x[0, :2].detach())),
    ("bilinear", lambda F, x: F.bilinear(x, x, (x[:1].detach() ** 2)[None].repeat(2, 10, 1), None)),
    ("dropout-eval", lambda F, x: F.dropout(x, 0.4, training=False)),
    ("normalize", lambda F, x: F.normalize(x)), ("normalize-p1-dim0", lambda F, x: F.normalize(x, p=1.0, dim=0)),
    ("normalize-zero-row", lambda F, x: F.normalize(x * (x[:, :1].detach() > 0), dim=1)),
    ("embedding", lambda F, x: F.embedding(x[0, :2].detach().long().abs().clamp(0, 2), x, padding_idx=1)),
]


@pytest.mark.parametrize("name, call", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_function_matches_pytorch(name, call, dtype):
    assert_same_run(lambda x: call(GF, x), lambda x: call(torch.nn.functional, x), [_points().astype(dtype)],
                    tolerance(dtype, 16))


def test_softmax_without_dim_warns_and_picks_pytorchs_dim():
    for shape in [(4,), (2, 3), (2, 3, 4), (2, 3, 4, 5)]:
        x = RNG.standard_normal(shape)
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
            ours = gnn.Softmax()(gtorch.tensor(x)).numpy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = torch.nn.Softmax()(torch.tensor(x)).numpy()
        assert_close(ours, theirs, FLOAT64_RTOL)
    with pytest.warns(UserWarning, match="log_softmax") as record:
        GF.log_softmax(gtorch.ones(2, 3))
    assert record[0].filename == __file__  # the warning points at the caller's line


def test_one_hot_matches_pytorch():
    labels = np.array([[0, 3], [2, 1]])
    for num_classes in (-1, 6):
        ours = GF.one_hot(gtorch.tensor(labels), num_classes)
        theirs = torch.nn.functional.one_hot(torch.tensor(labels), num_classes)
        assert ours.dtype == gtorch.int64 and ours.shape == theirs.shape
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert GF.one_hot(gtorch.zeros(0, dtype=gtorch.long), 3).shape == (0, 3)


@pytest.mark.parametrize("call, message", [
    (lambda: GF.one_hot(gtorch.tensor([1, 2], dtype=gtorch.int32)), "LongTensor"),
    (lambda: GF.one_hot(gtorch.tensor([1, 5]), 3), "smaller than num_classes"),
    (lambda: GF.one_hot(gtorch.tensor([-1, 2])), "non-negative"),
    (lambda: GF.one_hot(gtorch.zeros(0, dtype=gtorch.long)), "empty tensor"),
])
def test_one_hot_errors(call, message):
    with pytest.raises(RuntimeError, match=message):
        call()


# ----- defaults ----------------------------------------------------------------------------------------


def test_linear_default_init_is_pytorchs():
    gtorch.manual_seed(0)
    layer = gnn.Linear(400, 300)
    bound = 1 / np.sqrt(400)
    weight, bias = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    assert weight.shape == (300, 400) and bias.shape == (300,) and weight.dtype == np.float32
    assert np.abs(weight).max() <= bound and np.abs(bias).max() <= bound
    assert np.abs(weight).max() > 0.99 * bound
    # U(-b, b) has std b / sqrt(3); 120,000 draws give the std to about 0.2%
    assert weight.std() == pytest.approx(bound / np.sqrt(3), rel=0.01)
    assert abs(weight.mean()) < 0.01 * bound
    assert layer.weight.requires_grad and layer.weight.is_leaf and layer.weight.grad_fn is None


def test_default_inits_of_the_other_modules():
    gtorch.manual_seed(0)
    bilinear = gnn.Bilinear(100, 30, 40)
    assert np.abs(bilinear.weight.detach().numpy()).max() <= 0.1 and np.abs(bilinear.bias.detach().numpy()).max() <= 0.1
    assert bilinear.weight.detach().numpy().std() == pytest.approx(0.1 / np.sqrt(3), rel=0.02)
    table = gnn.Embedding(1000, 64, padding_idx=3).weight.detach().numpy()
    assert table.std() == pytest.approx(1.0, rel=0.02) and abs(table.mean()) < 0.02
    assert not table[3].any() and table[2].all()
    np.testing.assert_array_equal(gnn.PReLU(4, init=0.1).weight.detach().numpy(), np.full(4, 0.1, np.float32))
    assert gnn.Linear(3, 2, dtype=gtorch.float64).weight.dtype == np.float64


def test_manual_seed_repeats_the_initialization():
    gtorch.manual_seed(7)
    first = numpy_state(gnn.Linear(5, 4))
    gtorch.manual_seed(7)
    second = numpy_state(gnn.Linear(5, 4))
    for name in first:
        np.testing.assert_array_equal(first[name], second[name])


# ----- dropout -------------------------------------------------------------------------------------------


def test_dropout_trains_and_evaluates():
    gtorch.manual_seed(0)
    layer = gnn.Dropout(p=0.3)
    x = gtorch.tensor(RNG.uniform(1, 2, (200, 100)), requires_grad=True)
    y = layer(x)
    ratio = (y / x).detach().numpy()
    kept = ratio != 0
    np.testing.assert_allclose(ratio[kept], 1 / 0.7)
    assert abs(1 - kept.mean() - 0.3) < 0.01  # 20,000 draws: the standard error is 0.003
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), ratio)
    layer.eval()
    np.testing.assert_array_equal(layer(x).detach().numpy(), x.detach().numpy())
    assert not layer.training


def test_dropout_masks_repeat_with_the_seed_and_extreme_probabilities():
    x = gtorch.ones(10, 10)
    gtorch.manual_seed(3)
    first = GF.dropout(x, 0.5).numpy()
    gtorch.manual_seed(3)
    np.testing.assert_array_equal(first, GF.dropout(x, 0.5).numpy())
    np.testing.assert_array_equal(GF.dropout(x, 0.0).numpy(), x.numpy())
    np.testing.assert_array_equal(gnn.Dropout(1.0)(x).numpy(), np.zeros((10, 10)))


@pytest.mark.parametrize("make, shape, channel_dims", [
    (lambda: gnn.Dropout1d(0.5), (8, 6, 5), 2),
    (lambda: gnn.Dropout1d(0.5), (6, 5), 1),
    (lambda: gnn.Dropout2d(0.5), (8, 6, 4, 5), 2),
    (lambda: gnn.Dropout3d(0.5), (8, 6, 2, 3, 2), 2),
    (lambda: gnn.Dropout3d(0.5), (6, 2, 3, 2), 1),
])
def test_channel_dropout_drops_whole_channels(make, shape, channel_dims):
    gtorch.manual_seed(1)
    layer = make()
    y = layer(gtorch.ones(*shape)).numpy().reshape(shape[:channel_dims] + (-1,))
    per_channel = y.max(axis=-1)
    assert (y == per_channel[..., None]).all()  # a channel is all zeros or all 2
    assert set(np.unique(per_channel)) == {0.0, 2.0}
    np.testing.assert_array_equal(layer.eval()(gtorch.ones(*shape)).numpy(), np.ones(shape))


def test_dropout2d_reads_3d_input_as_pytorch_does():
    with pytest.warns(UserWarning, match="dropout1d"):
        y = gnn.Dropout2d(0.5)(gtorch.ones(4, 3, 5)).numpy()
    assert (y == y[..., :1]).all()


# ----- embedding ---------------------------------------------------------------------------------------


def test_padding_row_gets_no_gradient_and_the_rest_is_pytorchs():
    facade, reference = twins(lambda nn: nn.Embedding(5, 3, padding_idx=2), dtype=np.float64)
    assert_same_run(facade, reference, [np.array([[2, 1, 2, 4]])], FLOAT64_RTOL)
    grad = facade.weight.grad.numpy()
    assert not grad[2].any() and grad[1].any()


def test_from_pretrained_shares_the_table_and_freezes_it():
    table = gtorch.tensor(RNG.standard_normal((4, 2)))
    frozen = gnn.Embedding.from_pretrained(table, padding_idx=1)
    assert not frozen.weight.requires_grad and frozen.padding_idx == 1
    np.testing.assert_array_equal(frozen(gtorch.tensor([1, 3])).numpy(), table.numpy()[[1, 3]])  # not zeroed
    assert np.shares_memory(frozen.weight.detach().numpy(), table.numpy())
    trained = gnn.Embedding.from_pretrained(table, freeze=False)
    assert trained.weight.requires_grad
    assert repr(frozen) == repr(torch.nn.Embedding.from_pretrained(torch.tensor(table.numpy()), padding_idx=1))


# ----- errors ----------------------------------------------------------------------------------------


def test_linear_names_both_feature_sizes_and_changes_nothing():
    layer = gnn.Linear(4, 3)
    before = numpy_state(layer)
    with pytest.raises(RuntimeError, match="Linear: input has 5 features, expected 4"):
        layer(gtorch.ones(2, 5, requires_grad=True))
    for name, value in numpy_state(layer).items():
        np.testing.assert_array_equal(value, before[name])
    assert all(p.grad is None for p in layer.parameters())


@pytest.mark.parametrize("call, error, message", [
    (lambda: gnn.Linear(-1, 3), ValueError, "Linear: in_features must be a non-negative integer, got -1"),
    (lambda: gnn.Linear(2, 3, bias=None), TypeError, "Linear: bias must be True or False"),
    (lambda: gnn.Dropout(1.5), ValueError, "between 0 and 1, but got 1.5"),
    (lambda: GF.dropout(gtorch.ones(2), -0.1), ValueError, "dropout probability"),
    (lambda: GF.dropout1d(gtorch.ones(2, 3, 4, 5)), RuntimeError, "Expected 2D or 3D input, but received a 4D"),
    (lambda: GF.dropout2d(gtorch.ones(2, 3)), RuntimeError, "dropout2d: Expected 3D or 4D input"),
    (lambda: gnn.Hardtanh(2.0, 1.0), ValueError, r"max_val \(1.0\) must be greater than min_val \(2.0\)"),
    (lambda: gnn.GELU("fast"), ValueError, "approximate must be 'none' or 'tanh', got 'fast'"),
    (lambda: GF.gelu(gtorch.ones(2), approximate="x"), RuntimeError, "none or tanh"),
    (lambda: GF.celu(gtorch.ones(2), 0.0), ValueError, "alpha cannot be 0"),
    (lambda: gnn.PReLU(3)(gtorch.ones(2, 4)), RuntimeError, "parameter numbers = 3 and channel size = 4"),
    (lambda: gnn.Embedding(3, 2, padding_idx=3), ValueError, "padding_idx must be within num_embeddings"),
    (lambda: gnn.Embedding(3, 2)(gtorch.tensor([5])), IndexError, r"ids must be in \[0, 3\)"),
    (lambda: gnn.Embedding(3, 2)(gtorch.tensor([1.0])), RuntimeError, "indices must be an integer tensor"),
    (lambda: gnn.Embedding(3, 2, max_norm=1.0)(gtorch.tensor([1])), NotImplementedError, "max_norm"),
    (lambda: gnn.Embedding.from_pretrained(gtorch.ones(3)), ValueError, "must be 2-dimensional"),
    (lambda: gnn.Unflatten(1, (2, 2))(gtorch.ones(2, 5)), RuntimeError, r"sizes \[2, 2\] don't multiply up to"),
    (lambda: gnn.Unflatten(1, 4), TypeError, "unflattened_size must be a tuple or list"),
    (lambda: gnn.Bilinear(2, 3, 4)(gtorch.ones(5, 2), gtorch.ones(5, 4)), RuntimeError,
     "input2 size does not match weight size: got 4 but expected 3"),
    (lambda: GF.linear(gtorch.ones(2, 5), gtorch.ones(3, 4)), RuntimeError, r"needs a weight of shape \(out_"),
    (lambda: GF.softmax(gtorch.ones(2, 3), dim=2), IndexError, "Dimension out of range"),
])
def test_errors_name_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
