"""Adaptive pooling: `F.adaptive_avg_pool1d/2d/3d`, `F.adaptive_max_pool1d/2d/3d` and Keras 3's
AdaptiveAveragePooling1D/2D/3D and AdaptiveMaxPooling1D/2D/3D, channels last.

Against PyTorch's functions in float64 (values and input gradients; channels moved first for torch) over
output sizes that divide the input, that do not (overlapping bins), that exceed it, and that keep an
axis (None); ties on integer inputs go to the window's first maximum as in torch; the bins against the
rule start = floor(i * L / out), end = ceil((i + 1) * L / out) written out in NumPy; float64 gradient
checks of first and second order; the layer harness for every layer; and the errors.
"""
import math

import numpy as np
import pytest
from conv_oracles import F64, assert_close
from layer_harness import LayerCase, LayerHarness

import gradwork as gw
from gradwork import nn
from gradwork.nn import functional as F

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone
tF = torch.nn.functional

# id: (x shape (N, *spatial, C), output_size)
ADAPTIVE = {
    "1d_uneven": ((2, 7, 3), 3),
    "1d_larger_than_input": ((1, 5, 2), 8),
    "1d_divides": ((1, 8, 2), 4),
    "2d_uneven": ((2, 7, 5, 2), (3, 2)),
    "2d_keep_height": ((1, 4, 6, 2), (None, 4)),
    "2d_global": ((1, 5, 3, 2), 1),
    "3d_uneven": ((1, 5, 7, 4, 2), (2, 3, 3)),
    "3d_mixed_larger": ((2, 3, 4, 5, 1), (4, 2, 5)),
}


def _rank(name):
    return int(name[0])


def _functions(kind, name):
    return getattr(F, f"adaptive_{kind}_pool{_rank(name)}d"), getattr(tF, f"adaptive_{kind}_pool{_rank(name)}d")


def _to_torch_layout(x, rank):
    return x.permute(0, rank + 1, *range(1, rank + 1))


def _from_torch_layout(x, rank):
    return x.permute(0, *range(2, rank + 2), 1)


def _compare(kind, name, x):
    rank, (_, output_size) = _rank(name), ADAPTIVE[name]
    mine, theirs = _functions(kind, name)
    xg, xt = gw.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out = mine(xg, output_size)
    ref = _from_torch_layout(theirs(_to_torch_layout(xt, rank), output_size), rank)
    v = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(gw.tensor(v))
    ref.backward(torch.tensor(v))
    return out, ref, xg.grad.data, xt.grad.numpy()


@pytest.mark.parametrize("kind", ["avg", "max"])
@pytest.mark.parametrize("name", ADAPTIVE)
def test_matches_torch_in_float64(kind, name):
    x = np.random.default_rng(0).standard_normal(ADAPTIVE[name][0])
    out, ref, grad, ref_grad = _compare(kind, name, x)
    assert_close(out.data, ref.detach().numpy(), F64, f"{kind} {name}: forward")
    assert_close(grad, ref_grad, F64, f"{kind} {name}: input gradient")


@pytest.mark.parametrize("name", ["2d_uneven", "3d_uneven", "1d_larger_than_input"])
def test_max_ties_go_to_the_first_maximum_as_torch(name):
    x = np.random.default_rng(2).integers(0, 3, ADAPTIVE[name][0]).astype(np.float64)
    out, ref, grad, ref_grad = _compare("max", name, x)
    np.testing.assert_array_equal(out.data, ref.detach().numpy())
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-14, atol=1e-14)


def test_bins_follow_pytorchs_rule_written_out():
    x = np.random.default_rng(3).standard_normal((1, 7, 5, 1))
    out = F.adaptive_avg_pool2d(x, (3, 4)).data
    biggest = F.adaptive_max_pool2d(x, (3, 4)).data
    for i in range(3):
        rows = slice(math.floor(i * 7 / 3), math.ceil((i + 1) * 7 / 3))
        for j in range(4):
            cols = slice(math.floor(j * 5 / 4), math.ceil((j + 1) * 5 / 4))
            assert out[0, i, j, 0] == pytest.approx(x[0, rows, cols, 0].mean(), rel=1e-14)
            assert biggest[0, i, j, 0] == x[0, rows, cols, 0].max()


@pytest.mark.parametrize("kind", ["avg", "max"])
@pytest.mark.parametrize("name", ["2d_uneven", "3d_mixed_larger"])
def test_gradcheck_and_gradgradcheck(kind, name):
    x = gw.tensor(np.random.default_rng(4).standard_normal(ADAPTIVE[name][0]), requires_grad=True)
    fn = lambda t: _functions(kind, name)[0](t, ADAPTIVE[name][1])  # noqa: E731
    assert gw.gradcheck(fn, (x,))
    assert gw.gradgradcheck(fn, (x,))


def test_average_of_integers_is_float64():
    out = F.adaptive_avg_pool1d(np.array([[[1], [2], [4]]]), 2)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out.data[0, :, 0], [1.5, 3.0])


# ----------------------------------------------------------------------------------------------- layers
CASES = [
    LayerCase("adaptive_average_pooling1d", lambda dt: nn.AdaptiveAveragePooling1D(3, dtype=dt), (2, 7, 3), {},
              (2, 3, 3)),
    LayerCase("adaptive_max_pooling1d", lambda dt: nn.AdaptiveMaxPooling1D(4, dtype=dt), (2, 6, 3), {}, (2, 4, 3)),
    LayerCase("adaptive_average_pooling2d", lambda dt: nn.AdaptiveAveragePooling2D((2, 3), dtype=dt), (2, 5, 7, 2),
              {}, (2, 2, 3, 2)),
    LayerCase("adaptive_max_pooling2d", lambda dt: nn.AdaptiveMaxPooling2D(3, dtype=dt), (2, 5, 4, 2), {},
              (2, 3, 3, 2)),
    LayerCase("adaptive_average_pooling3d", lambda dt: nn.AdaptiveAveragePooling3D((2, 1, 3), dtype=dt),
              (1, 3, 4, 5, 2), {}, (1, 2, 1, 3, 2)),
    LayerCase("adaptive_max_pooling3d", lambda dt: nn.AdaptiveMaxPooling3D(2, dtype=dt), (2, 3, 4, 5, 2), {},
              (2, 2, 2, 2, 2)),
]


class TestAdaptiveLayers(LayerHarness):
    CASES = CASES


def test_layers_call_the_functional_forms_and_keep_keras_configs():
    x = np.random.default_rng(5).standard_normal((2, 5, 7, 3)).astype(np.float32)
    layer = nn.AdaptiveMaxPooling2D((2, 3))
    np.testing.assert_array_equal(layer(x).data, F.adaptive_max_pool2d(x, (2, 3)).data)
    assert layer.get_config()["output_size"] == [2, 3]
    assert nn.AdaptiveAveragePooling3D(4).get_config()["output_size"] == [4, 4, 4]


# ----------------------------------------------------------------------------------------------- errors
@pytest.mark.parametrize("make, pattern", [
    (lambda: nn.AdaptiveAveragePooling2D(0), r"AdaptiveAveragePooling2D: output_size must be a positive integer, "
                                              r"got 0"),
    (lambda: nn.AdaptiveMaxPooling3D((2, 2)), r"AdaptiveMaxPooling3D: output_size must be a positive integer or 3 "
                                               r"of them, got \(2, 2\)"),
    (lambda: nn.AdaptiveMaxPooling1D(-1), r"AdaptiveMaxPooling1D: output_size must be a positive integer, got -1"),
    (lambda: nn.AdaptiveAveragePooling1D("3"), r"AdaptiveAveragePooling1D: output_size must be a positive integer"),
])
def test_bad_output_sizes_are_refused_when_made(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()


@pytest.mark.parametrize("call, pattern", [
    (lambda: F.adaptive_avg_pool2d(np.zeros((1, 4, 4, 2)), (0, 2)),
     r"adaptive_avg_pool2d: output_size must be a positive integer or 2 of them \(None keeps an axis's size\), "
     r"got \(0, 2\)"),
    (lambda: F.adaptive_max_pool3d(np.zeros((1, 4, 4, 2)), 2),
     r"adaptive_max_pool3d: expected inputs of shape \(batch, depth, height, width, channels\), got shape"),
    (lambda: F.adaptive_max_pool1d(np.zeros((1, 4, 2)), (2, 2)), r"adaptive_max_pool1d: output_size must be"),
])
def test_functional_errors(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


@pytest.mark.parametrize("layer, x", [(nn.AdaptiveMaxPooling2D(2), np.zeros((1, 4, 2), np.float32)),
                                      (nn.AdaptiveAveragePooling1D(2), np.zeros((1, 4, 4, 2), np.float32))])
def test_wrong_rank_names_the_layer(layer, x):
    with pytest.raises(ValueError, match=rf"^{layer.name}: expected inputs of shape \(batch, "):
        layer(x)


def test_a_rejected_output_size_uses_up_no_automatic_name():
    def number(name):  # "adaptive_average_pooling1d" is 0, "adaptive_average_pooling1d_3" is 3
        tail = name.rsplit("_", 1)[-1]
        return int(tail) if tail.isdigit() else 0

    first = gw.nn.AdaptiveAveragePooling1D(2).name
    with pytest.raises(ValueError, match="output_size must be a positive integer"):
        gw.nn.AdaptiveAveragePooling1D(0)
    assert number(gw.nn.AdaptiveAveragePooling1D(2).name) == number(first) + 1
