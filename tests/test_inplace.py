"""In-place operations on gw.Tensor with PyTorch's rules (gradwork/ops/inplace.py).

Rule 1, a plain write (grad mode off, or nothing requires grad); rule 2, the error for a leaf that
requires grad (or a view of one); rule 3, the rebase that keeps gradients right. Values and
gradients are compared with PyTorch and with central differences (float64).
"""
import operator
import re

import numpy as np
import pytest

import gradwork as gw


@pytest.fixture(autouse=True)
def grad_mode_is_restored():
    assert gw.is_grad_enabled()
    yield
    enabled = gw.is_grad_enabled()
    gw.set_grad_enabled(True)
    assert enabled, "the test left grad mode off"


def rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def leaf(data):
    return gw.tensor(np.asarray(data, dtype=np.float64), requires_grad=True)


A = rand(3, 4)
ROW = rand(4, seed=1) + 3.0  # away from 0: a divisor

# (name, gradwork call, the same on a NumPy copy); the operand broadcasts to self's shape
METHODS = [
    ("add_", lambda t: t.add_(ROW), lambda a: a + ROW),
    ("sub_", lambda t: t.sub_(gw.tensor(ROW)), lambda a: a - ROW),
    ("mul_", lambda t: t.mul_(2.5), lambda a: a * 2.5),
    ("div_", lambda t: t.div_(ROW), lambda a: a / ROW),
    ("iadd", lambda t: operator.iadd(t, 1.5), lambda a: a + 1.5),
    ("isub", lambda t: operator.isub(t, gw.tensor(ROW)), lambda a: a - ROW),
    ("imul", lambda t: operator.imul(t, ROW), lambda a: a * ROW),
    ("itruediv", lambda t: operator.itruediv(t, 4.0), lambda a: a / 4.0),
    ("clamp_", lambda t: t.clamp_(-0.5, 0.5), lambda a: np.clip(a, -0.5, 0.5)),
    ("clamp_min", lambda t: t.clamp_(min=0.1), lambda a: np.maximum(a, 0.1)),
    ("clip_max", lambda t: t.clip_(max=0.1), lambda a: np.minimum(a, 0.1)),
    ("relu_", lambda t: t.relu_(), lambda a: np.maximum(a, 0)),
    ("zero_", lambda t: t.zero_(), lambda a: np.zeros_like(a)),
    ("fill_", lambda t: t.fill_(7.0), lambda a: np.full_like(a, 7.0)),
    ("fill_0d", lambda t: t.fill_(gw.tensor(np.float64(2.0))), lambda a: np.full_like(a, 2.0)),
    ("copy_", lambda t: t.copy_(ROW), lambda a: np.broadcast_to(ROW, a.shape)),
    ("setitem", lambda t: t.__setitem__((slice(None), 1), -1.0), lambda a: _set(a, (slice(None), 1), -1.0)),
]


def _set(a, index, value):
    a = a.copy()
    a[index] = value
    return a


# ----- rule 1: a plain write into self's memory ------------------------------------------------


@pytest.mark.parametrize("name, call, expected", METHODS, ids=[m[0] for m in METHODS])
@pytest.mark.parametrize("requires_grad", [False, True])
def test_rule_1_writes_into_the_same_array_and_bumps_the_version(name, call, expected, requires_grad):
    t = gw.tensor(A.copy(), requires_grad=requires_grad)
    t.grad = gw.tensor(np.ones_like(A))
    array, grad = t.data, t.grad
    if requires_grad:
        with gw.no_grad():
            result = call(t)
    else:
        result = call(t)  # grad mode on, but nothing requires grad
    assert result is t and t.data is array
    np.testing.assert_allclose(t.data, expected(A.copy()))
    assert t._version == 1
    assert t.requires_grad is requires_grad and t.grad is grad and t.is_leaf


def test_rule_1_under_no_grad_keeps_a_computed_tensor_its_node():
    x = leaf(A)
    y = x * 2
    fn = y.grad_fn
    with gw.no_grad():
        y.add_(1)
    assert y.grad_fn is fn and y.requires_grad and y._version == 1
    np.testing.assert_allclose(y.data, A * 2 + 1)


def test_an_operand_that_requires_grad_under_no_grad_is_a_plain_write():
    t, w = gw.tensor(A.copy()), leaf(ROW)
    with gw.no_grad():
        t.mul_(w)
    assert not t.requires_grad and t.is_leaf
    np.testing.assert_allclose(t.data, A * ROW)


def test_integer_tensors_keep_their_dtype_and_refuse_a_float_result():
    i = gw.tensor(np.array([1, 2, 3]))
    i += 2
    i.mul_(np.int64(3))
    np.testing.assert_array_equal(i.data, [9, 12, 15])
    assert i.dtype == np.int64
    for call in (lambda: i.add_(0.5), lambda: i.div_(2), lambda: i.clamp_(min=0.5),
                 lambda: i.sub_(gw.tensor([1.0, 1.0, 1.0]))):
        with pytest.raises(TypeError, match="result type float64 can't be cast to the desired output type int64"):
            call()
    np.testing.assert_array_equal(i.data, [9, 12, 15])
    assert i._version == 2


def test_float32_keeps_float32_with_a_float64_operand():
    t = gw.tensor(np.ones(3, np.float32))
    t += np.array([0.5, 0.5, 0.5])  # float64 -> float32 is a same_kind cast, as torch allows
    assert t.dtype == np.float32
    np.testing.assert_allclose(t.data, 1.5)


def test_an_integer_tensor_cannot_take_a_value_that_requires_grad():
    i = gw.tensor(np.array([1, 2, 3]))
    with pytest.raises(TypeError, match="only floating-point tensors can require gradients"):
        i[0] = leaf(2.0)
    with pytest.raises(TypeError, match="can't be cast"):
        i.add_(leaf([1.0, 1.0, 1.0]))
    assert not i.requires_grad and i._version == 0


def test_assignments_cast_as_numpy_does():
    i = gw.tensor(np.array([1, 2, 3]))
    i[0] = 7.9
    i.copy_(i * 2)
    i.fill_(4.5)
    np.testing.assert_array_equal(i.data, [4, 4, 4])


@pytest.mark.parametrize("operand", [np.ones((2, 3)), np.ones(4), np.ones((3, 1))])
def test_an_operand_that_would_change_self_s_shape_is_a_value_error(operand):
    t = gw.tensor(np.zeros(3))
    with pytest.raises(ValueError, match=re.escape(f"shape {np.shape(operand)}") + r".*shape \(3,\)"):
        t.add_(operand)
    with pytest.raises(ValueError, match="broadcast"):
        t.copy_(operand)
    assert t._version == 0 and (t.data == 0).all()


def test_a_read_only_array_gives_a_clear_error():
    b = gw.ones(3).broadcast_to((2, 3))
    with pytest.raises(ValueError, match="read-only"):
        b.add_(1)
    frozen = np.zeros(3)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        gw.from_numpy(frozen).fill_(1)


def test_fill_and_clamp_check_their_arguments():
    t = gw.tensor(np.zeros(3))
    with pytest.raises(ValueError, match="fill_: value must be a number or a 0-d tensor"):
        t.fill_(np.ones(3))
    with pytest.raises(ValueError, match="clamp_: give at least one of min and max"):
        t.clamp_()


# ----- rule 2: a leaf that requires grad, or a view of one ---------------------------------------

LEAF_CALLS = [
    lambda t: t.add_(1),
    lambda t: operator.isub(t, 1),
    lambda t: t.zero_(),
    lambda t: t.__setitem__(0, 1.0),
    lambda t: t.relu_(),
]


@pytest.mark.parametrize("call", LEAF_CALLS)
def test_a_leaf_that_requires_grad_cannot_change_in_place_with_grad_on(call):
    x = leaf(A)
    with pytest.raises(RuntimeError, match="a leaf tensor that requires grad is being used in an in-place "
                                           "operation; wrap it in no_grad()"):
        call(x)
    np.testing.assert_array_equal(x.data, A)
    assert x._version == 0 and x.is_leaf


@pytest.mark.parametrize("view", [lambda x: x[0], lambda x: x.T, lambda x: x.reshape(-1)])
def test_a_view_of_such_a_leaf_cannot_either(view):
    x = leaf(A)
    with pytest.raises(RuntimeError, match="a view of a leaf tensor that requires grad"):
        view(x).mul_(2)
    np.testing.assert_array_equal(x.data, A)


def test_a_view_that_would_need_a_rebase_is_refused():
    x = leaf(A)
    y = x * 2
    with pytest.raises(RuntimeError, match="views of tensors that require grad are not supported"):
        y[0].add_(1)
    c = gw.tensor(A.copy())
    with pytest.raises(RuntimeError, match="not supported"):
        c[0].mul_(leaf(ROW))  # the constant's view would start requiring grad, its base would not change
    np.testing.assert_array_equal(c.data, A)


# ----- the manual update ------------------------------------------------------------------------


def test_manual_sgd_keeps_the_same_leaf_and_matches_torch():
    torch = pytest.importorskip("torch")
    target, w0 = rand(4, seed=2), rand(4, seed=3)
    w, tw = leaf(w0), torch.tensor(w0, requires_grad=True)
    lr = 0.1
    for _ in range(3):  # the gradient 2 (w - target) is exact in both, so the weights must be equal
        ((w - gw.tensor(target)) ** 2).sum().backward()
        same = w
        with gw.no_grad():
            w -= lr * w.grad
        assert w is same and w.requires_grad and w.is_leaf
        w.grad = None
        ((tw - torch.tensor(target)) ** 2).sum().backward()
        with torch.no_grad():
            tw -= lr * tw.grad
        tw.grad = None
    np.testing.assert_array_equal(w.data, tw.detach().numpy())
    assert w._version == tw._version == 3


# ----- rule 3: the rebase -------------------------------------------------------------------------


def chain(x, w):
    """A chain of in-place operations on a computed tensor, as PyTorch accepts it."""
    y = x * 2
    y.add_(w)
    y *= w
    y.sub_(1)
    y /= w
    y.clamp_(-1.5, 1.5)
    y[0] = w * 3
    y[:, 1] = 0.5
    y.relu_()
    return y


def smooth_chain(x, w):
    """In-place operations with nonzero second derivatives (for create_graph)."""
    y = x * x
    y.mul_(w)
    y += x.exp()
    y.div_(w * w + 1)
    y[1] = (x[0] * w) ** 2
    y[:, ::2] = x[2, :2] * w[1]
    return y


def test_a_chain_of_in_place_operations_matches_torch():
    torch = pytest.importorskip("torch")
    x, w = leaf(A), leaf(ROW)
    y = chain(x, w)
    weights = rand(3, 4, seed=5)
    (y * gw.tensor(weights)).sum().backward()
    tx, tw = torch.tensor(A, requires_grad=True), torch.tensor(ROW, requires_grad=True)
    ty = chain(tx, tw)
    (ty * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), rtol=1e-12)
    assert y._version == ty._version


def test_a_chain_of_in_place_operations_passes_gradcheck():
    assert gw.gradcheck(chain, [leaf(A), leaf(ROW)])
    assert gw.gradcheck(smooth_chain, [leaf(A), leaf(ROW)])


def test_second_derivatives_through_in_place_operations():
    assert gw.gradgradcheck(smooth_chain, [leaf(A), leaf(ROW)])
    x = leaf([0.5, -1.0, 2.0])
    y = x * x
    y.mul_(x)  # x^3
    (g,) = gw.grad(y.sum(), [x], create_graph=True)
    (h,) = gw.grad(g.sum(), [x])
    np.testing.assert_allclose(g.data, 3 * x.data ** 2)
    np.testing.assert_allclose(h.data, 6 * x.data)


def test_the_rebased_tensor_is_the_same_object_and_its_producer_keeps_working():
    x = leaf(A)
    y = x.exp()
    old_array = y.data
    same = y
    y += 1
    assert y is same and not y.is_leaf and type(y.grad_fn).__name__ == "Add"
    np.testing.assert_array_equal(old_array, np.exp(A))  # the snapshot's array is left as it was
    y.sum().backward()  # Exp's backward reads its result: the snapshot, not the new value
    np.testing.assert_allclose(x.grad.data, np.exp(A))


def test_an_operand_that_requires_grad_makes_a_constant_require_grad():
    torch = pytest.importorskip("torch")
    t, w = gw.tensor(A.copy()), leaf(ROW)
    t.mul_(w)
    assert t.requires_grad and not t.is_leaf
    t.sum().backward()
    tt, tw = torch.tensor(A), torch.tensor(ROW, requires_grad=True)
    tt.mul_(tw)
    tt.sum().backward()
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy())


def test_the_rebase_keeps_self_s_dtype_and_gives_each_input_its_own():
    x = gw.tensor(np.ones(3, np.float32), requires_grad=True)
    w = leaf([1.0, 2.0, 3.0])  # float64
    y = x * 1
    y.mul_(w)
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float64
    np.testing.assert_allclose(x.grad.data, [1, 2, 3])


def test_an_operation_recorded_before_the_change_raises_and_one_after_sees_the_new_value():
    x = leaf(A)
    y = x * 2
    before = y.exp()
    y.add_(1)
    after = y * 3
    after.sum().backward(retain_graph=True)
    np.testing.assert_allclose(x.grad.data, np.full_like(A, 6.0))
    with pytest.raises(RuntimeError, match="gradient of Exp .input 0, shape .3, 4.. was modified in place"):
        (before + after).sum().backward()


def test_retain_grad_follows_the_new_value():
    x = leaf(A)
    y = x * 2
    y.retain_grad()
    y.mul_(3)
    y.sum().backward()
    np.testing.assert_allclose(y.grad.data, np.ones_like(A))
    np.testing.assert_allclose(x.grad.data, np.full_like(A, 6.0))


@pytest.mark.parametrize("call", [
    lambda y, v: y.zero_(),
    lambda y, v: y.fill_(v.sum()),
    lambda y, v: y.copy_(v * 2),
    lambda y, v: y.copy_(v[:1]),
])
def test_assignments_rebase_against_torch(call):
    torch = pytest.importorskip("torch")
    weights = rand(3, 4, seed=6)
    x, v = leaf(A), leaf(rand(3, 4, seed=7))
    y = x * 1.5
    call(y, v)
    (y * gw.tensor(weights)).sum().backward()
    tx, tv = torch.tensor(A, requires_grad=True), torch.tensor(rand(3, 4, seed=7), requires_grad=True)
    ty = tx * 1.5
    call(ty, tv)
    (ty * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(y.data, ty.detach().numpy())
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy())
    np.testing.assert_allclose(v.grad.data if v.grad is not None else 0.0,
                               tv.grad.numpy() if tv.grad is not None else 0.0)


# ----- setitem ------------------------------------------------------------------------------------

MASK = A > 0
INDEXES = [
    ("int", 1, lambda: rand(4, seed=8)),
    ("slice", (slice(None), slice(1, 3)), lambda: rand(3, 2, seed=8)),
    ("step", (slice(None, None, 2), 0), lambda: 2.5),
    ("row_broadcast", slice(0, 2), lambda: rand(4, seed=8)),
    ("ellipsis", (Ellipsis, 2), lambda: rand(3, seed=8)),
    ("mask", MASK, lambda: rand(int(MASK.sum()), seed=8)),
    ("mask_scalar", MASK, lambda: -1.0),
    ("int_array", (np.array([0, 2]), np.array([1, 3])), lambda: rand(2, seed=8)),
    ("int_array_rows", np.array([2, 0]), lambda: rand(2, 4, seed=8)),
]


@pytest.mark.parametrize("name, index, value", INDEXES, ids=[i[0] for i in INDEXES])
def test_setitem_under_no_grad_writes_as_numpy(name, index, value):
    x = leaf(A)
    array = x.data
    with gw.no_grad():
        x[index] = value()
    assert x.data is array and x._version == 1 and x.requires_grad
    np.testing.assert_array_equal(x.data, _set(A, index, value()))


@pytest.mark.parametrize("name, index, value", INDEXES, ids=[i[0] for i in INDEXES])
def test_setitem_with_grad_matches_torch(name, index, value):
    torch = pytest.importorskip("torch")
    weights = rand(3, 4, seed=9)
    v0 = value()
    x = leaf(A)
    v = leaf(v0) if np.ndim(v0) else v0
    y = x * 2
    y[index] = v
    (y * gw.tensor(weights)).sum().backward()
    tx = torch.tensor(A, requires_grad=True)
    tv = torch.tensor(v0, requires_grad=True) if np.ndim(v0) else v0
    t_index = tuple(torch.tensor(i) if isinstance(i, np.ndarray) else i for i in index) \
        if isinstance(index, tuple) else (torch.tensor(index) if isinstance(index, np.ndarray) else index)
    ty = tx * 2
    ty[t_index] = tv
    (ty * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(y.data, ty.detach().numpy())
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy())
    if np.ndim(v0):
        np.testing.assert_allclose(v.grad.data, tv.grad.numpy())


def test_setitem_gradients_pass_gradcheck_and_gradgradcheck():
    def f(x, v, u):
        y = x * x
        y[MASK] = u
        y[0] = v * v  # v of shape (1, 4): NumPy drops the leading 1 when it writes
        y[(np.array([1, 2]), np.array([0, 0]))] = x[0, 0] ** 2
        return y

    inputs = [leaf(A), leaf(rand(1, 4, seed=10)), leaf(np.float64(0.7))]
    assert gw.gradcheck(f, inputs)
    assert gw.gradgradcheck(f, inputs)


def test_setitem_with_a_wrong_shape_changes_nothing():
    x = leaf(A)
    y = x * 2
    fn = y.grad_fn
    with pytest.raises(ValueError):
        y[0] = np.ones(3)
    assert y.grad_fn is fn and y._version == 0
