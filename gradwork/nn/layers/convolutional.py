"""Convolution layers, channels last (Keras's NHWC): Conv2D, Conv1D, their transposes, and the depthwise
and separable convolutions in 1-D and 2-D.

They share one shell (`_Conv`): the window arguments, the bias and activation, the checks and the
config; each layer says which weights it owns and which convolution kernel (`gradwork.ops.nn`) it runs.
Their docstrings are one template (`_DOC`) filled in per layer.
"""
from collections.abc import Callable
from typing import Any

from ... import activations
from ...ops.nn.conv import conv1d, conv1d_transpose, conv2d, conv2d_transpose
from ...ops.nn.depthwise import depthwise_conv1d, depthwise_conv2d, separable_conv1d, separable_conv2d
from ...ops.nn.windows import pair, padding_mode
from ..layer import Layer
from . import _checks
from ...registry import serialize_object
from ...tensor import Tensor

_DOC = """{summary}

    Parameters
    ----------
    {args}
    strides : {size}, default 1
    padding : "valid" or "same", default "valid"
        {same}
    dilation_rate : {size}, default 1
    activation : str or callable, optional
        A `gw.activations` identifier; None (the default) is linear.
    use_bias : bool, default True
    {initializers}
    bias_initializer, bias_regularizer : str or callable, default "zeros", None
    {constraints} : str or callable, optional
        `gw.constraints` identifiers, applied after every optimizer update.
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    {shape}

    Output shape
    ------------
    {out}
{example}    """
_FILTERS = """filters : int
        The number of output channels.
    kernel_size : {size}"""
_SAME = {"conv": '"same": output size ceil(size / strides), the extra padding at the bottom/right.',
         "transpose": '"same": output size size * strides (without output_padding).'}


def _documented(summary, rank, out, args=_FILTERS, weights=("kernel",), same="conv", example=None):
    """A convolution layer's docstring: its own summary, arguments and output shape, the shared arguments,
    and an example (a call and its printed result) if given."""
    size = "int or (int, int)" if rank == 2 else "int"
    initializers = [f'{w}_initializer, {w}_regularizer : str or callable, default "glorot_uniform", None'
                    for w in weights]
    examples = "" if example is None else "\n    Examples\n    --------\n    >>> {}\n    {}\n".format(*example)
    constraints = ", ".join(f"{w}_constraint" for w in weights + ("bias",))
    return _DOC.format(summary=summary, args=args.format(size=size), size=size, same=_SAME[same],
                       initializers="\n    ".join(initializers), constraints=constraints, out=out, example=examples,
                       shape="(batch, height, width, channels)" if rank == 2 else "(batch, steps, channels)")


class _Conv(Layer):
    """What the convolution layers share: strides, padding, dilation, bias, activation, checks, config.

    A subclass defines three methods:

    - ``kernel_specs(channels) -> {weight name: (shape, initializer, regularizer, constraint)}``: the
      kernels for `channels` input channels;
    - ``output_channels(channels) -> int``: the number of output channels;
    - ``convolve(inputs) -> Tensor``: the convolution kernel's call with the layer's weights and
      bias (the activation follows).
    """

    rank = None  # 1 or 2: the number of spatial axes
    constraint_arguments = ("bias_constraint",)

    def __init__(self, kernel_size: int | tuple[int, ...], strides: int | tuple[int, ...] = 1, padding: str = "valid",
                 dilation_rate: int | tuple[int, ...] = 1, activation: str | Callable | None = None,
                 use_bias: bool = True, bias_initializer: str | Callable = "zeros",
                 bias_regularizer: str | Callable | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        try:
            padding = padding_mode(padding)
        except ValueError as error:
            raise ValueError(f"{type(self).__name__}: {error}") from None
        self.kernel_size = self._tuple(kernel_size, "kernel_size")
        self.strides = self._tuple(strides, "strides")
        self.dilation_rate = self._tuple(dilation_rate, "dilation_rate")
        self.padding = padding
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.bias_initializer, self.bias_regularizer = bias_initializer, bias_regularizer

    def _tuple(self, value, name, minimum=1):
        """`value` as a rank-tuple of integers >= minimum: 3, (3, 3), or (3,) / [3] (a config) for rank 1."""
        single = tuple(value) if isinstance(value, (tuple, list)) else (value,)
        if self.rank == 1 and len(single) != 1:
            raise ValueError(f"{type(self).__name__}: {name} must be an integer or a 1-tuple, got {value!r}")
        try:
            both = pair(value if self.rank == 2 else single[0], name, minimum)
        except ValueError as error:
            raise ValueError(f"{type(self).__name__}: {error}") from None
        return both[: self.rank]

    def build(self, input_shape):
        if len(input_shape) != self.rank + 2:
            layout = "(batch, height, width, channels)" if self.rank == 2 else "(batch, steps, channels)"
            raise ValueError(f"{self.name}: expected inputs of shape {layout}, got shape {input_shape}")
        self.input_channels = input_shape[-1]
        for name, (shape, initializer, regularizer, constraint) in self.kernel_specs(self.input_channels).items():
            setattr(self, name, self.add_weight(name, shape, initializer, regularizer, constraint=constraint))
        self.bias = None
        if self.use_bias:
            size = (self.output_channels(self.input_channels),)
            self.bias = self.add_weight("bias", size, self.bias_initializer, self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def call(self, inputs):
        if inputs.ndim != self.rank + 2 or inputs.shape[-1] != self.input_channels:
            raise ValueError(
                f"{self.name}: expected inputs with {self.rank + 2} axes and {self.input_channels} "
                f"channels last, got shape {inputs.shape}"
            )
        if inputs.dtype.kind != "f":
            inputs = inputs.astype(self.dtype)
        try:
            out = self.convolve(inputs)
        except ValueError as error:  # the window geometry: say which layer and which inputs
            raise ValueError(f"{self.name}: inputs of shape {inputs.shape}: {error}") from None
        return self.activation(out) if self.activation is not None else out

    def get_config(self):
        return {
            **super().get_config(),
            "kernel_size": list(self.kernel_size),
            "strides": list(self.strides),
            "padding": self.padding,
            "dilation_rate": list(self.dilation_rate),
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "bias_initializer": serialize_object(self.bias_initializer),
            "bias_regularizer": serialize_object(self.bias_regularizer),
        }


class _FilterConv(_Conv):
    """A convolution with `filters` outputs and one `kernel`: Conv1D/2D and their transposes."""

    constraint_arguments = ("kernel_constraint", "bias_constraint")

    def __init__(self, filters: int, kernel_size: int | tuple[int, ...], strides: int | tuple[int, ...] = 1,
                 padding: str = "valid", dilation_rate: int | tuple[int, ...] = 1,
                 activation: str | Callable | None = None, use_bias: bool = True,
                 kernel_initializer: str | Callable = "glorot_uniform", bias_initializer: str | Callable = "zeros",
                 kernel_regularizer: str | Callable | None = None, bias_regularizer: str | Callable | None = None,
                 **kwargs: Any) -> None:
        super().__init__(kernel_size, strides, padding, dilation_rate, activation, use_bias, bias_initializer,
                         bias_regularizer, **kwargs)
        self.filters = _checks.positive_int(self, "filters", filters)
        self.kernel_initializer, self.kernel_regularizer = kernel_initializer, kernel_regularizer

    def kernel_specs(self, channels: int) -> dict[str, tuple]:
        return {"kernel": (self.kernel_size + (channels, self.filters), self.kernel_initializer,
                           self.kernel_regularizer, self.kernel_constraint)}

    def output_channels(self, channels: int) -> int:
        return self.filters

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_initializer": serialize_object(self.kernel_initializer),
                "kernel_regularizer": serialize_object(self.kernel_regularizer)}


class Conv2D(_FilterConv):
    __doc__ = _documented("2-D convolution over images, channels last; kernel (kh, kw, channels, filters).", 2,
                          "(batch, height_out, width_out, filters)",
                          example=('gw.nn.Conv2D(32, 3, padding="same")(np.zeros((1, 28, 28, 1))).shape',
                                   "(1, 28, 28, 32)"))

    rank = 2

    def convolve(self, inputs: Tensor) -> Tensor:
        return conv2d(inputs, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate)


class Conv1D(_FilterConv):
    __doc__ = _documented("1-D convolution over sequences, channels last; kernel (k, channels, filters).", 1,
                          "(batch, steps_out, filters)",
                          example=("gw.nn.Conv1D(8, 3)(np.zeros((2, 10, 4))).shape", "(2, 8, 8)"))

    rank = 1

    def convolve(self, inputs: Tensor) -> Tensor:
        return conv1d(inputs, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate)


class _Transpose(_FilterConv):
    """A transposed convolution: the kernel is (k..., filters, C) and `output_padding` may set the size."""

    def __init__(self, filters: int, kernel_size: int | tuple[int, ...], strides: int | tuple[int, ...] = 1,
                 padding: str = "valid", output_padding: int | tuple[int, ...] | None = None,
                 dilation_rate: int | tuple[int, ...] = 1, **kwargs: Any) -> None:
        super().__init__(filters, kernel_size, strides, padding, dilation_rate, **kwargs)
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = self._tuple(output_padding, "output_padding", minimum=0)
            if any(p >= s for p, s in zip(self.output_padding, self.strides)):
                raise ValueError(f"{type(self).__name__}: output_padding must be smaller than the strides "
                                 f"{self.strides}, got {output_padding!r}")

    def kernel_specs(self, channels: int) -> dict[str, tuple]:
        return {"kernel": (self.kernel_size + (self.filters, channels), self.kernel_initializer,
                           self.kernel_regularizer, self.kernel_constraint)}

    def get_config(self):
        padding = None if self.output_padding is None else list(self.output_padding)
        return {**super().get_config(), "output_padding": padding}


class Conv2DTranspose(_Transpose):
    __doc__ = _documented(
        "Transposed 2-D convolution, the learned upsampling of decoders and DCGAN generators; kernel\n"
        "    (kh, kw, filters, channels), the adjoint of a Conv2D's.", 2,
        '(batch, height_out, width_out, filters); height_out = height * strides under "same"',
        _FILTERS + "\n    output_padding : int or (int, int), optional\n        Extra rows/columns at the "
        "bottom/right, each smaller than the strides.", same="transpose",
        example=('gw.nn.Conv2DTranspose(32, 3, strides=2, padding="same")(np.zeros((1, 7, 7, 8))).shape',
                 "(1, 14, 14, 32)"))

    rank = 2

    def convolve(self, inputs: Tensor) -> Tensor:
        return conv2d_transpose(inputs, self.kernel, self.bias, self.strides, self.padding, self.output_padding,
                                self.dilation_rate)


class Conv1DTranspose(_Transpose):
    __doc__ = _documented(
        "Transposed 1-D convolution (learned upsampling of sequences); kernel (k, filters, channels).", 1,
        '(batch, steps_out, filters); steps_out = steps * strides under "same"',
        _FILTERS + "\n    output_padding : int, optional\n        Extra steps at the end, smaller than the strides.",
        same="transpose")

    rank = 1

    def convolve(self, inputs: Tensor) -> Tensor:
        return conv1d_transpose(inputs, self.kernel, self.bias, self.strides, self.padding, self.output_padding,
                                self.dilation_rate)


class _DepthwiseBase(_Conv):
    """What the depthwise and separable convolutions share: `depth_multiplier` filters per input channel,
    the depthwise kernel (k..., channels, depth_multiplier); a subclass sets `rank` and `convolve`."""

    constraint_arguments = ("depthwise_constraint", "bias_constraint")

    def __init__(self, kernel_size: int | tuple[int, ...], strides: int | tuple[int, ...] = 1, padding: str = "valid",
                 depth_multiplier: int = 1, dilation_rate: int | tuple[int, ...] = 1,
                 depthwise_initializer: str | Callable = "glorot_uniform",
                 depthwise_regularizer: str | Callable | None = None, **kwargs: Any) -> None:
        super().__init__(kernel_size, strides, padding, dilation_rate, **kwargs)
        self.depth_multiplier = _checks.positive_int(self, "depth_multiplier", depth_multiplier)
        self.depthwise_initializer, self.depthwise_regularizer = depthwise_initializer, depthwise_regularizer

    def depthwise_spec(self, channels: int) -> tuple:
        """(shape, initializer, regularizer, constraint) of the depthwise kernel (k..., channels,
        depth_multiplier)."""
        return (self.kernel_size + (channels, self.depth_multiplier), self.depthwise_initializer,
                self.depthwise_regularizer, self.depthwise_constraint)

    def get_config(self):
        return {**super().get_config(), "depth_multiplier": self.depth_multiplier,
                "depthwise_initializer": serialize_object(self.depthwise_initializer),
                "depthwise_regularizer": serialize_object(self.depthwise_regularizer)}


class _DepthwiseConv(_DepthwiseBase):
    """DepthwiseConv1D/2D: one kernel, "kernel", and channels * depth_multiplier outputs."""

    def kernel_specs(self, channels: int) -> dict[str, tuple]:
        return {"kernel": self.depthwise_spec(channels)}

    def output_channels(self, channels: int) -> int:
        return channels * self.depth_multiplier


_DEPTHWISE_ARGS = "kernel_size : {size}\n    depth_multiplier : int, default 1"


class DepthwiseConv2D(_DepthwiseConv):
    __doc__ = _documented(
        "Each channel filtered on its own by depth_multiplier filters; kernel (kh, kw, channels,\n"
        "    depth_multiplier), output channel c * depth_multiplier + m.", 2,
        "(batch, height_out, width_out, channels * depth_multiplier)", _DEPTHWISE_ARGS, ("depthwise",),
        example=("gw.nn.DepthwiseConv2D(3, depth_multiplier=2)(np.zeros((1, 5, 5, 4))).shape", "(1, 3, 3, 8)"))

    rank = 2

    def convolve(self, inputs: Tensor) -> Tensor:
        return depthwise_conv2d(inputs, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate)


class DepthwiseConv1D(_DepthwiseConv):
    __doc__ = _documented(
        "Each channel of a sequence filtered on its own by depth_multiplier filters; kernel (k, channels,\n"
        "    depth_multiplier), output channel c * depth_multiplier + m.", 1,
        "(batch, steps_out, channels * depth_multiplier)", _DEPTHWISE_ARGS, ("depthwise",),
        example=("gw.nn.DepthwiseConv1D(3, depth_multiplier=2)(np.zeros((2, 10, 4))).shape", "(2, 8, 8)"))

    rank = 1

    def convolve(self, inputs: Tensor) -> Tensor:
        return depthwise_conv1d(inputs, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate)


class _SeparableConv(_DepthwiseBase):
    """SeparableConv1D/2D: the depthwise kernel, then a pointwise kernel (1..., channels * depth_multiplier,
    filters) mixing the channels."""

    constraint_arguments = ("depthwise_constraint", "pointwise_constraint", "bias_constraint")

    def __init__(self, filters: int, kernel_size: int | tuple[int, ...], strides: int | tuple[int, ...] = 1,
                 padding: str = "valid", dilation_rate: int | tuple[int, ...] = 1, depth_multiplier: int = 1,
                 pointwise_initializer: str | Callable = "glorot_uniform",
                 pointwise_regularizer: str | Callable | None = None, **kwargs: Any) -> None:
        super().__init__(kernel_size, strides, padding, depth_multiplier, dilation_rate, **kwargs)
        self.filters = _checks.positive_int(self, "filters", filters)
        self.pointwise_initializer, self.pointwise_regularizer = pointwise_initializer, pointwise_regularizer

    def kernel_specs(self, channels: int) -> dict[str, tuple]:
        pointwise = (1,) * self.rank + (channels * self.depth_multiplier, self.filters)
        return {"depthwise_kernel": self.depthwise_spec(channels),
                "pointwise_kernel": (pointwise, self.pointwise_initializer, self.pointwise_regularizer,
                                     self.pointwise_constraint)}

    def output_channels(self, channels: int) -> int:
        return self.filters

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "pointwise_initializer": serialize_object(self.pointwise_initializer),
                "pointwise_regularizer": serialize_object(self.pointwise_regularizer)}


class SeparableConv2D(_SeparableConv):
    __doc__ = _documented(
        "Depthwise convolution then a 1x1 convolution mixing the channels; depthwise_kernel\n"
        "    (kh, kw, channels, depth_multiplier), pointwise_kernel (1, 1, channels * depth_multiplier, filters).",
        2, "(batch, height_out, width_out, filters)", _FILTERS + "\n    depth_multiplier : int, default 1",
        ("depthwise", "pointwise"))

    rank = 2

    def convolve(self, inputs: Tensor) -> Tensor:
        return separable_conv2d(inputs, self.depthwise_kernel, self.pointwise_kernel, self.bias, self.strides,
                                self.padding, self.dilation_rate)


class SeparableConv1D(_SeparableConv):
    __doc__ = _documented(
        "Depthwise 1-D convolution then a pointwise (kernel size 1) one mixing the channels; depthwise_kernel\n"
        "    (k, channels, depth_multiplier), pointwise_kernel (1, channels * depth_multiplier, filters).",
        1, "(batch, steps_out, filters)", _FILTERS + "\n    depth_multiplier : int, default 1",
        ("depthwise", "pointwise"),
        example=('gw.nn.SeparableConv1D(6, 3, padding="same")(np.zeros((2, 10, 4))).shape', "(2, 10, 6)"))

    rank = 1

    def convolve(self, inputs: Tensor) -> Tensor:
        return separable_conv1d(inputs, self.depthwise_kernel, self.pointwise_kernel, self.bias, self.strides,
                                self.padding, self.dilation_rate)
