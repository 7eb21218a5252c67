"""Core layers: Input, Dense, Activation, Flatten, Reshape."""

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from ... import activations
from ...ops.nn.linear import affine
from ...registry import serialize_object
from ..layer import Layer
from ..symbolic import Node, SymbolicTensor
from ..shapes import matches_shape
from . import _checks


class InputLayer(Layer):
    """The entry of a model: declares the shape (and dtype) of one sample. Usually made by `Input`.

    It holds the symbolic tensor `output` that a functional model starts from, lets a Sequential
    model build at once, and passes real inputs on after checking their shape (cast to its dtype).

    Parameters
    ----------
    shape : tuple of int or None
        One sample's shape, no batch axis; None takes any size on that axis (sequences of any
        length: shape=(None, features)). `input_shape=` is accepted for it.
    batch_size : int, optional
        A fixed batch size, shown in the symbolic tensor's shape (inputs are not required to have it).
    dtype : dtype, optional
        The inputs' dtype: "int32" for token ids; default gradwork's float dtype.
    sparse : None or False
        Sparse inputs are not supported (True raises).
    name : str, optional
    **kwargs : `Layer`'s other arguments (trainable)

    Input shape
    -----------
    (batch, *shape)

    Output shape
    ------------
    The same.
    """

    def __init__(self, shape: Sequence[int | None] | None = None, batch_size: int | None = None,
                 dtype: DTypeLike | None = None, sparse: bool | None = None, name: str | None = None,
                 **kwargs: Any) -> None:
        if shape is None and "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if shape is None:
            raise ValueError("Input needs shape=(...), the shape of one sample without the batch axis")
        if sparse:
            raise ValueError("Input: sparse inputs are not supported (sparse=True); give dense arrays")
        if batch_size is not None:
            batch_size = _checks.positive_int(self, "batch_size", batch_size)
        super().__init__(name=name, input_shape=shape, dtype=dtype, **kwargs)
        self.shape, self.batch_size = tuple(shape), batch_size
        self.output_shape = (batch_size, *self.shape)
        output = SymbolicTensor(self.output_shape, self.dtype, self.name)
        output.node = Node(self, (), {}, output)
        self.inbound_nodes.append(output.node)

    def call(self, inputs):
        if not matches_shape(self.shape, inputs.shape[1:]):
            raise ValueError(
                f"{self.name}: expected inputs of shape (batch, {', '.join(map(str, self.shape))}), got {inputs.shape}"
            )
        return inputs if inputs.dtype == self.dtype else inputs.astype(self.dtype)

    def get_config(self):
        config = super().get_config()
        config.pop("input_shape", None)
        config = {**config, "shape": list(self.shape)}
        if self.batch_size is not None:
            config["batch_size"] = self.batch_size
        return config


def Input(shape: Sequence[int | None], batch_size: int | None = None, dtype: DTypeLike | None = None,
          sparse: bool | None = None, name: str | None = None) -> SymbolicTensor:
    """A model's input: the symbolic tensor of a new `InputLayer` (Keras's `keras.Input`).

    Call layers on it to describe a model, then `gw.Model(inputs, outputs)`; or put it first in a
    Sequential model to give the input shape.

    Parameters
    ----------
    shape : tuple of int or None
        No batch axis; a None takes any size on that axis: `Input(shape=(None, 20))` for sequences
        of 20 features and any length.
    batch_size : int, optional
    dtype : dtype, optional
        "int32" for token ids; default gradwork's float dtype.
    sparse : None or False
    name : str, optional

    Returns
    -------
    SymbolicTensor, shape (batch_size, *shape)

    Examples
    --------
    >>> inputs = gw.Input(shape=(784,))
    >>> outputs = gw.nn.Dense(10)(gw.nn.Dense(64, activation="relu")(inputs))
    >>> gw.Model(inputs, outputs).output_shape
    (None, 10)
    """
    return InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse, name=name).output


class Dense(Layer):
    """Fully connected layer: activation(inputs @ kernel + bias), kernel (input_dim, units) as in Keras.

    Parameters
    ----------
    units : int
        Output size.
    activation : str or callable, optional
        A `gw.activations` identifier; None (the default) is linear.
    use_bias : bool, default True
    kernel_initializer, bias_initializer : str or callable, default "glorot_uniform", "zeros"
    kernel_regularizer, bias_regularizer : str or callable, optional
    kernel_constraint, bias_constraint : str or callable, optional
        `gw.constraints` identifiers, applied after every optimizer update.
    input_dim : int, optional
        Shorthand for input_shape=(input_dim,).
    **kwargs : `Layer`'s arguments (name, trainable, dtype, input_shape)

    Input shape
    -----------
    (batch, ..., input_dim)

    Output shape
    ------------
    (batch, ..., units)

    Examples
    --------
    >>> gw.nn.Dense(4, activation="relu")(np.ones((2, 3))).shape
    (2, 4)
    """

    supports_masking = True  # works step by step: a sequence's mask passes through
    constraint_arguments = ("kernel_constraint", "bias_constraint")

    def __init__(self, units: int, activation: str | Callable | None = None, use_bias: bool = True,
                 kernel_initializer: str | Callable = "glorot_uniform", bias_initializer: str | Callable = "zeros",
                 kernel_regularizer: str | Callable | None = None, bias_regularizer: str | Callable | None = None,
                 input_dim: int | None = None, **kwargs: Any) -> None:
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
            "kernel", (input_shape[-1], self.units), self.kernel_initializer, self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.units,), self.bias_initializer, self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def call(self, inputs):
        if inputs.dtype.kind != "f":  # integer or boolean features: compute in the layer's dtype
            inputs = inputs.astype(self.dtype)
        if inputs.ndim < 2 or inputs.shape[-1] != self.kernel.shape[0]:
            raise ValueError(
                f"{self.name}: expected inputs with {self.kernel.shape[0]} features on the last axis, after a "
                f"batch axis, got shape {inputs.shape}"
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
    """Applies an activation function elementwise (softmax: along the last axis).

    Parameters
    ----------
    activation : str or callable
        A `gw.activations` identifier ("relu", "softmax", ...) or a callable; None is the identity.
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    Any (softmax: the classes on the last axis).

    Output shape
    ------------
    Same as the input.

    Examples
    --------
    >>> gw.nn.Activation("relu")(np.array([[-1.0, 2.0]])).tolist()
    [[0.0, 2.0]]
    """

    supports_masking = True  # works step by step: a sequence's mask passes through

    def __init__(self, activation: str | Callable | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs) if self.activation is not None else inputs

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Flatten(Layer):
    """Flatten each sample to one axis; the batch axis is kept.

    Input shape
    -----------
    (batch, d1, d2, ...)

    Output shape
    ------------
    (batch, d1 * d2 * ...)

    Examples
    --------
    >>> gw.nn.Flatten()(np.zeros((2, 3, 4))).shape
    (2, 12)
    """

    def call(self, inputs):
        return inputs.reshape(inputs.shape[0], -1)


class Reshape(Layer):
    """Reshape each sample to `target_shape`; the batch axis is kept.

    Parameters
    ----------
    target_shape : tuple of int
        One sample's new shape; one entry may be -1 (inferred).
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, ...) with as many values per sample as target_shape holds

    Output shape
    ------------
    (batch, *target_shape)

    Examples
    --------
    >>> gw.nn.Reshape((3, -1))(np.zeros((2, 12))).shape
    (2, 3, 4)
    """

    def __init__(self, target_shape: Sequence[int], **kwargs: Any) -> None:
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
    """inputs * scale + offset, e.g. Rescaling(1/255) to take raw 0-255 pixels (Keras's layer).

    Integer inputs are cast to the layer's dtype first.

    Parameters
    ----------
    scale : float
    offset : float, default 0.0
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    Any; integers are cast to the layer's dtype.

    Output shape
    ------------
    Same as the input, floats.
    """

    def __init__(self, scale: float, offset: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scale, self.offset = float(scale), float(offset)

    def call(self, inputs):
        if inputs.dtype.kind != "f":
            inputs = inputs.astype(self.dtype)
        return inputs * self.scale + self.offset if self.offset else inputs * self.scale

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}
