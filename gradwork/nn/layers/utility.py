"""Layers that wrap a function or pass their inputs on: `Lambda`, `Identity`, `Masking`,
`ActivityRegularization` (Keras's names)."""
from collections.abc import Callable
from typing import Any

import numpy as np

from ... import regularizers
from ...registry import registered_function
from ...tensor import Tensor
from ..layer import Layer


class Lambda(Layer):
    """A function of the inputs as a layer (in a functional or Sequential model).

    The function runs in this process on Tensors, so it is differentiable if it uses gradwork's
    operations. A model holding a Lambda saves only when the function is registered
    (`@gw.saving.register_serializable()`): the file stores its name, and loading finds the function
    by that name in the running program (or in a `custom_object_scope`); no code is ever read from
    the file.

    Parameters
    ----------
    function : callable, Tensor(s) -> Tensor(s)
    output_shape : tuple, optional
        Accepted for Keras's signature; the output shape is always found by running the function.
    mask : callable or None, optional
        (inputs, mask) -> the output's mask; default: no mask.
    arguments : dict, optional
        Keyword arguments passed to the function (numbers and strings, to save them).
    **kwargs : `Layer`'s arguments

    Examples
    --------
    >>> gw.nn.Lambda(lambda t: t * 2.0)(np.ones((2, 3))).numpy()[0]
    array([2., 2., 2.], dtype=float32)
    """

    def __init__(self, function: Callable, output_shape: Any = None, mask: Callable | None = None,
                 arguments: dict | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(function, str):  # from a config: the registered name
            found = registered_function(function)
            if found is None:
                raise ValueError(f"Lambda: no function is registered as {function!r}; register it with "
                                 "@gw.saving.register_serializable() (or give it in a custom_object_scope) "
                                 "before loading: functions are never loaded from files")
            function = found
        if not callable(function):
            raise TypeError(f"Lambda: function must be callable, got {type(function).__name__}")
        self.function, self.output_shape_hint, self.mask_function = function, output_shape, mask
        self.arguments = dict(arguments or {})

    def call(self, inputs: Any) -> Any:
        return self.function(inputs, **self.arguments)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return None if self.mask_function is None else self.mask_function(inputs, mask)

    def get_config(self) -> dict:
        name = getattr(self.function, "__dict__", {}).get("_registered_name")
        if name is None:
            raise ValueError(f"{self.name}: cannot save a Lambda of {self.function!r}: only a function registered "
                             "with @gw.saving.register_serializable() can be saved (by its name)")
        if self.mask_function is not None:
            raise ValueError(f"{self.name}: cannot save a Lambda with a mask function")
        return {**super().get_config(), "function": name, "arguments": self.arguments}


class Identity(Layer):
    """Returns its inputs unchanged (a placeholder, or a named point of a model); keeps their mask."""

    supports_masking = True

    def call(self, inputs: Any) -> Any:
        return inputs


class Masking(Layer):
    """Marks the time steps whose features all equal `mask_value` as padding: the layers after it that
    take a mask (recurrent layers, pooling) skip them; those steps' outputs are set to 0.

    Parameters
    ----------
    mask_value : float
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, time, features)

    Output shape
    ------------
    The same; the mask has shape (batch, time).
    """

    def __init__(self, mask_value: float = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.mask_value = float(mask_value)

    def _kept(self, inputs):
        if inputs.ndim < 3:
            raise ValueError(f"{self.name}: expected inputs of shape (batch, time, features), got {inputs.shape}")
        return np.any(inputs.data != self.mask_value, axis=-1)

    def call(self, inputs: Tensor) -> Tensor:
        return inputs * Tensor._make(self._kept(inputs)[..., None].astype(inputs.dtype))

    def compute_mask(self, inputs: Tensor, mask: Any = None) -> np.ndarray:
        return self._kept(inputs)

    def get_config(self) -> dict:
        return {**super().get_config(), "mask_value": self.mask_value}


class ActivityRegularization(Layer):
    """Passes its inputs on and adds l1 * sum(|x|) + l2 * sum(x^2), divided by the batch size, to the
    training loss (the `activity_regularizer` of `Layer`, here as a layer of its own; see `losses`).

    Parameters
    ----------
    l1, l2 : float >= 0, default 0
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    Any, batch axis first.

    Output shape
    ------------
    The input's.

    Examples
    --------
    >>> layer = gw.nn.ActivityRegularization(l1=0.5)
    >>> _ = layer(np.array([[1.0, -2.0], [3.0, 0.0]]))
    >>> layer.losses             # 0.5 * (1 + 2 + 3) / 2 samples
    [tensor(1.5)]
    """

    supports_masking = True

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = self.activity_regularizer.l1, self.activity_regularizer.l2

    def call(self, inputs: Tensor) -> Tensor:
        return inputs

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("activity_regularizer")  # rebuilt from l1 and l2
        return {**config, "l1": self.l1, "l2": self.l2}
