"""The accuracy metrics, and which one "accuracy" / "acc" means (Keras's `compile` rule): the one the
loss implies, else the one the shapes of the targets and predictions imply."""
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .. import losses
from ..tensor import as_array
from .base import Metric
from .functions import (
    accuracy, binary_accuracy, categorical_accuracy, check_k, sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy, top_k_categorical_accuracy,
)
from ..tensor import Tensor
from .mean import MeanMetricWrapper


class Accuracy(MeanMetricWrapper):
    """How often y_pred equals y_true exactly: the running mean of `accuracy` (already-decided labels).

    To have "accuracy" pick the kind that fits the loss, use `gw.metrics.get("accuracy", loss=...)`.
    """

    def __init__(self, name: str = "accuracy", dtype: DTypeLike | None = None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often (y_pred > threshold) matches the 0/1 labels: the running mean of `binary_accuracy`.

    Parameters
    ----------
    name, dtype : as for `Metric`
    threshold : float
        0.5 for probabilities; 0 for logits.

    Examples
    --------
    >>> m = gw.metrics.BinaryAccuracy()
    >>> m([[1], [0], [1]], [[0.9], [0.6], [0.3]])
    0.3333333333333333
    """

    def __init__(self, name: str = "binary_accuracy", dtype: DTypeLike | None = None, threshold: float = 0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold


class CategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) matches argmax of the one-hot y_true, both (batch, ..., classes)."""

    def __init__(self, name: str = "categorical_accuracy", dtype: DTypeLike | None = None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred), (batch, ..., classes), matches the integer label, (batch, ...)."""

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: DTypeLike | None = None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target's class is among the k highest predictions (see
    `top_k_categorical_accuracy`); `name` and `dtype` as for `Metric`. A k below 1 raises ValueError."""

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: DTypeLike | None = None):
        check_k(k, name)
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the k highest predictions (see
    `sparse_top_k_categorical_accuracy` for the shapes).

    Parameters
    ----------
    k : int >= 1
    name, dtype : as for `Metric`
    from_sorted_ids : bool
        y_pred holds the ids of the best classes, best first, instead of every class's score
        (cheaper when the classes are many and the model can list its best ones).

    Examples
    --------
    >>> m = gw.metrics.SparseTopKCategoricalAccuracy(k=1, from_sorted_ids=True)
    >>> m([2, 1], [[1, 0, 3], [1, 2, 3]])
    0.5
    """

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy",
                 dtype: DTypeLike | None = None, from_sorted_ids: bool = False):
        check_k(k, name)
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k, self.from_sorted_ids = k, from_sorted_ids

    def get_config(self) -> dict[str, Any]:
        """name, dtype and k; from_sorted_ids only when True (as Keras, so that earlier files compare equal)."""
        config = super().get_config()
        if not self.from_sorted_ids:
            del config["from_sorted_ids"]
        return config


# ----- what "accuracy" means ---------------------------------------------------------------------


def _accuracy_from_loss(loss):
    """The accuracy class (and its settings) implied by a loss, or None if the loss does not say."""
    if loss is None:
        return None
    try:
        loss = losses.get(loss) if isinstance(loss, (str, dict, type)) else loss
    except (TypeError, ValueError):
        return None
    fn = loss.fn if isinstance(loss, losses.LossFunctionWrapper) else loss
    if isinstance(loss, losses.SparseCategoricalCrossentropy) or fn is losses.sparse_categorical_crossentropy:
        return SparseCategoricalAccuracy, {}
    if isinstance(loss, losses.CategoricalCrossentropy) or fn is losses.categorical_crossentropy:
        return CategoricalAccuracy, {}
    if isinstance(loss, losses.BinaryCrossentropy) or fn is losses.binary_crossentropy:
        # Logits are positive exactly where the probability is above 0.5.
        from_logits = getattr(loss, "from_logits", False)
        return BinaryAccuracy, {"threshold": 0.0 if from_logits else 0.5}
    return None


def _accuracy_from_shapes(target_shape, output_shape):
    """Keras 3's rule: binary if y_pred has one column, sparse if y_true has one fewer axis (or a
    single column against several), else categorical."""
    target_shape, output_shape = tuple(target_shape), tuple(output_shape)
    if output_shape and output_shape[-1] == 1:
        return BinaryAccuracy
    column_labels = bool(target_shape) and target_shape[-1] == 1 and output_shape[-1] > 1
    if len(target_shape) < len(output_shape) or column_labels:
        return SparseCategoricalAccuracy
    return CategoricalAccuracy


class DeferredAccuracy(Metric):
    """"accuracy" whose kind is decided from the shapes of the first batch it sees (Keras 3's rule).

    Binary if y_pred has one column, sparse categorical if y_true has one axis fewer (or a single
    column against several), else categorical. `name` and `dtype` as for `Metric`.
    """

    def __init__(self, name: str = "accuracy", dtype: DTypeLike | None = None):
        self._metric = None
        super().__init__(name=name, dtype=dtype)

    def reset_state(self) -> None:
        if self._metric is not None:
            self._metric.reset_state()

    def update_state(self, y_true: Tensor | ArrayLike, y_pred: Tensor | ArrayLike,
                     sample_weight: Tensor | ArrayLike | None = None) -> None:
        if self._metric is None:
            cls = _accuracy_from_shapes(np.shape(as_array(y_true)), np.shape(as_array(y_pred)))
            self._metric = cls(name=self.name, dtype=self.dtype)
        self._metric.update_state(y_true, y_pred, sample_weight)

    def result(self) -> float:
        return 0.0 if self._metric is None else self._metric.result()


ACCURACY_NAMES = ("accuracy", "acc")


def accuracy_metric(
    name: str, loss: Any = None, output_shape: tuple[int, ...] | None = None,
    target_shape: tuple[int, ...] | None = None,
) -> Metric:
    """The metric "accuracy" / "acc" means: the one the loss implies, else the one the shapes imply,
    else a `DeferredAccuracy` that decides on the first batch it sees.

    Parameters
    ----------
    name : str
        "accuracy" or "acc" as the user wrote it: the metric's name.
    loss : loss identifier or Loss, optional
        Sparse categorical, categorical or binary cross-entropy (threshold 0 with from_logits).
    output_shape, target_shape : tuple of int, optional
        The shapes of y_pred (batch, ..., d) and y_true; they decide together, or `output_shape`
        alone when d == 1 (binary).
    """
    chosen = _accuracy_from_loss(loss)
    if chosen is not None:
        cls, kwargs = chosen
        return cls(name=name, **kwargs)
    if output_shape is not None and (target_shape is not None or tuple(output_shape)[-1:] == (1,)):
        return _accuracy_from_shapes(target_shape or (), output_shape)(name=name)
    return DeferredAccuracy(name=name)

