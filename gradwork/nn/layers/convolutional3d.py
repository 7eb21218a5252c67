"""Volumetric convolution layers, channels last (Keras's NDHWC): Conv3D and Conv3DTranspose.

They are the 2-D layers' shell (`_FilterConv`, `_Transpose` in convolutional.py) with rank 3: window
arguments of three values (depth, height, width), padding names in any case ("SAME"), and the kernels
of conv3d.py, which build the volumes' convolutions from the 2-D ones.
"""
from collections.abc import Callable
from typing import Any

from ...ops.nn.conv3d import axis_windows, conv3d, conv3d_transpose, triple
from ...tensor import Tensor
from . import _checks
from .convolutional import _FILTERS, _FilterConv, _Transpose, _documented

_LAYOUT = "(batch, depth, height, width, channels)"


def _volume_doc(summary, out, args, same, example):
    """A 3-D convolution layer's docstring: the 2-D template with three-value windows and volume shapes."""
    doc = _documented(summary, 2, out, args, same=same, example=example)
    return (doc.replace("int or (int, int)", "int or (int, int, int)")
            .replace("(batch, height, width, channels)", _LAYOUT)
            .replace('"valid" or "same", default', '"valid" or "same" (any case), default')
            .replace("at the bottom/right", "at the back/bottom/right"))


class _Volumes:
    """The rank-3 parts of a convolution layer: three-value windows and 5-D inputs."""

    rank = 3

    def _tuple(self, value, name, minimum=1):
        try:
            return triple(value, name, minimum)
        except ValueError as error:
            raise ValueError(f"{type(self).__name__}: {error}") from None

    groups = 1

    def build(self, input_shape):
        if len(input_shape) != 5:
            raise ValueError(f"{self.name}: expected inputs of shape {_LAYOUT}, got shape {input_shape}")
        if input_shape[-1] % self.groups:
            raise ValueError(f"{self.name}: groups={self.groups} must divide the input channels, got "
                             f"{input_shape[-1]}")
        super().build(input_shape)


class Conv3D(_Volumes, _FilterConv):
    __doc__ = _volume_doc(
        "3-D convolution over volumes (video, scans), channels last; kernel (kd, kh, kw, channels / groups,\n"
        "    filters).", "(batch, depth_out, height_out, width_out, filters)",
        _FILTERS + "\n    groups : int, default 1\n        Filter f sees only the channels of group "
        "f // (filters / groups); channels and filters divisible by it.", "conv",
        example=('gw.nn.Conv3D(8, 3, padding="same")(np.zeros((1, 4, 6, 6, 2))).shape', "(1, 4, 6, 6, 8)"))

    def __init__(self, filters: int, kernel_size: int | tuple[int, int, int], strides: int | tuple[int, int, int] = 1,
                 padding: str = "valid", dilation_rate: int | tuple[int, int, int] = 1, groups: int = 1,
                 activation: str | Callable | None = None, use_bias: bool = True,
                 kernel_initializer: str | Callable = "glorot_uniform", bias_initializer: str | Callable = "zeros",
                 kernel_regularizer: str | Callable | None = None, bias_regularizer: str | Callable | None = None,
                 **kwargs: Any) -> None:
        super().__init__(filters, kernel_size, strides, padding, dilation_rate, activation, use_bias,
                         kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer, **kwargs)
        self.groups = _checks.positive_int(self, "groups", groups)
        if self.filters % self.groups:
            raise ValueError(f"Conv3D: groups={self.groups} must divide filters={self.filters}")

    def build(self, input_shape):
        if len(input_shape) == 5:  # windows that do not fit: refused before any weight is made
            for axis, size, k, s, d in zip(("depth", "height", "width"), input_shape[1:4], self.kernel_size,
                                           self.strides, self.dilation_rate):
                if size is not None:
                    axis_windows(self.name, axis, size, k, s, d, self.padding)
        super().build(input_shape)

    def kernel_specs(self, channels: int) -> dict[str, tuple]:
        return {"kernel": (self.kernel_size + (channels // self.groups, self.filters), self.kernel_initializer,
                           self.kernel_regularizer, self.kernel_constraint)}

    def convolve(self, inputs: Tensor) -> Tensor:
        return conv3d(inputs, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate, self.groups)

    def get_config(self):
        return {**super().get_config(), "groups": self.groups}


class Conv3DTranspose(_Volumes, _Transpose):
    __doc__ = _volume_doc(
        "Transposed 3-D convolution (learned upsampling of volumes); kernel (kd, kh, kw, filters, channels),\n"
        "    the adjoint of a Conv3D's.", '(batch, depth_out, height_out, width_out, filters); each size * strides '
        'under "same"',
        _FILTERS + "\n    output_padding : int or (int, int, int), optional\n        Extra slices/rows/columns "
        "at the back/bottom/right, each smaller than the strides.", "transpose",
        example=('gw.nn.Conv3DTranspose(4, 3, strides=2, padding="same")(np.zeros((1, 2, 3, 3, 8))).shape',
                 "(1, 4, 6, 6, 4)"))

    def __init__(self, filters: int, kernel_size: int | tuple[int, int, int], strides: int | tuple[int, int, int] = 1,
                 padding: str = "valid", output_padding: int | tuple[int, int, int] | None = None,
                 dilation_rate: int | tuple[int, int, int] = 1, **kwargs: Any) -> None:
        super().__init__(filters, kernel_size, strides, padding, output_padding, dilation_rate, **kwargs)

    def convolve(self, inputs: Tensor) -> Tensor:
        return conv3d_transpose(inputs, self.kernel, self.bias, self.strides, self.padding, self.output_padding,
                                self.dilation_rate)
