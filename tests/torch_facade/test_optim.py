"""`gradwork.torch.optim` against PyTorch: every optimizer and option run 5 steps on the same weights and
gradients as `torch.optim`, and the weights and the state agree; state dicts move between the two
mid-run and both runs go on alike; then PyTorch's argument checks and the traps of its API."""

import math
import warnings

import numpy as np
import pytest

import gradwork.torch as gtorch
from gradwork.optimizers import NonFiniteError
from tolerances import F32_EPS

from .oracle import optimizer_state

SHAPES = [(3, 4), (4,), (2, 1, 3)]
STEPS = 5

# (optimizer name, keyword arguments): each option of each optimizer, and the defaults
CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.1, momentum=0.5, weight_decay=0.1, maximize=True)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, maximize=True)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.9), eps=1e-3, decoupled_weight_decay=True, weight_decay=0.1)),
    ("AdamW", dict()),
    ("AdamW", dict(lr=0.01, weight_decay=0.1, amsgrad=True, maximize=True)),
    ("RMSprop", dict()),
    ("RMSprop", dict(centered=True)),
    ("RMSprop", dict(momentum=0.9, alpha=0.9, eps=1e-3)),
    ("RMSprop", dict(centered=True, momentum=0.5, weight_decay=0.1, maximize=True)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr_decay=0.1, initial_accumulator_value=0.5)),
    ("Adagrad", dict(weight_decay=0.1, eps=1e-3, maximize=True)),
]
IDS = [name + "-" + ",".join(kwargs) for name, kwargs in CASES]


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _problem(seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    init = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    grads = [[rng.standard_normal(s).astype(dtype) for s in SHAPES] for _ in range(2 * STEPS)]
    return init, grads


def _params(init):
    return [gtorch.nn.Parameter(a.copy()) for a in init]


def _torch_params(torch, init):
    return [torch.nn.Parameter(torch.tensor(a)) for a in init]


def _set_grads(params, grads, module):
    for p, g in zip(params, grads):
        p.grad = None if g is None else module.tensor(g)


def _close(actual, expected):
    """Equal to the precision of the dtype: a few roundings per step, over a few steps (relative to
    the array's scale, so that values near 0 beside large ones count as equal)."""
    expected = np.asarray(expected)
    eps = F32_EPS if expected.dtype == np.float32 else 1e-15
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=32 * eps, atol=32 * eps * scale)


def _assert_same(ours, theirs, opt, topt):
    """Same weights, and the same state (keys, values and step counts) for every parameter."""
    for p, tp in zip(ours, theirs):
        _close(p.detach().numpy(), tp.detach().numpy())
        state, tstate = opt.state[p], topt.state[tp]
        assert sorted(state) == sorted(tstate)
        for key, value in tstate.items():
            _close(state[key].numpy(), value.numpy())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, kwargs", CASES, ids=IDS)
def test_steps_match_torch(torch, name, kwargs, dtype):
    init, grads = _problem(dtype=dtype)
    params, tparams = _params(init), _torch_params(torch, init)
    opt, topt = getattr(gtorch.optim, name)(params, **kwargs), getattr(torch.optim, name)(tparams, **kwargs)
    arrays = [p._t.data for p in params]
    for gs in grads[:STEPS]:
        _set_grads(params, gs, gtorch)
        _set_grads(tparams, gs, torch)
        opt.step()
        topt.step()
    assert all(p._t.data is a for p, a in zip(params, arrays)), "the weights are updated in place"
    assert params[0].dtype == dtype
    _assert_same(params, tparams, opt, topt)


@pytest.mark.parametrize("name, kwargs", CASES, ids=IDS)
def test_state_dicts_cross_over_mid_run(torch, name, kwargs):
    """After 2 steps, a facade optimizer loads PyTorch's state dict and PyTorch one loads the facade's;
    the four runs go on alike for 3 more steps (with one parameter missing a gradient on one step)."""
    init, grads = _problem(1)
    params, tparams = _params(init), _torch_params(torch, init)
    opt, topt = getattr(gtorch.optim, name)(params, **kwargs), getattr(torch.optim, name)(tparams, **kwargs)
    for gs in grads[:2]:
        _set_grads(params, gs, gtorch)
        _set_grads(tparams, gs, torch)
        opt.step()
        topt.step()
    now = [tp.detach().numpy().copy() for tp in tparams]
    params2, tparams2 = _params(now), _torch_params(torch, [p.detach().numpy() for p in params])
    opt2 = getattr(gtorch.optim, name)(params2, **kwargs)
    opt2.load_state_dict(optimizer_state(topt.state_dict()))
    topt2 = getattr(torch.optim, name)(tparams2, **kwargs)
    topt2.load_state_dict(optimizer_state(opt.state_dict(), lambda v: torch.tensor(v.numpy())))
    for gs in grads[2:STEPS]:
        gs = [None, *gs[1:]] if gs is grads[3] else gs
        for ours, module, o in ((params, gtorch, opt), (params2, gtorch, opt2), (tparams, torch, topt),
                                (tparams2, torch, topt2)):
            _set_grads(ours, gs, module)
            o.step()
    _assert_same(params, tparams, opt, topt)
    _assert_same(params2, tparams, opt2, topt)
    _assert_same(params, tparams2, opt, topt2)


@pytest.mark.parametrize("name, group_options", [
    ("SGD", dict(momentum=0.9, nesterov=True)), ("Adam", dict(amsgrad=True, betas=(0.5, 0.6))),
    ("AdamW", dict(weight_decay=0.5)), ("RMSprop", dict(centered=True, momentum=0.3)),
    ("Adagrad", dict(lr_decay=0.2, initial_accumulator_value=1.0))])  # PyTorch ignores a group's initial value
def test_param_groups_with_their_own_options_match_torch(torch, name, group_options):
    """Two groups (the second with its own lr and options); the user changes a group's lr mid-run, and
    one parameter has no gradient at one step, so its step count falls behind the others'."""
    init, grads = _problem(2)

    def groups(p):
        return [{"params": p[:2]}, {"params": p[2:], "lr": 0.05, **group_options}]

    params, tparams = _params(init), _torch_params(torch, init)
    opt = getattr(gtorch.optim, name)(groups(params), lr=0.02)
    topt = getattr(torch.optim, name)(groups(tparams), lr=0.02)
    for step, gs in enumerate(grads[:STEPS]):
        gs = [None, *gs[1:]] if step == 1 else gs
        if step == 3:
            opt.param_groups[1]["lr"] = topt.param_groups[1]["lr"] = 0.3
        _set_grads(params, gs, gtorch)
        _set_grads(tparams, gs, torch)
        opt.step()
        topt.step()
    _assert_same(params, tparams, opt, topt)
    if name != "SGD":  # PyTorch's SGD counts no steps
        assert opt.state[params[0]]["step"].item() == STEPS - 1 and opt.state[params[1]]["step"].item() == STEPS


def test_a_closure_with_a_tiny_model_matches_torch(torch):
    """A linear regression trained by `step(closure)`: the closure's loss comes back, the weights follow PyTorch."""
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((8, 3)).astype(np.float32), rng.standard_normal((8, 1)).astype(np.float32)
    init = [rng.standard_normal((3, 1)).astype(np.float32), np.zeros(1, np.float32)]
    runs = []
    for module, params in ((gtorch, _params(init)), (torch, _torch_params(torch, init))):
        opt = module.optim.Adam(params, lr=0.1)

        def closure(module=module, params=params, opt=opt):
            opt.zero_grad()
            loss = ((module.tensor(x) @ params[0] + params[1] - module.tensor(y)) ** 2).mean()
            loss.backward()
            return loss

        losses = [opt.step(closure).item() for _ in range(STEPS)]
        runs.append((losses, [p.detach().numpy() for p in params]))
    (losses, weights), (tlosses, tweights) = runs
    np.testing.assert_allclose(losses, tlosses, rtol=64 * F32_EPS)
    for w, tw in zip(weights, tweights):
        _close(w, tw)


def test_repr_and_group_keys_are_torch_s(torch):
    for name, kwargs in CASES:
        ours = getattr(gtorch.optim, name)(_params([np.ones(2, np.float32)]), **kwargs)
        theirs = getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(2))], **kwargs)
        assert repr(ours) == repr(theirs)


# ----- the traps ---------------------------------------------------------------------------------
def test_lr_is_a_keyword_and_the_defaults_are_torch_s():
    opt = gtorch.optim.Adam(_params([np.ones(2, np.float32)]), lr=0.01)
    assert opt.param_groups[0]["lr"] == 0.01 and opt.defaults["betas"] == (0.9, 0.999)
    assert opt.defaults["eps"] == 1e-8 and gtorch.optim.AdamW(_params([np.ones(2)])).defaults["weight_decay"] == 1e-2
    assert gtorch.optim.SGD(_params([np.ones(2)])).defaults["lr"] == 1e-3
    rmsprop = gtorch.optim.RMSprop(_params([np.ones(2)])).defaults
    assert (rmsprop["lr"], rmsprop["alpha"], rmsprop["eps"]) == (1e-2, 0.99, 1e-8)
    assert gtorch.optim.Adagrad(_params([np.ones(2)])).defaults["eps"] == 1e-10


@pytest.mark.parametrize("params, error, match", [
    ("empty", ValueError, "optimizer got an empty parameter list"),
    ("empty iterator", ValueError, "optimizer got an empty parameter list"),
    ("twice", ValueError, "duplicate parameters"),
    ("two groups", ValueError, "some parameters appear in more than one parameter group"),
    ("non-leaf", ValueError, "can't optimize a non-leaf Tensor"),
    ("array", TypeError, "optimizer can only optimize Tensors, but one of the params is .*ndarray"),
    ("set", TypeError, "ordering of tensors in sets"),
    ("tensor", TypeError, "should be an iterable of Tensors or dicts, but got torch.FloatTensor"),
])
def test_parameters_are_checked_as_torch_does(params, error, match):
    p = gtorch.nn.Parameter(np.ones(2, np.float32))
    params = {"empty": [], "empty iterator": iter([]), "twice": [p, p], "non-leaf": [p * 2], "array": [np.ones(2)],
              "two groups": [{"params": [p]}, {"params": [p]}], "set": {"params": {p}}, "tensor": p}[params]
    with pytest.raises(error, match=match):
        gtorch.optim.SGD([params] if isinstance(params, dict) else params, lr=0.1)


@pytest.mark.parametrize("make, message", [
    (lambda p: gtorch.optim.SGD(p, lr=-1), "Invalid learning rate: -1"),
    (lambda p: gtorch.optim.SGD(p, momentum=-0.5), "Invalid momentum value: -0.5"),
    (lambda p: gtorch.optim.SGD(p, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    (lambda p: gtorch.optim.SGD(p, momentum=0.9, dampening=0.1, nesterov=True), "Nesterov momentum requires"),
    (lambda p: gtorch.optim.Adam(p, betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (lambda p: gtorch.optim.Adam(p, betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    (lambda p: gtorch.optim.Adam(p, eps=-1e-8), "Invalid epsilon value: -1e-08"),
    (lambda p: gtorch.optim.AdamW(p, weight_decay=-1), "Invalid weight_decay value: -1"),
    (lambda p: gtorch.optim.Adam(p, lr=math.inf), "Invalid learning rate: inf"),
    (lambda p: gtorch.optim.RMSprop(p, alpha=-0.1), "Invalid alpha value: -0.1"),
    (lambda p: gtorch.optim.Adagrad(p, lr_decay=-1), "Invalid lr_decay value: -1"),
    (lambda p: gtorch.optim.Adagrad(p, initial_accumulator_value=-1), "Invalid initial_accumulator_value value"),
])
def test_hyperparameters_are_checked_with_torch_s_messages(make, message):
    with pytest.raises(ValueError, match=message):
        make(_params([np.ones(2, np.float32)]))


def test_a_step_without_gradients_changes_nothing():
    params = _params([np.ones((2, 2), np.float32), np.zeros(3, np.float32)])
    for name, _ in CASES:
        opt = getattr(gtorch.optim, name)(params, lr=0.1)
        before = opt.state_dict()
        opt.step()
        assert all(np.array_equal(p.detach().numpy(), a) for p, a in zip(params, [np.ones((2, 2)), np.zeros(3)]))
        after = opt.state_dict()
        assert after["param_groups"] == before["param_groups"] and sorted(after["state"]) == sorted(before["state"])
        assert all(after["state"][k]["step"].item() == 0 for k in after["state"])  # only Adagrad has state now


def test_a_learning_rate_of_zero_is_allowed_and_moves_nothing(torch):
    init, grads = _problem(4)
    params, tparams = _params(init), _torch_params(torch, init)
    opt, topt = gtorch.optim.Adam(params, lr=0.0), torch.optim.Adam(tparams, lr=0.0)
    _set_grads(params, grads[0], gtorch)
    _set_grads(tparams, grads[0], torch)
    opt.step()
    topt.step()
    _assert_same(params, tparams, opt, topt)
    assert np.array_equal(params[0].detach().numpy(), init[0])


def test_zero_grad_sets_to_none_or_zeros():
    params = _params([np.ones(2, np.float32), np.ones(3, np.float32)])
    opt = gtorch.optim.SGD(params, lr=0.1)
    _set_grads(params, [np.ones(2, np.float32), np.ones(3, np.float32)], gtorch)
    grad = params[0].grad
    opt.zero_grad(set_to_none=False)
    assert np.array_equal(grad.numpy(), np.zeros(2)) and params[1].grad.numpy().sum() == 0
    opt.zero_grad()
    assert params[0].grad is None and params[1].grad is None


def test_state_shares_the_optimizer_s_arrays():
    params = _params([np.ones(2, np.float32)])
    opt = gtorch.optim.Adam(params, lr=0.1)
    assert opt.state[params[0]] == {} and len(opt.state) == 0 and params[0] not in opt.state
    _set_grads(params, [np.ones(2, np.float32)], gtorch)
    opt.step()
    exp_avg = opt.state[params[0]]["exp_avg"]
    opt.step()
    assert list(opt.state) == [params[0]] and opt.state[params[0]]["step"].item() == 2
    np.testing.assert_allclose(exp_avg.numpy(), 0.19)  # 0.1 * 1, then 0.9 * 0.1 + 0.1


def test_add_param_group_fills_the_defaults_and_adagrad_makes_state_at_once():
    first, second = _params([np.ones(2, np.float32), np.ones(3, np.float32)])
    opt = gtorch.optim.Adagrad([first], lr=0.1, initial_accumulator_value=0.5)
    opt.add_param_group({"params": second, "lr": 0.2, "initial_accumulator_value": 3.0})
    assert opt.param_groups[1]["lr"] == 0.2 and opt.param_groups[1]["lr_decay"] == 0
    assert opt.state[second]["step"].item() == 0 and np.array_equal(opt.state[second]["sum"].numpy(), [0.5] * 3)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [first]})


def test_non_finite_gradients_change_nothing_in_any_group():
    params = _params([np.ones(2, np.float32), np.ones(2, np.float32)])
    opt = gtorch.optim.SGD([{"params": params[:1]}, {"params": params[1:]}], lr=0.1, momentum=0.9)
    _set_grads(params, [np.ones(2, np.float32), np.array([1.0, np.nan], np.float32)], gtorch)
    with pytest.raises(NonFiniteError, match="NaN or infinite"):
        opt.step()
    assert np.array_equal(params[0].detach().numpy(), [1, 1]) and len(opt.state) == 0


def test_negative_learning_rate_in_a_group_and_options_turned_on_late_are_refused():
    params = _params([np.ones(2, np.float32)])
    opt = gtorch.optim.Adam(params)
    _set_grads(params, [np.ones(2, np.float32)], gtorch)
    opt.param_groups[0]["lr"] = -0.1
    with pytest.raises(ValueError, match=r"Invalid learning rate: -0.1 \(param_groups\[0\]\['lr'\]\)"):
        opt.step()
    opt.param_groups[0]["lr"] = 0.1
    opt.step()
    opt.param_groups[0]["amsgrad"] = True
    with pytest.raises(ValueError, match=r"needs state \['velocity_hat'\]"):
        opt.step()


def test_load_state_dict_checks_everything_first():
    params = _params([np.ones(2, np.float32), np.ones(3, np.float32)])
    opt = gtorch.optim.Adam(params, lr=0.1)
    _set_grads(params, [np.ones(2, np.float32), np.ones(3, np.float32)], gtorch)
    opt.step()
    good = opt.state_dict()
    bad_shape = {**good, "state": {**good["state"], 1: {**good["state"][1], "exp_avg": np.zeros(2)}}}
    bad_keys = {**good, "state": {0: {"step": 1.0, "momentum": np.zeros(2)}}}
    for state_dict, message in [({**good, "param_groups": good["param_groups"] * 2}, "different number of parameter"),
                                ({**good, "param_groups": [{**good["param_groups"][0], "params": [0]}]},
                                 "doesn't match the size"),
                                (bad_shape, "parameter's shape"), (bad_keys, "has keys"),
                                ({**good, "state": {7: {}}}, "no parameter group lists")]:
        with pytest.raises(ValueError, match=message):
            opt.load_state_dict(state_dict)
    assert opt.state[params[1]]["exp_avg"].shape == (3,) and opt.state[params[0]]["step"].item() == 1


def test_a_subclass_with_its_own_step_works_as_in_torch():
    class HeavyBall(gtorch.optim.Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, {"lr": lr})

        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    state = self.state[p]
                    state["velocity"] = 0.5 * state.get("velocity", 0) + p.grad.numpy()
                    p.data = p.detach().numpy() - group["lr"] * state["velocity"]

    params = _params([np.ones(2, np.float32)])
    opt = HeavyBall(params)
    _set_grads(params, [np.ones(2, np.float32)], gtorch)
    opt.step()
    opt.step()
    np.testing.assert_allclose(params[0].detach().numpy(), 1 - 0.1 - 0.15)
    assert opt.state_dict()["state"][0]["velocity"].tolist() == [1.5, 1.5]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the scheduler sees that this step() ran
        gtorch.optim.lr_scheduler.StepLR(opt, 2).step()
