"""Backward semantics of the engine: seeds, accumulation, graph lifetime, broadcasting, grad mode,
gradient aliasing, dtypes, and higher-order derivatives (`create_graph`, `gw.grad`).

The operations used are the basic ones (+ - * / ** @, exp, tanh, sum); their own rules are
tested op by op in test_ops*. Where PyTorch behaves the same the test compares with it.
"""
import threading
import weakref

import numpy as np
import pytest

import gradwork as gw


@pytest.fixture(autouse=True)
def grad_mode_is_restored():
    """Every test must leave graph recording on; a test that does not is a failure, not a leak."""
    assert gw.is_grad_enabled()
    yield
    enabled = gw.is_grad_enabled()
    gw.set_grad_enabled(True)
    assert enabled, "the test left grad mode off"


def leaf(data, dtype=np.float64):
    return gw.tensor(np.asarray(data, dtype=dtype), requires_grad=True)


def rand(rng, *shape):
    return rng.standard_normal(shape)


# ----- seeds and the grad argument ------------------------------------------------------------


def test_scalar_output_is_seeded_with_one():
    x = leaf([1.0, 2.0, 3.0])
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 4.0, 6.0])


def test_one_element_output_of_any_shape_is_seeded_with_one():
    x = leaf([[2.0]])
    (x * 3).backward()
    np.testing.assert_array_equal(x.grad.data, [[3.0]])


def test_non_scalar_output_needs_a_grad_argument():
    y = leaf([1.0, 2.0]) * 2
    with pytest.raises(RuntimeError, match="scalar"):
        y.backward()


def test_backward_on_a_tensor_without_graph_is_an_error():
    with pytest.raises(RuntimeError, match="does not require grad"):
        gw.tensor([1.0, 2.0]).sum().backward()
    x = leaf([1.0])
    with gw.no_grad():
        y = x * 2
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


@pytest.mark.parametrize("as_tensor", [True, False], ids=["Tensor", "ndarray"])
def test_explicit_grad_argument(as_tensor):
    x = leaf([1.0, 2.0, 3.0])
    v = np.array([0.5, -1.0, 2.0])
    (x * x).backward(gw.tensor(v) if as_tensor else v)
    np.testing.assert_array_equal(x.grad.data, 2 * x.data * v)


def test_grad_argument_of_the_wrong_shape_is_an_error():
    y = leaf([1.0, 2.0]) * 2
    with pytest.raises(RuntimeError, match="shape"):
        y.backward(np.ones(3))


def test_explicit_grad_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    a, b, v = rand(rng, 3, 4), rand(rng, 4, 2), rand(rng, 3, 2)
    x, w = leaf(a), leaf(b)
    (x @ w).tanh().backward(gw.tensor(v))
    tx, tw = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    (tx @ tw).tanh().backward(torch.tensor(v))
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), rtol=1e-12)


# ----- accumulation and graph lifetime ---------------------------------------------------------


def test_gradients_accumulate_over_two_backward_calls_on_a_retained_graph():
    torch = pytest.importorskip("torch")
    x = leaf([1.0, -2.0])
    z = (x * x * x).sum()
    z.backward(retain_graph=True)
    np.testing.assert_allclose(x.grad.data, 3 * x.data**2)
    z.backward()
    tx = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
    tz = (tx * tx * tx).sum()
    tz.backward(retain_graph=True)
    tz.backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy())
    np.testing.assert_allclose(x.grad.data, 6 * x.data**2)


def test_gradients_accumulate_over_separate_graphs():
    x = leaf([1.0, 2.0])
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, 3 + 2 * x.data)


def test_second_backward_without_retain_graph_is_an_error():
    x = leaf([1.0, 2.0])
    z = (x.exp() * 2).sum()
    z.backward()
    with pytest.raises(RuntimeError, match=r"second time.*retain_graph=True"):
        z.backward()
    np.testing.assert_allclose(x.grad.data, 2 * np.exp(x.data))  # the failed call added nothing


def test_backward_through_a_freed_part_of_the_graph_is_an_error():
    x = leaf([1.0, 2.0])
    y = x.exp()
    (y * 2).sum().backward()
    with pytest.raises(RuntimeError, match="second time"):
        (y * 3).sum().backward()  # new node on top, but y's node was freed


def test_graph_is_freed_after_backward():
    x = leaf(np.ones(1000))
    y = x.exp()
    z = (y * y).sum()
    alive = weakref.ref(y)
    node = z.grad_fn
    del y
    assert alive() is not None  # held by z's graph
    z.backward()
    assert alive() is None  # the graph let go of the intermediate (no cycle: freed at once)
    assert node.inputs is None


def test_retain_graph_keeps_the_graph():
    x = leaf(np.ones(3))
    y = x.exp()
    z = (y * y).sum()
    alive = weakref.ref(y)
    del y
    z.backward(retain_graph=True)
    assert alive() is not None
    z.backward()
    assert alive() is None


# ----- structure: broadcasting, reuse, diamonds, depth ---------------------------------------


@pytest.mark.parametrize(
    "shape_a, shape_b",
    [((3, 1), (4,)), ((4,), (3, 1)), ((2, 3, 4), (3, 1)), ((), (2, 3)), ((2, 3), ()), ((1, 3), (2, 1))],
)
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
def test_broadcast_gradients_are_reduced_to_the_input_shape(shape_a, shape_b, op):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    da, db = rand(rng, *shape_a), rand(rng, *shape_b) + 3.0
    f = {
        "add": lambda a, b: a + b,
        "sub": lambda a, b: a - b,
        "mul": lambda a, b: a * b,
        "div": lambda a, b: a / b,
    }[op]
    a, b = leaf(da), leaf(db)
    out = f(a, b)
    v = rand(rng, *out.shape)
    out.backward(v)
    ta, tb = torch.tensor(da, requires_grad=True), torch.tensor(db, requires_grad=True)
    f(ta, tb).backward(torch.tensor(v))
    assert a.grad.shape == shape_a and b.grad.shape == shape_b
    np.testing.assert_allclose(a.grad.data, ta.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(b.grad.data, tb.grad.numpy(), rtol=1e-10)


def test_reused_tensor():
    x = leaf([1.0, -2.0, 3.0])
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, 2 * x.data)
    x.zero_grad()
    (x + x + x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0, 3.0])


def test_diamond_graph_matches_torch():
    torch = pytest.importorskip("torch")
    data = np.array([0.5, -1.0, 2.0])

    def f(m, a):
        b = a * 2
        c = m.exp(a) if m is gw else a.exp()
        d = b * c + b / (c + 1)
        return (d * d).sum()

    x = leaf(data)
    f(gw, x).backward()
    tx = torch.tensor(data, requires_grad=True)
    f(torch, tx).backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12)


def test_two_outputs_sharing_a_subgraph():
    x = leaf([1.0, 2.0])
    h = x * x
    y1, y2 = h * 3, h.exp()
    expected = 6 * x.data + 2 * x.data * np.exp(x.data**2)
    (g,) = gw.grad([y1.sum(), y2.sum()], [x], retain_graph=True)
    np.testing.assert_allclose(g.data, expected)
    (y1.sum() + y2.sum()).backward()
    np.testing.assert_allclose(x.grad.data, expected)


def test_a_10000_operation_chain():
    x = leaf(1.0)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.backward()
    np.testing.assert_allclose(y.data, 1.0001**10_000, rtol=1e-10)
    np.testing.assert_allclose(x.grad.data, 1.0001**10_000, rtol=1e-10)


def test_a_10000_operation_chain_kept_and_differentiated_twice():
    x = leaf(2.0)
    y = x
    for _ in range(5_000):
        y = y + x
        y = y - 1.0
    (g,) = gw.grad(y, [x], create_graph=True)  # y = 5001 x - 5000
    assert g.item() == 5001.0
    assert g.requires_grad is False  # dy/dx is a constant: no path back to x
    y.backward()
    assert x.grad.item() == 5001.0
    del y, g  # tearing down a deep graph must not overflow either


# ----- grad mode ----------------------------------------------------------------------------


def test_no_grad_context():
    x = leaf([1.0, 2.0])
    with gw.no_grad():
        assert not gw.is_grad_enabled()
        y = x * 2
    assert gw.is_grad_enabled()
    assert not y.requires_grad and y.is_leaf and y.grad_fn is None
    assert (x * 2).requires_grad


def test_no_grad_decorator():
    x = leaf([1.0, 2.0])

    @gw.no_grad()
    def infer(t):
        """docstring kept"""
        return t * 2, gw.is_grad_enabled()

    y, enabled = infer(x)
    assert not y.requires_grad and not enabled
    assert gw.is_grad_enabled()
    assert infer.__name__ == "infer" and infer.__doc__ == "docstring kept"


def test_no_grad_nested_and_enable_grad_inside():
    x = leaf([1.0, 2.0])
    with gw.no_grad():
        with gw.no_grad():
            assert not (x * 2).requires_grad
        assert not gw.is_grad_enabled()  # the inner block restored "off", not "on"
        with gw.enable_grad():
            y = x * 2
            assert gw.is_grad_enabled()
        assert not (x * 2).requires_grad
    assert y.requires_grad
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 2.0])


def test_enable_grad_decorator_inside_no_grad():
    x = leaf([1.0])

    @gw.enable_grad()
    def train_step(t):
        return t * 3

    with gw.no_grad():
        y = train_step(x)
    assert y.requires_grad


def test_grad_mode_is_restored_after_an_exception():
    with pytest.raises(KeyError), gw.no_grad():
        raise KeyError("inside no_grad")
    assert gw.is_grad_enabled()

    @gw.no_grad()
    def fails():
        raise ValueError

    with pytest.raises(ValueError):
        fails()
    assert gw.is_grad_enabled()


def test_set_grad_enabled_context_and_decorator():
    x = leaf([1.0])
    with gw.set_grad_enabled(False):
        assert not (x * 2).requires_grad
        with gw.set_grad_enabled(True):
            assert (x * 2).requires_grad
        assert not gw.is_grad_enabled()
    assert gw.is_grad_enabled()

    @gw.set_grad_enabled(False)
    def infer(t):
        return t * 2

    assert gw.is_grad_enabled()  # decorating switches nothing by itself
    assert not infer(x).requires_grad
    assert gw.is_grad_enabled()


def test_set_grad_enabled_as_a_plain_call():
    """As `torch.set_grad_enabled(False)`: called on its own, it switches the mode until changed back."""
    x = leaf([1.0])
    gw.set_grad_enabled(False)
    try:
        assert not gw.is_grad_enabled()
        assert not (x * 2).requires_grad
    finally:
        gw.set_grad_enabled(True)
    assert (x * 2).requires_grad


def test_set_grad_enabled_as_torch():
    torch = pytest.importorskip("torch")
    for m in (gw, torch):
        m.set_grad_enabled(False)
        off = m.is_grad_enabled()
        with m.set_grad_enabled(True):
            inside = m.is_grad_enabled()
        after = m.is_grad_enabled()
        m.set_grad_enabled(True)
        assert (off, inside, after) == (False, True, False), m.__name__


def test_grad_mode_is_per_thread():
    x = leaf([1.0, 2.0])
    in_no_grad, main_done = threading.Event(), threading.Event()
    seen = {}

    def worker():
        seen["start"] = gw.is_grad_enabled()  # a new thread starts with recording on
        with gw.no_grad():
            in_no_grad.set()
            main_done.wait(5)
            seen["worker"] = (x * 2).requires_grad
        seen["end"] = gw.is_grad_enabled()

    t = threading.Thread(target=worker)
    t.start()
    assert in_no_grad.wait(5)
    try:
        assert gw.is_grad_enabled()  # the worker's no_grad does not reach this thread
        y = x * 2
    finally:
        main_done.set()
        t.join(5)
    assert y.requires_grad
    assert seen == {"start": True, "worker": False, "end": True}


def test_new_thread_records_even_when_the_main_thread_is_in_no_grad():
    x = leaf([1.0])
    seen = []
    with gw.no_grad():
        t = threading.Thread(target=lambda: seen.append((x * 2).requires_grad))
        t.start()
        t.join(5)
    assert seen == [True]


# ----- the stored gradients: their own memory, their own dtype -------------------------------


def test_leaf_grads_do_not_alias_each_other():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (a + b).sum().backward()
    assert a.grad is not b.grad
    a.grad.data[0] = 100.0  # an in-place change to one gradient (as an optimizer or clipping does)
    np.testing.assert_array_equal(b.grad.data, [1.0, 1.0])


def test_leaf_grads_do_not_alias_each_other_or_the_grad_argument():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    v = gw.tensor([0.5, 0.25], dtype=np.float64)
    (a + b).backward(v)
    a.grad.data *= 2.0
    np.testing.assert_array_equal(b.grad.data, [0.5, 0.25])
    np.testing.assert_array_equal(v.data, [0.5, 0.25])


def test_leaf_grads_do_not_alias_with_create_graph():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    v = gw.tensor([0.5, 0.25], dtype=np.float64)
    (a + b).backward(v, create_graph=True)
    assert not np.shares_memory(a.grad.data, b.grad.data)
    assert not np.shares_memory(a.grad.data, v.data)
    a.grad.data[0] = 9.0
    np.testing.assert_array_equal(b.grad.data, [0.5, 0.25])


def test_leaf_grads_do_not_alias_through_views():
    x = leaf(np.arange(6.0))
    v = np.arange(6.0).reshape(2, 3)
    x.reshape(2, 3).backward(v)  # the gradient arrives as a reshaped view of v
    assert not np.shares_memory(x.grad.data, v)
    x.grad.data[:] = 0.0
    np.testing.assert_array_equal(v, np.arange(6.0).reshape(2, 3))


def test_leaf_output_grad_is_a_copy_of_the_grad_argument():
    x = leaf([1.0, 2.0])
    v = gw.tensor([3.0, 4.0], dtype=np.float64)
    x.backward(v)
    assert x.grad is not v and not np.shares_memory(x.grad.data, v.data)
    x.backward(v)  # accumulating must not write into v either
    np.testing.assert_array_equal(x.grad.data, [6.0, 8.0])
    np.testing.assert_array_equal(v.data, [3.0, 4.0])


def test_backward_does_not_write_into_the_grad_argument():
    a, b = leaf([1.0, -2.0, 3.0]), leaf([0.5, 0.5, 0.5])
    v = np.array([1.0, 2.0, 3.0])
    before = v.copy()
    y = a * b + a + b.exp()
    y.retain_grad()
    y.backward(v, retain_graph=True)
    y.backward(v)
    for g in (a.grad, b.grad, y.grad):
        g.data += 1.0
    np.testing.assert_array_equal(v, before)


def test_backward_does_not_write_into_saved_arrays():
    x = leaf([-1.0, 0.5, 2.0])
    y = x.exp()
    t = x.tanh()
    r = x.relu()
    saved = [y.data.copy(), t.data.copy(), r.data.copy(), x.data.copy()]
    z = (y * t + r * y + t * t).sum()
    z.backward(retain_graph=True)
    first = x.grad.data.copy()
    x.grad.data[:] = 1e6  # mutate the stored gradient in place, then backward again
    x.grad = None
    z.backward()
    for arr, tensor in zip(saved, (y, t, r, x)):
        np.testing.assert_array_equal(tensor.data, arr)
    np.testing.assert_array_equal(x.grad.data, first)


def test_grad_is_a_tensor_without_graph():
    x = leaf([1.0, 2.0])
    (x * x).sum().backward()
    assert isinstance(x.grad, gw.Tensor)
    assert not x.grad.requires_grad and x.grad.grad_fn is None


@pytest.mark.parametrize("dtype_a, dtype_b", [(np.float32, np.float64), (np.float64, np.float32),
                                              (np.float16, np.float32)])
def test_mixed_dtype_graph_gives_each_leaf_its_own_dtype(dtype_a, dtype_b):
    a = leaf([1.0, 0.5], dtype_a)
    b = leaf([0.5, 1.0], dtype_b)
    (a * b + a).exp().sum().backward()
    assert a.grad.dtype == dtype_a and b.grad.dtype == dtype_b
    e = np.exp([1.5, 1.0])
    np.testing.assert_allclose(a.grad.data, e * [1.5, 2.0], rtol=1e-3)
    np.testing.assert_allclose(b.grad.data, e * [1.0, 0.5], rtol=1e-3)


def test_grad_argument_of_another_dtype_is_converted():
    torch = pytest.importorskip("torch")
    x = leaf([1.0, 2.0], np.float32)
    x.backward(gw.tensor([1.0, 1.0], dtype=np.float64))
    y = leaf([1.0, 2.0], np.float32)
    y.retain_grad()
    (y * 1.0).backward(gw.tensor([1.0, 1.0], dtype=np.float64))
    tx = torch.tensor([1.0, 2.0], requires_grad=True)
    tx.backward(torch.ones(2, dtype=torch.float64))
    assert x.grad.dtype == y.grad.dtype == np.float32
    assert str(tx.grad.dtype) == "torch.float32"


def test_integer_constants_in_a_float_graph():
    x = leaf([1.0, 2.0], np.float32)
    k = gw.tensor([3, 4])
    (x * k + k).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.data, [3.0, 4.0])


# ----- retain_grad on non-leaves ------------------------------------------------------------


def test_retain_grad_on_a_non_leaf_matches_torch():
    torch = pytest.importorskip("torch")

    def run(m, x):
        y = x * 3
        y.retain_grad()
        w = y * y
        z = w.sum()
        z.backward(retain_graph=True)
        first = y.grad.numpy().copy() if m is torch else y.grad.data.copy()
        z.backward()
        return first, y, w

    x = leaf([1.0, 2.0])
    first, y, w = run(gw, x)
    tx = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    tfirst, ty, _ = run(torch, tx)
    np.testing.assert_array_equal(first, tfirst)
    np.testing.assert_array_equal(first, 2 * y.data)
    np.testing.assert_array_equal(y.grad.data, ty.grad.numpy())  # accumulated over both calls
    np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())
    assert w.grad is None  # not retained
    assert not y.grad.requires_grad


# ----- higher order ---------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")
def test_backward_create_graph_then_differentiate_the_grad():
    torch = pytest.importorskip("torch")
    data = np.array([1.0, -2.0, 0.5])
    x = leaf(data)
    (x**3).sum().backward(create_graph=True)
    gx = x.grad
    assert gx.requires_grad
    np.testing.assert_allclose(gx.data, 3 * data**2)
    x.grad = None
    (gx * gx).sum().backward()  # d/dx sum(9 x^4) = 36 x^3
    tx = torch.tensor(data, requires_grad=True)
    (tx**3).sum().backward(create_graph=True)
    tgx = tx.grad
    tx.grad = None
    (tgx * tgx).sum().backward()
    np.testing.assert_allclose(x.grad.data, 36 * data**3)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy())


def test_without_create_graph_backward_records_nothing():
    x = leaf([1.0, 2.0])
    (x**3).sum().backward()
    assert not x.grad.requires_grad
    (g,) = gw.grad((x**3).sum(), [x])
    assert not g.requires_grad and g.grad_fn is None
    (g,) = gw.grad((x**3).sum(), [x], create_graph=True)
    assert g.requires_grad and g.grad_fn is not None


def test_hessian_vector_product_of_sum_of_cubes():
    rng = np.random.default_rng(2)
    data, v = rand(rng, 5), rand(rng, 5)
    x = leaf(data)
    (g,) = gw.grad((x**3).sum(), [x], create_graph=True)
    np.testing.assert_allclose(g.data, 3 * data**2)
    (hv,) = gw.grad(g, [x], grad_outputs=[gw.tensor(v)])
    np.testing.assert_allclose(hv.data, 6 * data * v, rtol=1e-12)
    assert x.grad is None  # gw.grad returns gradients; it does not store them


def test_full_hessian_of_a_quadratic_form():
    """Rows of the Hessian of x^T A x, one gw.grad per row on a retained graph: A + A^T."""
    rng = np.random.default_rng(3)
    a = rand(rng, 4, 4)
    x = leaf(rand(rng, 4))
    f = x @ (gw.tensor(a) @ x)
    (g,) = gw.grad(f, x, create_graph=True)
    rows = [gw.grad(g[i], x, retain_graph=True)[0].data for i in range(4)]
    np.testing.assert_allclose(np.stack(rows), a + a.T, rtol=1e-12)


def test_third_derivative():
    x = leaf([0.5, 2.0])
    (g1,) = gw.grad((x**4).sum(), x, create_graph=True)
    (g2,) = gw.grad(g1.sum(), x, create_graph=True)
    (g3,) = gw.grad(g2.sum(), x)
    np.testing.assert_allclose(g2.data, 12 * x.data**2)
    np.testing.assert_allclose(g3.data, 24 * x.data)


def _mlp_loss(params, data, target):
    w1, b1, w2 = params
    h = (data @ w1 + b1).tanh()
    err = h @ w2 - target
    return (err * err).mean()


def test_hessian_vector_product_of_an_mlp_loss_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    shapes = [(3, 4), (4,), (4, 2)]
    values = [rand(rng, *s) for s in shapes]
    vs = [rand(rng, *s) for s in shapes]
    data, target = rand(rng, 5, 3), rand(rng, 5, 2)

    params = [leaf(p) for p in values]
    loss = _mlp_loss(params, gw.tensor(data), gw.tensor(target))
    grads = gw.grad(loss, params, create_graph=True)
    hvp = gw.grad(grads, params, grad_outputs=[gw.tensor(v) for v in vs])

    tparams = [torch.tensor(p, requires_grad=True) for p in values]
    tloss = _mlp_loss(tparams, torch.tensor(data), torch.tensor(target))
    tgrads = torch.autograd.grad(tloss, tparams, create_graph=True)
    thvp = torch.autograd.grad(tgrads, tparams, grad_outputs=[torch.tensor(v) for v in vs])

    for ours, theirs in zip(grads, tgrads):
        np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    for ours, theirs in zip(hvp, thvp):
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-9, atol=1e-12)


def test_gradient_penalty_matches_torch():
    """WGAN-GP style: the norm of d critic / d input, penalised and backpropagated to the weights."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    values = [rand(rng, 3, 4), rand(rng, 4), rand(rng, 4, 1)]
    data = rand(rng, 6, 3)

    def penalty(m, params, inputs):
        w1, b1, w2 = params
        critic = ((inputs @ w1 + b1).tanh() @ w2).sum()
        if m is gw:
            (g,) = gw.grad(critic, [inputs], create_graph=True)
        else:
            (g,) = torch.autograd.grad(critic, [inputs], create_graph=True)
        norm = ((g * g).sum(1) + 1e-12) ** 0.5
        return ((norm - 1.0) ** 2).mean()

    params = [leaf(p) for p in values]
    x = leaf(data)
    gp = penalty(gw, params, x)
    gp.backward()

    tparams = [torch.tensor(p, requires_grad=True) for p in values]
    tx = torch.tensor(data, requires_grad=True)
    tgp = penalty(torch, tparams, tx)
    tgp.backward()

    np.testing.assert_allclose(gp.item(), tgp.item(), rtol=1e-12)
    for ours, theirs in zip(params + [x], tparams + [tx]):
        assert np.abs(ours.grad.data).max() > 1e-6  # the penalty really reaches every weight
        np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_grad_with_respect_to_an_intermediate():
    x = leaf([1.0, 2.0])
    y = x * 2
    z = (y * y).sum()
    (gy,) = gw.grad(z, [y])
    np.testing.assert_array_equal(gy.data, 2 * y.data)


def test_grad_accepts_single_tensors_and_returns_a_tuple():
    x = leaf([1.0, 2.0])
    result = gw.grad((x * x).sum(), x)
    assert isinstance(result, tuple) and len(result) == 1
    v = gw.tensor([1.0, -1.0], dtype=np.float64)
    (g,) = gw.grad(x * x, x, grad_outputs=v)
    np.testing.assert_array_equal(g.data, [2.0, -4.0])
    with pytest.raises(ValueError, match="grad_outputs"):
        gw.grad(x * x, x, grad_outputs=[v, v])


def test_grad_frees_the_graph_unless_retained():
    x = leaf([1.0, 2.0])
    z = (x.exp()).sum()
    gw.grad(z, [x])
    with pytest.raises(RuntimeError, match="second time"):
        gw.grad(z, [x])
    z2 = (x.exp()).sum()
    a = gw.grad(z2, [x], retain_graph=True)
    b = gw.grad(z2, [x])
    np.testing.assert_array_equal(a[0].data, b[0].data)


def test_allow_unused():
    x, unused = leaf([1.0, 2.0]), leaf([3.0])
    y = (x * x).sum()
    with pytest.raises(RuntimeError, match="allow_unused"):
        gw.grad(y, [x, unused], retain_graph=True)
    gx, gu = gw.grad(y, [x, unused], allow_unused=True)
    assert gu is None
    np.testing.assert_array_equal(gx.data, [2.0, 4.0])


def test_allow_unused_matches_torch():
    torch = pytest.importorskip("torch")
    x, unused = torch.tensor([1.0], requires_grad=True), torch.tensor([1.0], requires_grad=True)
    y = (x * x).sum()
    with pytest.raises(RuntimeError):
        torch.autograd.grad(y, [x, unused], retain_graph=True)
    assert torch.autograd.grad(y, [x, unused], allow_unused=True)[1] is None


def test_grad_inputs_must_require_grad():
    x = leaf([1.0])
    c = gw.tensor([2.0])
    with pytest.raises(RuntimeError, match="input 1 .*does not require grad"):
        gw.grad((x * c).sum(), [x, c])
    with pytest.raises(RuntimeError, match="does not require grad"):
        gw.grad((x * 2).sum(), [np.ones(1)])


def test_grad_outputs_must_require_grad():
    x = leaf([1.0])
    with gw.no_grad():
        y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="none of the outputs requires grad"):
        gw.grad(y, [x])


def test_grad_of_several_outputs_adds_their_contributions():
    x = leaf([1.0, 2.0])
    (g,) = gw.grad([(x * x).sum(), (x * 3).sum()], [x])
    np.testing.assert_array_equal(g.data, 2 * x.data + 3)


def test_grad_of_one_output_listed_twice_adds_both_weights_without_writing_into_them():
    torch = pytest.importorskip("torch")
    data = np.array([1.0, -2.0])
    v, w = np.array([1.0, 2.0]), np.array([0.5, -3.0])
    x = leaf(data)
    y = x * x
    gv, gwt = gw.tensor(v), gw.tensor(w)
    (g,) = gw.grad([y, y], [x], [gv, gwt])
    tx = torch.tensor(data, requires_grad=True)
    ty = tx * tx
    (tg,) = torch.autograd.grad([ty, ty], [tx], [torch.tensor(v), torch.tensor(w)])
    np.testing.assert_array_equal(g.data, tg.numpy())
    np.testing.assert_array_equal(gv.data, v)
    np.testing.assert_array_equal(gwt.data, w)
