"""The gradient checkers themselves: they must pass correct gradients and catch wrong ones.

A checker that passes everything is worse than none, so each kind of mistake it should catch
has a deliberately wrong `gw.Function` here that it must reject: a plainly wrong scale, an error
that a plain `sum(f(x))` check cannot see (softmax rows sum to 1), and a backward that is right
to first order but not differentiable (a detached array where a tensor belongs).
"""
import warnings

import numpy as np
import pytest

import gradwork as gw


def leaf(data, dtype=np.float64):
    return gw.tensor(np.asarray(data, dtype=dtype), requires_grad=True)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# ----- deliberately right and wrong Functions --------------------------------------------------


class Cube(gw.Function):
    """x^3 with a correct backward written in tensor operations."""

    def forward(self, a):
        return a**3

    def backward(self, g):
        (a,) = self.inputs
        return (g * 3 * a * a,)


class CubeTwiceTooSteep(Cube):
    def backward(self, g):
        (a,) = self.inputs
        return (g * 6 * a * a,)


class RowSoftmax(gw.Function):
    """Softmax over the last axis with the correct vector-Jacobian product y * (g - sum(g * y))."""

    def forward(self, a):
        e = np.exp(a - a.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def backward(self, g):
        y = self.output
        return (y * (g - (g * y).sum(axis=-1, keepdims=True)),)


class RowSoftmaxCenteredByMean(RowSoftmax):
    """A plausible slip: g centred by its plain mean, not its y-weighted sum. Right when g is uniform."""

    def backward(self, g):
        y = self.output
        return (y * (g - g.mean(axis=-1, keepdims=True)),)


class RowSoftmaxZeroGrad(RowSoftmax):
    """Claims no gradient at all; the true gradient of sum(softmax(x)) is zero too."""

    def backward(self, g):
        return (g * 0.0,)


class Square(gw.Function):
    def forward(self, a):
        return a * a

    def backward(self, g):
        (a,) = self.inputs
        return (g * 2 * a,)


class SquareWithDetachedSlope(Square):
    """Right values, but 2a is a saved constant array: the second derivative through it is lost."""

    def forward(self, a):
        self.slope = 2 * a
        return a * a

    def backward(self, g):
        return (g * gw.from_numpy(self.slope),)


# ----- gradcheck ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fn, shapes",
    [
        (lambda x: Cube()(x), [(3, 2)]),
        (lambda x: RowSoftmax()(x), [(3, 4)]),
        (lambda x, w: (x @ w).tanh(), [(3, 4), (4, 2)]),
        (lambda x, y: (x * y + x / (y * y + 1)).exp(), [(2, 3), (3,)]),
        (lambda x: (x.exp().sum(1, keepdims=True).log(), x * 2), [(2, 3)]),  # two outputs
    ],
    ids=["cube", "softmax", "tanh-matmul", "broadcast", "two-outputs"],
)
def test_gradcheck_passes_correct_functions(fn, shapes, rng):
    inputs = tuple(leaf(rng.standard_normal(s)) for s in shapes)
    assert gw.gradcheck(fn, inputs) is True


def test_gradcheck_accepts_a_single_tensor_and_constant_inputs(rng):
    x = leaf(rng.standard_normal(3))
    assert gw.gradcheck(lambda t: t * t, x)
    c = gw.tensor(rng.standard_normal(3))
    assert gw.gradcheck(lambda t, k, scale: t * k * scale, (x, c, 2.5))


def test_gradcheck_passes_an_input_that_does_not_affect_the_output(rng):
    x, unused = leaf(rng.standard_normal(2)), leaf(rng.standard_normal(2))
    assert gw.gradcheck(lambda a, b: a * 2, (x, unused))


def test_gradcheck_restores_the_inputs(rng):
    x = leaf(rng.standard_normal((2, 3)))
    before = x.data.copy()
    gw.gradcheck(lambda t: t.tanh(), x)
    np.testing.assert_array_equal(x.data, before)
    assert x.grad is None  # the check does not touch .grad


def test_gradcheck_catches_a_wrong_scale(rng):
    x = leaf(rng.standard_normal((2, 3)) + 0.5)
    with pytest.raises(gw.GradcheckError, match=r"input 0 .*analytic.*numerical"):
        gw.gradcheck(lambda t: CubeTwiceTooSteep()(t), x)
    assert gw.gradcheck(lambda t: CubeTwiceTooSteep()(t), x, raise_exception=False) is False


def test_gradcheck_names_the_wrong_input(rng):
    x, y = leaf(rng.standard_normal(3)), leaf(rng.standard_normal(3))
    with pytest.raises(gw.GradcheckError, match="input 1"):
        gw.gradcheck(lambda a, b: a * 2 + CubeTwiceTooSteep()(b), (x, y))


def test_gradcheck_error_is_an_assertion_error():
    assert issubclass(gw.GradcheckError, AssertionError)


@pytest.mark.parametrize("wrong", [RowSoftmaxCenteredByMean, RowSoftmaxZeroGrad])
def test_gradcheck_catches_errors_a_plain_sum_cannot_see(wrong, rng):
    x = leaf(rng.standard_normal((3, 4)))
    # With a uniform cotangent (what checking sum(f(x)) amounts to) the wrong backward agrees
    # with the right one, so only a non-uniform cotangent can expose it.
    (right,) = gw.grad(RowSoftmax()(x).sum(), [x])
    (wrong_,) = gw.grad(wrong()(x).sum(), [x])
    np.testing.assert_allclose(wrong_.data, right.data, atol=1e-12)
    np.testing.assert_allclose(right.data, 0.0, atol=1e-12)
    with pytest.raises(gw.GradcheckError):
        gw.gradcheck(lambda t: wrong()(t), x)
    assert gw.gradcheck(lambda t: RowSoftmax()(t), x)


def test_gradcheck_warns_on_float32_inputs():
    x = leaf([0.5, -1.0, 2.0], np.float32)
    with pytest.warns(UserWarning, match="float64"):
        gw.gradcheck(lambda t: t * 3.0, x, eps=1e-2, atol=1e-2, raise_exception=False)


def test_gradcheck_does_not_warn_on_float64_inputs():
    x = leaf([0.5, -1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gw.gradcheck(lambda t: t * 3.0, x)


def test_gradcheck_needs_an_input_that_requires_grad():
    with pytest.raises(ValueError, match="requires_grad"):
        gw.gradcheck(lambda t: t * 2, gw.tensor([1.0], dtype=np.float64))


def test_gradcheck_agrees_with_torch_on_the_same_functions():
    torch = pytest.importorskip("torch")
    x = torch.tensor(np.random.default_rng(1).standard_normal((3, 4)), requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: torch.softmax(t, -1), (x,))
    assert gw.gradcheck(lambda t: RowSoftmax()(t), leaf(x.detach().numpy()))


# ----- gradgradcheck ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fn, shapes",
    [
        (lambda x: Cube()(x), [(3,)]),
        (lambda x: Square()(x), [(2, 2)]),
        (lambda x: RowSoftmax()(x), [(2, 3)]),
        (lambda x, w: (x @ w).tanh(), [(2, 3), (3, 2)]),
        (lambda x: (x.exp() * x).sum(0), [(3, 2)]),
    ],
    ids=["cube", "square", "softmax", "tanh-matmul", "exp-times-x"],
)
def test_gradgradcheck_passes_correct_functions(fn, shapes, rng):
    inputs = tuple(leaf(rng.standard_normal(s)) for s in shapes)
    assert gw.gradgradcheck(fn, inputs) is True


def test_gradgradcheck_catches_a_detached_constant_in_backward(rng):
    x = leaf(rng.standard_normal(4))
    assert gw.gradcheck(lambda t: SquareWithDetachedSlope()(t), x)  # first order is right
    with pytest.raises(gw.GradcheckError):
        gw.gradgradcheck(lambda t: SquareWithDetachedSlope()(t), x)
    assert gw.gradgradcheck(lambda t: SquareWithDetachedSlope()(t), x, raise_exception=False) is False


def test_gradgradcheck_with_given_grad_outputs(rng):
    x = leaf(rng.standard_normal(3))
    v = leaf(rng.standard_normal(3))
    assert gw.gradgradcheck(lambda t: t.tanh(), x, grad_outputs=v)


# ----- numerical_gradient --------------------------------------------------------------------


def test_numerical_gradient_of_a_plain_array_function(rng):
    x = rng.standard_normal((3, 2))
    g = gw.numerical_gradient(lambda a: np.sum(a**2) + 3 * a[0, 1], x)
    expected = 2 * x
    expected[0, 1] += 3
    np.testing.assert_allclose(g, expected, rtol=1e-6, atol=1e-8)
    assert g.shape == x.shape and g.dtype == x.dtype


def test_numerical_gradient_course_style_closure_matches_backward(rng):
    """As in the course: f ignores its argument and reads the weights through a closure."""
    w = leaf(rng.standard_normal((3, 2)))
    b = leaf(rng.standard_normal(2))
    data = gw.tensor(rng.standard_normal((4, 3)))
    target = gw.tensor(rng.standard_normal((4, 2)))

    def loss():
        err = (data @ w + b).tanh() - target
        return (err * err).mean()

    w_before, b_before = w.data.copy(), b.data.copy()
    numeric_w = gw.numerical_gradient(lambda _: loss(), w)
    numeric_b = gw.numerical_gradient(lambda _: loss().item(), b.data)
    np.testing.assert_array_equal(w.data, w_before)  # restored exactly, element by element
    np.testing.assert_array_equal(b.data, b_before)

    loss().backward()
    np.testing.assert_allclose(numeric_w, w.grad.data, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(numeric_b, b.grad.data, rtol=1e-6, atol=1e-9)


def test_numerical_gradient_catches_a_wrong_analytic_gradient(rng):
    x = leaf(rng.standard_normal(4) + 0.5)
    CubeTwiceTooSteep()(x).sum().backward()
    numeric = gw.numerical_gradient(lambda t: (t.data**3).sum(), x)
    assert not np.allclose(numeric, x.grad.data, rtol=1e-3)
    np.testing.assert_allclose(numeric, 3 * x.data**2, rtol=1e-6)


def test_numerical_gradient_restores_x_when_f_raises():
    x = np.array([1.0, 2.0, 3.0])
    calls = []

    def f(a):
        calls.append(a.copy())
        if len(calls) == 4:
            raise RuntimeError("boom")
        return a.sum()

    with pytest.raises(RuntimeError, match="boom"):
        gw.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])
    np.testing.assert_allclose(calls[3], [1.0, 2.0 - 1e-4, 3.0])  # it was mid-perturbation


def test_numerical_gradient_needs_a_float_array():
    with pytest.raises(TypeError, match="floating-point"):
        gw.numerical_gradient(lambda a: a.sum(), np.array([1, 2, 3]))
    with pytest.raises(TypeError):
        gw.numerical_gradient(lambda a: 0.0, [1.0, 2.0])
