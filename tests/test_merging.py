"""Merge layers: gradients by central differences (float64) and forward and backward against PyTorch;
Keras's shape rules and errors."""
import numpy as np
import pytest

import gradwork as gw
from gradwork import nn
from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone


def _pair(shape_a=(3, 4), shape_b=(3, 4), seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape_a), rng.normal(size=shape_b)


def _cosine(a, b):
    a = a / a.norm(dim=1, keepdim=True).clamp_min(1e-6)
    b = b / b.norm(dim=1, keepdim=True).clamp_min(1e-6)
    return (a * b).sum(dim=1, keepdim=True)


# (make the layer, shapes of its inputs, the same computation in PyTorch on a list of tensors)
CASES = {
    "add": (lambda: nn.Add(), [(3, 4)] * 3, lambda t: t[0] + t[1] + t[2]),
    "add_broadcast": (lambda: nn.Add(), [(3, 4), (3, 1)], lambda t: t[0] + t[1]),
    "subtract": (lambda: nn.Subtract(), [(3, 4)] * 2, lambda t: t[0] - t[1]),
    "multiply": (lambda: nn.Multiply(), [(3, 2, 4)] * 2, lambda t: t[0] * t[1]),
    "average": (lambda: nn.Average(), [(3, 4)] * 3, lambda t: (t[0] + t[1] + t[2]) / 3),
    "maximum": (lambda: nn.Maximum(), [(3, 4)] * 3, lambda t: torch.maximum(torch.maximum(t[0], t[1]), t[2])),
    "minimum": (lambda: nn.Minimum(), [(3, 4)] * 2, lambda t: torch.minimum(t[0], t[1])),
    "concatenate": (lambda: nn.Concatenate(), [(3, 4), (3, 2)], lambda t: torch.cat(t, dim=-1)),
    "concatenate_axis1": (lambda: nn.Concatenate(axis=1), [(3, 2, 4), (3, 5, 4)], lambda t: torch.cat(t, dim=1)),
    "dot": (lambda: nn.Dot(axes=1), [(3, 4)] * 2, lambda t: (t[0] * t[1]).sum(dim=1, keepdim=True)),
    "dot_3d": (lambda: nn.Dot(axes=(2, 1)), [(3, 2, 4), (3, 4, 5)], lambda t: torch.bmm(t[0], t[1])),
    "dot_first_axes": (lambda: nn.Dot(axes=1), [(3, 4, 2), (3, 4, 5)],
                       lambda t: torch.bmm(t[0].transpose(1, 2), t[1])),
    "dot_normalized": (lambda: nn.Dot(axes=1, normalize=True), [(3, 4)] * 2, lambda t: _cosine(t[0], t[1])),
}


def _inputs(shapes, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=s).astype(dtype) for s in shapes]


@pytest.mark.parametrize("name", sorted(CASES))
def test_merge_gradients_by_central_differences(name):
    make, shapes, _ = CASES[name]
    layer = make()
    tensors = [gw.tensor(a, requires_grad=True) for a in _inputs(shapes)]
    assert gw.gradcheck(lambda *t: layer(list(t)), tensors)


@pytest.mark.parametrize("name", sorted(CASES))
def test_merge_forward_and_backward_match_pytorch(name):
    make, shapes, torch_fn = CASES[name]
    arrays = _inputs(shapes, seed=1, dtype=np.float32)
    layer = make()
    ours = [gw.tensor(a, requires_grad=True) for a in arrays]
    out = layer(ours)
    weights = np.random.default_rng(2).normal(size=out.shape).astype(np.float32)
    (out * gw.tensor(weights)).sum().backward()
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    expected = torch_fn(theirs)
    (expected * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-5, atol=1e-6)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("layer, shapes, match", [
    (nn.Add(), [(3, 4), (3, 5)], "incompatible shapes"),
    (nn.Add(), [(3, 4)], "at least 2 inputs, got 1"),
    (nn.Subtract(), [(3, 4)] * 3, "exactly 2 inputs, got 3"),
    (nn.Concatenate(), [(3, 4, 2), (3, 5, 3)], "must agree on every axis but -1"),
    (nn.Concatenate(axis=0), [(3, 4), (3, 4)], "not the batch axis"),
    (nn.Dot(axes=1), [(3, 4), (3, 5)], "summed axes differ in size"),
    (nn.Multiply(), [(3, 4), (2, 4)], "batch sizes differ"),
])
def test_merge_errors_name_the_layer_and_the_shapes(layer, shapes, match):
    with pytest.raises(ValueError, match=f"{layer.name}: .*{match}"):
        layer([gw.tensor(a) for a in _inputs(shapes)])


def test_a_merge_layer_takes_a_list():
    with pytest.raises(ValueError, match="takes a list of tensors"):
        nn.Add()(np.zeros((2, 3)))


def test_functional_forms_and_symbolic_shapes():
    a, b = gw.Input(shape=(4,)), gw.Input(shape=(4,))
    assert nn.add([a, b]).shape == nn.subtract([a, b]).shape == nn.multiply([a, b]).shape == (None, 4)
    assert nn.average([a, b]).shape == nn.maximum([a, b]).shape == nn.minimum([a, b]).shape == (None, 4)
    assert nn.concatenate([a, b]).shape == (None, 8) and nn.dot([a, b], axes=1).shape == (None, 1)
    x, y = _pair()
    model = gw.Model([a, b], nn.concatenate([nn.maximum([a, b]), nn.dot([a, b], axes=1, normalize=True)]))
    out = model.predict([x, y], verbose=0)
    cosine = (x * y).sum(1) / np.linalg.norm(x, axis=1) / np.linalg.norm(y, axis=1)
    np.testing.assert_allclose(out, np.concatenate([np.maximum(x, y), cosine[:, None]], axis=1), rtol=1e-5)


@pytest.mark.parametrize("layer", [nn.Concatenate(axis=1), nn.Dot(axes=(1, 2), normalize=True), nn.Average()])
def test_merge_configs_round_trip(layer):
    again = type(layer).from_config(layer.get_config())
    assert again.get_config() == layer.get_config()
