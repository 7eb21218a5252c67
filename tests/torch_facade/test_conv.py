"""`gradwork.torch.nn.Conv1d/Conv2d/ConvTranspose1d/ConvTranspose2d` and `F.conv*` against PyTorch.

Each module gets a torch twin's weights through `load_state_dict`; outputs, input gradients and
weight and bias gradients are compared in float64 and float32 over strides, integer, tuple, "valid"
and "same" padding, dilation, groups (depthwise included), output_padding and unbatched inputs. Also:
state dicts both ways, PyTorch's default initialization, repr, and the errors.
"""
import math

import numpy as np
import pytest

import gradwork as gw
import gradwork.torch as gtorch
from gradwork.torch.nn import functional as F

from .oracle import FLOAT64_RTOL, assert_same_run, load_into_torch, tolerance, twins

torch = pytest.importorskip("torch")

# id: (class, constructor arguments, input shape)
CASES = {
    "conv2d_plain": ("Conv2d", (3, 4, 3), {}, (2, 3, 7, 6)),
    "conv2d_stride_pad_dilation_groups": ("Conv2d", (4, 6, (3, 2)),
                                          dict(stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2), (2, 4, 7, 6)),
    "conv2d_same_even_kernel_dilated": ("Conv2d", (3, 5, 4), dict(padding="same", dilation=2), (2, 3, 7, 6)),
    "conv2d_valid_1x1": ("Conv2d", (3, 5, 1), dict(padding="valid"), (2, 3, 4, 5)),
    "conv2d_depthwise_multiplier2_same": ("Conv2d", (4, 8, 3), dict(padding="same", groups=4), (2, 4, 6, 6)),
    "conv2d_depthwise_strided_nobias": ("Conv2d", (4, 4, 3), dict(stride=2, padding=1, groups=4, bias=False),
                                        (2, 4, 7, 7)),
    "conv2d_unbatched": ("Conv2d", (2, 3, 3), dict(padding=1), (2, 6, 5)),
    "conv1d_strided": ("Conv1d", (3, 4, 3), dict(stride=2, padding=1), (2, 3, 9)),
    "conv1d_same_groups_dilated": ("Conv1d", (4, 6, 4), dict(padding="same", groups=2, dilation=2), (2, 4, 9)),
    "conv_transpose2d_upsample": ("ConvTranspose2d", (4, 6, 3), dict(stride=2, padding=1, output_padding=1),
                                  (2, 4, 4, 5)),
    "conv_transpose2d_groups_dilated": ("ConvTranspose2d", (4, 6, (3, 2)),
                                        dict(stride=(2, 3), padding=(1, 0), output_padding=(1, 2), groups=2,
                                             dilation=(1, 2)), (2, 4, 3, 4)),
    "conv_transpose2d_depthwise_nobias": ("ConvTranspose2d", (4, 4, 3), dict(stride=2, groups=4, bias=False),
                                          (1, 4, 3, 3)),
    "conv_transpose1d_groups": ("ConvTranspose1d", (4, 6, 3), dict(stride=2, padding=1, output_padding=1, groups=2),
                                (2, 4, 5)),
}
DTYPES = pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])


def _input(shape, dtype, seed=1):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


@DTYPES
@pytest.mark.parametrize("case", CASES)
def test_module_matches_torch(case, dtype):
    name, args, kwargs, shape = CASES[case]
    ours, theirs = twins(name, *args, dtype=dtype, **kwargs)
    fan_in = math.prod(theirs.weight.shape[1:])
    assert_same_run(ours, theirs, [_input(shape, dtype)], tolerance(dtype, fan_in))


@pytest.mark.parametrize("function, weight, kwargs", [
    ("conv2d", (6, 2, 3, 3), dict(stride=[2, 1], padding=[1, 0], groups=2)),
    ("conv1d", (6, 4, 3), dict(padding="same")),
    ("conv_transpose2d", (4, 3, 2, 3), dict(stride=2, output_padding=(1, 0), dilation=(2, 1))),
    ("conv_transpose1d", (4, 3, 3), dict(stride=3, padding=1, output_padding=2)),
], ids=["conv2d", "conv1d", "conv_transpose2d", "conv_transpose1d"])
def test_functional_matches_torch_with_weight_and_bias_gradients(function, weight, kwargs):
    rng = np.random.default_rng(2)
    rank = len(weight) - 2
    x, w = rng.standard_normal((2, 4) + (5,) * rank), rng.standard_normal(weight)
    b = rng.standard_normal(weight[1] * kwargs.get("groups", 1) if "transpose" in function else weight[0])
    assert_same_run(lambda *t: getattr(F, function)(*t, **kwargs),
                    lambda *t: getattr(torch.nn.functional, function)(*t, **kwargs), [x, w, b], FLOAT64_RTOL)


def test_conv_transpose_output_size_chooses_the_output_padding():
    ours, theirs = twins("ConvTranspose2d", 3, 2, 3, stride=3, padding=1, dtype=np.float64)
    x = _input((1, 3, 4, 4), np.float64)
    for size in ([10, 12], (1, 2, 11, 10)):
        assert_same_run(ours, theirs, [x], FLOAT64_RTOL, output_size=size)
    with pytest.raises(ValueError, match=r"ConvTranspose2d\(3, 2.*requested an output size of \[13, 10\].*"
                                         r"valid sizes range from \[10, 10\] to \[12, 12\]"):
        ours(gtorch.tensor(x), output_size=[13, 10])


def test_state_dict_goes_both_ways():
    """torch -> facade in `twins`; facade (its own initialization) -> torch here, same outputs after."""
    gw.random.seed(3)
    ours = gtorch.nn.Conv2d(4, 6, 3, padding=1, groups=2).double()
    theirs = torch.nn.Conv2d(4, 6, 3, padding=1, groups=2).double()
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight", "bias"]
    load_into_torch(theirs, ours)
    x = _input((2, 4, 5, 5), np.float64)
    np.testing.assert_allclose(ours(gtorch.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-12)


@pytest.mark.parametrize("name, args, kwargs", [
    ("Conv2d", (8, 16, 3), {}), ("Conv2d", (8, 16, (3, 5)), dict(groups=4)), ("Conv1d", (6, 12, 5), {}),
    ("ConvTranspose2d", (16, 8, 3), {}), ("ConvTranspose1d", (6, 4, 3), dict(groups=2)),
])
def test_default_initialization_is_pytorchs(name, args, kwargs):
    """kaiming_uniform_(a=sqrt(5)): U(-b, b) with b = 1/sqrt(fan_in), fan_in = the weight's size over dim 0;
    the bias alike. The weights fill the interval (their extremes near +-b) and repeat under gw.random.seed."""
    gw.random.seed(0)
    module = getattr(gtorch.nn, name)(*args, **kwargs)
    reference = getattr(torch.nn, name)(*args, **kwargs)
    assert module.weight.shape == reference.weight.shape and module.weight.dtype == np.float32
    bound = 1 / math.sqrt(math.prod(module.weight.shape[1:]))
    assert np.abs(module.bias.detach().numpy()).max() <= bound
    weights = module.weight.detach().numpy()
    assert np.abs(weights).max() <= bound
    assert np.abs(weights).max() > 0.95 * bound and abs(weights.mean()) < 0.1 * bound
    gw.random.seed(0)
    again = getattr(gtorch.nn, name)(*args, **kwargs)
    np.testing.assert_array_equal(again.weight.detach().numpy(), weights)


@pytest.mark.parametrize("spec", [
    "Conv2d(3, 8, 3)", "Conv2d(4, 8, (3, 5), stride=2, padding=1, dilation=2, groups=2, bias=False)",
    "Conv2d(3, 8, 3, padding='same')", "Conv2d(3, 8, 3, padding='valid')", "Conv1d(2, 4, 5, stride=2)",
    "ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1)", "ConvTranspose1d(4, 6, 3, dilation=2)",
])
def test_repr_is_pytorchs(spec):
    assert repr(eval("gtorch.nn." + spec)) == repr(eval("torch.nn." + spec))


def test_a_wrong_channel_count_names_the_layer_and_both_numbers():
    conv = gtorch.nn.Conv2d(3, 8, 3)
    message = (r"Conv2d\(3, 8, kernel_size=\(3, 3\), stride=\(1, 1\)\): expected input with 3 channels \(dim 1\), "
               r"got 4 channels \(input of shape \(2, 4, 5, 5\)\)")
    with pytest.raises(RuntimeError, match=message):
        conv(gtorch.zeros(2, 4, 5, 5))
    with pytest.raises(RuntimeError, match=r"ConvTranspose1d.*expected input with 4 channels \(dim 0\), got 3"):
        gtorch.nn.ConvTranspose1d(4, 2, 3)(gtorch.zeros(3, 5))


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.conv2d(gtorch.zeros(2, 4, 5, 5), gtorch.zeros(8, 3, 3, 3)), RuntimeError,
     r"conv2d: Given groups=1, weight of size \[8, 3, 3, 3\], expected input\[2, 4, 5, 5\] to have 3 channels, "
     r"but got 4 channels instead"),
    (lambda: F.conv2d(gtorch.zeros(2, 4, 5, 5), gtorch.zeros(6, 2, 3, 3), groups=4), RuntimeError,
     r"expected weight to be divisible by 4 at dimension 0"),
    (lambda: F.conv2d(gtorch.zeros(4, 5), gtorch.zeros(8, 4, 3, 3)), RuntimeError,
     r"Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d, but got input of size: \[4, 5\]"),
    (lambda: F.conv2d(gtorch.zeros(1, 4, 5, 5), gtorch.zeros(8, 4, 3, 3), padding="same", stride=2), RuntimeError,
     r"padding='same' is not supported for strided convolutions"),
    (lambda: F.conv2d(gtorch.zeros(1, 4, 5, 5), gtorch.zeros(8, 4, 3, 3), padding="full"), RuntimeError,
     r"Invalid padding string: 'full'"),
    (lambda: F.conv2d(gtorch.zeros(1, 4, 5, 5), gtorch.zeros(8, 4, 3, 3), gtorch.zeros(4)), RuntimeError,
     r"expected bias to be 1-dimensional with 8 elements, but got bias of size \[4\]"),
    (lambda: F.conv1d(gtorch.zeros(1, 4, 5), gtorch.zeros(8, 4, 3), stride=0), ValueError,
     r"conv1d: stride must be a positive int or a tuple of 1 of them, got 0"),
    (lambda: F.conv2d(gtorch.zeros(1, 4, 2, 2), gtorch.zeros(8, 4, 3, 3)), ValueError,
     r"a window of 3 pixels does not fit in an input of 2"),
    (lambda: F.conv_transpose2d(gtorch.zeros(1, 4, 3, 3), gtorch.zeros(4, 2, 3, 3), stride=2, output_padding=2),
     RuntimeError, r"conv_transpose2d: output padding must be smaller than the stride"),
    (lambda: F.conv_transpose2d(gtorch.zeros(1, 3, 3, 3), gtorch.zeros(4, 2, 3, 3)), RuntimeError,
     r"Given transposed=1, weight of size \[4, 2, 3, 3\], expected input\[1, 3, 3, 3\] to have 4 channels"),
    (lambda: gtorch.nn.Conv2d(4, 6, 3, groups=4), ValueError, r"Conv2d: out_channels must be divisible by groups"),
    (lambda: gtorch.nn.Conv2d(4, 6, 3, stride=2, padding="same"), ValueError,
     r"Conv2d: padding='same' is not supported for strided convolutions"),
    (lambda: gtorch.nn.ConvTranspose2d(4, 6, 3, padding="same"), ValueError, r"ConvTranspose2d: Invalid padding"),
    (lambda: gtorch.nn.Conv2d(4, 6, 3, padding_mode="reflect"), NotImplementedError,
     r"Conv2d: padding_mode='reflect' is not provided by gradwork.torch, only 'zeros'"),
    (lambda: gtorch.nn.Conv2d(4, 6, 3, padding_mode="mirror"), ValueError, r"padding_mode must be one of"),
    (lambda: gtorch.nn.Conv2d(4, 6, 3, device="cuda"), RuntimeError, r"CPU only"),
])
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_the_module_layer_names_are_registered():
    for name in ("Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d"):
        assert issubclass(getattr(gtorch.nn, name), gtorch.nn.Module)
    for name in ("conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d"):
        assert callable(getattr(F, name))

