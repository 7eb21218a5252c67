"""gw.activations: every Keras name resolves to a function matching PyTorch (float64, forward and
gradient), Keras's defaults and relu options, and get/serialize/deserialize."""
import numpy as np
import pytest

import gradwork as gw
from gradwork import activations as A
from gradwork.nn import functional as F

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone
tF = torch.nn.functional

# Away from every kink (0, +-3, 6) so one-sided derivatives cannot disagree.
X = np.array([[-7.3, -3.4, -2.1, -0.6, -0.05], [0.07, 0.8, 2.4, 3.6, 7.9]])

TORCH_FORMS = {
    "relu": torch.relu,
    "leaky_relu": lambda x: tF.leaky_relu(x, 0.2),
    "relu6": tF.relu6,
    "elu": tF.elu,
    "selu": torch.selu,
    "softplus": tF.softplus,
    "softsign": tF.softsign,
    "silu": tF.silu,
    "swish": tF.silu,
    "gelu": tF.gelu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "exponential": torch.exp,
    "hard_sigmoid": tF.hardsigmoid,
    "hard_silu": tF.hardswish,
    "hard_swish": tF.hardswish,
    "mish": tF.mish,
    "linear": lambda x: x,
    "softmax": lambda x: torch.softmax(x, -1),
    "log_softmax": lambda x: torch.log_softmax(x, -1),
    "crelu": lambda x: torch.cat([torch.relu(x), torch.relu(-x)], -1),
}


@pytest.mark.parametrize("name", sorted(TORCH_FORMS))
def test_activation_matches_torch(name):
    fn = A.get(name)
    x = gw.tensor(X, requires_grad=True)
    out = fn(x)
    v = np.random.default_rng(0).standard_normal(out.shape)
    (out * v).sum().backward()

    tx = torch.tensor(X, requires_grad=True)
    tout = TORCH_FORMS[name](tx)
    (tout * torch.tensor(v)).sum().backward()
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-12, atol=1e-14)
    # PyTorch's hardsigmoid backward multiplies by a float32 1/6, even for float64 tensors
    rtol = 1e-7 if name == "hard_sigmoid" else 1e-10
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=rtol, atol=1e-14)


def test_gelu_approximate_matches_torch_tanh_form():
    out = A.gelu(gw.tensor(X), approximate=True)
    np.testing.assert_allclose(out.data, tF.gelu(torch.tensor(X), approximate="tanh").numpy(), rtol=1e-12)
    exact = A.gelu(gw.tensor(X)).data
    assert not np.allclose(out.data, exact, rtol=1e-6, atol=0)  # the default really is the exact form


def test_keras_relu_options():
    x = gw.tensor([-10.0, -5.0, 0.0, 5.0, 10.0])
    assert A.relu(x).tolist() == [0, 0, 0, 5, 10]
    assert A.relu(x, negative_slope=0.5).tolist() == [-5, -2.5, 0, 5, 10]
    assert A.relu(x, max_value=5.0).tolist() == [0, 0, 0, 5, 5]
    assert A.relu(x, threshold=5.0).tolist() == [0, 0, 0, 0, 10]
    assert A.relu(x, negative_slope=0.5, max_value=6.0, threshold=2.0).tolist() == [-6, -3.5, -1, 5, 6]


def test_relu_options_gradient():
    x = gw.tensor([-4.0, 1.0, 3.0, 8.0], requires_grad=True)
    A.relu(x, negative_slope=0.1, max_value=6.0, threshold=2.0).sum().backward()
    np.testing.assert_allclose(x.grad.data, [0.1, 0.1, 1.0, 0.0])


def test_softmax_axis_and_default_slopes():
    x = gw.tensor(X)
    np.testing.assert_allclose(A.softmax(x, axis=0).data.sum(axis=0), np.ones(5), rtol=1e-12)
    assert A.leaky_relu(gw.tensor([-1.0])).item() == pytest.approx(-0.2)  # Keras's 0.2, not PyTorch's 0.01


def test_get_none_and_callables():
    assert A.get(None) is A.linear
    x = gw.tensor([1.0, -1.0])
    assert A.get(None)(x) is x

    def custom(t):
        return t * 2

    assert A.get(custom) is custom
    assert A.get("swish") is A.silu
    with pytest.raises(ValueError, match="relu") as info:
        A.get("rleu")
    assert "softmax" in str(info.value)
    with pytest.raises(ValueError):
        A.get(3)


@pytest.mark.parametrize("name", sorted(TORCH_FORMS))
def test_serialize_round_trip(name):
    fn = A.get(name)
    serialized = A.serialize(fn)
    assert A.deserialize(serialized) is fn
    assert A.get(serialized) is fn
    expected = {"swish": "silu", "hard_swish": "hard_silu"}.get(name, name)
    assert serialized == expected


def test_serialize_functional_forms_and_errors():
    assert A.serialize(F.relu) == "relu"
    assert A.serialize(F.softmax) == "softmax"
    assert A.serialize(None) == "linear"
    assert A.deserialize({"class_name": "function", "config": "tanh"}) is A.tanh
    with pytest.raises(ValueError, match="built-in"):
        A.serialize(lambda t: t)
    with pytest.raises(ValueError, match="built-in"):
        A.serialize(F.leaky_relu)  # PyTorch's slope 0.01 is not Keras's leaky_relu
