"""Keras 3's threshold metrics: TruePositives/TrueNegatives/FalsePositives/FalseNegatives, the at-X
metrics and AUC. Checked against the numbers in Keras's docstrings (and a few of Keras's own test
values), scikit-learn's roc_auc_score / average_precision_score, NumPy transcriptions of the
documented formulas (streaming over weighted batches), configs, names, errors and a fit."""
import doctest

import numpy as np
import pytest

import gradwork as gw
from gradwork import metrics as M
from metric_configs import assert_config_round_trips

RNG = np.random.default_rng(7)


# ----- NumPy transcriptions of the documented formulas -------------------------------------------

def np_counts(y_true, y_pred, thresholds, w=None, clip=False):
    """tp, fp, tn, fn at each threshold: positive where the prediction (float32, as the metric's dtype)
    is greater than the threshold, label positive where nonzero; an explicit (T, N) comparison."""
    shape = np.shape(y_pred)
    y_true, y_pred = np.ravel(y_true), np.ravel(np.asarray(y_pred, np.float64))
    w = np.ones(y_true.shape) if w is None else np.ravel(np.broadcast_to(w, shape))
    if clip:
        y_pred = np.clip(y_pred, 0, 1)
    above = y_pred.astype(np.float32)[None, :] > np.asarray(thresholds, np.float32)[:, None]
    pos = y_true != 0
    return ((above & pos) @ w, (above & ~pos) @ w, (~above & ~pos) @ w, (~above & pos) @ w)


def np_ratio(a, b):
    return np.array([x / y if y != 0 else 0.0 for x, y in zip(a, b)])


def np_auc(tp, fp, tn, fn, curve="ROC", summation="interpolation"):
    """The area as Keras's docstring states it, one interval at a time."""
    recall = np_ratio(tp, tp + fn)
    if curve == "PR" and summation == "interpolation":
        total = 0.0
        for i in range(len(tp) - 1):
            p_a, p_b = tp[i] + fp[i], tp[i + 1] + fp[i + 1]
            dtp = tp[i] - tp[i + 1]
            slope = dtp / (p_a - p_b) if p_a - p_b > 0 else 0.0
            intercept = tp[i + 1] - slope * p_b
            ratio = p_a / p_b if (p_a > 0 and p_b > 0) else 1.0
            pos = tp[i + 1] + fn[i + 1]
            total += slope * (dtp + intercept * np.log(ratio)) / pos if pos > 0 else 0.0
        return total
    x, y = (np_ratio(fp, fp + tn), recall) if curve == "ROC" else (recall, np_ratio(tp, tp + fp))
    pick = {"interpolation": lambda a, b: (a + b) / 2, "minoring": min, "majoring": max}[summation]
    return sum((x[i] - x[i + 1]) * pick(y[i], y[i + 1]) for i in range(len(x) - 1))


def grid(n):
    return [-1e-7] + [(i + 1) / (n - 1) for i in range(n - 2)] + [1 + 1e-7]


def batches(n=90, parts=3, shape=()):
    """Random labels, float32 predictions in [0, 1) and weights, split into `parts` batches."""
    y = (RNG.random((n,) + shape) < 0.4).astype(np.float64)
    p = RNG.random((n,) + shape, dtype=np.float32)
    w = RNG.uniform(0.5, 2.0, n)
    return y, p, w, [(y[s], p[s], w[s]) for s in np.array_split(np.arange(n), parts)]


# ----- (1) the numbers in Keras's docstrings (also run as doctests) --------------------------------

@pytest.mark.parametrize("cls, y_true, y_pred", [
    (M.TruePositives, [0, 1, 1, 1], [1, 0, 1, 1]), (M.TrueNegatives, [0, 1, 0, 0], [1, 1, 0, 0]),
    (M.FalsePositives, [0, 1, 0, 0], [0, 0, 1, 1]), (M.FalseNegatives, [0, 1, 1, 1], [0, 1, 0, 0]),
])
def test_counts_docstring_numbers(cls, y_true, y_pred):
    m = cls()
    m.update_state(y_true, y_pred)
    assert m.result() == 2.0
    m.reset_state()
    m.update_state(y_true, y_pred, sample_weight=[0, 0, 1, 0])
    assert m.result() == 1.0


@pytest.mark.parametrize("cls, value, y_true, y_pred, weights, first, second", [
    (M.SensitivityAtSpecificity, 0.5, [0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8], [1, 1, 2, 2, 1], 0.5, 0.333333),
    (M.SpecificityAtSensitivity, 0.5, [0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8], [1, 1, 2, 2, 2], 0.66666667, 0.5),
    (M.PrecisionAtRecall, 0.5, [0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8], [2, 2, 2, 1, 1], 0.5, 0.33333333),
    (M.RecallAtPrecision, 0.8, [0, 0, 1, 1], [0, 0.5, 0.3, 0.9], [1, 0, 0, 1], 0.5, 1.0),
])
def test_at_value_docstring_numbers(cls, value, y_true, y_pred, weights, first, second):
    m = cls(value)
    m.update_state(y_true, y_pred)
    assert m.result() == pytest.approx(first, abs=1e-6)
    m.reset_state()
    m.update_state(y_true, y_pred, sample_weight=weights)
    assert m.result() == pytest.approx(second, abs=1e-6)


def test_auc_docstring_numbers_and_keras_test_values():
    m = M.AUC(num_thresholds=3)
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    assert m.result() == 0.75
    np.testing.assert_array_equal(m.true_positives, [2, 1, 0])
    np.testing.assert_array_equal(m.false_positives, [2, 0, 0])
    np.testing.assert_array_equal(m.false_negatives, [0, 1, 2])
    np.testing.assert_array_equal(m.true_negatives, [0, 2, 2])
    m.reset_state()
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9], sample_weight=[1, 0, 0, 1])
    assert m.result() == 1.0
    # Keras's AUCTest (y_pred [0, .5, .3, .9], y_true [0, 0, 1, 1], weights [1, 2, 3, 4], 3 thresholds):
    # tp = [7, 4, 0], fp = [3, 0, 0]; its hand values below are rounded to 3 decimals.
    args = ([0, 0, 1, 1], np.array([0, 0.5, 0.3, 0.9], np.float32))
    expected = {("ROC", "interpolation"): 0.7855, ("ROC", "majoring"): 1.0, ("ROC", "minoring"): 0.571,
                ("PR", "majoring"): 1.0, ("PR", "minoring"): 0.7 * 0.429, ("PR", "interpolation"): 2.416 / 7 + 4 / 7}
    for (curve, summation), value in expected.items():
        auc = M.AUC(num_thresholds=3, curve=curve, summation_method=summation)
        assert auc(*args, sample_weight=[1, 2, 3, 4]) == pytest.approx(value, abs=1e-3), (curve, summation)
    exact_pr = (0.5 * (3 + 2 * np.log(2.5)) + 4) / 7  # the same PR interpolation without the rounding
    assert M.AUC(num_thresholds=3, curve="PR")(*args, sample_weight=[1, 2, 3, 4]) == pytest.approx(exact_pr, rel=1e-12)
    assert M.AUC(num_thresholds=3, curve="PR")(*args, sample_weight=[-1, -2, -3, -4]) == 0.0
    assert M.AUC()(args[0], args[0]) == 1.0


def test_auc_multi_label_keras_test_values():
    y_pred = np.array([[0, 0.5, 0.3, 0.9], [0.1, 0.2, 0.3, 0.4]], np.float32).T
    good = np.array([[0, 0, 1, 1], [0, 0, 1, 1]]).T
    assert M.AUC(num_thresholds=5, multi_label=True)(good, y_pred) == pytest.approx((0.875 + 1.0) / 2)
    weighted = M.AUC(num_thresholds=5, multi_label=True, label_weights=[0.75, 0.25])
    assert weighted(good, y_pred) == pytest.approx(0.875 * 0.75 + 1.0 * 0.25)
    flat = M.AUC(num_thresholds=5)(good, y_pred, sample_weight=[1, 2, 3, 4])
    assert flat == pytest.approx(1.0 - (1 / 3) * (1.0 - 2 / 7) / 2)  # Keras: 1 - 0.3333 * (1 - 0.2857) / 2
    logits = np.log(y_pred + 1e-12) - np.log1p(-y_pred)
    assert M.AUC(num_thresholds=5, multi_label=True, from_logits=True)(good, logits) == pytest.approx(0.9375)
    labels = np.array([[[1, 0, 0], [1, 0, 0]], [[0, 1, 1], [0, 1, 1]]])  # Keras's test_extra_dims
    scores = 1 / (1 + np.exp(np.array([[[-10.0, 10, -10], [10, -10, 10]], [[-12.0, 12, -12], [12, -12, 12]]])))
    assert M.AUC()(labels, scores) == 0.5


def test_docstring_examples_hold():
    from gradwork.metrics import auc, confusion, thresholds
    for module in (confusion, thresholds, auc):
        result = doctest.testmod(module, extraglobs={"gw": gw, "np": np})
        assert result.failed == 0 and result.attempted > 0, module.__name__


# ----- (2) scikit-learn ------------------------------------------------------------------------------

def test_roc_auc_at_the_data_scores_equals_sklearn():
    sk = pytest.importorskip("sklearn.metrics")
    y, p, w, _ = batches(200)
    auc = M.AUC(thresholds=np.unique(p).tolist())  # every point of the empirical ROC curve
    auc.update_state(y, p, sample_weight=w)
    assert auc.result() == pytest.approx(sk.roc_auc_score(y, p, sample_weight=w), rel=1e-10)


def test_roc_auc_on_the_grid_equals_sklearn_on_bucketed_scores_and_is_near_the_exact_one():
    """On n thresholds, AUC is the exact AUC of the scores bucketed between thresholds (ties count half):
    so it equals sklearn on bucket indices, and differs from sklearn on the raw scores by at most half
    the weighted fraction of (positive, negative) pairs that share a bucket."""
    sk = pytest.importorskip("sklearn.metrics")
    y, p, w, _ = batches(400)
    for n in (11, 200, 1000):
        auc = M.AUC(num_thresholds=n)
        auc.update_state(y, p, sample_weight=w)
        bucket = np.searchsorted(np.float32(grid(n)), p, side="left")
        assert auc.result() == pytest.approx(sk.roc_auc_score(y, bucket, sample_weight=w), rel=1e-10)
        wp = np.bincount(bucket, weights=w * y, minlength=n + 1)
        wn = np.bincount(bucket, weights=w * (1 - y), minlength=n + 1)
        bound = 0.5 * (wp @ wn) / (wp.sum() * wn.sum())
        assert abs(auc.result() - sk.roc_auc_score(y, p, sample_weight=w)) <= bound + 1e-12


def test_pr_auc_brackets_sklearn_average_precision():
    """At the data's own scores, average precision (precision at each point times the recall step) lies
    between Keras's minoring and majoring sums, and so does the Davis-Goadrich interpolation."""
    sk = pytest.importorskip("sklearn.metrics")
    y, p, w, _ = batches(300)
    ap = sk.average_precision_score(y, p, sample_weight=w)
    area = {}
    for summation in ("minoring", "interpolation", "majoring"):
        m = M.AUC(curve="PR", summation_method=summation, thresholds=np.unique(p).tolist())
        m.update_state(y, p, sample_weight=w)
        area[summation] = m.result()
    assert area["minoring"] <= ap + 1e-12 and ap <= area["majoring"] + 1e-12
    assert area["minoring"] <= area["interpolation"] <= area["majoring"]


def test_multi_label_auc_equals_sklearn_per_label_mean():
    sk = pytest.importorskip("sklearn.metrics")
    y, p, w, _ = batches(150, shape=(3,))
    m = M.AUC(multi_label=True, thresholds=np.unique(p).tolist())
    m.update_state(y, p, sample_weight=w)
    assert m.result() == pytest.approx(sk.roc_auc_score(y, p, average="macro", sample_weight=w), rel=1e-10)
    per_label = [sk.roc_auc_score(y[:, k], p[:, k], sample_weight=w) for k in range(3)]
    lw = M.AUC(multi_label=True, num_labels=3, label_weights=[1.0, 2.0, 0.5], thresholds=np.unique(p).tolist())
    lw.update_state(y, p, sample_weight=w)
    assert lw.result() == pytest.approx(np.average(per_label, weights=[1.0, 2.0, 0.5]), rel=1e-10)


# ----- (3) NumPy transcriptions, streaming, reset, configs ----------------------------------------

@pytest.mark.parametrize("make, thresholds, pick", [
    (lambda: M.TruePositives([0.2, 0.5, 0.9]), [0.2, 0.5, 0.9], 0),
    (lambda: M.FalsePositives(0.3), [0.3], 1),
    (lambda: M.TrueNegatives([0.9, 0.1]), [0.9, 0.1], 2),
    (lambda: M.FalseNegatives([0.0, 0.5, 1.0]), [0.0, 0.5, 1.0], 3),
])
def test_counts_stream_over_weighted_batches(make, thresholds, pick):
    y, p, w, parts = batches()
    m = make()
    for yb, pb, wb in parts:
        m.update_state(yb, pb, sample_weight=wb)
    expected = np_counts(y, p, thresholds, w)[pick]
    np.testing.assert_allclose(np.atleast_1d(m.result()), expected, rtol=1e-12)
    assert isinstance(m.result(), float if len(thresholds) == 1 else list)
    m.reset_state()
    assert m.result() == pytest.approx([0.0] * len(thresholds) if len(thresholds) > 1 else 0.0)


def test_counts_clip_on_an_even_grid_and_weigh_per_value():
    # On the even grid [0, .5, 1] Keras clips predictions to [0, 1]: 1.5 is not above 1.
    m = M.TruePositives([0.0, 0.5, 1.0])
    m.update_state([1, 1, 1], [1.5, 0.7, -0.2])
    assert m.result() == [2.0, 2.0, 0.0]
    y, p = (RNG.random((6, 4)) < 0.5).astype(int), RNG.random((6, 4), dtype=np.float32)
    w = RNG.random((6, 4))
    m = M.FalseNegatives([0.25, 0.75])
    m.update_state(y, p, sample_weight=w)  # one weight per value
    np.testing.assert_allclose(m.result(), np_counts(y, p, [0.25, 0.75], w)[3], rtol=1e-12)


@pytest.mark.parametrize("cls, value, constrained, dependent", [
    (M.SensitivityAtSpecificity, 0.7, "specificity", "sensitivity"),
    (M.SpecificityAtSensitivity, 0.6, "sensitivity", "specificity"),
    (M.PrecisionAtRecall, 0.5, "sensitivity", "precision"),
    (M.RecallAtPrecision, 0.45, "precision", "sensitivity"),
])
def test_at_value_metrics_stream_as_the_formula(cls, value, constrained, dependent):
    y, p, w, parts = batches(120)
    m = cls(value, num_thresholds=50)
    for yb, pb, wb in parts:
        m.update_state(yb, pb, sample_weight=wb)
    tp, fp, tn, fn = np_counts(y, p, [0.0] + [(i + 1) / 49 for i in range(48)] + [1.0], w, clip=True)
    rates = {"sensitivity": np_ratio(tp, tp + fn), "specificity": np_ratio(tn, tn + fp),
             "precision": np_ratio(tp, tp + fp)}
    ok = rates[constrained] >= value
    assert m.result() == pytest.approx(rates[dependent][ok].max() if ok.any() else 0.0, rel=1e-12)
    one = cls(value, num_thresholds=1)  # a single threshold, 0.5
    assert one.thresholds == [0.5]


def test_at_value_class_id_reads_one_column():
    y = (RNG.random((40, 3)) < 0.5).astype(int)
    p = RNG.random((40, 3), dtype=np.float32)
    whole, column = M.PrecisionAtRecall(0.5, class_id=2), M.PrecisionAtRecall(0.5)
    whole.update_state(y, p)
    column.update_state(y[:, 2], p[:, 2])
    assert whole.result() == column.result()


@pytest.mark.parametrize("curve", ["ROC", "PR"])
@pytest.mark.parametrize("summation", ["interpolation", "minoring", "majoring"])
def test_auc_streams_as_the_formula(curve, summation):
    y, p, w, parts = batches(150)
    m = M.AUC(num_thresholds=37, curve=curve, summation_method=summation)
    for yb, pb, wb in parts:
        m.update_state(yb, pb, sample_weight=wb)
    expected = np_auc(*np_counts(y, p, grid(37), w, clip=True), curve=curve, summation=summation)
    assert m.result() == pytest.approx(expected, rel=1e-12)
    m.reset_state()
    assert m.result() == 0.0
    m.update_state(*parts[0][:2])
    assert m.result() == pytest.approx(np_auc(*np_counts(*parts[0][:2], grid(37), clip=True), curve, summation))


def test_auc_multi_label_and_label_weights_as_the_formula():
    y, p, w, parts = batches(90, shape=(4,))
    lw = [0.5, 1.0, 2.0, 0.0]
    multi = M.AUC(num_thresholds=20, curve="PR", multi_label=True, label_weights=lw)
    flat = M.AUC(num_thresholds=20, label_weights=lw)
    for yb, pb, wb in parts:
        multi.update_state(yb, pb, sample_weight=wb)
        flat.update_state(yb, pb, sample_weight=wb)
    per_label = [np_auc(*np_counts(y[:, k], p[:, k], grid(20), w, clip=True), "PR") for k in range(4)]
    assert multi.result() == pytest.approx(np.average(per_label, weights=lw), rel=1e-12)
    assert multi.true_positives.shape == (20, 4)
    flat_weights = w[:, None] * np.array(lw)  # label_weights weigh the flattened positions
    assert flat.result() == pytest.approx(np_auc(*np_counts(y, p, grid(20), flat_weights, clip=True)), rel=1e-12)


def test_auc_thresholds_attribute_and_from_logits():
    m = M.AUC(num_thresholds=3)
    assert m.thresholds == [-1e-7, 0.5, 1 + 1e-7] and m.num_thresholds == 3
    manual = M.AUC(num_thresholds=None, thresholds=[0.5, 0.3])
    assert manual.num_thresholds == 4 and manual.thresholds == [-1e-7, 0.3, 0.5, 1 + 1e-7]
    y, p, _, _ = batches(60)
    logits = np.log(p + 1e-9) - np.log1p(-p)
    a, b = M.AUC(num_thresholds=25, from_logits=True), M.AUC(num_thresholds=25)
    assert a(y, gw.tensor(logits)) == pytest.approx(b(y, 1 / (1 + np.exp(-logits))), rel=1e-12)


@pytest.mark.parametrize("metric", [
    M.TruePositives(), M.FalseNegatives(thresholds=[0.2, 0.7], name="fn"), M.TrueNegatives(0.4),
    M.FalsePositives(dtype="float64"), M.SensitivityAtSpecificity(0.4, num_thresholds=10, class_id=1),
    M.SpecificityAtSensitivity(0.3), M.PrecisionAtRecall(0.8, name="p_at_r"), M.RecallAtPrecision(0.6),
    M.AUC(num_thresholds=50, curve="PR", summation_method="majoring", multi_label=True, num_labels=3,
          label_weights=[1, 2, 3], from_logits=True, name="auc_1"),
    M.AUC(thresholds=[0.3, 0.5], curve="pr"),
    M.TruePositives(np.array([0.3, 0.6])), M.Precision(np.float32(0.25)),  # NumPy thresholds save as floats
    M.Recall(thresholds=np.array([0.2, 0.8]), class_id=1),
], ids=lambda m: type(m).__name__)
def test_config_round_trips(metric):
    rebuilt = assert_config_round_trips(metric)
    y, p = (RNG.random((20, 3)) < 0.5).astype(int), RNG.random((20, 3), dtype=np.float32)
    assert rebuilt(y, p) == metric(y, p)


def test_keras_configs_and_names():
    assert M.TruePositives().get_config() == {"name": "true_positives", "dtype": None, "thresholds": None}
    assert M.SensitivityAtSpecificity(0.5).get_config() == {
        "name": "sensitivity_at_specificity", "dtype": None, "num_thresholds": 200, "class_id": None,
        "specificity": 0.5}
    assert M.AUC().get_config() == {
        "name": "auc", "dtype": None, "num_thresholds": 200, "curve": "ROC", "summation_method": "interpolation",
        "multi_label": False, "num_labels": None, "label_weights": None, "from_logits": False}
    assert M.AUC(thresholds=[0.3, 0.5]).get_config()["thresholds"] == [0.3, 0.5]
    for name, cls in [("AUC", M.AUC), ("auc", M.AUC), ("true_positives", M.TruePositives),
                      ("FalseNegatives", M.FalseNegatives), ("false_positives", M.FalsePositives),
                      ("TrueNegatives", M.TrueNegatives)]:
        metric = M.get(name)
        assert type(metric) is cls and metric.name == name  # compile logs the string given
    assert M.get(M.AUC).name == "auc" and M.get({"class_name": "AUC", "config": {"curve": "PR"}}).curve == "PR"


# ----- (4) clear errors, before any state changes -----------------------------------------------------

@pytest.mark.parametrize("build, message", [
    (lambda: M.AUC(curve="XYZ"), 'invalid curve value "XYZ"'),
    (lambda: M.AUC(curve="Roc"), "invalid curve"),
    (lambda: M.AUC(summation_method="trapezoid"), "invalid summation_method"),
    (lambda: M.AUC(num_thresholds=1), "`num_thresholds` must be an integer > 1"),
    (lambda: M.AUC(thresholds=[0.2, 1.5]), r"thresholds must lie in \[0, 1\], got \[1.5\]"),
    (lambda: M.AUC(num_labels=3), "`num_labels` is needed only when `multi_label` is True"),
    (lambda: M.AUC(multi_label=True, label_weights=[1, -1]), "non-negative"),
    (lambda: M.TruePositives(thresholds=[0.5, -0.1]), r"TruePositives: thresholds must lie in \[0, 1\]"),
    (lambda: M.FalsePositives(1.2), r"thresholds must lie in \[0, 1\]"),
    (lambda: M.Recall(thresholds=[]), "Recall: thresholds must hold at least one value"),
    (lambda: M.TrueNegatives(np.array([])), "TrueNegatives: thresholds must hold at least one value"),
    (lambda: M.SensitivityAtSpecificity(1.5), r"`specificity` must be in the range \[0, 1\]"),
    (lambda: M.RecallAtPrecision(-1), r"`precision` must be in the range \[0, 1\]"),
    (lambda: M.PrecisionAtRecall(0.4, num_thresholds=0), "`num_thresholds` must be an integer > 0"),
])
def test_bad_arguments_are_refused(build, message):
    with pytest.raises(ValueError, match=message):
        build()


FLAT, TWO_LABELS = ([0, 1], [0.3, 0.7]), (np.eye(2), np.full((2, 2), 0.7))


@pytest.mark.parametrize("metric, good, y_true, y_pred, kwargs, message", [
    (M.TruePositives(), FLAT, [0, 1, 1], [0.2, 0.9], {},
     r"y_true of shape \(3,\) does not match y_pred of shape \(2,\)"),
    (M.AUC(), FLAT, [0, 1, 1], [0.2, 0.9, 0.4], {"sample_weight": [1, 2]}, "sample_weight or label_weights do not fit"),
    (M.AUC(), FLAT, [0, 1], [0.2, np.nan], {}, "y_pred holds NaN"),
    (M.AUC(multi_label=True), TWO_LABELS, [0, 1, 1], [0.2, 0.9, 0.4], {}, "does not have the 2 labels"),
    (M.AUC(multi_label=True, num_labels=2), TWO_LABELS, np.zeros((2, 3)), np.zeros((2, 3)), {},
     "does not have the 2 labels"),
    (M.AUC(label_weights=[1, 2]), TWO_LABELS, np.zeros((2, 3)), np.zeros((2, 3)), {}, "2 label_weights"),
    (M.SensitivityAtSpecificity(0.5, class_id=1), TWO_LABELS, [0, 1], [0.2, 0.9], {},
     "class_id needs y_pred of shape"),
], ids=lambda v: type(v).__name__ if isinstance(v, M.Metric) else None)
def test_bad_batches_are_refused_before_any_state_changes(metric, good, y_true, y_pred, kwargs, message):
    metric.update_state(*good)
    names = ("true_positives", "false_positives", "true_negatives", "false_negatives")
    before = [np.copy(getattr(metric, k)) for k in names]
    with pytest.raises(ValueError, match=message):
        metric.update_state(y_true, y_pred, **kwargs)
    for name, value in zip(names, before):
        np.testing.assert_array_equal(getattr(metric, name), value)


def test_multi_label_needs_samples_by_labels():
    with pytest.raises(ValueError, match=r"shape \(samples, labels\)"):
        M.AUC(multi_label=True).update_state([0, 1, 1], [0.2, 0.9, 0.4])


# ----- (5) compile + fit -----------------------------------------------------------------------------

def test_compile_with_string_names_logs_the_metrics():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(96, 4)).astype(np.float32)
    y = (x[:, :1] - x[:, 1:2] + 0.5 * rng.normal(size=(96, 1)) > 0).astype(np.float32)
    model = gw.models.Sequential([gw.nn.Input((4,)), gw.nn.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=["AUC", "auc", "true_positives", M.PrecisionAtRecall(0.5), M.AUC(curve="PR", name="pr")])
    history = model.fit(x, y, epochs=2, batch_size=32, verbose=0, validation_data=(x, y))
    for key in ("AUC", "auc", "true_positives", "precision_at_recall", "pr", "val_AUC", "val_pr"):
        assert len(history.history[key]) == 2, key
    assert history.history["AUC"] == history.history["auc"]
    assert 0.0 <= history.history["val_auc"][-1] <= 1.0
    results = model.evaluate(x, y, verbose=0, return_dict=True)
    scores = model.predict(x, verbose=0)
    assert results["AUC"] == pytest.approx(M.AUC()(y, scores), rel=1e-12)
    assert results["pr"] == pytest.approx(M.AUC(curve="PR")(y, scores), rel=1e-12)
    assert results["true_positives"] == np.sum((scores.astype(np.float32) > 0.5) & (y == 1))
