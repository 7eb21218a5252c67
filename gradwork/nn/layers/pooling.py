"""Pooling layers, channels last: max and average over windows, and their global forms.

The four layers of each kind differ only in their kernel and rank, so their docstrings are one
template each, filled in per layer (the windowed ones by `_Pooling.__init_subclass__`).
"""
from typing import Any

import numpy as np

from ...ops.elementwise import where
from ...tensor import Tensor, as_tensor
from ...ops.nn.masking import boolean_mask
from ...ops.nn.pooling import avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from ...ops.nn.windows import padding_mode
from ..layer import Layer
from . import _checks


_WINDOW_DOC = """{what} of each `pool_size` window, channels last (Keras's layer; `F.{kernel}` in PyTorch's names).

    Parameters
    ----------
    pool_size : {size}, default 2
    strides : {size}, optional
        Default: pool_size.
    padding : "valid" or "same", default "valid"
        "same": the output size is ceil(size / strides){same}.
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, {axes}, channels)

    Output shape
    ------------
    (batch, {axes_out}, channels)

    Examples
    --------
    >>> gw.nn.{name}(2)(np.zeros({example})).shape
    {result}
    """
_WINDOW_SHAPES = {
    1: dict(size="int", axes="steps", axes_out="steps_out", example="(1, 8, 3)", result="(1, 4, 3)"),
    2: dict(size="int or (int, int)", axes="height, width", axes_out="height_out, width_out",
            example="(1, 8, 8, 3)", result="(1, 4, 4, 3)"),
}


def _window_doc(cls):
    """The docstring of the windowed pooling layer `cls`, from its kernel and rank."""
    kernel = cls.pool.__name__
    maximum = kernel.startswith("max")
    same = "" if maximum else f", averaging the real {'pixels' if cls.rank == 2 else 'steps'} only"
    return _WINDOW_DOC.format(name=cls.__name__, what="The maximum" if maximum else "The mean", kernel=kernel,
                              same=same, **_WINDOW_SHAPES[cls.rank])


class _Pooling(Layer):
    """What the windowed pooling layers share: the window arguments, the checks and the config."""

    rank = None
    pool = None  # the pooling kernel

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__doc__ is None:
            cls.__doc__ = _window_doc(cls)

    def __init__(self, pool_size: int | tuple[int, int] = 2, strides: int | tuple[int, int] | None = None,
                 padding: str = "valid", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        try:
            padding = padding_mode(padding)
        except ValueError as error:
            raise ValueError(f"{type(self).__name__}: {error}") from None
        self.pool_size, self.strides, self.padding = pool_size, strides, padding

    def call(self, inputs):
        if inputs.ndim != self.rank + 2:
            layout = "(batch, height, width, channels)" if self.rank == 2 else "(batch, steps, channels)"
            raise ValueError(f"{self.name}: expected inputs of shape {layout}, got shape {inputs.shape}")
        if inputs.dtype.kind != "f":
            inputs = inputs.astype(self.dtype)
        try:
            strides = self.pool_size if self.strides is None else self.strides
            return type(self).pool(inputs, self.pool_size, strides, self.padding)
        except ValueError as error:  # the window geometry: say which layer and which inputs
            raise ValueError(f"{self.name}: inputs of shape {inputs.shape}: {error}") from None

    def get_config(self):
        listed = lambda v: list(v) if isinstance(v, (tuple, list)) else v
        return {
            **super().get_config(),
            "pool_size": listed(self.pool_size),
            "strides": listed(self.strides),
            "padding": self.padding,
        }


class MaxPooling2D(_Pooling):
    rank, pool = 2, staticmethod(max_pool2d)


class AveragePooling2D(_Pooling):
    rank, pool = 2, staticmethod(avg_pool2d)


class MaxPooling1D(_Pooling):
    rank, pool = 1, staticmethod(max_pool1d)


class AveragePooling1D(_Pooling):
    rank, pool = 1, staticmethod(avg_pool1d)


_GLOBAL_DOC = """{what} over {axes}: one value per channel (Keras's layer).{masked}

    Parameters
    ----------
    keepdims : bool, default False
        Keep the reduced axes, with size 1.
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    {shape}

    Output shape
    ------------
    (batch, channels), or {kept} with keepdims

    Examples
    --------
    >>> gw.nn.{name}()(np.zeros({example})).shape
    (2, 3)
    """
_MASKED = """

    The call takes a Keras mask (batch, steps), True = a step that counts (an Embedding's padding is
    False): the masked steps are left out, and a sample with every step masked gives zeros."""


def _global_doc(name, what, rank):
    """The docstring of a global pooling layer."""
    if rank == 1:
        return _GLOBAL_DOC.format(name=name, what=what, axes="the steps", masked=_MASKED,
                                  shape="(batch, steps, channels)", kept="(batch, 1, channels)", example="(2, 5, 3)")
    return _GLOBAL_DOC.format(name=name, what=what, axes="height and width", masked="",
                              shape="(batch, height, width, channels)", kept="(batch, 1, 1, channels)",
                              example="(2, 4, 4, 3)")


class _GlobalPooling(Layer):
    """Reduce every spatial axis: (N, ..., C) -> (N, C), or (N, 1, ..., 1, C) with keepdims."""

    def __init__(self, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.keepdims = keepdims

    def call(self, inputs):
        if inputs.ndim < 3:
            raise ValueError(
                f"{self.name}: expected inputs with spatial axes (batch, ..., channels), got {inputs.shape}"
            )
        return self.reduce(_checks.float_inputs(self, inputs), tuple(range(1, inputs.ndim - 1)))

    def get_config(self):
        return {**super().get_config(), "keepdims": self.keepdims}


class GlobalAveragePooling2D(_GlobalPooling):
    __doc__ = _global_doc("GlobalAveragePooling2D", "The mean", 2)

    def reduce(self, x: Tensor, axes: tuple[int, ...]) -> Tensor:
        """The mean of `x` over `axes` (kept with size 1 under keepdims)."""
        return x.mean(axis=axes, keepdims=self.keepdims)


class GlobalMaxPooling2D(_GlobalPooling):
    __doc__ = _global_doc("GlobalMaxPooling2D", "The maximum", 2)

    def reduce(self, x: Tensor, axes: tuple[int, ...]) -> Tensor:
        """The maximum of `x` over `axes` (kept with size 1 under keepdims)."""
        return x.max(axis=axes, keepdims=self.keepdims)


class _GlobalPooling1D(_GlobalPooling):
    """Global pooling over the steps of (N, steps, C) that takes a Keras mask (N, steps), True = a
    step that counts: masked steps are left out (an Embedding's padding, say). A sample with every
    step masked gives zeros."""

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        if inputs.ndim != 3:
            raise ValueError(f"{self.name}: expected inputs of shape (batch, steps, channels), got {inputs.shape}")
        keep = boolean_mask(mask, self.name, "True = a step that counts")
        if keep.shape != inputs.shape[:2]:
            raise ValueError(f"{self.name}: expected a mask of shape (batch, steps) = {inputs.shape[:2]}, "
                             f"got {keep.shape}")
        if inputs.dtype.kind != "f":
            inputs = inputs.astype(self.dtype)
        return self.masked_reduce(inputs, keep[:, :, None])


class GlobalAveragePooling1D(_GlobalPooling1D, GlobalAveragePooling2D):
    __doc__ = _global_doc("GlobalAveragePooling1D", "The mean", 1)

    def masked_reduce(self, x: Tensor, keep: np.ndarray) -> Tensor:
        """The mean of `x` (batch, steps, channels) over the steps where `keep` (batch, steps, 1) is True."""
        weights = keep.astype(x.dtype)
        count = np.maximum(weights.sum(axis=1, keepdims=self.keepdims), 1)  # all masked: 0 / 1, not NaN
        return (x * as_tensor(weights)).sum(axis=1, keepdims=self.keepdims) / as_tensor(count)


class GlobalMaxPooling1D(_GlobalPooling1D, GlobalMaxPooling2D):
    __doc__ = _global_doc("GlobalMaxPooling1D", "The maximum", 1)

    def masked_reduce(self, x: Tensor, keep: np.ndarray) -> Tensor:
        """The maximum of `x` (batch, steps, channels) over the steps where `keep` (batch, steps, 1) is True."""
        top = where(keep, x, -np.inf).max(axis=1, keepdims=self.keepdims)
        return where(keep.any(axis=1, keepdims=self.keepdims), top, 0)  # all masked: 0, not -inf
