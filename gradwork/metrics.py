"""Keras metrics: stateful running values for training logs (`update_state`, `result`, `reset_state`).

Metrics read plain arrays (a Tensor's `.data`) and record no gradient. Most are running means of a
per-sample value (accuracy is the mean of 0/1 matches); `sample_weight` weights each sample, and
a weight of 0 leaves the sample out. Precision and recall count weighted true and false positives.

`get(identifier, loss=None, output_shape=None)` resolves strings as Keras's `compile` does:
"accuracy" / "acc" picks binary, categorical or sparse categorical accuracy from the loss (or,
failing that, from the shapes of the targets and predictions), and the metric keeps the user's
string as its `name`, which is the key in the training history.

>>> m = gw.metrics.get("accuracy", loss="sparse_categorical_crossentropy")
>>> m.update_state([2, 1], [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]])
>>> m.name, m.result()
('accuracy', 0.5)
"""
import abc

import numpy as np

from .losses import squeeze_or_expand_to_same_rank
from .tensor import Tensor


def _array(x, dtype=None):
    """A NumPy array of `x` (a Tensor's data, unchanged)."""
    x = x.data if isinstance(x, Tensor) else x
    return np.asarray(x) if dtype is None else np.asarray(x, dtype=dtype)


# ----- per-sample functions (arrays in, float64 array out) ----------------------------------------


def accuracy(y_true, y_pred):
    """1 where y_pred equals y_true exactly, else 0 (averaged over the last axis)."""
    y_pred = _array(y_pred)
    y_true = _array(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    matches = (y_true == y_pred).astype(np.float64)
    return matches if matches.ndim == 0 else matches.mean(axis=-1)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1 where (y_pred > threshold) equals the 0/1 label y_true, averaged over the last axis."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(_array(y_true), _array(y_pred))
    matches = (y_true == (y_pred > threshold)).astype(np.float64)
    return matches if matches.ndim == 0 else matches.mean(axis=-1)


def categorical_accuracy(y_true, y_pred):
    """1 where argmax(y_pred) equals argmax(y_true) (one-hot targets), per sample."""
    y_true, y_pred = _array(y_true), _array(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"categorical_accuracy: y_true must be one-hot of y_pred's shape {y_pred.shape}, got "
            f"{y_true.shape}; for integer labels use sparse_categorical_accuracy"
        )
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(np.float64)


def _labels(y_true, y_pred, name):
    """Integer labels matching y_pred.shape[:-1] (a trailing axis of 1 is dropped)."""
    y_true = _array(y_true)
    if y_true.ndim == y_pred.ndim and y_true.ndim and y_true.shape[-1] == 1:
        y_true = y_true.reshape(y_true.shape[:-1])
    if y_true.shape != y_pred.shape[:-1]:
        raise ValueError(
            f"{name}: y_pred of shape {y_pred.shape} needs integer labels of shape {y_pred.shape[:-1]} "
            f"(or with a trailing 1), got {y_true.shape}"
        )
    return y_true


def sparse_categorical_accuracy(y_true, y_pred):
    """1 where argmax(y_pred) equals the integer label y_true, per sample."""
    y_pred = _array(y_pred)
    y_true = _labels(y_true, y_pred, "sparse_categorical_accuracy")
    return (y_true == np.argmax(y_pred, axis=-1)).astype(np.float64)


def _in_top_k(labels, y_pred, k):
    """Whether each label's score is among the k largest of its row (ties at the boundary count as in)."""
    n_classes = y_pred.shape[-1]
    if k >= n_classes:
        return np.ones(labels.shape, dtype=np.float64)
    kth_largest = -np.partition(-y_pred, k - 1, axis=-1)[..., k - 1]
    picked = np.take_along_axis(y_pred, labels.astype(np.int64)[..., None], axis=-1)[..., 0]
    return (picked >= kth_largest).astype(np.float64)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1 where the one-hot target's class is among the k highest scores."""
    y_true, y_pred = _array(y_true), _array(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"top_k_categorical_accuracy: y_true must have y_pred's shape {y_pred.shape}, got {y_true.shape}"
        )
    return _in_top_k(np.argmax(y_true, axis=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1 where the integer label is among the k highest scores."""
    y_pred = _array(y_pred)
    labels = _labels(y_true, y_pred, "sparse_top_k_categorical_accuracy")
    if labels.size and (labels.min() < 0 or labels.max() >= y_pred.shape[-1]):
        raise ValueError(f"sparse_top_k_categorical_accuracy: labels must lie in [0, {y_pred.shape[-1] - 1}]")
    return _in_top_k(labels, y_pred, k)


def _regression_pair(y_true, y_pred, name):
    y_pred = _array(y_pred, np.float64)
    y_true = _array(y_true, np.float64)
    shown = y_true.shape
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"{name}: y_true must have y_pred's shape {y_pred.shape}, got {shown}")
    return y_true, y_pred


def mean_squared_error(y_true, y_pred):
    """mean((y_true - y_pred)^2) over the last axis."""
    y_true, y_pred = _regression_pair(y_true, y_pred, "mean_squared_error")
    sq = (y_true - y_pred) ** 2
    return sq if sq.ndim == 0 else sq.mean(axis=-1)


def mean_absolute_error(y_true, y_pred):
    """mean(|y_true - y_pred|) over the last axis."""
    y_true, y_pred = _regression_pair(y_true, y_pred, "mean_absolute_error")
    ab = np.abs(y_true - y_pred)
    return ab if ab.ndim == 0 else ab.mean(axis=-1)


# ----- stateful metrics ---------------------------------------------------------------------------


class Metric(abc.ABC):
    """Base class: `update_state(...)` accumulates, `result()` reads (a float), `reset_state()` clears."""

    def __init__(self, name=None, dtype=None):
        self.name = name or _snake_case(type(self).__name__)
        self.dtype = dtype
        self.reset_state()

    @abc.abstractmethod
    def reset_state(self):
        """Subclasses implement this."""

    @abc.abstractmethod
    def update_state(self, *args, **kwargs):
        """Subclasses implement this."""

    @abc.abstractmethod
    def result(self):
        """Subclasses implement this."""

    def __call__(self, *args, **kwargs):
        """Update with this batch and return the running result."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"


def _samplewise(values, sample_weight):
    """Keras's reduction to one (weighted) value per sample: (values, per-sample weights or None)."""
    values = _array(values, np.float64)
    if sample_weight is not None:
        sw = _array(sample_weight, np.float64)
        values, sw = squeeze_or_expand_to_same_rank(values, sw)
        if values.ndim > sw.ndim:
            values = values.mean(axis=tuple(range(sw.ndim, values.ndim)))
        try:
            sw = np.broadcast_to(sw, values.shape)
        except ValueError:
            raise ValueError(
                f"sample_weight of shape {sw.shape} does not fit values of shape {values.shape}"
            ) from None
        values = values * sw
        if sw.ndim > 1:
            sw = sw.mean(axis=tuple(range(1, sw.ndim)))
    else:
        sw = None
    if values.ndim > 1:
        values = values.mean(axis=tuple(range(1, values.ndim)))
    return values, sw


class Mean(Metric):
    """Running (weighted) mean of the values given, per sample: the loss tracker of the fit loop."""

    def reset_state(self):
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values, sample_weight=None):
        values, sw = _samplewise(values, sample_weight)
        self.total += float(np.sum(values))
        if sw is not None:
            self.count += float(np.sum(sw))
        else:
            self.count += values.shape[0] if values.ndim else 1

    def result(self):
        return self.total / self.count if self.count else 0.0


class MeanMetricWrapper(Mean):
    """Running mean of a per-sample function `fn(y_true, y_pred, **kwargs)`."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        self._fn = fn
        self._fn_kwargs = kwargs
        super().__init__(name=name or getattr(fn, "__name__", None), dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        super().update_state(self._fn(y_true, y_pred, **self._fn_kwargs), sample_weight)

    def get_config(self):
        config = super().get_config()
        if type(self) is MeanMetricWrapper:
            config["fn"] = getattr(self._fn, "__name__", repr(self._fn))
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if cls is MeanMetricWrapper:
            fn = config.pop("fn")
            config["fn"] = _FUNCTION_BY_NAME[fn] if isinstance(fn, str) else fn
        return cls(**config)


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


class MeanSquaredError(MeanMetricWrapper):
    """Running mean of the per-sample mean squared error."""

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Running mean of the per-sample mean absolute error."""

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, dtype=dtype)


class _ConfusionMetric(Metric):
    """Weighted counts of true/false positives/negatives with predictions > threshold as positive.

    thresholds: a float or a list (default 0.5); with a list, `result()` gives a list.
    top_k: count only each row's k highest predictions as candidates; class_id: look at that
    class's column only. Labels are positive where nonzero. Everything else is flattened.
    """

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        default = 0.5 if top_k is None else -np.inf
        if thresholds is None:
            values = [default]
        else:
            values = np.atleast_1d(np.asarray(thresholds, dtype=np.float64)).tolist()
        for t in values:
            if top_k is None and not 0 <= t <= 1:
                raise ValueError(f"{type(self).__name__}: thresholds must lie in [0, 1], got {t}")
        self.init_thresholds = thresholds
        self.thresholds = np.asarray(values, dtype=np.float64)
        self.top_k, self.class_id = top_k, class_id
        super().__init__(name=name, dtype=dtype)

    def reset_state(self):
        n = len(self.thresholds)
        self.true_positives = np.zeros(n)
        self.false_positives = np.zeros(n)
        self.false_negatives = np.zeros(n)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = _array(y_pred, np.float64)
        y_true = _array(y_true)
        y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
        sw = None
        if sample_weight is not None:
            sw = _array(sample_weight, np.float64)
            sw = sw.reshape(sw.shape + (1,))
            _, sw = squeeze_or_expand_to_same_rank(y_true, sw, expand_rank_1=False)
        if self.top_k is not None:
            y_pred = _keep_top_k(y_pred, self.top_k)
        if self.class_id is not None:
            if y_pred.ndim < 2:
                raise ValueError(
                    f"{self.name}: class_id needs y_pred of shape (samples, classes), got {y_pred.shape}"
                )
            y_true, y_pred = y_true[..., self.class_id, None], y_pred[..., self.class_id, None]
        if y_true.shape != y_pred.shape:
            raise ValueError(
                f"{self.name}: y_true of shape {y_true.shape} does not match y_pred of shape {y_pred.shape}"
            )
        try:
            w = np.ones(y_pred.shape) if sw is None else np.broadcast_to(sw, y_pred.shape)
        except ValueError:
            raise ValueError(
                f"{self.name}: sample_weight does not fit y_pred of shape {y_pred.shape}"
            ) from None
        label = y_true.reshape(-1).astype(bool)
        w = w.reshape(-1)
        pred = y_pred.reshape(1, -1) > self.thresholds[:, None]  # (thresholds, elements)
        self.true_positives += (pred & label) @ w
        self.false_positives += (pred & ~label) @ w
        self.false_negatives += (~pred & label) @ w

    def _value(self, numerator, denominator):
        out = np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator != 0)
        return float(out[0]) if np.ndim(self.init_thresholds) == 0 else out.tolist()

    def get_config(self):
        return {"thresholds": self.init_thresholds, "top_k": self.top_k, "class_id": self.class_id,
                **super().get_config()}


def _keep_top_k(y_pred, k):
    """y_pred with everything but each row's k largest values set to -inf (never above a threshold)."""
    order = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(y_pred.shape, dtype=bool)
    np.put_along_axis(keep, order, True, axis=-1)
    return np.where(keep, y_pred, -np.inf)


class Precision(_ConfusionMetric):
    """Of the samples predicted positive, the (weighted) fraction truly positive: TP / (TP + FP), or 0."""

    def result(self):
        return self._value(self.true_positives, self.true_positives + self.false_positives)


class Recall(_ConfusionMetric):
    """Of the positive samples, the (weighted) fraction predicted positive: TP / (TP + FN); 0 if none."""

    def result(self):
        return self._value(self.true_positives, self.true_positives + self.false_negatives)


# ----- lookup -------------------------------------------------------------------------------------


def _snake_case(name):
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


_FUNCTIONS = (
    accuracy, binary_accuracy, categorical_accuracy, mean_absolute_error, mean_squared_error,
    sparse_categorical_accuracy, sparse_top_k_categorical_accuracy, top_k_categorical_accuracy,
)
_FUNCTION_BY_NAME = {fn.__name__: fn for fn in _FUNCTIONS}
_CLASSES = (
    Accuracy, BinaryAccuracy, CategoricalAccuracy, Mean, MeanAbsoluteError, MeanSquaredError, Precision,
    Recall, SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy,
)
_BY_NAME = {cls.__name__: cls for cls in _CLASSES}
_BY_NAME.update({_snake_case(cls.__name__): cls for cls in _CLASSES})
_BY_NAME.update({
    "mse": MeanSquaredError, "MSE": MeanSquaredError, "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
})
_ACCURACY_NAMES = ("accuracy", "acc")


def _lookup(name):
    try:
        return _BY_NAME[name]
    except KeyError:
        names = sorted(n for n in _BY_NAME if not n[0].isupper()) + list(_ACCURACY_NAMES[1:])
        raise ValueError(f"unknown metric {name!r}; valid names are: {', '.join(sorted(names))}") from None


def _accuracy_from_loss(loss):
    """The accuracy class (and its settings) implied by a loss, or None if the loss does not say."""
    from . import losses

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


class _DeferredAccuracy(Metric):
    """"accuracy" whose kind is decided from the shapes of the first batch it sees (Keras 3's rule)."""

    def __init__(self, name="accuracy", dtype=None):
        self._metric = None
        super().__init__(name=name, dtype=dtype)

    def reset_state(self):
        if self._metric is not None:
            self._metric.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None):
        if self._metric is None:
            cls = _accuracy_from_shapes(np.shape(_array(y_true)), np.shape(_array(y_pred)))
            self._metric = cls(name=self.name, dtype=self.dtype)
        self._metric.update_state(y_true, y_pred, sample_weight)

    def result(self):
        return 0.0 if self._metric is None else self._metric.result()


def get(identifier, loss=None, output_shape=None, target_shape=None):
    """A Metric from a name, config dict, class, instance, or per-sample function fn(y_true, y_pred).

    "accuracy" / "acc": sparse categorical accuracy after a sparse categorical cross-entropy loss,
    categorical after categorical cross-entropy, binary after binary cross-entropy (threshold 0
    when that loss takes logits); otherwise decided from `output_shape` (and `target_shape`) when
    given, else from the first batch's shapes. A string identifier becomes the metric's name.
    """
    if identifier is None:
        return None
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        if identifier.lower() in _ACCURACY_NAMES:
            chosen = _accuracy_from_loss(loss)
            if chosen is not None:
                cls, kwargs = chosen
                return cls(name=identifier, **kwargs)
            if output_shape is not None and (target_shape is not None or tuple(output_shape)[-1:] == (1,)):
                return _accuracy_from_shapes(target_shape or (), output_shape)(name=identifier)
            return _DeferredAccuracy(name=identifier)
        if identifier in _FUNCTION_BY_NAME and identifier not in _BY_NAME:
            return MeanMetricWrapper(_FUNCTION_BY_NAME[identifier], name=identifier)
        return _lookup(identifier)(name=identifier)
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise ValueError(f"could not interpret metric identifier {identifier!r}")


def serialize(metric):
    """{'class_name': ..., 'config': {...}} for a built-in metric."""
    if not isinstance(metric, Metric):
        raise TypeError(f"serialize expects a Metric, got {type(metric).__name__}")
    if isinstance(metric, _DeferredAccuracy):
        return {"class_name": "accuracy", "config": {"name": metric.name}}
    name = type(metric).__name__
    if name not in _BY_NAME and name != "MeanMetricWrapper":
        raise ValueError(f"cannot serialize the custom metric class {name}")
    if type(metric) is MeanMetricWrapper and metric._fn not in _FUNCTIONS:
        raise ValueError(f"cannot serialize a metric wrapping the custom function {metric._fn!r}")
    return {"class_name": name, "config": metric.get_config()}


def deserialize(config):
    """A Metric from `serialize`'s output or from a name."""
    if isinstance(config, str):
        return get(config)
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"deserialize expects a dict with 'class_name' and 'config', got {config!r}")
    body = dict(config.get("config") or {})
    if config["class_name"] == "accuracy":
        return _DeferredAccuracy(**body)
    cls = MeanMetricWrapper if config["class_name"] == "MeanMetricWrapper" else _lookup(config["class_name"])
    return cls.from_config(body)


__all__ = [
    "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "Mean", "MeanAbsoluteError", "MeanMetricWrapper",
    "MeanSquaredError", "Metric", "Precision", "Recall", "SparseCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy", "TopKCategoricalAccuracy", "accuracy", "binary_accuracy",
    "categorical_accuracy", "deserialize", "get", "mean_absolute_error", "mean_squared_error", "serialize",
    "sparse_categorical_accuracy", "sparse_top_k_categorical_accuracy", "top_k_categorical_accuracy",
]
