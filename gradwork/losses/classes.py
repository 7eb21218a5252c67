"""`Loss`, the base of the Keras loss classes, and the classes themselves (each a per-sample function
from `functions.py` with its settings, weighted and reduced by `reduction.py`)."""
import abc

import numpy as np

from ..registry import FunctionWrapperConfig, snake_case
from ..tensor import as_tensor
from .functions import (
    LOSS_FUNCTIONS, binary_crossentropy, categorical_crossentropy, huber, mean_absolute_error,
    mean_squared_error, sparse_categorical_crossentropy, sparse_crossentropy_and_mask,
)
from .reduction import reduce_weighted_values, standardize_reduction
from .shapes import prediction, squeeze_or_expand_to_same_rank, target


class Loss(abc.ABC):
    """Base class: subclasses implement `call(y_true, y_pred)` returning per-sample losses (a Tensor).

    reduction: "sum_over_batch_size" (default) | "mean" | "sum" | "mean_with_sample_weight" | None | "none".
    dtype: compute in this dtype (default: y_pred's own floating dtype).
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self.dtype = None if dtype is None else np.dtype(dtype)

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_pred = prediction(y_pred, self.dtype)
        values, mask = self._call_with_mask(y_true, y_pred)
        return reduce_weighted_values(values, sample_weight, mask, self.reduction, self.name)

    @abc.abstractmethod
    def call(self, y_true, y_pred):
        """Subclasses implement this."""

    def _call_with_mask(self, y_true, y_pred):
        return self.call(y_true, y_pred), None

    def get_config(self):
        dtype = None if self.dtype is None else self.dtype.name
        return {"name": self.name, "reduction": self.reduction, "dtype": dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


class LossFunctionWrapper(FunctionWrapperConfig, Loss):
    """A Loss from a per-sample function `fn(y_true, y_pred, **kwargs)`."""

    functions = LOSS_FUNCTIONS

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        if LOSS_FUNCTIONS.is_entry(self.fn):  # these convert and check their own arguments
            return self.fn(y_true, y_pred, **self._fn_kwargs)
        y_true, y_pred = squeeze_or_expand_to_same_rank(target(y_true, y_pred), y_pred)
        return as_tensor(self.fn(y_true, y_pred, **self._fn_kwargs))


class MeanSquaredError(LossFunctionWrapper):
    """Mean of (y_true - y_pred)^2: per sample over the last axis, then over the batch."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of |y_true - y_pred|."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class Huber(LossFunctionWrapper):
    """Quadratic for errors up to `delta`, linear beyond: robust to outliers."""

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)
        self.delta = delta


class _SmoothedCrossentropy(LossFunctionWrapper):
    """What BinaryCrossentropy and CategoricalCrossentropy share: `fn` with from_logits,
    label_smoothing and axis, kept as attributes too."""

    def __init__(self, fn, from_logits, label_smoothing, axis, reduction, name, dtype):
        super().__init__(fn, reduction=reduction, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class BinaryCrossentropy(_SmoothedCrossentropy):
    """Cross-entropy for 0/1 (or soft) targets and probabilities (or logits with from_logits=True)."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_crossentropy", dtype=None):
        super().__init__(binary_crossentropy, from_logits, label_smoothing, axis, reduction, name, dtype)


class CategoricalCrossentropy(_SmoothedCrossentropy):
    """Cross-entropy for one-hot targets and class probabilities (or logits with from_logits=True)."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="categorical_crossentropy", dtype=None):
        super().__init__(categorical_crossentropy, from_logits, label_smoothing, axis, reduction, name, dtype)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for integer labels and class probabilities (or logits with from_logits=True).

    Samples labelled `ignore_class` count neither in the sum nor in the average.
    """

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size", axis=-1,
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.from_logits, self.ignore_class, self.axis = from_logits, ignore_class, axis

    def _call_with_mask(self, y_true, y_pred):
        return sparse_crossentropy_and_mask(
            y_true, y_pred, self.from_logits, self.ignore_class, self.axis, self.name
        )
