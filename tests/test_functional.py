"""`gw.nn.functional` beyond the operation table: stability at extreme inputs, dropout, step, and errors.

The table in `op_cases.py` already checks every activation, layer function and loss against
PyTorch on ordinary inputs. Here: saturated and huge inputs must give finite values AND finite
gradients (and agree with torch there), dropout is checked through a mask fixed by reseeding,
and bad arguments must fail with a message that says what is wrong.
"""
import warnings

import numpy as np
import pytest

import gradwork as gw
from gradwork.nn import functional as F


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def _forward_backward(fn, *arrays, cotangent_seed=0):
    """fn's output and the gradients of sum(v * fn) for a random v, with no warning allowed (no overflow)."""
    xs = [gw.tensor(a, requires_grad=True) for a in arrays]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = fn(*xs)
        v = np.random.default_rng(cotangent_seed).standard_normal(out.shape).astype(out.dtype)
        grads = gw.grad(out, xs, gw.tensor(v))
    return out.data, [g.data for g in grads]


def _torch_forward_backward(torch, fn, *arrays, cotangent_seed=0):
    xs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*xs)
    v = np.random.default_rng(cotangent_seed).standard_normal(tuple(out.shape)).astype(arrays[0].dtype)
    grads = torch.autograd.grad(out, xs, torch.tensor(v))
    return out.detach().numpy(), [g.numpy() for g in grads]


def _assert_close_on_scale(got, want, rtol, atol=0.0, what=""):
    """|got - want| <= atol + rtol * max|want| everywhere, infinities in the same places.

    Agreement to rounding on the scale of the whole array: at extreme inputs an array holds 1e4 next
    to e^-100, and either library may round the tiny one differently (e.g. to 0 or to 3.7e-44).
    """
    assert got.shape == want.shape, what
    scale = np.abs(want[np.isfinite(want)]).max(initial=0.0)
    np.testing.assert_allclose(got, want, rtol=0, atol=atol + rtol * scale, err_msg=what)


def _check_finite_and_like_torch(torch, mine, theirs, *arrays, atol=0.0):
    """Finite values and gradients from gradwork, equal to torch's to rounding of the arrays' dtype."""
    rtol = 1e-12 if arrays[0].dtype == np.float64 else 1e-6
    out, grads = _forward_backward(mine, *arrays)
    want_out, want_grads = _torch_forward_backward(torch, theirs, *arrays)
    assert np.isfinite(out).all(), out
    assert all(np.isfinite(g).all() for g in grads), grads
    assert out.dtype == want_out.dtype
    _assert_close_on_scale(out, want_out, rtol, atol, "forward")
    for i, (g, w) in enumerate(zip(grads, want_grads)):
        _assert_close_on_scale(g, w, rtol, atol, f"gradient of input {i}")
    return out, grads


FLOATS = [np.float32, np.float64]


# ----- numerical stability ---------------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOATS)
def test_sigmoid_saturates_without_overflow(torch, dtype):
    x = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0], dtype=dtype)
    out, (g,) = _check_finite_and_like_torch(torch, F.sigmoid, torch.sigmoid, x)
    assert out[0] == 0.0 and out[-1] == 1.0 and out[2] == 0.5
    assert g[0] == 0.0 and g[-1] == 0.0


@pytest.mark.parametrize("dtype", FLOATS)
def test_softmax_and_log_softmax_of_huge_logits(torch, dtype):
    x = np.array([[1000.0, 0.0], [0.0, -1000.0], [-1e4, 1e4]], dtype=dtype)
    out, _ = _check_finite_and_like_torch(torch, F.softmax, lambda t: torch.softmax(t, -1), x)
    np.testing.assert_array_equal(out, [[1, 0], [1, 0], [0, 1]])
    out, _ = _check_finite_and_like_torch(torch, F.log_softmax, lambda t: torch.log_softmax(t, -1), x)
    np.testing.assert_array_equal(out, [[0, -1000], [0, -1000], [-2e4, 0]])  # finite where softmax is 0


@pytest.mark.parametrize("dtype", FLOATS)
def test_binary_cross_entropy_at_certain_predictions(torch, dtype):
    """p = 0 or 1: each log is clamped at -100 (as PyTorch), so a wrong certain prediction costs 100."""
    p = np.array([0.0, 0.0, 1.0, 1.0, 0.5], dtype=dtype)
    t = np.array([0.0, 1.0, 0.0, 1.0, 1.0], dtype=dtype)
    out, (gp, gt) = _forward_backward(lambda a, b: F.binary_cross_entropy(a, b, reduction="none"), p, t)
    want_out, (want_gp, want_gt) = _torch_forward_backward(
        torch, lambda a, b: torch.nn.functional.binary_cross_entropy(a, b, reduction="none"), p, t
    )
    assert np.isfinite(out).all() and np.isfinite(gp).all() and np.isfinite(gt).all()
    np.testing.assert_array_equal(out, want_out)
    np.testing.assert_allclose(out, [0.0, 100.0, 100.0, 0.0, np.log(2)], rtol=1e-6)
    # d/dp = (p - t) / max(p (1 - p), 1e-12): huge but finite. torch's clamp constant is 1e-12 rounded
    # to float32 (9.99999996e-13), 4e-9 away from ours: the one difference allowed here.
    v = np.random.default_rng(0).standard_normal(5).astype(dtype)
    np.testing.assert_allclose(gp, v * (p - t) / np.maximum(p * (1 - p), dtype(1e-12)), rtol=1e-6)
    np.testing.assert_allclose(gp, want_gp, rtol=1e-8 if dtype == np.float64 else 1e-6)
    # d/dt is the derivative of the clamped loss, -max(log p, -100) + max(log(1 - p), -100): finite
    # where torch's (unclamped logs) is infinite, equal to it elsewhere.
    np.testing.assert_allclose(gt, v * np.array([100.0, 100.0, -100.0, -100.0, 0.0]), rtol=1e-6)
    np.testing.assert_allclose(gt[4], want_gt[4], rtol=1e-12)
    assert np.isinf(want_gt[:4]).all()


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_cross_entropy_with_huge_logits(torch, dtype, reduction):
    x = np.array([[1e4, -1e4, 0.0], [-1e30, 1e30, 0.0], [0.0, 0.0, 0.0]], dtype=dtype)
    t = np.array([1, 1, 2])
    out, (g,) = _forward_backward(lambda a: F.cross_entropy(a, t, reduction=reduction), x)
    want_out, (want_g,) = _torch_forward_backward(
        torch, lambda a: torch.nn.functional.cross_entropy(a, torch.tensor(t), reduction=reduction), x
    )
    assert np.isfinite(out).all() and np.isfinite(g).all()
    np.testing.assert_allclose(out, want_out, rtol=1e-6)
    np.testing.assert_allclose(g, want_g, rtol=1e-6, atol=1e-7)
    if reduction == "none":
        np.testing.assert_allclose(out, [2e4, 0.0, np.log(3)], rtol=1e-6)


@pytest.mark.parametrize("dtype", FLOATS)
def test_binary_cross_entropy_with_logits_of_huge_logits(torch, dtype):
    x = np.array([-1e4, -100.0, 0.0, 100.0, 1e4], dtype=dtype)
    t = np.array([1.0, 0.0, 0.5, 1.0, 0.0], dtype=dtype)
    w = np.array(3.0, dtype=dtype)
    out, _ = _check_finite_and_like_torch(
        torch,
        lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction="none"),
        lambda a, b: torch.nn.functional.binary_cross_entropy_with_logits(a, b, reduction="none"),
        x, t,
    )
    np.testing.assert_allclose(out[[0, 4]], [1e4, 1e4])
    _check_finite_and_like_torch(
        torch,
        lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=w, reduction="sum"),
        lambda a, b: torch.nn.functional.binary_cross_entropy_with_logits(
            a, b, pos_weight=torch.tensor(w), reduction="sum"),
        x, t,
    )


@pytest.mark.parametrize("dtype", FLOATS)
def test_softplus_across_torch_threshold(torch, dtype):
    """torch returns x itself above its threshold 20; exact softplus differs from x there by
    log1p(e^-x) < 2.1e-9, so the comparison carries that much absolute slack and no more."""
    x = np.array([-1000.0, -30.0, -20.5, 19.5, 20.5, 30.0, 1000.0], dtype=dtype)
    out, (g,) = _check_finite_and_like_torch(torch, F.softplus, torch.nn.functional.softplus, x, atol=2.1e-9)
    assert out[0] == 0.0 and out[-1] == 1000.0 and g[-1] != 0


@pytest.mark.parametrize("dtype", FLOATS)
def test_saturating_activations_at_large_negative_inputs(torch, dtype):
    x = np.array([-1000.0, -30.0, 30.0, 1000.0], dtype=dtype)
    tf = torch.nn.functional
    pairs = [
        (F.elu, tf.elu), (F.selu, tf.selu), (F.silu, tf.silu), (F.gelu, tf.gelu),
        (lambda a: F.gelu(a, approximate="tanh"), lambda a: tf.gelu(a, approximate="tanh")),
        (F.tanh, torch.tanh), (F.leaky_relu, tf.leaky_relu),
    ]
    for mine, theirs in pairs:
        _check_finite_and_like_torch(torch, mine, theirs, x)


def test_logsumexp_of_infinities_like_torch(torch):
    x = np.array([[-np.inf, 0.0], [-np.inf, -np.inf], [1000.0, 1000.0]])
    got = gw.logsumexp(gw.tensor(x), axis=1).data
    np.testing.assert_allclose(got, torch.logsumexp(torch.tensor(x), 1).numpy(), rtol=1e-15)
    np.testing.assert_array_equal(got[:2], [0.0, -np.inf])


# ----- dropout ---------------------------------------------------------------------------------


def _dropout_with_seed(x, p, seed):
    gw.random.seed(seed)
    return F.dropout(x, p)


@pytest.mark.parametrize("dtype", FLOATS)
def test_dropout_matches_the_masked_torch_formula(torch, dtype):
    """Reseeding fixes the mask; torch, given the same mask, computes x * mask / (1 - p)."""
    p = 0.4
    x_data = np.random.default_rng(1).uniform(0.5, 2.0, (6, 5)).astype(dtype)  # nonzero: y == 0 marks a drop
    v = np.random.default_rng(2).standard_normal(x_data.shape).astype(dtype)
    x = gw.tensor(x_data, requires_grad=True)
    y = _dropout_with_seed(x, p, seed=7)
    np.testing.assert_array_equal(_dropout_with_seed(gw.tensor(x_data), p, seed=7).data, y.data)
    (g,) = gw.grad(y, [x], gw.tensor(v))
    mask = y.data != 0
    assert 0 < mask.sum() < mask.size
    assert y.dtype == g.dtype == dtype
    tx = torch.tensor(x_data, requires_grad=True)
    ty = tx * torch.tensor(mask.astype(dtype)) / (1 - p)
    (tg,) = torch.autograd.grad(ty, [tx], torch.tensor(v))
    rtol = 1e-15 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=rtol)
    np.testing.assert_allclose(g.data, tg.numpy(), rtol=rtol)


def test_dropout_gradients_with_a_fixed_mask():
    x = gw.tensor(np.random.default_rng(3).standard_normal((3, 4)), requires_grad=True)
    assert gw.gradcheck(lambda t: _dropout_with_seed(t, 0.3, seed=11), x)
    assert gw.gradgradcheck(lambda t: _dropout_with_seed(t, 0.3, seed=11) ** 2, x)


def test_dropout_drops_about_p_and_keeps_the_mean():
    gw.random.seed(0)
    p = 0.3
    y = F.dropout(gw.tensor(np.ones((200, 100))), p).data
    # binomial standard deviation sqrt(p(1-p)/n) = 0.0032: these bounds are 6 of them
    assert abs((y == 0).mean() - p) < 0.02
    assert abs(y.mean() - 1.0) < 0.03
    np.testing.assert_allclose(np.unique(y), [0.0, 1 / (1 - p)])


def test_dropout_is_the_identity_when_not_training_or_p_is_zero():
    x = gw.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    for y in (F.dropout(x, 0.5, training=False), F.dropout(x, 0.0)):
        np.testing.assert_array_equal(y.data, x.data)
        (g,) = gw.grad(y, [x], gw.tensor(np.full((2, 3), 2.0)))
        np.testing.assert_array_equal(g.data, np.full((2, 3), 2.0))


def test_dropout_with_p_one_zeroes_everything():
    x = gw.tensor(np.ones(4), requires_grad=True)
    y = F.dropout(x, 1.0)
    np.testing.assert_array_equal(y.data, np.zeros(4))
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.zeros(4))


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_rejects_a_bad_probability(p):
    with pytest.raises(ValueError, match=r"dropout probability must be in \[0, 1\]"):
        F.dropout(gw.tensor(np.ones(3)), p)


# ----- step, defaults, kinks, aliases ------------------------------------------------------------


def test_step_values_dtype_and_no_graph():
    x = gw.tensor(np.array([-2.0, 0.0, 3.0]), requires_grad=True)
    y = F.step(x)
    np.testing.assert_array_equal(y.data, [0.0, 0.0, 1.0])
    assert y.dtype == np.float64 and not y.requires_grad
    assert F.step(gw.tensor([-1, 2])).dtype == np.float32  # integer data gives the default float


def test_leaky_relu_default_slope_is_torchs():
    np.testing.assert_allclose(F.leaky_relu(gw.tensor([-2.0, 3.0])).data, [-0.02, 3.0])


def test_gelu_approximations_differ_but_agree_closely():
    x = gw.tensor(np.linspace(-3, 3, 13))
    exact, approx = F.gelu(x).data, F.gelu(x, approximate="tanh").data
    assert 0 < np.abs(exact - approx).max() < 1e-3


def test_loss_kinks_take_torch_subgradients(torch):
    """At |error| = 0 (mae, huber) and |error| = delta (huber) the gradients are torch's."""
    x = np.array([0.0, 1.0, -1.0, 0.5, 2.0])
    t = np.array([0.0, 0.0, 0.0, 0.0, 1.0])
    tf = torch.nn.functional
    pairs = [
        (lambda a, b: F.mae(a, b), lambda a, b: tf.l1_loss(a, b)),
        (lambda a, b: F.huber(a, b), lambda a, b: tf.huber_loss(a, b)),
        (lambda a, b: F.huber(a, b, delta=0.5, reduction="sum"),
         lambda a, b: tf.huber_loss(a, b, delta=0.5, reduction="sum")),
    ]
    for mine, theirs in pairs:
        out, grads = _forward_backward(mine, x, t)
        want_out, want_grads = _torch_forward_backward(torch, theirs, x, t)
        np.testing.assert_allclose(out, want_out, rtol=1e-15)
        for g, w in zip(grads, want_grads):
            np.testing.assert_allclose(g, w, rtol=1e-15)


def test_cross_entropy_one_hot_targets_equal_class_targets():
    x = gw.tensor(np.random.default_rng(4).standard_normal((4, 3)))
    t = np.array([2, 0, 1, 2])
    np.testing.assert_allclose(F.cross_entropy(x, np.eye(3)[t]).data, F.cross_entropy(x, t).data, rtol=1e-15)
    np.testing.assert_allclose(
        F.cross_entropy(x, t).data, F.nll_loss(F.log_softmax(x), t).data, rtol=1e-15
    )


def test_reduction_none_keeps_the_leading_shape():
    x = gw.tensor(np.zeros((2, 3, 4)))
    assert F.cross_entropy(x, np.zeros((2, 3), dtype=int), reduction="none").shape == (2, 3)
    assert F.mse(x, x, reduction="none").shape == (2, 3, 4)
    assert F.mse(x, x, reduction="sum").shape == ()


def test_aliases_are_the_same_functions():
    assert F.mse_loss is F.mse and F.l1_loss is F.mae and F.huber_loss is F.huber and F.swish is F.silu


# ----- errors ----------------------------------------------------------------------------------

LOGITS = gw.tensor(np.zeros((4, 3)))
PAIRED_LOSSES = [F.mse, F.mae, F.huber, F.binary_cross_entropy, F.binary_cross_entropy_with_logits]


@pytest.mark.parametrize(
    "target, match",
    [
        (np.array([0, 1, 3, 2]), "target class 3 is out of range for 3 classes"),
        (np.array([0, -1, 1, 2]), "target class -1 is out of range for 3 classes"),
    ],
)
@pytest.mark.parametrize("loss", [F.cross_entropy, F.nll_loss,
                                  lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1)])
def test_class_targets_out_of_range(loss, target, match):
    with pytest.raises(ValueError, match=match):
        loss(LOGITS, target)


@pytest.mark.parametrize("shape", [(4, 1), (3,), ()])
def test_class_targets_of_the_wrong_shape(shape):
    with pytest.raises(ValueError, match=r"needs integer targets of shape \(4,\)"):
        F.cross_entropy(LOGITS, np.zeros(shape, dtype=int))


def test_probability_targets_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"probability targets must have the input's shape \(4, 3\)"):
        F.cross_entropy(LOGITS, np.full((4, 2), 0.5))


def test_cross_entropy_needs_a_class_axis():
    with pytest.raises(ValueError, match="needs a class axis"):
        F.cross_entropy(gw.tensor(1.0), np.array(0))


@pytest.mark.parametrize("loss", PAIRED_LOSSES, ids=lambda f: f.__name__)
def test_loss_shape_mismatch_is_an_error_not_a_broadcast(loss):
    prediction = gw.tensor(np.full(4, 0.5))
    target = gw.tensor(np.full((4, 1), 0.5))
    message = r"input has shape \(4,\) but target has shape \(4, 1\); they must match"
    with pytest.raises(ValueError, match=message):
        loss(prediction, target)


@pytest.mark.parametrize("loss", PAIRED_LOSSES + [F.cross_entropy, F.nll_loss], ids=lambda f: f.__name__)
def test_bad_reduction_string(loss):
    if loss in (F.cross_entropy, F.nll_loss):
        args = (LOGITS, np.zeros(4, dtype=int))
    else:
        args = (gw.tensor(np.full(4, 0.5)), gw.tensor(np.full(4, 0.5)))
    with pytest.raises(ValueError, match=r"reduction must be one of \('mean', 'sum', 'none'\), got 'avg'"):
        loss(*args, reduction="avg")


@pytest.mark.parametrize("bad", [-0.1, 1.1])
def test_binary_cross_entropy_rejects_non_probabilities(bad):
    with pytest.raises(ValueError, match=r"input must be probabilities in \[0, 1\]"):
        F.binary_cross_entropy(gw.tensor([0.5, bad]), gw.tensor([1.0, 0.0]))


def test_linear_rejects_a_weight_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"needs a weight of shape \(out_features, 3\), got \(3, 2\)"):
        F.linear(gw.tensor(np.zeros((4, 3))), gw.tensor(np.zeros((3, 2))))


def test_gelu_rejects_an_unknown_approximation():
    with pytest.raises(ValueError, match="approximate must be 'none' or 'tanh', got 'fast'"):
        F.gelu(gw.tensor([1.0]), approximate="fast")
