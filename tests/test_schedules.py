"""Learning-rate schedules: values against their formulas at chosen steps, PyTorch's schedulers where
they compute the same curve, vectorised calls, configs and errors."""

import json
import math

import numpy as np
import pytest

from gradwork.optimizers import schedules

STEPS = [0, 1, 2, 3, 5, 9, 10, 11, 25, 100, 1000]


def _check(schedule, formula, steps=STEPS):
    for step in steps:
        got = schedule(step)
        assert isinstance(got, float), f"a scalar step gives a Python float, got {type(got).__name__}"
        assert got == pytest.approx(formula(step), rel=1e-12, abs=1e-15), f"step {step}"
    np.testing.assert_allclose(schedule(np.array(steps)), [formula(s) for s in steps], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("staircase", [False, True])
def test_exponential_decay(staircase):
    s = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.96, staircase=staircase)
    p = (lambda t: t // 10) if staircase else (lambda t: t / 10)
    _check(s, lambda t: 0.1 * 0.96 ** p(t))
    assert s(10) == pytest.approx(0.096)


@pytest.mark.parametrize("staircase", [False, True])
def test_inverse_time_decay(staircase):
    s = schedules.InverseTimeDecay(0.5, decay_steps=4, decay_rate=2.0, staircase=staircase)
    p = (lambda t: t // 4) if staircase else (lambda t: t / 4)
    _check(s, lambda t: 0.5 / (1 + 2.0 * p(t)))


def test_piecewise_constant_decay():
    s = schedules.PiecewiseConstantDecay([3, 10], [1.0, 0.5, 0.1])
    # boundaries belong to the interval on their left: values[0] while step <= 3
    _check(s, lambda t: 1.0 if t <= 3 else 0.5 if t <= 10 else 0.1)
    assert [s(t) for t in (3, 4, 10, 11)] == [1.0, 0.5, 0.5, 0.1]
    assert schedules.PiecewiseConstantDecay([], [0.3])(50) == 0.3


@pytest.mark.parametrize("cycle", [False, True])
@pytest.mark.parametrize("power", [1.0, 0.5, 2.0])
def test_polynomial_decay(cycle, power):
    s = schedules.PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.01, power=power, cycle=cycle)

    def formula(t):
        if cycle:
            steps = 10 * max(1, math.ceil(t / 10))
        else:
            steps, t = 10, min(t, 10)
        return (0.1 - 0.01) * (1 - t / steps) ** power + 0.01

    _check(s, formula)
    assert s(0) == pytest.approx(0.1) and s(10) == pytest.approx(0.01)
    assert s(15) == pytest.approx(formula(15)) and (s(15) > 0.01) == cycle


@pytest.mark.parametrize("alpha", [0.0, 0.2])
def test_cosine_decay(alpha):
    s = schedules.CosineDecay(0.1, decay_steps=10, alpha=alpha)
    _check(s, lambda t: 0.1 * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * min(t, 10) / 10)) + alpha))
    assert s(0) == pytest.approx(0.1) and s(5) == pytest.approx(0.1 * (0.5 * (1 - alpha) + alpha))
    assert s(10) == pytest.approx(0.1 * alpha) and s(50) == s(10)


def test_cosine_decay_with_warmup():
    """Keras 3: linear from initial_learning_rate to warmup_target over warmup_steps, then cosine
    from warmup_target down to warmup_target * alpha over decay_steps, then constant."""
    s = schedules.CosineDecay(0.0, decay_steps=20, alpha=0.1, warmup_target=0.4, warmup_steps=10)

    def formula(t):
        t = min(t, 30)
        if t < 10:
            return 0.4 * t / 10
        return 0.4 * (0.9 * 0.5 * (1 + math.cos(math.pi * (t - 10) / 20)) + 0.1)

    _check(s, formula, steps=[0, 1, 5, 9, 10, 11, 20, 29, 30, 31, 100])
    assert s(5) == pytest.approx(0.2) and s(10) == pytest.approx(0.4)
    assert s(20) == pytest.approx(0.4 * (0.45 + 0.1)) and s(30) == pytest.approx(0.04) and s(99) == s(30)
    # warming up from a non-zero start, and a warmup target with no warmup steps (decay from the target)
    s2 = schedules.CosineDecay(0.1, decay_steps=4, warmup_target=0.3, warmup_steps=4)
    assert [s2(t) for t in range(3)] == pytest.approx([0.1, 0.15, 0.2])
    s3 = schedules.CosineDecay(0.1, decay_steps=4, warmup_target=0.3)
    assert s3(0) == pytest.approx(0.3) and s3(2) == pytest.approx(0.15)


def test_cosine_decay_restarts():
    s = schedules.CosineDecayRestarts(1.0, first_decay_steps=4, t_mul=2.0, m_mul=0.5, alpha=0.1)

    def formula(t):
        start, length, i = 0, 4, 0  # periods of 4, 8, 16, ... steps
        while t >= start + length:
            start, length, i = start + length, length * 2, i + 1
        f = (t - start) / length
        return (1 - 0.1) * 0.5**i * 0.5 * (1 + math.cos(math.pi * f)) + 0.1

    _check(s, formula, steps=list(range(40)) + [100])
    assert s(4) == pytest.approx(0.9 * 0.5 + 0.1) and s(12) == pytest.approx(0.9 * 0.25 + 0.1)
    periodic = schedules.CosineDecayRestarts(1.0, first_decay_steps=5, t_mul=1.0)
    assert [periodic(t) for t in (0, 5, 10)] == pytest.approx([1.0, 1.0, 1.0])
    assert periodic(7) == pytest.approx(periodic(2))


# ----- PyTorch's schedulers on the same curves ------------------------------------------------------
@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def _torch_lrs(torch, make_scheduler, base_lr, n):
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base_lr)
    scheduler = make_scheduler(opt)
    lrs = []
    for _ in range(n):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return lrs


def test_against_torch_schedulers(torch):
    n = 40
    sched = torch.optim.lr_scheduler
    pairs = [
        (
            schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.9),
            lambda o: sched.ExponentialLR(o, 0.9),
            0.1,
        ),
        (
            schedules.CosineDecay(0.1, decay_steps=n, alpha=0.05),
            lambda o: sched.CosineAnnealingLR(o, T_max=n, eta_min=0.005),
            0.1,
        ),
        (
            schedules.CosineDecayRestarts(0.2, first_decay_steps=5, t_mul=2.0, alpha=0.1),
            lambda o: sched.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=0.02),
            0.2,
        ),
        (
            schedules.PolynomialDecay(0.1, decay_steps=30, end_learning_rate=0.0, power=2.0),
            lambda o: sched.PolynomialLR(o, total_iters=30, power=2.0),
            0.1,
        ),
    ]
    for ours, make, base in pairs:
        want = _torch_lrs(torch, make, base, n)
        np.testing.assert_allclose(
            [ours(t) for t in range(n)], want, rtol=1e-6, atol=1e-9, err_msg=repr(ours)
        )


# ----- configs and errors ----------------------------------------------------------------------------
ALL = [
    schedules.ExponentialDecay(0.1, 100, 0.96, staircase=True),
    schedules.InverseTimeDecay(0.1, 10, 0.5),
    schedules.PiecewiseConstantDecay([10, 20], [0.1, 0.01, 0.001]),
    schedules.PolynomialDecay(0.1, 100, end_learning_rate=0.001, power=0.5, cycle=True),
    schedules.CosineDecay(0.0, 100, alpha=0.1, warmup_target=0.1, warmup_steps=10),
    schedules.CosineDecayRestarts(0.1, 10, t_mul=1.5, m_mul=0.9, alpha=0.01),
]


@pytest.mark.parametrize("schedule", ALL, ids=lambda s: type(s).__name__)
def test_config_round_trip(schedule):
    config = schedule.get_config()
    assert "name" in config
    clone = type(schedule).from_config(config)
    assert clone.get_config() == config
    revived = schedules.deserialize(json.loads(json.dumps(schedules.serialize(schedule))))
    assert type(revived) is type(schedule) and revived.get_config() == config
    steps = np.arange(0, 150, 7)
    np.testing.assert_array_equal(revived(steps), schedule(steps))
    assert type(schedule).__name__ in repr(schedule)


def test_custom_schedule():
    class Halving(schedules.LearningRateSchedule):
        def __init__(self, initial_learning_rate):
            self.initial_learning_rate = initial_learning_rate

        def __call__(self, step):
            return self.initial_learning_rate / 2**step

        def get_config(self):
            return {"initial_learning_rate": self.initial_learning_rate}

    config = schedules.serialize(Halving(1.0))
    assert schedules.deserialize(config, custom_objects={"Halving": Halving})(3) == 0.125
    with pytest.raises(ValueError, match="Unknown learning rate schedule: 'Halving'.*CosineDecay"):
        schedules.deserialize(config)


def test_errors():
    for make in (
        lambda: schedules.ExponentialDecay(0.1, 0, 0.5),
        lambda: schedules.InverseTimeDecay(0.1, -1, 0.5),
        lambda: schedules.PolynomialDecay(0.1, 0),
        lambda: schedules.CosineDecay(0.1, 0),
        lambda: schedules.CosineDecayRestarts(0.1, 0),
    ):
        with pytest.raises(ValueError, match="must be > 0"):
            make()
    with pytest.raises(ValueError, match="1 less than"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="strictly increasing"):
        schedules.PiecewiseConstantDecay([5, 2], [0.1, 0.2, 0.3])
    with pytest.raises(TypeError, match="abstract"):  # the base only declares __call__ and get_config
        schedules.LearningRateSchedule()
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        schedules.serialize(0.1)
    with pytest.raises(ValueError, match="class_name"):
        schedules.deserialize({"config": {}})
