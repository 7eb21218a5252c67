"""Layer normalization: `F.layer_norm` (one fused node) and the Keras `LayerNormalization` layer.

Against PyTorch's `F.layer_norm` / `nn.LayerNorm` forward and backward (input, weight and bias) in
float64 and float32; numerical gradient checks of the first and (create_graph) second derivatives;
normalization over axes that are not last, against PyTorch on the transposed input; the generic
layer harness (layer_harness); and the errors a wrong input raises.
"""
import numpy as np
import pytest
from conv_oracles import F32_FORWARD, F32_GRAD, F64, assert_close, compare_with_torch
from layer_harness import LayerCase, LayerHarness

import gradwork as gw
from gradwork import nn
from gradwork.nn import functional as F

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone

CASES = [
    LayerCase("layer_norm", lambda dt: nn.LayerNormalization(dtype=dt), (3, 5), {"gamma": (5,), "beta": (5,)},
              (3, 5), ("gamma", "beta")),
    LayerCase("layer_norm_sequence", lambda dt: nn.LayerNormalization(epsilon=1e-5, dtype=dt), (2, 3, 4),
              {"gamma": (4,), "beta": (4,)}, (2, 3, 4), ("gamma", "beta")),
    LayerCase("layer_norm_two_axes", lambda dt: nn.LayerNormalization(axis=[1, 2], dtype=dt), (2, 3, 4),
              {"gamma": (3, 4), "beta": (3, 4)}, (2, 3, 4), ("gamma", "beta")),
    LayerCase("layer_norm_axis1_no_center",
              lambda dt: nn.LayerNormalization(axis=1, center=False, gamma_regularizer="l2", dtype=dt),
              (2, 3, 4), {"gamma": (3,)}, (2, 3, 4), ("gamma",)),
    LayerCase("layer_norm_no_scale", lambda dt: nn.LayerNormalization(scale=False, dtype=dt), (4, 3),
              {"beta": (3,)}, (4, 3), ("beta",)),
    LayerCase("layer_norm_plain", lambda dt: nn.LayerNormalization(center=False, scale=False, dtype=dt),
              (4, 3), {}, (4, 3)),
]


class TestLayerNormalization(LayerHarness):
    CASES = CASES


# ----------------------------------------------------------------------------------------------- PyTorch
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("shape, normalized", [((4, 6), (6,)), ((2, 3, 4, 5), (4, 5)), ((3, 7), (3, 7))])
def test_functional_layer_norm_matches_torch(shape, normalized, dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape) * 3 + 5                     # an offset: the mean must come out
    w, b = rng.standard_normal(normalized), rng.standard_normal(normalized)
    compare_with_torch(lambda *t: F.layer_norm(t[0], normalized, t[1], t[2], eps=1e-3),
                       lambda *t: torch.nn.functional.layer_norm(t[0], normalized, t[1], t[2], eps=1e-3),
                       [x, w, b], dtype, f"layer_norm {shape}")


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("with_weight, with_bias", [(True, False), (False, True), (False, False)])
def test_functional_layer_norm_without_weight_or_bias_matches_torch(with_weight, with_bias, dtype):
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal((3, 4, 5))]
    if with_weight:
        arrays.append(rng.standard_normal(5))
    if with_bias:
        arrays.append(rng.standard_normal(5))

    def call(layer_norm):
        def fn(x, *params):
            it = iter(params)
            weight = next(it) if with_weight else None
            bias = next(it) if with_bias else None
            return layer_norm(x, (5,), weight, bias)
        return fn

    compare_with_torch(call(F.layer_norm), call(torch.nn.functional.layer_norm), arrays, dtype, "layer_norm")


def _compare_layer_with_torch(layer, torch_fn, x, gamma, beta):
    """`layer` with weights (gamma, beta) against torch_fn(x, gamma, beta): the output and the
    gradients of the input, gamma and beta under a random cotangent."""
    dtype = x.dtype
    layer(x)
    layer.set_weights([gamma, beta])
    xg = gw.tensor(x, requires_grad=True)
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, gamma, beta)]
    out, ref = layer(xg), torch_fn(*theirs)
    forward, grad = (F64, F64) if dtype == np.float64 else (F32_FORWARD, F32_GRAD)
    assert_close(out.data, ref.detach().numpy(), forward, "forward")
    v = np.random.default_rng(0).standard_normal(out.shape).astype(dtype)
    (out * gw.tensor(v)).sum().backward()
    (ref * torch.tensor(v)).sum().backward()
    for what, mine, t in zip(("input", "gamma", "beta"), (xg, layer.gamma, layer.beta), theirs):
        assert_close(mine.grad.data, t.grad.numpy(), grad, f"gradient of {what}")


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_layer_normalization_matches_torch_layer_norm(dtype):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 5, 6)).astype(dtype)
    gamma, beta = rng.standard_normal(6).astype(dtype), rng.standard_normal(6).astype(dtype)
    _compare_layer_with_torch(nn.LayerNormalization(dtype=dtype),
                              lambda x, w, b: torch.nn.functional.layer_norm(x, (6,), w, b, eps=1e-3),
                              x, gamma, beta)


def test_normalizing_a_middle_axis_matches_torch_on_the_transposed_input():
    rng = np.random.default_rng(3)
    x, gamma, beta = rng.standard_normal((2, 3, 4)), rng.standard_normal(3), rng.standard_normal(3)
    _compare_layer_with_torch(
        nn.LayerNormalization(axis=1, epsilon=1e-5, dtype="float64"),
        lambda x, w, b: torch.nn.functional.layer_norm(x.transpose(1, 2), (3,), w, b).transpose(1, 2),
        x, gamma, beta)


def test_float32_layer_norm_keeps_its_dtype_and_its_accuracy_far_from_zero():
    x = (np.random.default_rng(4).standard_normal((4, 8)) + 1e4).astype(np.float32)
    out = F.layer_norm(gw.tensor(x), (8,))
    exact = F.layer_norm(gw.tensor(x.astype(np.float64)), (8,)).data
    assert out.dtype == np.float32
    # one pass would lose about 1e-3 here (float32's spacing near 8e4, the row sum); PyTorch loses 2e-3
    assert np.abs(out.data - exact).max() < 1e-5


# ----------------------------------------------------------------------------------------------- gradients
@pytest.mark.parametrize("affine", [(True, True), (True, False), (False, True)])
def test_layer_norm_gradcheck_and_second_derivatives(affine):
    rng = np.random.default_rng(5)
    x = gw.tensor(rng.standard_normal((3, 2, 4)), requires_grad=True)
    w = gw.tensor(rng.standard_normal((2, 4)), requires_grad=True) if affine[0] else None
    b = gw.tensor(rng.standard_normal((2, 4)), requires_grad=True) if affine[1] else None
    inputs = [t for t in (x, w, b) if t is not None]

    def fn(*tensors):
        it = iter(tensors[1:])
        weight = next(it) if affine[0] else None
        bias = next(it) if affine[1] else None
        return F.layer_norm(tensors[0], (2, 4), weight, bias, eps=1e-2)

    assert gw.gradcheck(fn, inputs, atol=1e-7, rtol=1e-5)
    assert gw.gradgradcheck(fn, inputs, atol=1e-6, rtol=1e-4)


def test_layer_norm_is_one_graph_node():
    x = gw.tensor(np.ones((2, 3)) + np.arange(3), requires_grad=True)
    w, b = gw.ones(3, requires_grad=True), gw.zeros(3, requires_grad=True)
    out = F.layer_norm(x, (3,), w, b)
    assert {id(t) for t in out.grad_fn.inputs} == {id(x), id(w), id(b)}


# ----------------------------------------------------------------------------------------------- errors
def test_layer_normalization_with_the_wrong_shape_names_the_layer():
    layer = nn.LayerNormalization(name="ln")
    layer(np.zeros((2, 4), np.float32))
    with pytest.raises(ValueError, match=r"ln: built for inputs with 2 axes and sizes \(4,\) on axes \(1,\), "
                                         r"got shape \(2, 5\)"):
        layer(np.zeros((2, 5), np.float32))
    with pytest.raises(ValueError, match=r"ln2: axis 3 does not fit inputs of shape \(2, 4\)"):
        nn.LayerNormalization(axis=3, name="ln2")(np.zeros((2, 4), np.float32))


@pytest.mark.parametrize("normalized, weight, pattern", [
    ((5,), None, r"layer_norm: normalized_shape \(5,\) must be the last axes of the input, got .*\(2, 3, 4\)"),
    ((2, 3, 4, 1), None, r"normalized_shape \(2, 3, 4, 1\) must be the last axes"),
    ((4,), np.ones(3), r"layer_norm: weight must have shape \(4,\), got \(3,\)"),
])
def test_functional_layer_norm_rejects_mismatched_shapes(normalized, weight, pattern):
    with pytest.raises(ValueError, match=pattern):
        F.layer_norm(np.zeros((2, 3, 4)), normalized, weight)
