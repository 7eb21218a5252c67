"""nn.Module's bookkeeping: what it registers, how state dicts are named and checked, modes, dtypes."""

import numpy as np
import pytest

import gradwork.torch as gtorch
from gradwork.torch import nn


class Affine(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(gtorch.randn(n_out, n_in))
        self.bias = nn.Parameter(gtorch.zeros(n_out))
        self.register_buffer("calls", gtorch.zeros((), dtype=gtorch.int64))
        self.register_buffer("scratch", gtorch.zeros(2), persistent=False)

    def forward(self, x):
        return x @ self.weight.t() + self.bias


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(Affine(3, 4), Affine(4, 4))
        self.heads = nn.ModuleList([Affine(4, 2), Affine(4, 1)])
        self.by_name = nn.ModuleDict({"extra": Affine(2, 2)})
        self.scale = 2.0

    def forward(self, x):
        h = self.body(x) * self.scale
        return [head(h) for head in self.heads]


def test_parameters_buffers_and_children_are_registered_with_pytorchs_names():
    net = Net()
    names = [name for name, _ in net.named_parameters()]
    assert names == ["body.0.weight", "body.0.bias", "body.1.weight", "body.1.bias", "heads.0.weight",
                     "heads.0.bias", "heads.1.weight", "heads.1.bias", "by_name.extra.weight", "by_name.extra.bias"]
    assert len(list(net.parameters())) == 10 and all(p.requires_grad for p in net.parameters())
    assert [name for name, _ in net.named_children()] == ["body", "heads", "by_name"]
    assert len(list(net.modules())) == 1 + 3 + 2 + 2 + 1
    keys = list(net.state_dict())
    assert "body.0.calls" in keys and "body.0.scratch" not in keys  # non-persistent buffers are not saved
    assert [name for name, _ in net.named_buffers()][:2] == ["body.0.calls", "body.0.scratch"]
    assert net.get_submodule("heads.1") is net.heads[1] and net.get_parameter("body.1.bias") is net.body[1].bias


def test_forward_is_what_a_call_runs_and_gradients_reach_every_parameter():
    net = Net()
    outs = net(gtorch.randn(5, 3))
    (outs[0].sum() + outs[1].sum()).backward()
    used = [p for name, p in net.named_parameters() if not name.startswith("by_name")]
    assert all(p.grad is not None and p.grad.shape == p.shape for p in used)
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_a_module_without_forward_says_so():
    with pytest.raises(NotImplementedError, match='Module \\[Module\\] is missing the required "forward"'):
        nn.Module()(gtorch.ones(1))


def test_assigning_before_init_is_a_clear_error():
    class Forgot(nn.Module):
        def __init__(self):
            self.weight = nn.Parameter(gtorch.ones(1))

    with pytest.raises(AttributeError, match="before Forgot.__init__\\(\\) called super"):
        Forgot()


def test_state_dict_round_trip_and_strict_checks_before_any_change():
    source, target = Net(), Net()
    target.load_state_dict(source.state_dict())
    for (name, a), (_, b) in zip(source.state_dict().items(), target.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=name)
    before = {k: v.numpy().copy() for k, v in target.state_dict().items()}
    bad = {k: v.numpy() + 1 for k, v in source.state_dict().items()}
    bad["body.0.weight"] = np.zeros((9, 9), np.float32)
    with pytest.raises(RuntimeError, match="size mismatch for body.0.weight.*\\(9, 9\\).*\\(4, 3\\)"):
        target.load_state_dict(bad)
    incomplete = {k: v for k, v in source.state_dict().items() if k != "heads.1.bias"}
    incomplete["surplus"] = np.zeros(1)
    with pytest.raises(RuntimeError, match="Missing key\\(s\\).*'heads.1.bias'.*\n.*Unexpected key\\(s\\).*'surplus'"):
        target.load_state_dict(incomplete)
    for key, value in target.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), before[key], err_msg=f"{key} changed by a refused load")
    result = target.load_state_dict(incomplete, strict=False)
    assert result.missing_keys == ["heads.1.bias"] and result.unexpected_keys == ["surplus"]


def test_state_dict_values_share_memory_and_are_detached():
    net = Affine(2, 3)
    state = net.state_dict()
    assert not state["weight"].requires_grad
    assert np.shares_memory(state["weight"].numpy(), net.weight.detach().numpy())


def test_train_eval_apply_and_requires_grad():
    net = Net()
    assert net.training and all(m.training for m in net.modules())
    assert net.eval() is net and not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen[-1] == "Net" and seen.count("Affine") == 5
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    with pytest.raises(ValueError, match="boolean"):
        net.train("yes")


def test_to_dtype_converts_in_place_keeping_the_parameter_objects():
    net = Affine(2, 2)
    weight = net.weight
    assert net.to(gtorch.float64) is net and net.weight is weight and weight.dtype == gtorch.float64
    assert net.calls.dtype == gtorch.int64  # integer buffers keep their dtype, as in PyTorch
    assert net.float().weight.dtype == gtorch.float32
    assert net.to("cpu") is net
    with pytest.raises(RuntimeError, match="CPU only"):
        net.to("cuda")


def test_assignments_are_checked_against_what_is_registered():
    net = Affine(2, 2)
    with pytest.raises(TypeError, match="parameter 'weight'.*Parameter or None"):
        net.weight = gtorch.ones(2, 2)
    with pytest.raises(TypeError, match="buffer 'calls'"):
        net.calls = 3
    net.weight = None
    assert "weight" not in dict(net.named_parameters())
    del net.bias
    assert list(dict(net.named_parameters())) == []


def test_repr_follows_pytorch():
    class Leaf(nn.Module):
        def extra_repr(self):
            return "size=3"

    seq = nn.Sequential(Leaf(), nn.Sequential(Leaf()))
    assert repr(seq) == "Sequential(\n  (0): Leaf(size=3)\n  (1): Sequential(\n    (0): Leaf(size=3)\n  )\n)"


def test_containers_index_slice_and_grow():
    seq = nn.Sequential(Affine(2, 2), Affine(2, 2), Affine(2, 3))
    assert len(seq) == 3 and isinstance(seq[1:], nn.Sequential) and len(seq[1:]) == 2
    assert seq[-1].weight.shape == (3, 2)
    out = seq(gtorch.ones(4, 2))
    assert out.shape == (4, 3)
    layers = nn.ModuleList()
    layers.append(Affine(1, 1)).extend([Affine(1, 1)])
    layers.insert(0, Affine(1, 2))
    assert [m.weight.shape[0] for m in layers] == [2, 1, 1]
    owner = nn.Module()
    owner.layers = layers
    assert len(list(owner.parameters())) == 6
