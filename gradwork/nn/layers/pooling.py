"""Pooling layers, channels last: max and average over windows, and their global forms."""

import numpy as np

from ...ops.elementwise import where
from ...tensor import as_tensor
from ...ops.nn.masking import boolean_mask
from ...ops.nn.pooling import avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from ..layer import Layer


class _Pooling(Layer):
    rank = None
    pool = None  # the pooling kernel

    def __init__(self, pool_size=2, strides=None, padding="valid", **kwargs):
        super().__init__(**kwargs)
        if padding not in ("valid", "same"):
            raise ValueError(f"{type(self).__name__}: padding must be 'valid' or 'same', got {padding!r}")
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
    """The maximum of each pool_size window of (N, H, W, C); strides default to pool_size."""

    rank, pool = 2, staticmethod(max_pool2d)


class AveragePooling2D(_Pooling):
    """The mean of each pool_size window of (N, H, W, C); strides default to pool_size."""

    rank, pool = 2, staticmethod(avg_pool2d)


class MaxPooling1D(_Pooling):
    rank, pool = 1, staticmethod(max_pool1d)


class AveragePooling1D(_Pooling):
    rank, pool = 1, staticmethod(avg_pool1d)


class _GlobalPooling(Layer):
    """Reduce every spatial axis: (N, ..., C) -> (N, C), or (N, 1, ..., 1, C) with keepdims."""

    def __init__(self, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.keepdims = keepdims

    def call(self, inputs):
        if inputs.ndim < 3:
            raise ValueError(
                f"{self.name}: expected inputs with spatial axes (batch, ..., channels), got {inputs.shape}"
            )
        return self.reduce(inputs, tuple(range(1, inputs.ndim - 1)))

    def get_config(self):
        return {**super().get_config(), "keepdims": self.keepdims}


class GlobalAveragePooling2D(_GlobalPooling):
    """The mean over height and width: (N, H, W, C) -> (N, C)."""

    def reduce(self, x, axes):
        return x.mean(axis=axes, keepdims=self.keepdims)


class GlobalMaxPooling2D(_GlobalPooling):
    """The maximum over height and width: (N, H, W, C) -> (N, C)."""

    def reduce(self, x, axes):
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
    """The mean over the steps: (N, steps, C) -> (N, C); with a mask, over the unmasked steps only."""

    def masked_reduce(self, x, keep):
        weights = keep.astype(x.dtype)
        count = np.maximum(weights.sum(axis=1, keepdims=self.keepdims), 1)  # all masked: 0 / 1, not NaN
        return (x * as_tensor(weights)).sum(axis=1, keepdims=self.keepdims) / as_tensor(count)


class GlobalMaxPooling1D(_GlobalPooling1D, GlobalMaxPooling2D):
    """The maximum over the steps: (N, steps, C) -> (N, C); with a mask, over the unmasked steps only."""

    def masked_reduce(self, x, keep):
        top = where(keep, x, -np.inf).max(axis=1, keepdims=self.keepdims)
        return where(keep.any(axis=1, keepdims=self.keepdims), top, 0)  # all masked: 0, not -inf
