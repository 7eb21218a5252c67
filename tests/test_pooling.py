"""Pooling, functional: `F.max_pool2d`, `F.avg_pool2d`, `F.max_pool1d`, `F.avg_pool1d` (channels last).

For odd sizes, overlapping and gapped windows, both paddings and a batch of one: float64
gradient checks of first and second order; PyTorch as the oracle in float64 and float32, with
TF's 'same' padding given to torch explicitly (-inf for max pooling). Keras's 'same' average
divides by the count of real pixels: torch's count_include_pad=False says the same only for
symmetric padding, so every average case is also checked against a NumPy loop over windows.
Max pooling routes a window's gradient to its first maximum, as torch does: checked on
integer-valued inputs full of ties.
"""
import numpy as np
import pytest
from conv_oracles import (
    F32_FORWARD, F64, assert_close, compare_with_torch, numpy_avg_pool2d, tf_pads, torch_avg_pool2d,
    torch_max_pool2d,
)

import gradwork as gw
from gradwork.nn import functional as F

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone
tF = torch.nn.functional

# id: (x shape, pool_size, strides (None: the pool size), padding)
POOL2D = {
    "p2_default_strides_valid": ((1, 7, 6, 3), 2, None, "valid"),
    "p3x2_s1_same_overlapping": ((1, 7, 6, 3), (3, 2), 1, "same"),    # pads (1, 1) and (0, 1)
    "p3_s2_same_asymmetric": ((1, 7, 6, 3), 3, 2, "same"),            # pads (1, 1) and (0, 1)
    "p2x3_s2x1_valid_batch2": ((2, 7, 6, 2), (2, 3), (2, 1), "valid"),
    "p2_s2_same": ((1, 7, 6, 3), 2, 2, "same"),                       # pads (0, 1) and none
    "p3_s3_same_symmetric": ((1, 7, 6, 3), 3, 3, "same"),             # pads (1, 1) and none
    "p2_s3_valid_gaps": ((1, 7, 6, 3), 2, 3, "valid"),
    "p7x6_whole_image": ((1, 7, 6, 3), (7, 6), None, "valid"),
    "p5_s1_same_wider_than_input": ((1, 4, 3, 2), 5, 1, "same"),      # pads (2, 2) and (2, 2)
    # windows that tile the image exactly: max pooling's two-stage path
    "p2_tiles_batch2": ((2, 8, 6, 3), 2, None, "valid"),
    "p3x2_tiles": ((1, 6, 4, 2), (3, 2), None, "valid"),
}
# id: (x shape (N, L, C), pool_size, strides, padding)
POOL1D = {
    "p2_valid": ((1, 9, 3), 2, None, "valid"),
    "p3_s1_same_symmetric": ((2, 8, 2), 3, 1, "same"),
    "p2_s1_same_asymmetric": ((1, 9, 3), 2, 1, "same"),
    "p3_s2_valid": ((1, 10, 2), 3, 2, "valid"),
    "p2_tiles": ((2, 8, 3), 2, None, "valid"),
}
POOLS = {"max": F.max_pool2d, "avg": F.avg_pool2d}
POOLS_1D = {"max": F.max_pool1d, "avg": F.avg_pool1d}


def _x(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _symmetric(case):
    shape, pool, strides, padding = case
    pool = (pool, pool) if isinstance(pool, int) else pool
    strides = pool if strides is None else (strides, strides) if isinstance(strides, int) else strides
    pads = [tf_pads(shape[1 + a], pool[a], strides[a], 1, padding) for a in (0, 1)]
    return all(before == after for before, after in pads), pool, strides


# ----------------------------------------------------------------------------------------------- gradients
@pytest.mark.parametrize("kind", POOLS)
@pytest.mark.parametrize("name", POOL2D)
def test_pool2d_gradcheck_and_gradgradcheck(name, kind):
    shape, pool, strides, padding = POOL2D[name]
    fn = lambda x: POOLS[kind](x, pool, strides, padding)
    assert gw.gradcheck(fn, (gw.tensor(_x(shape), requires_grad=True),))
    assert gw.gradgradcheck(fn, (gw.tensor(_x(shape), requires_grad=True),))


@pytest.mark.parametrize("kind", POOLS_1D)
@pytest.mark.parametrize("name", POOL1D)
def test_pool1d_gradcheck_and_gradgradcheck(name, kind):
    shape, pool, strides, padding = POOL1D[name]
    fn = lambda x: POOLS_1D[kind](x, pool, strides, padding)
    assert gw.gradcheck(fn, (gw.tensor(_x(shape), requires_grad=True),))
    assert gw.gradgradcheck(fn, (gw.tensor(_x(shape), requires_grad=True),))


# ----------------------------------------------------------------------------------------------- PyTorch
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name", POOL2D)
def test_max_pool2d_matches_torch(name, dtype):
    shape, pool, strides, padding = POOL2D[name]
    _, pool2, strides2 = _symmetric(POOL2D[name])
    compare_with_torch(lambda x: F.max_pool2d(x, pool, strides, padding),
                       lambda x: torch_max_pool2d(x, pool2, strides2, padding), [_x(shape, 1)], dtype,
                       f"max_pool2d {name}")


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name", [n for n, c in POOL2D.items() if _symmetric(c)[0]])
def test_avg_pool2d_matches_torch_where_torch_can_pad(name, dtype):
    shape, pool, strides, padding = POOL2D[name]
    _, pool2, strides2 = _symmetric(POOL2D[name])
    compare_with_torch(lambda x: F.avg_pool2d(x, pool, strides, padding),
                       lambda x: torch_avg_pool2d(x, pool2, strides2, padding), [_x(shape, 2)], dtype,
                       f"avg_pool2d {name}")


def test_torch_oracle_refuses_asymmetric_average_padding():
    """So that the torch comparison above cannot quietly use the wrong padding."""
    with pytest.raises(ValueError, match="symmetrically"):
        torch_avg_pool2d(torch.zeros(1, 7, 6, 1), 3, 2, "same")


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name", POOL2D)
def test_avg_pool2d_matches_a_numpy_loop_over_windows(name, dtype):
    shape, pool, strides, padding = POOL2D[name]
    _, pool2, strides2 = _symmetric(POOL2D[name])
    x = _x(shape, 3).astype(dtype)
    xt = gw.tensor(x, requires_grad=True)
    out = F.avg_pool2d(xt, pool, strides, padding)
    v = _x(out.shape, 4).astype(dtype)
    (g,) = gw.grad(out, [xt], gw.tensor(v))
    want, want_grad = numpy_avg_pool2d(x.astype(np.float64), v.astype(np.float64), pool2, strides2, padding)
    tolerance = F64 if dtype == np.float64 else F32_FORWARD
    assert_close(out.data, want.astype(dtype), tolerance, f"avg_pool2d {name}: forward")
    assert_close(g.data, want_grad.astype(dtype), tolerance, f"avg_pool2d {name}: gradient")


def _torch_pool1d(kind, pool, strides, padding):
    def fn(x):                                          # (N, L, C) -> torch's (N, C, L) and back
        strides_ = pool if strides is None else strides
        left, right = tf_pads(x.shape[1], pool, strides_, 1, padding)
        xt = x.permute(0, 2, 1)
        if kind == "max":
            out = tF.max_pool1d(tF.pad(xt, (left, right), value=-np.inf), pool, strides_)
        else:
            assert left == right
            out = tF.avg_pool1d(xt, pool, strides_, padding=left, count_include_pad=False)
        return out.permute(0, 2, 1)
    return fn


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("kind", POOLS_1D)
@pytest.mark.parametrize("name", POOL1D)
def test_pool1d_matches_torch(name, kind, dtype):
    shape, pool, strides, padding = POOL1D[name]
    if kind == "avg" and name.endswith("asymmetric"):
        x = _x(shape, 5)
        out = F.avg_pool1d(x, pool, strides, padding).data[:, None]
        want, _ = numpy_avg_pool2d(x[:, None], np.zeros(out.shape), (1, pool), (1, strides or pool), padding)
        np.testing.assert_allclose(out, want, rtol=1e-12)
        return
    compare_with_torch(lambda x: POOLS_1D[kind](x, pool, strides, padding),
                       _torch_pool1d(kind, pool, strides, padding), [_x(shape, 5)], dtype,
                       f"{kind}_pool1d {name}")


# ----------------------------------------------------------------------------------------------- semantics
@pytest.mark.parametrize("pool, strides, padding, shape", [
    (2, 1, "valid", (2, 7, 6, 2)), (3, 1, "same", (2, 7, 6, 2)), (3, 2, "same", (2, 7, 6, 2)),
    (2, 2, "valid", (2, 7, 6, 2)),
    (2, 2, "valid", (2, 8, 6, 2)), (3, 3, "valid", (2, 9, 6, 2)),   # tiling windows: the two-stage path
])
def test_max_pool_ties_route_to_the_first_maximum_like_torch(pool, strides, padding, shape):
    """Integer values in {0, 1, 2}: most windows have tied maxima. Integer cotangents make the
    sums exact, so the gradients must be equal, not merely close."""
    rng = np.random.default_rng(6)
    x = rng.integers(0, 3, shape).astype(np.float64)
    xg = gw.tensor(x, requires_grad=True)
    out = F.max_pool2d(xg, pool, strides, padding)
    v = rng.integers(-3, 4, out.shape).astype(np.float64)
    (g,) = gw.grad(out, [xg], gw.tensor(v))
    xt = torch.tensor(x, requires_grad=True)
    ref = torch_max_pool2d(xt, pool, strides, padding)
    (gt,) = torch.autograd.grad(ref, [xt], torch.tensor(v))
    np.testing.assert_array_equal(out.data, ref.detach().numpy())
    np.testing.assert_array_equal(g.data, gt.numpy())
    # the data must really have ties: windows whose maximum appears more than once
    (top, bottom), (left, right) = (tf_pads(n, pool, strides, 1, padding) for n in x.shape[1:3])
    padded = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=-np.inf)
    windows = np.lib.stride_tricks.sliding_window_view(padded, (pool, pool), axis=(1, 2))
    windows = windows[:, ::strides, ::strides]
    tied = (windows == windows.max(axis=(-2, -1), keepdims=True)).sum(axis=(-2, -1)) > 1
    assert windows.shape[1:3] == out.shape[1:3] and tied.mean() > 0.3


def test_max_pool_tie_goes_to_the_first_pixel_in_row_major_order():
    x = gw.tensor(np.array([[0.0, 5.0, 5.0], [5.0, 5.0, 1.0]]).reshape(1, 2, 3, 1), requires_grad=True)
    out = F.max_pool2d(x, (2, 3))
    out.backward(gw.tensor(np.full(out.shape, 7.0)))
    np.testing.assert_array_equal(x.grad.data.reshape(2, 3), [[0, 7, 0], [0, 0, 0]])


def test_same_max_pooling_never_picks_the_padding():
    """All values negative: zero padding would win at the borders, -inf padding never does."""
    x = -np.arange(1, 1 + 5 * 4).reshape(1, 5, 4, 1).astype(np.float64)
    out = F.max_pool2d(x, 3, 2, "same").data
    want = np.array([[-1, -3], [-5, -7], [-13, -15]]).reshape(1, 3, 2, 1)  # zero pads: a top row of 0
    np.testing.assert_array_equal(out, want)


def test_same_average_pooling_divides_by_the_real_pixels():
    """An image of ones averages to one everywhere; counting the zero padding would shrink the
    border outputs. The gradient at a corner pixel: the sum of 1 / count over its windows."""
    x = gw.tensor(np.ones((1, 3, 3, 1)), requires_grad=True)
    out = F.avg_pool2d(x, 2, 1, "same")                 # pads (0, 1): windows at the right/bottom hold 2 or 1
    np.testing.assert_array_equal(out.data, np.ones((1, 3, 3, 1)))
    out.sum().backward()
    counts = np.array([[4, 4, 2], [4, 4, 2], [2, 2, 1]], dtype=np.float64)
    want = np.zeros((3, 3))
    for r in range(3):
        for q in range(3):
            want[r:r + 2, q:q + 2] += 1 / counts[r, q]
    np.testing.assert_allclose(x.grad.data.reshape(3, 3), want, rtol=1e-12)


def test_strides_default_to_the_pool_size():
    x = _x((1, 7, 6, 3))
    for pool_fn in POOLS.values():
        np.testing.assert_array_equal(pool_fn(x, (3, 2)).data, pool_fn(x, (3, 2), (3, 2)).data)
        assert pool_fn(x, (3, 2)).shape == (1, 2, 3, 3)
    for pool_fn in POOLS_1D.values():
        assert pool_fn(_x((1, 9, 3)), 4).shape == (1, 2, 3)


def test_float32_in_float32_out_and_integer_averages_are_not_truncated():
    x = _x((1, 4, 4, 2)).astype(np.float32)
    for pool_fn in POOLS.values():
        assert pool_fn(x, 2, 1, "same").dtype == np.float32
    ints = np.arange(16).reshape(1, 4, 4, 1)
    np.testing.assert_array_equal(F.avg_pool2d(ints).data.ravel(), [2.5, 4.5, 10.5, 12.5])


# ----------------------------------------------------------------------------------------------- errors
@pytest.mark.parametrize("call, pattern", [
    (lambda: F.max_pool2d(np.zeros((7, 6, 3))),
     r"expected images of shape \(batch, height, width, channels\), got shape \(7, 6, 3\)"),
    (lambda: F.avg_pool2d(np.zeros((1, 2, 6, 3)), 3),
     r"a window of 3 pixels does not fit in an input of 2 \(padding='valid'\)"),
    (lambda: F.max_pool2d(np.zeros((1, 7, 6, 3)), 2, padding="full"),
     r"padding must be 'valid' or 'same', got 'full'"),
    (lambda: F.avg_pool2d(np.zeros((1, 7, 6, 3)), 0),
     r"kernel_size must be a positive integer or a pair of them, got 0"),
    (lambda: F.max_pool2d(np.zeros((1, 7, 6, 3)), 2, (2, 0)),
     r"max_pool2d: stride must be a positive integer .* got \(2, 0\)"),
    (lambda: F.max_pool1d(np.zeros((1, 7, 6, 3))),
     r"max_pool1d: expected inputs of shape \(batch, steps, channels\), got \(1, 7, 6, 3\)"),
    (lambda: F.avg_pool1d(np.zeros((7, 3))), r"avg_pool1d: expected inputs of shape \(batch, steps, channels\)"),
    (lambda: F.avg_pool1d(np.zeros((1, 3, 2)), 4), r"a window of 4 pixels does not fit in an input of 3"),
])
def test_bad_arguments_raise_clear_value_errors(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()
