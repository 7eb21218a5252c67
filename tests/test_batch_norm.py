"""Batch normalization, functional: `F.batch_norm`, the shared `normalize` and the fused `BatchNorm` operation.

Training mode is one graph node whose backward is a closed form on arrays (first order) or a
recording of the same rule (create_graph). Checked: float64 gradients of first and second
order for 2-D and 4-D inputs, the feature axis last or not, with and without gamma and beta;
PyTorch's `F.batch_norm` as the oracle for values, gradients and the running statistics after
the update, in float64 and float32 (training and inference; torch's momentum and unbiased running
variance, features last); `normalize` with the layer's Keras conventions (momentum on the old
value, biased variance). The layer itself is tested in test_layers.py.
"""
import numpy as np
import pytest
from conv_oracles import compare_with_torch

import gradwork as gw
from gradwork.nn import functional as F
from gradwork.ops.nn.batch_norm import _BatchNorm as BatchNorm  # the fused node, for a white-box check
from gradwork.ops.nn.batch_norm import batch_norm as normalize

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone

# id: (x shape, feature axis, with gamma, with beta)
CASES = {
    "2d": ((6, 4), -1, True, True),
    "4d_nhwc": ((3, 4, 3, 5), -1, True, True),
    "3d_axis1": ((4, 3, 5), 1, True, True),
    "4d_no_gamma": ((2, 3, 4, 3), -1, False, True),
    "2d_no_beta": ((7, 3), -1, True, False),
}


def _arrays(case, seed=0):
    shape, axis, with_gamma, with_beta = case
    rng = np.random.default_rng(seed)
    c = shape[axis]
    arrays = [rng.standard_normal(shape) * 2 + 1.5]
    arrays += [rng.uniform(0.5, 1.5, c)] if with_gamma else []
    arrays += [rng.standard_normal(c)] if with_beta else []
    return arrays


def _training(case, epsilon=1e-3):
    """Batch normalization in training mode as a function of (x[, gamma][, beta]) tensors: F.batch_norm
    for the features last, else `normalize` on the case's axis."""
    shape, axis, with_gamma, with_beta = case
    c = shape[axis]

    def fn(x, *params):
        gamma = params[0] if with_gamma else None
        beta = params[-1] if with_beta else None
        if axis == -1:
            return F.batch_norm(x, np.zeros(c), np.ones(c), gamma, beta, training=True, eps=epsilon)
        return normalize(x, np.zeros(c), np.ones(c), gamma, beta, True, 0.1, epsilon, axis, unbiased=True)
    return fn


def _torch_training(case, epsilon=1e-3):
    shape, axis, with_gamma, with_beta = case

    def fn(x, *params):
        gamma = params[0] if with_gamma else None
        beta = params[-1] if with_beta else None
        out = torch.nn.functional.batch_norm(x.movedim(axis, 1), None, None, gamma, beta, training=True,
                                             eps=epsilon)
        return out.movedim(1, axis)
    return fn


# ----------------------------------------------------------------------------------------------- gradients
@pytest.mark.parametrize("name", CASES)
def test_batch_norm_gradcheck(name):
    tensors = [gw.tensor(a, requires_grad=True) for a in _arrays(CASES[name])]
    assert gw.gradcheck(_training(CASES[name]), tensors)


@pytest.mark.parametrize("name", ["2d", "4d_nhwc", "3d_axis1", "4d_no_gamma"])
def test_batch_norm_gradgradcheck(name):
    """Second order: the recorded backward (create_graph) differentiated again."""
    tensors = [gw.tensor(a, requires_grad=True) for a in _arrays(CASES[name], seed=1)]
    assert gw.gradgradcheck(_training(CASES[name]), tensors)


def test_training_is_one_graph_node():
    x, gamma, beta = (gw.tensor(a, requires_grad=True) for a in _arrays(CASES["4d_nhwc"]))
    out = _training(CASES["4d_nhwc"])(x, gamma, beta)
    assert isinstance(out._fn, BatchNorm) and [id(t) for t in out._fn.inputs] == [id(x), id(gamma), id(beta)]


@pytest.mark.parametrize("name", CASES)
def test_first_order_and_recorded_gradients_agree(name):
    """gradgradcheck differentiates the recorded rule, but only this says it is the same rule."""
    tensors = [gw.tensor(a, requires_grad=True) for a in _arrays(CASES[name], seed=2)]
    out = _training(CASES[name])(*tensors)
    v = gw.tensor(np.random.default_rng(3).standard_normal(out.shape))
    first = gw.grad(out, tensors, v, retain_graph=True)
    recorded = gw.grad(out, tensors, v, create_graph=True)
    assert recorded[0].requires_grad
    for a, b in zip(first, recorded):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-10, atol=1e-12)


# ----------------------------------------------------------------------------------------------- PyTorch
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name", CASES)
def test_training_matches_torch(name, dtype):
    case = CASES[name]
    compare_with_torch(_training(case), _torch_training(case), _arrays(case, seed=4), dtype,
                       f"batch_norm {name}")


def test_float32_on_a_cnn_sized_batch_matches_torch():
    """A large reduction (64 x 16 x 16 = 16,384 values per feature) in float32, with offset data."""
    case = ((64, 16, 16, 8), -1, True, True)
    compare_with_torch(_training(case), _torch_training(case), _arrays(case, seed=5), np.float32,
                       "batch_norm float32 large")


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_inference_matches_torch_with_the_same_statistics(dtype):
    rng = np.random.default_rng(6)
    mean, var = rng.standard_normal(5), rng.uniform(0.5, 2.0, 5)

    def mine(x, gamma, beta):
        return F.batch_norm(x, mean.astype(dtype), var.astype(dtype), gamma, beta, training=False, eps=1e-3)

    def theirs(x, gamma, beta):
        out = torch.nn.functional.batch_norm(x.movedim(-1, 1), torch.tensor(mean, dtype=x.dtype),
                                             torch.tensor(var, dtype=x.dtype), gamma, beta, training=False,
                                             eps=1e-3)
        return out.movedim(1, -1)

    arrays = [rng.standard_normal((3, 4, 2, 5)), rng.uniform(0.5, 1.5, 5), rng.standard_normal(5)]
    compare_with_torch(mine, theirs, arrays, dtype, "batch_norm inference")


# ----------------------------------------------------------------------------------------------- statistics
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("shape", [(8, 4), (5, 3, 4, 2)], ids=["2d", "4d_nhwc"])
def test_running_statistics_follow_torch_momentum_and_the_unbiased_variance(shape, dtype):
    """Three training steps of F.batch_norm and of torch's, default momentum and eps: same outputs and
    the same running_mean / running_var after each update (torch stores the unbiased variance)."""
    rng = np.random.default_rng(7)
    c = shape[-1]
    mean0, var0 = rng.standard_normal(c).astype(dtype), rng.uniform(0.5, 2.0, c).astype(dtype)
    mine_mean, mine_var = mean0.copy(), var0.copy()
    torch_mean, torch_var = torch.tensor(mean0), torch.tensor(var0)
    tolerance = {"rtol": 1e-12, "atol": 0} if dtype == np.float64 else {"rtol": 2e-6, "atol": 1e-6}
    for _ in range(3):
        x = (rng.standard_normal(shape) * 3 + 2).astype(dtype)
        out = F.batch_norm(x, mine_mean, mine_var, training=True)
        ref = torch.nn.functional.batch_norm(torch.tensor(x).movedim(-1, 1), torch_mean, torch_var,
                                             training=True).movedim(1, -1)
        np.testing.assert_allclose(out.data, ref.numpy(), **tolerance)
        np.testing.assert_allclose(mine_mean, torch_mean.numpy(), **tolerance)
        np.testing.assert_allclose(mine_var, torch_var.numpy(), **tolerance)
        assert mine_mean.dtype == mine_var.dtype == dtype
    assert not np.allclose(mine_var, var0)  # the statistics did move


def test_running_statistics_given_as_tensors_are_updated_in_place():
    x = np.random.default_rng(10).standard_normal((6, 3))
    mean, var = gw.zeros(3, dtype=np.float64), gw.ones(3, dtype=np.float64)
    F.batch_norm(x, mean, var, training=True, momentum=0.5)
    np.testing.assert_allclose(mean.data, 0.5 * x.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(var.data, 0.5 + 0.5 * x.var(axis=0, ddof=1), rtol=1e-12)


def test_training_without_running_statistics_matches_torch():
    x = np.random.default_rng(11).standard_normal((5, 2, 3))
    out = F.batch_norm(x, None, None, training=True)
    ref = torch.nn.functional.batch_norm(torch.tensor(x).movedim(-1, 1), None, None, training=True)
    np.testing.assert_allclose(out.data, ref.movedim(1, -1).numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("call, match", [
    (lambda: F.batch_norm(np.ones((1, 3)), np.zeros(3), np.ones(3), training=True),
     r"batch_norm: training needs more than one value per feature, got input of shape \(1, 3\)"),
    (lambda: F.batch_norm(np.ones((4, 3)), None, None), r"inference \(training=False\) needs running_mean"),
    (lambda: F.batch_norm(np.ones((4, 3)), np.zeros(2), np.ones(3), training=True),
     r"batch_norm: running_mean must be an array of shape \(3,\) \(one value per feature\), got ndarray "
     r"of shape \(2,\)"),
    (lambda: F.batch_norm(np.ones((4, 3)), [0.0, 0.0, 0.0], np.ones(3), training=True),
     r"running_mean must be an array of shape \(3,\).*got list"),
    (lambda: F.batch_norm(np.ones((4, 3)), np.zeros(3), None, training=True), r"give both running_mean"),
])
def test_bad_arguments_raise_a_clear_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_a_wrong_running_var_changes_no_statistic():
    mean = np.zeros(3)
    with pytest.raises(ValueError, match="running_var must be an array of shape"):
        F.batch_norm(np.random.default_rng(12).standard_normal((4, 3)), mean, np.ones(4), training=True)
    np.testing.assert_array_equal(mean, np.zeros(3))


@pytest.mark.parametrize("shape, axis", [((8, 4), -1), ((5, 3, 4, 2), 2)])
def test_normalize_with_keras_conventions_uses_the_biased_variance(shape, axis):
    """What the BatchNormalization layer calls: momentum (1 - Keras's 0.8) on the new value, biased variance."""
    rng = np.random.default_rng(7)
    c = shape[axis]
    moving_mean, moving_var = rng.standard_normal(c), rng.uniform(0.5, 2.0, c)
    want_mean, want_var = moving_mean.copy(), moving_var.copy()
    reduce = tuple(i for i in range(len(shape)) if i != axis % len(shape))
    for _ in range(3):
        x = rng.standard_normal(shape) * 3 + 2
        out = normalize(x, moving_mean, moving_var, None, None, True, 0.2, 1e-3, axis, unbiased=False)
        want_mean = 0.8 * want_mean + 0.2 * x.mean(axis=reduce)
        want_var = 0.8 * want_var + 0.2 * x.var(axis=reduce)  # biased, as Keras (torch keeps the unbiased)
        np.testing.assert_allclose(moving_mean, want_mean, rtol=1e-12)
        np.testing.assert_allclose(moving_var, want_var, rtol=1e-12)
        centered = x - x.mean(axis=reduce, keepdims=True)
        normalized = centered / np.sqrt(x.var(axis=reduce, keepdims=True) + 1e-3)
        np.testing.assert_allclose(out.data, normalized, rtol=1e-10, atol=1e-12)


def test_inference_leaves_the_moving_statistics_alone():
    moving_mean, moving_var = np.array([0.5, -1.0]), np.array([2.0, 0.5])
    F.batch_norm(np.random.default_rng(8).standard_normal((4, 2)), moving_mean, moving_var, training=False)
    np.testing.assert_array_equal(moving_mean, [0.5, -1.0])
    np.testing.assert_array_equal(moving_var, [2.0, 0.5])


def test_float32_stays_float32():
    x = gw.tensor(np.random.default_rng(9).standard_normal((6, 3)).astype(np.float32), requires_grad=True)
    gamma = gw.tensor(np.ones(3, np.float32), requires_grad=True)
    out = F.batch_norm(x, np.zeros(3, np.float32), np.ones(3, np.float32), gamma, training=True)
    gx, gg = gw.grad(out.sum(), [x, gamma])
    assert out.dtype == gx.dtype == gg.dtype == np.float32
