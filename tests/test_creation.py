"""Tensors made from shapes: PyTorch's names, float32 by default, seeded random draws."""
import numpy as np
import pytest

import gradwork as gw


def test_zeros_ones_full_take_a_shape_both_ways():
    assert gw.zeros(2, 3).shape == (2, 3) and gw.zeros((2, 3)).shape == (2, 3)
    assert gw.ones(4).dtype == np.float32 and float(gw.ones(4).sum()) == 4.0
    assert gw.zeros(2, dtype=np.float64).dtype == np.float64
    np.testing.assert_array_equal(gw.full((2, 2), 7.0).data, np.full((2, 2), 7.0, np.float32))


def test_like_forms_follow_the_input():
    x = gw.tensor(np.ones((3, 2), dtype=np.float64))
    z = gw.zeros_like(x)
    assert z.shape == (3, 2) and z.dtype == np.float64 and not z.data.any()
    assert gw.ones_like(np.zeros(5, dtype=np.int64)).dtype == np.int64


def test_requires_grad_makes_a_leaf_that_collects_gradients():
    w = gw.zeros(3, requires_grad=True)
    (w * 2.0).sum().backward()
    np.testing.assert_array_equal(w.grad.data, [2.0, 2.0, 2.0])
    with pytest.raises(TypeError):
        gw.zeros(3, dtype=np.int64, requires_grad=True)


def test_arange_like_torch():
    assert gw.arange(5).dtype == np.int64 and gw.arange(5).tolist() == [0, 1, 2, 3, 4]
    assert gw.arange(0.0, 1.0, 0.25).dtype == np.float32
    assert gw.arange(1, 7, 2).tolist() == [1, 3, 5]


def test_random_draws_repeat_with_the_seed():
    gw.random.seed(3)
    a, b = gw.rand(4), gw.randn(2, 2)
    gw.random.seed(3)
    np.testing.assert_array_equal(a.data, gw.rand(4).data)
    np.testing.assert_array_equal(b.data, gw.randn(2, 2).data)
    assert a.dtype == np.float32 and ((a.data >= 0) & (a.data < 1)).all()
