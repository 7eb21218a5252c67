"""torch.nn.utils' gradient clipping, and the tensor methods that make new tensors or test values,
against PyTorch."""

import numpy as np
import pytest

import gradwork.torch as gtorch
from torch_oracle import torch

RNG = np.random.default_rng(3)


def _with_gradients(library, arrays):
    params = [library.tensor(np.zeros(a.shape), requires_grad=True) for a in arrays]
    for p, a in zip(params, arrays):
        p.grad = library.tensor(a)
    return params


@pytest.mark.parametrize("max_norm, norm_type", [(0.5, 2.0), (100.0, 2.0), (0.3, 1.0), (0.2, float("inf")),
                                                 (1.0, 3.0)])
def test_clip_grad_norm_scales_the_gradients_as_pytorch(max_norm, norm_type):
    arrays = [RNG.standard_normal((3, 4)), RNG.standard_normal(5), RNG.standard_normal((2, 2, 2))]
    ours, theirs = _with_gradients(gtorch, arrays), _with_gradients(torch, arrays)
    total = gtorch.nn.utils.clip_grad_norm_(ours, max_norm, norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    np.testing.assert_allclose(total.item(), expected.item(), rtol=1e-12)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-12)


def test_clip_grad_norm_skips_missing_gradients_and_can_refuse_a_non_finite_norm():
    params = _with_gradients(gtorch, [np.array([3.0, 4.0])]) + [gtorch.zeros(2, requires_grad=True)]
    assert gtorch.nn.utils.clip_grad_norm_(params, 1.0).item() == pytest.approx(5.0)
    assert params[0].grad.tolist() == pytest.approx([0.6, 0.8], rel=1e-5) and params[1].grad is None
    params[0].grad = gtorch.tensor([np.inf, 1.0], dtype=gtorch.float64)
    with pytest.raises(RuntimeError, match="non-finite"):
        gtorch.nn.utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)


def test_clip_grad_value_clamps_each_element_as_pytorch():
    arrays = [RNG.standard_normal((4, 3))]
    ours, theirs = _with_gradients(gtorch, arrays), _with_gradients(torch, arrays)
    gtorch.nn.utils.clip_grad_value_(ours, 0.5)
    torch.nn.utils.clip_grad_value_(theirs, 0.5)
    np.testing.assert_array_equal(ours[0].grad.numpy(), theirs[0].grad.numpy())


NEW = [
    ("new_zeros", lambda t: t.new_zeros(2, 3)), ("new_ones", lambda t: t.new_ones((2,))),
    ("new_full", lambda t: t.new_full((2, 2), 7)), ("new_tensor", lambda t: t.new_tensor([1, 2])),
    ("new_zeros of a dtype", lambda t: t.new_zeros(3, dtype=gtorch.int64 if hasattr(t, "_t") else torch.int64)),
    ("isnan", lambda t: t.isnan()), ("isinf", lambda t: t.isinf()), ("isfinite", lambda t: t.isfinite()),
]


@pytest.mark.parametrize("make", [m for _, m in NEW], ids=[n for n, _ in NEW])
@pytest.mark.parametrize("dtype", ["float64", "int64"])
def test_new_tensors_and_value_tests_as_pytorch(make, dtype):
    data = np.array([1.0, np.nan, np.inf, -2.0]) if dtype == "float64" else np.array([1, 2, 3])
    ours, theirs = make(gtorch.tensor(data)), make(torch.tensor(data))
    assert ours.dtype == np.dtype(str(theirs.dtype).replace("torch.", ""))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_pad_mode_other_than_constant_is_a_clear_error():
    with pytest.raises(NotImplementedError, match="constant only.*'reflect'"):
        gtorch.nn.functional.pad(gtorch.ones(1, 2, 3), (1, 1), mode="reflect")
    with pytest.raises(ValueError, match="even number of widths"):
        gtorch.nn.functional.pad(gtorch.ones(3), (1, 1, 1))
