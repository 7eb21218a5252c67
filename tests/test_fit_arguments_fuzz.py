"""Issue 12, inputs that are wrong but were accepted: fit, evaluate and predict given a bad argument
raise a ValueError or TypeError naming it, before anything changes (weights, moving statistics,
optimizer state, build state, gradwork's generator)."""
import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

import gradwork as gw
from gradwork import nn

N = 12
whole_or_not = st.one_of(st.integers(-3, 0), st.floats(-2, 40).filter(lambda v: v != int(v)), st.just(True),
                         st.sampled_from(["8", None, [4]]))

# argument -> (strategy of bad values, the calls that take it)
BAD = {
    "batch_size": (st.one_of(st.integers(-5, 0), st.floats(0.5, 9.5).filter(lambda v: v != int(v)),
                             st.just(True), st.just("32")), ("fit", "evaluate", "predict")),
    "epochs": (whole_or_not, ("fit",)),
    "verbose": (st.one_of(st.integers(3, 9), st.integers(-3, -1), st.just("loud"), st.just(True)),
                ("fit", "evaluate", "predict")),
    "shuffle": (st.sampled_from(["yes", 1, 0, None, "batch"]), ("fit",)),
    "initial_epoch": (st.one_of(st.integers(-4, -1), st.integers(2, 9), st.just(0.5)), ("fit",)),
    "validation_split": (st.one_of(st.floats(1.0, 5.0), st.floats(-3.0, -0.01), st.just(True), st.just("0.2")),
                         ("fit",)),
    "validation_freq": (st.one_of(st.integers(-3, 0), st.just([0, 1]), st.just(1.5), st.just("2")), ("fit",)),
    "validation_batch_size": (st.one_of(st.integers(-3, 0), st.just(2.5)), ("fit",)),
    "steps_per_epoch": (st.one_of(st.integers(-3, 0), st.just(1.5)), ("fit",)),
    "steps": (st.one_of(st.integers(-3, 0), st.just(2.5)), ("evaluate", "predict")),
    "sample_weight": (st.one_of(st.integers(1, 30).filter(lambda n: n != N).map(np.ones),
                                st.just(np.zeros(N)), st.just(np.full(N, -1.0)), st.just(np.full(N, np.nan)),
                                st.just(np.float32(2.0))), ("fit", "evaluate")),
    "class_weight": (st.sampled_from([{7: 1.0}, {-1: 2.0}, {"a": 1.0}, {0: -1.0}, {0: float("nan")}]), ("fit",)),
    "x": (st.sampled_from([np.ones((N, 3), np.complex64), np.full((N, 3), "a"), np.zeros((0, 3)),
                           np.ones((N, 4)), np.ones(N), np.array(5.0), np.ones((N - 1, 3))]),
          ("fit", "evaluate", "predict")),
    "y": (st.sampled_from([np.full(N, 3), np.full(N, -1), np.full(N, 0.5), np.zeros(N - 2, np.int64),
                           np.zeros((N, 2, 2), np.int64)]), ("fit", "evaluate")),
}


def _model():
    gw.random.seed(0)
    model = gw.Sequential([nn.Input(shape=(3,)), nn.Dense(4), nn.BatchNormalization(), nn.Dense(3)], name="net")
    model.compile(gw.optimizers.Adam(0.01), gw.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(np.ones((4, 3), np.float32), np.zeros(4, np.int64), verbose=0)  # optimizer slots exist
    return model


def _snapshot(model):
    return ([w.copy() for w in model.get_weights()], {k: v.copy() for k, v in model.optimizer.get_state().items()},
            model.built, gw.random.get_state())


def _assert_unchanged(before, after):
    (w0, o0, b0, r0), (w1, o1, b1, r1) = before, after
    assert all(np.array_equal(u, v) for u, v in zip(w0, w1, strict=True))
    assert sorted(o0) == sorted(o1) and all(np.array_equal(o0[k], o1[k]) for k in o0)
    assert b0 == b1 and r0 == r1


MODEL = _model()
X = np.random.default_rng(0).normal(size=(N, 3)).astype(np.float32)
Y = np.arange(N) % 3


@settings(max_examples=300, deadline=None)
@given(data=st.data(), argument=st.sampled_from(sorted(BAD)))
def test_fuzz_a_bad_argument_is_named_and_changes_nothing(data, argument):
    strategy, calls = BAD[argument]
    call = data.draw(st.sampled_from(calls), label="call")
    value = data.draw(strategy, label=argument)
    if call == "predict" and argument == "x":
        assume(value.dtype.kind in "cU" or value.ndim != 2 or value.shape[1] != 3)  # any number of samples is fine
    kwargs = {"x": X, "y": Y, "verbose": 0}
    if call == "predict":
        kwargs.pop("y")
    kwargs[argument] = value
    before = _snapshot(MODEL)
    with pytest.raises((ValueError, TypeError)) as caught:
        getattr(MODEL, call)(**kwargs)
    message = str(caught.value)
    named = {"x": ("x", "samples", "input"), "y": ("y", "label", "samples")}.get(argument, (argument,))
    assert any(word in message for word in named), f"{call}({argument}={value!r}): {message}"
    _assert_unchanged(before, _snapshot(MODEL))


def test_an_unbuilt_model_stays_unbuilt_after_each_bad_call():
    gw.random.seed(0)
    model = gw.Sequential([nn.Dense(4), nn.BatchNormalization(), nn.Dense(3)], name="lazy")
    model.compile("adam", gw.losses.SparseCategoricalCrossentropy(from_logits=True))
    state = gw.random.get_state()
    for kwargs in ({"y": np.full(N, 5)}, {"sample_weight": np.ones(3)}, {"class_weight": {9: 1.0}},
                   {"validation_data": (X, np.full(N, -1))}):
        with pytest.raises(ValueError):
            model.fit(X, **{"y": Y, "verbose": 0, **kwargs})
        assert not model.built and model.weights == [] and gw.random.get_state() == state
