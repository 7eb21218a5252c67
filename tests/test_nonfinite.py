"""Non-finite values never reach the weights: gradients, updates, hyperparameters, loaded optimizer
state, and TerminateOnNaN (issue 12, class 2)."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gradwork as gw
from gradwork import nn, optimizers

OPTIMIZERS = [optimizers.SGD, optimizers.Adam, optimizers.AdamW, optimizers.RMSprop, optimizers.Adagrad,
              optimizers.Adadelta, optimizers.Adamax, optimizers.Nadam, optimizers.Lion]

# (argument, optimizers that take it, bad values); every optimizer takes the shared four
BAD = {
    "weight_decay": (OPTIMIZERS, [-0.1, math.nan, math.inf]),
    "clipnorm": (OPTIMIZERS, [0.0, -1.0, math.nan, math.inf]),
    "clipvalue": (OPTIMIZERS, [0.0, -1.0, math.nan, math.inf]),
    "global_clipnorm": (OPTIMIZERS, [0.0, -1.0, math.nan, math.inf]),
    "beta_1": ([optimizers.Adam, optimizers.AdamW, optimizers.Adamax, optimizers.Nadam],
               [-0.1, 1.0, 1.5, math.nan, math.inf]),
    "beta_2": ([optimizers.Adam, optimizers.AdamW, optimizers.Adamax, optimizers.Nadam, optimizers.Lion],
               [-0.1, 1.0, math.nan, -math.inf]),
    "epsilon": ([optimizers.Adam, optimizers.RMSprop, optimizers.Adagrad, optimizers.Adadelta],
                [-1e-7, math.nan, math.inf]),
    "momentum": ([optimizers.SGD, optimizers.RMSprop], [-0.5, 1.5, math.nan, math.inf]),
    "rho": ([optimizers.RMSprop, optimizers.Adadelta], [-0.1, 1.0, math.nan]),
    "initial_accumulator_value": ([optimizers.Adagrad], [-0.1, math.inf, math.nan]),
}
CASES = [(cls, name, value) for name, (classes, values) in BAD.items() for cls in classes for value in values]


def _model(loss="mse", batch_norm=True):
    gw.random.seed(0)
    middle = [nn.BatchNormalization()] if batch_norm else []
    model = gw.Sequential([nn.Input(shape=(3,)), nn.Dense(4, name="hidden"), *middle, nn.Dense(1, name="out")],
                          name="net")
    model.compile(optimizers.Adam(0.01), loss)
    model.train_on_batch(np.ones((8, 3), np.float32) * np.arange(8, dtype=np.float32)[:, None],
                         np.zeros((8, 1), np.float32))
    return model


def _snapshot(model):
    return [w.copy() for w in model.get_weights()], model.optimizer.get_state()


def _assert_unchanged(model, snapshot):
    weights, state = snapshot
    for before, after in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(before, after)
    after = model.optimizer.get_state()
    assert after.keys() == state.keys()
    for key in state:
        np.testing.assert_array_equal(state[key], after[key])


# ----- hyperparameters ---------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.sampled_from(CASES))
def test_a_bad_hyperparameter_raises_naming_it(case):
    cls, name, value = case
    with pytest.raises(ValueError, match=f"{cls.__name__}: `{name}` must be .* Received: {name}="):
        cls(**{name: value})


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(OPTIMIZERS),
       st.one_of(st.floats(max_value=0.0), st.just(math.inf), st.just(-math.inf), st.just(math.nan)))
def test_a_bad_learning_rate_raises(cls, lr):
    with pytest.raises(ValueError, match="`learning_rate` must be a finite number > 0"):
        cls(learning_rate=lr)


def test_an_infinite_learning_rate_is_refused_at_construction_and_assignment():
    with pytest.raises(ValueError, match="learning_rate.*got inf"):
        optimizers.SGD(learning_rate=float("inf"))
    opt = optimizers.SGD(0.1)
    with pytest.raises(ValueError, match="learning_rate.*got nan"):
        opt.learning_rate = float("nan")
    assert opt.learning_rate == 0.1


def test_a_schedule_that_gives_a_non_finite_rate_stops_the_step_before_any_change():
    w = np.ones(3)
    opt = optimizers.SGD(learning_rate=lambda: float("nan"))
    with pytest.raises(ValueError, match="learning_rate.*got nan from .* at iteration 0"):
        opt.apply([np.ones(3)], [w])
    np.testing.assert_array_equal(w, 1.0)
    assert opt.iterations == 0


def test_lion_keeps_its_own_range_for_beta_1():
    optimizers.Lion(beta_1=1.0)
    with pytest.raises(ValueError, match=r"Lion: `beta_1` must be a number in \(0, 1\]"):
        optimizers.Lion(beta_1=0.0)


def test_batch_norm_checks_momentum_and_eps():
    F = gw.nn.functional
    for kwargs in ({"momentum": math.nan}, {"momentum": 1.5}, {"eps": 0.0}, {"eps": math.inf}):
        with pytest.raises(ValueError, match="batch_norm: momentum must be in"):
            F.batch_norm(np.ones((4, 2)), np.zeros(2), np.ones(2), training=True, **kwargs)


# ----- gradients and updates ---------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:overflow encountered")
def test_a_gradient_that_overflows_while_the_loss_is_finite_raises_naming_the_weight():
    model = _model(loss="mae", batch_norm=False)
    snapshot, iterations = _snapshot(model), model.optimizer.iterations
    x = np.full((8, 3), 1e30, np.float32)          # mae stays finite; the kernel's gradient does not square
    with pytest.raises(FloatingPointError, match="net: weight 'hidden/kernel': the gradient of 'kernel'"):
        model.fit(x, np.zeros((8, 1), np.float32), batch_size=8, verbose=0)
    _assert_unchanged(model, snapshot)
    assert model.optimizer.iterations == iterations
    assert all(p.grad is None for p in model.trainable_weights)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(OPTIMIZERS), st.integers(0, 1), st.integers(0, 5),
       st.sampled_from([math.nan, math.inf, -math.inf]))
def test_a_non_finite_gradient_changes_nothing(cls, bad_index, position, bad):
    rng = np.random.default_rng(0)
    variables = [gw.tensor(rng.standard_normal(6).astype(np.float32)),
                 gw.tensor(rng.standard_normal((2, 3)).astype(np.float32))]
    opt = cls(learning_rate=0.01)
    opt.apply([np.ones(6, np.float32), np.ones((2, 3), np.float32)], variables)
    before = [v.data.copy() for v in variables], opt.get_state()
    grads = [np.ones(6, np.float32), np.ones((2, 3), np.float32)]
    grads[bad_index].reshape(-1)[position] = bad
    with pytest.raises(FloatingPointError, match=f"gradient of variable {bad_index}, .* NaN or infinite"):
        opt.apply(grads, variables)
    for old, v in zip(before[0], variables):
        np.testing.assert_array_equal(old, v.data)
    state = opt.get_state()
    for key in before[1]:
        np.testing.assert_array_equal(before[1][key], state[key])
    assert opt.iterations == 1


@pytest.mark.filterwarnings("ignore:overflow encountered")
def test_an_update_that_overflows_is_reported_naming_the_weight():
    w = gw.tensor(np.full(3, 3e38, np.float32))
    with pytest.raises(FloatingPointError, match="the update made variable 0, shape .3,. NaN or infinite"):
        optimizers.SGD(1e20).apply([np.full(3, -1e18, np.float32)], [w])


def test_a_nan_in_loaded_optimizer_state_is_refused_before_anything_changes():
    model = _model()
    snapshot = _snapshot(model)
    state = dict(snapshot[1])
    key = next(k for k in state if k.endswith("/velocity"))
    state[key] = state[key].copy()
    state[key].reshape(-1)[0] = np.nan
    with pytest.raises(ValueError, match=f"optimizer state '{key}' holds NaN or infinite values"):
        model.optimizer.set_state(state)
    for bad_iterations in (np.float64(np.nan), np.int64(-1), np.float64(1.5)):
        with pytest.raises(ValueError, match="'iterations' must be a whole number >= 0"):
            model.optimizer.set_state({**snapshot[1], "iterations": bad_iterations})
    _assert_unchanged(model, snapshot)


# ----- TerminateOnNaN ----------------------------------------------------------------------------
class _Ends(gw.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.ends = []

    def on_train_end(self, logs=None):
        self.ends.append(logs)


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_terminate_on_nan_stops_fit_which_returns_its_history(capsys):
    model = _model()
    snapshot = _snapshot(model)
    x = np.ones((32, 3), np.float32)
    x[:, 1] = np.nan                               # every batch's loss is NaN
    ends = _Ends()
    history = model.fit(x, np.zeros((32, 1), np.float32), batch_size=8, epochs=3, verbose=0,
                        callbacks=[gw.callbacks.TerminateOnNaN(), ends])
    assert history is model.history and math.isnan(history.history["loss"][0])
    assert history.epoch == [0] and model.stop_training
    assert len(ends.ends) == 1 and math.isnan(ends.ends[0]["loss"])
    assert "Batch 0: Invalid loss, terminating training" in capsys.readouterr().out
    _assert_unchanged(model, snapshot)             # the bad batch was not applied (moving statistics too)
    assert not model.skip_nonfinite_loss           # only for that fit:
    with pytest.raises(FloatingPointError, match="net: the loss became nan"):
        model.fit(x, np.zeros((32, 1), np.float32), batch_size=8, verbose=0)


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_terminate_on_nan_keeps_the_batches_before_the_bad_one():
    x = np.ones((32, 3), np.float32)
    x[24:] = np.nan                                # the fourth batch (no shuffling)
    expected = _model()
    expected.fit(x[:24], np.zeros((24, 1), np.float32), batch_size=8, shuffle=False, verbose=0)
    model = _model()
    model.fit(x, np.zeros((32, 1), np.float32), batch_size=8, shuffle=False, epochs=2, verbose=0,
              callbacks=[gw.callbacks.TerminateOnNaN()])
    for a, b in zip(expected.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert model.optimizer.iterations == expected.optimizer.iterations == 4
