"""Metrics against hand-computed values, with sample weights, running state and Keras's lookup rules."""
import numpy as np
import pytest

import gradwork as gw
from gradwork import losses as L
from gradwork import metrics as M
from metric_configs import assert_config_round_trips

# ----- Keras's documented examples ----------------------------------------------------------------

CASES = [
    (M.Accuracy(), [[1], [2], [3], [4]], [[0], [2], [3], [4]], [1, 1, 0, 0], 0.75, 0.5),
    (M.BinaryAccuracy(), [[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], [1, 0, 0, 1], 0.75, 0.5),
    (M.CategoricalAccuracy(), [[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], [0.7, 0.3],
     0.5, 0.3),
    (M.SparseCategoricalAccuracy(), [[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]], [0.7, 0.3], 0.5, 0.3),
    (M.TopKCategoricalAccuracy(k=1), [[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], [0.7, 0.3],
     0.5, 0.3),
    (M.SparseTopKCategoricalAccuracy(k=1), [2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], [0.7, 0.3], 0.5, 0.3),
]


@pytest.mark.parametrize("metric, y_true, y_pred, weight, plain, weighted", CASES,
                         ids=[type(c[0]).__name__ for c in CASES])
def test_keras_examples(metric, y_true, y_pred, weight, plain, weighted):
    metric.update_state(y_true, y_pred)
    assert metric.result() == pytest.approx(plain)
    metric.reset_state()
    metric.update_state(y_true, y_pred, sample_weight=weight)
    assert metric.result() == pytest.approx(weighted)
    assert isinstance(metric.result(), float)


def test_running_over_batches_and_reset():
    m = M.SparseCategoricalAccuracy()
    m.update_state([0, 1], [[0.9, 0.1], [0.8, 0.2]])             # 1 of 2
    m.update_state([1, 1, 1], [[0.1, 0.9], [0.3, 0.7], [0.6, 0.4]])  # 2 of 3
    assert m.result() == pytest.approx(3 / 5)
    m.update_state([0], [[0.2, 0.8]], sample_weight=[5.0])        # 0 of weight 5
    assert m.result() == pytest.approx(3 / 10)
    m.reset_state()
    assert m.result() == 0.0


def test_tensors_are_accepted():
    m = M.CategoricalAccuracy()
    logits = gw.tensor([[2.0, 1.0], [0.0, 3.0]], requires_grad=True)
    m.update_state(gw.tensor([[1.0, 0.0], [1.0, 0.0]]), logits * 2)
    assert m.result() == 0.5


def test_sparse_accuracy_with_sequence_outputs():
    y_pred = np.zeros((2, 3, 4))
    y_pred[..., 1] = 1.0
    y_true = np.array([[1, 1, 0], [1, 2, 3]])  # 3 of 6 right
    assert M.sparse_categorical_accuracy(y_true, y_pred).tolist() == [[1, 1, 0], [1, 0, 0]]
    m = M.SparseCategoricalAccuracy()
    m.update_state(y_true, y_pred, sample_weight=[1.0, 2.0])  # per-sample means 2/3 and 1/3
    assert m.result() == pytest.approx((2 / 3 + 2 * 1 / 3) / 3)


def test_binary_accuracy_threshold_and_multilabel():
    y_true = [[1, 0, 1], [0, 0, 1]]
    y_pred = [[0.7, 0.2, 0.4], [0.1, 0.6, 0.9]]
    np.testing.assert_allclose(M.binary_accuracy(y_true, y_pred), [2 / 3, 2 / 3])
    np.testing.assert_allclose(M.binary_accuracy(y_true, y_pred, threshold=0.3), [1.0, 2 / 3])
    m = M.BinaryAccuracy(threshold=0.3)
    m.update_state(y_true, y_pred, sample_weight=[3, 1])
    assert m.result() == pytest.approx((3 * 1.0 + 2 / 3) / 4)


def test_top_k_hand_values_and_ties():
    y_pred = [[0.1, 0.5, 0.3, 0.05], [0.4, 0.3, 0.2, 0.1], [0.25, 0.25, 0.25, 0.25]]
    labels = [2, 3, 1]
    # row 3 ties at the boundary: it counts as in
    assert M.sparse_top_k_categorical_accuracy(labels, y_pred, k=2).tolist() == [1, 0, 1]
    assert M.sparse_top_k_categorical_accuracy(labels, y_pred, k=1).tolist() == [0, 0, 1]
    assert M.top_k_categorical_accuracy(np.eye(4)[labels], y_pred, k=3).tolist() == [1, 0, 1]
    assert M.sparse_top_k_categorical_accuracy(labels, y_pred, k=4).tolist() == [1, 1, 1]
    m = M.SparseTopKCategoricalAccuracy()  # k = 5 >= classes: everything is in
    m.update_state(labels, y_pred)
    assert m.result() == 1.0


def test_mean_squared_and_absolute_error():
    y_true = np.array([[0.0, 1.0], [0.0, 0.0], [2.0, 2.0]])
    y_pred = np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 2.0]])
    np.testing.assert_allclose(M.mean_squared_error(y_true, y_pred), [0.5, 0.5, 2.0])
    np.testing.assert_allclose(M.mean_absolute_error(y_true, y_pred), [0.5, 0.5, 1.0])
    m = M.MeanSquaredError()
    m.update_state(y_true, y_pred, sample_weight=[1, 0, 3])
    assert m.result() == pytest.approx((0.5 + 3 * 2.0) / 4)
    m.update_state([[1.0]], [[3.0]])  # per-sample 4, weight 1
    assert m.result() == pytest.approx((0.5 + 6 + 4) / 5)
    mae = M.MeanAbsoluteError()
    mae.update_state(y_true, y_pred)
    assert mae.result() == pytest.approx(2 / 3)


def test_mean_running_value():
    m = M.Mean()
    m.update_state([1.0, 2.0, 3.0])
    assert m.result() == 2.0
    m.update_state(4.0, sample_weight=2.0)  # a scalar counts once, with its weight
    assert m.result() == pytest.approx((6 + 8) / 5)
    m.update_state(np.array([[1.0, 3.0], [5.0, 7.0]]))  # per-row means 2 and 6
    assert m.result() == pytest.approx((6 + 8 + 8) / 7)
    assert m.name == "mean" and M.Mean(name="loss").name == "loss"


def test_precision_recall_hand_values():
    y_true, y_pred = [0, 1, 1, 1], [1, 0, 1, 1]
    p, r = M.Precision(), M.Recall()
    p.update_state(y_true, y_pred)
    r.update_state(y_true, y_pred)
    assert p.result() == pytest.approx(2 / 3) and r.result() == pytest.approx(2 / 3)
    p.reset_state()
    r.reset_state()
    p.update_state(y_true, y_pred, sample_weight=[0, 0, 1, 0])
    r.update_state(y_true, y_pred, sample_weight=[0, 0, 1, 0])
    assert p.result() == 1.0 and r.result() == 1.0


def test_precision_recall_weighted_counts_and_threshold():
    y_true = np.array([1, 0, 1, 0, 1])
    y_pred = np.array([0.9, 0.6, 0.4, 0.2, 0.55])
    w = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    # predicted positive (> 0.5): items 0, 1, 4 -> TP weight 1 + 5, FP weight 2; FN: item 2, weight 3
    p = M.Precision()
    p.update_state(y_true, y_pred, sample_weight=w)
    assert p.result() == pytest.approx(6 / 8)
    r = M.Recall()
    r.update_state(y_true[:, None], y_pred[:, None], sample_weight=w)
    assert r.result() == pytest.approx(6 / 9)
    strict = M.Precision(thresholds=0.58)  # now only items 0 and 1
    strict.update_state(y_true, y_pred)
    assert strict.result() == 0.5
    many = M.Recall(thresholds=[0.3, 0.7])
    many.update_state(y_true, y_pred)
    assert many.result() == pytest.approx([1.0, 1 / 3])


def test_precision_without_positive_predictions_is_zero():
    p = M.Precision()
    p.update_state([1, 1], [0.1, 0.2])
    assert p.result() == 0.0


def test_precision_top_k_and_class_id():
    p = M.Precision(top_k=2)
    p.update_state([0, 0, 1, 1], [1, 1, 1, 1])  # ties: the first two are the top 2
    assert p.result() == 0.0
    p.update_state([[0, 0, 1, 1]], [[0.2, 0.1, 0.9, 0.8]])
    assert p.result() == pytest.approx(2 / 4)
    r = M.Recall(class_id=1)
    r.update_state([[0, 1], [0, 1], [1, 0]], [[0.3, 0.7], [0.6, 0.4], [0.2, 0.8]])
    assert r.result() == 0.5


# ----- lookup ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("loss, cls", [
    ("sparse_categorical_crossentropy", M.SparseCategoricalAccuracy),
    (L.SparseCategoricalCrossentropy(from_logits=True), M.SparseCategoricalAccuracy),
    ("categorical_crossentropy", M.CategoricalAccuracy),
    (L.categorical_crossentropy, M.CategoricalAccuracy),
    ("binary_crossentropy", M.BinaryAccuracy),
    (L.BinaryCrossentropy, M.BinaryAccuracy),
])
def test_accuracy_resolved_from_the_loss(loss, cls):
    for name in ("accuracy", "acc"):
        metric = M.get(name, loss=loss)
        assert type(metric) is cls and metric.name == name


def test_binary_accuracy_after_logit_loss_thresholds_at_zero():
    metric = M.get("accuracy", loss=L.BinaryCrossentropy(from_logits=True))
    # logits: 0.3 > 0 is right, -0.2 is right, -1.0 is wrong
    metric.update_state([[1], [0], [1]], [[0.3], [-0.2], [-1.0]])
    assert metric.result() == pytest.approx(2 / 3)
    assert M.get("accuracy", loss="binary_crossentropy").threshold == 0.5


@pytest.mark.parametrize("y_true, y_pred, cls", [
    (np.array([0, 2]), np.full((2, 3), 1 / 3), M.SparseCategoricalAccuracy),
    (np.array([[0], [2]]), np.full((2, 3), 1 / 3), M.SparseCategoricalAccuracy),
    (np.eye(3)[[0, 2]], np.full((2, 3), 1 / 3), M.CategoricalAccuracy),
    (np.array([[0], [1]]), np.array([[0.2], [0.9]]), M.BinaryAccuracy),
])
def test_accuracy_resolved_from_shapes(y_true, y_pred, cls):
    metric = M.get("accuracy", loss="mse")  # the loss does not say: the first batch decides
    metric.update_state(y_true, y_pred)
    assert type(metric._metric) is cls and metric.name == "accuracy"
    expected = cls()
    expected.update_state(y_true, y_pred)
    assert metric.result() == expected.result()
    assert type(M.get("acc", output_shape=y_pred.shape, target_shape=y_true.shape)) is cls


def test_get_by_name_keeps_the_users_string():
    for name, cls in [("mse", M.MeanSquaredError), ("mean_squared_error", M.MeanSquaredError),
                      ("mae", M.MeanAbsoluteError), ("precision", M.Precision), ("recall", M.Recall),
                      ("top_k_categorical_accuracy", M.TopKCategoricalAccuracy),
                      ("sparse_categorical_accuracy", M.SparseCategoricalAccuracy),
                      ("BinaryAccuracy", M.BinaryAccuracy)]:
        metric = M.get(name)
        assert type(metric) is cls and metric.name == name


def test_get_other_identifiers_and_errors():
    assert M.get(None) is None
    inst = M.Recall()
    assert M.get(inst) is inst
    assert type(M.get(M.Precision)) is M.Precision

    def half_hits(y_true, y_pred):
        return np.full(len(y_true), 0.5)

    custom = M.get(half_hits)
    custom.update_state([1, 2], [1, 2])
    assert custom.name == "half_hits" and custom.result() == 0.5
    with pytest.raises(ValueError, match="precision") as info:
        M.get("precisoin")
    assert "sparse_categorical_accuracy" in str(info.value)
    with pytest.raises(ValueError, match=r"\(3,\)"):
        M.SparseCategoricalAccuracy().update_state([0, 1, 2], np.zeros((2, 3)))


@pytest.mark.parametrize("metric", [
    M.BinaryAccuracy(threshold=0.3, name="b"), M.TopKCategoricalAccuracy(k=2),
    M.Precision(thresholds=0.7, class_id=1),
    M.Recall(top_k=3), M.Mean(name="loss"), M.MeanMetricWrapper(M.sparse_categorical_accuracy, name="acc"),
], ids=lambda m: type(m).__name__)
def test_serialize_round_trip(metric):
    assert_config_round_trips(metric)
