"""gradwork.classic: logic gates, the perceptron rule, the step function and the course's graph nodes
(checked against gradwork autograd on random float64 arrays with a random upstream gradient)."""
import numpy as np
import pytest

import gradwork as gw
import gradwork.classic as classic
from gradwork.classic.layers import AddLayer, AffineLayer, MulLayer, ReluLayer, SigmoidLayer, SoftmaxWithLoss
from gradwork.nn import functional as F

INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]]
TRUTH = {"AND": [0, 0, 0, 1], "NAND": [1, 1, 1, 0], "OR": [0, 1, 1, 1], "NOR": [1, 0, 0, 0],
         "XOR": [0, 1, 1, 0]}


# ----- the step function and the gates -------------------------------------------------------------
def test_step_function():
    out = F.step(gw.tensor([-2.0, -0.0, 0.0, 1e-9, 3.0], requires_grad=True))
    assert out.tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]
    assert not out.requires_grad
    assert F.step(np.array([-1, 0, 2])).dtype.kind == "f"


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_gate_truth_tables(name):
    gate = getattr(classic, name)
    assert [gate(a, b) for a, b in INPUTS] == TRUTH[name]
    assert classic.truth_table(gate) == [(a, b, y) for (a, b), y in zip(INPUTS, TRUTH[name])]
    assert all(type(gate(a, b)) is int for a, b in INPUTS)


def test_gates_have_inspectable_fixed_weights():
    assert classic.AND.weights.tolist() == [0.5, 0.5] and classic.AND.bias == -0.7
    assert classic.NAND.weights.tolist() == [-0.5, -0.5] and classic.NAND.bias == 0.7
    assert classic.OR.weights.tolist() == [0.5, 0.5] and classic.OR.bias == -0.2
    with pytest.raises(ValueError):
        classic.AND.weights[0] = 1.0                      # read-only: the gate stays an AND
    assert classic.AND.net_input(1, 1) == pytest.approx(0.3)
    assert "AND" in repr(classic.AND)


def test_xor_is_composed_of_nand_or_and():
    hidden, output = classic.XOR.layers
    assert hidden == (classic.NAND, classic.OR) and output is classic.AND
    for a, b in INPUTS:
        assert classic.XOR(a, b) == classic.AND(classic.NAND(a, b), classic.OR(a, b)) == a ^ b
    assert "AND(NAND, OR)" in repr(classic.XOR)


def test_gates_take_arrays():
    x1, x2 = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    assert classic.AND(x1, x2).tolist() == TRUTH["AND"]
    assert classic.XOR(x1, x2).tolist() == TRUTH["XOR"]


def test_custom_gate_checks_its_weights():
    gate = classic.Gate("IMPLIES", (-1.0, 1.0), 0.5)
    assert [gate(a, b) for a, b in INPUTS] == [1, 1, 0, 1]
    with pytest.raises(ValueError):
        classic.Gate("BAD", (1.0, 2.0, 3.0), 0.0)


# ----- the perceptron ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["AND", "OR", "NAND", "NOR"])
def test_perceptron_learns_linearly_separable_gates(name):
    p = classic.Perceptron(2, learning_rate=0.1).fit(INPUTS, TRUTH[name], epochs=100)
    assert p.converged_epoch_ is not None and p.converged_epoch_ == len(p.errors_)
    assert p.errors_[-1] == 0 and all(e > 0 for e in p.errors_[:-1])
    assert p.predict(INPUTS).tolist() == TRUTH[name]
    assert len(p.history_) == len(p.errors_)
    np.testing.assert_array_equal(p.history_[-1][0], p.weights)


def test_perceptron_cannot_learn_xor():
    p = classic.Perceptron(2, learning_rate=0.1).fit(INPUTS, TRUTH["XOR"], epochs=50)
    assert p.converged_epoch_ is None
    assert len(p.errors_) == 50 and min(p.errors_) > 0      # no epoch is error-free
    assert p.predict(INPUTS).tolist() != TRUTH["XOR"]


def test_two_layer_network_learns_xor_where_the_perceptron_fails():
    gw.random.seed(0)
    model = gw.Sequential([gw.nn.Input(shape=(2,)), gw.nn.Dense(4, activation="tanh"),
                           gw.nn.Dense(1, activation="sigmoid")])
    model.compile(optimizer=gw.optimizers.Adam(0.1), loss="binary_crossentropy")
    x, y = np.array(INPUTS, np.float32), np.array(TRUTH["XOR"], np.float32)[:, None]
    model.fit(x, y, batch_size=4, epochs=150, verbose=0)
    assert (model.predict(x, verbose=0).ravel() > 0.5).astype(int).tolist() == TRUTH["XOR"]


def test_perceptron_predict_one_sample_or_a_batch():
    p = classic.Perceptron(2).fit(INPUTS, TRUTH["AND"])
    assert p.learning_rate == 0.01
    assert p.predict([1, 1]) == 1 and type(p.predict([1, 1])) is int
    assert p.predict(np.array([[1, 1], [0, 1]])).tolist() == [1, 0]
    assert p.predict(gw.tensor([[1.0, 1.0]])).tolist() == [1]
    assert p.weights.shape == (2,) and isinstance(p.bias, float)
    assert p.net_input([1, 1]) == pytest.approx(p.weights.sum() + p.bias)


def test_perceptron_update_rule_by_hand():
    """One epoch on two samples from zeros: a 0-vs-1 mistake adds eta * x, a 1-vs-0 mistake subtracts it."""
    p = classic.Perceptron(2, learning_rate=0.5)
    p.fit([[1.0, 2.0], [3.0, -1.0]], [1, 0], epochs=1)
    # sample 1: predict step(0) = 0, target 1 -> w = 0.5*[1, 2], b = 0.5
    # sample 2: w.x + b = 0.5*(3 - 2) + 0.5 = 1 > 0 -> predict 1, target 0 -> w -= 0.5*[3, -1], b -= 0.5
    np.testing.assert_allclose(p.weights, [0.5 - 1.5, 1.0 + 0.5])
    assert p.bias == pytest.approx(0.0)
    assert p.errors_ == [2] and p.converged_epoch_ is None


def test_perceptron_converges_on_separable_data():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (200, 3))
    w_true, b_true = np.array([1.0, -2.0, 0.5]), 0.1
    margin = x @ w_true + b_true
    x, y = x[np.abs(margin) > 0.1], (margin[np.abs(margin) > 0.1] > 0).astype(int)
    p = classic.Perceptron(3, learning_rate=0.05, init_scale=0.1, seed=1).fit(x, y, epochs=1000, shuffle=True)
    assert p.converged_epoch_ is not None
    assert (p.predict(x) == y).all()


def test_perceptron_refit_resets_and_shuffle_is_reproducible():
    runs = [classic.Perceptron(2, 0.1, init_scale=0.1, seed=3).fit(INPUTS, TRUTH["NAND"], shuffle=True)
            for _ in range(2)]
    assert runs[0].errors_ == runs[1].errors_
    np.testing.assert_array_equal(runs[0].weights, runs[1].weights)
    p = runs[0]
    p.fit(INPUTS, TRUTH["XOR"], epochs=5)
    assert len(p.errors_) == 5 and p.converged_epoch_ is None


@pytest.mark.parametrize("make, fit_args", [
    (lambda: classic.Perceptron(0), None),
    (lambda: classic.Perceptron(2, learning_rate=0.0), None),
    (lambda: classic.Perceptron(2), (INPUTS, [0, 1, 2, 0])),          # labels must be 0/1
    (lambda: classic.Perceptron(2), (INPUTS, [0, 1, 1])),             # one label per sample
    (lambda: classic.Perceptron(3), (INPUTS, [0, 1, 1, 0])),          # feature count
])
def test_perceptron_errors(make, fit_args):
    with pytest.raises(ValueError):
        make().fit(*fit_args)


def test_perceptron_predict_checks_shape():
    with pytest.raises(ValueError):
        classic.Perceptron(2).predict([1.0, 2.0, 3.0])


# ----- the computational-graph nodes ---------------------------------------------------------------
def _autograd(fn, arrays, cotangent=None):
    ts = [gw.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*ts)
    out.backward(None if cotangent is None else gw.tensor(cotangent))
    return out.numpy(), [t.grad.numpy() for t in ts]


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.mark.parametrize("node, fn", [(MulLayer, lambda a, b: a * b), (AddLayer, lambda a, b: a + b)])
@pytest.mark.parametrize("shape_y", [(3, 4), (4,), (3, 1), ()])
def test_binary_nodes_match_autograd(rng, node, fn, shape_y):
    x, y, g = rng.standard_normal((3, 4)), rng.standard_normal(shape_y), rng.standard_normal((3, 4))
    layer = node()
    out = layer.forward(x, y)
    dx, dy = layer.backward(g)
    ref, (ref_dx, ref_dy) = _autograd(fn, [x, y], g)
    np.testing.assert_allclose(out, ref, rtol=1e-12)
    np.testing.assert_allclose(dx, ref_dx, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(np.reshape(dy, shape_y), ref_dy, rtol=1e-12, atol=1e-14)
    assert np.shape(dy) == shape_y


@pytest.mark.parametrize("node, fn", [(ReluLayer, F.relu), (SigmoidLayer, gw.sigmoid)])
def test_unary_nodes_match_autograd(rng, node, fn):
    x, g = rng.standard_normal((5, 6)), rng.standard_normal((5, 6))
    x_before, g_before = x.copy(), g.copy()
    layer = node()
    out = layer.forward(x)
    dx = layer.backward(g)
    ref, (ref_dx,) = _autograd(fn, [x], g)
    np.testing.assert_allclose(out, ref, rtol=1e-12)
    np.testing.assert_allclose(dx, ref_dx, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(x, x_before)             # nothing written into the input ...
    np.testing.assert_array_equal(g, g_before)             # ... or into the incoming gradient


def test_sigmoid_node_is_stable_for_large_inputs():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = SigmoidLayer().forward(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(out, [0.0, 0.5, 1.0])


@pytest.mark.parametrize("x_shape", [(4, 6), (4, 2, 3)])
def test_affine_node_matches_autograd(rng, x_shape):
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal((6, 3)), rng.standard_normal(3)
    g = rng.standard_normal((4, 3))
    layer = AffineLayer(w, b)
    out = layer.forward(x)
    dx = layer.backward(g)
    ref, (ref_dx, ref_dw, ref_db) = _autograd(lambda a, W, bb: a.reshape(4, 6) @ W + bb, [x, w, b], g)
    np.testing.assert_allclose(out, ref, rtol=1e-12)
    assert dx.shape == x_shape
    for got, want in ((dx, ref_dx), (layer.dW, ref_dw), (layer.db, ref_db)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    assert layer.grads["W"] is layer.dW and layer.params["b"] is layer.b


def test_affine_node_checks_shapes():
    with pytest.raises(ValueError):
        AffineLayer(np.zeros((3, 2)), np.zeros(3))
    with pytest.raises(ValueError):
        AffineLayer(np.zeros((3, 2)), np.zeros(2)).forward(np.zeros((4, 5)))


def test_softmax_with_loss_matches_cross_entropy(rng):
    x, labels = rng.standard_normal((6, 4)), rng.integers(0, 4, 6)
    ref, (ref_dx,) = _autograd(lambda a: F.cross_entropy(a, labels), [x])
    for target in (labels, np.eye(4)[labels]):             # integer labels or one-hot
        node = SoftmaxWithLoss()
        assert node.forward(x, target) == pytest.approx(float(ref), rel=1e-12)
        np.testing.assert_allclose(node.backward(), ref_dx, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(node.y.sum(axis=1), 1.0)
    soft = rng.dirichlet(np.ones(4), 6)                    # probability targets
    ref_soft, (ref_soft_dx,) = _autograd(lambda a: F.cross_entropy(a, soft), [x])
    node = SoftmaxWithLoss()
    assert node.forward(x, soft) == pytest.approx(float(ref_soft), rel=1e-12)
    np.testing.assert_allclose(node.backward(2.0), 2.0 * ref_soft_dx, rtol=1e-12, atol=1e-15)


def test_softmax_with_loss_is_stable_and_checks_labels():
    node = SoftmaxWithLoss()
    loss = node.forward(np.array([[1000.0, 0.0, -1000.0]]), np.array([0]))
    assert loss == pytest.approx(0.0) and np.isfinite(node.backward()).all()
    with pytest.raises(ValueError):
        node.forward(np.zeros((2, 3)), np.array([0, 3]))


def test_apple_orange_chain():
    mul_apple, mul_orange, add, mul_tax = MulLayer(), MulLayer(), AddLayer(), MulLayer()
    price = mul_tax.forward(add.forward(mul_apple.forward(100.0, 2.0), mul_orange.forward(150.0, 3.0)), 1.1)
    d_all, d_tax = mul_tax.backward(1.0)
    d_apple_price, d_orange_price = add.backward(d_all)
    d_apple, d_apple_num = mul_apple.backward(d_apple_price)
    d_orange, d_orange_num = mul_orange.backward(d_orange_price)
    assert price == pytest.approx(715.0)
    assert (d_apple, d_apple_num, d_orange, d_orange_num, d_tax) == pytest.approx(
        (2.2, 110.0, 3.3, 165.0, 650.0))
    assert all(type(v) is float for v in (d_apple, d_apple_num, d_tax))


def test_network_of_nodes_matches_numerical_gradient(rng):
    x, t = rng.standard_normal((3, 4)), rng.integers(0, 2, 3)
    w1, b1 = rng.standard_normal((4, 5)), rng.standard_normal(5)
    w2, b2 = rng.standard_normal((5, 2)), np.zeros(2)
    nodes = [AffineLayer(w1, b1), SigmoidLayer(), AffineLayer(w2, b2)]
    last = SoftmaxWithLoss()

    def loss(_=None):
        h = x
        for node in nodes:
            h = node.forward(h)
        return last.forward(h, t)

    loss()
    g = last.backward()
    for node in reversed(nodes):
        g = node.backward(g)
    for layer, w, b in ((nodes[0], w1, b1), (nodes[2], w2, b2)):
        np.testing.assert_allclose(layer.dW, gw.numerical_gradient(loss, w), rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(layer.db, gw.numerical_gradient(loss, b), rtol=1e-6, atol=1e-9)
