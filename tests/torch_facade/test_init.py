"""gradwork.torch.nn.init against PyTorch's torch.nn.init: gains and fans equal, each fill's
distribution (bounds, mean, spread within sampling tolerance), in-place filling outside the graph,
seeding, generators and errors."""
import math

import numpy as np
import pytest

import gradwork.torch as gtorch
from torch_oracle import torch

init = gtorch.nn.init


def _filled(fill, shape=(400, 500), **kwargs):
    """A fresh float64 parameter of `shape` filled by `fill`, as an ndarray (seeded: the same draws each run).

    200,000 draws give a sample std within about 0.2% (one standard error) of the distribution's, so the
    statistics tests' 1% is five standard errors."""
    gtorch.manual_seed(0)
    w = gtorch.nn.Parameter(gtorch.zeros(*shape, dtype=gtorch.float64))
    assert fill(w, **kwargs) is w
    return w.detach().numpy()


@pytest.mark.parametrize("nonlinearity, param", [
    ("linear", None), ("conv2d", None), ("conv_transpose3d", None), ("sigmoid", None), ("tanh", None),
    ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", math.sqrt(5)), ("leaky_relu", 3),
    ("selu", None),
])
def test_calculate_gain_is_pytorchs(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(nonlinearity, param)


@pytest.mark.parametrize("shape", [(3, 5), (8, 4, 3), (8, 4, 3, 3), (6, 2, 1, 3, 3), (0, 4)])
def test_fans_follow_pytorchs_weight_layout(shape):
    assert init._calculate_fan_in_and_fan_out(gtorch.zeros(*shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(*shape))


def test_uniform_and_normal():
    u = _filled(init.uniform_, a=-2.0, b=3.0)
    assert u.min() >= -2 and u.max() < 3
    assert u.mean() == pytest.approx(0.5, abs=0.02) and u.std() == pytest.approx(5 / math.sqrt(12), rel=0.005)
    n = _filled(init.normal_, mean=1.0, std=0.5)
    assert n.mean() == pytest.approx(1.0, abs=0.005) and n.std() == pytest.approx(0.5, rel=0.005)


@pytest.mark.parametrize("fill, kwargs, shape, bound", [
    (init.xavier_uniform_, {}, (400, 500), math.sqrt(6 / 900)),
    (init.xavier_uniform_, {"gain": 2.0}, (50, 40, 3, 3), 2 * math.sqrt(6 / (90 * 9))),
    (init.kaiming_uniform_, {}, (400, 500), math.sqrt(2) * math.sqrt(3 / 500)),  # a=0: the gain of ReLU
    (init.kaiming_uniform_, {"a": math.sqrt(5)}, (400, 500), 1 / math.sqrt(500)),
    (init.kaiming_uniform_, {"mode": "fan_out", "nonlinearity": "relu"}, (64, 32, 3, 3), math.sqrt(6 / (64 * 9))),
])
def test_uniform_fills_reach_pytorchs_bound(fill, kwargs, shape, bound):
    w = _filled(fill, shape, **kwargs)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.01)


@pytest.mark.parametrize("fill, kwargs, shape, std", [
    (init.xavier_normal_, {}, (400, 500), math.sqrt(2 / 900)),
    (init.kaiming_normal_, {"nonlinearity": "relu"}, (400, 500), math.sqrt(2 / 500)),
    (init.kaiming_normal_, {"mode": "fan_out", "nonlinearity": "tanh"}, (64, 32, 3, 3), 5 / 3 / math.sqrt(64 * 9)),
])
def test_normal_fills_have_pytorchs_std(fill, kwargs, shape, std):
    w = _filled(fill, shape, **kwargs)
    assert w.std() == pytest.approx(std, rel=0.01) and abs(w.mean()) < 0.02 * std


def _truncated_moments(mean, std, a, b):
    """Mean and std of N(mean, std^2) conditioned on [a, b], from the closed form."""
    alpha, beta = (a - mean) / std, (b - mean) / std
    pdf = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    mass = 0.5 * (math.erf(beta / math.sqrt(2)) - math.erf(alpha / math.sqrt(2)))
    shift = (pdf(alpha) - pdf(beta)) / mass
    variance = 1 + (alpha * pdf(alpha) - beta * pdf(beta)) / mass - shift**2
    return mean + std * shift, std * math.sqrt(variance)


@pytest.mark.parametrize("mean, std, a, b", [
    (0.0, 1.0, -2.0, 2.0),   # most of the mass inside: normal draws, the outside ones redrawn
    (0.0, 0.02, -0.04, 0.04),  # timm's ViT weights
    (1.0, 1.0, 2.0, 3.0),    # a narrow interval in the tail: uniform proposals
    (0.0, 1.0, 4.0, 4.5),    # far in the tail, where redrawing normals would take for ever
])
@pytest.mark.filterwarnings("ignore:mean is more than 2 std")  # the far-tail case, as in PyTorch
def test_trunc_normal_has_the_truncated_moments(mean, std, a, b):
    w = _filled(init.trunc_normal_, mean=mean, std=std, a=a, b=b)
    assert w.min() >= a and w.max() <= b
    expected_mean, expected_std = _truncated_moments(mean, std, a, b)
    assert w.mean() == pytest.approx(expected_mean, abs=0.01 * expected_std)
    assert w.std() == pytest.approx(expected_std, rel=0.01)


def test_trunc_normal_warns_where_pytorch_does():
    with pytest.warns(UserWarning, match="more than 2 std"):
        init.trunc_normal_(gtorch.zeros(10), mean=10.0, std=1.0, a=-2.0, b=2.0)


@pytest.mark.parametrize("shape, gain", [((6, 10), 1.0), ((10, 6), 2.0), ((8, 4, 3, 3), 1.5), ((5, 5), 1.0)])
def test_orthogonal_rows_or_columns_are_orthonormal(shape, gain):
    w = _filled(init.orthogonal_, shape, gain=gain).reshape(shape[0], -1)
    small = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
    np.testing.assert_allclose(small, gain**2 * np.eye(len(small)), atol=1e-12)


def test_constant_fills_and_eye():
    np.testing.assert_array_equal(_filled(init.constant_, (2, 3), val=0.3), np.full((2, 3), 0.3))
    np.testing.assert_array_equal(_filled(init.ones_, (2, 3)), np.ones((2, 3)))
    np.testing.assert_array_equal(_filled(init.zeros_, (2, 3)), np.zeros((2, 3)))
    np.testing.assert_array_equal(_filled(init.eye_, (2, 3)), np.eye(2, 3))
    np.testing.assert_array_equal(_filled(init.eye_, (3, 2)), torch.nn.init.eye_(torch.empty(3, 2)).numpy())


def test_fills_write_in_place_outside_the_graph():
    layer = gtorch.nn.Linear(3, 2)
    weight, memory = layer.weight, layer.weight.detach().numpy()
    init.normal_(weight, 5.0, 0.1)
    assert layer.weight is weight and np.shares_memory(weight.detach().numpy(), memory)
    assert weight.is_leaf and weight.requires_grad and weight.grad_fn is None
    assert weight.detach().numpy().mean() == pytest.approx(5.0, abs=0.3)
    layer(gtorch.ones(1, 3)).sum().backward()  # still a working parameter
    assert weight.grad.shape == (2, 3)


def test_seed_and_generator_repeat_the_draws():
    gtorch.manual_seed(4)
    first = init.kaiming_uniform_(gtorch.zeros(5, 6)).numpy().copy()
    gtorch.manual_seed(4)
    np.testing.assert_array_equal(first, init.kaiming_uniform_(gtorch.zeros(5, 6)).numpy())
    draw = lambda: init.orthogonal_(gtorch.zeros(4, 4), generator=gtorch.Generator().manual_seed(1)).numpy()  # noqa
    np.testing.assert_array_equal(draw(), draw())


def test_zero_element_kaiming_is_a_warned_no_op():
    with pytest.warns(UserWarning, match="zero-element"):
        assert init.kaiming_normal_(gtorch.zeros(0, 3)).shape == (0, 3)


@pytest.mark.parametrize("call, error, message", [
    (lambda: init.calculate_gain("swish"), ValueError, "Unsupported nonlinearity swish"),
    (lambda: init.calculate_gain("leaky_relu", "0.1"), ValueError, "negative_slope 0.1 not a valid number"),
    (lambda: init._calculate_fan_in_and_fan_out(gtorch.zeros(3)), ValueError, "fewer than 2 dimensions"),
    (lambda: init.kaiming_uniform_(gtorch.zeros(2, 2), mode="fan_avg"), ValueError, "Mode fan_avg not supported"),
    (lambda: init.xavier_normal_(gtorch.zeros(4)), ValueError, "fewer than 2 dimensions"),
    (lambda: init.uniform_(gtorch.zeros(2), 1.0, 0.0), RuntimeError, "from=1.0 > to=0.0"),
    (lambda: init.normal_(gtorch.zeros(2), 0.0, -1.0), RuntimeError, "std >= 0.0, but found std -1.0"),
    (lambda: init.normal_(gtorch.zeros(2, dtype=gtorch.long)), NotImplementedError, "floating-point tensor"),
    (lambda: init.eye_(gtorch.zeros(2, 2, 2)), ValueError, "Only tensors with 2 dimensions"),
    (lambda: init.orthogonal_(gtorch.zeros(3)), ValueError, "2 or more dimensions"),
])
def test_errors_are_pytorchs(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_unknown_names_say_the_facade_lacks_them():
    with pytest.raises(AttributeError, match="torch.nn.init.sparse_"):
        _ = init.sparse_
