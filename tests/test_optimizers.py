"""Optimizers: update formulas against PyTorch and against Keras's formulas, then the machinery.

Two oracles for the update rules. PyTorch, for every optimizer where its hyperparameters map
exactly onto Keras's; where Keras's formula differs from PyTorch's only in where epsilon sits
(Adam, AdamW, RMSprop, Adagrad, Adamax) the PyTorch comparison uses epsilon = 0, and a small NumPy
transcription of Keras's formula (below, `REFERENCES`) checks the epsilon placement with a large
epsilon, as well as what PyTorch cannot express (Lion, decoupled weight decay on every optimizer,
momentum under a changing learning rate). Each oracle run is 5 steps on the same three parameters
with a different gradient each step.
"""

import io
import json
import math
import tracemalloc

import numpy as np
import pytest

import gradwork as gw
from gradwork import optimizers
from gradwork.optimizers import schedules

SHAPES = [(3, 4), (4,), (2, 3, 2)]
STEPS = 5


def _problem(seed=0):
    rng = np.random.default_rng(seed)
    init = [rng.standard_normal(s) for s in SHAPES]
    grads = [[rng.standard_normal(s) for s in SHAPES] for _ in range(STEPS)]
    return init, grads


def _run_gradwork(opt, init, grads, dtype=np.float64, via="apply"):
    params = [gw.tensor(a.astype(dtype), requires_grad=True) for a in init]
    arrays = [p.data for p in params]
    for gs in grads:
        gs = [g.astype(dtype) for g in gs]
        if via == "apply":
            opt.apply(gs, params)
        elif via == "apply_gradients":
            opt.apply_gradients(zip(gs, params))
        else:
            for p, g in zip(params, gs):
                p.grad = gw.tensor(g)
            opt.step(params)
            opt.zero_grad(params)
    assert all(p.data is a for p, a in zip(params, arrays)), "parameters must be updated in place"
    return [p.data for p in params]


# ----- PyTorch as the oracle ---------------------------------------------------------------------
# (name, gradwork optimizer, torch optimizer class name, torch kwargs). Mappings: Keras's SGD
# velocity is -lr times PyTorch's buffer (the same steps at constant lr); RMSprop's rho is PyTorch's
# alpha; Nadam's 0.96**t momentum schedule is PyTorch's NAdam with momentum_decay=1.0; Adadelta is
# identical; the epsilon-sensitive ones run with epsilon = 0 (see the module docstring).
TORCH_CASES = [
    ("sgd", lambda: optimizers.SGD(0.1), "SGD", dict(lr=0.1)),
    ("sgd_momentum", lambda: optimizers.SGD(0.1, momentum=0.9), "SGD", dict(lr=0.1, momentum=0.9)),
    (
        "sgd_nesterov",
        lambda: optimizers.SGD(0.05, momentum=0.8, nesterov=True),
        "SGD",
        dict(lr=0.05, momentum=0.8, nesterov=True),
    ),
    ("adam", lambda: optimizers.Adam(0.01, epsilon=0.0), "Adam", dict(lr=0.01, eps=0.0)),
    (
        "adam_betas",
        lambda: optimizers.Adam(0.02, beta_1=0.8, beta_2=0.9, epsilon=0.0),
        "Adam",
        dict(lr=0.02, betas=(0.8, 0.9), eps=0.0),
    ),
    (
        "adam_amsgrad",
        lambda: optimizers.Adam(0.01, epsilon=0.0, amsgrad=True),
        "Adam",
        dict(lr=0.01, eps=0.0, amsgrad=True),
    ),
    (
        "adamw",
        lambda: optimizers.AdamW(0.01, weight_decay=0.1, epsilon=0.0),
        "AdamW",
        dict(lr=0.01, weight_decay=0.1, eps=0.0),
    ),
    ("rmsprop", lambda: optimizers.RMSprop(0.01, epsilon=0.0), "RMSprop", dict(lr=0.01, alpha=0.9, eps=0.0)),
    (
        "rmsprop_centered_momentum",
        lambda: optimizers.RMSprop(0.01, rho=0.8, momentum=0.5, centered=True, epsilon=0.0),
        "RMSprop",
        dict(lr=0.01, alpha=0.8, momentum=0.5, centered=True, eps=0.0),
    ),
    (
        "adagrad",
        lambda: optimizers.Adagrad(0.1, epsilon=0.0),
        "Adagrad",
        dict(lr=0.1, initial_accumulator_value=0.1, eps=0.0),
    ),
    (
        "adagrad_accumulator",
        lambda: optimizers.Adagrad(0.1, initial_accumulator_value=0.5, epsilon=0.0),
        "Adagrad",
        dict(lr=0.1, initial_accumulator_value=0.5, eps=0.0),
    ),
    ("nadam", lambda: optimizers.Nadam(0.01), "NAdam", dict(lr=0.01, eps=1e-7, momentum_decay=1.0)),
    ("adamax", lambda: optimizers.Adamax(0.01, epsilon=0.0), "Adamax", dict(lr=0.01, eps=0.0)),
    ("adadelta", lambda: optimizers.Adadelta(1.0), "Adadelta", dict(lr=1.0, rho=0.95, eps=1e-7)),
]


@pytest.fixture(scope="module")
def torch():
    torch = pytest.importorskip("torch")
    previous = torch.get_default_dtype()
    # float64 scalars: PyTorch's NAdam keeps its running momentum product in the default dtype
    torch.set_default_dtype(torch.float64)
    yield torch
    torch.set_default_dtype(previous)


def _run_torch(torch, cls_name, kwargs, init, grads):
    params = [torch.tensor(a, requires_grad=True) for a in init]
    opt = getattr(torch.optim, cls_name)(params, foreach=False, **kwargs)
    for gs in grads:
        for p, g in zip(params, gs):
            p.grad = torch.tensor(g)
        opt.step()
    return [p.detach().numpy() for p in params]


@pytest.mark.parametrize("name, make, torch_cls, torch_kwargs", TORCH_CASES, ids=[c[0] for c in TORCH_CASES])
@pytest.mark.parametrize("via", ["apply", "step"])
def test_matches_torch_float64(torch, name, make, torch_cls, torch_kwargs, via):
    init, grads = _problem()
    got = _run_gradwork(make(), init, grads, via=via)
    want = _run_torch(torch, torch_cls, torch_kwargs, init, grads)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name, make, torch_cls, torch_kwargs", TORCH_CASES, ids=[c[0] for c in TORCH_CASES])
def test_matches_torch_float32(torch, name, make, torch_cls, torch_kwargs):
    init, grads = _problem(1)
    got = _run_gradwork(make(), init, grads, dtype=np.float32)
    want = _run_torch(torch, torch_cls, torch_kwargs, init, grads)
    for g, w in zip(got, want):
        assert g.dtype == np.float32
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)


def test_adamw_is_not_adam_with_l2(torch):
    """AdamW's decay bypasses Adam's normalisation: it matches torch AdamW, not torch Adam's L2 term."""
    init, grads = _problem(2)
    got = _run_gradwork(optimizers.AdamW(0.01, weight_decay=0.5, epsilon=0.0), init, grads)
    decoupled = _run_torch(torch, "AdamW", dict(lr=0.01, weight_decay=0.5, eps=0.0), init, grads)
    l2 = _run_torch(torch, "Adam", dict(lr=0.01, weight_decay=0.5, eps=0.0), init, grads)
    for g, d, c in zip(got, decoupled, l2):
        np.testing.assert_allclose(g, d, rtol=1e-10, atol=1e-12)
        assert np.abs(g - c).max() > 1e-4


# ----- Keras's formulas, transcribed ------------------------------------------------------------
def _ref_sgd(w, g, s, lr, t, momentum=0.0, nesterov=False):
    if momentum == 0:
        return w - lr * g
    s["v"] = momentum * s.get("v", 0.0) - lr * g
    return w + momentum * s["v"] - lr * g if nesterov else w + s["v"]


def _ref_adam(w, g, s, lr, t, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, weight_decay=None):
    s["m"] = s.get("m", 0.0) + (g - s.get("m", 0.0)) * (1 - beta_1)
    s["v"] = s.get("v", 0.0) + (g * g - s.get("v", 0.0)) * (1 - beta_2)
    v = s["v"]
    if amsgrad:
        v = s["vhat"] = np.maximum(s.get("vhat", 0.0), s["v"])
    alpha = lr * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return w - s["m"] * alpha / (np.sqrt(v) + epsilon)


def _ref_rmsprop(w, g, s, lr, t, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    s["v"] = rho * s.get("v", 0.0) + (1 - rho) * g * g
    denominator = s["v"] + epsilon
    if centered:
        s["a"] = rho * s.get("a", 0.0) + (1 - rho) * g
        denominator = s["v"] - s["a"] ** 2 + epsilon
    increment = lr * g / np.sqrt(denominator)
    if momentum > 0:
        s["b"] = momentum * s.get("b", 0.0) + increment
        return w - s["b"]
    return w - increment


def _ref_adagrad(w, g, s, lr, t, initial_accumulator_value=0.1, epsilon=1e-7):
    s["acc"] = s.get("acc", initial_accumulator_value) + g * g
    return w - lr * g / np.sqrt(s["acc"] + epsilon)


def _ref_nadam(w, g, s, lr, t, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    u_t = beta_1 * (1 - 0.5 * 0.96**t)
    u_next = beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
    if s.get("t") != t:  # the running product advances once per step, not per parameter
        s["t"], s["prod"] = t, s.get("prod", 1.0) * u_t
    s["m"] = s.get("m", 0.0) + (g - s.get("m", 0.0)) * (1 - beta_1)
    s["v"] = s.get("v", 0.0) + (g * g - s.get("v", 0.0)) * (1 - beta_2)
    m_hat = u_next * s["m"] / (1 - s["prod"] * u_next) + (1 - u_t) * g / (1 - s["prod"])
    v_hat = s["v"] / (1 - beta_2**t)
    return w - m_hat * lr / (np.sqrt(v_hat) + epsilon)


def _ref_adamax(w, g, s, lr, t, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    s["m"] = s.get("m", 0.0) + (g - s.get("m", 0.0)) * (1 - beta_1)
    s["u"] = np.maximum(beta_2 * s.get("u", 0.0), np.abs(g))
    return w - lr * s["m"] / ((1 - beta_1**t) * (s["u"] + epsilon))


def _ref_adadelta(w, g, s, lr, t, rho=0.95, epsilon=1e-7):
    s["a"] = rho * s.get("a", 0.0) + (1 - rho) * g * g
    delta = -np.sqrt(s.get("d", 0.0) + epsilon) / np.sqrt(s["a"] + epsilon) * g
    s["d"] = rho * s.get("d", 0.0) + (1 - rho) * delta * delta
    return w + lr * delta


def _ref_lion(w, g, s, lr, t, beta_1=0.9, beta_2=0.99):
    m = s.get("m", 0.0)
    w = w - lr * np.sign(m * beta_1 + g * (1 - beta_1))
    s["m"] = m * beta_2 + g * (1 - beta_2)
    return w


def _run_reference(ref, hp, init, grads, lrs, weight_decay=None):
    ws = [a.copy() for a in init]
    states = [{} for _ in init]
    shared = {}  # Nadam's optimizer-wide product
    for t, (gs, lr) in enumerate(zip(grads, lrs), start=1):
        for k, g in enumerate(gs):
            if weight_decay:
                ws[k] = ws[k] - ws[k] * weight_decay * lr
            s = states[k]
            s.update({key: shared[key] for key in ("t", "prod") if key in shared})
            ws[k] = ref(ws[k], g, s, lr, t, **hp)
            shared.update({key: s[key] for key in ("t", "prod") if key in s})
    return ws


DECAY = schedules.ExponentialDecay(0.05, decay_steps=2, decay_rate=0.5)
# (id, optimizer class, its kwargs, reference, the reference's hyperparameters)
REFERENCE_CASES = [
    ("sgd_default", optimizers.SGD, {}, _ref_sgd, {}),
    (
        "sgd_momentum_schedule",
        optimizers.SGD,
        dict(learning_rate=DECAY, momentum=0.9),
        _ref_sgd,
        dict(momentum=0.9),
    ),
    (
        "sgd_nesterov_weight_decay",
        optimizers.SGD,
        dict(learning_rate=0.1, momentum=0.5, nesterov=True, weight_decay=0.3),
        _ref_sgd,
        dict(momentum=0.5, nesterov=True),
    ),
    ("adam_default", optimizers.Adam, {}, _ref_adam, {}),
    ("adam_big_epsilon", optimizers.Adam, dict(learning_rate=0.1, epsilon=0.3), _ref_adam, dict(epsilon=0.3)),
    (
        "adam_amsgrad_schedule",
        optimizers.Adam,
        dict(learning_rate=DECAY, epsilon=0.3, amsgrad=True),
        _ref_adam,
        dict(epsilon=0.3, amsgrad=True),
    ),
    ("adamw_default", optimizers.AdamW, {}, _ref_adam, {}),
    (
        "adamw_big",
        optimizers.AdamW,
        dict(learning_rate=0.1, weight_decay=0.5, epsilon=0.3),
        _ref_adam,
        dict(epsilon=0.3),
    ),
    ("rmsprop_default", optimizers.RMSprop, {}, _ref_rmsprop, {}),
    (
        "rmsprop_all",
        optimizers.RMSprop,
        dict(learning_rate=DECAY, rho=0.7, momentum=0.5, epsilon=0.3, centered=True),
        _ref_rmsprop,
        dict(rho=0.7, momentum=0.5, epsilon=0.3, centered=True),
    ),
    ("adagrad_default", optimizers.Adagrad, {}, _ref_adagrad, {}),
    (
        "adagrad_big_epsilon",
        optimizers.Adagrad,
        dict(learning_rate=0.1, initial_accumulator_value=0.0, epsilon=0.3),
        _ref_adagrad,
        dict(initial_accumulator_value=0.0, epsilon=0.3),
    ),
    ("nadam_default", optimizers.Nadam, {}, _ref_nadam, {}),
    (
        "nadam_big_epsilon",
        optimizers.Nadam,
        dict(learning_rate=0.1, beta_1=0.8, epsilon=0.3),
        _ref_nadam,
        dict(beta_1=0.8, epsilon=0.3),
    ),
    ("adamax_default", optimizers.Adamax, {}, _ref_adamax, {}),
    (
        "adamax_big_epsilon",
        optimizers.Adamax,
        dict(learning_rate=0.1, epsilon=0.3),
        _ref_adamax,
        dict(epsilon=0.3),
    ),
    ("adadelta_default", optimizers.Adadelta, {}, _ref_adadelta, {}),
    (
        "adadelta_big_epsilon",
        optimizers.Adadelta,
        dict(learning_rate=1.0, rho=0.5, epsilon=0.3),
        _ref_adadelta,
        dict(rho=0.5, epsilon=0.3),
    ),
    ("lion_default", optimizers.Lion, {}, _ref_lion, {}),
    (
        "lion_weight_decay",
        optimizers.Lion,
        dict(learning_rate=0.01, beta_1=0.5, beta_2=0.9, weight_decay=1.0),
        _ref_lion,
        dict(beta_1=0.5, beta_2=0.9),
    ),
]


@pytest.mark.parametrize("name, cls, kwargs, ref, hp", REFERENCE_CASES, ids=[c[0] for c in REFERENCE_CASES])
def test_matches_keras_formula(name, cls, kwargs, ref, hp):
    init, grads = _problem(3)
    opt = cls(**kwargs)
    lr = opt._learning_rate
    lrs = [lr(t) if callable(lr) else lr for t in range(STEPS)]
    want = _run_reference(ref, hp, init, grads, lrs, weight_decay=opt.weight_decay)
    got = _run_gradwork(opt, init, grads, via="apply_gradients")
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14)
    assert opt.iterations == STEPS


# ----- dtype, in place, no allocation --------------------------------------------------------------
ALL = [
    lambda: optimizers.SGD(momentum=0.9, nesterov=True),
    lambda: optimizers.Adam(amsgrad=True),
    optimizers.AdamW,
    lambda: optimizers.RMSprop(momentum=0.5, centered=True),
    optimizers.Adagrad,
    optimizers.Nadam,
    optimizers.Adamax,
    optimizers.Adadelta,
    optimizers.Lion,
]
ALL_IDS = ["sgd", "adam", "adamw", "rmsprop", "adagrad", "nadam", "adamax", "adadelta", "lion"]


@pytest.mark.parametrize("make", ALL, ids=ALL_IDS)
def test_float32_state_and_in_place(make):
    init, grads = _problem(4)
    opt = make()
    params = [gw.tensor(a.astype(np.float32), requires_grad=True) for a in init]
    arrays = [p.data for p in params]
    for gs in grads:
        opt.apply([gw.tensor(g.astype(np.float32)) for g in gs], params)
    for p, a in zip(params, arrays):
        assert p.data is a and a.dtype == np.float32
    assert opt.variables, "every optimizer here keeps state"
    for key, value in opt.get_state().items():
        if "/" in key:
            assert value.dtype == np.float32, key
    # float64 gradients for float32 parameters are cast, not promoted
    opt.apply([g for g in grads[0]], params)
    assert all(p.data is a and a.dtype == np.float32 for p, a in zip(params, arrays))


@pytest.mark.parametrize("make", ALL, ids=ALL_IDS)
def test_step_allocates_no_arrays(make):
    """After the first step, a step allocates no parameter-sized arrays (state and scratch are reused)."""
    rng = np.random.default_rng(5)
    params = [
        gw.tensor(rng.standard_normal((200, 250)).astype(np.float32)),
        gw.tensor(np.zeros(250, np.float32)),
    ]
    grads = [rng.standard_normal(p.shape).astype(np.float32) for p in params]
    opt = make()
    opt.apply(grads, params)
    tracemalloc.start()
    opt.apply(grads, params)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 0.05 * params[0].data.nbytes, f"a step allocated {peak} bytes"


def test_views_stay_views():
    """Parameters that are views of one buffer (as a model may hold) keep sharing it."""
    flat = np.zeros(10, dtype=np.float32)
    a, b = gw.from_numpy(flat[:6].reshape(2, 3)), gw.from_numpy(flat[6:])
    opt = optimizers.Adam(0.1)
    opt.apply([np.ones((2, 3), np.float32), -np.ones(4, np.float32)], [a, b])
    assert np.all(flat[:6] < 0) and np.all(flat[6:] > 0)
    assert a.data.base is flat and b.data.base is flat


# ----- learning rate and schedules ------------------------------------------------------------------
def test_schedule_drives_learning_rate():
    lr = schedules.PiecewiseConstantDecay([1, 3], [0.5, 0.1, 0.01])
    opt = optimizers.SGD(learning_rate=lr)
    w = gw.tensor(np.zeros(2))
    seen = []
    for t in range(5):
        assert opt.learning_rate == lr(t)
        before = w.data.copy()
        opt.apply([np.ones(2)], [w])
        seen.append(float(before[0] - w.data[0]))
    np.testing.assert_allclose(seen, [0.5, 0.5, 0.1, 0.1, 0.01])


def test_learning_rate_is_settable():
    opt = optimizers.SGD(learning_rate=0.1)
    w = gw.tensor(np.zeros(1))
    opt.apply([np.ones(1)], [w])
    opt.learning_rate = 0.01  # what ReduceLROnPlateau does
    assert opt.learning_rate == 0.01 and opt.get_config()["learning_rate"] == 0.01
    opt.apply([np.ones(1)], [w])
    np.testing.assert_allclose(w.data, [-0.11])
    opt.learning_rate = schedules.ExponentialDecay(1.0, 1, 0.5)
    assert opt.learning_rate == 0.25  # evaluated at iterations == 2
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        opt.learning_rate = 0.1
    with pytest.raises(TypeError, match="learning_rate"):
        optimizers.Adam(learning_rate="fast")
    with pytest.raises(ValueError, match="> 0"):
        optimizers.Adam(learning_rate=-1.0)


def test_callable_learning_rate():
    value = [0.5]
    opt = optimizers.SGD(learning_rate=lambda: value[0])
    w = gw.tensor(np.zeros(1))
    opt.apply([np.ones(1)], [w])
    value[0] = 0.25
    opt.apply([np.ones(1)], [w])
    np.testing.assert_allclose(w.data, [-0.75])


# ----- clipping -----------------------------------------------------------------------------------
def _clip_case():
    grads = [np.array([3.0, 4.0]), np.array([0.3, 0.4]), np.array([[-6.0, 8.0]])]  # norms 5, 0.5, 10
    params = [gw.tensor(np.zeros(g.shape)) for g in grads]
    return grads, params


def test_clipnorm_per_variable():
    grads, params = _clip_case()
    copies = [g.copy() for g in grads]
    optimizers.SGD(1.0, clipnorm=1.0).apply(grads, params)
    np.testing.assert_allclose(params[0].data, [-0.6, -0.8])
    np.testing.assert_allclose(params[1].data, [-0.3, -0.4])  # under the norm: untouched
    np.testing.assert_allclose(params[2].data, [[0.6, -0.8]])
    for g, c in zip(grads, copies):
        np.testing.assert_array_equal(g, c)  # the caller's arrays are not written


def test_global_clipnorm():
    grads, params = _clip_case()
    copies = [g.copy() for g in grads]
    optimizers.SGD(1.0, global_clipnorm=2.0).apply([gw.tensor(g) for g in grads], params)
    total = math.sqrt(25 + 0.25 + 100)
    for p, g in zip(params, copies):
        np.testing.assert_allclose(p.data, -g * 2.0 / total)
    for g, c in zip(grads, copies):
        np.testing.assert_array_equal(g, c)
    # under the limit nothing changes; a non-finite gradient is refused before any weight changes
    p = gw.tensor(np.zeros(2))
    optimizers.SGD(1.0, global_clipnorm=100.0).apply([np.array([3.0, 4.0])], [p])
    np.testing.assert_allclose(p.data, [-3.0, -4.0])
    q = gw.tensor(np.zeros(2))
    with pytest.raises(FloatingPointError, match="gradient of variable 0, .* NaN or infinite"):
        optimizers.SGD(1.0, global_clipnorm=1.0).apply([np.array([np.inf, 1.0]), np.array([1.0, 1.0])], [p, q])
    np.testing.assert_array_equal(q.data, [0.0, 0.0])


def test_global_clipnorm_matches_torch(torch):
    grads, params = _clip_case()
    tp = [torch.zeros(g.shape, requires_grad=True) for g in grads]
    for p, g in zip(tp, grads):
        p.grad = torch.tensor(g)
    torch.nn.utils.clip_grad_norm_(tp, 2.0)
    optimizers.SGD(1.0, global_clipnorm=2.0).apply(grads, params)
    for p, t in zip(params, tp):
        np.testing.assert_allclose(p.data, -t.grad.numpy(), rtol=1e-5)  # torch adds 1e-6 to the norm


def test_clipvalue():
    grads, params = _clip_case()
    copies = [g.copy() for g in grads]
    optimizers.SGD(1.0, clipvalue=0.5).apply(grads, params)
    for p, g in zip(params, copies):
        np.testing.assert_allclose(p.data, -np.clip(g, -0.5, 0.5))
    for g, c in zip(grads, copies):
        np.testing.assert_array_equal(g, c)


def test_only_one_clipping_argument():
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.Adam(clipnorm=1.0, clipvalue=1.0)


# ----- weight decay -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cls",
    [
        optimizers.SGD,
        optimizers.Adam,
        optimizers.RMSprop,
        optimizers.Adagrad,
        optimizers.Nadam,
        optimizers.Adamax,
        optimizers.Adadelta,
        optimizers.Lion,
    ],
)
def test_weight_decay_is_decoupled(cls):
    """One step with weight decay == shrink w by lr * weight_decay * w, then the step without decay."""
    init, grads = _problem(6)
    decayed = _run_gradwork(cls(learning_rate=0.1, weight_decay=0.2), init, grads[:1])
    shrunk = [a - a * 0.2 * 0.1 for a in init]
    plain = _run_gradwork(cls(learning_rate=0.1), shrunk, grads[:1])
    for d, p in zip(decayed, plain):
        np.testing.assert_allclose(d, p, rtol=1e-12, atol=1e-15)


def test_exclude_from_weight_decay():
    class Named(gw.Tensor):
        pass

    kernel, bias, other = Named(np.ones(2)), Named(np.ones(2)), gw.tensor(np.ones(2))
    kernel.name, bias.name = "dense/kernel", "dense/bias"
    opt = optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_list=[other], var_names=["bias"])
    zero = np.zeros(2)
    opt.apply([zero, zero, zero], [kernel, bias, other])
    np.testing.assert_allclose(kernel.data, 0.95)
    np.testing.assert_allclose(bias.data, 1.0)
    np.testing.assert_allclose(other.data, 1.0)
    with pytest.raises(ValueError, match="before"):
        opt.exclude_from_weight_decay(var_names=["kernel"])


def test_adamw_needs_weight_decay():
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)


# ----- state -------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", ALL, ids=ALL_IDS)
def test_state_round_trip_resumes_bit_for_bit(make):
    init, grads = _problem(7)
    params = [gw.tensor(a.astype(np.float32)) for a in init]
    grads = [[g.astype(np.float32) for g in gs] for gs in grads]
    opt = make()
    for gs in grads[:3]:
        opt.apply(gs, params)
    state = opt.get_state()
    keys = list(state)
    assert keys[0] == "iterations" and int(state["iterations"]) == 3
    slot_keys = [k for k in keys if "/" in k]
    assert [int(k.split("/")[0]) for k in slot_keys] == sorted(int(k.split("/")[0]) for k in slot_keys)
    saved_params = [p.data.copy() for p in params]

    buffer = io.BytesIO()  # through an .npz file, as model saving would
    np.savez(buffer, **state)
    buffer.seek(0)
    config = json.loads(json.dumps(optimizers.serialize(opt)))
    clone = optimizers.deserialize(config)
    clone.set_state(np.load(buffer))  # before the clone has seen any variable
    clone_params = [gw.tensor(a) for a in saved_params]
    for gs in grads[3:]:
        opt.apply(gs, params)
        clone.apply(gs, clone_params)
    for p, c in zip(params, clone_params):
        np.testing.assert_array_equal(p.data, c.data)
    assert clone.iterations == opt.iterations == STEPS
    for k, v in opt.get_state().items():
        np.testing.assert_array_equal(clone.get_state()[k], v)

    opt.set_state(state)  # on a built optimizer: restored in place
    live = opt.variables
    assert int(opt.get_state()["iterations"]) == 3
    opt.set_state(opt.get_state())
    assert all(a is b for a, b in zip(live, opt.variables))


def test_set_state_errors():
    w = gw.tensor(np.zeros(3))
    opt = optimizers.Adam()
    opt.apply([np.ones(3)], [w])
    state = opt.get_state()
    with pytest.raises(ValueError, match="iterations"):
        opt.set_state({k: v for k, v in state.items() if k != "iterations"})
    with pytest.raises(ValueError, match="unexpected keys"):
        optimizers.SGD(momentum=0.9).set_state({**state})
    with pytest.raises(ValueError, match="shape"):
        opt.set_state({**state, "0/momentum": np.zeros(4)})
    with pytest.raises(ValueError, match="tracks 1 variables"):
        opt.set_state({"iterations": np.array(0)})
    fresh = optimizers.Adam()
    fresh.set_state(state)
    assert fresh.get_state().keys() == state.keys()  # loaded but not yet used: saved again unchanged
    with pytest.raises(ValueError, match="shape"):
        fresh.apply([np.ones(4)], [gw.tensor(np.zeros(4))])
    w2 = gw.tensor(np.zeros(3))  # the loaded state is still there for the right variable
    fresh.apply([np.ones(3)], [w2])
    opt.set_state(state)
    opt.apply([np.ones(3)], [w])
    np.testing.assert_array_equal(fresh.get_state()["0/velocity"], opt.get_state()["0/velocity"])


def test_variables_listing():
    opt = optimizers.Adam(amsgrad=True)
    a, b = gw.tensor(np.zeros((2, 2), np.float32)), gw.tensor(np.zeros(3, np.float32))
    opt.build([a, b])
    assert [v.shape for v in opt.variables] == [(2, 2)] * 3 + [(3,)] * 3
    assert list(opt.get_state()) == [
        "iterations",
        "0/momentum",
        "0/velocity",
        "0/velocity_hat",
        "1/momentum",
        "1/velocity",
        "1/velocity_hat",
    ]
    assert "u_product" in optimizers.Nadam().get_state()


# ----- step / zero_grad / apply details -----------------------------------------------------------------
def test_step_skips_parameters_without_grad():
    a, b = gw.tensor(np.ones(2), requires_grad=True), gw.tensor(np.ones(2), requires_grad=True)
    opt = optimizers.Adam(0.1)
    (a * 3.0).sum().backward()
    opt.step([a, b])
    assert opt.iterations == 1
    np.testing.assert_allclose(b.data, 1.0)
    assert np.all(a.data < 1.0)
    assert not opt.get_state()["1/momentum"].any()
    opt.zero_grad([a, b])
    assert a.grad is None and b.grad is None
    opt.step([a, b])  # no gradient at all: nothing happens
    assert opt.iterations == 1
    opt.apply([None, None], [a, b])
    assert opt.iterations == 1


def test_step_without_arguments_uses_built_variables():
    a = gw.tensor(np.ones(2), requires_grad=True)
    opt = optimizers.SGD(0.5)
    opt.build([a])
    a.sum().backward()
    opt.step()
    np.testing.assert_allclose(a.data, 0.5)
    opt.zero_grad()
    assert a.grad is None
    opt.apply([np.ones(2)])  # grads only: the built variables, in order
    np.testing.assert_allclose(a.data, 0.0)


def test_apply_errors():
    opt = optimizers.SGD()
    with pytest.raises(ValueError, match="build"):
        opt.apply([np.ones(2)])
    with pytest.raises(ValueError, match="2 gradients for 1 variables"):
        opt.apply([np.ones(2), np.ones(2)], [gw.tensor(np.ones(2))])
    with pytest.raises(ValueError, match="shape"):
        opt.apply([np.ones(3)], [gw.tensor(np.ones(2))])
    with pytest.raises(TypeError, match="floating point"):
        opt.apply([np.ones(2)], [gw.tensor(np.ones(2, dtype=np.int64))])
    with pytest.raises(TypeError, match="Tensors or ndarrays"):
        opt.apply([np.ones(2)], [[1.0, 2.0]])


def test_apply_gradients_returns_iterations_and_accepts_new_variables():
    opt = optimizers.SGD(0.1)
    a, b = gw.tensor(np.zeros(1)), gw.tensor(np.zeros(1))
    assert opt.apply_gradients([(np.ones(1), a)]) == 1
    assert opt.apply_gradients([(np.ones(1), a), (np.ones(1), b)]) == 2
    np.testing.assert_allclose([a.data[0], b.data[0]], [-0.2, -0.1])


def test_linear_regression_converges():
    rng = np.random.default_rng(8)
    x = rng.standard_normal((128, 3)).astype(np.float32)
    true_w = np.array([[1.5], [-2.0], [0.5]], np.float32)
    y = x @ true_w + 0.7
    for opt in [optimizers.Adam(learning_rate=0.05), optimizers.SGD(learning_rate=0.1, momentum=0.9)]:
        w = gw.tensor(np.zeros((3, 1), np.float32), requires_grad=True)
        b = gw.tensor(np.zeros(1, np.float32), requires_grad=True)
        for _ in range(300):
            loss = ((gw.tensor(x) @ w + b - gw.tensor(y)) ** 2).mean()
            loss.backward()
            opt.step([w, b])
            opt.zero_grad([w, b])
        assert loss.item() < 1e-4, type(opt).__name__
        np.testing.assert_allclose(w.data, true_w, atol=1e-2)
        np.testing.assert_allclose(b.data, [0.7], atol=1e-2)


# ----- names, defaults, configs -------------------------------------------------------------------
KERAS_DEFAULTS = {
    optimizers.SGD: dict(learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD"),
    optimizers.Adam: dict(
        learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, name="adam"
    ),
    optimizers.AdamW: dict(
        learning_rate=0.001,
        weight_decay=0.004,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        name="adamw",
    ),
    optimizers.RMSprop: dict(
        learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, name="rmsprop"
    ),
    optimizers.Adagrad: dict(
        learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, name="adagrad"
    ),
    optimizers.Nadam: dict(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name="nadam"),
    optimizers.Adamax: dict(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name="adamax"),
    optimizers.Adadelta: dict(learning_rate=0.001, rho=0.95, epsilon=1e-7, name="adadelta"),
    optimizers.Lion: dict(learning_rate=0.001, beta_1=0.9, beta_2=0.99, name="lion"),
}


@pytest.mark.parametrize("cls", list(KERAS_DEFAULTS), ids=lambda c: c.__name__)
def test_keras_defaults_and_config_round_trip(cls):
    opt = cls()
    config = opt.get_config()
    for key, value in KERAS_DEFAULTS[cls].items():
        assert config[key] == value, key
    assert config["clipnorm"] is None and config["clipvalue"] is None and config["global_clipnorm"] is None
    clone = cls.from_config(json.loads(json.dumps(config)))
    assert type(clone) is cls and clone.get_config() == config


def test_config_with_schedule():
    lr = schedules.CosineDecay(0.1, 100, alpha=0.1, warmup_target=0.2, warmup_steps=10)
    opt = optimizers.Adam(learning_rate=lr, clipnorm=1.0)
    config = json.loads(json.dumps(optimizers.serialize(opt)))
    clone = optimizers.deserialize(config)
    assert isinstance(clone._learning_rate, schedules.CosineDecay)
    assert clone._learning_rate.get_config() == lr.get_config() and clone.clipnorm == 1.0


def test_get():
    for name, cls in [
        ("sgd", optimizers.SGD),
        ("SGD", optimizers.SGD),
        ("adam", optimizers.Adam),
        ("adamw", optimizers.AdamW),
        ("AdamW", optimizers.AdamW),
        ("rmsprop", optimizers.RMSprop),
        ("RMSprop", optimizers.RMSprop),
        ("adagrad", optimizers.Adagrad),
        ("nadam", optimizers.Nadam),
        ("adamax", optimizers.Adamax),
        ("adadelta", optimizers.Adadelta),
        ("lion", optimizers.Lion),
    ]:
        assert type(optimizers.get(name)) is cls
    opt = optimizers.Adam()
    assert optimizers.get(opt) is opt
    assert optimizers.get(None) is None
    assert type(optimizers.get(optimizers.RMSprop)) is optimizers.RMSprop
    got = optimizers.get({"class_name": "SGD", "config": {"learning_rate": 0.5, "momentum": 0.9}})
    assert got.learning_rate == 0.5 and got.momentum == 0.9
    with pytest.raises(ValueError, match="Unknown optimizer: 'adamm'.*'adam'.*'sgd'"):
        optimizers.get("adamm")
    with pytest.raises(TypeError, match="expected a name.*got int"):
        optimizers.get(3)
    with pytest.raises(ValueError, match="class_name"):
        optimizers.get({"config": {}})


def test_custom_objects():
    class Mine(optimizers.SGD):
        pass

    config = optimizers.serialize(Mine(0.3))
    assert type(optimizers.deserialize(config, custom_objects={"Mine": Mine})) is Mine


def test_argument_checks():
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="beta_1"):
        optimizers.Lion(beta_1=0.0)
    with pytest.raises(TypeError, match="clipnorm"):
        optimizers.SGD(clipnorm="big")


def test_learning_rate_schedule_says_what_the_optimizer_holds():
    lr = schedules.ExponentialDecay(1.0, 1, 0.5)
    assert optimizers.SGD(learning_rate=lr).learning_rate_schedule is lr
    fn = lambda: 0.5  # noqa: E731
    assert optimizers.Adam(learning_rate=fn).learning_rate_schedule is fn
    assert optimizers.Adam(learning_rate=0.1).learning_rate_schedule is None


def test_writing_an_optimizer_with_the_public_hooks():
    """The example in `Optimizer`'s docstring: slots by name, named constants, shared kwargs, config."""

    class HeavyBall(optimizers.Optimizer):
        hyperparameter_names = ("momentum",)

        def __init__(self, learning_rate=0.01, momentum=0.9, name="heavy_ball", **kwargs):
            super().__init__(learning_rate, name=name, **kwargs)
            self.momentum = momentum

        def slot_specs(self):
            return {"velocity": 0.0}

        def update_step(self, gradient, variable, state, constants):
            v = state.slots["velocity"]
            v *= self.momentum
            v += gradient
            variable -= np.multiply(v, constants.learning_rate, out=state.scratch[0])

    init, grads = _problem(9)
    got = _run_gradwork(HeavyBall(0.1, momentum=0.5, clipvalue=10.0), init, grads)
    want, v = [a.copy() for a in init], [np.zeros(s) for s in SHAPES]
    for gs in grads:
        for w, vel, g in zip(want, v, gs):
            vel *= 0.5
            vel += g
            w -= 0.1 * vel
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12)
    config = HeavyBall(0.1, momentum=0.5, clipvalue=10.0).get_config()
    assert config["momentum"] == 0.5 and config["clipvalue"] == 10.0 and config["name"] == "heavy_ball"
    assert HeavyBall.from_config(config).get_config() == config


# ----- a step that fails changes nothing; Keras's positional arguments ------------------------------
@pytest.mark.parametrize("cls", [optimizers.SGD, optimizers.Adam, optimizers.Nadam, optimizers.RMSprop])
def test_a_step_that_fails_its_checks_changes_nothing(cls):
    w0, w1 = np.ones(3), np.ones((2, 2))
    opt = cls(learning_rate=0.1)
    opt.apply([np.full(3, 0.5), np.full((2, 2), 0.5)], [w0, w1])        # one good step builds the state
    before = (w0.copy(), w1.copy(), opt.get_state())
    bad_gradients = ([np.ones(3), np.ones(5)], [np.ones(3), np.ones((2, 2), dtype=complex)], [np.ones(3)])
    for grads in bad_gradients:                                          # the bad one is not the first
        with pytest.raises((ValueError, TypeError)):
            opt.apply(grads, [w0, w1])
    np.testing.assert_array_equal(w0, before[0])
    np.testing.assert_array_equal(w1, before[1])
    after = opt.get_state()
    assert after.keys() == before[2].keys()
    for key in after:
        np.testing.assert_array_equal(after[key], before[2][key])
    # and the next good step is the one a fresh optimizer with the same history takes
    twin_w0, twin_w1, twin = np.ones(3), np.ones((2, 2)), cls(learning_rate=0.1)
    for opt_, ws in ((opt, (w0, w1)), (twin, (twin_w0, twin_w1))):
        if opt_ is twin:
            twin.apply([np.full(3, 0.5), np.full((2, 2), 0.5)], list(ws))
        opt_.apply([np.full(3, 0.25), np.full((2, 2), -0.5)], list(ws))
    np.testing.assert_array_equal(w0, twin_w0)
    np.testing.assert_array_equal(w1, twin_w1)


def test_a_new_bad_variable_registers_nothing():
    opt = optimizers.Adam()
    good, bad = np.ones(2), np.ones(2, dtype=np.int64)
    with pytest.raises(TypeError, match="floating point"):
        opt.apply([np.ones(2), np.ones(2)], [good, bad])
    assert opt.get_state().keys() == {"iterations"} and opt.iterations == 0


def test_shared_arguments_by_position_as_keras():
    opt = optimizers.SGD(0.1, 0.9, False, 1e-4)
    assert (opt.momentum, opt.nesterov, opt.weight_decay) == (0.9, False, 1e-4)
    adam = optimizers.Adam(0.01, 0.8, 0.99, 1e-6, True, 0.1, 2.0)
    assert (adam.amsgrad, adam.weight_decay, adam.clipnorm) == (True, 0.1, 2.0)
    assert optimizers.AdamW(0.01, 0.02).weight_decay == 0.02
    import inspect

    assert list(inspect.signature(optimizers.SGD).parameters) == [
        "learning_rate", "momentum", "nesterov", "weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "name"]
    with pytest.raises(TypeError, match=r"SGD\(\): got an unexpected keyword argument 'clip_norm'"):
        optimizers.SGD(clip_norm=1.0)
