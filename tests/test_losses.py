"""Keras losses: forward and gradient against PyTorch in float64, Keras's clipping by hand, the
softmax/sigmoid-logits shortcut, reductions, sample weights, lookup and errors."""

import re
import warnings

import numpy as np
import pytest

import gradwork as gw
from gradwork import activations
from gradwork import losses as L
from gradwork.nn import functional as F

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone
tF = torch.nn.functional

RNG = np.random.default_rng(0)
EPS = 1e-7


def gw_eval(loss, y_true, pred, **kwargs):
    """(value, d value / d pred) with gradwork; non-scalar outputs are weighted by a fixed cotangent."""
    x = gw.tensor(pred, requires_grad=True)
    out = loss(y_true, x, **kwargs)
    v = np.random.default_rng(1).standard_normal(out.shape)
    (out * v).sum().backward() if out.ndim else out.backward()
    return out.data, x.grad.data


def torch_eval(fn, pred):
    x = torch.tensor(pred, requires_grad=True)
    out = fn(x)
    v = torch.tensor(np.random.default_rng(1).standard_normal(tuple(out.shape)))
    (out * v).sum().backward() if out.ndim else out.backward()
    return out.detach().numpy(), x.grad.numpy()


def assert_same(ours, theirs, rtol=1e-10, atol=1e-12):
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def torch_reduce(per_sample, reduction, weight=None):
    if weight is not None:
        per_sample = per_sample * torch.tensor(weight)
    if reduction == "sum_over_batch_size":
        return per_sample.sum() / per_sample.numel()
    if reduction == "sum":
        return per_sample.sum()
    return per_sample


PRED = RNG.standard_normal((6, 4))
TARGET = RNG.standard_normal((6, 4))
REDUCTIONS = ["sum_over_batch_size", "sum", None]


# ----- regression losses --------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    "cls, torch_fn",
    [
        (L.MeanSquaredError, lambda x, t: tF.mse_loss(x, t, reduction="none")),
        (L.MeanAbsoluteError, lambda x, t: tF.l1_loss(x, t, reduction="none")),
        (L.Huber, lambda x, t: tF.huber_loss(x, t, reduction="none", delta=1.0)),
    ],
)
def test_regression_losses_vs_torch(cls, torch_fn, reduction):
    t = torch.tensor(TARGET)
    ours = gw_eval(cls(reduction=reduction), TARGET, PRED)
    theirs = torch_eval(lambda x: torch_reduce(torch_fn(x, t).mean(-1), reduction), PRED)
    assert ours[0].shape == ((6,) if reduction is None else ())
    assert_same(ours, theirs)


def test_huber_delta_vs_torch():
    t = torch.tensor(TARGET)
    ours = gw_eval(L.Huber(delta=0.4), TARGET, 2 * PRED)
    theirs = torch_eval(lambda x: tF.huber_loss(x, t, delta=0.4, reduction="none").mean(-1).mean(), 2 * PRED)
    assert_same(ours, theirs)


def test_function_forms_are_per_sample():
    out = L.mean_squared_error(TARGET, gw.tensor(PRED))
    np.testing.assert_allclose(out.data, ((TARGET - PRED) ** 2).mean(-1), rtol=1e-12)
    out = L.mean_absolute_error(TARGET, gw.tensor(PRED))
    np.testing.assert_allclose(out.data, np.abs(TARGET - PRED).mean(-1), rtol=1e-12)
    assert L.huber(TARGET, gw.tensor(PRED), delta=2.0).shape == (6,)


@pytest.mark.parametrize("weight", [RNG.uniform(0, 2, 6), RNG.uniform(0, 2, (6, 1))], ids=["(6,)", "(6,1)"])
def test_sample_weight_per_sample(weight):
    t = torch.tensor(TARGET)
    ours = gw_eval(L.MeanSquaredError(), TARGET, PRED, sample_weight=weight)

    def reference(x):
        per_sample = tF.mse_loss(x, t, reduction="none").mean(-1)
        return torch_reduce(per_sample, "sum_over_batch_size", weight.reshape(-1))

    theirs = torch_eval(reference, PRED)
    assert_same(ours, theirs)


def test_mean_with_sample_weight_divides_by_the_weights():
    w = RNG.uniform(0.5, 2, 6)
    got = L.MeanAbsoluteError(reduction="mean_with_sample_weight")(TARGET, PRED, sample_weight=w)
    per = np.abs(TARGET - PRED).mean(-1)
    assert got.item() == pytest.approx((w * per).sum() / w.sum(), rel=1e-12)


def test_zero_weights_still_divide_by_batch_size():
    w = np.array([1.0, 0, 0, 0, 0, 0])
    got = L.MeanSquaredError()(TARGET, PRED, sample_weight=w)
    assert got.item() == pytest.approx(((TARGET[0] - PRED[0]) ** 2).mean() / 6, rel=1e-12)


def test_rank_fix_up_for_column_predictions():
    y = RNG.standard_normal(5)
    p = RNG.standard_normal((5, 1))
    ours = gw_eval(L.MeanSquaredError(), y, p)
    theirs = torch_eval(lambda x: ((x[:, 0] - torch.tensor(y)) ** 2).mean(), p)
    assert_same(ours, theirs)


def test_gradient_reaches_a_target_tensor():
    y = gw.tensor(TARGET, requires_grad=True)
    L.MeanSquaredError()(y, gw.tensor(PRED)).backward()
    np.testing.assert_allclose(y.grad.data, 2 * (TARGET - PRED) / TARGET.size, rtol=1e-12)


def test_default_dtype_and_dtype_argument():
    out = L.MeanSquaredError()([[1.0, 2.0]], [[1.5, 2.5]])
    assert out.dtype == np.float32 and out.item() == pytest.approx(0.25)
    out = L.MeanSquaredError(dtype="float64")(np.float32([[1, 2]]), np.float32([[1.5, 2.5]]))
    assert out.dtype == np.float64


# ----- binary cross-entropy -----------------------------------------------------------------------

PROBS = RNG.uniform(0.05, 0.95, (6, 3))
BITS = RNG.integers(0, 2, (6, 3)).astype(np.float64)
LOGITS = RNG.standard_normal((6, 3)) * 3


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_probabilities_vs_torch(reduction):
    t = torch.tensor(BITS)
    ours = gw_eval(L.BinaryCrossentropy(reduction=reduction), BITS, PROBS)

    def reference(x):
        return torch_reduce(tF.binary_cross_entropy(x, t, reduction="none").mean(-1), reduction)

    theirs = torch_eval(reference, PROBS)
    assert_same(ours, theirs)


@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_bce_logits_vs_torch(smoothing):
    t = torch.tensor(BITS * (1 - smoothing) + 0.5 * smoothing)
    ours = gw_eval(L.BinaryCrossentropy(from_logits=True, label_smoothing=smoothing), BITS, LOGITS)
    theirs = torch_eval(
        lambda x: tF.binary_cross_entropy_with_logits(x, t, reduction="none").mean(-1).mean(), LOGITS
    )
    assert_same(ours, theirs)


def test_bce_clips_probabilities_as_keras():
    p = np.array([[0.0, 1.0, 0.3, 1e-9]])
    t = np.array([[1.0, 0.0, 1.0, 0.0]])
    value, grad = gw_eval(L.BinaryCrossentropy(), t, p)
    q = np.clip(p, EPS, 1 - EPS)
    per = -(t * np.log(q) + (1 - t) * np.log(1 - q))
    assert value == pytest.approx(per.mean(), rel=1e-12)
    expected_value = (2 * -np.log(EPS) - np.log(0.3) - np.log(1 - EPS)) / 4
    assert np.isfinite(value) and value == pytest.approx(expected_value, rel=1e-6)
    # the clipped entries get no gradient (as Keras's clip); the others the usual (p - t) / (p (1 - p)) / n
    expected = np.zeros_like(p)
    expected[0, 2] = (0.3 - 1) / (0.3 * 0.7) / 4
    np.testing.assert_allclose(grad, expected, rtol=1e-10, atol=1e-15)


def test_bce_column_output_with_flat_labels():
    y = BITS[:, 0]
    p = PROBS[:, :1]
    ours = gw_eval(L.BinaryCrossentropy(), y, p)
    theirs = torch_eval(lambda x: tF.binary_cross_entropy(x[:, 0], torch.tensor(y)), p)
    assert_same(ours, theirs)


# ----- categorical cross-entropy ------------------------------------------------------------------

CLASS_LOGITS = RNG.standard_normal((5, 4)) * 2
LABELS = np.array([0, 3, 1, 1, 2])
ONE_HOT = np.eye(4)[LABELS]
SOFT = RNG.dirichlet(np.ones(4), 5)


def softmax_np(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("target", [ONE_HOT, SOFT], ids=["one-hot", "soft"])
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cce_logits_vs_torch(target, smoothing):
    loss = L.CategoricalCrossentropy(from_logits=True, label_smoothing=smoothing)
    ours = gw_eval(loss, target, CLASS_LOGITS)
    theirs = torch_eval(
        lambda x: tF.cross_entropy(x, torch.tensor(target), label_smoothing=smoothing), CLASS_LOGITS
    )
    assert_same(ours, theirs)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cce_probabilities_vs_torch(reduction):
    probs = RNG.uniform(0.1, 1.0, (5, 4))  # not normalized: Keras divides by the sum first
    t = torch.tensor(ONE_HOT)

    def reference(x):
        q = (x / x.sum(-1, keepdim=True)).clamp(EPS, 1 - EPS)
        return torch_reduce(-(t * q.log()).sum(-1), reduction)

    ours = gw_eval(L.CategoricalCrossentropy(reduction=reduction), ONE_HOT, probs)
    assert_same(ours, torch_eval(reference, probs))


def test_cce_class_axis_1_vs_torch():
    logits = RNG.standard_normal((2, 4, 3))  # (batch, classes, positions)
    target = np.moveaxis(np.eye(4)[RNG.integers(0, 4, (2, 3))], -1, 1)
    ours = gw_eval(L.CategoricalCrossentropy(from_logits=True, axis=1), target, logits)
    theirs = torch_eval(lambda x: tF.cross_entropy(x, torch.tensor(target)), logits)
    assert_same(ours, theirs)


def test_cce_hand_value_with_clipping():
    p = np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]])
    t = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    got = L.CategoricalCrossentropy()(t, p).item()
    assert got == pytest.approx((-np.log(EPS) - np.log(0.5)) / 2, rel=1e-6)


# ----- sparse categorical cross-entropy -----------------------------------------------------------


@pytest.mark.parametrize(
    "labels", [LABELS, LABELS[:, None], LABELS.astype(np.float64)], ids=["int", "column", "float"]
)
def test_sparse_logits_vs_torch(labels):
    ours = gw_eval(L.SparseCategoricalCrossentropy(from_logits=True), labels, CLASS_LOGITS)
    theirs = torch_eval(lambda x: tF.cross_entropy(x, torch.tensor(LABELS)), CLASS_LOGITS)
    assert_same(ours, theirs)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_sparse_probabilities_vs_torch(reduction):
    probs = softmax_np(CLASS_LOGITS)
    ours = gw_eval(L.SparseCategoricalCrossentropy(reduction=reduction), LABELS, probs)

    def reference(x):
        logp = (x / x.sum(-1, keepdim=True)).log()
        return torch_reduce(tF.nll_loss(logp, torch.tensor(LABELS), reduction="none"), reduction)

    theirs = torch_eval(reference, probs)
    assert_same(ours, theirs)


def test_sparse_sequence_outputs_vs_torch():
    logits = RNG.standard_normal((2, 3, 5))
    labels = RNG.integers(0, 5, (2, 3))
    ours = gw_eval(L.SparseCategoricalCrossentropy(from_logits=True), labels, logits)
    theirs = torch_eval(lambda x: tF.cross_entropy(x.permute(0, 2, 1), torch.tensor(labels)), logits)
    assert_same(ours, theirs)


def test_sparse_ignore_class_vs_torch_ignore_index():
    labels = np.array([0, -1, 1, -1, 2])
    ours = gw_eval(L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1), labels, CLASS_LOGITS)
    theirs = torch_eval(lambda x: tF.cross_entropy(x, torch.tensor(labels), ignore_index=-1), CLASS_LOGITS)
    assert_same(ours, theirs)
    per = L.sparse_categorical_crossentropy(
        labels, gw.tensor(CLASS_LOGITS), from_logits=True, ignore_class=-1
    )
    assert per.data[1] == 0 and per.data[3] == 0 and per.data[0] > 0


def test_sparse_ignore_class_with_sample_weights():
    labels = np.array([0, -1, 1, -1, 2])
    w = np.array([1.0, 5.0, 2.0, 5.0, 3.0])
    per = tF.cross_entropy(
        torch.tensor(CLASS_LOGITS), torch.tensor(labels), ignore_index=-1, reduction="none"
    ).numpy()
    mean = L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)(
        labels, CLASS_LOGITS, sample_weight=w
    )
    assert mean.item() == pytest.approx((w * per).sum() / 3, rel=1e-12)  # averaged over the 3 counted samples
    total = L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1, reduction="sum")(
        labels, CLASS_LOGITS, sample_weight=w
    )
    assert total.item() == pytest.approx((w * per).sum(), rel=1e-12)


# ----- the logits behind softmax / sigmoid --------------------------------------------------------

LOGIT_CASES = [
    ("categorical", L.CategoricalCrossentropy, F.softmax, ONE_HOT, CLASS_LOGITS),
    ("sparse", L.SparseCategoricalCrossentropy, F.softmax, LABELS, CLASS_LOGITS),
    ("binary", L.BinaryCrossentropy, F.sigmoid, BITS, LOGITS),
    ("categorical-layer-activation", L.CategoricalCrossentropy, activations.softmax, ONE_HOT, CLASS_LOGITS),
    ("binary-layer-activation", L.BinaryCrossentropy, activations.sigmoid, BITS, LOGITS),
]


@pytest.mark.parametrize("_, cls, act, target, logits", LOGIT_CASES, ids=[c[0] for c in LOGIT_CASES])
def test_probability_loss_after_activation_equals_logit_loss_exactly(_, cls, act, target, logits):
    x1 = gw.tensor(logits, requires_grad=True)
    auto = cls()(target, act(x1))
    auto.backward()
    x2 = gw.tensor(logits, requires_grad=True)
    direct = cls(from_logits=True)(target, x2)
    direct.backward()
    assert auto.item() == direct.item()
    assert np.array_equal(x1.grad.data, x2.grad.data)


@pytest.mark.parametrize(
    "cls, target",
    [
        (L.CategoricalCrossentropy, [[0.0, 1.0], [0.0, 1.0]]),
        (L.SparseCategoricalCrossentropy, [1, 1]),
    ],
    ids=["categorical", "sparse"],
)
def test_saturated_softmax_gives_exact_loss_and_gradient(cls, target):
    x = gw.tensor([[1000.0, 0.0], [0.0, 1000.0]], dtype=np.float64, requires_grad=True)
    probs = F.softmax(x)
    assert probs.data[0, 1] == 0.0  # saturated: the probability of the true class underflows
    loss = cls()(target, probs)
    loss.backward()
    assert loss.item() == 500.0  # (1000 + 0) / 2: -log_softmax, not the clipped -log(1e-7)
    np.testing.assert_array_equal(x.grad.data, [[0.5, -0.5], [0.0, 0.0]])


def test_logits_found_through_a_dtype_cast():
    x = gw.tensor([[1000.0, 0.0]], requires_grad=True)  # float32
    loss = L.SparseCategoricalCrossentropy(dtype="float64")([1], F.softmax(x))
    assert loss.dtype == np.float64 and loss.item() == 1000.0
    loss.backward()
    assert x.grad.dtype == np.float32 and x.grad.tolist() == [[1.0, -1.0]]


def test_saturated_sigmoid_gives_exact_loss_and_gradient():
    x = gw.tensor([[1000.0], [-1000.0]], dtype=np.float64, requires_grad=True)
    loss = L.BinaryCrossentropy()([[0.0], [0.0]], F.sigmoid(x))
    loss.backward()
    assert loss.item() == 500.0
    np.testing.assert_array_equal(x.grad.data, [[0.5], [0.0]])


def test_saturated_outputs_without_graph_use_the_activation_note():
    x = gw.tensor([[1000.0, 0.0]], dtype=np.float64)
    with gw.no_grad():
        assert L.SparseCategoricalCrossentropy()([1], activations.softmax(x)).item() == 1000.0
        got = L.BinaryCrossentropy()([[0.0, 1.0]], activations.sigmoid(x)).item()
        assert got == pytest.approx((1000 + np.log(2)) / 2, rel=1e-15)
        # the bare functional softmax leaves no note: Keras's clipped value
        assert L.SparseCategoricalCrossentropy()([1], F.softmax(x)).item() == pytest.approx(-np.log(EPS))


def test_softmax_over_another_axis_is_treated_as_probabilities():
    x = gw.tensor(CLASS_LOGITS, requires_grad=True)
    probs = F.softmax(x, axis=0)
    got = L.CategoricalCrossentropy()(ONE_HOT, probs).item()
    q = softmax_np(CLASS_LOGITS, axis=0)
    q = q / q.sum(-1, keepdims=True)
    assert got == pytest.approx(-(ONE_HOT * np.log(q)).sum(-1).mean(), rel=1e-12)


def test_from_logits_on_softmax_output_warns():
    probs = F.softmax(gw.tensor(CLASS_LOGITS, requires_grad=True))
    with pytest.warns(UserWarning, match="probabilities"):
        L.CategoricalCrossentropy(from_logits=True)(ONE_HOT, probs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        L.CategoricalCrossentropy(from_logits=True)(ONE_HOT, gw.tensor(CLASS_LOGITS, requires_grad=True))


def test_loss_on_a_freed_softmax_node_falls_back_to_probabilities():
    x = gw.tensor(CLASS_LOGITS, requires_grad=True)
    probs = F.softmax(x)
    L.CategoricalCrossentropy()(ONE_HOT, probs).backward()  # frees the graph
    got = L.CategoricalCrossentropy()(ONE_HOT, probs).item()
    assert got == pytest.approx(-(ONE_HOT * np.log(softmax_np(CLASS_LOGITS))).sum(-1).mean(), rel=1e-12)


# ----- configuration, lookup and errors -----------------------------------------------------------

CONFIGURED = [
    L.MeanSquaredError(reduction="sum"),
    L.MeanAbsoluteError(name="l1"),
    L.Huber(delta=0.3),
    L.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
    L.CategoricalCrossentropy(label_smoothing=0.2, reduction=None),
    L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=3),
]


@pytest.mark.parametrize("loss", CONFIGURED, ids=[type(c).__name__ for c in CONFIGURED])
def test_serialize_round_trip(loss):
    rebuilt = L.deserialize(L.serialize(loss))
    assert type(rebuilt) is type(loss) and rebuilt.get_config() == loss.get_config()


def test_round_trip_keeps_behaviour():
    loss = L.Huber(delta=0.3, reduction="sum")
    rebuilt = L.deserialize(L.serialize(loss))
    assert rebuilt(TARGET, PRED).item() == loss(TARGET, PRED).item()
    assert rebuilt(TARGET, PRED).item() != L.Huber()(TARGET, PRED).item()


@pytest.mark.parametrize(
    "name, cls",
    [
        ("mse", L.MeanSquaredError),
        ("mean_squared_error", L.MeanSquaredError),
        ("MeanSquaredError", L.MeanSquaredError),
        ("mae", L.MeanAbsoluteError),
        ("huber", L.Huber),
        ("binary_crossentropy", L.BinaryCrossentropy),
        ("categorical_crossentropy", L.CategoricalCrossentropy),
        ("sparse_categorical_crossentropy", L.SparseCategoricalCrossentropy),
    ],
)
def test_as_loss_by_name(name, cls):
    assert type(L.as_loss(name)) is cls


def test_as_loss_other_identifiers():
    assert L.as_loss(None) is None
    inst = L.Huber()
    assert L.as_loss(inst) is inst
    assert isinstance(L.as_loss(L.Huber), L.Huber)
    wrapped = L.as_loss(L.mean_absolute_error)
    assert wrapped.name == "mean_absolute_error"
    assert wrapped(TARGET, PRED).item() == pytest.approx(np.abs(TARGET - PRED).mean(), rel=1e-12)

    def cubic(y_true, y_pred):
        return ((y_pred - y_true) ** 2).abs().mean(axis=-1)

    custom = L.as_loss(cubic)
    w = np.arange(6.0)
    assert custom(TARGET, PRED, sample_weight=w).item() == pytest.approx(
        (w * ((PRED - TARGET) ** 2).mean(-1)).sum() / 6, rel=1e-12
    )


def test_custom_loss_subclass():
    class Scaled(L.Loss):
        def call(self, y_true, y_pred):
            return 3 * L.mean_squared_error(y_true, y_pred)

    loss = Scaled(reduction="sum")
    assert loss.name == "scaled"
    assert loss(TARGET, PRED).item() == pytest.approx(3 * ((TARGET - PRED) ** 2).mean(-1).sum(), rel=1e-12)


def test_errors():
    with pytest.raises(ValueError, match=r"mean_squared_error.*expected \(4, 3\), got \(4, 2\)"):
        L.MeanSquaredError()(np.zeros((4, 2)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"binary_crossentropy.*\(3, 2\)"):
        L.BinaryCrossentropy()(np.zeros((3, 2)), np.full((3, 5), 0.5))
    with pytest.raises(ValueError, match=r"sparse_categorical_crossentropy.*expected \(5,\), got \(5, 4\)"):
        L.SparseCategoricalCrossentropy()(np.ones((5, 4)), softmax_np(CLASS_LOGITS))
    with pytest.raises(ValueError, match="label 4 is out of range for 4 classes"):
        L.SparseCategoricalCrossentropy()([0, 1, 2, 3, 4], softmax_np(CLASS_LOGITS))
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        L.CategoricalCrossentropy()(LABELS, softmax_np(CLASS_LOGITS))
    with pytest.raises(ValueError, match="whole-number"):
        L.SparseCategoricalCrossentropy()([0.5, 1, 2, 3, 0], softmax_np(CLASS_LOGITS))
    with pytest.raises(ValueError, match="reduction"):
        L.MeanSquaredError(reduction="average")
    with pytest.raises(ValueError, match="sample_weight of shape \\(4,\\)"):
        L.MeanSquaredError()(TARGET, PRED, sample_weight=np.ones(4))
    with pytest.raises(ValueError, match="mean_squared_error") as info:
        L.get("mean_square_error")
    assert "sparse_categorical_crossentropy" in str(info.value)
    with pytest.raises(TypeError, match="PyTorch's order"):
        L.get(F.cross_entropy)


# ----- check_target: what fit checks before training, without computing the loss ----------------
CHECK_TARGET_CASES = [
    # (loss, y_true, pred_shape, sample_weight)
    (L.SparseCategoricalCrossentropy(), [0, 2, 1], (3, 3), None),
    (L.SparseCategoricalCrossentropy(), [[0], [2], [1]], (3, 3), None),
    (L.SparseCategoricalCrossentropy(), [0, 3, 1], (3, 3), None),
    (L.SparseCategoricalCrossentropy(), [0, -1, 1], (3, 3), None),
    (L.SparseCategoricalCrossentropy(), [0.0, 1.5, 1.0], (3, 3), None),
    (L.SparseCategoricalCrossentropy(), [0.0, np.nan, 1.0], (3, 3), None),
    (L.SparseCategoricalCrossentropy(), ["a", "b", "c"], (3, 3), None),
    (L.SparseCategoricalCrossentropy(), [0, 1], (3, 3), None),
    (L.SparseCategoricalCrossentropy(), [[0, 1, 2]], (1, 3, 3), None),
    (L.SparseCategoricalCrossentropy(ignore_class=-1), [0, -1, 2], (3, 3), None),
    (L.SparseCategoricalCrossentropy(ignore_class=5), [0, 5, 3], (3, 3), None),
    (L.SparseCategoricalCrossentropy(), [0, 1, 2], (3, 3), [1.0, 2.0, 0.5]),
    (L.SparseCategoricalCrossentropy(), [0, 1, 2], (3, 3), [1.0, 2.0]),
    (L.SparseCategoricalCrossentropy(), [[0, 1], [2, 2]], (2, 2, 3), [[1.0, 0.0], [1.0, 1.0]]),
    (L.SparseCategoricalCrossentropy(), [[0, 1], [2, 2]], (2, 2, 3), [[1.0, 0.0, 1.0]] * 2),
    (L.SparseCategoricalCrossentropy(axis=0), [0, 1, 2], (3, 3), None),
    (L.MeanSquaredError(), np.zeros((4, 2)), (4, 2), None),
    (L.MeanSquaredError(), np.zeros((4, 3)), (4, 2), None),
    (L.CategoricalCrossentropy(), np.eye(3), (3, 3), None),
    (L.CategoricalCrossentropy(), [0, 1, 2], (3, 3), None),
]


@pytest.mark.parametrize("loss, y_true, pred_shape, sample_weight", CHECK_TARGET_CASES)
def test_check_target_raises_exactly_when_the_loss_would(loss, y_true, pred_shape, sample_weight):
    """check_target refuses what the loss refuses for some predictions of pred_shape, and only that."""
    y_pred = np.random.default_rng(0).uniform(0.1, 0.9, pred_shape).astype(np.float32)
    try:
        loss(y_true, y_pred, sample_weight=sample_weight)
    except (ValueError, TypeError) as err:
        with pytest.raises(type(err), match=re.escape(str(err))):
            loss.check_target(y_true, pred_shape, sample_weight)
    else:
        loss.check_target(y_true, pred_shape, sample_weight)
