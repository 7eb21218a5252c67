"""Keras 3's FBetaScore / F1Score and the IoU metrics (IoU, BinaryIoU, MeanIoU, OneHotIoU, OneHotMeanIoU):
the numbers in Keras's docstrings, scikit-learn's f1_score / fbeta_score / jaccard_score, NumPy
transcriptions of the documented formulas over weighted batches, configs, names, errors and a fit."""
import doctest

import numpy as np
import pytest

import gradwork as gw
from gradwork import metrics as M
from metric_configs import assert_config_round_trips

RNG = np.random.default_rng(11)
EPS = 1e-7  # Keras's backend.epsilon(), in the documented F-score and IoU denominators
DOC_TRUE = np.array([[1, 1, 1], [1, 0, 0], [1, 1, 0]])
DOC_PRED = np.array([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]])

# scikit-learn has no epsilon: each 1e-7 added to a denominator of at least 0.5 (the weights below are
# >= 0.5) moves a ratio by at most 2e-7 relatively; three such terms stay under 1e-6.
SK_TOL = 1e-6


def np_fbeta(y, p, w, beta, threshold, average):
    """The documented F-beta: counts per class (summed over classes for "micro"), epsilons included."""
    pred = (p > threshold) if threshold is not None else ((p >= p.max(-1, keepdims=True)) & (np.abs(p) > 1e-9))
    pred, w = pred.astype(float), w[:, None]
    axis = None if average == "micro" else 0
    tp, fp = (pred * y * w).sum(axis), (pred * (1 - y) * w).sum(axis)
    fn, support = ((1 - pred) * y * w).sum(axis), (y * w).sum(axis)
    precision, recall = tp / (tp + fp + EPS), tp / (tp + fn + EPS)
    f = (1 + beta ** 2) * precision * recall / (beta ** 2 * precision + recall + EPS)
    if average == "weighted":
        return np.sum(f * support / (support.sum() + EPS))
    return f if average is None else np.mean(f)


def np_iou(cm, targets):
    """Mean over the target classes with a nonzero denominator of TP / (TP + FP + FN)."""
    values = []
    for c in targets:
        denominator = cm[c, :].sum() + cm[:, c].sum() - cm[c, c]
        if denominator > 0:
            values.append(cm[c, c] / denominator)
    return float(np.mean(values)) if values else 0.0


def np_cm(y_true, y_pred, w, n):
    cm = np.zeros((n, n))
    for t, p, weight in zip(np.ravel(y_true), np.ravel(y_pred), np.ravel(w)):
        cm[t, p] += weight
    return cm


# ----- (1) the numbers in Keras's docstrings ------------------------------------------------------

def test_fscore_docstring_numbers():
    fbeta = M.FBetaScore(beta=2.0, threshold=0.5)
    fbeta.update_state(DOC_TRUE, DOC_PRED)
    np.testing.assert_allclose(fbeta.result(), [0.3846154, 0.90909094, 0.8333334], rtol=1e-6)
    f1 = M.F1Score(threshold=0.5)
    f1.update_state(DOC_TRUE, DOC_PRED)
    np.testing.assert_allclose(f1.result(), [0.5, 0.8, 0.6666667], rtol=1e-6)


def test_iou_docstring_numbers():
    iou = M.IoU(num_classes=2, target_class_ids=[0])
    iou.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    assert iou.result() == pytest.approx(0.33333334, rel=1e-6)
    iou.reset_state()
    iou.update_state([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=[0.3, 0.3, 0.3, 0.1])
    assert iou.result() == pytest.approx(0.33333334, rel=1e-6)
    binary = M.BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
    binary.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])
    assert binary.result() == pytest.approx(0.33333334, rel=1e-6)
    binary.reset_state()
    binary.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7], sample_weight=[0.2, 0.3, 0.4, 0.1])
    assert binary.result() == pytest.approx(0.17361112, rel=1e-6)
    mean = M.MeanIoU(num_classes=2)
    mean.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    assert mean.result() == pytest.approx(0.33333334, rel=1e-6)
    mean.reset_state()
    mean.update_state([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=[0.3, 0.3, 0.3, 0.1])
    assert mean.result() == pytest.approx(0.23809525, rel=1e-6)
    y_true = np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]])
    y_pred = np.array([[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]])
    one_hot = M.OneHotIoU(num_classes=3, target_class_ids=[0, 2])
    one_hot.update_state(y_true, y_pred, sample_weight=[0.1, 0.2, 0.3, 0.4])
    assert one_hot.result() == pytest.approx((0 + 0.1 / 0.7) / 2, rel=1e-6) and round(one_hot.result(), 3) == 0.071
    one_hot_mean = M.OneHotMeanIoU(num_classes=3)
    one_hot_mean.update_state(y_true, y_pred, sample_weight=[0.1, 0.2, 0.3, 0.4])
    assert round(one_hot_mean.result(), 3) == 0.048
    np.testing.assert_allclose(one_hot_mean.total_cm, [[0, 0, 0.6], [0.3, 0, 0], [0, 0, 0.1]], atol=1e-15)


def test_docstring_examples_hold():
    from gradwork.metrics import f_score, iou
    for module in (f_score, iou):
        result = doctest.testmod(module, extraglobs={"gw": gw, "np": np})
        assert result.failed == 0 and result.attempted > 0, module.__name__


# ----- (2) scikit-learn ------------------------------------------------------------------------------

@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
@pytest.mark.parametrize("threshold", [None, 0.4])
def test_fscore_equals_sklearn(average, threshold):
    sk = pytest.importorskip("sklearn.metrics")
    y = (RNG.random((80, 4)) < 0.4).astype(float)
    p = RNG.random((80, 4))
    w = RNG.uniform(0.5, 2.0, 80)
    binary = (p > threshold) if threshold is not None else (p == p.max(-1, keepdims=True))
    for beta in (1.0, 2.0, 0.5):
        m = M.FBetaScore(average=average, beta=beta, threshold=threshold)
        m.update_state(y, p, sample_weight=w)
        expected = sk.fbeta_score(y, binary.astype(int), beta=beta, average=average, sample_weight=w,
                                  zero_division=0)
        np.testing.assert_allclose(m.result(), expected, rtol=SK_TOL)
    f1 = M.F1Score(average=average, threshold=threshold)
    f1.update_state(y, p, sample_weight=w)
    np.testing.assert_allclose(f1.result(), sk.f1_score(y, binary.astype(int), average=average, sample_weight=w,
                                                        zero_division=0), rtol=SK_TOL)


def test_iou_equals_sklearn_jaccard():
    sk = pytest.importorskip("sklearn.metrics")
    y_true, y_pred = RNG.integers(0, 4, (30, 5, 5)), RNG.integers(0, 4, (30, 5, 5))
    w = RNG.uniform(0.5, 2.0, 30)  # one weight per image
    pixel_w = np.repeat(w, 25)
    per_class = sk.jaccard_score(y_true.ravel(), y_pred.ravel(), average=None, sample_weight=pixel_w)
    for c in range(4):
        m = M.IoU(num_classes=4, target_class_ids=[c])
        m.update_state(y_true, y_pred, sample_weight=w)
        assert m.result() == pytest.approx(per_class[c], rel=SK_TOL)
    mean = M.MeanIoU(num_classes=4)
    mean.update_state(y_true, y_pred, sample_weight=w)
    assert mean.result() == pytest.approx(sk.jaccard_score(y_true.ravel(), y_pred.ravel(), average="macro",
                                                            sample_weight=pixel_w), rel=SK_TOL)
    scores = RNG.random(200)
    labels = (RNG.random(200) < 0.5).astype(int)
    binary = M.BinaryIoU(target_class_ids=[1], threshold=0.6)
    binary.update_state(labels, scores)
    assert binary.result() == pytest.approx(sk.jaccard_score(labels, (scores >= 0.6).astype(int)), rel=SK_TOL)


# ----- (3) NumPy transcriptions, streaming, reset, configs ----------------------------------------

@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
def test_fscore_streams_as_the_formula(average):
    y = (RNG.random((60, 3)) < 0.5).astype(float)
    p, w = RNG.random((60, 3)), RNG.uniform(0.0, 2.0, 60)
    m = M.FBetaScore(average=average, beta=1.5, threshold=0.35)
    for part in np.array_split(np.arange(60), 4):
        m.update_state(y[part], p[part], sample_weight=w[part])
    np.testing.assert_allclose(m.result(), np_fbeta(y, p, w, 1.5, 0.35, average), rtol=1e-12)
    assert isinstance(m.result(), np.ndarray if average is None else float)
    m.reset_state()
    np.testing.assert_array_equal(m.result(), np.zeros(3) if average is None else 0.0)
    m.update_state(y, p)
    np.testing.assert_allclose(m.result(), np_fbeta(y, p, np.ones(60), 1.5, 0.35, average), rtol=1e-12)
    zero_rows = M.F1Score(average="micro")  # threshold None: an all-zero row predicts nothing
    zero_rows.update_state([[1, 0], [0, 1]], [[0.0, 0.0], [0.2, 0.7]])
    assert zero_rows.result() == pytest.approx(np_fbeta(np.array([[1, 0], [0, 1]]), np.array(
        [[0.0, 0.0], [0.2, 0.7]]), np.ones(2), 1.0, None, "micro"), rel=1e-12)


def test_iou_streams_as_the_formula_with_ignore_class_and_dense_inputs():
    n = 3
    y_true = RNG.integers(0, n, (20, 4, 4))
    y_true[RNG.random(y_true.shape) < 0.2] = 255  # the "void" label
    y_pred = RNG.integers(0, n, (20, 4, 4))
    w = RNG.uniform(0.0, 2.0, (20, 4, 4))
    m = M.IoU(num_classes=n, target_class_ids=[0, 2], ignore_class=255)
    dense = M.OneHotMeanIoU(num_classes=n, ignore_class=None, sparse_y_pred=True)
    valid = y_true != 255
    for part in np.array_split(np.arange(20), 3):
        m.update_state(y_true[part], y_pred[part], sample_weight=w[part])
        dense.update_state(np.eye(n)[np.where(valid, y_true, 0)[part]], y_pred[part], sample_weight=(w * valid)[part])
    cm = np_cm(np.where(valid, y_true, 0), y_pred, w * valid, n)
    np.testing.assert_allclose(m.total_cm, cm, rtol=1e-12)
    assert m.result() == pytest.approx(np_iou(cm, [0, 2]), rel=1e-6)
    assert dense.result() == pytest.approx(np_iou(cm, range(n)), rel=1e-6)
    channels_first = M.OneHotIoU(num_classes=n, target_class_ids=[1], axis=1)
    scores = RNG.random((6, n, 4))
    channels_first.update_state(np.eye(n)[y_pred[:6, 0]].transpose(0, 2, 1), scores)
    assert channels_first.result() == pytest.approx(np_iou(np_cm(y_pred[:6, 0], scores.argmax(1), np.ones(24), n),
                                                           [1]), rel=1e-6)
    m.reset_state()
    assert m.result() == 0.0 and not m.total_cm.any()


@pytest.mark.parametrize("metric", [
    M.FBetaScore(), M.FBetaScore(average="weighted", beta=0.5, threshold=0.3, name="fb"), M.F1Score(average="macro"),
    M.IoU(num_classes=4, target_class_ids=(1, 3), ignore_class=-1, sparse_y_pred=False),
    M.BinaryIoU(target_class_ids=[1], threshold=0.2), M.MeanIoU(num_classes=3, axis=1, name="miou"),
    M.OneHotIoU(num_classes=3, target_class_ids=[0]), M.OneHotMeanIoU(num_classes=5, ignore_class=0),
], ids=lambda m: type(m).__name__)
def test_config_round_trips(metric):
    assert_config_round_trips(metric)


def test_keras_configs_and_names():
    assert M.F1Score().get_config() == {"name": "f1_score", "dtype": None, "average": None, "threshold": None}
    assert M.FBetaScore().get_config() == {"name": "fbeta_score", "dtype": None, "average": None, "beta": 1.0,
                                           "threshold": None}
    assert M.BinaryIoU().get_config() == {"target_class_ids": [0, 1], "threshold": 0.5, "name": "binary_io_u",
                                          "dtype": None}
    assert M.MeanIoU(2).get_config() == {"name": "mean_io_u", "dtype": None, "num_classes": 2, "ignore_class": None,
                                         "sparse_y_true": True, "sparse_y_pred": True, "axis": -1}
    assert "sparse_y_true" not in M.OneHotIoU(2, [0]).get_config() and M.OneHotIoU(2, [0]).name == "one_hot_io_u"
    assert M.IoU(2, [0]).name == "io_u"
    for name, cls in [("f1_score", M.F1Score), ("F1Score", M.F1Score), ("f_beta_score", M.FBetaScore),
                      ("FBetaScore", M.FBetaScore), ("binary_io_u", M.BinaryIoU), ("BinaryIoU", M.BinaryIoU)]:
        metric = M.get(name)
        assert type(metric) is cls and metric.name == name


# ----- (4) clear errors, before any state changes -----------------------------------------------------

@pytest.mark.parametrize("build, message", [
    (lambda: M.FBetaScore(average="samples"), "invalid `average` 'samples'"),
    (lambda: M.FBetaScore(beta=0.0), "`beta` must be a float > 0"),
    (lambda: M.FBetaScore(beta="2"), "`beta` must be a float > 0"),
    (lambda: M.F1Score(threshold=0.0), r"0 < threshold <= 1"),
    (lambda: M.F1Score(threshold=1.5), r"0 < threshold <= 1"),
    (lambda: M.IoU(num_classes=2, target_class_ids=[2]), r"class ids in \[0, 2\), got \[2\]"),
    (lambda: M.IoU(num_classes=0, target_class_ids=[0]), "`num_classes` must be a positive integer"),
    (lambda: M.MeanIoU(num_classes=2.5), "`num_classes` must be a positive integer"),
    (lambda: M.BinaryIoU(target_class_ids=[0, 3]), r"class ids in \[0, 2\)"),
])
def test_bad_arguments_are_refused(build, message):
    with pytest.raises(ValueError, match=message):
        build()


@pytest.mark.parametrize("metric, good, y_true, y_pred, kwargs, message", [
    (M.F1Score(), (np.eye(3), np.eye(3)), np.eye(3)[:, :2], np.eye(3), {}, "of one shape"),
    (M.F1Score(), (np.eye(3), np.eye(3)), [1, 0], [0.2, 0.9], {}, r"\(batch_size, output_dim\)"),
    (M.F1Score(), (np.eye(3), np.eye(3)), np.eye(4), np.eye(4), {}, "earlier batches had 3"),
    (M.F1Score(), (np.eye(3), np.eye(3)), np.eye(3), np.eye(3), {"sample_weight": np.ones((3, 3))},
     r"sample_weight must have shape \(3,\)"),
    (M.IoU(2, [0]), ([0, 1], [1, 1]), [0, 1], [0, 2], {}, r"labels outside \[0, 2\): \[2\]"),
    (M.IoU(2, [0]), ([0, 1], [1, 1]), [0, 1, 1], [0, 1], {}, "different numbers of labels"),
    (M.MeanIoU(2), ([0, 1], [1, 1]), np.zeros((2, 3)), np.zeros((2, 3)), {"sample_weight": [1, 2, 3]},
     r"sample_weight of shape \(3,\) does not fit"),
], ids=lambda v: type(v).__name__ if isinstance(v, M.Metric) else None)
def test_bad_batches_are_refused_before_any_state_changes(metric, good, y_true, y_pred, kwargs, message):
    metric.update_state(*good)
    before = np.copy(metric.result())
    state = {k: np.copy(v) for k, v in vars(metric).items() if isinstance(v, np.ndarray)}
    with pytest.raises(ValueError, match=message):
        metric.update_state(y_true, y_pred, **kwargs)
    np.testing.assert_array_equal(metric.result(), before)
    for key, value in state.items():
        np.testing.assert_array_equal(getattr(metric, key), value)


# ----- (5) compile + fit -----------------------------------------------------------------------------

def test_compile_with_string_names_logs_fscore_and_iou():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(90, 4)).astype(np.float32)
    y = np.eye(3, dtype=np.float32)[np.argmax(x[:, :3] + 0.3 * rng.normal(size=(90, 3)), axis=1)]
    model = gw.models.Sequential([gw.nn.Input((4,)), gw.nn.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy",
                  metrics=["f1_score", M.F1Score(average="macro", name="macro_f1"),
                           M.OneHotMeanIoU(num_classes=3), "FBetaScore"])
    history = model.fit(x, y, epochs=2, batch_size=30, verbose=0, validation_data=(x, y))
    assert history.history["f1_score"][-1].shape == (3,)  # one score per class, as Keras logs it
    for key in ("macro_f1", "one_hot_mean_io_u", "FBetaScore", "val_macro_f1", "val_one_hot_mean_io_u"):
        assert len(history.history[key]) == 2, key
    results = model.evaluate(x, y, verbose=0, return_dict=True)
    scores = model.predict(x, verbose=0)
    assert results["macro_f1"] == pytest.approx(np_fbeta(y, scores, np.ones(90), 1.0, None, "macro"), rel=1e-9)
    assert results["one_hot_mean_io_u"] == pytest.approx(
        np_iou(np_cm(y.argmax(1), scores.argmax(1), np.ones(90), 3), range(3)), rel=1e-6)


def test_saved_model_keeps_its_confusion_metrics(tmp_path):
    x = np.random.default_rng(0).normal(size=(20, 4)).astype(np.float32)
    y = np.eye(3, dtype=np.float32)[np.arange(20) % 3]
    model = gw.models.Sequential([gw.nn.Input((4,)), gw.nn.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy",
                  metrics=["AUC", M.F1Score(average="macro"), M.OneHotIoU(3, [0, 2]),
                           M.AUC(thresholds=[0.2, 0.6], multi_label=True, label_weights=[1, 2, 3], name="ml_auc")])
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "model.gw")
    loaded = gw.models.load_model(tmp_path / "model.gw")
    before = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(before) == {"loss", "AUC", "f1_score", "one_hot_io_u", "ml_auc"}
    assert loaded.evaluate(x, y, verbose=0, return_dict=True) == before


def test_repeated_metric_names_are_made_unique_as_keras_logs_them():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(40, 4)).astype(np.float32)
    y = np.eye(3, dtype=np.float32)[np.arange(40) % 3]
    model = gw.models.Sequential([gw.nn.Input((4,)), gw.nn.Dense(3, activation="softmax")])
    mine = M.F1Score(average="macro")
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=[mine, "f1_score", "f1_score"])
    history = model.fit(x, y, epochs=1, verbose=0, validation_data=(x, y))
    assert list(history.history) == ["loss", "f1_score", "f1_score_1", "f1_score_2",
                                     "val_loss", "val_f1_score", "val_f1_score_1", "val_f1_score_2"]
    assert mine.name == "f1_score"  # the first keeps its name; the user's object is not renamed
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=[M.MeanSquaredError(name="loss")])
    logged = model.evaluate(x, y, verbose=0, return_dict=True)  # a metric never hides the loss in the logs
    assert list(logged) == ["loss", "loss_1"]
    assert logged["loss_1"] == pytest.approx(np.mean((model.predict(x, verbose=0) - y) ** 2), rel=1e-5)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=[mine, "f1_score", "f1_score"])
    results = model.evaluate(x, y, verbose=0, return_dict=True)
    scores = model.predict(x, verbose=0)
    assert results["f1_score"] == pytest.approx(np_fbeta(y, scores, np.ones(40), 1.0, None, "macro"), rel=1e-9)
    per_class = np_fbeta(y, scores, np.ones(40), 1.0, None, None)
    np.testing.assert_allclose(results["f1_score_1"], per_class, rtol=1e-9)
    np.testing.assert_allclose(results["f1_score_2"], per_class, rtol=1e-9)
