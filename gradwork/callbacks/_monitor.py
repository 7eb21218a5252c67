"""Shared logic of the callbacks that watch one metric: which direction counts as better."""
import re
import warnings

import numpy as np

# Metrics where larger is better (the default names of the metrics Keras maximizes, "io_u" as Keras
# spells IoU, and "iou"), besides every name containing "acc".
_HIGHER_IS_BETTER = {"auc", "precision", "recall", "f1_score", "fbeta_score", "r2_score", "cosine_similarity",
                     "pearson_correlation", "concordance_correlation", "sensitivity_at_specificity",
                     "specificity_at_sensitivity", "precision_at_recall", "recall_at_precision"}
_HIGHER_IS_BETTER |= {f"{kind}{iou}" for kind in ("", "mean_", "binary_", "one_hot_", "one_hot_mean_")
                      for iou in ("iou", "io_u")}
_MODES = ("auto", "min", "max")


def resolve_mode(monitor, mode, owner):
    """'min' or 'max' for `monitor`; 'auto' chooses by name.

    'auto' means 'max' for accuracy-like names (containing "acc") and for AUC, precision,
    recall, F-scores, R^2, IoU, cosine similarity, the correlations and the at-X metrics, and 'min'
    for everything else (losses and errors). A "val_" prefix, an output's prefix ("output_1_auc") and
    a "_<number>" suffix (Keras's automatic renaming) are ignored.
    """
    if mode not in _MODES:
        raise ValueError(f"{owner}: mode must be one of {_MODES}, got {mode!r}")
    if mode != "auto":
        return mode
    name = monitor[4:] if monitor.startswith("val_") else monitor
    name = re.sub(r"_\d+$", "", name)
    if "acc" in name or any(name == n or name.endswith(f"_{n}") for n in _HIGHER_IS_BETTER):
        return "max"
    return "min"


def monitored_value(logs, monitor, owner):
    """`logs[monitor]` as a float, or None with a warning naming the keys that are there."""
    logs = logs or {}
    value = logs.get(monitor)
    if value is None:
        warnings.warn(f"{owner} is conditioned on metric {monitor!r} which is not in the logs; "
                      f"available keys: {', '.join(logs) or '(none)'}", stacklevel=3)
        return None
    if np.ndim(value) != 0:
        warnings.warn(f"{owner}: {monitor!r} must be a scalar, got shape {np.shape(value)}; skipped",
                      stacklevel=3)
        return None
    return float(value)
