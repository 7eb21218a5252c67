"""The convolution and pooling kernels' PyTorch-shaped arguments: `groups`, explicit (asymmetric) padding,
max pooling's dilation and indices, average pooling's counted padding and fixed divisor.

First- and second-order gradient checks in float64 (grouped im2col, the depthwise route of one channel
per group, the grouped transposed convolution), values and gradients against PyTorch (channels first
there), and the errors the new arguments raise.
"""
import numpy as np
import pytest

import gradwork as gw
from gradwork.ops.nn import conv, pooling

from torch_oracle import torch


def _arrays(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for shape in shapes]


def _tensors(arrays):
    return tuple(gw.tensor(a, requires_grad=True) for a in arrays)


# id: (x shape (N, H, W, C), kernel shape, keyword arguments)
CONV_CASES = {
    "groups2_asymmetric_padding": ((2, 5, 4, 4), (3, 2, 2, 6), dict(strides=(2, 1), padding=((1, 0), (2, 1)),
                                                                      dilation=(1, 2), groups=2)),
    "groups3_same": ((1, 4, 4, 6), (2, 3, 2, 3), dict(strides=1, padding="same", dilation=1, groups=3)),
    "depthwise_route_multiplier2": ((1, 5, 5, 3), (3, 3, 1, 6), dict(strides=2, padding=((1, 1), (0, 2)),
                                                                      dilation=1, groups=3)),
}
TRANSPOSED_CASES = {
    "groups2_explicit_padding": ((1, 3, 3, 4), (3, 2, 3, 4), dict(strides=2, padding=((1, 1), (0, 0)),
                                                                   output_padding=(1, 0), dilation=1, groups=2)),
    "groups_per_channel": ((2, 3, 3, 2), (2, 2, 1, 2), dict(strides=(2, 3), padding="valid", output_padding=None,
                                                             dilation=1, groups=2)),
}


def _conv(kwargs):
    return lambda x, k, b: conv.conv2d(x, k, b, **kwargs)


def _transposed(kwargs):
    return lambda x, k, b: conv.conv2d_transpose(x, k, b, **kwargs)


@pytest.mark.parametrize("name", CONV_CASES)
def test_grouped_convolution_gradients(name):
    x_shape, k_shape, kwargs = CONV_CASES[name]
    operands = _tensors(_arrays(x_shape, k_shape, (k_shape[-1],)))
    assert gw.gradcheck(_conv(kwargs), operands)
    assert gw.gradgradcheck(_conv(kwargs), operands)


@pytest.mark.parametrize("name", TRANSPOSED_CASES)
def test_grouped_transposed_convolution_gradients(name):
    x_shape, k_shape, kwargs = TRANSPOSED_CASES[name]
    operands = _tensors(_arrays(x_shape, k_shape, (k_shape[2] * kwargs["groups"],)))
    assert gw.gradcheck(_transposed(kwargs), operands)
    assert gw.gradgradcheck(_transposed(kwargs), operands)


def _torch_conv(x, kernel, bias, strides, padding, dilation, groups):
    """torch's conv2d on NHWC arrays and a (kh, kw, C/groups, F) kernel, padded explicitly first."""
    (top, bottom), (left, right) = padding
    xt = torch.nn.functional.pad(torch.tensor(x).permute(0, 3, 1, 2), (left, right, top, bottom))
    out = torch.nn.functional.conv2d(xt, torch.tensor(kernel).permute(3, 2, 0, 1), torch.tensor(bias), strides,
                                     0, dilation, groups)
    return out.permute(0, 2, 3, 1).numpy()


@pytest.mark.parametrize("name", ["groups2_asymmetric_padding", "depthwise_route_multiplier2"])
def test_grouped_convolution_with_asymmetric_padding_matches_torch(name):
    x_shape, k_shape, kwargs = CONV_CASES[name]
    x, k, b = _arrays(x_shape, k_shape, (k_shape[-1],), seed=1)
    expected = _torch_conv(x, k, b, kwargs["strides"], kwargs["padding"], kwargs["dilation"], kwargs["groups"])
    np.testing.assert_allclose(conv.conv2d(x, k, b, **kwargs).data, expected, rtol=1e-12, atol=1e-12)


def test_pooling_with_explicit_padding_dilation_and_counted_padding_matches_torch():
    x = _arrays((2, 7, 6, 3), seed=2)[0]
    xt = torch.tensor(x).permute(0, 3, 1, 2)
    pads = ((1, 1), (1, 2))  # PyTorch's padding 1, and one more column at the right: what its ceil_mode adds here
    expected, indices = torch.nn.functional.max_pool2d(xt, 3, 2, 1, dilation=(1, 2), ceil_mode=True,
                                                      return_indices=True)
    np.testing.assert_array_equal(pooling.max_pool2d(x, 3, 2, pads, (1, 2)).data, expected.permute(0, 2, 3, 1))
    np.testing.assert_array_equal(pooling.max_pool2d_indices(x, 3, 2, pads, (1, 2)), indices.permute(0, 2, 3, 1))
    for counted, include in ((((1, 1), (1, 1)), True), (None, False)):
        expected = torch.nn.functional.avg_pool2d(xt, 3, 2, 1, ceil_mode=True, count_include_pad=include)
        np.testing.assert_allclose(pooling.avg_pool2d(x, 3, 2, pads, counted).data, expected.permute(0, 2, 3, 1),
                                   rtol=1e-12)
    fixed = torch.nn.functional.avg_pool2d(xt, 3, 2, 1, divisor_override=4)
    np.testing.assert_allclose(pooling.avg_pool2d(x, 3, 2, ((1, 1), (1, 1)), divisor=4).data,
                               fixed.permute(0, 2, 3, 1), rtol=1e-12)


@pytest.mark.parametrize("fn", [
    lambda x: pooling.max_pool2d(x, 3, 2, ((1, 2), (0, 1)), (2, 1)),
    lambda x: pooling.avg_pool2d(x, 3, 2, ((1, 2), (0, 1)), ((1, 1), (0, 0))),
    lambda x: pooling.avg_pool2d(x, 2, 1, "valid", divisor=3),
], ids=["max_dilated", "avg_counted", "avg_divisor"])
def test_pooling_gradients(fn):
    operand = _tensors(_arrays((1, 6, 5, 2), seed=3))
    assert gw.gradcheck(fn, operand)
    assert gw.gradgradcheck(fn, operand)


@pytest.mark.parametrize("call, message", [
    (lambda: conv.conv2d(np.zeros((1, 4, 4, 4)), np.zeros((3, 3, 2, 6)), None, 1, ((1, -1), (0, 0)), 1, 2),
     r"padding must be 'valid', 'same' or \(\(top, bottom\), \(left, right\)\) with sizes >= 0, got \(\(1, -1\)"),
    (lambda: conv.conv2d(np.zeros((1, 4, 4, 4)), np.zeros((3, 3, 2, 6)), None, 1, "valid", 1, 4),
     r"conv2d: input of shape \(1, 4, 4, 4\) \(N, H, W, C\) and groups=4 \(dividing the channels and the filters\) "
     r"needs a kernel of shape \(kh, kw, 1, filters\), got \(3, 3, 2, 6\)"),
    (lambda: conv.conv2d(np.zeros((1, 4, 4, 4)), np.zeros((3, 3, 2, 5)), None, 1, "valid", 1, 2),
     r"conv2d: .* and groups=2 .* got \(3, 3, 2, 5\)"),
    (lambda: conv.conv2d(np.zeros((1, 4, 4, 4)), np.zeros((3, 3, 4, 4)), None, 1, "valid", 1, 0),
     r"conv2d: groups must be a positive integer, got 0"),
    (lambda: conv.conv2d(np.zeros((1, 2, 2, 1)), np.zeros((3, 3, 1, 1)), None, 1, ((0, 0), (1, 0)), 1),
     r"conv2d: a window of 3 pixels does not fit in an input of 2 padded to 2"),
])
def test_errors_name_the_function_and_the_value(call, message):
    with pytest.raises(ValueError, match=message):
        call()
