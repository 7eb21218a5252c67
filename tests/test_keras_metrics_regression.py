"""Keras 3's regression, correlation, loss-backed and sum metrics: Keras's docstring numbers, scikit-learn
and pure-Python formula transcriptions as oracles, streaming over batches, configs, errors, and fit logs."""
import doctest
import math
import statistics
import warnings

import numpy as np
import pytest

import gradwork as gw
from gradwork import metrics as M
from gradwork import nn
from metric_configs import assert_config_round_trips

# Keras prints its docstring results in float32 (about 7 significant digits): 1e-6 relative covers
# that rounding. The concordance numbers were printed without the 1e-7 that Keras's code (and ours)
# adds to the denominator, a relative difference of about 4e-7, also inside it.
KERAS_PRINTED = 1e-6

# (metric, y_true, y_pred, sample_weight, Keras's unweighted result, Keras's weighted result)
TWO_BY_TWO = ([[0, 1], [0, 0]], [[1, 1], [0, 0]])
SCORES = ([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
CLASSES = ([[0.05, 0.95, 0], [0.1, 0.8, 0.1]],)
DOCSTRING_CASES = [
    (M.RootMeanSquaredError(), *TWO_BY_TWO, [1, 0], 0.5, 0.70710677),
    (M.MeanAbsolutePercentageError(), *TWO_BY_TWO, [1, 0], 250000000.0, 500000000.0),
    (M.MeanSquaredLogarithmicError(), *TWO_BY_TWO, [1, 0], 0.12011322, 0.24022643),
    (M.LogCoshError(), *TWO_BY_TWO, [1, 0], 0.10844523, 0.21689045),
    (M.CosineSimilarity(axis=1), [[0., 1.], [1., 1.]], [[1., 0.], [1., 1.]], [0.3, 0.7], 0.49999997, 0.6999999),
    (M.Hinge(), *SCORES, [1, 0], 1.3, 1.1),
    (M.SquaredHinge(), *SCORES, [1, 0], 1.86, 1.46),
    (M.CategoricalHinge(), *SCORES, [1, 0], 1.4000001, 1.2),
    (M.KLDivergence(), *SCORES, [1, 0], 0.45814306, 0.9162892),
    (M.Poisson(), *TWO_BY_TWO, [1, 0], 0.49999997, 0.99999994),
    (M.BinaryCrossentropy(), *SCORES, [1, 0], 0.81492424, 0.9162905),
    (M.CategoricalCrossentropy(), [[0, 1, 0], [0, 0, 1]], *CLASSES, [0.3, 0.7], 1.1769392, 1.6271976),
    (M.SparseCategoricalCrossentropy(), [1, 2], *CLASSES, [0.3, 0.7], 1.1769392, 1.6271976),
    (M.SparseTopKCategoricalAccuracy(k=1), [2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], [0.7, 0.3], 0.5, 0.3),
]


@pytest.mark.parametrize("metric, y_true, y_pred, weight, plain, weighted", DOCSTRING_CASES,
                         ids=[f"{type(c[0]).__name__}-{i}" for i, c in enumerate(DOCSTRING_CASES)])
def test_keras_docstring_numbers(metric, y_true, y_pred, weight, plain, weighted):
    metric.update_state(y_true, y_pred)
    assert metric.result() == pytest.approx(plain, rel=KERAS_PRINTED)
    metric.reset_state()
    metric.update_state(y_true, y_pred, sample_weight=weight)
    assert metric.result() == pytest.approx(weighted, rel=KERAS_PRINTED)
    assert isinstance(metric.result(), float)


def test_ignore_class_counts_as_keras_metric_tests_say():
    """Keras's metric tests: an ignored sample is a 0 in the average without sample weights, and has
    weight 0 with them."""
    y_pred = [[0.8, 0.1, 0.1], [0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    plain = M.SparseCategoricalCrossentropy(ignore_class=0)([0, 1, 2], y_pred)
    assert plain == pytest.approx((-math.log(0.95) - math.log(0.1)) / 3, rel=1e-12)
    assert plain == pytest.approx(0.78462, abs=1e-5)             # Keras's test value, cut at 5 decimals
    weighted = M.SparseCategoricalCrossentropy(ignore_class=0)([0, 1, 2], y_pred, sample_weight=[0.5, 1.5, 2.0])
    assert weighted == pytest.approx((-1.5 * math.log(0.95) - 2.0 * math.log(0.1)) / 3.5, rel=1e-12)
    assert weighted == pytest.approx(1.33774646, rel=KERAS_PRINTED)


def test_keras_docstring_numbers_of_the_other_metrics():
    assert M.SparseTopKCategoricalAccuracy(k=1, from_sorted_ids=True)([2, 1], [[1, 0, 3], [1, 2, 3]]) == 0.5
    assert M.R2Score()([[1], [4], [3]], [[2], [4], [4]]) == pytest.approx(0.57142854, rel=KERAS_PRINTED)
    assert M.Sum()([1, 3, 5, 7]) == 16.0
    assert M.Sum()([1, 3, 5, 7], sample_weight=[1, 1, 0, 0]) == 4.0
    y_true, y_pred = [[0, 1, 0.5], [1, 1, 0.2]], [[0.1, 0.9, 0.5], [1, 0.9, 0.2]]
    np.testing.assert_allclose(M.pearson_correlation(y_true, y_pred), [1.0, 0.99339927], rtol=KERAS_PRINTED)
    np.testing.assert_allclose(M.concordance_correlation(y_true, y_pred), [0.97560976, 0.98765432],
                               rtol=KERAS_PRINTED)
    assert M.PearsonCorrelation()(y_true, y_pred) == pytest.approx(0.9966996338993913, rel=1e-12)
    assert M.ConcordanceCorrelation()(y_true, y_pred) == pytest.approx(0.9816320385426076, rel=KERAS_PRINTED)
    np.testing.assert_allclose(M.cosine_similarity([[0., 1.], [1., 1.], [1., 1.]], [[1., 0.], [1., 1.], [-1., -1.]]),
                               [0.0, 0.99999994, -0.99999994], rtol=KERAS_PRINTED)


def test_tensors_in_a_graph_are_read_as_values():
    logits = gw.tensor([[0.5, -1.0], [2.0, 0.0]], requires_grad=True)
    probabilities = logits.sigmoid()
    metric = M.BinaryCrossentropy()
    value = metric(gw.tensor([[1.0, 0.0], [1.0, 1.0]]), probabilities)
    assert value == pytest.approx(M.BinaryCrossentropy()([[1, 0], [1, 1]], probabilities.data.astype(np.float64)))
    assert logits.grad is None and isinstance(value, float)


def test_docstring_examples_hold():
    from gradwork.metrics import accuracy_metrics, functions, loss_metrics, mean, regression
    for module in (loss_metrics, regression, mean, accuracy_metrics, functions):
        result = doctest.testmod(module, extraglobs={"gw": gw, "np": np})
        assert result.failed == 0 and result.attempted > 0, module.__name__


# ----- scikit-learn and pure-Python oracles -------------------------------------------------------

def _regression_data(seed=0, n=40, d=3):
    rng = np.random.default_rng(seed)
    y_true = rng.normal(size=(n, d)) * [1.0, 3.0, 0.5][:d] + [0.0, 5.0, -2.0][:d]
    return y_true, y_true + rng.normal(scale=0.7, size=(n, d)), rng.uniform(0.1, 2.0, size=n)


def test_r2_score_matches_sklearn_weighted_and_per_output():
    metrics = pytest.importorskip("sklearn.metrics")
    y_true, y_pred, w = _regression_data()
    for aggregation, multioutput in [("uniform_average", "uniform_average"), (None, "raw_values"),
                                     ("variance_weighted_average", "variance_weighted")]:
        for weight in (None, w):
            expected = metrics.r2_score(y_true, y_pred, sample_weight=weight, multioutput=multioutput)
            got = M.R2Score(class_aggregation=aggregation)(y_true, y_pred, sample_weight=weight)
            np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_adjusted_r2_is_the_formula_over_weighted_samples():
    metrics = pytest.importorskip("sklearn.metrics")
    y_true, y_pred, w = _regression_data(d=1)
    w[:5] = 0.0                                   # samples of weight 0 are not counted in n
    r2 = metrics.r2_score(y_true, y_pred, sample_weight=w)
    n, p = len(y_true) - 5, 4
    got = M.R2Score(num_regressors=p)(y_true, y_pred, sample_weight=w)
    assert got == pytest.approx(1 - (1 - r2) * (n - 1) / (n - p - 1), rel=1e-12)
    for too_many in (n - 1, n):                   # Keras falls back to the plain score, with a warning
        with pytest.warns(UserWarning, match="plain R\\^2"):
            assert M.R2Score(num_regressors=too_many)(y_true, y_pred, sample_weight=w) == pytest.approx(r2)


def test_rmse_mse_and_mape_match_sklearn():
    metrics = pytest.importorskip("sklearn.metrics")
    y_true, y_pred, w = _regression_data()
    for weight in (None, w):
        mse = metrics.mean_squared_error(y_true, y_pred, sample_weight=weight)
        assert M.MeanSquaredError()(y_true, y_pred, sample_weight=weight) == pytest.approx(mse, rel=1e-12)
        assert M.RootMeanSquaredError()(y_true, y_pred, sample_weight=weight) == pytest.approx(
            math.sqrt(mse), rel=1e-12)
        # Keras reports percentages (x100) and divides by max(|y_true|, 1e-7): no |y_true| is that small here
        mape = metrics.mean_absolute_percentage_error(y_true, y_pred, sample_weight=weight)
        assert M.MeanAbsolutePercentageError()(y_true, y_pred, sample_weight=weight) == pytest.approx(
            100 * mape, rel=1e-12)
    assert M.MeanAbsolutePercentageError()([[0.0]], [[1e-3]]) == pytest.approx(100 * 1e-3 / 1e-7)


def test_rmse_takes_one_weight_per_value_as_keras():
    y_true, y_pred, _ = _regression_data()
    weights = np.random.default_rng(1).uniform(size=y_true.shape)
    expected = np.sum(weights * (y_true - y_pred) ** 2) / np.sum(weights)
    assert M.RootMeanSquaredError()(y_true, y_pred, sample_weight=weights) == pytest.approx(math.sqrt(expected))


def test_log_and_cross_entropy_metrics_match_sklearn():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(2)
    counts, rates, w = rng.uniform(0, 5, size=(30, 2)), rng.uniform(0.1, 5, size=(30, 2)), rng.uniform(size=30)
    assert M.MeanSquaredLogarithmicError()(counts, rates, sample_weight=w) == pytest.approx(
        metrics.mean_squared_log_error(counts, rates, sample_weight=w), rel=1e-12)
    labels = rng.integers(0, 2, size=(30, 1))
    probabilities = rng.uniform(0.05, 0.95, size=(30, 1))
    assert M.BinaryCrossentropy()(labels, probabilities, sample_weight=w) == pytest.approx(
        metrics.log_loss(labels, probabilities, sample_weight=w), rel=1e-12)
    logits = rng.normal(size=(30, 4))
    softmax = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    classes = rng.integers(0, 4, size=30)
    expected = metrics.log_loss(classes, softmax, sample_weight=w, labels=range(4))
    assert M.SparseCategoricalCrossentropy()(classes, softmax, sample_weight=w) == pytest.approx(expected, rel=1e-9)
    assert M.SparseCategoricalCrossentropy(from_logits=True)(classes, logits, sample_weight=w) == pytest.approx(
        expected, rel=1e-9)
    assert M.CategoricalCrossentropy()(np.eye(4)[classes], softmax, sample_weight=w) == pytest.approx(
        expected, rel=1e-9)
    pairwise = pytest.importorskip("sklearn.metrics.pairwise")
    cosines = np.diag(pairwise.cosine_similarity(logits, softmax))
    assert M.CosineSimilarity()(logits, softmax, sample_weight=w) == pytest.approx(np.average(cosines, weights=w))


def _pearson_by_hand(t, p):
    return statistics.correlation(t, p)


def _concordance_by_hand(t, p):
    n = len(t)
    covariance = statistics.covariance(t, p) * (n - 1) / n
    spread = statistics.pvariance(t) + statistics.pvariance(p) + (statistics.fmean(t) - statistics.fmean(p)) ** 2
    return 2 * covariance / (spread + 1e-7)


@pytest.mark.parametrize("cls, fn, by_hand", [
    (M.PearsonCorrelation, M.pearson_correlation, _pearson_by_hand),
    (M.ConcordanceCorrelation, M.concordance_correlation, _concordance_by_hand),
])
def test_correlations_match_pure_python_transcriptions(cls, fn, by_hand):
    y_true, y_pred, w = _regression_data(n=12, d=3)
    y_pred[3] = -y_pred[3]
    rows = [by_hand(list(t), list(p)) for t, p in zip(y_true, y_pred)]
    assert cls()(y_true, y_pred, sample_weight=w) == pytest.approx(sum(r * x for r, x in zip(rows, w)) / sum(w),
                                                                   rel=1e-12)
    columns = [by_hand(list(t), list(p)) for t, p in zip(y_true.T, y_pred.T)]
    np.testing.assert_allclose(fn(y_true, y_pred, axis=0), columns, rtol=1e-12)
    flat = by_hand(list(y_true.ravel()), list(y_pred.ravel()))     # one sample of 12 x 3 values
    assert cls(axis=(1, 2))(y_true[None], y_pred[None]) == pytest.approx(flat, rel=1e-12)


# ----- streaming, reset and configs ----------------------------------------------------------------

def _rng_cases():
    rng = np.random.default_rng(3)
    real, other, positive = rng.normal(size=(24, 3)), rng.normal(size=(24, 3)), rng.uniform(0.1, 3, (24, 3))
    onehot = np.eye(3)[rng.integers(0, 3, 24)]
    probs = rng.dirichlet(np.ones(3), size=24)
    signs = rng.choice([-1.0, 1.0], size=(24, 3))
    return [
        (M.RootMeanSquaredError(), real, other), (M.MeanAbsolutePercentageError(), real, other),
        (M.MeanSquaredLogarithmicError(), positive, positive[::-1]), (M.LogCoshError(), real, other),
        (M.CosineSimilarity(), real, other), (M.KLDivergence(), probs, probs[::-1]),
        (M.Poisson(), positive, positive[::-1]), (M.Hinge(), signs, real), (M.SquaredHinge(), signs, real),
        (M.CategoricalHinge(), onehot, real), (M.BinaryCrossentropy(label_smoothing=0.1), onehot, probs),
        (M.CategoricalCrossentropy(from_logits=True), onehot, real),
        (M.SparseCategoricalCrossentropy(), onehot.argmax(1), probs), (M.R2Score(), real, other),
        (M.R2Score(class_aggregation=None, num_regressors=2), real, real + other / 3),
        (M.PearsonCorrelation(), real, other), (M.ConcordanceCorrelation(), real, other),
        (M.SparseTopKCategoricalAccuracy(k=2), onehot.argmax(1), real),
        (M.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True), onehot.argmax(1), np.argsort(-real, 1)),
    ]


STREAM_CASES = _rng_cases()


@pytest.mark.parametrize("metric, y_true, y_pred", STREAM_CASES, ids=[type(c[0]).__name__ for c in STREAM_CASES])
def test_batches_with_weights_equal_one_batch_and_reset_clears(metric, y_true, y_pred):
    w = np.random.default_rng(4).uniform(0, 2, size=len(y_true))
    whole = type(metric).from_config(metric.get_config())
    whole.update_state(y_true, y_pred, sample_weight=w)
    for start, stop in [(0, 5), (5, 6), (6, 17), (17, 24)]:
        metric.update_state(y_true[start:stop], y_pred[start:stop], sample_weight=w[start:stop])
    np.testing.assert_allclose(metric.result(), whole.result(), rtol=1e-12)
    metric.reset_state()
    assert metric.result() == 0.0
    fresh = type(metric).from_config(metric.get_config())
    metric.update_state(y_true[:9], y_pred[:9])
    fresh.update_state(y_true[:9], y_pred[:9])
    assert metric.result() == fresh.result()


def test_sparse_top_k_from_sorted_ids_agrees_with_scores():
    rng = np.random.default_rng(5)
    scores, labels = rng.normal(size=(50, 7)), rng.integers(0, 7, 50)
    for k in (1, 3, 7, 9):
        by_ids = M.sparse_top_k_categorical_accuracy(labels, np.argsort(-scores, axis=1), k=k, from_sorted_ids=True)
        np.testing.assert_array_equal(by_ids, M.sparse_top_k_categorical_accuracy(labels, scores, k=k))
    ids = np.array([[101, 7, 7], [5, 6, 42]])       # any ids, fewer than k given, a repeat counts once
    assert M.sparse_top_k_categorical_accuracy([7, 42], ids, k=5, from_sorted_ids=True).tolist() == [1.0, 1.0]


CONFIG_CASES = [
    M.RootMeanSquaredError(name="rmse"), M.MeanAbsolutePercentageError(), M.MeanSquaredLogarithmicError(),
    M.LogCoshError(), M.CosineSimilarity(axis=0), M.KLDivergence(), M.Poisson(), M.Hinge(), M.SquaredHinge(),
    M.CategoricalHinge(), M.BinaryCrossentropy(from_logits=True, label_smoothing=0.2),
    M.CategoricalCrossentropy(label_smoothing=0.1, axis=1), M.SparseCategoricalCrossentropy(ignore_class=3),
    M.R2Score(class_aggregation="variance_weighted_average", num_regressors=2), M.PearsonCorrelation(axis=(0, 1)),
    M.ConcordanceCorrelation(axis=0), M.Sum(name="total"), M.SparseTopKCategoricalAccuracy(k=3, from_sorted_ids=True),
]


@pytest.mark.parametrize("metric", CONFIG_CASES, ids=lambda m: type(m).__name__)
def test_config_round_trips(metric):
    assert_config_round_trips(metric)


def test_configs_hold_keras_arguments():
    assert M.R2Score().get_config() == {"name": "r2_score", "dtype": None, "class_aggregation": "uniform_average",
                                        "num_regressors": 0}
    assert M.BinaryCrossentropy().get_config() == {"name": "binary_crossentropy", "dtype": None,
                                                   "from_logits": False, "label_smoothing": 0.0}
    assert M.SparseCategoricalCrossentropy().get_config() == {
        "name": "sparse_categorical_crossentropy", "dtype": None, "from_logits": False, "ignore_class": None,
        "axis": -1}
    assert M.SparseTopKCategoricalAccuracy().get_config() == {
        "name": "sparse_top_k_categorical_accuracy", "dtype": None, "k": 5}          # as Keras: no default
    assert M.SparseTopKCategoricalAccuracy(from_sorted_ids=True).get_config()["from_sorted_ids"] is True
    assert M.LogCoshError().name == "logcosh" and M.KLDivergence().name == "kl_divergence"


@pytest.mark.parametrize("name, cls", [
    ("root_mean_squared_error", M.RootMeanSquaredError), ("RootMeanSquaredError", M.RootMeanSquaredError),
    ("mape", M.MeanAbsolutePercentageError), ("MAPE", M.MeanAbsolutePercentageError),
    ("mean_absolute_percentage_error", M.MeanAbsolutePercentageError), ("msle", M.MeanSquaredLogarithmicError),
    ("MSLE", M.MeanSquaredLogarithmicError), ("mean_squared_logarithmic_error", M.MeanSquaredLogarithmicError),
    ("logcosh", M.LogCoshError), ("log_cosh_error", M.LogCoshError), ("cosine_similarity", M.CosineSimilarity),
    ("kld", M.KLDivergence), ("kl_divergence", M.KLDivergence), ("poisson", M.Poisson), ("hinge", M.Hinge),
    ("squared_hinge", M.SquaredHinge), ("categorical_hinge", M.CategoricalHinge),
    ("binary_crossentropy", M.BinaryCrossentropy), ("bce", M.BinaryCrossentropy),
    ("categorical_crossentropy", M.CategoricalCrossentropy),
    ("sparse_categorical_crossentropy", M.SparseCategoricalCrossentropy), ("r2_score", M.R2Score),
    ("pearson_correlation", M.PearsonCorrelation), ("concordance_correlation", M.ConcordanceCorrelation),
    ("sum", M.Sum),
])
def test_string_names(name, cls):
    metric = M.get(name)
    assert type(metric) is cls and metric.name == name


# ----- errors, raised before any state changes ------------------------------------------------------

@pytest.mark.parametrize("make, match", [
    (lambda: M.R2Score(class_aggregation="bad"), "class_aggregation must be one of"),
    (lambda: M.R2Score(num_regressors=-1), "num_regressors must be an integer >= 0, got -1"),
    (lambda: M.R2Score(num_regressors=1.5), "num_regressors"),
    (lambda: M.SparseTopKCategoricalAccuracy(k=0), "sparse_top_k_categorical_accuracy: k must be an integer >= 1"),
    (lambda: M.SparseTopKCategoricalAccuracy(k=2.0), "k must be an integer"),
    (lambda: M.TopKCategoricalAccuracy(k=-1), "k must be an integer >= 1, got -1"),
    (lambda: M.BinaryCrossentropy(label_smoothing=1.5), "label_smoothing must be a number in \\[0, 1\\]"),
    (lambda: M.CategoricalCrossentropy(label_smoothing=-0.1), "label_smoothing"),
])
def test_bad_arguments_raise_clearly(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_an_axis_out_of_range_is_named():
    for fn in (M.pearson_correlation, M.concordance_correlation):
        with pytest.raises(ValueError, match="axis 2 is out of range for y_pred of shape \\(3, 2\\)"):
            fn(np.ones((3, 2)), np.ones((3, 2)), axis=2)
        with pytest.raises(ValueError, match="axis \\(0, -3\\) is out of range"):
            fn(np.ones((3, 2)), np.ones((3, 2)), axis=(0, -3))


@pytest.mark.parametrize("metric, args, match", [
    (M.R2Score(), (np.ones((2, 2, 2)), np.ones((2, 2, 2))), "shape \\(batch, outputs\\)"),
    (M.R2Score(), (np.ones((3, 2)), np.ones((3, 4))), "y_true must have y_pred's shape"),
    (M.R2Score(), (np.ones((3, 4)), np.ones((3, 4))), "earlier batches had 2 outputs"),
    (M.R2Score(), (np.ones((3, 2)), np.ones((3, 2)), np.ones(4)), "sample_weight of shape \\(4,\\)"),
    (M.RootMeanSquaredError(), (np.ones((3, 2)), np.ones((3, 4))), "root_mean_squared_error"),
    (M.SparseCategoricalCrossentropy(), ([0, 5], np.full((2, 3), 1 / 3)), "label 5 is out of range"),
    (M.PearsonCorrelation(), (np.ones((3, 2)), np.ones((3, 4))), "pearson_correlation"),
    (M.ConcordanceCorrelation(axis=(0, 1)), (np.ones((3, 2)), np.ones((3, 2, 1, 1))), "concordance_correlation"),
    (M.SparseTopKCategoricalAccuracy(), ([0, 9], np.ones((2, 3))), "labels must lie in \\[0, 2\\]"),
    (M.Hinge(), (np.ones((3, 2)), np.ones((3, 4))), "hinge"),
])
def test_bad_batches_raise_before_the_state_changes(metric, args, match):
    y_true, y_pred = np.array([[0.0, 1.0], [2.0, 3.5], [1.0, 2.0]]), np.array([[0.5, 1.0], [2.0, 3.0], [0.0, 1.0]])
    if isinstance(metric, M.SparseCategoricalCrossentropy | M.SparseTopKCategoricalAccuracy):
        y_true, y_pred = [0, 1, 1], np.array([[0.5, 0.3, 0.2], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]])
    metric.update_state(y_true, y_pred)
    before = metric.result()
    with pytest.raises(ValueError, match=match):
        metric.update_state(*args)
    assert metric.result() == before
    metric.update_state(y_true, y_pred)                        # and the metric still works
    twice = type(metric).from_config(metric.get_config())
    twice.update_state(y_true, y_pred)
    twice.update_state(y_true, y_pred)
    np.testing.assert_allclose(metric.result(), twice.result(), rtol=1e-12)


# ----- in compile and fit --------------------------------------------------------------------------

LOGGED = ["binary_crossentropy", "root_mean_squared_error", "r2_score", "mape", "kld", "logcosh",
          "pearson_correlation", "concordance_correlation", "hinge", M.CosineSimilarity(name="cos")]


def _fit_setup():
    gw.random.seed(0)
    rng = np.random.default_rng(6)
    x = rng.normal(size=(48, 3)).astype(np.float32)
    y = 1 / (1 + np.exp(-x - 0.3 * rng.normal(size=(48, 3)))).astype(np.float32)   # soft targets in (0, 1)
    model = gw.Sequential([nn.Input(shape=(3,)), nn.Dense(3, activation="sigmoid")])
    model.compile(gw.optimizers.SGD(0.1), "binary_crossentropy", metrics=list(LOGGED))
    return model, x, y


def _separately(y, y_pred, sample_weight=None):
    values = {}
    for identifier in LOGGED:
        metric = M.get(identifier) if isinstance(identifier, str) else M.deserialize(M.serialize(identifier))
        metric.update_state(y, y_pred, sample_weight=sample_weight)
        values[metric.name] = metric.result()
    return values


def test_fit_and_evaluate_log_what_a_separate_evaluation_gives():
    model, x, y = _fit_setup()
    w = np.arange(len(x)) % 4 / 2 + 0.25                     # exact in float32, as fit may hold them
    before = model.predict(x, batch_size=len(x), verbose=0)     # the batches fit and evaluate see
    history = model.fit(x, y, batch_size=len(x), epochs=1, shuffle=False, sample_weight=w, verbose=0,
                        validation_data=(x, y))
    names = ["binary_crossentropy", "root_mean_squared_error", "r2_score", "mape", "kld", "logcosh",
             "pearson_correlation", "concordance_correlation", "hinge", "cos"]
    assert model.metrics_names == ["loss"] + names
    assert set(history.history) == {"loss", *names} | {f"val_{n}" for n in ["loss", *names]}
    logged = {n: history.history[n][0] for n in names}      # one batch: the predictions before the step
    expected = _separately(y, before, sample_weight=w)
    np.testing.assert_allclose([logged[n] for n in names], [expected[n] for n in names], rtol=1e-12)
    expected = _separately(y, model.predict(x, batch_size=32, verbose=0))
    np.testing.assert_allclose([history.history[f"val_{n}"][0] for n in names], [expected[n] for n in names],
                               rtol=1e-12)
    expected = _separately(y, model.predict(x, batch_size=7, verbose=0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = model.evaluate(x, y, batch_size=7, return_dict=True, verbose=0)   # 7 batches, streamed
    np.testing.assert_allclose([results[n] for n in names], [expected[n] for n in names], rtol=1e-12)
    assert all(np.isfinite(list(results.values())))


def test_early_stopping_maximizes_the_similarity_and_correlation_metrics():
    for name in ("val_pearson_correlation", "concordance_correlation", "cosine_similarity", "r2_score"):
        assert gw.callbacks.EarlyStopping(monitor=name).mode == "max", name
    assert gw.callbacks.EarlyStopping(monitor="val_root_mean_squared_error").mode == "min"
