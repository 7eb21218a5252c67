"""`gradwork.torch.optim.lr_scheduler` against PyTorch: each scheduler's learning rates (and OneCycleLR's
momentum or beta1) over 30 steps, for two parameter groups, equal PyTorch's; state dicts load across."""

import warnings

import numpy as np
import pytest

import gradwork.torch as gtorch

from .oracle import optimizer_state

STEPS = 30


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _optimizer(module, name="SGD"):
    """Two groups of one parameter each, lr 0.1 and 0.02 (SGD with momentum, or Adam)."""
    params = [module.nn.Parameter(module.ones(2)), module.nn.Parameter(module.ones(3))]
    options = dict(momentum=0.9) if name == "SGD" else {}
    return getattr(module.optim, name)([{"params": params[:1]}, {"params": params[1:], "lr": 0.02}], lr=0.1, **options)


def _momentum(group):
    return group["momentum"] if "momentum" in group else group["betas"][0]


def _trace(module, make, optimizer="SGD", metrics=None, steps=STEPS):
    """Each step's learning rates and momenta of both groups, and `get_last_lr()`, after the scheduler's step."""
    opt = _optimizer(module, optimizer)
    scheduler = make(module.optim.lr_scheduler, opt)
    rates, momenta = [scheduler.get_last_lr()], []
    for step in range(steps):
        opt.step()
        scheduler.step(*([] if metrics is None else [metrics[step]]))
        rates.append([g["lr"] for g in opt.param_groups])
        assert scheduler.get_last_lr() == rates[-1]
        momenta.append([_momentum(g) for g in opt.param_groups])
    return np.array(rates), np.array(momenta)


SCHEDULERS = {
    "StepLR": lambda s, opt: s.StepLR(opt, step_size=7, gamma=0.5),
    "MultiStepLR": lambda s, opt: s.MultiStepLR(opt, milestones=[5, 12, 12, 20], gamma=0.3),
    "ExponentialLR": lambda s, opt: s.ExponentialLR(opt, gamma=0.9),
    "CosineAnnealingLR": lambda s, opt: s.CosineAnnealingLR(opt, T_max=10, eta_min=0.001),  # 3 half-periods
    "LambdaLR": lambda s, opt: s.LambdaLR(opt, lambda epoch: 0.95**epoch),
    "LambdaLR-per-group": lambda s, opt: s.LambdaLR(opt, [lambda e: 1 / (e + 1), lambda e: max(0.0, 1 - e / 20)]),
    "OneCycleLR": lambda s, opt: s.OneCycleLR(opt, max_lr=[1.0, 0.3], total_steps=STEPS),
    "OneCycleLR-linear-three-phase": lambda s, opt: s.OneCycleLR(
        opt, max_lr=0.5, epochs=3, steps_per_epoch=10, anneal_strategy="linear", three_phase=True, pct_start=0.25),
    "OneCycleLR-no-momentum": lambda s, opt: s.OneCycleLR(opt, max_lr=0.5, total_steps=STEPS, cycle_momentum=False,
                                                          div_factor=10.0, final_div_factor=100.0),
}


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
@pytest.mark.parametrize("name", SCHEDULERS)
def test_learning_rates_and_momenta_match_torch(torch, name, optimizer):
    rates, momenta = _trace(gtorch, SCHEDULERS[name], optimizer)
    want_rates, want_momenta = _trace(torch, SCHEDULERS[name], optimizer)
    np.testing.assert_allclose(rates, want_rates, rtol=1e-14, atol=0)
    np.testing.assert_allclose(momenta, want_momenta, rtol=1e-14, atol=0)
    if name.startswith("OneCycleLR") and "no-momentum" not in name:
        assert len(set(momenta[:, 0])) > 5  # the momentum (or beta1) did cycle


PLATEAU = {
    "min-rel": dict(patience=3),
    "min-abs-cooldown": dict(threshold=0.05, threshold_mode="abs", cooldown=2, patience=1),
    "max-rel-min_lr": dict(mode="max", patience=2, factor=0.5, min_lr=[0.01, 0.005]),
    "max-abs-eps": dict(mode="max", threshold_mode="abs", patience=0, factor=0.9, eps=0.005),
}


@pytest.mark.parametrize("name", PLATEAU)
def test_reduce_lr_on_plateau_matches_torch(torch, name):
    rng = np.random.default_rng(0)
    metrics = list(1 / (1 + np.arange(STEPS)) + 0.02 * rng.standard_normal(STEPS))  # improves, then wanders
    metrics[10:20] = [metrics[9]] * 10  # a plateau

    def make(s, opt):
        return s.ReduceLROnPlateau(opt, **PLATEAU[name])

    rates, _ = _trace(gtorch, make, metrics=metrics)
    want, _ = _trace(torch, make, metrics=metrics)
    np.testing.assert_allclose(rates, want, rtol=1e-14, atol=0)
    assert len(set(rates[:, 0])) > 1


@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR", "OneCycleLR", "LambdaLR"])
def test_a_torch_scheduler_s_state_dict_resumes_here(torch, name):
    """PyTorch runs 12 steps; a facade optimizer and scheduler load both state dicts and the two go on alike."""
    topt = _optimizer(torch)
    tsched = SCHEDULERS[name](torch.optim.lr_scheduler, topt)
    for _ in range(12):
        topt.step()
        tsched.step()
    opt = _optimizer(gtorch)
    sched = SCHEDULERS[name](gtorch.optim.lr_scheduler, opt)
    opt.load_state_dict(optimizer_state(topt.state_dict()))
    sched.load_state_dict(tsched.state_dict())
    for _ in range(STEPS - 12):
        for o, s in ((opt, sched), (topt, tsched)):
            o.step()
            s.step()
        assert sched.get_last_lr() == pytest.approx(tsched.get_last_lr(), rel=1e-14)
        assert [_momentum(g) for g in opt.param_groups] == pytest.approx([_momentum(g) for g in topt.param_groups])
    assert sched.state_dict().keys() == tsched.state_dict().keys()


@pytest.mark.parametrize("name", ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR"])
def test_stepping_to_an_epoch_uses_the_closed_form_as_torch_does(torch, name):
    rates = []
    for module in (gtorch, torch):
        opt = _optimizer(module)
        scheduler = SCHEDULERS[name](module.optim.lr_scheduler, opt)
        opt.step()
        for epoch in (3, 7, 12, 25, 14):
            with pytest.warns(UserWarning, match="epoch parameter"):
                scheduler.step(epoch)
        rates.append(scheduler.get_last_lr())
    np.testing.assert_allclose(rates[0], rates[1], rtol=1e-14)


def test_construction_sets_initial_lr_and_steps_once():
    opt = _optimizer(gtorch)
    scheduler = gtorch.optim.lr_scheduler.StepLR(opt, step_size=2)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.02] == scheduler.base_lrs
    assert scheduler.last_epoch == 0 and scheduler.get_last_lr() == [0.1, 0.02]
    with pytest.raises(KeyError, match="initial_lr"):
        gtorch.optim.lr_scheduler.StepLR(_optimizer(gtorch), step_size=2, last_epoch=3)


def test_a_rate_of_zero_is_reached_and_stepped_with():
    """A cosine down to 0: the optimizer steps at lr 0 (gradwork's own optimizers refuse a rate of 0)."""
    opt = _optimizer(gtorch)
    param = opt.param_groups[0]["params"][0]
    scheduler = gtorch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)
    for _ in range(4):
        param.grad = gtorch.ones(2)
        opt.step()
        scheduler.step()
    assert scheduler.get_last_lr() == [0.0, 0.0]
    before = param.detach().numpy().copy()
    param.grad = gtorch.zeros(2)  # the momentum buffer still moves the weights; at lr 0 it cannot
    opt.step()
    assert np.array_equal(param.detach().numpy(), before)


def test_stepping_the_scheduler_first_warns_and_get_lr_outside_step_warns():
    opt = _optimizer(gtorch)
    scheduler = gtorch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    with pytest.warns(UserWarning, match=r"before `optimizer.step\(\)`"):
        scheduler.step()
    with pytest.warns(UserWarning, match="get_last_lr"):
        scheduler.get_lr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        scheduler.step()


def test_arguments_are_checked_as_torch_does():
    s = gtorch.optim.lr_scheduler
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        s.StepLR([], step_size=2)
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        s.ReduceLROnPlateau(_optimizer(gtorch), factor=1.0)
    with pytest.raises(ValueError, match="mode average is unknown"):
        s.ReduceLROnPlateau(_optimizer(gtorch), mode="average")
    with pytest.raises(ValueError, match="You must define either total_steps OR"):
        s.OneCycleLR(_optimizer(gtorch), max_lr=1.0)
    with pytest.raises(ValueError, match="max_lr must have the same length as optimizer.param_groups"):
        s.OneCycleLR(_optimizer(gtorch), max_lr=[1.0], total_steps=5)
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        s.LambdaLR(_optimizer(gtorch), [lambda e: 1.0])
    opt = _optimizer(gtorch)
    cycle = s.OneCycleLR(opt, max_lr=1.0, total_steps=3)
    for _ in range(3):
        opt.step()
        cycle.step()
    rates = cycle.get_last_lr()
    with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of total steps is 3"):
        cycle.step()
    assert [g["lr"] for g in opt.param_groups] == rates
