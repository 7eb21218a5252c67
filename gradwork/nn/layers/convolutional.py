"""Convolution layers, channels last (Keras's NHWC): Conv2D, Conv1D, their transposes, DepthwiseConv2D and
SeparableConv2D.

They share one shell (`_Conv`): the window arguments, the bias and activation, the checks and the
config; each layer says which weights it owns and which convolution kernel (`gradwork.ops.nn`) it runs.
"""

from ... import activations
from ...ops.nn.conv import conv1d, conv1d_transpose, conv2d, conv2d_transpose
from ...ops.nn.depthwise import depthwise_conv2d, separable_conv2d
from ...ops.nn.windows import pair
from ..layer import Layer
from . import _checks
from ...registry import serialize_object


class _Conv(Layer):
    """What the convolution layers share: strides, padding, dilation, bias, activation, checks, config.

    A subclass defines `kernel_specs(channels)` -> {weight name: (shape, initializer, regularizer)},
    `output_channels(channels)` and `convolve(inputs)`, the kernel's call with its weights.
    """

    rank = None  # 1 or 2: the number of spatial axes

    def __init__(self, kernel_size, strides=1, padding="valid", dilation_rate=1, activation=None,
                 use_bias=True, bias_initializer="zeros", bias_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        if padding not in ("valid", "same"):
            raise ValueError(f"{type(self).__name__}: padding must be 'valid' or 'same', got {padding!r}")
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
        for name, (shape, initializer, regularizer) in self.kernel_specs(self.input_channels).items():
            setattr(self, name, self.add_weight(name, shape, initializer, regularizer))
        self.bias = None
        if self.use_bias:
            size = (self.output_channels(self.input_channels),)
            self.bias = self.add_weight("bias", size, self.bias_initializer, self.bias_regularizer)

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

    def __init__(self, filters, kernel_size, strides=1, padding="valid", dilation_rate=1, activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, **kwargs):
        super().__init__(kernel_size, strides, padding, dilation_rate, activation, use_bias, bias_initializer,
                         bias_regularizer, **kwargs)
        self.filters = _checks.positive_int(self, "filters", filters)
        self.kernel_initializer, self.kernel_regularizer = kernel_initializer, kernel_regularizer

    def kernel_specs(self, channels):
        return {"kernel": (self.kernel_size + (channels, self.filters), self.kernel_initializer,
                           self.kernel_regularizer)}

    def output_channels(self, channels):
        return self.filters

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_initializer": serialize_object(self.kernel_initializer),
                "kernel_regularizer": serialize_object(self.kernel_regularizer)}


class Conv2D(_FilterConv):
    """2-D convolution over images (N, H, W, C) -> (N, Ho, Wo, filters); kernel (kh, kw, C, filters).

    padding: "valid" (none) or "same" (output size ceil(size / stride), as Keras).

    >>> gw.nn.Conv2D(32, 3, padding="same", activation="relu")
    """

    rank = 2

    def convolve(self, inputs):
        return conv2d(inputs, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate)


class Conv1D(_FilterConv):
    """1-D convolution over sequences (N, steps, C) -> (N, steps_out, filters); kernel (k, C, filters)."""

    rank = 1

    def convolve(self, inputs):
        return conv1d(inputs, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate)


class _Transpose(_FilterConv):
    """A transposed convolution: the kernel is (k..., filters, C) and `output_padding` may set the size."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None, dilation_rate=1,
                 **kwargs):
        super().__init__(filters, kernel_size, strides, padding, dilation_rate, **kwargs)
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = self._tuple(output_padding, "output_padding", minimum=0)
            if any(p >= s for p, s in zip(self.output_padding, self.strides)):
                raise ValueError(f"{type(self).__name__}: output_padding must be smaller than the strides "
                                 f"{self.strides}, got {output_padding!r}")

    def kernel_specs(self, channels):
        return {"kernel": (self.kernel_size + (self.filters, channels), self.kernel_initializer,
                           self.kernel_regularizer)}

    def get_config(self):
        padding = None if self.output_padding is None else list(self.output_padding)
        return {**super().get_config(), "output_padding": padding}


class Conv2DTranspose(_Transpose):
    """Transposed 2-D convolution (N, h, w, C) -> (N, H, W, filters), H = h * stride with "same";
    kernel (kh, kw, filters, C). The learned upsampling of decoders and DCGAN generators.

    >>> gw.nn.Conv2DTranspose(32, 3, strides=2, padding="same")   # 7x7 -> 14x14
    """

    rank = 2

    def convolve(self, inputs):
        return conv2d_transpose(inputs, self.kernel, self.bias, self.strides, self.padding, self.output_padding,
                                self.dilation_rate)


class Conv1DTranspose(_Transpose):
    """Transposed 1-D convolution (N, steps, C) -> (N, steps_out, filters); kernel (k, filters, C)."""

    rank = 1

    def convolve(self, inputs):
        return conv1d_transpose(inputs, self.kernel, self.bias, self.strides, self.padding, self.output_padding,
                                self.dilation_rate)


class _DepthwiseBase(_Conv):
    """What DepthwiseConv2D and SeparableConv2D share: `depth_multiplier` filters per input channel."""

    rank = 2

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1, dilation_rate=1,
                 depthwise_initializer="glorot_uniform", depthwise_regularizer=None, **kwargs):
        super().__init__(kernel_size, strides, padding, dilation_rate, **kwargs)
        self.depth_multiplier = _checks.positive_int(self, "depth_multiplier", depth_multiplier)
        self.depthwise_initializer, self.depthwise_regularizer = depthwise_initializer, depthwise_regularizer

    def depthwise_spec(self, channels):
        return (self.kernel_size + (channels, self.depth_multiplier), self.depthwise_initializer,
                self.depthwise_regularizer)

    def get_config(self):
        return {**super().get_config(), "depth_multiplier": self.depth_multiplier,
                "depthwise_initializer": serialize_object(self.depthwise_initializer),
                "depthwise_regularizer": serialize_object(self.depthwise_regularizer)}


class DepthwiseConv2D(_DepthwiseBase):
    """Each channel filtered on its own: (N, H, W, C) -> (N, Ho, Wo, C * depth_multiplier); kernel
    (kh, kw, C, depth_multiplier), output channel c * depth_multiplier + m."""

    def kernel_specs(self, channels):
        return {"kernel": self.depthwise_spec(channels)}

    def output_channels(self, channels):
        return channels * self.depth_multiplier

    def convolve(self, inputs):
        return depthwise_conv2d(inputs, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate)


class SeparableConv2D(_DepthwiseBase):
    """Depthwise convolution then a 1x1 convolution mixing channels: (N, H, W, C) -> (N, Ho, Wo, filters);
    depthwise_kernel (kh, kw, C, depth_multiplier), pointwise_kernel (1, 1, C * depth_multiplier, filters)."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", dilation_rate=1, depth_multiplier=1,
                 pointwise_initializer="glorot_uniform", pointwise_regularizer=None, **kwargs):
        super().__init__(kernel_size, strides, padding, depth_multiplier, dilation_rate, **kwargs)
        self.filters = _checks.positive_int(self, "filters", filters)
        self.pointwise_initializer, self.pointwise_regularizer = pointwise_initializer, pointwise_regularizer

    def kernel_specs(self, channels):
        pointwise = (1, 1, channels * self.depth_multiplier, self.filters)
        return {"depthwise_kernel": self.depthwise_spec(channels),
                "pointwise_kernel": (pointwise, self.pointwise_initializer, self.pointwise_regularizer)}

    def output_channels(self, channels):
        return self.filters

    def convolve(self, inputs):
        return separable_conv2d(inputs, self.depthwise_kernel, self.pointwise_kernel, self.bias, self.strides,
                                self.padding, self.dilation_rate)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "pointwise_initializer": serialize_object(self.pointwise_initializer),
                "pointwise_regularizer": serialize_object(self.pointwise_regularizer)}
