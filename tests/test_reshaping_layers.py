"""ZeroPadding1D, Cropping1D/2D, UpSampling1D and RepeatVector (ZeroPadding2D and UpSampling2D are
tested with the image layers in test_conv_layers).

Each runs through the generic harness of layer_harness (lazy build, output shape, JSON config round
trip, training step, float64 gradient check in both modes); then against PyTorch forward and backward
(F.pad, F.pad with negative widths for cropping, F.interpolate nearest, Tensor.repeat) in float64 and
float32; Keras's argument forms; and the errors that name the layer.
"""
import numpy as np
import pytest
from conv_oracles import layer_vs_torch
from layer_harness import LayerCase, LayerHarness

from gradwork import nn

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone
tF = torch.nn.functional

CASES = [
    LayerCase("zero_padding1d_int", lambda dt: nn.ZeroPadding1D(2, dtype=dt), (2, 5, 3), {}, (2, 9, 3)),
    LayerCase("zero_padding1d_pair", lambda dt: nn.ZeroPadding1D((0, 3), dtype=dt), (2, 5, 3), {}, (2, 8, 3)),
    LayerCase("cropping1d", lambda dt: nn.Cropping1D((1, 2), dtype=dt), (2, 7, 3), {}, (2, 4, 3)),
    LayerCase("cropping2d", lambda dt: nn.Cropping2D(((1, 0), (2, 1)), dtype=dt), (2, 5, 6, 3), {},
              (2, 4, 3, 3)),
    LayerCase("up_sampling1d", lambda dt: nn.UpSampling1D(3, dtype=dt), (2, 4, 3), {}, (2, 12, 3)),
    LayerCase("repeat_vector", lambda dt: nn.RepeatVector(4, dtype=dt), (3, 5), {}, (3, 4, 5)),
]


class TestReshapingLayers(LayerHarness):
    CASES = CASES


# ----------------------------------------------------------------------------------------------- PyTorch
def _steps_last(fn):
    """A torch function on (N, C, L) applied to (N, L, C)."""
    return lambda xt: fn(xt.permute(0, 2, 1)).permute(0, 2, 1)


def _pixels_last(fn):
    """A torch function on (N, C, H, W) applied to (N, H, W, C)."""
    return lambda xt: fn(xt.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("make, torch_fn, shape", [
    (lambda dt: nn.ZeroPadding1D(1, dtype=dt), _steps_last(lambda t: tF.pad(t, (1, 1))), (2, 6, 3)),
    (lambda dt: nn.ZeroPadding1D((2, 0), dtype=dt), _steps_last(lambda t: tF.pad(t, (2, 0))), (2, 6, 3)),
    # F.pad with negative widths removes elements: PyTorch's own cropping
    (lambda dt: nn.Cropping1D((2, 1), dtype=dt), _steps_last(lambda t: tF.pad(t, (-2, -1))), (2, 6, 3)),
    (lambda dt: nn.Cropping2D(((1, 2), (0, 1)), dtype=dt), _pixels_last(lambda t: tF.pad(t, (0, -1, -1, -2))),
     (2, 5, 4, 3)),
    (lambda dt: nn.Cropping2D(1, dtype=dt), _pixels_last(lambda t: tF.pad(t, (-1, -1, -1, -1))), (2, 5, 4, 3)),
    (lambda dt: nn.UpSampling1D(3, dtype=dt),
     _steps_last(lambda t: tF.interpolate(t, scale_factor=3, mode="nearest")), (2, 4, 3)),
    (lambda dt: nn.RepeatVector(4, dtype=dt), lambda t: t[:, None, :].repeat(1, 4, 1), (3, 5)),
], ids=["zero_padding1d", "zero_padding1d_left", "cropping1d", "cropping2d", "cropping2d_int",
        "up_sampling1d", "repeat_vector"])
def test_matches_torch_forward_and_backward(make, torch_fn, shape, dtype):
    x = np.random.default_rng(0).standard_normal(shape)
    layer_vs_torch(make(dtype), torch_fn, x, dtype)


# ----------------------------------------------------------------------------------------------- arguments
@pytest.mark.parametrize("make, pads", [
    (lambda: nn.ZeroPadding1D(), ((1, 1),)),
    (lambda: nn.ZeroPadding1D(3), ((3, 3),)),
    (lambda: nn.ZeroPadding1D((1, 2)), ((1, 2),)),
    (lambda: nn.Cropping1D(), ((1, 1),)),
    (lambda: nn.Cropping2D(), ((0, 0), (0, 0))),
    (lambda: nn.Cropping2D((1, 2)), ((1, 1), (2, 2))),
    (lambda: nn.Cropping2D(((0, 1), (2, 3))), ((0, 1), (2, 3))),
])
def test_keras_forms_of_padding_and_cropping(make, pads):
    layer = make()
    assert (layer.padding if isinstance(layer, nn.ZeroPadding1D) else layer.cropping) == pads


def test_upsampling1d_repeats_each_step_and_repeat_vector_copies_the_vector():
    x = np.arange(6, dtype=np.float32).reshape(1, 3, 2)
    np.testing.assert_array_equal(nn.UpSampling1D()(x).data, np.repeat(x, 2, axis=1))
    v = np.arange(4, dtype=np.float32).reshape(2, 2)
    out = nn.RepeatVector(3)(v).data
    assert out.shape == (2, 3, 2) and (out == v[:, None, :]).all()


def test_zero_padding1d_takes_sequences_of_any_length():
    layer = nn.ZeroPadding1D(1)
    assert layer(np.ones((2, 4, 3), np.float32)).shape == (2, 6, 3)
    assert layer(np.ones((2, 9, 3), np.float32)).shape == (2, 11, 3)


@pytest.mark.parametrize("make, x, pattern", [
    (lambda: nn.ZeroPadding1D(name="z1"), np.zeros((2, 3)),
     r"z1: expected inputs of shape \(batch, steps, features\), got \(2, 3\)"),
    (lambda: nn.ZeroPadding1D(name="z1"), np.zeros((2, 3, 4, 5)),
     r"z1: expected inputs of shape \(batch, steps, features\), got \(2, 3, 4, 5\)"),
    (lambda: nn.Cropping1D(name="c1"), np.zeros((2, 3, 4, 5)),
     r"c1: expected inputs of shape \(batch, steps, features\), got \(2, 3, 4, 5\)"),
    (lambda: nn.Cropping2D(name="c2"), np.zeros((2, 3, 4)),
     r"c2: expected inputs of shape \(batch, height, width, channels\), got \(2, 3, 4\)"),
    (lambda: nn.UpSampling1D(name="u1"), np.zeros((2, 3)),
     r"u1: expected inputs of shape \(batch, steps, features\), got \(2, 3\)"),
    (lambda: nn.RepeatVector(2, name="r"), np.zeros((2, 3, 4)),
     r"r: expected inputs of shape \(batch, features\), got \(2, 3, 4\)"),
    (lambda: nn.Cropping1D((2, 2), name="c1"), np.zeros((2, 4, 3)),
     r"c1: cropping \(2, 2\) leaves nothing of axis 1 of inputs of shape \(2, 4, 3\)"),
    (lambda: nn.Cropping2D(((0, 0), (3, 0)), name="c2"), np.zeros((2, 4, 3, 1)),
     r"c2: cropping \(3, 0\) leaves nothing of axis 2 of inputs of shape \(2, 4, 3, 1\)"),
])
def test_wrong_inputs_name_the_layer_what_it_expected_and_what_it_got(make, x, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()(x)


@pytest.mark.parametrize("make, pattern", [
    (lambda: nn.ZeroPadding1D(-1), r"ZeroPadding1D: expected an int or \(left, right\) of non-negative"),
    (lambda: nn.ZeroPadding1D((1, 2, 3)), r"ZeroPadding1D: expected an int or \(left, right\)"),
    (lambda: nn.ZeroPadding2D((1, 2, 3)), r"ZeroPadding2D: expected an int, \(height, width\)"),
    (lambda: nn.Cropping1D((1.5, 1)), r"Cropping1D: expected an int or \(left, right\)"),
    (lambda: nn.Cropping2D(((1,), (2, 2))), r"Cropping2D: expected an int, \(height, width\)"),
    (lambda: nn.UpSampling1D(0), r"UpSampling1D: size must be a positive integer, got \(0,\)"),
    (lambda: nn.UpSampling2D((2, 2, 2)), r"UpSampling2D: size must be a positive integer or a pair"),
    (lambda: nn.RepeatVector(0), r"RepeatVector: n must be a positive integer, got 0"),
])
def test_bad_constructor_arguments(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()
