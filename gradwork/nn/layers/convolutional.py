"""Convolution layers, channels last (Keras's NHWC): Conv2D and Conv1D."""

from ... import activations
from ..functional.conv import conv1d, conv2d
from ..functional.windows import _pair
from ..layer import Layer
from . import _checks
from .core import _ser


class _Conv(Layer):
    """What Conv1D and Conv2D share: the kernel and bias, the activation, the config."""

    rank = None  # 1 or 2
    convolve = None  # conv1d or conv2d

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        dilation_rate=1,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if padding not in ("valid", "same"):
            raise ValueError(f"{type(self).__name__}: padding must be 'valid' or 'same', got {padding!r}")
        self.filters = _checks.positive_int(self, "filters", filters)
        self.kernel_size = self._tuple(kernel_size, "kernel_size")
        self.strides = self._tuple(strides, "strides")
        self.dilation_rate = self._tuple(dilation_rate, "dilation_rate")
        self.padding = padding
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer

    def _tuple(self, value, name):
        if self.rank == 2:
            return _pair(value, name)
        single = tuple(value) if isinstance(value, (tuple, list)) else (value,)  # 3, (3,) or [3] (a config)
        if len(single) != 1:
            raise ValueError(f"{type(self).__name__}: {name} must be an integer or a 1-tuple, got {value!r}")
        return (_pair(single[0], name)[0],)

    def build(self, input_shape):
        if len(input_shape) != self.rank + 2:
            layout = "(batch, height, width, channels)" if self.rank == 2 else "(batch, steps, channels)"
            raise ValueError(f"{self.name}: expected inputs of shape {layout}, got shape {input_shape}")
        shape = self.kernel_size + (input_shape[-1], self.filters)
        self.kernel = self.add_weight("kernel", shape, self.kernel_initializer, self.kernel_regularizer)
        self.bias = (
            self.add_weight("bias", (self.filters,), self.bias_initializer, self.bias_regularizer)
            if self.use_bias
            else None
        )

    def call(self, inputs):
        if inputs.ndim != self.rank + 2 or inputs.shape[-1] != self.kernel.shape[-2]:
            raise ValueError(
                f"{self.name}: expected inputs with {self.rank + 2} axes and {self.kernel.shape[-2]} "
                f"channels last, got shape {inputs.shape}"
            )
        if inputs.dtype.kind != "f":
            inputs = inputs.astype(self.dtype)
        convolve = type(self).convolve
        try:
            out = convolve(inputs, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate)
        except ValueError as error:  # the window geometry: say which layer and which inputs
            raise ValueError(f"{self.name}: inputs of shape {inputs.shape}: {error}") from None
        return self.activation(out) if self.activation is not None else out

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": list(self.kernel_size),
            "strides": list(self.strides),
            "padding": self.padding,
            "dilation_rate": list(self.dilation_rate),
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": _ser(self.kernel_initializer),
            "bias_initializer": _ser(self.bias_initializer),
            "kernel_regularizer": _ser(self.kernel_regularizer),
            "bias_regularizer": _ser(self.bias_regularizer),
        }


class Conv2D(_Conv):
    """2-D convolution over images (N, H, W, C) -> (N, Ho, Wo, filters); kernel (kh, kw, C, filters).

    padding: "valid" (none) or "same" (output size ceil(size / stride), as Keras).

    >>> gw.nn.Conv2D(32, 3, padding="same", activation="relu")
    """

    rank, convolve = 2, staticmethod(conv2d)


class Conv1D(_Conv):
    """1-D convolution over sequences (N, steps, C) -> (N, steps_out, filters); kernel (k, C, filters)."""

    rank, convolve = 1, staticmethod(lambda x, k, b, s, p, d: conv1d(x, k, b, s[0], p, d[0]))
