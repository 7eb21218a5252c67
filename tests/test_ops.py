"""Every operation in `op_cases.CASES`: numerical gradients, second derivatives, and PyTorch as the oracle.

For each case: `gw.gradcheck` and `gw.gradgradcheck` in float64 (a random output weight, so a
wrong gradient cannot hide in a sum), then the forward values, the output dtypes and the
gradients for one random cotangent compared with PyTorch on the same inputs, in float64 (to
rounding) and in float32 (looser, forward and gradient tolerances apart). Below the table, the
cases a table line cannot express: ties, kinks, and the errors bad arguments raise.
"""
import contextlib

import numpy as np
import pytest
from op_cases import CASES, F32_FORWARD, F32_GRAD, F64, gw_inputs, make_inputs, run_gradwork, run_torch

import gradwork as gw

GRAD_CASES = [c for c in CASES if c.has_grad and c.gradcheck]


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def _numpy_warnings(case):
    return np.errstate(divide="ignore", invalid="ignore") if case.quiet else contextlib.nullcontext()


@pytest.mark.parametrize("case", GRAD_CASES, ids=repr)
def test_gradcheck(case):
    with _numpy_warnings(case):
        assert gw.gradcheck(case.gw_fn, gw_inputs(case, make_inputs(case)))


@pytest.mark.parametrize("case", GRAD_CASES, ids=repr)
def test_gradgradcheck(case):
    with _numpy_warnings(case):
        assert gw.gradgradcheck(case.gw_fn, gw_inputs(case, make_inputs(case)))


def _assert_close(got, want, tolerance, what):
    """Same shape, same dtype, and values within (rtol, atol); integers and booleans exactly."""
    assert got.shape == want.shape, f"{what}: shape {got.shape}, torch gives {want.shape}"
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype}, torch gives {want.dtype}"
    if got.dtype.kind in "fc":
        rtol, atol = tolerance
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=what)
    else:
        np.testing.assert_array_equal(got, want, err_msg=what)


def _compare_with_torch(case, dtype):
    """Forward values and gradients against torch; a float32 array gets the float32 tolerance even in a
    float64 run (integer data through exp gives float32 in both libraries)."""
    arrays = make_inputs(case, dtype)
    with _numpy_warnings(case):
        mine, ref = run_gradwork(case, arrays), run_torch(case, arrays)
    assert len(mine.outputs) == len(ref.outputs), "number of outputs"
    for i, (got, want) in enumerate(zip(mine.outputs, ref.outputs)):
        tolerance = F64 if want.dtype == np.float64 else F32_FORWARD
        _assert_close(got, want, tolerance, f"{case.name} output {i}")
    if not case.differentiable:
        assert not any(mine.graph), f"{case.name} recorded a graph, but it has no gradient"
    for i, (got, want) in enumerate(zip(mine.grads, ref.grads)):
        tolerance = F64 if want.dtype == np.float64 else F32_GRAD
        _assert_close(got, want, tolerance, f"{case.name} gradient of input {i}")


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_against_torch_float64(case, torch):
    _compare_with_torch(case, np.float64)


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_against_torch_float32(case, torch):
    _compare_with_torch(case, np.float32)


# ----- what one table line cannot say ---------------------------------------------------------


def _vjp(fn, values, cotangent):
    """gradwork's output and gradient of sum(cotangent * fn(x)) at float64 `values`."""
    x = gw.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)
    out = fn(x)
    (g,) = gw.grad(out, [x], gw.tensor(np.asarray(cotangent, dtype=np.float64)))
    return out.data, g.data


def _torch_vjp(torch, fn, values, cotangent):
    x = torch.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)
    out = fn(x)
    (g,) = torch.autograd.grad(out, [x], torch.tensor(np.asarray(cotangent, dtype=np.float64)))
    return out.detach().numpy(), g.numpy()


TIES = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])


@pytest.mark.parametrize("name", ["max", "min"])
@pytest.mark.parametrize("axis", [None, 1, 0])
def test_max_and_min_share_the_gradient_among_ties_like_amax(torch, name, axis):
    mine, theirs = getattr(gw, name), getattr(torch, "a" + name)
    dims = () if axis is None else axis  # torch reads () as every axis
    v = np.ones(np.max(TIES, axis=axis).shape) * 6.0
    got = _vjp(lambda x: mine(x, axis=axis), TIES, v)
    want = _torch_vjp(torch, lambda x: theirs(x, dims), TIES, v)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])


def test_tied_maxima_split_the_gradient_evenly():
    _, g = _vjp(lambda x: gw.max(x, axis=1), TIES, [6.0, 6.0])
    np.testing.assert_array_equal(g, [[0, 3, 3], [2, 2, 2]])


def test_maximum_and_minimum_split_ties_in_half_like_torch(torch):
    a = np.array([1.0, 2.0, 3.0])
    b = np.array([1.0, 0.0, 3.0])
    v = np.array([2.0, 4.0, 6.0])
    for mine, theirs in [(gw.maximum, torch.maximum), (gw.minimum, torch.minimum)]:
        ta = gw.tensor(a, requires_grad=True)
        tb = gw.tensor(b, requires_grad=True)
        ga, gb = gw.grad(mine(ta, tb), [ta, tb], gw.tensor(v))
        xa = torch.tensor(a, requires_grad=True)
        xb = torch.tensor(b, requires_grad=True)
        wa, wb = torch.autograd.grad(theirs(xa, xb), [xa, xb], torch.tensor(v))
        np.testing.assert_array_equal(ga.data, wa.numpy())
        np.testing.assert_array_equal(gb.data, wb.numpy())
        assert ga.data[0] == gb.data[0] == 1.0 and ga.data[2] == gb.data[2] == 3.0


def test_kinks_take_torch_subgradients(torch):
    """At the kink itself: relu, abs and clip pass what torch passes (relu 0, abs 0, clip 1 at the bounds)."""
    x = np.array([-1.0, -0.0, 0.0, 0.5, 1.0])
    v = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    pairs = [
        (gw.nn.functional.relu, torch.relu),
        (gw.abs, torch.abs),
        (lambda t: gw.clip(t, 0.0, 0.5), lambda t: torch.clamp(t, 0.0, 0.5)),
        (lambda t: gw.nn.functional.leaky_relu(t, 0.1), lambda t: torch.nn.functional.leaky_relu(t, 0.1)),
    ]
    for mine, theirs in pairs:
        np.testing.assert_array_equal(_vjp(mine, x, v)[1], _torch_vjp(torch, theirs, x, v)[1])


def test_relu_method_gradient_at_zero_matches_functional_relu():
    """`Tensor.relu()` and `F.relu` are one function and must agree at 0 (torch's subgradient there is 0)."""
    x = np.array([-1.0, 0.0, 1.0])
    _, functional = _vjp(gw.nn.functional.relu, x, np.ones(3))
    _, method = _vjp(lambda t: t.relu(), x, np.ones(3))
    np.testing.assert_array_equal(functional, [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(method, functional)


def test_pow_exponent_gradient_at_zero_base_is_zero_like_torch(torch):
    base = np.array([0.0, 0.0, 2.0])
    exponent = np.array([2.0, 0.5, 1.5])
    a = gw.tensor(base, requires_grad=True)
    b = gw.tensor(exponent, requires_grad=True)
    with np.errstate(divide="ignore"):  # 0 ** -0.5 in d/da
        ga, gb = gw.grad(a ** b, [a, b], gw.tensor(np.ones(3)))
    ta = torch.tensor(base, requires_grad=True)
    tb = torch.tensor(exponent, requires_grad=True)
    wa, wb = torch.autograd.grad(ta ** tb, [ta, tb], torch.ones(3, dtype=torch.float64))
    np.testing.assert_allclose(gb.data, wb.numpy(), rtol=1e-12)
    assert np.isfinite(gb.data).all() and gb.data[0] == 0.0
    np.testing.assert_allclose(ga.data, wa.numpy(), rtol=1e-12)  # includes 0.5 * 0^-0.5 = inf
    assert np.isinf(ga.data[1])


def test_astype_round_trip_gradient():
    """The float32 table case cannot be finite-differenced; a cast to long double can, and casts back."""
    x = gw.tensor(np.linspace(-1.0, 1.0, 6), requires_grad=True)
    assert gw.gradcheck(lambda t: t.astype(np.longdouble) ** 2, x)
    (g,) = gw.grad(x.astype(np.float32).sum(), [x])
    assert g.dtype == np.float64
    np.testing.assert_array_equal(g.data, np.ones(6))


def test_int_data_gives_default_float_dtype_under_float64_default():
    gw.set_default_dtype(np.float64)
    try:
        assert gw.exp(gw.tensor([1, 2])).dtype == np.float64
        assert gw.sigmoid(gw.tensor([1, 2])).dtype == np.float64
    finally:
        gw.set_default_dtype(np.float32)
    assert gw.exp(gw.tensor([1, 2])).dtype == np.float32


@pytest.mark.filterwarnings("ignore:var\\(\\)")  # torch notes that 0 elements leave no degrees of freedom
def test_mean_and_var_of_an_empty_axis_are_nan_like_torch(torch):
    x = np.zeros((0, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = gw.mean(gw.tensor(x), axis=0).data
        var = gw.var(gw.tensor(x), axis=0).data
    np.testing.assert_array_equal(mean, torch.mean(torch.tensor(x), 0).numpy())
    np.testing.assert_array_equal(var, torch.var(torch.tensor(x), 0, correction=0).numpy())
    assert np.isnan(mean).all() and np.isnan(var).all()


def test_backward_reaches_through_a_multi_output_split():
    x = gw.tensor(np.arange(6.0), requires_grad=True)
    a, b = gw.split(x, 2)
    (a * 2 + b * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2, 2, 2, 3, 3, 3])


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: gw.matmul(gw.tensor(2.0), gw.tensor([1.0])), ValueError, "at least 1 dimension"),
        (lambda: gw.tensor([1.0, 2.0]) @ gw.tensor([1.0, 2.0, 3.0]), ValueError, "different lengths"),
        (lambda: gw.split(gw.tensor(np.zeros(5)), 2), ValueError, "equal sections"),
        (lambda: gw.pad(gw.tensor(np.zeros(3)), -1), ValueError, "non-negative"),
        (lambda: gw.stack([gw.tensor(np.zeros(2)), gw.tensor(np.zeros(3))]), ValueError, "one shape"),
        (lambda: gw.stack([]), ValueError, "at least one"),
        (lambda: gw.concatenate([]), ValueError, "at least one"),
        (lambda: gw.transpose(gw.tensor(np.zeros((2, 3))), (0, 0)), ValueError, "permutation"),
        (lambda: gw.squeeze(gw.tensor(np.zeros((2, 1))), 0), ValueError, "length 2, not 1"),
        (lambda: gw.sum(gw.tensor(np.zeros((2, 3))), axis=2), np.exceptions.AxisError, "out of bounds"),
        (lambda: gw.sum(gw.tensor(np.zeros((2, 3))), axis=(1, -1)), ValueError, "repeated axis"),
        (lambda: gw.max(gw.tensor(np.zeros((0, 3))), axis=0), ValueError, "empty"),
        (lambda: gw.max(gw.tensor(np.zeros((0, 3)))), ValueError, "empty"),
        (lambda: gw.tensor([1, 2], requires_grad=True), TypeError, "floating-point"),
    ],
    ids=lambda p: p if isinstance(p, str) else "",
)
def test_bad_arguments_raise(call, error, match):
    with pytest.raises(error, match=match):
        call()
