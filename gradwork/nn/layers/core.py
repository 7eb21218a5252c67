"""Core layers: Input, Dense, Activation, Flatten, Reshape."""

import numpy as np

from ... import activations
from ...ops.nn.linear import affine
from ...registry import serialize_object
from ..layer import Layer
from ..shapes import matches_shape
from . import _checks


class InputLayer(Layer):
    """Declares the shape of one sample, so a Sequential model builds (and can be summarised) at once.
    A None in `shape` takes any size on that axis (sequences of any length: shape=(None, features))."""

    def __init__(self, shape=None, name=None, **kwargs):
        if shape is None and "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if shape is None:
            raise ValueError("Input needs shape=(...), the shape of one sample without the batch axis")
        super().__init__(name=name, input_shape=shape, **kwargs)
        self.shape = tuple(shape)

    def call(self, inputs):
        if not matches_shape(self.shape, inputs.shape[1:]):
            raise ValueError(
                f"{self.name}: expected inputs of shape (batch, {', '.join(map(str, self.shape))}), got {inputs.shape}"
            )
        return inputs

    def get_config(self):
        config = super().get_config()
        config.pop("input_shape", None)
        return {**config, "shape": list(self.shape)}


def Input(shape, name=None, dtype=None):
    """The input of a model: `Sequential([Input(shape=(784,)), Dense(10)])`; a None in `shape` takes any
    size on that axis: `Input(shape=(None, 20))` for sequences of 20 features and any length."""
    return InputLayer(shape=shape, name=name, dtype=dtype)


class Dense(Layer):
    """Fully connected layer: activation(inputs @ kernel + bias).

    units : int, output size. activation : name or callable (None: linear).
    inputs: (batch, ..., in) -> (batch, ..., units); kernel: (in, units), as in Keras.
    """

    supports_masking = True  # works step by step: a sequence's mask passes through

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        input_dim=None,
        **kwargs,
    ):
        if input_dim is not None and "input_shape" not in kwargs:
            kwargs["input_shape"] = (input_dim,)
        super().__init__(**kwargs)
        self.units = _checks.positive_int(self, "units", units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer

    def build(self, input_shape):
        if len(input_shape) < 2:
            raise ValueError(
                f"{self.name}: expected inputs with a batch axis and a feature axis, got shape {input_shape}"
            )
        self.kernel = self.add_weight(
            "kernel", (input_shape[-1], self.units), self.kernel_initializer, self.kernel_regularizer
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.units,), self.bias_initializer, self.bias_regularizer)

    def call(self, inputs):
        if inputs.dtype.kind != "f":  # integer or boolean features: compute in the layer's dtype
            inputs = inputs.astype(self.dtype)
        if inputs.shape[-1] != self.kernel.shape[0]:
            raise ValueError(
                f"{self.name}: expected inputs with {self.kernel.shape[0]} features on the last axis, "
                f"got shape {inputs.shape}"
            )
        out = affine(inputs, self.kernel, self.bias)
        return self.activation(out) if self.activation is not None else out

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": serialize_object(self.kernel_initializer),
            "bias_initializer": serialize_object(self.bias_initializer),
            "kernel_regularizer": serialize_object(self.kernel_regularizer),
            "bias_regularizer": serialize_object(self.bias_regularizer),
        }


class Activation(Layer):
    """Applies an activation function by name ("relu", "softmax", ...) or callable."""

    supports_masking = True  # works step by step: a sequence's mask passes through

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs) if self.activation is not None else inputs

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Flatten(Layer):
    """(batch, d1, d2, ...) -> (batch, d1*d2*...)."""

    def call(self, inputs):
        return inputs.reshape(inputs.shape[0], -1)


class Reshape(Layer):
    """Reshape each sample to `target_shape` (one entry may be -1); the batch axis is kept."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def call(self, inputs):
        sample = int(np.prod(inputs.shape[1:]))
        known = int(np.prod([d for d in self.target_shape if d != -1]))
        if (-1 not in self.target_shape and known != sample) or (known == 0 or sample % known):
            raise ValueError(
                f"{self.name}: cannot reshape samples of shape {inputs.shape[1:]} to {self.target_shape}"
            )
        return inputs.reshape((inputs.shape[0],) + self.target_shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}


class Rescaling(Layer):
    """inputs * scale + offset, e.g. Rescaling(1/255) to take raw 0-255 pixels (Keras)."""

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale, self.offset = float(scale), float(offset)

    def call(self, inputs):
        if inputs.dtype.kind != "f":
            inputs = inputs.astype(self.dtype)
        return inputs * self.scale + self.offset if self.offset else inputs * self.scale

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}
