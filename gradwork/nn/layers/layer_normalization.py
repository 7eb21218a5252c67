"""Layer normalization with Keras's conventions."""
from collections.abc import Callable
from typing import Any


from ...ops.reduction import normalize_axes
from ...ops.nn.layer_norm import layer_norm
from ...checks import POSITIVE
from . import _checks
from ..layer import Layer
from ...registry import serialize_object


class LayerNormalization(Layer):
    """Normalize each sample over `axis` (the features, last by default), then scale and shift.

    y = gamma (x - mean) / sqrt(var + epsilon) + beta, mean and biased variance taken per sample over
    `axis`; gamma and beta have the input's sizes on those axes. Unlike batch normalization nothing
    depends on the batch, so training and inference agree. A Keras mask passes through.

    Parameters
    ----------
    axis : int or list of int, default -1
    epsilon : float, default 1e-3
    center, scale : bool, default True
        Learn beta / gamma (else none is used).
    beta_initializer, gamma_initializer : str or callable, default "zeros", "ones"
    beta_regularizer, gamma_regularizer : str or callable, optional
    beta_constraint, gamma_constraint : str or callable, optional
        `gw.constraints` identifiers, applied after every optimizer update.
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    Any, with the built sizes on `axis`.

    Output shape
    ------------
    Same as the input.

    Examples
    --------
    >>> gw.nn.LayerNormalization()(np.array([[1.0, 3.0]])).tolist()
    [[-0.99..., 0.99...]]
    """

    supports_masking = True
    constraint_arguments = ("beta_constraint", "gamma_constraint")

    def __init__(self, axis: int | list[int] = -1, epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                 beta_initializer: str | Callable = "zeros", gamma_initializer: str | Callable = "ones",
                 beta_regularizer: str | Callable | None = None, gamma_regularizer: str | Callable | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else int(axis)
        self.epsilon = _checks.in_range(self, "epsilon", epsilon, POSITIVE)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer
        self.beta_regularizer, self.gamma_regularizer = beta_regularizer, gamma_regularizer

    def build(self, input_shape):
        try:
            self.axes = normalize_axes(self.axis, len(input_shape))
        except (ValueError, IndexError) as err:
            raise ValueError(f"{self.name}: axis {self.axis} does not fit inputs of shape {input_shape}") from err
        self.ndim = len(input_shape)
        shape = tuple(input_shape[a] for a in self.axes)
        self.param_shape = shape
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = self.add_weight("gamma", shape, self.gamma_initializer, self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight("beta", shape, self.beta_initializer, self.beta_regularizer,
                                        constraint=self.beta_constraint)

    def call(self, inputs):
        if inputs.ndim != self.ndim or tuple(inputs.shape[a] for a in self.axes) != self.param_shape:
            raise ValueError(f"{self.name}: built for inputs with {self.ndim} axes and sizes {self.param_shape} "
                             f"on axes {self.axes}, got shape {inputs.shape}")
        if inputs.dtype.kind != "f":
            inputs = inputs.astype(self.dtype)
        return layer_norm(inputs, self.axes, self.gamma, self.beta, self.epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": serialize_object(self.beta_initializer),
            "gamma_initializer": serialize_object(self.gamma_initializer),
            "beta_regularizer": serialize_object(self.beta_regularizer),
            "gamma_regularizer": serialize_object(self.gamma_regularizer),
        }
