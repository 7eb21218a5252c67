"""Keras metrics: stateful running values for training logs (`update_state`, `result`, `reset_state`).

Metrics read plain arrays (a Tensor's `.data`) and record no gradient. Most are running means of a
per-sample value (accuracy is the mean of 0/1 matches); `sample_weight` weights each sample, and
a weight of 0 leaves the sample out. Precision and recall count weighted true and false positives.

`get(identifier, loss=None, output_shape=None)` resolves strings as Keras's `compile` does:
"accuracy" / "acc" picks binary, categorical or sparse categorical accuracy from the loss (or,
failing that, from the shapes of the targets and predictions), and the metric keeps the user's
string as its `name`, which is the key in the training history.

The package's files, one job each: `base` (`Metric`), `functions` (the per-sample functions),
`mean` (running means), `accuracy_metrics` (the accuracies, and what "accuracy" means),
`confusion` (the confusion matrix, the counts of thresholded predictions, precision and recall),
`thresholds` (true/false positives/negatives, the at-X metrics), `auc`, `f_score`, `iou`,
`loss_metrics` (running means of the `gw.losses` functions: cross-entropies, hinges, ...),
`regression` (root mean squared error, R^2, the Pearson and concordance correlations).

>>> m = gw.metrics.get("accuracy", loss="sparse_categorical_crossentropy")
>>> m.update_state([2, 1], [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]])
>>> m.name, m.result()
('accuracy', 0.5)
"""
from collections.abc import Callable
from typing import Any

from ..losses import (  # Keras's metrics namespace exports these loss functions too, the same objects
    binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy, categorical_focal_crossentropy,
    categorical_hinge, hinge, huber, kl_divergence, log_cosh, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, poisson, sparse_categorical_crossentropy, squared_hinge,
)
from ..registry import Registry
from .accuracy_metrics import (
    ACCURACY_NAMES, Accuracy, BinaryAccuracy, CategoricalAccuracy, DeferredAccuracy,
    SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy, accuracy_metric,
)
from .auc import AUC
from .base import Metric
from .confusion import Precision, Recall, confusion_matrix
from .f_score import F1Score, FBetaScore
from .functions import (
    METRIC_FUNCTIONS, accuracy, binary_accuracy, categorical_accuracy, mean_absolute_error,
    mean_squared_error, sparse_categorical_accuracy, sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from .iou import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from .mean import Mean, MeanAbsoluteError, MeanMetricWrapper, MeanSquaredError, Sum
from .loss_metrics import (
    BinaryCrossentropy, CategoricalCrossentropy, CategoricalHinge, CosineSimilarity, Hinge, KLDivergence,
    LogCoshError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, Poisson,
    SparseCategoricalCrossentropy, SquaredHinge, cosine_similarity,
)
from .regression import (
    ConcordanceCorrelation, PearsonCorrelation, R2Score, RootMeanSquaredError, concordance_correlation,
    pearson_correlation,
)
from .thresholds import (
    FalseNegatives, FalsePositives, PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity,
    SpecificityAtSensitivity, TrueNegatives, TruePositives,
)

# The loss functions above are also metric functions: `metrics=[gw.metrics.binary_crossentropy]` logs
# their running mean and saves by name.
for _fn in (binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy, categorical_focal_crossentropy,
            categorical_hinge, hinge, huber, kl_divergence, log_cosh, mean_absolute_percentage_error,
            mean_squared_logarithmic_error, poisson, sparse_categorical_crossentropy, squared_hinge):
    METRIC_FUNCTIONS.add(_fn)

_METRICS = Registry(
    "metric",
    Metric,
    entries=(
        Accuracy, BinaryAccuracy, CategoricalAccuracy, Mean, MeanAbsoluteError, MeanSquaredError, Precision,
        Recall, SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy,
        AUC, BinaryIoU, F1Score, FalseNegatives, FalsePositives, FBetaScore, IoU, MeanIoU, OneHotIoU,
        OneHotMeanIoU, PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity,
        SpecificityAtSensitivity, TrueNegatives, TruePositives,
        BinaryCrossentropy, CategoricalCrossentropy, CategoricalHinge, CosineSimilarity, Hinge, KLDivergence,
        LogCoshError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, Poisson,
        SparseCategoricalCrossentropy, SquaredHinge,
        ConcordanceCorrelation, PearsonCorrelation, R2Score, RootMeanSquaredError, Sum,
    ),
    aliases={
        "mse": MeanSquaredError, "MSE": MeanSquaredError, "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
        "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
        "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
        "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
        "kld": KLDivergence, "KLD": KLDivergence, "kullback_leibler_divergence": KLDivergence,
        "logcosh": LogCoshError, "log_cosh": LogCoshError,
    },
    snake_case_aliases=True,
    hint="; 'acc' is short for 'accuracy'",
)
# The names `serialize` gives the two metrics that are not table entries.
_SAVED_SPECIALLY = {"accuracy": DeferredAccuracy, "MeanMetricWrapper": MeanMetricWrapper}


def get(
    identifier: str | dict | type | Callable | None,
    loss: Any = None,
    output_shape: tuple[int, ...] | None = None,
    target_shape: tuple[int, ...] | None = None,
) -> Metric | None:
    """A Metric from a name, config dict, class, instance, or per-sample function.

    "accuracy" / "acc": sparse categorical accuracy after a sparse categorical cross-entropy loss,
    categorical after categorical cross-entropy, binary after binary cross-entropy (threshold 0
    when that loss takes logits); otherwise decided from `output_shape` (and `target_shape`) when
    given, else from the first batch's shapes. A string identifier becomes the metric's name.

    Parameters
    ----------
    identifier : str, dict, Metric class or instance, callable, or None
        A function fn(y_true, y_pred) -> shape (batch, ...) is wrapped in `MeanMetricWrapper`.
        None gives None.
    loss : loss identifier or Loss, optional
    output_shape, target_shape : tuple of int, optional
        The shapes of y_pred (batch, ..., d) and y_true.
    """
    if isinstance(identifier, str):
        if identifier.lower() in ACCURACY_NAMES:
            return accuracy_metric(identifier, loss, output_shape, target_shape)
        return _METRICS.lookup(identifier)(name=identifier)
    if isinstance(identifier, dict):
        return deserialize(identifier)
    metric = _METRICS.get(identifier)  # None, a class (instantiated), an instance or a function
    if metric is None or isinstance(metric, Metric):
        return metric
    return MeanMetricWrapper(metric)


def serialize(metric: Metric | Callable) -> dict:
    """{"class_name": ..., "config": {...}} for a built-in or registered metric, or for a built-in metric
    function (saved as the running mean `get` makes of it).

    Raises
    ------
    ValueError
        For an unregistered custom Metric class, or a wrapper of a custom function.
    """
    if callable(metric) and not isinstance(metric, Metric):
        metric = get(metric)
    if isinstance(metric, DeferredAccuracy):
        return {"class_name": "accuracy", "config": {"name": metric.name}}
    if isinstance(metric, Metric) and _METRICS.name_of(type(metric)) is None:
        if type(metric) is not MeanMetricWrapper:
            raise ValueError(
                f"cannot serialize the custom metric class {type(metric).__name__}: register it with "
                "@gw.saving.register_serializable()"
            )
        if METRIC_FUNCTIONS.name_of(metric.fn) is None:
            raise ValueError(f"cannot serialize a metric wrapping the custom function {metric.fn!r}")
    return _METRICS.serialize(metric)


def deserialize(config: str | dict) -> Metric:
    """A Metric from `serialize`'s output or from a name (as `get` reads it)."""
    if isinstance(config, str):
        return get(config)
    return _METRICS.deserialize(config, custom_objects=_SAVED_SPECIALLY)


__all__ = [
    "AUC", "Accuracy", "BinaryAccuracy", "BinaryCrossentropy", "BinaryIoU", "CategoricalAccuracy",
    "CategoricalCrossentropy", "CategoricalHinge", "ConcordanceCorrelation", "CosineSimilarity", "F1Score",
    "FBetaScore", "FalseNegatives", "FalsePositives", "Hinge", "IoU", "KLDivergence", "LogCoshError", "Mean",
    "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanIoU", "MeanMetricWrapper", "MeanSquaredError",
    "MeanSquaredLogarithmicError", "Metric", "OneHotIoU", "OneHotMeanIoU", "PearsonCorrelation", "Poisson",
    "Precision", "PrecisionAtRecall", "R2Score", "Recall", "RecallAtPrecision", "RootMeanSquaredError",
    "SensitivityAtSpecificity", "SparseCategoricalAccuracy", "SparseCategoricalCrossentropy",
    "SparseTopKCategoricalAccuracy", "SpecificityAtSensitivity", "SquaredHinge", "Sum",
    "TopKCategoricalAccuracy", "TrueNegatives", "TruePositives", "accuracy", "binary_accuracy",
    "binary_crossentropy", "binary_focal_crossentropy", "categorical_accuracy", "categorical_crossentropy",
    "categorical_focal_crossentropy", "categorical_hinge", "concordance_correlation", "confusion_matrix",
    "cosine_similarity", "deserialize", "get", "hinge", "huber", "kl_divergence", "log_cosh",
    "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_error",
    "mean_squared_logarithmic_error", "pearson_correlation", "poisson", "serialize",
    "sparse_categorical_accuracy", "sparse_categorical_crossentropy", "sparse_top_k_categorical_accuracy",
    "squared_hinge", "top_k_categorical_accuracy",
]
