"""The facade's tensors against PyTorch's: each expression is run in both on the same data, and the
values, dtypes and gradients are compared (float64, so any difference is a real one)."""

import numpy as np
import pytest

import gradwork.torch as gtorch
from torch_oracle import torch

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4))
B = RNG.standard_normal((3, 4))
M = RNG.standard_normal((4, 2))
IMG = RNG.standard_normal((2, 3, 4, 5))

# (name, inputs, expression): the expression is written once and run with either library as `t`.
CASES = [
    ("add", (A, B), lambda t, a, b: a + b),
    ("radd_scalar", (A,), lambda t, a: 2.5 + a),
    ("sub_mul_div", (A, B), lambda t, a, b: (a - b) * a / (b * b + 1)),
    ("pow", (A,), lambda t, a: (a * a + 1) ** 1.5),
    ("rpow", (A,), lambda t, a: 2.0 ** a),
    ("matmul", (A, M), lambda t, a, m: a @ m),
    ("mm_method", (A, M), lambda t, a, m: a.mm(m)),
    ("neg_abs", (A,), lambda t, a: (-a).abs()),
    ("exp_log_sqrt", (A,), lambda t, a: (a.exp() + 1).log().sqrt()),
    ("tanh_sigmoid_relu", (A,), lambda t, a: a.tanh() + a.sigmoid() * a.relu()),
    ("clamp", (A,), lambda t, a: a.clamp(-0.5, 0.7)),
    ("clamp_min", (A,), lambda t, a: a.clamp(min=0.1)),
    ("sum_dim", (A,), lambda t, a: a.sum(dim=1)),
    ("sum_keepdim", (A,), lambda t, a: a.sum(1, keepdim=True) * a),
    ("sum_dims", (IMG,), lambda t, a: a.sum(dim=(1, 3))),
    ("mean_neg_dim", (A,), lambda t, a: a.mean(-1)),
    ("std_unbiased", (A,), lambda t, a: a.std(dim=0)),
    ("var_biased", (A,), lambda t, a: a.var(1, unbiased=False)),
    ("var_correction", (A,), lambda t, a: a.var(dim=1, correction=0)),
    ("max_dim_values", (A,), lambda t, a: a.max(dim=1).values),
    ("max_dim_tuple", (A,), lambda t, a: a.max(1, keepdim=True)[0] * 2),
    ("min_dim", (A,), lambda t, a: a.min(0)[0]),
    ("max_all", (A,), lambda t, a: a.max()),
    ("amax", (A,), lambda t, a: a.amax(dim=0)),
    ("max_other", (A, B), lambda t, a, b: t.max(a, b)),
    ("maximum", (A, B), lambda t, a, b: t.maximum(a, b)),
    ("logsumexp", (A,), lambda t, a: a.logsumexp(dim=1)),
    ("norm", (A,), lambda t, a: a.norm()),
    ("norm_dim", (A,), lambda t, a: a.norm(dim=1)),
    ("prod", (A,), lambda t, a: a.prod(dim=1)),
    ("softmax", (A,), lambda t, a: a.softmax(dim=1)),
    ("log_softmax_fn", (A,), lambda t, a: t.log_softmax(a, dim=0)),
    ("softmax_fn", (IMG,), lambda t, a: t.softmax(a, 1)),
    ("view", (A,), lambda t, a: a.view(2, 6) * 1.0),
    ("reshape_tuple", (A,), lambda t, a: a.reshape((4, -1))),
    ("permute", (IMG,), lambda t, a: a.permute(0, 2, 3, 1)),
    ("transpose", (IMG,), lambda t, a: a.transpose(1, 3)),
    ("t", (A,), lambda t, a: a.t() @ a),
    ("T", (A,), lambda t, a: a.T),
    ("flatten", (IMG,), lambda t, a: a.flatten(1)),
    ("flatten_mid", (IMG,), lambda t, a: a.flatten(1, 2)),
    ("flatten_fn", (IMG,), lambda t, a: t.flatten(a, 2)),
    ("unflatten", (A,), lambda t, a: a.unflatten(1, (2, 2))),
    ("unsqueeze_squeeze", (A,), lambda t, a: a.unsqueeze(1).unsqueeze(-1).squeeze(-1).squeeze()),
    ("squeeze_dim_not_one", (A,), lambda t, a: a.squeeze(0)),
    ("expand", (A,), lambda t, a: a[:, :1].expand(3, 5)),
    ("expand_new_dim", (A,), lambda t, a: a.expand(2, -1, -1)),
    ("repeat", (A,), lambda t, a: a.repeat(2, 3)),
    ("repeat_more_dims", (A,), lambda t, a: a.repeat(2, 1, 2)),
    ("getitem", (A,), lambda t, a: a[1:, ::2]),
    ("getitem_int", (A,), lambda t, a: a[-1]),
    ("getitem_mask", (A,), lambda t, a: a[a > 0]),
    ("getitem_index_tensor", (A,), lambda t, a: a[t.tensor([2, 0, 2])]),
    ("index_select", (A,), lambda t, a: a.index_select(1, t.tensor([3, 0]))),
    ("gather", (A,), lambda t, a: a.gather(1, t.tensor([[0, 1], [3, 3], [2, 0]]))),
    ("split", (A,), lambda t, a: a.split(3, dim=1)[1]),
    ("split_sizes", (A,), lambda t, a: a.split([1, 3], 1)[1]),
    ("chunk", (A,), lambda t, a: a.chunk(2, dim=1)[0]),
    ("unbind", (A,), lambda t, a: a.unbind(1)[2]),
    ("narrow", (A,), lambda t, a: a.narrow(1, 1, 2)),
    ("cat", (A, B), lambda t, a, b: t.cat([a, b], dim=1)),
    ("cat_neg_dim", (A, B), lambda t, a, b: t.cat((a, b), -2)),
    ("stack", (A, B), lambda t, a, b: t.stack([a, b], dim=1)),
    ("where", (A, B), lambda t, a, b: t.where(a > b, a, b)),
    ("where_scalar", (A,), lambda t, a: t.where(a > 0, a, 0.0)),
    ("masked_fill", (A,), lambda t, a: a.masked_fill(a < 0, 0.5)),
    ("clone", (A,), lambda t, a: a.clone() * 2),
    ("square_rsqrt", (A,), lambda t, a: (a.square() + 1).rsqrt()),
]


def _run(library, inputs, expression):
    tensors = [library.tensor(x, requires_grad=True) for x in inputs]
    out = expression(library, *tensors)
    return tensors, out


@pytest.mark.parametrize("name, inputs, expression", CASES, ids=[c[0] for c in CASES])
def test_expression_matches_pytorch(name, inputs, expression):
    ours, out = _run(gtorch, inputs, expression)
    theirs, expected = _run(torch, inputs, expression)
    assert tuple(out.shape) == tuple(expected.shape)
    assert out.dtype == np.dtype(str(expected.dtype).replace("torch.", ""))
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-12, atol=1e-12)
    weight = RNG.standard_normal(tuple(expected.shape))
    (out * gtorch.tensor(weight)).sum().backward()
    (expected * torch.tensor(weight)).sum().backward()
    for x, y in zip(ours, theirs):
        if y.grad is None:
            assert x.grad is None
        else:
            np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-12, atol=1e-12)


# (expression, inputs): the dtype PyTorch gives, which is not always NumPy's
PROMOTIONS = [
    (lambda t: t.tensor([1, 2]) * 1.5, "int times float"),
    (lambda t: t.tensor([1, 2]) / 2, "int true division"),
    (lambda t: t.tensor([1, 2]) // 2, "int floor division"),
    (lambda t: t.tensor([1, 2]) + 1, "int plus int"),
    (lambda t: t.tensor([1.0, 2.0]) + t.tensor([1, 2]), "float32 plus int64"),
    (lambda t: t.tensor([1.0, 2.0]) * t.tensor(2.0, dtype=t.float64), "float32 times 0-d float64"),
    (lambda t: t.tensor([1.0, 2.0]) * t.tensor([2.0, 1.0], dtype=t.float64), "float32 times float64"),
    (lambda t: t.tensor([True, False]) + 1, "bool plus int"),
    (lambda t: t.tensor([True, False]).sum(), "sum of bools"),
    (lambda t: t.tensor([1, 2], dtype=t.int32).sum(), "sum of int32"),
    (lambda t: t.tensor([1, 2]).float().mean(), "mean of floats"),
    (lambda t: t.arange(5), "arange of ints"),
    (lambda t: t.arange(0, 1, 0.25), "arange of floats"),
    (lambda t: t.tensor([[1.5]]), "tensor of floats"),
    (lambda t: t.tensor(np.array([1.5])), "tensor of a float64 array"),
    (lambda t: t.full((2,), 3), "full with an int"),
    (lambda t: t.zeros(2, 3, dtype=t.long), "zeros long"),
    (lambda t: t.tensor([1, 2]).argmax(), "argmax"),
    (lambda t: t.tensor([[1.0, 2.0]]) > 1, "comparison"),
    (lambda t: t.tensor([1, 2]).to(t.float64), "to dtype"),
    (lambda t: t.tensor([1.0]).type(t.int32), "type"),
]


@pytest.mark.parametrize("expression, what", PROMOTIONS, ids=[p[1] for p in PROMOTIONS])
def test_result_dtypes_are_pytorchs(expression, what):
    expected = expression(torch)
    assert expression(gtorch).dtype == np.dtype(str(expected.dtype).replace("torch.", "")), what
    np.testing.assert_array_equal(expression(gtorch).numpy(), expected.numpy())


def test_max_with_dim_returns_values_and_indices_and_routes_the_gradient_to_one_index():
    data = np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]])
    ours = gtorch.tensor(data, requires_grad=True)
    theirs = torch.tensor(data, requires_grad=True)
    values, indices = ours.max(dim=1)
    expected_values, expected_indices = theirs.max(dim=1)
    np.testing.assert_array_equal(indices.numpy(), expected_indices.numpy())
    values.sum().backward()
    expected_values.sum().backward()
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())
    _, predicted = gtorch.max(ours.data, 1)
    assert predicted.tolist() == [1, 0]


def test_facts_and_conversions():
    x = gtorch.randn(2, 3, 4)
    assert x.size() == (2, 3, 4) and x.size(1) == 3 and x.size(-1) == 4
    assert isinstance(x.shape, gtorch.Size) and x.shape.numel() == 24 and repr(x.shape) == "torch.Size([2, 3, 4])"
    assert x.dim() == 3 and x.ndim == 3 and x.numel() == 24 and len(x) == 2
    assert x.to("cpu") is x and x.cpu() is x and x.to(gtorch.float32) is x
    assert x.long().dtype == gtorch.int64 and x.double().dtype == gtorch.float64 and x.int().dtype == gtorch.int32
    assert x.type() == "torch.FloatTensor" and x.long().type() == "torch.LongTensor"
    assert str(x.device) == "cpu" and x.device == gtorch.device("cpu")
    assert gtorch.tensor(3.5).item() == 3.5 and gtorch.tensor([[1, 2]]).tolist() == [[1, 2]]
    assert f"{gtorch.tensor(0.25):>7f}" == f"{0.25:>7f}"
    assert ["a", "b", "c"][gtorch.tensor([0, 2]).argmax(0)] == "b"
    assert float(gtorch.tensor([2.0])) == 2.0 and int(gtorch.tensor(3)) == 3
    assert [row.tolist() for row in gtorch.tensor([[1, 2], [3, 4]])] == [[1, 2], [3, 4]]


def test_accelerators_are_absent_and_naming_one_is_an_error():
    assert not gtorch.cuda.is_available() and not gtorch.backends.mps.is_available()
    assert not gtorch.accelerator.is_available()
    with pytest.raises(RuntimeError, match="CPU only.*'cuda'"):
        gtorch.ones(2).to("cuda")
    with pytest.raises(RuntimeError, match="CPU only"):
        gtorch.zeros(2, device="cuda:0")


def test_numpy_of_a_tensor_that_requires_grad_is_refused_as_in_pytorch():
    x = gtorch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="requires grad.*detach"):
        x.numpy()
    with pytest.raises(RuntimeError, match="requires grad"):
        np.asarray(x)
    assert x.detach().numpy().tolist() == [1.0, 1.0]


def test_data_is_a_detached_tensor_sharing_memory():
    x = gtorch.ones(3, requires_grad=True)
    data = x.data
    assert isinstance(data, gtorch.Tensor) and not data.requires_grad
    assert np.shares_memory(data.numpy(), x.detach().numpy())


def test_errors_name_what_was_wrong():
    x = gtorch.ones(2, 3)
    with pytest.raises(IndexError, match=r"Dimension out of range.*\[-2, 1\].*got 2"):
        x.sum(dim=2)
    with pytest.raises(RuntimeError, match="permute.*number of dims"):
        x.permute(1, 0, 2)
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(x)
    with pytest.raises(RuntimeError, match="mean.*floating point"):
        gtorch.tensor([1, 2]).mean()
    with pytest.raises(RuntimeError, match="t\\(\\) expects"):
        gtorch.ones(2, 2, 2).t()
    with pytest.raises(TypeError, match="pickle"):
        import pickle

        pickle.dumps(x)


def test_missing_names_say_the_facade_does_not_provide_them():
    with pytest.raises(AttributeError, match="gradwork.torch does not provide torch.fft"):
        _ = gtorch.fft
    with pytest.raises(AttributeError, match="torch.nn.functional.grid_sample"):
        _ = gtorch.nn.functional.grid_sample
    with pytest.raises(AttributeError, match="does not provide torch.nn.Module.register_forward_hook"):
        _ = gtorch.nn.Module().register_forward_hook


def test_random_tensors_follow_manual_seed_and_generators():
    gtorch.manual_seed(5)
    first = gtorch.randn(3)
    gtorch.manual_seed(5)
    assert gtorch.equal(first, gtorch.randn(3))
    g = gtorch.Generator().manual_seed(1)
    a = gtorch.rand(4, generator=g)
    assert gtorch.equal(a, gtorch.rand(4, generator=gtorch.Generator().manual_seed(1)))
    ints = gtorch.randint(0, 10, (100,))
    assert ints.dtype == gtorch.int64 and 0 <= ints.min().item() and ints.max().item() < 10
    assert sorted(gtorch.randperm(6).tolist()) == list(range(6))
    assert gtorch.randn_like(first).shape == first.shape and gtorch.zeros_like(ints).dtype == gtorch.int64
