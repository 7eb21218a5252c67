"""The accuracy metrics, and which one "accuracy" / "acc" means (Keras's `compile` rule): the one the
loss implies, else the one the shapes of the targets and predictions imply."""
import numpy as np

from .. import losses
from .base import Metric, as_array
from .functions import (
    accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy, top_k_categorical_accuracy,
)
from .mean import MeanMetricWrapper


class Accuracy(MeanMetricWrapper):
    """How often y_pred equals y_true exactly (for already-decided labels)."""

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often (y_pred > threshold) matches the 0/1 labels."""

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold


class CategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) matches argmax of the one-hot y_true."""

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) matches the integer label."""

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target is among the k highest predictions."""

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the k highest predictions."""

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None):
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


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
    """"accuracy" whose kind is decided from the shapes of the first batch it sees (Keras 3's rule)."""

    def __init__(self, name="accuracy", dtype=None):
        self._metric = None
        super().__init__(name=name, dtype=dtype)

    def reset_state(self):
        if self._metric is not None:
            self._metric.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None):
        if self._metric is None:
            cls = _accuracy_from_shapes(np.shape(as_array(y_true)), np.shape(as_array(y_pred)))
            self._metric = cls(name=self.name, dtype=self.dtype)
        self._metric.update_state(y_true, y_pred, sample_weight)

    def result(self):
        return 0.0 if self._metric is None else self._metric.result()


ACCURACY_NAMES = ("accuracy", "acc")


def accuracy_metric(name, loss=None, output_shape=None, target_shape=None):
    """The metric "accuracy" / "acc" (`name`) means: the accuracy the loss implies, else the one the
    shapes imply (`output_shape` (batch, ..., d) and `target_shape`), else one that decides on the
    first batch it sees."""
    chosen = _accuracy_from_loss(loss)
    if chosen is not None:
        cls, kwargs = chosen
        return cls(name=name, **kwargs)
    if output_shape is not None and (target_shape is not None or tuple(output_shape)[-1:] == (1,)):
        return _accuracy_from_shapes(target_shape or (), output_shape)(name=name)
    return DeferredAccuracy(name=name)

