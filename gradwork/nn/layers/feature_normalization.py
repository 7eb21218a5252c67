"""Per-sample normalization layers besides LayerNormalization: RMSNormalization, UnitNormalization and
GroupNormalization (Keras's names, arguments and defaults). Each `call` is one call of a kernel in
`gradwork.ops.nn.norms`."""
from collections.abc import Callable
from typing import Any

import numpy as np

from ...checks import POSITIVE
from ...ops.nn import norms
from ...ops.reduction import normalize_axes
from ...registry import serialize_object
from ..layer import Layer
from . import _checks


def _axes(layer, input_shape):
    """`layer.axis` as sorted non-negative axes of inputs of `input_shape`; a ValueError naming the layer."""
    try:
        return normalize_axes(layer.axis, len(input_shape))
    except (ValueError, IndexError) as err:
        raise ValueError(f"{layer.name}: axis {layer.axis} does not fit inputs of shape {tuple(input_shape)}") from err


def _axis_argument(layer, axis):
    """An int, or a list of ints (Keras's forms of `axis`); a TypeError naming the layer otherwise."""
    if isinstance(axis, (list, tuple)) and all(isinstance(a, (int, np.integer)) for a in axis) and axis:
        return [int(a) for a in axis]
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
        return int(axis)
    raise TypeError(f"{type(layer).__name__}: axis must be an int or a list of ints, got {axis!r}")


def _checked(layer, inputs, axes, sizes):
    """`inputs` (integers cast to the layer's dtype) after checking that its sizes on `axes` are `sizes`."""
    if inputs.ndim != layer.ndim or tuple(inputs.shape[a] for a in axes) != sizes:
        raise ValueError(f"{layer.name}: built for inputs with {layer.ndim} axes and sizes {sizes} on axes "
                         f"{axes}, got shape {inputs.shape}")
    return _checks.float_inputs(layer, inputs)


class RMSNormalization(Layer):
    """Divide each sample by its root mean square over `axis`, then scale: y = x / sqrt(mean(x^2) +
    epsilon) * scale (Keras 3.9+; `torch.nn.functional.rms_norm`). Unlike LayerNormalization nothing
    is centred and there is no offset.

    Parameters
    ----------
    axis : int or list of int, default -1
    epsilon : float, default 1e-6
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    Any, with the built sizes on `axis` (the number of axes may differ from the first call's, as Keras).

    Output shape
    ------------
    Same as the input; the weight `scale` (initialized to ones) has the input's sizes on `axis`.

    Examples
    --------
    >>> gw.nn.RMSNormalization()(np.array([[3.0, 4.0]])).tolist()
    [[0.848528..., 1.131370...]]
    """

    def __init__(self, axis: int | list[int] = -1, epsilon: float = 1e-6, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = _axis_argument(self, axis)
        self.epsilon = _checks.in_range(self, "epsilon", epsilon, POSITIVE)

    def build(self, input_shape):
        self.scale = self.add_weight("scale", tuple(input_shape[a] for a in _axes(self, input_shape)), "ones")

    def call(self, inputs):
        axes = _axes(self, inputs.shape)  # as Keras, any rank with the built sizes on `axis`
        if tuple(inputs.shape[a] for a in axes) != self.scale.shape:
            raise ValueError(f"{self.name}: built for inputs with sizes {self.scale.shape} on axis {self.axis}, got "
                             f"shape {inputs.shape}")
        return norms.rms_norm(_checks.float_inputs(self, inputs), axes, self.scale, self.epsilon)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}


class UnitNormalization(Layer):
    """Scale each sample to unit Euclidean norm over `axis`: y = x / max(sqrt(sum(x^2)), 1e-12), as Keras 3
    (`ops.normalize` with epsilon=1e-12), which is `torch.nn.functional.normalize` with eps=1e-12.

    Parameters
    ----------
    axis : int or list of int, default -1
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    Any.

    Output shape
    ------------
    Same as the input.

    Examples
    --------
    >>> y = gw.nn.UnitNormalization()(np.arange(6.0).reshape(2, 3))
    >>> round(float((y[0] ** 2).sum().item()), 6)
    1.0
    """

    supports_masking = True

    def __init__(self, axis: int | list[int] = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = _axis_argument(self, axis)

    def call(self, inputs):
        axes = _axes(self, inputs.shape)
        return norms.normalize(_checks.float_inputs(self, inputs), 2, axes, 1e-12)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class GroupNormalization(Layer):
    """Split the channels on `axis` into `groups` groups and normalize each sample's group (its channels
    and all other non-batch axes) to zero mean and unit variance; then y = gamma * normalized + beta per
    channel. groups=1 normalizes the whole sample (like LayerNormalization over all of its axes), groups
    equal to the channels (or -1) is instance normalization.

    Parameters
    ----------
    groups : int, default 32
        Divides the number of channels; -1 for one group per channel.
    axis : int, default -1
        The channel axis.
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
    (batch, ..., channels on `axis`), at least 2 axes.

    Output shape
    ------------
    Same as the input.

    Examples
    --------
    >>> gw.nn.GroupNormalization(groups=2)(np.array([[1.0, 3.0, 5.0, 5.0]])).tolist()
    [[-0.99..., 0.99..., 0.0, 0.0]]
    """

    supports_masking = True
    constraint_arguments = ("beta_constraint", "gamma_constraint")

    def __init__(self, groups: int = 32, axis: int = -1, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: str | Callable = "zeros",
                 gamma_initializer: str | Callable = "ones", beta_regularizer: str | Callable | None = None,
                 gamma_regularizer: str | Callable | None = None, **kwargs: Any) -> None:
        if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or not (groups >= 1 or groups == -1):
            raise ValueError(f"GroupNormalization: groups must be a positive integer or -1, got {groups!r}")
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise TypeError(f"GroupNormalization: axis must be an int, got {axis!r}")
        super().__init__(**kwargs)
        self.groups, self.axis = int(groups), int(axis)
        self.epsilon = _checks.in_range(self, "epsilon", epsilon, POSITIVE)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer
        self.beta_regularizer, self.gamma_regularizer = beta_regularizer, gamma_regularizer

    def build(self, input_shape):
        (axis,) = _axes(self, input_shape)
        channels = input_shape[axis]
        groups = channels if self.groups == -1 else self.groups
        if axis == 0 or channels % groups:
            raise ValueError(f"{self.name}: groups ({groups}) must divide the number of channels on axis "
                             f"{self.axis} (not the batch axis); got inputs of shape {tuple(input_shape)}")
        self.feature_axis, self.ndim, self.channels, self.group_count = axis, len(input_shape), channels, groups
        self.gamma = self.add_weight("gamma", (channels,), self.gamma_initializer, self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight("beta", (channels,), self.beta_initializer, self.beta_regularizer,
                                    constraint=self.beta_constraint) if self.center else None

    def call(self, inputs):
        inputs = _checked(self, inputs, (self.feature_axis,), (self.channels,))
        return norms.group_norm(inputs, self.group_count, self.feature_axis, self.gamma,
                                self.beta, self.epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": serialize_object(self.beta_initializer),
            "gamma_initializer": serialize_object(self.gamma_initializer),
            "beta_regularizer": serialize_object(self.beta_regularizer),
            "gamma_regularizer": serialize_object(self.gamma_regularizer),
        }
