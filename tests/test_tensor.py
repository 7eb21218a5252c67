"""Tensor construction and the Tensor API: dtypes, memory sharing, attributes, repr, NumPy interop.

Where PyTorch has the same behaviour the test compares with it (skipped when torch is absent).
"""
import numpy as np
import pytest

import gradwork as gw


@pytest.fixture
def restore_default_dtype():
    before = gw.get_default_dtype()
    yield
    gw.set_default_dtype(before)


# ----- construction and dtypes ------------------------------------------------------------------


@pytest.mark.parametrize("data", [1.5, [1.0, 2.0], [[1.0], [2.5]], [1, 2.5]])
def test_python_floats_become_float32(data):
    assert gw.Tensor(data).dtype == np.float32
    assert gw.tensor(data).dtype == np.float32


def test_python_floats_match_torch_default_dtype():
    torch = pytest.importorskip("torch")
    for data in ([1.0, 2.0], 3.0, [1, 2], True):
        ours, theirs = gw.tensor(data), torch.tensor(data)
        assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
        np.testing.assert_array_equal(ours.data, theirs.numpy())


@pytest.mark.parametrize(
    "dtype", [np.float64, np.float16, np.float32, np.int32, np.int64, np.uint8, np.bool_]
)
def test_numpy_arrays_keep_their_dtype(dtype):
    arr = np.arange(6).reshape(2, 3).astype(dtype)
    t = gw.Tensor(arr)
    assert t.dtype == dtype
    np.testing.assert_array_equal(t.data, arr)


def test_numpy_scalar_keeps_its_dtype():
    assert gw.tensor(np.float64(1.5)).dtype == np.float64
    assert gw.tensor(np.float16(1.5)).dtype == np.float16


def test_python_ints_and_bools_stay_integer_and_boolean():
    assert gw.tensor(3).dtype.kind == "i"
    assert gw.tensor([1, 2, 3]).dtype.kind == "i"
    assert gw.tensor([True, False]).dtype == np.bool_


def test_dtype_argument_converts():
    t = gw.Tensor([1, 2], dtype=np.float64)
    assert t.dtype == np.float64
    assert gw.tensor(np.ones(2, np.float64), dtype=np.float32).dtype == np.float32
    assert gw.tensor([1.7, 2.2], dtype=np.int64).tolist() == [1, 2]


@pytest.mark.parametrize("data", [[1, 2], 3, [True, False], np.arange(3)])
def test_integer_tensors_cannot_require_grad(data):
    with pytest.raises(TypeError, match="floating-point"):
        gw.Tensor(data, requires_grad=True)
    with pytest.raises(TypeError, match="floating-point"):
        gw.tensor(data).requires_grad_()


def test_integer_requires_grad_is_an_error_in_torch_too():
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError):
        torch.tensor([1, 2], requires_grad=True)


@pytest.mark.parametrize("data", [None, "abc", [1, "a"], {"a": 1}])
def test_non_numeric_data_is_rejected(data):
    with pytest.raises(TypeError, match="not numeric"):
        gw.tensor(data)


def test_constructor_copies_its_data():
    arr = np.array([1.0, 2.0], dtype=np.float32)
    t = gw.Tensor(arr)
    arr[0] = 100.0
    assert t.data[0] == 1.0
    u = gw.tensor(t)
    t.data[1] = -5.0
    assert u.data[1] == 2.0
    assert not np.shares_memory(u.data, t.data)


def test_tensor_from_tensor_does_not_inherit_the_graph():
    x = gw.tensor([1.0, 2.0], requires_grad=True)
    y = gw.tensor(x * 2)
    assert y.is_leaf and not y.requires_grad
    np.testing.assert_array_equal(y.data, [2.0, 4.0])


def test_from_numpy_shares_memory_both_ways():
    arr = np.array([1.0, 2.0, 3.0])
    t = gw.from_numpy(arr)
    assert t.dtype == np.float64  # no conversion to the default dtype
    assert np.shares_memory(t.data, arr)
    arr[0] = 10.0
    assert t.data[0] == 10.0
    t.data[2] = -1.0
    assert arr[2] == -1.0


def test_from_numpy_matches_torch():
    torch = pytest.importorskip("torch")
    arr = np.zeros(3, dtype=np.float64)
    ours, theirs = gw.from_numpy(arr), torch.from_numpy(arr)
    arr[1] = 7.0
    assert ours.data[1] == theirs[1].item() == 7.0


def test_from_numpy_needs_an_ndarray():
    with pytest.raises(TypeError, match="ndarray"):
        gw.from_numpy([1.0, 2.0])


def test_set_default_dtype(restore_default_dtype):
    assert gw.get_default_dtype() == np.float32
    gw.set_default_dtype(np.float64)
    assert gw.get_default_dtype() == np.float64
    assert gw.tensor([1.0, 2.0]).dtype == np.float64
    assert gw.tensor(1.5).dtype == np.float64
    assert gw.tensor([1, 2]).dtype.kind == "i"  # integers are not affected
    assert gw.tensor(np.ones(2, np.float32)).dtype == np.float32  # nor arrays that have a dtype
    assert "dtype" not in repr(gw.tensor([1.0]))  # the default dtype is left out of repr
    gw.set_default_dtype(np.float32)
    assert gw.tensor([1.0]).dtype == np.float32


@pytest.mark.parametrize("bad", [np.int32, np.int64, np.bool_, "int8"])
def test_set_default_dtype_rejects_non_floats(bad, restore_default_dtype):
    with pytest.raises(TypeError, match="floating-point"):
        gw.set_default_dtype(bad)
    assert gw.get_default_dtype() == np.float32


# ----- attributes ------------------------------------------------------------------------------


def test_array_facts():
    t = gw.tensor(np.zeros((2, 3, 4)))
    assert isinstance(t.data, np.ndarray)
    assert t.shape == (2, 3, 4) and isinstance(t.shape, tuple)
    assert t.ndim == 3
    assert t.size == 24
    assert t.dtype == np.float64
    assert len(t) == 2
    s = gw.tensor(2.0)
    assert s.shape == () and s.ndim == 0 and s.size == 1
    with pytest.raises(TypeError):
        len(s)


def test_new_tensor_state():
    t = gw.tensor([1.0, 2.0])
    assert t.grad is None
    assert not t.requires_grad
    assert t.is_leaf
    assert t.grad_fn is None
    r = gw.tensor([1.0, 2.0], requires_grad=True)
    assert r.requires_grad and r.is_leaf and r.grad is None and r.grad_fn is None


def test_numpy_shares_memory():
    t = gw.tensor([1.0, 2.0])
    a = t.numpy()
    assert a is t.data
    a[0] = 5.0
    assert t.data[0] == 5.0


@pytest.mark.parametrize("data, expected", [(2.5, 2.5), ([3.0], 3.0), ([[4.0]], 4.0), (7, 7)])
def test_item(data, expected):
    value = gw.tensor(data).item()
    assert value == expected
    assert type(value) is type(expected)  # a Python number, not a NumPy scalar


def test_item_needs_one_element():
    with pytest.raises(ValueError, match="one element"):
        gw.tensor([1.0, 2.0]).item()
    with pytest.raises(ValueError):
        gw.tensor(np.zeros((0,))).item()


def test_python_number_conversions():
    assert float(gw.tensor([2.5])) == 2.5
    assert int(gw.tensor(3.9)) == 3
    assert bool(gw.tensor(1.0)) and not bool(gw.tensor(0.0))
    assert gw.tensor([[1.0, 2.0]]).tolist() == [[1.0, 2.0]]
    with pytest.raises(ValueError):
        bool(gw.tensor([1.0, 2.0]))  # ambiguous, as for NumPy arrays


def test_detach_shares_data_and_leaves_the_graph():
    x = gw.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    assert np.shares_memory(d.data, y.data)
    dx = x.detach()
    dx.data[0] = 9.0
    assert x.data[0] == 9.0  # shared, as torch's detach
    (d * x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 4.0])  # no gradient went through d


def test_detach_shares_memory_in_torch_too():
    torch = pytest.importorskip("torch")
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.detach()[0] = 9.0
    assert x[0].item() == 9.0


def test_zero_grad():
    x = gw.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    assert x.grad is not None
    x.zero_grad()
    assert x.grad is None
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])  # a fresh gradient, not 6


def test_requires_grad_():
    t = gw.tensor([1.0, 2.0])
    assert t.requires_grad_() is t
    assert t.requires_grad
    assert t.requires_grad_(False) is t
    assert not t.requires_grad


def test_requires_grad_off_on_a_computed_tensor_is_an_error():
    y = gw.tensor([1.0], requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="detach"):
        y.requires_grad_(False)
    assert y.requires_grad


def test_is_leaf_as_torch():
    x = gw.tensor([1.0, 2.0], requires_grad=True)
    c = gw.tensor([3.0, 4.0])
    assert not (x * 2).is_leaf
    assert (c * 2).is_leaf  # computed from constants only: no graph, so a leaf
    assert not (c * 2).requires_grad
    with gw.no_grad():
        assert (x * 2).is_leaf
    assert x.detach().is_leaf
    assert (x * 2).grad_fn is not None


def test_retain_grad_needs_requires_grad():
    with pytest.raises(RuntimeError, match="does not require grad"):
        gw.tensor([1.0]).retain_grad()
    x = gw.tensor([1.0], requires_grad=True)
    assert x.retain_grad() is x  # a no-op on a leaf: leaves keep their gradient anyway
    (x * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0])


def test_repr():
    assert repr(gw.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(gw.tensor([1.0, 2.0], requires_grad=True)) == "tensor([1., 2.], requires_grad=True)"
    assert repr(gw.tensor(3.0)) == "tensor(3.)"
    assert repr(gw.tensor([1.0], dtype=np.float64)) == "tensor([1.], dtype=float64)"
    y = gw.tensor([1.0], requires_grad=True) * 2
    assert repr(y) == "tensor([2.], grad_fn=<Mul>)"
    assert "requires_grad" not in repr(y)  # grad_fn says it already, as torch
    two_d = repr(gw.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert two_d == "tensor([[1., 2.],\n        [3., 4.]])"  # continuation lines line up after "tensor("


def test_repr_matches_torch():
    torch = pytest.importorskip("torch")
    for data in ([1.0, 2.0], 3.0, [[1.0, 2.0], [3.0, 4.0]], [-1.0, 0.0]):
        assert repr(gw.tensor(data)) == repr(torch.tensor(data))
        assert repr(gw.tensor(data, requires_grad=True)) == repr(torch.tensor(data, requires_grad=True))


def test_tensor_is_hashable_by_identity():
    a, b = gw.tensor([1.0]), gw.tensor([1.0])
    assert len({a, b}) == 2
    assert {a: 1}[a] == 1


def test_comparisons_give_boolean_tensors_without_grad():
    x = gw.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for result, expected in [
        (x < 2, [True, False, False]), (x <= 2, [True, True, False]), (x > 2, [False, False, True]),
        (x >= 2, [False, True, True]), (x == 2, [False, True, False]), (x != 2, [True, False, True]),
    ]:
        assert isinstance(result, gw.Tensor)
        assert result.dtype == np.bool_ and not result.requires_grad
        assert result.tolist() == expected


def test_astype_float_double():
    x = gw.tensor([1.0, 2.0], requires_grad=True)
    d = x.double()
    assert d.dtype == np.float64 and x.float() is x  # float32 already: no new node
    (d * d).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.data, [2.0, 4.0])


def test_relu_method_matches_torch_at_zero():
    torch = pytest.importorskip("torch")
    data = [-1.0, 0.0, 2.0]
    x = gw.tensor(data, requires_grad=True)
    x.relu().sum().backward()
    tx = torch.tensor(data, requires_grad=True)
    tx.relu().sum().backward()
    np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())


# ----- NumPy interop -----------------------------------------------------------------------------


def test_asarray_shares_and_array_copies():
    t = gw.tensor([1.0, 2.0])
    shared = np.asarray(t)
    assert shared is t.data
    copied = np.array(t)
    assert not np.shares_memory(copied, t.data)
    copied[0] = 9.0
    assert t.data[0] == 1.0
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    np.testing.assert_array_equal(np.asarray(t, dtype=np.float64), [1.0, 2.0])


def test_numpy_functions_accept_tensors():
    t = gw.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert np.sum(np.asarray(t)) == 10.0
    np.testing.assert_array_equal(np.stack([t.data, np.asarray(t)]).shape, (2, 2, 2))


@pytest.mark.parametrize(
    "op, d_left",
    [
        (lambda a, x: a + x, lambda a, x: np.ones_like(x)),
        (lambda a, x: a - x, lambda a, x: -np.ones_like(x)),
        (lambda a, x: a * x, lambda a, x: a),
        (lambda a, x: a / x, lambda a, x: -a / x**2),
        (lambda a, x: a**x, lambda a, x: a**x * np.log(a)),
    ],
    ids=["add", "sub", "mul", "div", "pow"],
)
def test_ndarray_op_tensor_gives_a_tensor(op, d_left):
    """`ndarray (op) Tensor` must reach Tensor's reflected method, not loop over elements in NumPy."""
    a = np.array([1.5, 2.0, 3.0])
    xd = np.array([0.5, 1.0, 2.0])
    x = gw.tensor(xd, requires_grad=True)
    out = op(a, x)
    assert type(out) is gw.Tensor
    assert out.requires_grad
    np.testing.assert_allclose(out.data, op(a, xd))
    out.sum().backward()
    np.testing.assert_allclose(x.grad.data, d_left(a, xd), rtol=1e-12)


def test_ndarray_matmul_tensor_gives_a_tensor():
    a = np.arange(6.0).reshape(2, 3)
    x = gw.tensor(np.ones((3, 4)), requires_grad=True)
    out = a @ x
    assert type(out) is gw.Tensor and out.shape == (2, 4)
    out.sum().backward()
    np.testing.assert_allclose(x.grad.data, np.repeat(a.sum(0)[:, None], 4, axis=1))


def test_numpy_scalar_and_python_number_on_the_left():
    x = gw.tensor([1.0, 2.0], requires_grad=True)
    for out in (np.float32(2.0) * x, 2.0 * x, 2 * x, 3.0 - x):
        assert type(out) is gw.Tensor and out.requires_grad
    assert (2.0 * x).dtype == np.float32  # a Python float does not promote float32, as torch


def test_ndarray_plus_tensor_matches_torch():
    torch = pytest.importorskip("torch")
    a = np.array([[1.0], [2.0]], dtype=np.float32)
    x = gw.tensor([[1.0, -1.0, 3.0]], requires_grad=True)
    tx = torch.tensor([[1.0, -1.0, 3.0]], requires_grad=True)
    (a * x + a).sum().backward()
    (torch.from_numpy(a) * tx + torch.from_numpy(a)).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy())


def test_builtin_abs_is_the_differentiable_abs_as_torch():
    torch = pytest.importorskip("torch")
    x = gw.tensor([-2.0, 0.5, 3.0], requires_grad=True)
    abs(x).sum().backward()
    t = torch.tensor([-2.0, 0.5, 3.0], requires_grad=True)
    abs(t).sum().backward()
    np.testing.assert_array_equal(abs(x).data, abs(t).detach().numpy())
    np.testing.assert_array_equal(x.grad, t.grad.numpy())
