"""The facade's losses against PyTorch's: each case is one call written once and run with either library
on the same data, in float64 (agreement to rounding) and float32 (float32 tolerances); the values,
dtypes and the gradients of every input that takes one (logits, and targets where PyTorch
differentiates them) are compared. Then the modules (settings, buffers, repr) and the errors."""

import itertools
import warnings

import numpy as np
import pytest

import gradwork.torch as gtorch
from tolerances import f32_rtol
from torch_oracle import torch

RNG = np.random.default_rng(14)
N, C, D1, D2 = 4, 5, 3, 2


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _class_indices(shape, ignored):
    t = RNG.integers(0, C, shape)
    if ignored:
        t.flat[::3] = -100  # every third target ignored (the first included)
    return t


X2, X4 = RNG.standard_normal((N, C)), RNG.standard_normal((N, C, D1, D2))
CLASS_WEIGHT = RNG.uniform(0.2, 2.0, C)
PROBS = {2: _softmax(RNG.standard_normal((N, C)), 1), 4: _softmax(RNG.standard_normal((N, C, D1, D2)), 1)}
TARGETS = {(rank, ignored): _class_indices((N,) if rank == 2 else (N, D1, D2), ignored)
           for rank in (2, 4) for ignored in (False, True)}
A, B = RNG.standard_normal((N, C)), RNG.standard_normal((N, C))
ELEMENT_WEIGHT = RNG.uniform(0.2, 2.0, (N, C))
P, Q = 1 / (1 + np.exp(-A)), RNG.uniform(0, 1, (N, C))
SIGNS = np.where(RNG.standard_normal((N, C)) > 0, 1.0, -1.0)

# An input is (array, whether to differentiate it); integer arrays become int64 tensors.
x, fixed = (lambda a: (a, True)), (lambda a: (a, False))
REDUCTIONS = ("mean", "sum", "none")


def _cross_entropy_cases():
    for rank, weighted, ignored, smoothing, reduction in itertools.product(
            (2, 4), (False, True), (False, True), (0.0, 0.2), REDUCTIONS):
        name = (f"cross_entropy/{rank}d{'/weight' if weighted else ''}{'/ignore' if ignored else ''}"
                f"{'/smoothing' if smoothing else ''}/{reduction}")
        inputs = [x(X2 if rank == 2 else X4), fixed(TARGETS[rank, ignored])] + ([fixed(CLASS_WEIGHT)] * weighted)
        yield name, inputs, lambda F, i, t, w=None, s=smoothing, r=reduction: F.cross_entropy(
            i, t, weight=w, reduction=r, label_smoothing=s)
    for rank, weighted, smoothing, reduction in itertools.product((2, 4), (False, True), (0.0, 0.3), REDUCTIONS):
        name = f"cross_entropy/{rank}d/probabilities{'/weight' if weighted else ''}{'/smoothing' if smoothing else ''}"
        inputs = [x(X2 if rank == 2 else X4), x(PROBS[rank])] + ([fixed(CLASS_WEIGHT)] * weighted)
        yield f"{name}/{reduction}", inputs, lambda F, i, t, w=None, s=smoothing, r=reduction: F.cross_entropy(
            i, t, w, reduction=r, label_smoothing=s)
    yield "cross_entropy/unbatched", [x(X2[0]), fixed(np.array(3))], lambda F, i, t: F.cross_entropy(i, t)
    yield ("cross_entropy/unbatched_probabilities", [x(X2[0]), x(PROBS[2][0])],
           lambda F, i, t: F.cross_entropy(i, t, label_smoothing=0.1))
    yield ("cross_entropy/ignore_index_2", [x(X2), fixed(np.array([2, 0, 2, 4]))],
           lambda F, i, t: F.cross_entropy(i, t, ignore_index=2))
    yield ("cross_entropy/uint8_targets", [x(X2), fixed(np.array([2, 0, 1, 4], dtype=np.uint8))],
           lambda F, i, t: F.cross_entropy(i, t))
    for reduction, smoothing in itertools.product(REDUCTIONS, (0.0, 0.1)):  # the mean is NaN, its gradient 0
        yield (f"cross_entropy/all_ignored/{reduction}{'/smoothing' if smoothing else ''}",
               [x(X2), fixed(np.full(N, -100))],
               lambda F, i, t, r=reduction, s=smoothing: F.cross_entropy(i, t, reduction=r, label_smoothing=s))


def _nll_cases():
    for rank, weighted, ignored, reduction in itertools.product((2, 4), (False, True), (False, True), REDUCTIONS):
        name = f"nll_loss/{rank}d{'/weight' if weighted else ''}{'/ignore' if ignored else ''}/{reduction}"
        inputs = [x(X2 if rank == 2 else X4), fixed(TARGETS[rank, ignored])] + ([fixed(CLASS_WEIGHT)] * weighted)
        yield name, inputs, lambda F, i, t, w=None, r=reduction: F.nll_loss(i, t, w, reduction=r)
    yield ("nll_loss/ignore_index_0", [x(X2), fixed(np.array([0, 1, 0, 3]))],
           lambda F, i, t: F.nll_loss(i, t, ignore_index=0))


def _elementwise_cases():
    for reduction in REDUCTIONS:
        yield f"mse_loss/{reduction}", [x(A), x(B)], lambda F, i, t, r=reduction: F.mse_loss(i, t, reduction=r)
        yield f"l1_loss/{reduction}", [x(A), x(B)], lambda F, i, t, r=reduction: F.l1_loss(i, t, reduction=r)
        yield (f"mse_loss/weight/{reduction}", [x(A), x(B), fixed(ELEMENT_WEIGHT)],
               lambda F, i, t, w, r=reduction: F.mse_loss(i, t, reduction=r, weight=w))
        yield (f"l1_loss/weight/{reduction}", [x(A), x(B), fixed(ELEMENT_WEIGHT)],
               lambda F, i, t, w, r=reduction: F.l1_loss(i, t, reduction=r, weight=w))
        yield (f"huber_loss/weight/{reduction}", [x(A), x(B), fixed(ELEMENT_WEIGHT)],
               lambda F, i, t, w, r=reduction: F.huber_loss(i, t, r, 0.7, w))
        yield (f"soft_margin_loss/{reduction}", [x(A), fixed(SIGNS)],
               lambda F, i, t, r=reduction: F.soft_margin_loss(i, t, reduction=r))
        for delta in (1.0, 0.5):
            yield (f"huber_loss/delta_{delta}/{reduction}", [x(A), x(B)],
                   lambda F, i, t, r=reduction, d=delta: F.huber_loss(i, t, reduction=r, delta=d))
        for beta in (1.0, 0.5, 0.0):
            yield (f"smooth_l1_loss/beta_{beta}/{reduction}", [x(A), x(B)],
                   lambda F, i, t, r=reduction, b=beta: F.smooth_l1_loss(i, t, reduction=r, beta=b))


def _binary_cases():
    weights = {"none": None, "same_shape": ELEMENT_WEIGHT, "per_class": ELEMENT_WEIGHT[0],
               "per_sample": ELEMENT_WEIGHT[:, :1]}
    for (kind, weight), reduction in itertools.product(weights.items(), REDUCTIONS):
        extra = [] if weight is None else [fixed(weight)]
        yield (f"binary_cross_entropy/weight_{kind}/{reduction}", [x(P), x(Q)] + extra,
               lambda F, i, t, w=None, r=reduction: F.binary_cross_entropy(i, t, w, reduction=r))
        yield (f"binary_cross_entropy_with_logits/weight_{kind}/{reduction}", [x(A), x(Q)] + extra,
               lambda F, i, t, w=None, r=reduction: F.binary_cross_entropy_with_logits(i, t, w, reduction=r))
    for kind, pos_weight in {"per_class": ELEMENT_WEIGHT[1], "same_shape": ELEMENT_WEIGHT}.items():
        yield (f"binary_cross_entropy_with_logits/pos_weight_{kind}", [x(A), x(Q), fixed(pos_weight)],
               lambda F, i, t, p: F.binary_cross_entropy_with_logits(i, t, pos_weight=p))
        yield (f"binary_cross_entropy_with_logits/weight_and_pos_weight_{kind}",
               [x(A), x(Q), fixed(ELEMENT_WEIGHT[:, :1]), fixed(pos_weight)],
               lambda F, i, t, w, p: F.binary_cross_entropy_with_logits(i, t, w, reduction="sum", pos_weight=p))
    # log(0) clamped at -100, as PyTorch; values only: at p = 0 or 1 PyTorch's gradients are a 1e12 artefact
    # (input) and inf (target), gradwork's target gradient is the clamped logs' (finite)
    saturated = np.array([0.0, 1.0, 0.0, 1.0, 0.5])
    yield ("binary_cross_entropy/saturated", [fixed(saturated), fixed(np.array([0.0, 1.0, 1.0, 0.0, 0.3]))],
           lambda F, i, t: F.binary_cross_entropy(i, t, reduction="none"))


def _kl_cases():
    log_q, target = np.log(PROBS[2]), _softmax(B, 1)
    for reduction, log_target in itertools.product(("batchmean", "mean", "sum", "none"), (False, True)):
        yield (f"kl_div/{reduction}{'/log_target' if log_target else ''}",
               [x(log_q), x(np.log(target) if log_target else target)],
               lambda F, i, t, r=reduction, lt=log_target: F.kl_div(i, t, reduction=r, log_target=lt))
    zeros = target.copy()
    zeros[:, 0] = 0.0  # 0 log 0 = 0 (the gradient at a zero target is left out: PyTorch's is NaN there)
    yield "kl_div/zero_targets", [x(log_q), fixed(zeros)], lambda F, i, t: F.kl_div(i, t, reduction="batchmean")


CASES = [*_cross_entropy_cases(), *_nll_cases(), *_elementwise_cases(), *_binary_cases(), *_kl_cases()]


def _run(namespace, inputs, call, dtype):
    """call(namespace, *tensors) on the inputs made tensors of the namespace's library (its functional
    package or its nn)."""
    library = gtorch if namespace.__name__.startswith("gradwork") else torch
    tensors = [library.tensor(a.astype(dtype) if a.dtype.kind == "f" else a, requires_grad=grad)
               for a, grad in inputs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kl_div's warning about reduction="mean", in both
        out = call(namespace, *tensors)
    return tensors, out


def _assert_close(got, want, rtol, what):
    want = want.detach().numpy()
    scale = np.nan_to_num(np.abs(want), posinf=0).max(initial=0.0)
    np.testing.assert_allclose(got.detach().numpy(), want, rtol=rtol, atol=rtol * scale, err_msg=what)


def _compare(inputs, call, dtype, ours, theirs):
    ours, out = _run(ours, inputs, call, dtype)
    theirs, expected = _run(theirs, inputs, call, dtype)
    assert tuple(out.shape) == tuple(expected.shape)
    assert out.dtype == np.dtype(str(expected.dtype).replace("torch.", ""))
    rtol = 1e-10 if dtype == np.float64 else f32_rtol(sum(a.size for a, _ in inputs))
    _assert_close(out, expected, rtol, "value")
    if not expected.requires_grad:
        return
    cotangent = RNG.standard_normal(tuple(expected.shape)).astype(dtype)  # random output weights
    out.backward(gtorch.tensor(cotangent))
    expected.backward(torch.tensor(cotangent))
    for i, (mine, reference) in enumerate(zip(ours, theirs)):
        if reference.requires_grad:
            _assert_close(mine.grad, reference.grad, rtol, f"gradient of input {i}")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name, inputs, call", CASES, ids=[case[0] for case in CASES])
def test_loss_matches_pytorch(name, inputs, call, dtype):
    _compare(inputs, call, dtype, gtorch.nn.functional, torch.nn.functional)


# ----- modules: one call into the functional form, with PyTorch's settings, buffers and repr ----------

MODULE_CASES = [
    ("CrossEntropyLoss", [x(X4), fixed(TARGETS[4, True]), fixed(CLASS_WEIGHT)],
     lambda nn, i, t, w: nn.CrossEntropyLoss(weight=w, label_smoothing=0.1)(i, t)),
    ("CrossEntropyLoss/ignore_index", [x(X2), fixed(np.array([2, 0, 2, 4]))],
     lambda nn, i, t: nn.CrossEntropyLoss(ignore_index=2, reduction="sum")(i, t)),
    ("CrossEntropyLoss/probabilities", [x(X4), x(PROBS[4])], lambda nn, i, t: nn.CrossEntropyLoss()(i, t)),
    ("NLLLoss", [x(X4), fixed(TARGETS[4, True]), fixed(CLASS_WEIGHT)],
     lambda nn, i, t, w: nn.NLLLoss(w, reduction="none")(i, t)),
    ("MSELoss", [x(A), x(B)], lambda nn, i, t: nn.MSELoss()(i, t)),
    ("L1Loss", [x(A), x(B)], lambda nn, i, t: nn.L1Loss(reduction="sum")(i, t)),
    ("HuberLoss", [x(A), x(B)], lambda nn, i, t: nn.HuberLoss(delta=0.5)(i, t)),
    ("SmoothL1Loss", [x(A), x(B)], lambda nn, i, t: nn.SmoothL1Loss(beta=0.5, reduction="none")(i, t)),
    ("BCELoss", [x(P), x(Q), fixed(ELEMENT_WEIGHT[0])], lambda nn, i, t, w: nn.BCELoss(w)(i, t)),
    ("BCEWithLogitsLoss", [x(A), x(Q), fixed(ELEMENT_WEIGHT[:, :1]), fixed(ELEMENT_WEIGHT[1])],
     lambda nn, i, t, w, p: nn.BCEWithLogitsLoss(w, pos_weight=p)(i, t)),
    ("KLDivLoss", [x(np.log(PROBS[2])), x(np.log(_softmax(B, 1)))],
     lambda nn, i, t: nn.KLDivLoss(reduction="batchmean", log_target=True)(i, t)),
    ("SoftMarginLoss", [x(A), fixed(SIGNS)], lambda nn, i, t: nn.SoftMarginLoss()(i, t)),
]


@pytest.mark.parametrize("name, inputs, call", MODULE_CASES, ids=[case[0] for case in MODULE_CASES])
def test_module_matches_pytorch(name, inputs, call):
    _compare(inputs, call, np.float64, gtorch.nn, torch.nn)


# (module, constructor arguments): the settings PyTorch keeps as attributes, and the buffers it registers
SETTINGS = [
    ("CrossEntropyLoss", {}, ("reduction", "ignore_index", "label_smoothing")),
    ("CrossEntropyLoss", {"ignore_index": 3, "label_smoothing": 0.2, "reduction": "sum"},
     ("reduction", "ignore_index", "label_smoothing")),
    ("NLLLoss", {"ignore_index": 1}, ("reduction", "ignore_index")),
    ("MSELoss", {"reduction": "none"}, ("reduction",)),
    ("L1Loss", {}, ("reduction",)),
    ("HuberLoss", {"delta": 2.0}, ("reduction", "delta")),
    ("SmoothL1Loss", {"beta": 0.5}, ("reduction", "beta")),
    ("BCELoss", {}, ("reduction",)),
    ("BCEWithLogitsLoss", {}, ("reduction",)),
    ("KLDivLoss", {"reduction": "batchmean", "log_target": True}, ("reduction", "log_target")),
    ("SoftMarginLoss", {}, ("reduction",)),
]


@pytest.mark.parametrize("name, kwargs, attributes", SETTINGS, ids=[f"{s[0]}{s[1] or ''}" for s in SETTINGS])
def test_module_settings_buffers_and_repr_are_pytorchs(name, kwargs, attributes):
    ours, theirs = getattr(gtorch.nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert isinstance(ours, gtorch.nn.Module)
    assert repr(ours) == repr(theirs)
    for attribute in attributes:
        assert getattr(ours, attribute) == getattr(theirs, attribute), attribute
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert list(ours.state_dict()) == list(theirs.state_dict()) and not list(ours.parameters())


@pytest.mark.parametrize("name, buffers", [("CrossEntropyLoss", ("weight",)), ("NLLLoss", ("weight",)),
                                           ("BCELoss", ("weight",)), ("BCEWithLogitsLoss", ("weight", "pos_weight"))])
def test_weights_are_buffers_saved_and_converted_as_in_pytorch(name, buffers):
    values = {buffer: RNG.uniform(0.5, 2.0, C).astype(np.float32) for buffer in buffers}
    theirs = getattr(torch.nn, name)(**{k: torch.tensor(v) for k, v in values.items()})
    ours = getattr(gtorch.nn, name)(**{k: gtorch.tensor(v) for k, v in values.items()})
    assert list(ours.state_dict()) == list(theirs.state_dict()) == list(buffers)
    for key, value in ours.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), theirs.state_dict()[key].numpy())
        assert getattr(ours, key) is not None and not getattr(ours, key).requires_grad
    assert ours.double().weight.dtype == np.float64 and repr(ours) == repr(theirs)


LEGACY = [(None, False, "none"), (False, None, "sum"), (False, True, "sum"), (True, False, "none"),
          (True, None, "mean"), (False, False, "none")]


@pytest.mark.parametrize("size_average, reduce, reduction", LEGACY)
def test_deprecated_size_average_and_reduce_map_to_reduction_with_pytorchs_warning(size_average, reduce, reduction):
    for library in (gtorch, torch):
        message = f"please use reduction='{reduction}'"
        with pytest.warns(UserWarning, match=message):
            assert library.nn.MSELoss(size_average, reduce).reduction == reduction
        a, b = library.tensor(A), library.tensor(B)
        with pytest.warns(UserWarning, match=message):
            legacy = library.nn.functional.mse_loss(a, b, size_average, reduce, reduction="mean")
        with pytest.warns(UserWarning, match=message):
            legacy_ce = library.nn.functional.cross_entropy(
                a, library.tensor(TARGETS[2, False]), None, size_average, -100, reduce)
        assert np.allclose(legacy.numpy(), library.nn.functional.mse_loss(a, b, reduction=reduction).numpy())
        assert legacy_ce.shape == ((N,) if reduction == "none" else ())


def test_kl_div_warns_about_mean_as_pytorch_and_not_about_batchmean():
    log_q, target = gtorch.tensor(np.log(PROBS[2])), gtorch.tensor(_softmax(B, 1))
    with pytest.warns(UserWarning, match="batchmean"):
        gtorch.nn.functional.kl_div(log_q, target)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gtorch.nn.KLDivLoss(reduction="batchmean")(log_q, target)


# ----- errors: PyTorch's type where it has one, and a message naming what was wrong -----------------

LOGITS, LABELS = X2, TARGETS[2, False]
# (name, call on either library's F, the facade's error, a pattern of its message, PyTorch's error)
ERRORS = [
    ("float class targets", lambda t, F: F.cross_entropy(t.tensor(LOGITS), t.tensor(LABELS.astype(float))),
     RuntimeError, r"Long.*float64 of shape \(4,\).*probability targets must have the input's shape \(4, 5\)",
     RuntimeError),
    ("int32 class targets", lambda t, F: F.cross_entropy(t.tensor(LOGITS), t.tensor(LABELS, dtype=t.int32)),
     RuntimeError, "expected target dtype to be Long or Byte", RuntimeError),
    ("nll float targets", lambda t, F: F.nll_loss(t.tensor(LOGITS), t.tensor(LABELS.astype(float))),
     RuntimeError, "nll_loss: expected target dtype to be Long", RuntimeError),
    ("target too large", lambda t, F: F.cross_entropy(t.tensor(LOGITS), t.tensor([0, 5, 1, 2])),
     IndexError, r"Target 5 is out of bounds: the input has 5 classes, so targets must be in \[0, 4\]", IndexError),
    ("negative target", lambda t, F: F.nll_loss(t.tensor(X4), t.tensor(np.full((N, D1, D2), -3))),
     IndexError, "Target -3 is out of bounds.*ignore_index=-100", IndexError),
    ("batch size mismatch", lambda t, F: F.cross_entropy(t.tensor(LOGITS), t.tensor([0, 1, 2])),
     ValueError, r"input of shape \(4, 5\) \(5 classes on dim 1\) needs class-index targets of shape \(4,\), "
     r"got \(3,\)", ValueError),
    ("spatial shape mismatch", lambda t, F: F.cross_entropy(t.tensor(X4), t.tensor(np.zeros((N, D2, D1), int))),
     ValueError, r"shape \(4, 5, 3, 2\).*targets of shape \(4, 3, 2\), got \(4, 2, 3\)", RuntimeError),
    ("0-d input", lambda t, F: F.cross_entropy(t.tensor(1.0), t.tensor(0)), ValueError, "needs a class dim",
     RuntimeError),
    ("weight length", lambda t, F: F.cross_entropy(t.tensor(LOGITS), t.tensor(LABELS), t.ones(3)),
     ValueError, r"weight must hold one value per class, shape \(5,\), got \(3,\)", RuntimeError),
    ("label_smoothing range", lambda t, F: F.cross_entropy(t.tensor(LOGITS), t.tensor(LABELS), label_smoothing=1.5),
     ValueError, r"label_smoothing must be in \[0, 1\], got 1.5", RuntimeError),
    ("ignore_index with probabilities", lambda t, F: F.cross_entropy(t.tensor(LOGITS), t.tensor(PROBS[2]),
                                                                     ignore_index=1),
     ValueError, "ignore_index applies to class-index targets", RuntimeError),
    ("unknown reduction", lambda t, F: F.cross_entropy(t.tensor(LOGITS), t.tensor(LABELS), reduction="avg"),
     ValueError, r"cross_entropy: 'avg' is not a valid value for reduction; use one of \('none', 'mean', 'sum'\)",
     ValueError),
    ("unknown reduction in a module", lambda t, F: t.nn.MSELoss(reduction="batchmean")(t.tensor(A), t.tensor(B)),
     ValueError, "mse_loss: 'batchmean' is not a valid value for reduction", ValueError),
    ("kl_div reduction", lambda t, F: F.kl_div(t.tensor(A), t.tensor(B), reduction="avg"),
     ValueError, r"one of \('none', 'mean', 'sum', 'batchmean'\)", ValueError),
    ("bce shape mismatch", lambda t, F: F.binary_cross_entropy(t.tensor(P), t.tensor(Q[:, :1])),
     ValueError, r"input has shape \(4, 5\) but target has shape \(4, 1\)", ValueError),
    ("bce_with_logits shape mismatch", lambda t, F: F.binary_cross_entropy_with_logits(t.tensor(A), t.tensor(Q[0])),
     ValueError, r"input has shape \(4, 5\) but target has shape \(5,\)", ValueError),
    ("bce weight larger than the input", lambda t, F: F.binary_cross_entropy(
        t.tensor(P), t.tensor(Q), t.ones(N, C, 1)),
     ValueError, r"weight must have a shape that broadcasts to the input's \(4, 5\), got \(4, 5, 1\)", RuntimeError),
    ("pos_weight not broadcastable", lambda t, F: F.binary_cross_entropy_with_logits(
        t.tensor(A), t.tensor(Q), pos_weight=t.ones(N)),
     ValueError, r"pos_weight must have a shape that broadcasts to the input's \(4, 5\), got \(4,\)", RuntimeError),
    ("bce input not probabilities", lambda t, F: F.binary_cross_entropy(t.tensor(A), t.tensor(Q)),
     ValueError, r"input must be probabilities in \[0, 1\]", RuntimeError),
    ("mse weight shape", lambda t, F: F.mse_loss(t.tensor(A), t.tensor(B), weight=t.ones(C)),
     ValueError, r"weight must have the input's shape \(4, 5\), got \(5,\)", ValueError),
    ("huber delta", lambda t, F: F.huber_loss(t.tensor(A), t.tensor(B), delta=0.0),
     ValueError, "delta must be positive, got 0.0", RuntimeError),
    ("smooth_l1 beta", lambda t, F: F.smooth_l1_loss(t.tensor(A), t.tensor(B), beta=-1.0),
     ValueError, "beta must be >= 0, got -1.0", RuntimeError),
]


@pytest.mark.parametrize("name, call, error, match, torch_error", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_are_pytorchs_and_say_what_was_wrong(name, call, error, match, torch_error):
    with pytest.raises(error, match=match):
        call(gtorch, gtorch.nn.functional)
    with pytest.raises(torch_error):  # PyTorch refuses it too
        call(torch, torch.nn.functional)


def test_a_target_of_another_shape_is_refused_where_pytorch_would_broadcast_it():
    a, b = gtorch.tensor(A), gtorch.tensor(B[0])
    for loss in ("mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "kl_div", "soft_margin_loss"):
        with pytest.raises(ValueError, match=r"input has shape \(4, 5\) but target has shape \(5,\)"):
            getattr(gtorch.nn.functional, loss)(a, b, reduction="sum")
