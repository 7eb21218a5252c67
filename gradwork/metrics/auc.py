"""Keras's `AUC`: the area under the ROC or precision-recall curve, from weighted counts at a grid of
thresholds (a Riemann sum, or for PR Davis & Goadrich's interpolation)."""
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from ..ops.elementwise import sigmoid
from ..tensor import Tensor
from ..tensor import as_array
from .confusion import EPSILON, _ConfusionMetric, check_thresholds, divide_no_nan, even_grid, evenly_spaced

_CURVES = {"roc": "ROC", "pr": "PR"}
_SUMMATIONS = ("interpolation", "minoring", "majoring")


class AUC(_ConfusionMetric):
    """Area under the ROC curve (recall against false positive rate) or the PR curve (precision
    against recall), approximated from weighted TP/FP/TN/FN counts at `num_thresholds` thresholds.

    The thresholds are -1e-7, 1/(n-1), ..., (n-2)/(n-1), 1 + 1e-7 (or -1e-7, `thresholds`..., 1 + 1e-7):
    the endpoints put predictions of exactly 0 and 1 on the right side. A prediction above a threshold
    is positive. With points i = 0..n-1 on the curve, the area is sum_i (x_i - x_{i+1}) * h_i with
    h_i = (y_i + y_{i+1}) / 2 ("interpolation"), min(y_i, y_{i+1}) ("minoring") or max ("majoring").
    PR with "interpolation" follows Davis & Goadrich (2006) as Keras does: TP and P = TP + FP vary
    linearly between points, precision TP / P is integrated exactly, giving per interval
    slope * (dTP + intercept * log(P_i / P_{i+1})) / (TP_{i+1} + FN_{i+1}), with dTP = TP_i - TP_{i+1},
    slope = dTP / (P_i - P_{i+1}), intercept = TP_{i+1} - slope * P_{i+1} (0 where divisions fail,
    and the log's ratio 1 unless both P are > 0).

    Parameters
    ----------
    num_thresholds : int, default 200
        More than 1; ignored when `thresholds` is given (it becomes len(thresholds) + 2).
    curve : {"ROC", "PR"} (or lower case)
    summation_method : {"interpolation", "minoring", "majoring"} (or capitalised)
    name, dtype : as for `Metric`
    thresholds : list of float in [0, 1], optional
        Inner thresholds instead of the even grid (sorted; the two endpoints are added).
    multi_label : bool, default False
        y_pred (batch, labels): one AUC per label, averaged (weighted by `label_weights`). False
        flattens everything into one binary problem (use it for multi-class data).
    num_labels : int, optional
        The number of labels when multi_label (else known from the first batch).
    label_weights : list of float, optional
        multi_label: the weights of the label AUCs in their average; otherwise weights of the
        last axis's positions in the flattened counts.
    from_logits : bool, default False
        y_pred are logits: a sigmoid is applied first.

    `update_state(y_true, y_pred, sample_weight=None)`: labels positive where nonzero, y_pred of
    y_true's shape, sample_weight of rank 0 or broadcastable (shape (batch,) weights samples).
    `thresholds` (attribute) lists all n thresholds, endpoints included.

    Examples
    --------
    >>> m = gw.metrics.AUC(num_thresholds=3)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> m.result()            # tp [2, 1, 0], fp [2, 0, 0]: recall [1, .5, 0], fpr [1, 0, 0]
    0.75
    >>> m.reset_state()
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9], sample_weight=[1, 0, 0, 1])
    >>> m.result()
    1.0
    """

    def __init__(
        self, num_thresholds: int = 200, curve: str = "ROC", summation_method: str = "interpolation",
        name: str | None = None, dtype: DTypeLike | None = None, thresholds: Sequence[float] | None = None,
        multi_label: bool = False, num_labels: int | None = None, label_weights: ArrayLike | None = None,
        from_logits: bool = False,
    ):
        if not isinstance(curve, str) or curve.lower() not in _CURVES or curve not in (curve.lower(), curve.upper()):
            raise ValueError(f'AUC: invalid curve value "{curve}"; expected "ROC" or "PR"')
        if summation_method not in _SUMMATIONS + tuple(s.capitalize() for s in _SUMMATIONS):
            raise ValueError(f'AUC: invalid summation_method value "{summation_method}"; expected one of '
                             f"{list(_SUMMATIONS)}")
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            check_thresholds("AUC", inner)
            self.num_thresholds = len(inner) + 2
            self._clip = evenly_spaced([0.0] + inner + [1.0])
        else:
            if not isinstance(num_thresholds, (int, np.integer)) or num_thresholds <= 1:
                raise ValueError(f"AUC: `num_thresholds` must be an integer > 1, got {num_thresholds!r}")
            self.num_thresholds = int(num_thresholds)
            inner = even_grid(self.num_thresholds)[1:-1]
            self._clip = True
        if num_labels is not None and not multi_label:
            raise ValueError("AUC: `num_labels` is needed only when `multi_label` is True")
        if num_labels is not None and (not isinstance(num_labels, (int, np.integer)) or num_labels < 1):
            raise ValueError(f"AUC: `num_labels` must be a positive integer, got {num_labels!r}")
        if label_weights is not None:
            label_weights = np.asarray(label_weights, np.float64)
            if label_weights.ndim != 1 or (label_weights < 0).any():
                raise ValueError(f"AUC: label_weights must be a list of non-negative weights, got {label_weights}")
            if num_labels is not None and len(label_weights) != num_labels:
                raise ValueError(f"AUC: {len(label_weights)} label_weights for num_labels={num_labels}")
        self._init_from_thresholds = thresholds is not None
        self.thresholds = [0.0 - EPSILON] + inner + [1.0 + EPSILON]
        self.curve = _CURVES[curve.lower()]
        self.summation_method = summation_method.lower()
        self.multi_label, self.num_labels, self.from_logits = multi_label, num_labels, from_logits
        self.label_weights = label_weights
        super().__init__(name=name, dtype=dtype)

    def _state_shape(self) -> tuple[int, ...] | None:
        if not self.multi_label:
            return (self.num_thresholds,)
        return None if self.num_labels is None else (self.num_thresholds, self.num_labels)

    def _predictions(self, y_pred: Tensor | ArrayLike) -> np.ndarray:
        y_pred = as_array(y_pred, np.float64)
        expected = self._state_shape() if self.true_positives is None else self.true_positives.shape
        if self.multi_label and expected is not None and (y_pred.ndim != 2 or y_pred.shape[1] != expected[1]):
            raise ValueError(f"{self.name}: y_pred of shape {y_pred.shape} does not have the {expected[1]} "
                             "labels counted so far (shape (samples, labels) for multi_label)")
        if self.label_weights is not None and y_pred.ndim and y_pred.shape[-1] != len(self.label_weights):
            raise ValueError(f"{self.name}: {len(self.label_weights)} label_weights for y_pred of shape "
                             f"{y_pred.shape}")
        return as_array(sigmoid(y_pred)) if self.from_logits else y_pred

    def _interpolate_pr_auc(self) -> np.ndarray:
        """Davis & Goadrich's PR area per interval (see the class docstring)."""
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        p = tp + fp
        dtp = tp[:-1] - tp[1:]
        slope = divide_no_nan(dtp, np.maximum(p[:-1] - p[1:], 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both, divide_no_nan(p[:-1], np.maximum(p[1:], 0)), 1.0)
        log_ratio = np.log(ratio, out=np.zeros_like(ratio), where=ratio > 0)
        return divide_no_nan(slope * (dtp + intercept * log_ratio), np.maximum(tp[1:] + fn[1:], 0))

    def _riemann_terms(self) -> np.ndarray:
        tp, fp, tn, fn = self.true_positives, self.false_positives, self.true_negatives, self.false_negatives
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, divide_no_nan(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return (x[:-1] - x[1:]) * heights

    def result(self) -> float:
        """The area (for multi_label, the label areas' mean, weighted by label_weights when given)."""
        if self.true_positives is None:
            return 0.0
        if self.curve == "PR" and self.summation_method == "interpolation":
            terms = self._interpolate_pr_auc()
        else:
            terms = self._riemann_terms()
        if not self.multi_label:
            return float(terms.sum())
        by_label = terms.sum(axis=0)
        if self.label_weights is None:
            return float(by_label.mean())
        return float(divide_no_nan(np.sum(by_label * self.label_weights), np.sum(self.label_weights)))

    def get_config(self) -> dict:
        config = {
            **super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
            "summation_method": self.summation_method, "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
            "from_logits": self.from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
