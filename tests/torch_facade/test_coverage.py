"""Every public name of gradwork.torch's `nn`, `nn.functional`, `optim` and `optim.lr_scheduler` is compared with
real PyTorch: the names the facade provides must equal the names of the tables below, so a module, function,
optimizer or scheduler added without a comparison fails `test_every_public_name_has_a_comparison`.

- `MODULES`: every `nn.Module` class runs beside its PyTorch twin here. The facade's own initial weights load
  into PyTorch, forward and backward (input and parameter gradients) agree, and a module with parameters takes
  5 steps of SGD(momentum=0.9) in both, its state (weights and buffers) equal after each; the trained PyTorch
  state dict then loads into a fresh facade module, which computes the same. All in float64.
- `COMPARED_IN`: functions, optimizers and schedulers compared with PyTorch in another test file (which must
  name them and use PyTorch); `FUNCTIONS`, `test_optimizer_subclass_...` and `test_scheduler_subclass_...`:
  those that had no comparison anywhere.
- End to end: PyTorch's CIFAR-10 tutorial Net and Quickstart MLP, trained 5 steps in both libraries.
"""
import inspect
import pathlib
import re
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest

import gradwork.torch as gtorch
from torch_oracle import torch

STEPS = 5
RNG = np.random.default_rng(0)
HERE = pathlib.Path(__file__).parent


@dataclass(frozen=True)
class Const:
    """An input that needs no gradient (class ids, a target, a mask)."""

    array: np.ndarray


def x(*shape) -> np.ndarray:
    """A float64 input that requires grad."""
    return RNG.standard_normal(shape)


def ids(high, *shape) -> Const:
    return Const(RNG.integers(0, high, shape))


@dataclass(frozen=True)
class Case:
    """`make(nn)` builds the module from a library's `nn`; `torch_make` builds PyTorch's twin where PyTorch's
    own class cannot run (a base class without forward); `training` is the mode both run in."""

    make: Callable
    inputs: list
    torch_make: Callable | None = None
    training: bool = True


def _library(nn):
    return gtorch if nn is gtorch.nn else torch


def _user_model(nn, container=None):
    """A model as a PyTorch user writes it: its own Parameter and buffer, and two Linear layers held as
    attributes, in a ModuleList or in a ModuleDict."""
    lib = _library(nn)

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(lib.linspace(0.5, 1.5, 4))
            self.register_buffer("shift", lib.full((4,), 0.25))
            hidden, out = nn.Linear(4, 4), nn.Linear(4, 3)
            if container == "ModuleList":
                self.layers = nn.ModuleList([hidden, out])
            elif container == "ModuleDict":
                self.layers = nn.ModuleDict({"hidden": hidden, "out": out})
            else:
                self.hidden, self.out = hidden, out

        def forward(self, inputs):
            h = inputs * self.scale + self.shift
            layers = {None: lambda: [self.hidden, self.out], "ModuleList": lambda: self.layers,
                      "ModuleDict": lambda: self.layers.values()}[container]()
            for layer in layers:
                h = layer(h).tanh()
            return h

    return Model()


def _encoder_layer(nn):
    return nn.TransformerEncoderLayer(6, 2, dim_feedforward=8, dropout=0.0, batch_first=True)


MODULES = {
    # containers and user models
    "Module": Case(lambda nn: _user_model(nn), [x(5, 4)]),
    "ModuleList": Case(lambda nn: _user_model(nn, "ModuleList"), [x(5, 4)]),
    "ModuleDict": Case(lambda nn: _user_model(nn, "ModuleDict"), [x(5, 4)]),
    "Sequential": Case(lambda nn: nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3)), [x(6, 4)]),
    # linear, shapes, embedding
    "Linear": Case(lambda nn: nn.Linear(6, 4), [x(5, 6)]),
    "Bilinear": Case(lambda nn: nn.Bilinear(3, 4, 2), [x(5, 3), x(5, 4)]),
    "Identity": Case(lambda nn: nn.Identity(), [x(2, 3)]),
    "Flatten": Case(lambda nn: nn.Flatten(), [x(2, 3, 4)]),
    "Unflatten": Case(lambda nn: nn.Unflatten(1, (2, 3)), [x(4, 6)]),
    "Embedding": Case(lambda nn: nn.Embedding(5, 3, padding_idx=0), [ids(5, 2, 4)]),
    # activations
    "ReLU": Case(lambda nn: nn.ReLU(), [x(4, 6)]),
    "ReLU6": Case(lambda nn: nn.ReLU6(), [3 * x(4, 6)]),
    "LeakyReLU": Case(lambda nn: nn.LeakyReLU(0.2), [x(4, 6)]),
    "ELU": Case(lambda nn: nn.ELU(), [x(4, 6)]),
    "SELU": Case(lambda nn: nn.SELU(), [x(4, 6)]),
    "CELU": Case(lambda nn: nn.CELU(0.5), [x(4, 6)]),
    "GELU": Case(lambda nn: nn.GELU(), [x(4, 6)]),
    "SiLU": Case(lambda nn: nn.SiLU(), [x(4, 6)]),
    "Mish": Case(lambda nn: nn.Mish(), [x(4, 6)]),
    "Sigmoid": Case(lambda nn: nn.Sigmoid(), [x(4, 6)]),
    "Tanh": Case(lambda nn: nn.Tanh(), [x(4, 6)]),
    "Softsign": Case(lambda nn: nn.Softsign(), [x(4, 6)]),
    "Softplus": Case(lambda nn: nn.Softplus(beta=2), [x(4, 6)]),
    "Hardtanh": Case(lambda nn: nn.Hardtanh(-0.5, 0.5), [x(4, 6)]),
    "Softmax": Case(lambda nn: nn.Softmax(dim=1), [x(4, 6)]),
    "LogSoftmax": Case(lambda nn: nn.LogSoftmax(dim=1), [x(4, 6)]),
    "PReLU": Case(lambda nn: nn.PReLU(3), [x(2, 3, 4)]),
    # dropout: compared in evaluation (the masks are random)
    "Dropout": Case(lambda nn: nn.Dropout(0.5), [x(4, 6)], training=False),
    "Dropout1d": Case(lambda nn: nn.Dropout1d(0.5), [x(2, 3, 4)], training=False),
    "Dropout2d": Case(lambda nn: nn.Dropout2d(0.5), [x(2, 3, 4, 4)], training=False),
    "Dropout3d": Case(lambda nn: nn.Dropout3d(0.5), [x(2, 3, 2, 2, 2)], training=False),
    # convolution and pooling
    "Conv1d": Case(lambda nn: nn.Conv1d(3, 4, 3, padding=1), [x(2, 3, 7)]),
    "Conv2d": Case(lambda nn: nn.Conv2d(3, 4, 3, stride=2, padding=1, groups=1), [x(2, 3, 6, 5)]),
    "ConvTranspose1d": Case(lambda nn: nn.ConvTranspose1d(3, 4, 3, stride=2), [x(2, 3, 5)]),
    "ConvTranspose2d": Case(lambda nn: nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1, output_padding=1),
                            [x(2, 3, 4, 3)]),
    "MaxPool1d": Case(lambda nn: nn.MaxPool1d(2), [x(2, 3, 8)]),
    "MaxPool2d": Case(lambda nn: nn.MaxPool2d(2), [x(2, 3, 6, 4)]),
    "AvgPool1d": Case(lambda nn: nn.AvgPool1d(3, 2), [x(2, 3, 9)]),
    "AvgPool2d": Case(lambda nn: nn.AvgPool2d(2), [x(2, 3, 6, 4)]),
    "AdaptiveAvgPool1d": Case(lambda nn: nn.AdaptiveAvgPool1d(3), [x(2, 3, 8)]),
    "AdaptiveAvgPool2d": Case(lambda nn: nn.AdaptiveAvgPool2d((2, 3)), [x(2, 3, 5, 7)]),
    "AdaptiveMaxPool1d": Case(lambda nn: nn.AdaptiveMaxPool1d(3), [x(2, 3, 8)]),
    "AdaptiveMaxPool2d": Case(lambda nn: nn.AdaptiveMaxPool2d(2), [x(2, 3, 5, 4)]),
    # normalization: the running statistics are part of the state compared after each step
    "BatchNorm1d": Case(lambda nn: nn.BatchNorm1d(4), [x(5, 4)]),
    "BatchNorm2d": Case(lambda nn: nn.BatchNorm2d(3), [x(4, 3, 3, 2)]),
    "GroupNorm": Case(lambda nn: nn.GroupNorm(2, 4), [x(3, 4, 5)]),
    "InstanceNorm1d": Case(lambda nn: nn.InstanceNorm1d(4, affine=True), [x(2, 4, 6)]),
    "InstanceNorm2d": Case(lambda nn: nn.InstanceNorm2d(3, affine=True, track_running_stats=True), [x(2, 3, 4, 5)]),
    "LayerNorm": Case(lambda nn: nn.LayerNorm(6), [x(3, 6)]),
    # recurrent; PyTorch's base classes have no forward, so their twins are the subclasses of the same mode
    "RNN": Case(lambda nn: nn.RNN(4, 5, num_layers=2), [x(3, 2, 4), x(2, 2, 5)]),
    "LSTM": Case(lambda nn: nn.LSTM(4, 5, batch_first=True), [x(2, 3, 4)]),
    "GRU": Case(lambda nn: nn.GRU(4, 5, bidirectional=True), [x(3, 2, 4)]),
    "RNNBase": Case(lambda nn: nn.RNNBase("LSTM", 4, 5), [x(3, 2, 4)], torch_make=lambda nn: nn.LSTM(4, 5)),
    "RNNCell": Case(lambda nn: nn.RNNCell(4, 5, nonlinearity="relu"), [x(3, 4), x(3, 5)]),
    "LSTMCell": Case(lambda nn: nn.LSTMCell(4, 5), [x(3, 4)]),
    "GRUCell": Case(lambda nn: nn.GRUCell(4, 5), [x(3, 4), x(3, 5)]),
    # gradwork.torch's RNNCellBase(mode, input_size, hidden_size, bias); PyTorch's takes num_chunks, not mode
    "RNNCellBase": Case(lambda nn: nn.RNNCellBase("GRU", 4, 5, True), [x(3, 4)],
                        torch_make=lambda nn: nn.GRUCell(4, 5)),
    # attention
    "MultiheadAttention": Case(lambda nn: nn.MultiheadAttention(6, 2), [x(3, 2, 6), x(4, 2, 6), x(4, 2, 6)]),
    "TransformerEncoderLayer": Case(_encoder_layer, [x(2, 3, 6)]),
    "TransformerEncoder": Case(lambda nn: nn.TransformerEncoder(_encoder_layer(nn), 2, enable_nested_tensor=False),
                               [x(2, 3, 6)]),
    # losses (no parameters; weights and targets as in PyTorch)
    "CrossEntropyLoss": Case(lambda nn: nn.CrossEntropyLoss(label_smoothing=0.1), [x(4, 5), ids(5, 4)]),
    "NLLLoss": Case(lambda nn: nn.NLLLoss(), [x(4, 5), ids(5, 4)]),
    "MSELoss": Case(lambda nn: nn.MSELoss(), [x(4, 3), x(4, 3)]),
    "L1Loss": Case(lambda nn: nn.L1Loss(), [x(4, 3), x(4, 3)]),
    "HuberLoss": Case(lambda nn: nn.HuberLoss(delta=0.5), [x(4, 3), Const(x(4, 3))]),
    "SmoothL1Loss": Case(lambda nn: nn.SmoothL1Loss(beta=0.5), [x(4, 3), Const(x(4, 3))]),
    "BCELoss": Case(lambda nn: nn.BCELoss(), [RNG.uniform(0.1, 0.9, (4, 3)), Const(RNG.uniform(0, 1, (4, 3)))]),
    "BCEWithLogitsLoss": Case(lambda nn: nn.BCEWithLogitsLoss(), [x(4, 3), Const(RNG.uniform(0, 1, (4, 3)))]),
    "KLDivLoss": Case(lambda nn: nn.KLDivLoss(reduction="batchmean"),
                      [x(4, 3), Const(RNG.dirichlet(np.ones(3), 4))]),
    "SoftMarginLoss": Case(lambda nn: nn.SoftMarginLoss(), [x(4, 3), Const(RNG.choice([-1.0, 1.0], (4, 3)))]),
}


# ----- names with a comparison in another test file ----------------------------------------------------------
def _in(file, names):
    return {name: file for name in names.split()}


COMPARED_IN = {
    **_in("test_nn_basic.py", "F.relu F.relu6 F.leaky_relu F.elu F.selu F.celu F.gelu F.silu F.mish F.sigmoid "
                              "F.tanh F.softsign F.softplus F.hardtanh F.softmax F.log_softmax F.prelu F.linear "
                              "F.bilinear F.dropout F.normalize F.embedding F.one_hot"),
    **_in("test_conv.py", "F.conv1d F.conv2d F.conv_transpose1d F.conv_transpose2d"),
    **_in("test_pooling.py", "F.max_pool2d F.avg_pool2d F.adaptive_avg_pool2d F.adaptive_max_pool2d"),
    **_in("test_normalization.py", "F.batch_norm F.layer_norm F.group_norm F.instance_norm"),
    **_in("test_losses.py", "F.cross_entropy F.nll_loss F.mse_loss F.l1_loss F.huber_loss F.smooth_l1_loss "
                            "F.soft_margin_loss F.binary_cross_entropy F.binary_cross_entropy_with_logits F.kl_div"),
    **_in("test_attention.py", "F.scaled_dot_product_attention"),
    **_in("test_optim.py", "optim.SGD optim.Adam optim.AdamW optim.RMSprop optim.Adagrad"),
    **_in("test_lr_scheduler.py", "lr_scheduler.StepLR lr_scheduler.MultiStepLR lr_scheduler.ExponentialLR "
                                  "lr_scheduler.CosineAnnealingLR lr_scheduler.LambdaLR lr_scheduler.OneCycleLR "
                                  "lr_scheduler.ReduceLROnPlateau"),
}

# ----- functions compared here: (call(F, *tensors), inputs) cases --------------------------------------------
_MHA = [x(3, 2, 6), x(4, 2, 6), x(4, 2, 6), 0.3 * x(18, 6), x(18), 0.3 * x(6, 6), x(6)]
_PADDING = Const(np.array([[False, False, True, False], [False, False, False, True]]))
FUNCTIONS = {
    "F.dropout1d": [(lambda F, t: F.dropout1d(t, 0.5, training=False), [x(2, 3, 4)]),
                    (lambda F, t: F.dropout1d(t, 0.0), [x(2, 3, 4)])],
    "F.dropout2d": [(lambda F, t: F.dropout2d(t, 0.5, training=False), [x(2, 3, 4, 4)]),
                    (lambda F, t: F.dropout2d(t, 0.0), [x(2, 3, 4, 4)])],
    "F.dropout3d": [(lambda F, t: F.dropout3d(t, 0.5, training=False), [x(2, 3, 2, 2, 2)]),
                    (lambda F, t: F.dropout3d(t, 0.0), [x(2, 3, 2, 2, 2)])],
    "F.max_pool1d": [(lambda F, t: F.max_pool1d(t, 3, stride=2, padding=1, ceil_mode=True, return_indices=True),
                      [x(2, 3, 8)])],
    "F.avg_pool1d": [(lambda F, t: F.avg_pool1d(t, 3, 2, 1, ceil_mode=True, count_include_pad=False), [x(2, 3, 8)])],
    "F.adaptive_avg_pool1d": [(lambda F, t: F.adaptive_avg_pool1d(t, 3), [x(2, 3, 8)])],
    "F.adaptive_max_pool1d": [(lambda F, t: F.adaptive_max_pool1d(t, 5, return_indices=True), [x(2, 3, 8)])],
    "F.pad": [(lambda F, t: F.pad(t, (1, 2)), [x(2, 3, 4)]),
              (lambda F, t: F.pad(t, (1, 0, 2, 1), value=-0.5), [x(2, 3, 4, 5)]),
              (lambda F, t: F.pad(t, (-1, 2, 0, -2)), [x(2, 3, 4, 5)])],
    "F.multi_head_attention_forward": [
        (lambda F, q, k, v, w, b, ow, ob: F.multi_head_attention_forward(q, k, v, 6, 2, w, b, None, None, False, 0.0,
                                                                           ow, ob), _MHA),
        (lambda F, q, k, v, w, b, ow, ob, mask: F.multi_head_attention_forward(
            q, k, v, 6, 3, w, b, None, None, True, 0.0, ow, ob, key_padding_mask=mask, average_attn_weights=False),
         _MHA + [_PADDING]),
    ],
}


# ----- the enumeration ---------------------------------------------------------------------------------------
def _public(namespace, keep) -> set:
    return {name for name, value in vars(namespace).items() if not name.startswith("_") and keep(value)}


def _facade_names() -> set:
    nn, F, optim = gtorch.nn, gtorch.nn.functional, gtorch.optim
    modules = _public(nn, lambda v: inspect.isclass(v) and issubclass(v, nn.Module))
    functions = _public(F, lambda v: inspect.isfunction(v) and v.__module__.startswith(F.__name__))
    optimizers = _public(optim, lambda v: inspect.isclass(v) and issubclass(v, optim.Optimizer))
    schedulers = _public(optim.lr_scheduler, inspect.isclass)
    return (modules | {f"F.{n}" for n in functions} | {f"optim.{n}" for n in optimizers}
            | {f"lr_scheduler.{n}" for n in schedulers})


LOCAL = {"optim.Optimizer", "lr_scheduler.LRScheduler"}  # compared by the subclass tests below


def test_every_public_name_has_a_comparison():
    tables = set(MODULES) | set(COMPARED_IN) | set(FUNCTIONS) | LOCAL
    names = _facade_names()
    assert not names - tables, f"public names without a comparison with PyTorch: {sorted(names - tables)}"
    assert not tables - names, f"comparisons of names the facade does not provide: {sorted(tables - names)}"
    assert len(names) > 120  # the enumeration finds the modules, functions, optimizers and schedulers


@pytest.mark.parametrize("name", sorted(COMPARED_IN))
def test_the_referenced_file_compares_the_name_with_pytorch(name):
    text = (HERE / COMPARED_IN[name]).read_text()
    assert re.search(rf"\b{re.escape(name.split('.')[-1])}\b", text), f"{COMPARED_IN[name]} never names {name}"
    assert "torch_oracle" in text or 'importorskip("torch")' in text, f"{COMPARED_IN[name]} does not use PyTorch"


# ----- running both ------------------------------------------------------------------------------------------
def _flat(outputs) -> list:
    if isinstance(outputs, (tuple, list)):
        return [t for item in outputs for t in _flat(item)]
    return [] if outputs is None else [outputs]


def _leaves(lib, inputs) -> list:
    return [lib.tensor(a.array) if isinstance(a, Const) else lib.tensor(a, requires_grad=True) for a in inputs]


def _run(call, lib, inputs, seed):
    """call(*leaves), then backward of sum(output * random weights) over the float outputs.

    Returns
    -------
    (outputs, gradients of the inputs that require grad), as lists of ndarrays.
    """
    leaves = _leaves(lib, inputs)
    outputs = _flat(call(*leaves))
    rng = np.random.default_rng(seed)
    floats = [out for out in outputs if out.is_floating_point()]
    sum((out * lib.tensor(rng.standard_normal(tuple(out.shape)))).sum() for out in floats).backward()
    return ([np.array(out.detach().numpy()) for out in outputs],
            [np.array(leaf.grad.numpy()) for leaf in leaves if leaf.requires_grad])


def _close(ours, theirs, what: str) -> None:
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype, (what, ours.shape, theirs.shape, ours.dtype)
    scale = max(1.0, float(np.abs(theirs).max(initial=0.0)))
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9 * scale, err_msg=what)


def _same_run(ours, theirs, what: str) -> None:
    for kind, mine, expected in zip(("output", "input gradient"), ours, theirs):
        assert len(mine) == len(expected), f"{what}: {len(mine)} {kind}s, PyTorch {len(expected)}"
        for index, (a, b) in enumerate(zip(mine, expected)):
            _close(a, b, f"{what}: {kind} {index}")


def _numpy_state(module) -> dict:
    return {k: np.array(v.detach().numpy()) for k, v in module.state_dict().items()}


def _same_state(ours, theirs, what: str) -> None:
    mine, expected = _numpy_state(ours), _numpy_state(theirs)
    assert list(mine) == list(expected), f"{what}: state dict keys {list(mine)} != PyTorch's {list(expected)}"
    for key, value in expected.items():
        _close(mine[key], value, f"{what}: {key}")


def _same_gradients(ours, theirs, what: str) -> None:
    expected = dict(theirs.named_parameters())
    assert [n for n, _ in ours.named_parameters()] == list(expected), what
    for name, p in ours.named_parameters():
        assert (p.grad is None) == (expected[name].grad is None), f"{what}: gradient of {name}"
        if p.grad is not None:
            _close(p.grad.numpy(), expected[name].grad.numpy(), f"{what}: gradient of {name}")


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_runs_and_trains_as_in_pytorch(name):
    case = MODULES[name]
    ours = case.make(gtorch.nn).double().train(case.training)
    theirs = (case.torch_make or case.make)(torch.nn).double().train(case.training)
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in _numpy_state(ours).items()})  # facade -> PyTorch
    learns = bool(list(ours.parameters()))
    optimizers = [lib.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
                  for lib, m in ((gtorch, ours), (torch, theirs))] if learns else []
    for step in range(STEPS if learns else 1):
        for optimizer in optimizers:
            optimizer.zero_grad()
        _same_run(_run(ours, gtorch, case.inputs, step), _run(theirs, torch, case.inputs, step), f"{name} step {step}")
        _same_gradients(ours, theirs, f"{name} step {step}")
        for optimizer in optimizers:
            optimizer.step()
        _same_state(ours, theirs, f"{name} after step {step + 1}")
    fresh = case.make(gtorch.nn).double().train(case.training)
    fresh.load_state_dict(_numpy_state(theirs))  # PyTorch's trained state -> a new facade module
    _same_run(_run(fresh, gtorch, case.inputs, 9), _run(theirs, torch, case.inputs, 9), f"{name} reloaded")


@pytest.mark.parametrize("name, index", [(name, i) for name in sorted(FUNCTIONS) for i in range(len(FUNCTIONS[name]))])
def test_function_matches_pytorch(name, index):
    call, inputs = FUNCTIONS[name][index]
    ours = _run(lambda *t: call(gtorch.nn.functional, *t), gtorch, inputs, index)
    theirs = _run(lambda *t: call(torch.nn.functional, *t), torch, inputs, index)
    _same_run(ours, theirs, f"{name} case {index}")


# ----- the base classes, subclassed as a PyTorch user does ---------------------------------------------------
def _heavy_ball(lib, params, lr=0.1, momentum=0.9):
    """An optimizer written as in PyTorch's tutorials: defaults, per-parameter state, no_grad step, closure."""

    class HeavyBall(lib.optim.Optimizer):
        def __init__(self, params, lr, momentum):
            super().__init__(params, {"lr": lr, "momentum": momentum})

        @lib.no_grad()
        def step(self, closure=None):
            loss = None
            if closure is not None:
                with lib.enable_grad():
                    loss = closure()
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    state = self.state[p]
                    if "momentum_buffer" not in state:
                        state["momentum_buffer"] = lib.zeros_like(p)
                    buffer = state["momentum_buffer"]
                    buffer.mul_(group["momentum"]).add_(p.grad)
                    p.add_(buffer, alpha=-group["lr"])
            return loss

    return HeavyBall(params, lr, momentum)


def test_optimizer_subclass_trains_as_in_pytorch():
    case = MODULES["Sequential"]
    models = [case.make(lib.nn).double() for lib in (gtorch, torch)]
    models[1].load_state_dict({k: torch.from_numpy(v) for k, v in _numpy_state(models[0]).items()})
    optimizers = [_heavy_ball(lib, model.parameters()) for lib, model in zip((gtorch, torch), models)]
    for step in range(STEPS):
        losses = []
        for lib, model, optimizer in zip((gtorch, torch), models, optimizers):
            def closure(lib=lib, model=model, optimizer=optimizer):
                optimizer.zero_grad()
                loss = model(*_leaves(lib, case.inputs)).pow(2).mean()
                loss.backward()
                return loss
            losses.append(optimizer.step(closure).item())
        assert losses[0] == pytest.approx(losses[1], rel=1e-12), f"loss at step {step}"
        _same_state(models[0], models[1], f"after step {step + 1}")
    for p, q in zip(models[0].parameters(), models[1].parameters()):
        _close(optimizers[0].state[p]["momentum_buffer"].numpy(), optimizers[1].state[q]["momentum_buffer"].numpy(),
               "momentum buffer")
    assert optimizers[0].state_dict()["param_groups"] == optimizers[1].state_dict()["param_groups"]


def _warmup(lib, optimizer):
    """A scheduler written as in PyTorch: `get_lr` from `last_epoch` and `base_lrs`."""

    class Warmup(lib.optim.lr_scheduler.LRScheduler):
        def get_lr(self):
            return [base * min(1.0, (self.last_epoch + 1) / 4) for base in self.base_lrs]

    return Warmup(optimizer)


def test_scheduler_subclass_sets_the_rates_as_in_pytorch_and_resumes_from_its_state_dict():
    runs = []
    for lib in (gtorch, torch):
        weight = lib.nn.Parameter(lib.ones(3, dtype=lib.float64))
        optimizer = lib.optim.SGD([weight], lr=0.1, momentum=0.9)
        scheduler = _warmup(lib, optimizer)
        rates = [scheduler.get_last_lr()]
        for _ in range(6):
            weight.grad = lib.full((3,), 0.5, dtype=lib.float64)
            optimizer.step()
            scheduler.step()
            rates.append(scheduler.get_last_lr())
        runs.append((weight.detach().numpy().copy(), rates, scheduler.state_dict()))
    (ours, our_rates, our_state), (theirs, their_rates, their_state) = runs
    np.testing.assert_allclose(our_rates, their_rates, rtol=1e-15)
    _close(ours, theirs, "weight after 6 scheduled steps")
    for lib, state in ((gtorch, their_state), (torch, our_state)):  # each resumes from the other's state dict
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # neither optimizer stepped first: not what is compared here
            scheduler = _warmup(lib, lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=0.1))
            scheduler.load_state_dict(dict(state))
            scheduler.step()
        assert scheduler.last_epoch == 7 and scheduler.get_last_lr() == pytest.approx(their_rates[-1])


# ----- end to end: PyTorch's two beginner tutorials, in both libraries ---------------------------------------
def _cifar_net(lib):
    """The network of PyTorch's "Training a Classifier" (CIFAR-10) tutorial, as written there."""
    nn, F = lib.nn, lib.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = lib.flatten(x, 1)  # flatten all dimensions except batch
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    return Net()


def _quickstart_mlp(lib):
    """The network of PyTorch's Quickstart tutorial (FashionMNIST), as written there."""
    nn = lib.nn

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))

        def forward(self, x):
            x = self.flatten(x)
            return self.linear_relu_stack(x)

    return NeuralNetwork()


@pytest.mark.parametrize("make, image", [(_cifar_net, (3, 32, 32)), (_quickstart_mlp, (1, 28, 28))],
                         ids=["cifar-tutorial-net", "quickstart-mlp"])
def test_tutorial_networks_train_alike(make, image):
    models = [make(lib).double() for lib in (gtorch, torch)]
    models[1].load_state_dict({k: torch.from_numpy(v) for k, v in _numpy_state(models[0]).items()})
    losses = [lib.nn.CrossEntropyLoss() for lib in (gtorch, torch)]
    optimizers = [lib.optim.SGD(m.parameters(), lr=0.01, momentum=0.9) for lib, m in zip((gtorch, torch), models)]
    rng = np.random.default_rng(1)
    for step in range(STEPS):
        images, labels = rng.standard_normal((4,) + image), rng.integers(0, 10, 4)
        values = []
        for lib, model, loss_fn, optimizer in zip((gtorch, torch), models, losses, optimizers):
            optimizer.zero_grad()
            loss = loss_fn(model(lib.tensor(images)), lib.tensor(labels))
            loss.backward()
            optimizer.step()
            values.append(loss.item())
        assert values[0] == pytest.approx(values[1], rel=1e-10), f"loss at step {step}"
        _same_state(models[0], models[1], f"after step {step + 1}")
    fresh = make(gtorch).double()
    fresh.load_state_dict(_numpy_state(models[1]))  # PyTorch's trained weights -> the facade
    back = make(torch).double()
    back.load_state_dict({k: torch.from_numpy(v) for k, v in _numpy_state(models[0]).items()})  # and the reverse
    images = rng.standard_normal((2,) + image)
    expected = models[1](torch.tensor(images)).detach().numpy()
    _close(fresh(gtorch.tensor(images)).detach().numpy(), expected, "facade loaded from PyTorch")
    _close(back(torch.tensor(images)).detach().numpy(), expected, "PyTorch loaded from the facade")

