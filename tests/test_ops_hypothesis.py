"""Generated shapes: broadcasting binary operations and reductions against PyTorch, and gradcheck.

Hypothesis draws the shapes (0-d, size-1 and missing leading axes, zero-size axes), the axes and
a seed; the values come from NumPy with that seed. Example counts are kept small so the file
runs in a few seconds.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes

import gradwork as gw

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone

FEW = settings(max_examples=25, deadline=None)
F64 = {"rtol": 1e-10, "atol": 1e-12}

# name: (gradwork, torch, how to draw the two operands from a generator and their shapes)
BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b, "any", "any"),
    "sub": (lambda a, b: a - b, lambda a, b: a - b, "any", "any"),
    "mul": (lambda a, b: a * b, lambda a, b: a * b, "any", "any"),
    "div": (lambda a, b: a / b, lambda a, b: a / b, "any", "nonzero"),
    "pow": (lambda a, b: a**b, lambda a, b: a**b, "positive", "any"),
    "maximum": (gw.maximum, torch.maximum, "any", "any"),
    "minimum": (gw.minimum, torch.minimum, "any", "any"),
    "where": (lambda a, b: gw.where(a > 0, a, b), lambda a, b: torch.where(a > 0, a, b), "any", "any"),
}


def _values(rng, shape, kind):
    if kind == "positive":
        return rng.uniform(0.5, 2.0, shape)
    x = rng.uniform(-2.0, 2.0, shape)
    if kind == "nonzero":
        x = np.where(np.abs(x) < 0.5, np.sign(x) * 0.5 + x, x)  # keep |x| >= 0.5 without changing the sign
    return x


def _gw_vjp(fn, arrays, v):
    xs = [gw.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*xs)
    grads = gw.grad(out, xs, gw.tensor(v), allow_unused=True)
    return out.data, [np.zeros_like(a) if g is None else g.data for a, g in zip(arrays, grads)]


def _torch_vjp(fn, arrays, v):
    xs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*xs)
    grads = torch.autograd.grad(out, xs, torch.tensor(v), allow_unused=True)
    return out.detach().numpy(), [np.zeros_like(a) if g is None else g.numpy() for a, g in zip(arrays, grads)]


def _assert_same(mine, theirs):
    (out, grads), (want_out, want_grads) = mine, theirs
    assert out.shape == want_out.shape and out.dtype == want_out.dtype
    np.testing.assert_allclose(out, want_out, **F64)
    for g, w in zip(grads, want_grads):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, **F64)


@FEW
@given(
    op=st.sampled_from(sorted(BINARY)),
    shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=0, max_side=3),
    seed=st.integers(0, 2**32 - 1),
    flip=st.booleans(),
)
def test_broadcasting_binary_ops_match_torch(op, shapes, seed, flip):
    mine, theirs, kind_a, kind_b = BINARY[op]
    shape_a, shape_b = shapes.input_shapes[::-1] if flip else shapes.input_shapes
    rng = np.random.default_rng(seed)
    arrays = [_values(rng, shape_a, kind_a), _values(rng, shape_b, kind_b)]
    v = rng.standard_normal(shapes.result_shape)
    _assert_same(_gw_vjp(mine, arrays, v), _torch_vjp(theirs, arrays, v))
    tensors = [gw.tensor(a, requires_grad=True) for a in arrays]
    assert gw.gradcheck(mine, tensors)


@st.composite
def shape_and_axis(draw):
    """A shape (up to 3 axes, zero-size allowed) and an axis for it: None, an int or a tuple, maybe negative."""
    shape = draw(array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
    ndim = len(shape)
    if ndim == 0:
        return shape, None
    single = st.integers(-ndim, ndim - 1)
    several = st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(
        lambda axes: tuple(draw(st.sampled_from([a, a - ndim])) for a in axes)
    )
    return shape, draw(st.one_of(st.none(), single, several))


def _dims(axis, ndim):
    """torch's spelling of a NumPy axis: every axis for None (torch reads an empty tuple as 'all' too)."""
    return tuple(range(ndim)) if axis is None else axis


REDUCTIONS = {
    "sum": (gw.sum, lambda x, d, k: torch.sum(x, d, keepdim=k)),
    "mean": (gw.mean, lambda x, d, k: torch.mean(x, d, keepdim=k)),
    "var": (gw.var, lambda x, d, k: torch.var(x, d, correction=0, keepdim=k)),
    "max": (gw.max, lambda x, d, k: torch.amax(x, d, keepdim=k)),
    "min": (gw.min, lambda x, d, k: torch.amin(x, d, keepdim=k)),
    "logsumexp": (gw.logsumexp, lambda x, d, k: torch.logsumexp(x, d, keepdim=k)),
}


@FEW
@given(
    op=st.sampled_from(sorted(REDUCTIONS)),
    shape_axis=shape_and_axis(),
    keepdims=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_reductions_match_torch(op, shape_axis, keepdims, seed):
    shape, axis = shape_axis
    mine, theirs = REDUCTIONS[op]
    rng = np.random.default_rng(seed)
    # max and min get whole numbers, so ties happen and their shared gradient is compared too
    x = rng.integers(-2, 3, shape).astype(np.float64) if op in ("max", "min") else rng.standard_normal(shape)
    axes = range(len(shape)) if axis is None else np.atleast_1d(axis)
    empty_axis = any(shape[a] == 0 for a in axes)
    if op in ("max", "min") and empty_axis:
        with pytest.raises(ValueError, match="empty axis"):
            mine(gw.tensor(x), axis=axis, keepdims=keepdims)
        with pytest.raises((IndexError, RuntimeError)):
            theirs(torch.tensor(x), _dims(axis, x.ndim), keepdims)
        return
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch's note that var over no elements has no dof
        out_shape = tuple(theirs(torch.tensor(x), _dims(axis, x.ndim), keepdims).shape)
        v = rng.standard_normal(out_shape)
        want = _torch_vjp(lambda t: theirs(t, _dims(axis, x.ndim), keepdims), [x], v)
        got = _gw_vjp(lambda t: mine(t, axis=axis, keepdims=keepdims), [x], v)
    _assert_same(got, want)
    if not empty_axis:
        if op in ("max", "min"):  # finite differences need a unique extreme: spread the tied values apart
            x = x + rng.permutation(x.size).reshape(shape) * 1e-3
        assert gw.gradcheck(lambda t: mine(t, axis=axis, keepdims=keepdims), gw.tensor(x, requires_grad=True))


UNARY = {
    "exp": (gw.exp, torch.exp, "any"),
    "log": (gw.log, torch.log, "positive"),
    "sqrt": (gw.sqrt, torch.sqrt, "positive"),
    "tanh": (gw.tanh, torch.tanh, "any"),
    "sigmoid": (gw.sigmoid, torch.sigmoid, "any"),
    "erf": (gw.erf, torch.erf, "any"),
    "abs": (gw.abs, torch.abs, "nonzero"),
    "neg": (lambda a: -a, lambda a: -a, "any"),
}


@FEW
@given(
    op=st.sampled_from(sorted(UNARY)),
    shape=array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
    seed=st.integers(0, 2**32 - 1),
)
def test_elementwise_ops_on_any_shape_match_torch(op, shape, seed):
    mine, theirs, kind = UNARY[op]
    rng = np.random.default_rng(seed)
    x = _values(rng, shape, kind)
    v = rng.standard_normal(shape)
    _assert_same(_gw_vjp(mine, [x], v), _torch_vjp(theirs, [x], v))
