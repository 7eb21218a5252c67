"""`gradwork.torch.nn` pooling modules and `F.*pool*` against PyTorch.

Outputs, indices and input gradients in float64 and float32 over kernel sizes, strides, integer and
tuple padding, dilation, ceil_mode, count_include_pad, divisor_override, unbatched inputs, adaptive
output sizes that divide the input and that do not, and ties (the gradient goes to the first maximum,
as PyTorch). Also repr and the errors.
"""
import numpy as np
import pytest

import gradwork.torch as gtorch
from gradwork.torch.nn import functional as F

from .oracle import FLOAT64_RTOL, assert_same_run, tolerance, twins

torch = pytest.importorskip("torch")

# id: (class, constructor arguments, input shape)
CASES = {
    "max2d_tiles": ("MaxPool2d", (2,), {}, (2, 3, 6, 8)),
    "max2d_pad_stride": ("MaxPool2d", (3,), dict(stride=2, padding=1), (2, 3, 7, 8)),
    "max2d_ceil_dilation_tuple": ("MaxPool2d", ((3, 2),), dict(stride=(2, 3), padding=(1, 1), dilation=(2, 1),
                                                             ceil_mode=True), (2, 3, 7, 8)),
    "max2d_ceil_indices": ("MaxPool2d", (3,), dict(stride=2, ceil_mode=True, return_indices=True), (2, 3, 8, 7)),
    "max2d_unbatched_indices": ("MaxPool2d", (2,), dict(stride=1, padding=1, return_indices=True), (3, 5, 4)),
    "max1d_ceil_indices": ("MaxPool1d", (3,), dict(stride=2, padding=1, ceil_mode=True, return_indices=True),
                           (2, 3, 8)),
    "avg2d_tiles": ("AvgPool2d", (2,), {}, (2, 3, 6, 8)),
    "avg2d_pad_counted": ("AvgPool2d", (3,), dict(stride=2, padding=1), (2, 3, 7, 8)),
    "avg2d_pad_not_counted": ("AvgPool2d", (3,), dict(stride=2, padding=1, count_include_pad=False), (2, 3, 7, 8)),
    "avg2d_ceil_counted": ("AvgPool2d", ((3, 2),), dict(stride=(2, 3), padding=(1, 1), ceil_mode=True), (2, 3, 7, 8)),
    "avg2d_ceil_not_counted": ("AvgPool2d", ((3, 2),), dict(stride=(2, 3), padding=(1, 1), ceil_mode=True,
                                                          count_include_pad=False), (2, 3, 7, 8)),
    "avg2d_ceil_no_padding": ("AvgPool2d", (4,), dict(stride=3, ceil_mode=True), (2, 3, 8, 7)),
    "avg2d_divisor": ("AvgPool2d", (3,), dict(stride=2, padding=1, ceil_mode=True, divisor_override=5), (2, 3, 7, 8)),
    "avg1d_ceil": ("AvgPool1d", (3,), dict(stride=2, padding=1, ceil_mode=True), (2, 3, 8)),
    "avg1d_ceil_not_counted": ("AvgPool1d", (3,), dict(stride=2, padding=1, ceil_mode=True, count_include_pad=False),
                               (2, 3, 8)),
    "adaptive_avg2d_global": ("AdaptiveAvgPool2d", (1,), {}, (2, 3, 7, 8)),
    "adaptive_avg2d_divides": ("AdaptiveAvgPool2d", ((7, 4),), {}, (2, 3, 7, 8)),
    "adaptive_avg2d_uneven": ("AdaptiveAvgPool2d", ((3, 5),), {}, (2, 3, 7, 8)),
    "adaptive_avg2d_none": ("AdaptiveAvgPool2d", ((None, 3),), {}, (2, 3, 7, 8)),
    "adaptive_avg2d_unbatched": ("AdaptiveAvgPool2d", ((4, 3),), {}, (3, 7, 8)),
    "adaptive_max2d_divides": ("AdaptiveMaxPool2d", ((1, 2),), dict(return_indices=True), (2, 3, 7, 8)),
    "adaptive_max2d_uneven": ("AdaptiveMaxPool2d", ((3, 5),), dict(return_indices=True), (2, 3, 7, 8)),
    "adaptive_max2d_larger": ("AdaptiveMaxPool2d", ((9, 5),), {}, (2, 3, 7, 8)),
    "adaptive_avg1d_uneven": ("AdaptiveAvgPool1d", (3,), {}, (2, 3, 8)),
    "adaptive_max1d_uneven": ("AdaptiveMaxPool1d", (5,), dict(return_indices=True), (2, 3, 8)),
}
DTYPES = pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])


@DTYPES
@pytest.mark.parametrize("case", CASES)
def test_module_matches_torch(case, dtype):
    name, args, kwargs, shape = CASES[case]
    x = np.random.default_rng(1).standard_normal(shape).astype(dtype)
    assert_same_run(*twins(name, *args, **kwargs), [x], tolerance(dtype, 16))


@pytest.mark.parametrize("case", ["max2d_pad_stride", "max2d_ceil_indices", "max1d_ceil_indices",
                                  "adaptive_max2d_uneven", "adaptive_max2d_divides", "adaptive_max1d_uneven"])
def test_ties_send_the_gradient_to_the_first_maximum(case):
    """A plateau of equal values: PyTorch's index and gradient go to the window's first maximum (row-major)."""
    name, args, kwargs, shape = CASES[case]
    x = np.zeros(shape)
    x[..., 2:5, 1:4] = 1.0
    assert_same_run(*twins(name, *args, **kwargs), [x], 0.0)


@pytest.mark.parametrize("function, kwargs", [
    ("max_pool2d", dict(kernel_size=3, stride=[2, 1], padding=1, dilation=(1, 2), return_indices=True)),
    ("avg_pool2d", dict(kernel_size=(2, 3), stride=None, padding=(1, 0), ceil_mode=True, count_include_pad=False)),
    ("adaptive_avg_pool2d", dict(output_size=(3, None))),
    ("adaptive_max_pool2d", dict(output_size=(4, 3), return_indices=True)),
])
def test_functional_matches_torch(function, kwargs):
    x = np.random.default_rng(2).standard_normal((2, 3, 7, 6))
    assert_same_run(lambda t: getattr(F, function)(t, **kwargs),
                    lambda t: getattr(torch.nn.functional, function)(t, **kwargs), [x], FLOAT64_RTOL)


@pytest.mark.parametrize("spec", [
    "MaxPool2d(2)", "MaxPool2d((2, 3), stride=1, padding=1, dilation=2, ceil_mode=True, return_indices=True)",
    "MaxPool1d(3, 2)", "AvgPool2d(2)", "AvgPool2d(3, 2, 1, True, False, 2)", "AvgPool1d(3)", "AvgPool1d(3, 2, 1)",
    "AdaptiveAvgPool2d((2, 3))", "AdaptiveAvgPool2d(1)", "AdaptiveAvgPool1d(4)", "AdaptiveMaxPool2d((2, None))",
    "AdaptiveMaxPool1d(3)",
])
def test_repr_is_pytorchs(spec):
    assert repr(eval("gtorch.nn." + spec)) == repr(eval("torch.nn." + spec))


@pytest.mark.parametrize("call, error, message", [
    (lambda: F.max_pool2d(gtorch.zeros(1, 1, 5, 5), 3, padding=2), RuntimeError,
     r"max_pool2d: pad should be at most half of effective kernel size, but got pad=2, kernel_size=3"),
    (lambda: F.avg_pool2d(gtorch.zeros(1, 1, 5, 5), 3, padding=2), RuntimeError,
     r"avg_pool2d: pad should be at most half of kernel size"),
    (lambda: F.max_pool2d(gtorch.zeros(1, 1, 2, 2), 3), RuntimeError, r"max_pool2d: .* output size 0 is too small"),
    (lambda: F.avg_pool2d(gtorch.zeros(1, 1, 4, 4), 2, divisor_override=0), RuntimeError,
     r"avg_pool2d: divisor must be not zero"),
    (lambda: F.max_pool1d(gtorch.zeros(1, 1, 4, 4, 4), 2), RuntimeError,
     r"Expected 2D \(unbatched\) or 3D \(batched\) input to max_pool1d, but got input of size: \[1, 1, 4, 4, 4\]"),
    (lambda: F.max_pool2d(gtorch.zeros(1, 1, 4, 4), (2, 2, 2)), ValueError,
     r"max_pool2d: kernel_size must be a positive int or a tuple of 2 of them, got \(2, 2, 2\)"),
    (lambda: F.adaptive_avg_pool2d(gtorch.zeros(1, 1, 4, 4), (0, 2)), RuntimeError,
     r"adaptive_avg_pool2d: output_size must be 2 positive ints \(or None\), got \(0, 2\)"),
])
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_the_names_are_registered():
    for name in ("MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d",
                 "AdaptiveMaxPool1d", "AdaptiveMaxPool2d"):
        assert issubclass(getattr(gtorch.nn, name), gtorch.nn.Module)
    for name in ("max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
                 "adaptive_max_pool1d", "adaptive_max_pool2d"):
        assert callable(getattr(F, name))
