"""Keras 3's further losses (percentage/logarithmic/log-cosh/cosine/Poisson/KL, the hinges, the focal
cross-entropies, Dice and Tversky): the numbers in Keras's docstrings, a NumPy transcription of each formula
under every reduction with sample weights, float64 gradient checks, PyTorch where it has the same loss,
names, configs, and a fit."""
import doctest
import json

import numpy as np
import pytest

import gradwork as gw
from gradwork import losses as L

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone

EPS = 1e-7
RNG = np.random.default_rng(0)


# ----- NumPy transcriptions of the documented formulas (float64, per sample over the last axis) -----

def np_hinge_labels(t):
    return 2 * t - 1 if np.all((t == 0) | (t == 1)) else t


def np_binary_focal(t, p, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False):
    p = 1 / (1 + np.exp(-p)) if from_logits else p
    pc = np.clip(p, EPS, 1 - EPS)
    bce = -(t * np.log(pc) + (1 - t) * np.log(1 - pc))
    p_t = t * p + (1 - t) * (1 - p)
    focal = (1 - p_t) ** gamma * bce
    if apply_class_balancing:
        focal = (t * alpha + (1 - t) * (1 - alpha)) * focal
    return focal.mean(-1)


def np_categorical_focal(t, p, alpha=0.25, gamma=2.0):
    p = np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS)
    return -(alpha * (1 - p) ** gamma * t * np.log(p)).sum(-1)


def np_tversky(t, p, alpha=0.5, beta=0.5, axis=1):
    tp, fp, fn = (t * p).sum(axis), ((1 - t) * p).sum(axis), (t * (1 - p)).sum(axis)
    return 1 - tp / (tp + alpha * fp + beta * fn + EPS)


def unit(x):
    return x / np.sqrt(np.maximum((x * x).sum(-1, keepdims=True), EPS))


def positive(shape):
    return RNG.uniform(0.5, 2.0, shape), RNG.uniform(0.5, 2.0, shape)


def normal(shape):
    return RNG.standard_normal(shape), RNG.standard_normal(shape)


def probabilities(shape):
    return RNG.uniform(0.05, 1.0, shape), RNG.uniform(0.05, 1.0, shape)


def signs_and_scores(shape):
    return RNG.choice([-1.0, 1.0], shape), RNG.standard_normal(shape)


def bits_and_probabilities(shape):
    return RNG.integers(0, 2, shape).astype(float), RNG.uniform(0.05, 0.95, shape)


def one_hot_and_scores(shape):
    return np.eye(shape[-1])[RNG.integers(0, shape[-1], shape[:-1])], RNG.uniform(0.1, 1.0, shape)


# name: (class, its keyword arguments, inputs, NumPy per-sample loss)
CASES = {
    "mape": (L.MeanAbsolutePercentageError, {}, positive,
             lambda t, p: 100 * (np.abs(t - p) / np.maximum(np.abs(t), EPS)).mean(-1)),
    "msle": (L.MeanSquaredLogarithmicError, {}, positive,
             lambda t, p: ((np.log1p(np.maximum(p, EPS)) - np.log1p(np.maximum(t, EPS))) ** 2).mean(-1)),
    "log_cosh": (L.LogCosh, {}, normal, lambda t, p: np.log(np.cosh(p - t)).mean(-1)),
    "cosine_similarity": (L.CosineSimilarity, {}, normal, lambda t, p: -(unit(t) * unit(p)).sum(-1)),
    "poisson": (L.Poisson, {}, positive, lambda t, p: (p - t * np.log(p + EPS)).mean(-1)),
    "kld": (L.KLDivergence, {}, probabilities,
            lambda t, p: (np.clip(t, EPS, 1) * np.log(np.clip(t, EPS, 1) / np.clip(p, EPS, 1))).sum(-1)),
    "hinge": (L.Hinge, {}, signs_and_scores,
              lambda t, p: np.maximum(1 - np_hinge_labels(t) * p, 0).mean(-1)),
    "squared_hinge": (L.SquaredHinge, {}, signs_and_scores,
                      lambda t, p: (np.maximum(1 - np_hinge_labels(t) * p, 0) ** 2).mean(-1)),
    "categorical_hinge": (L.CategoricalHinge, {}, one_hot_and_scores,
                          lambda t, p: np.maximum(((1 - t) * p).max(-1) - (t * p).sum(-1) + 1, 0)),
    "binary_focal_crossentropy": (L.BinaryFocalCrossentropy, {"apply_class_balancing": True, "gamma": 1.5},
                                  bits_and_probabilities,
                                  lambda t, p: np_binary_focal(t, p, True, gamma=1.5)),
    "categorical_focal_crossentropy": (L.CategoricalFocalCrossentropy, {"alpha": 0.4}, one_hot_and_scores,
                                       lambda t, p: np_categorical_focal(t, p, alpha=0.4)),
    "dice": (L.Dice, {"axis": 1}, bits_and_probabilities,
             lambda t, p: 1 - 2 * (t * p).sum(1) / (t.sum(1) + p.sum(1) + EPS)),
    "tversky": (L.Tversky, {"alpha": 0.3, "beta": 0.7, "axis": 1}, bits_and_probabilities,
                lambda t, p: np_tversky(t, p, 0.3, 0.7)),
}


# ----- the numbers in Keras 3's (and tf.keras's) docstrings -----

HINGE_PAIR = ([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])
COUNT_PAIR = ([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]])
FOCAL_LOGITS = ([[0.0, 1.0], [0.0, 0.0]], [[-18.6, 0.51], [2.94, -12.8]])
MASKS = ([[[[1.0], [1.0]], [[0.0], [0.0]]], [[[1.0], [1.0]], [[0.0], [0.0]]]],
         [[[[0.0], [1.0]], [[0.0], [1.0]]], [[[0.4], [0.0]], [[0.0], [0.9]]]])
FOCAL_CATEGORIES = ([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])

DOCUMENTED = [  # (loss, y_true, y_pred, sample_weight, Keras's number, its last digit)
    (L.MeanAbsolutePercentageError(), [[2.0, 1.0], [2.0, 3.0]], [[1.0, 1.0], [1.0, 0.0]], None, 50.0, 1e-4),
    (L.MeanAbsolutePercentageError(), [[2.0, 1.0], [2.0, 3.0]], [[1.0, 1.0], [1.0, 0.0]], [0.7, 0.3], 20.0, 1e-4),
    (L.MeanSquaredLogarithmicError(), [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]], None, 0.240, 1e-3),
    (L.MeanSquaredLogarithmicError(), [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]], [0.7, 0.3], 0.120, 1e-3),
    (L.CosineSimilarity(), [[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]], None, -0.5, 1e-4),
    (L.CosineSimilarity(), [[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]], [0.8, 0.2], -0.0999, 1e-3),
    (L.LogCosh(), *COUNT_PAIR, None, 0.108, 1e-3),
    (L.LogCosh(), *COUNT_PAIR, [0.8, 0.2], 0.087, 1e-3),
    (L.Poisson(), *COUNT_PAIR, None, 0.5, 1e-4),
    (L.Poisson(), *COUNT_PAIR, [0.8, 0.2], 0.4, 1e-4),
    (L.KLDivergence(), *HINGE_PAIR, None, 0.458, 1e-3),
    (L.KLDivergence(), *HINGE_PAIR, [0.8, 0.2], 0.366, 1e-3),
    (L.Hinge(), *HINGE_PAIR, None, 1.3, 1e-4),
    (L.Hinge(), *HINGE_PAIR, [1.0, 0.0], 0.55, 1e-4),
    (L.SquaredHinge(), *HINGE_PAIR, None, 1.86, 1e-4),
    (L.SquaredHinge(), *HINGE_PAIR, [1.0, 0.0], 0.73, 1e-4),
    (L.CategoricalHinge(), *HINGE_PAIR, None, 1.4, 1e-4),
    (L.CategoricalHinge(), *HINGE_PAIR, [1.0, 0.0], 0.6, 1e-4),
    (L.BinaryFocalCrossentropy(gamma=2, from_logits=True), [0.0, 1.0, 0.0, 0.0], [-18.6, 0.51, 2.94, -12.8],
     None, 0.691, 1e-3),
    (L.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=2, from_logits=True), [0.0, 1.0, 0.0, 0.0],
     [-18.6, 0.51, 2.94, -12.8], None, 0.51, 1e-2),
    (L.BinaryFocalCrossentropy(gamma=3, from_logits=True), *FOCAL_LOGITS, None, 0.647, 1e-3),
    (L.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=3, from_logits=True), *FOCAL_LOGITS, None,
     0.482, 1e-3),
    (L.BinaryFocalCrossentropy(gamma=3, from_logits=True), *FOCAL_LOGITS, [0.8, 0.2], 0.133, 1e-3),
    (L.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=3, from_logits=True), *FOCAL_LOGITS,
     [0.8, 0.2], 0.097, 1e-3),
    (L.BinaryFocalCrossentropy(gamma=4, from_logits=True, reduction="sum"), *FOCAL_LOGITS, None, 1.222, 1e-3),
    (L.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=4, from_logits=True, reduction="sum"),
     *FOCAL_LOGITS, None, 0.914, 1e-3),
    (L.BinaryFocalCrossentropy(gamma=5, from_logits=True, reduction=None), *FOCAL_LOGITS, None,
     [0.0017, 1.1561], 1e-4),
    (L.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=5, from_logits=True, reduction=None),
     *FOCAL_LOGITS, None, [0.0004, 0.8670], 1e-4),
    (L.CategoricalFocalCrossentropy(), *FOCAL_CATEGORIES, None, 0.23315276, 1e-6),
    (L.CategoricalFocalCrossentropy(), *FOCAL_CATEGORIES, [0.3, 0.7], 0.1632, 1e-4),
    (L.CategoricalFocalCrossentropy(reduction="sum"), *FOCAL_CATEGORIES, None, 0.46631, 1e-5),
    (L.CategoricalFocalCrossentropy(reduction=None), *FOCAL_CATEGORIES, None, [3.2058331e-05, 4.6627346e-01],
     1e-6),
    (L.Dice(axis=(1, 2, 3), reduction=None), *MASKS, None, [0.5, 0.75757575], 1e-6),
    (L.Dice(), *MASKS, None, 0.6164384, 1e-6),
]


@pytest.mark.parametrize("loss, y_true, y_pred, sample_weight, expected, rounding", DOCUMENTED,
                         ids=[f"{case[0].name}-{i}" for i, case in enumerate(DOCUMENTED)])
def test_keras_docstring_numbers(loss, y_true, y_pred, sample_weight, expected, rounding):
    value = loss(y_true, y_pred, sample_weight=sample_weight).data
    assert value.dtype == np.float32
    # Keras's docstrings print some values truncated, others rounded: within one unit of the last digit
    np.testing.assert_allclose(value, expected, rtol=0, atol=rounding + 1e-6)


def test_tversky_with_equal_weights_is_dice_on_keras_example():
    # Keras's tversky examples are not reproduced here from memory: with alpha = beta = 0.5 the Tversky
    # index is the Dice coefficient (2TP + FP + FN = sum t + sum p), so Dice's documented numbers hold
    value = L.Tversky(axis=(1, 2, 3), reduction=None)(*MASKS).data
    np.testing.assert_allclose(value, [0.5, 0.75757575], atol=1e-6)


# ----- NumPy transcriptions, every reduction, sample weights -----

def reduce_np(per_sample, weights, reduction):
    weighted = per_sample * weights
    if reduction in ("sum_over_batch_size", "mean"):
        return weighted.sum() / weighted.size
    if reduction == "sum":
        return weighted.sum()
    if reduction == "mean_with_sample_weight":
        return weighted.sum() / weights.sum()
    return weighted


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "mean", "sum", "mean_with_sample_weight", None])
@pytest.mark.parametrize("name", CASES)
def test_matches_numpy_formula_with_sample_weights(name, reduction):
    cls, kwargs, make, reference = CASES[name]
    y_true, y_pred = make((5, 4))
    weights = RNG.uniform(0.1, 2.0, 5)
    loss = cls(reduction=reduction, **kwargs)
    value = loss(y_true, gw.tensor(y_pred), sample_weight=weights).data
    np.testing.assert_allclose(value, reduce_np(reference(y_true, y_pred), weights, reduction), rtol=1e-10)
    function = getattr(L, loss.fn.__name__)
    np.testing.assert_allclose(function(y_true, gw.tensor(y_pred), **kwargs).data, reference(y_true, y_pred),
                               rtol=1e-10)


@pytest.mark.parametrize("name", CASES)
def test_gradcheck_float64(name):
    cls, kwargs, make, _ = CASES[name]
    y_true, y_pred = make((3, 4))
    fn = cls(reduction=None, **kwargs).fn
    x = gw.tensor(y_pred, requires_grad=True)
    assert gw.gradcheck(lambda p: fn(y_true, p, **kwargs), (x,), eps=1e-6, atol=1e-7, rtol=1e-5)


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("fn, kwargs", [(L.binary_focal_crossentropy, {"apply_class_balancing": True}),
                                         (L.categorical_focal_crossentropy, {})])
def test_focal_gradcheck_through_logits_and_label_smoothing(fn, kwargs, from_logits):
    y_true, _ = one_hot_and_scores((3, 4))
    logits = gw.tensor(RNG.standard_normal((3, 4)), requires_grad=True)
    if from_logits:
        def call(x):
            return fn(y_true, x, from_logits=True, label_smoothing=0.1, **kwargs)
    else:
        activation = gw.activations.sigmoid if fn is L.binary_focal_crossentropy else gw.activations.softmax

        def call(x):
            return fn(y_true, activation(x), label_smoothing=0.1, **kwargs)
    assert gw.gradcheck(call, (logits,), eps=1e-6, atol=1e-7, rtol=1e-5)


def test_focal_from_logits_matches_probabilities():
    y_true, _ = one_hot_and_scores((3, 4))
    logits = RNG.standard_normal((3, 4))
    probabilities = 1 / (1 + np.exp(-logits))
    from_logits = L.binary_focal_crossentropy(y_true, logits, from_logits=True, label_smoothing=0.2).data
    np.testing.assert_allclose(from_logits, L.binary_focal_crossentropy(y_true, probabilities,
                                                                         label_smoothing=0.2).data, rtol=1e-9)
    softmax = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    np.testing.assert_allclose(L.categorical_focal_crossentropy(y_true, logits, from_logits=True).data,
                               np_categorical_focal(y_true, softmax), rtol=1e-9)


def test_hinge_converts_only_all_binary_labels():
    y_pred = np.array([[0.3, -0.2]])
    np.testing.assert_allclose(L.hinge([[0.0, 1.0]], y_pred).data, [(1.3 + 1.2) / 2])  # 0 -> -1
    np.testing.assert_allclose(L.hinge([[0.0, -1.0]], y_pred).data, [(1.0 + 0.8) / 2])  # not all 0/1: kept


# ----- PyTorch -----

def torch_value_and_grad(ours, theirs, y_pred):
    x = gw.tensor(y_pred, requires_grad=True)
    weights = RNG.standard_normal(y_pred.shape[:-1])
    (ours(x) * weights).sum().backward()
    xt = torch.tensor(y_pred, requires_grad=True)
    out = theirs(xt)
    (out * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(ours(gw.tensor(y_pred)).data, out.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(x.grad.data, xt.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_poisson_matches_torch_poisson_nll_loss_with_kerass_epsilon():
    y_true, y_pred = positive((5, 3))
    torch_value_and_grad(
        lambda x: L.poisson(y_true, x),
        lambda x: torch.nn.functional.poisson_nll_loss(x, torch.tensor(y_true), log_input=False, full=False,
                                                       eps=EPS, reduction="none").mean(-1),
        y_pred)


def test_cosine_similarity_matches_torch_negated():
    y_true, y_pred = normal((5, 3))
    torch_value_and_grad(lambda x: L.cosine_similarity(y_true, x),
                         lambda x: -torch.nn.functional.cosine_similarity(x, torch.tensor(y_true), dim=-1),
                         y_pred)


def test_kl_divergence_matches_torch_kl_div():
    y_true, y_pred = probabilities((5, 3))
    torch_value_and_grad(
        lambda x: L.kl_divergence(y_true, x),
        lambda x: torch.nn.functional.kl_div(x.log(), torch.tensor(y_true), reduction="none").sum(-1),
        y_pred)


def test_squared_hinge_and_log_cosh_match_torch_transcriptions():
    y_true, y_pred = signs_and_scores((5, 3))
    torch_value_and_grad(lambda x: L.squared_hinge(y_true, x),
                         lambda x: (1 - torch.tensor(y_true) * x).clamp(min=0).square().mean(-1), y_pred)
    torch_value_and_grad(lambda x: L.log_cosh(y_true, x),
                         lambda x: torch.log(torch.cosh(x - torch.tensor(y_true))).mean(-1), y_pred)


# ----- names, configs, docstrings, fit -----

NAMES = {
    "mape": L.MeanAbsolutePercentageError, "MAPE": L.MeanAbsolutePercentageError,
    "mean_absolute_percentage_error": L.MeanAbsolutePercentageError,
    "msle": L.MeanSquaredLogarithmicError, "MSLE": L.MeanSquaredLogarithmicError,
    "mean_squared_logarithmic_error": L.MeanSquaredLogarithmicError,
    "cosine_similarity": L.CosineSimilarity, "log_cosh": L.LogCosh, "logcosh": L.LogCosh, "LogCosh": L.LogCosh,
    "hinge": L.Hinge, "squared_hinge": L.SquaredHinge, "categorical_hinge": L.CategoricalHinge,
    "kl_divergence": L.KLDivergence, "kld": L.KLDivergence, "KLD": L.KLDivergence, "KLDivergence": L.KLDivergence,
    "poisson": L.Poisson, "binary_focal_crossentropy": L.BinaryFocalCrossentropy,
    "categorical_focal_crossentropy": L.CategoricalFocalCrossentropy, "dice": L.Dice, "tversky": L.Tversky,
}


@pytest.mark.parametrize("name", NAMES)
def test_string_names_give_the_loss_class_that_compile_keeps(name):
    assert type(L.as_loss(name)) is NAMES[name]


@pytest.mark.parametrize("name", CASES)
def test_config_round_trip_and_serialization(name):
    cls, kwargs, _, _ = CASES[name]
    loss = cls(reduction="sum", name="mine", **kwargs)
    config = loss.get_config()
    assert config["reduction"] == "sum" and config["name"] == "mine"
    assert all(config[key] == value for key, value in kwargs.items())
    rebuilt = L.deserialize(json.loads(json.dumps(L.serialize(loss))))
    assert type(rebuilt) is cls and rebuilt.get_config() == json.loads(json.dumps(config))
    y_true, y_pred = CASES[name][2]((3, 4))
    np.testing.assert_allclose(rebuilt(y_true, y_pred).data, loss(y_true, y_pred).data)
    assert L.serialize(loss.fn) == loss.fn.__name__ and L.deserialize(loss.fn.__name__)


def test_default_configs_are_kerass():
    assert L.BinaryFocalCrossentropy().get_config() == {
        "name": "binary_focal_crossentropy", "reduction": "sum_over_batch_size", "dtype": None,
        "apply_class_balancing": False, "alpha": 0.25, "gamma": 2.0, "from_logits": False, "label_smoothing": 0.0,
        "axis": -1}
    assert L.CategoricalFocalCrossentropy().get_config() == {
        "name": "categorical_focal_crossentropy", "reduction": "sum_over_batch_size", "dtype": None,
        "alpha": 0.25, "gamma": 2.0, "from_logits": False, "label_smoothing": 0.0, "axis": -1}
    assert L.Tversky().get_config() == {"name": "tversky", "reduction": "sum_over_batch_size", "dtype": None,
                                        "alpha": 0.5, "beta": 0.5, "axis": None}
    assert L.CosineSimilarity().get_config()["axis"] == -1 and L.Dice().get_config()["axis"] is None
    assert L.KLDivergence().name == "kl_divergence" and L.LogCosh().name == "log_cosh"


def test_docstring_examples_hold():
    from gradwork.losses import classes_focal_overlap, classes_pointwise, focal, margin, overlap, pointwise
    for module in (pointwise, margin, focal, overlap, classes_pointwise, classes_focal_overlap):
        result = doctest.testmod(module, extraglobs={"gw": gw, "np": np})
        assert result.failed == 0 and result.attempted > 0, module.__name__


def test_wrong_shapes_are_refused():
    with pytest.raises(ValueError, match="poisson: y_true must have the shape of y_pred"):
        L.poisson(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="categorical_focal_crossentropy: y_true must be one-hot"):
        L.categorical_focal_crossentropy([0, 1], np.full((2, 3), 1 / 3))


@pytest.mark.parametrize("loss, y_true, y_pred", [
    (L.BinaryCrossentropy, [[0.0, 1.0]], [[0.3, 0.6]]),
    (L.CategoricalCrossentropy, [[0.0, 1.0]], [[0.3, 0.7]]),
    (L.BinaryFocalCrossentropy, [[0.0, 1.0]], [[0.3, 0.6]]),
    (L.CategoricalFocalCrossentropy, [[0.0, 1.0]], [[0.3, 0.7]]),
])
@pytest.mark.parametrize("smoothing", [1.5, -0.1, True, "0.1"])
def test_label_smoothing_outside_0_1_is_refused_not_used(loss, y_true, y_pred, smoothing):
    name = loss().name
    with pytest.raises(ValueError, match=rf"{name}: label_smoothing must be a number in \[0, 1\], got "):
        loss(label_smoothing=smoothing)(y_true, y_pred)


FIT_DATA = {  # the loss's name: targets for 8 samples, the output activation
    "mape": (RNG.uniform(1, 2, (8, 3)), "softplus"), "msle": (RNG.uniform(0, 2, (8, 3)), "softplus"),
    "log_cosh": (RNG.standard_normal((8, 3)), None), "cosine_similarity": (RNG.standard_normal((8, 3)), None),
    "poisson": (RNG.integers(0, 4, (8, 3)), "softplus"),
    "kld": (np.eye(3)[RNG.integers(0, 3, 8)], "softmax"),
    "hinge": (RNG.integers(0, 2, (8, 3)), "tanh"), "squared_hinge": (RNG.integers(0, 2, (8, 3)), "tanh"),
    "categorical_hinge": (np.eye(3)[RNG.integers(0, 3, 8)], None),
    "binary_focal_crossentropy": (RNG.integers(0, 2, (8, 3)), "sigmoid"),
    "categorical_focal_crossentropy": (np.eye(3)[RNG.integers(0, 3, 8)], "softmax"),
    "dice": (RNG.integers(0, 2, (8, 3)), "sigmoid"), "tversky": (RNG.integers(0, 2, (8, 3)), "sigmoid"),
}


@pytest.mark.parametrize("name", FIT_DATA)
def test_compile_with_the_name_and_fit_one_epoch(name):
    y, activation = FIT_DATA[name]
    gw.random.seed(0)
    model = gw.Sequential([gw.nn.Dense(3, activation=activation)])
    model.compile("sgd", name)
    history = model.fit(RNG.standard_normal((8, 2)).astype(np.float32), y.astype(np.float32), batch_size=4,
                        epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_cosine_similarity_floors_the_norm_at_keras_epsilon_not_the_squared_norm():
    # Keras divides by max(|v|, 1e-7): vectors of norm 1e-5 are still unit vectors after it, a zero
    # vector stays zero.
    np.testing.assert_allclose(L.cosine_similarity([[1e-5, 0.0]], [[2e-5, 0.0]]).numpy(), [-1.0], rtol=1e-6)
    np.testing.assert_allclose(L.cosine_similarity([[0.0, 0.0]], [[1.0, 0.0]]).numpy(), [0.0])
    np.testing.assert_allclose(L.cosine_similarity([[1e-8, 0.0]], [[1.0, 0.0]]).numpy(), [-0.1], rtol=1e-6)
