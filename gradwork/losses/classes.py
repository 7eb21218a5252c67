"""`Loss`, the base of the Keras loss classes, and the classes themselves (each a per-sample function
from `functions.py` with its settings, weighted and reduced by `reduction.py`)."""
import abc
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from ..autograd.grad_mode import no_grad
from ..registry import FunctionWrapperConfig, snake_case
from ..tensor import Tensor, as_tensor, get_default_dtype
from .functions import (
    LOSS_FUNCTIONS, binary_crossentropy, categorical_crossentropy, huber, mean_absolute_error,
    mean_squared_error, sparse_categorical_crossentropy, sparse_crossentropy_and_mask,
)
from .reduction import aligned_weights, reduce_weighted_values, standardize_reduction
from .shapes import class_labels, prediction, squeeze_or_expand_to_same_rank, target


class Loss(abc.ABC):
    """Base class of the Keras losses: `call` gives per-sample losses, `__call__` weights and reduces them.

    Subclasses implement `call(y_true, y_pred)`.

    Parameters
    ----------
    name : str, optional
        Default: the class name in snake case.
    reduction : "sum_over_batch_size" (default), "mean", "sum", "mean_with_sample_weight", None or "none"
        How `__call__` reduces the weighted per-sample losses (see `reduce_weighted_values`).
    dtype : dtype, optional
        Compute in this dtype (default: y_pred's own floating dtype, or gradwork's default one).
    """

    def __init__(self, name: str | None = None, reduction: str | None = "sum_over_batch_size",
                 dtype: DTypeLike | None = None):
        self.name = name or snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self.dtype = None if dtype is None else np.dtype(dtype)

    def __call__(self, y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike,
                 sample_weight: Tensor | ArrayLike | None = None) -> Tensor:
        """The loss of a batch: `call`'s per-sample losses, weighted by `sample_weight`, then reduced.

        Parameters
        ----------
        y_true : Tensor or array_like
            Targets of y_pred's shape, or integer labels of shape (batch, ...) for the sparse loss.
        y_pred : Tensor or array_like, shape (batch, ..., d)
        sample_weight : Tensor or array_like, optional
            Broadcastable to the per-sample losses (batch, ...); shape (batch,) weighs each sample.

        Returns
        -------
        Tensor
            Shape () for every reduction but None / "none", which gives the weighted per-sample
            losses, shape (batch, ...). "sum" is their sum; "sum_over_batch_size" (or "mean") that
            sum divided by the number of values; "mean_with_sample_weight" by the summed weights.
        """
        y_pred = prediction(y_pred, self.dtype)
        values, mask = self._call_with_mask(y_true, y_pred)
        return reduce_weighted_values(values, sample_weight, mask, self.reduction, self.name)

    @abc.abstractmethod
    def call(self, y_true: Tensor | ArrayLike, y_pred: Tensor) -> Tensor:
        """The per-sample losses, a Tensor of shape (batch, ...), for y_pred of shape (batch, ..., d)."""

    def _call_with_mask(self, y_true, y_pred):
        return self.call(y_true, y_pred), None

    def check_target(self, y_true: ArrayLike, pred_shape: tuple[int, ...],
                     sample_weight: ArrayLike | None = None) -> None:
        """Raise ValueError if `self(y_true, y_pred, sample_weight)` would refuse y_true or sample_weight
        for predictions y_pred of shape `pred_shape` (what `fit` checks before it trains). This runs the
        loss on stand-in predictions (0.5 everywhere); a loss whose checks need no prediction overrides
        it with those checks alone."""
        with no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the training steps give the loss's warnings, once each
            self(y_true, np.full(pred_shape, 0.5, dtype=self.dtype or get_default_dtype()), sample_weight)

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments: "name", "reduction", "dtype" (a name or None), and the subclass's."""
        dtype = None if self.dtype is None else self.dtype.name
        return {"name": self.name, "reduction": self.reduction, "dtype": dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Loss":
        """A loss built from `get_config()`'s output."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


class LossFunctionWrapper(FunctionWrapperConfig, Loss):
    """A Loss from a per-sample function.

    Parameters
    ----------
    fn : callable
        `fn(y_true, y_pred, **kwargs)` -> per-sample losses, shape (batch, ...). A function of
        your own gets y_true and y_pred as Tensors of one dtype, after Keras's rank fix-up.
    reduction, name, dtype : as for `Loss`
        `name` defaults to fn's name.
    **kwargs
        Passed to `fn` on each call, and saved in the config.
    """

    functions = LOSS_FUNCTIONS

    def __init__(self, fn: Callable[..., Any], reduction: str | None = "sum_over_batch_size",
                 name: str | None = None, dtype: DTypeLike | None = None, **kwargs: Any):
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: Tensor | ArrayLike, y_pred: Tensor) -> Tensor:
        if LOSS_FUNCTIONS.is_entry(self.fn):  # these convert and check their own arguments
            return self.fn(y_true, y_pred, **self._fn_kwargs)
        y_true, y_pred = squeeze_or_expand_to_same_rank(target(y_true, y_pred), y_pred)
        return as_tensor(self.fn(y_true, y_pred, **self._fn_kwargs))


class MeanSquaredError(LossFunctionWrapper):
    """`mean_squared_error` (per sample, over the last axis) as a Loss; arguments as for `Loss`.

    Examples
    --------
    >>> mse = gw.losses.MeanSquaredError()
    >>> mse([[0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 1.0]])      # per sample: 0.5 and 0.0
    tensor(0.25)
    """

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "mean_squared_error",
                 dtype: DTypeLike | None = None):
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """`mean_absolute_error` (per sample, over the last axis) as a Loss; arguments as for `Loss`."""

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "mean_absolute_error",
                 dtype: DTypeLike | None = None):
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class Huber(LossFunctionWrapper):
    """`huber` as a Loss: quadratic for errors up to `delta`, linear beyond (robust to outliers).

    Parameters
    ----------
    delta : float
    reduction, name, dtype : as for `Loss`
    """

    def __init__(self, delta: float = 1.0, reduction: str | None = "sum_over_batch_size",
                 name: str = "huber_loss", dtype: DTypeLike | None = None):
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
    """`binary_crossentropy` as a Loss: 0/1 (or soft) targets, probabilities (or logits).

    Parameters
    ----------
    from_logits, label_smoothing, axis : as for `binary_crossentropy`
    reduction, name, dtype : as for `Loss`

    Examples
    --------
    >>> gw.losses.BinaryCrossentropy()([[0.0, 1.0]], [[0.2, 0.7]])     # (-log 0.8 - log 0.7) / 2
    tensor(0.28990924)
    """

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: str | None = "sum_over_batch_size", name: str = "binary_crossentropy",
                 dtype: DTypeLike | None = None):
        super().__init__(binary_crossentropy, from_logits, label_smoothing, axis, reduction, name, dtype)


class CategoricalCrossentropy(_SmoothedCrossentropy):
    """`categorical_crossentropy` as a Loss: one-hot targets, class probabilities (or logits).

    Parameters
    ----------
    from_logits, label_smoothing : as for `categorical_crossentropy`
    axis : int
        The class axis of y_pred, shape (batch, ..., classes).
    reduction, name, dtype : as for `Loss`

    Examples
    --------
    >>> cce = gw.losses.CategoricalCrossentropy(reduction=None)
    >>> cce([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], [[0.1, 0.8, 0.1], [0.5, 0.25, 0.25]])  # -log 0.8, -log 0.5
    tensor([0.22314353, 0.6931472 ])
    """

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: str | None = "sum_over_batch_size", name: str = "categorical_crossentropy",
                 dtype: DTypeLike | None = None):
        super().__init__(categorical_crossentropy, from_logits, label_smoothing, axis, reduction, name, dtype)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """`sparse_categorical_crossentropy` as a Loss: integer labels (batch, ...), class probabilities
    (batch, ..., classes), or logits with from_logits=True.

    Parameters
    ----------
    from_logits, axis : as for `sparse_categorical_crossentropy`
    ignore_class : int, optional
        Samples with this label count neither in the sum nor in the average.
    reduction, name, dtype : as for `Loss`

    Examples
    --------
    >>> scce = gw.losses.SparseCategoricalCrossentropy()
    >>> scce([1, 0], [[0.1, 0.8, 0.1], [0.5, 0.25, 0.25]])            # (-log 0.8 - log 0.5) / 2
    tensor(0.45814535)
    """

    def __init__(self, from_logits: bool = False, ignore_class: int | None = None,
                 reduction: str | None = "sum_over_batch_size", axis: int = -1,
                 name: str = "sparse_categorical_crossentropy", dtype: DTypeLike | None = None):
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.from_logits, self.ignore_class, self.axis = from_logits, ignore_class, axis

    def _call_with_mask(self, y_true, y_pred):
        return sparse_crossentropy_and_mask(
            y_true, y_pred, self.from_logits, self.ignore_class, self.axis, self.name
        )

    def check_target(self, y_true: ArrayLike, pred_shape: tuple[int, ...],
                     sample_weight: ArrayLike | None = None) -> None:
        """`Loss.check_target` without a stand-in: the labels (shape, whole numbers, range) and the
        sample weights' shape."""
        if self.axis not in (-1, len(pred_shape) - 1):
            super().check_target(y_true, pred_shape, sample_weight)  # the axis error, as the call gives it
            return
        labels, _ = class_labels(y_true, pred_shape, self.name, self.ignore_class)
        if sample_weight is not None:
            aligned_weights(sample_weight, np.zeros(labels.shape, np.float32), self.name)
