"""Volumetric convolution: `F.conv3d`, `F.conv_transpose3d` and the Conv3D / Conv3DTranspose layers (NDHWC).

Over grids of strides, both paddings, dilation, groups and output_padding on tiny odd-sized volumes:
values and gradients (input, kernel, bias) against PyTorch in float64 (NDHWC <-> NCDHW, Keras's
asymmetric 'same' padding given to torch explicitly, the transposed convolution as torch's unpadded one
cropped as conv_oracles.transpose_window says); one float32 comparison; float64 gradient checks of first
and second order; the layer harness for every layer; and the errors bad arguments raise before anything
changes.
"""
import numpy as np
import pytest
from conv_oracles import F64, assert_close, compare_with_torch, tf_pads, transpose_window
from layer_harness import LayerCase, LayerHarness

import gradwork as gw
from gradwork import nn
from gradwork.nn import functional as F

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone
tF = torch.nn.functional


def _three(v):
    return (v,) * 3 if isinstance(v, int) else tuple(v)


def ncdhw(x):
    return x.permute(0, 4, 1, 2, 3)


def ndhwc(x):
    return x.permute(0, 2, 3, 4, 1)


def torch_conv3d(x, kernel, bias=None, stride=1, padding="valid", dilation=1, groups=1):
    """x (N, D, H, W, C), kernel (kd, kh, kw, C/groups, F) -> (N, Do, Ho, Wo, F), TF's padding given explicitly."""
    s, d = _three(stride), _three(dilation)
    pads = []
    for axis in (2, 1, 0):  # torch's pad lists the last axis first
        pads += tf_pads(x.shape[1 + axis], kernel.shape[axis], s[axis], d[axis], padding)
    xt = tF.pad(ncdhw(x), pads)
    out = tF.conv3d(xt, kernel.permute(4, 3, 0, 1, 2).contiguous(), bias, stride=s, dilation=d, groups=groups)
    return ndhwc(out)


def torch_conv_transpose3d(x, kernel, bias=None, stride=1, padding="valid", output_padding=None, groups=1,
                           dilation=1):
    """x (N, d, h, w, C), kernel (kd, kh, kw, F/groups, C) -> (N, D, H, W, F): torch's unpadded transposed
    convolution, cropped along each axis to the window Keras's output is of it (zeros past its end)."""
    s, d = _three(stride), _three(dilation)
    extra = (None,) * 3 if output_padding is None else _three(output_padding)
    full = tF.conv_transpose3d(ncdhw(x), kernel.permute(4, 3, 0, 1, 2).contiguous(), stride=s, dilation=d,
                               groups=groups)
    windows = [transpose_window(x.shape[1 + a], kernel.shape[a], s[a], d[a], padding, extra[a]) for a in range(3)]
    grow = []
    for a in (2, 1, 0):
        top, length = windows[a]
        grow += [0, max(top + length - full.shape[2 + a], 0)]
    full = tF.pad(full, grow)
    (t0, l0), (t1, l1), (t2, l2) = windows
    out = ndhwc(full[:, :, t0:t0 + l0, t1:t1 + l1, t2:t2 + l2])
    return out if bias is None else out + bias


# id: (x shape (N, D, H, W, C), kernel shape (kd, kh, kw, C/groups, F), keyword arguments)
CONV3D = {
    "k3x2x2_valid": ((1, 4, 5, 3, 2), (3, 2, 2, 2, 3), {}),
    "k2x3x2_s2_same_asymmetric": ((1, 5, 4, 3, 2), (2, 3, 2, 2, 2), dict(stride=2, padding="same")),
    "k3_s1_same_d2_nobias": ((1, 5, 4, 4, 2), (3, 3, 2, 2, 2), dict(padding="same", dilation=(2, 1, 2))),
    "k2_s2x1x2_valid_d2x1x1": ((2, 5, 4, 5, 2), (2, 2, 2, 2, 3), dict(stride=(2, 1, 2), dilation=(2, 1, 1))),
    "k2_groups2_same": ((1, 3, 4, 3, 4), (2, 2, 2, 2, 4), dict(padding="same", groups=2)),
    "k1x2x2_depthwise_groups3": ((1, 3, 4, 4, 3), (1, 2, 2, 1, 6), dict(stride=(1, 2, 1), groups=3)),
    "k2_s3_valid_gaps": ((1, 5, 5, 4, 2), (2, 2, 2, 2, 2), dict(stride=3)),
    "k4x3x3_whole_volume": ((1, 4, 3, 3, 2), (4, 3, 3, 2, 2), {}),
}
# id: (x shape (N, d, h, w, C), kernel shape (kd, kh, kw, F/groups, C), keyword arguments)
TRANSPOSED = {
    "k3x2x2_valid": ((1, 2, 3, 2, 2), (3, 2, 2, 3, 2), {}),
    "k3_s2_valid_overlapping": ((1, 2, 3, 2, 2), (3, 3, 3, 2, 2), dict(stride=2)),
    "k3_s2x1x2_same_batch2": ((2, 2, 3, 2, 2), (3, 3, 2, 2, 2), dict(stride=(2, 1, 2), padding="same")),
    "k3_s2_same_op0x1x1_nobias": ((1, 2, 2, 3, 2), (3, 3, 3, 2, 2),
                                  dict(stride=2, padding="same", output_padding=(0, 1, 1))),
    "k2_s3_valid_op1_d2x1x1": ((1, 3, 2, 2, 2), (2, 2, 2, 3, 2),
                               dict(stride=3, output_padding=1, dilation=(2, 1, 1))),
    "k2_s2_groups2_same": ((1, 2, 2, 3, 4), (3, 2, 2, 1, 4), dict(stride=2, padding="same", groups=2)),
    "k4_s1_same_kernel_past_output": ((1, 2, 2, 2, 2), (4, 4, 4, 2, 2), dict(padding="same")),
}


def _arrays(x_shape, kernel_shape, filters, bias=True, seed=0):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(x_shape), rng.standard_normal(kernel_shape)]
    return arrays + [rng.standard_normal(filters)] if bias else arrays


def _conv_case(name):
    x_shape, k_shape, kwargs = CONV3D[name]
    return _arrays(x_shape, k_shape, k_shape[-1], bias="nobias" not in name), kwargs


def _transposed_case(name):
    x_shape, k_shape, kwargs = TRANSPOSED[name]
    filters = k_shape[3] * kwargs.get("groups", 1)
    return _arrays(x_shape, k_shape, filters, bias="nobias" not in name), kwargs


def _bound(fn, kwargs):
    return lambda x, k, b=None: fn(x, k, b, **kwargs)


@pytest.mark.parametrize("name", CONV3D)
def test_conv3d_matches_torch_in_float64(name):
    arrays, kwargs = _conv_case(name)
    compare_with_torch(_bound(F.conv3d, kwargs), _bound(torch_conv3d, kwargs), arrays, np.float64, name)


@pytest.mark.parametrize("name", TRANSPOSED)
def test_conv_transpose3d_matches_torch_in_float64(name):
    arrays, kwargs = _transposed_case(name)
    compare_with_torch(_bound(F.conv_transpose3d, kwargs), _bound(torch_conv_transpose3d, kwargs), arrays,
                       np.float64, name)


def test_float32_matches_torch_to_float32_rounding():
    arrays, kwargs = _conv_case("k2x3x2_s2_same_asymmetric")
    compare_with_torch(_bound(F.conv3d, kwargs), _bound(torch_conv3d, kwargs), arrays, np.float32, "conv3d")
    arrays, kwargs = _transposed_case("k3_s2x1x2_same_batch2")
    compare_with_torch(_bound(F.conv_transpose3d, kwargs), _bound(torch_conv_transpose3d, kwargs), arrays,
                       np.float32, "conv_transpose3d")


def _tensors(arrays):
    return tuple(gw.tensor(a, requires_grad=True) for a in arrays)


# (name, second order too): the second-order checks on the cases with the smallest outputs
@pytest.mark.parametrize("name, second", [("k2x3x2_s2_same_asymmetric", True), ("k3_s1_same_d2_nobias", False),
                                          ("k2_groups2_same", True)])
def test_conv3d_gradcheck_and_gradgradcheck(name, second):
    arrays, kwargs = _conv_case(name)
    assert gw.gradcheck(_bound(F.conv3d, kwargs), _tensors(arrays))
    if second:
        assert gw.gradgradcheck(_bound(F.conv3d, kwargs), _tensors(arrays))


@pytest.mark.parametrize("name, second", [("k3_s2_same_op0x1x1_nobias", False), ("k2_s3_valid_op1_d2x1x1", False),
                                          ("k2_s2_groups2_same", True)])
def test_conv_transpose3d_gradcheck_and_gradgradcheck(name, second):
    arrays, kwargs = _transposed_case(name)
    assert gw.gradcheck(_bound(F.conv_transpose3d, kwargs), _tensors(arrays))
    if second:
        assert gw.gradgradcheck(_bound(F.conv_transpose3d, kwargs), _tensors(arrays))


def test_transposed_is_the_adjoint_of_the_convolution():
    """<conv3d(y), x> = <y, conv_transpose3d(x)> for the same kernel, 'same' padding, strides and groups."""
    rng = np.random.default_rng(4)
    kernel = rng.standard_normal((3, 2, 3, 2, 4))  # conv3d: C/groups = 2, F = 4; transposed: F/groups = 2, C = 4
    y, x = rng.standard_normal((1, 6, 4, 6, 4)), rng.standard_normal((1, 3, 2, 3, 4))
    kwargs = dict(stride=2, padding="same", groups=2)
    left = float((F.conv3d(y, kernel, **kwargs).data * x).sum())
    right = float((y * F.conv_transpose3d(x, kernel, **kwargs).data).sum())
    assert left == pytest.approx(right, rel=1e-12)


# ----------------------------------------------------------------------------------------------- layers
CASES = [
    LayerCase("conv3d", lambda dt: nn.Conv3D(3, (2, 3, 2), dtype=dt), (2, 4, 5, 4, 2),
              {"kernel": (2, 3, 2, 2, 3), "bias": (3,)}, (2, 3, 3, 3, 3), ("kernel", "bias")),
    LayerCase("conv3d_same_strided_groups_tanh",
              lambda dt: nn.Conv3D(4, 2, strides=(2, 1, 2), padding="SAME", groups=2, activation="tanh", dtype=dt),
              (1, 3, 4, 5, 4), {"kernel": (2, 2, 2, 2, 4), "bias": (4,)}, (1, 2, 4, 3, 4), ("kernel", "bias")),
    LayerCase("conv3d_dilated_nobias",
              lambda dt: nn.Conv3D(2, 2, dilation_rate=(2, 1, 1), use_bias=False,
                                   kernel_regularizer=gw.regularizers.L2(0.1), dtype=dt),
              (1, 4, 3, 3, 2), {"kernel": (2, 2, 2, 2, 2)}, (1, 2, 2, 2, 2), ("kernel",)),
    LayerCase("conv3d_transpose_same_strided",
              lambda dt: nn.Conv3DTranspose(3, 3, strides=2, padding="same", dtype=dt), (1, 2, 3, 2, 2),
              {"kernel": (3, 3, 3, 3, 2), "bias": (3,)}, (1, 4, 6, 4, 3), ("kernel", "bias")),
    LayerCase("conv3d_transpose_valid_output_padding",
              lambda dt: nn.Conv3DTranspose(2, (2, 2, 3), strides=(2, 3, 1), output_padding=(1, 2, 0), dtype=dt),
              (2, 2, 2, 2, 3), {"kernel": (2, 2, 3, 2, 3), "bias": (2,)}, (2, 5, 7, 4, 2), ("kernel", "bias")),
]


class TestConv3DLayers(LayerHarness):
    CASES = CASES


def test_conv3d_layer_matches_torch_with_its_own_weights():
    """The layer hands its kernel, bias, strides, padding and groups to the convolution as torch reads them."""
    layer = nn.Conv3D(4, (3, 2, 2), strides=(1, 2, 1), padding="same", groups=2, dtype="float64")
    x = np.random.default_rng(6).standard_normal((2, 4, 5, 4, 4))
    out = layer(x)
    ref = torch_conv3d(torch.tensor(x), torch.tensor(layer.kernel.data), torch.tensor(layer.bias.data), (1, 2, 1),
                       "same", 1, 2)
    assert_close(out.data, ref.numpy(), F64, "Conv3D")


# ----------------------------------------------------------------------------------------------- errors
@pytest.mark.parametrize("call, pattern", [
    (lambda: F.conv3d(np.zeros((1, 4, 4, 2)), np.zeros((2, 2, 2, 2, 3))),
     r"conv3d: input of shape \(1, 4, 4, 2\) \(N, D, H, W, C\) needs a kernel"),
    (lambda: F.conv3d(np.zeros((1, 2, 4, 4, 2)), np.zeros((3, 2, 2, 2, 3))),
     r"conv3d: along depth: a window of 3 pixels does not fit in an input of 2"),
    (lambda: F.conv3d(np.zeros((1, 4, 4, 2, 2)), np.zeros((2, 2, 3, 2, 3))),
     r"conv3d: a window of 3 pixels does not fit in an input of 2"),
    (lambda: F.conv3d(np.zeros((1, 4, 4, 4, 2)), np.zeros((2, 2, 2, 2, 3)), padding="full"),
     r"conv3d: padding must be 'valid' or 'same', got 'full'"),
    (lambda: F.conv3d(np.zeros((1, 4, 4, 4, 2)), np.zeros((2, 2, 2, 2, 3)), stride=(1, 2)),
     r"conv3d: stride must be a positive integer or three of them"),
    (lambda: F.conv3d(np.zeros((1, 4, 4, 4, 4)), np.zeros((2, 2, 2, 2, 3)), groups=2),
     r"conv3d: input of shape \(1, 4, 4, 4, 4\) \(N, D, H, W, C\) and groups=2"),
    (lambda: F.conv_transpose3d(np.zeros((1, 2, 2, 2, 2)), np.zeros((2, 2, 2, 3, 2)), stride=2, output_padding=2),
     r"conv3d_transpose: along depth: output_padding must be smaller than the stride 2, got 2"),
    (lambda: F.conv_transpose3d(np.zeros((1, 2, 2, 2, 2)), np.zeros((2, 1, 1, 3, 2)), stride=2, padding="same",
                                output_padding=0),
     r"conv3d_transpose: output_padding=0 gives an output depth of 2, which a 'same' convolution maps to 1, "
     r"not the input's 2"),
])
def test_functional_errors_name_the_function_and_the_argument(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


@pytest.mark.parametrize("make, pattern", [
    (lambda: nn.Conv3D(2, (3, 3)), r"Conv3D: kernel_size must be a positive integer or three of them"),
    (lambda: nn.Conv3D(2, 3, padding="full"), r"Conv3D: padding must be 'valid' or 'same', got 'full'"),
    (lambda: nn.Conv3D(3, 3, groups=2), r"Conv3D: groups=2 must divide filters=3"),
    (lambda: nn.Conv3D(2, 3, groups=0), r"Conv3D: groups must be a positive integer, got 0"),
    (lambda: nn.Conv3DTranspose(2, 3, strides=2, output_padding=(1, 2, 0)),
     r"Conv3DTranspose: output_padding must be smaller than the strides"),
])
def test_bad_constructor_arguments(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()


@pytest.mark.parametrize("layer, x, pattern", [
    (lambda: nn.Conv3D(2, 2), np.zeros((1, 4, 4, 2)),
     r"conv3d\w*: expected inputs of shape \(batch, depth, height, width, channels\), got shape \(1, 4, 4, 2\)"),
    (lambda: nn.Conv3D(2, 2, groups=2), np.zeros((1, 3, 3, 3, 3)), r"groups=2 must divide the input channels, got 3"),
    (lambda: nn.Conv3DTranspose(2, 2), np.zeros((1, 3, 3, 3)), r"expected inputs of shape \(batch, depth"),
    (lambda: nn.Conv3D(2, (1, 3, 2)), np.zeros((1, 3, 2, 3, 1)),
     r"conv3d\w*: along height: a window of 3 pixels does not fit in an input of 2"),
])
def test_bad_inputs_raise_before_the_layer_builds(layer, x, pattern):
    layer = layer()
    with pytest.raises(ValueError, match=pattern):
        layer(x)
    assert not layer.built and layer.weights == []


def test_kernel_larger_than_the_input_names_the_layer_and_leaves_weights_alone():
    layer = nn.Conv3D(2, 3)
    layer(np.zeros((1, 3, 3, 3, 2), np.float32))
    before = [w.copy() for w in layer.get_weights()]
    with pytest.raises(ValueError, match=r"conv3d\w*: inputs of shape \(1, 2, 3, 3, 2\): conv3d: along depth"):
        layer(np.zeros((1, 2, 3, 3, 2), np.float32))
    assert all(np.array_equal(a, b) for a, b in zip(before, layer.get_weights()))



def test_docstring_examples_hold():
    import doctest

    from gradwork.nn.layers import convolutional3d
    result = doctest.testmod(convolutional3d, extraglobs={"gw": gw, "np": np})
    assert result.failed == 0 and result.attempted == 2
    for fn in (F.conv3d, F.conv_transpose3d):
        finder = doctest.DocTestFinder().find(fn, globs={"gw": gw, "np": np, "F": F})
        runner = doctest.DocTestRunner()
        for test in finder:
            runner.run(test)
        assert runner.failures == 0 and runner.tries == 1, fn.__name__


def test_a_volumetric_model_trains_and_survives_saving(tmp_path):
    """Every new layer in one Sequential: a few Adam steps lower the loss, and the saved model (configs,
    registered names, weights) predicts bit-identically."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal((16, 4, 6, 6, 1)).astype(np.float32)
    y = (x.mean(axis=(1, 2, 3, 4)) > 0).astype(np.int64)
    gw.random.seed(0)
    model = gw.Sequential([
        nn.Input(shape=(4, 6, 6, 1)), nn.ZeroPadding3D((0, 1, 1)), nn.Conv3D(4, 3, padding="same", activation="relu"),
        nn.MaxPooling3D((1, 2, 2)), nn.Conv3DTranspose(4, 2, strides=2, padding="same"), nn.Cropping3D((1, 1, 1)),
        nn.AveragePooling3D(2, padding="same"), nn.UpSampling3D((1, 2, 2)), nn.AdaptiveMaxPooling3D((2, 3, 3)),
        nn.AdaptiveAveragePooling3D(2), nn.GlobalAveragePooling3D(), nn.Dense(2),
    ])
    model.compile(gw.optimizers.Adam(1e-2), gw.losses.SparseCategoricalCrossentropy(from_logits=True))
    before = model.evaluate(x, y, batch_size=16, verbose=0)
    model.fit(x, y, batch_size=8, epochs=5, verbose=0)
    assert model.evaluate(x, y, batch_size=16, verbose=0) < before
    model.save(tmp_path / "volumes.gw")
    clone = gw.load_model(tmp_path / "volumes.gw")
    np.testing.assert_array_equal(clone.predict(x[:4], verbose=0), model.predict(x[:4], verbose=0))
    assert [type(a).__name__ for a in clone.layers] == [type(b).__name__ for b in model.layers]
