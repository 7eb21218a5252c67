"""Regularizers: penalty values and gradients by hand, Keras defaults and aliases, lookup and validation."""
import numpy as np
import pytest

import gradwork as gw
from gradwork import regularizers as R

W = np.array([[0.5, -2.0, 0.0], [1.5, -0.25, 3.0]])


def penalty_and_grad(reg, w=W):
    x = gw.tensor(w, requires_grad=True)
    out = reg(x)
    assert out.shape == ()
    out.backward()
    return out.item(), x.grad.data


def test_l1():
    value, grad = penalty_and_grad(R.L1(0.3))
    assert value == pytest.approx(0.3 * np.abs(W).sum(), rel=1e-12)
    np.testing.assert_allclose(grad, 0.3 * np.sign(W), rtol=1e-12)  # 0 at w = 0


def test_l2_has_no_half():
    value, grad = penalty_and_grad(R.L2(0.1))
    assert value == pytest.approx(0.1 * (W ** 2).sum(), rel=1e-12)
    np.testing.assert_allclose(grad, 2 * 0.1 * W, rtol=1e-12)


def test_l1_l2():
    value, grad = penalty_and_grad(R.L1L2(l1=0.2, l2=0.05))
    assert value == pytest.approx(0.2 * np.abs(W).sum() + 0.05 * (W ** 2).sum(), rel=1e-12)
    np.testing.assert_allclose(grad, 0.2 * np.sign(W) + 0.1 * W, rtol=1e-12)


def test_zero_penalty_is_a_scalar_of_the_weight_dtype():
    out = R.L1L2()(gw.tensor(W))
    assert out.shape == () and out.item() == 0.0 and out.dtype == np.float64
    assert R.L1L2(l1=None, l2=0.5).get_config() == {"l1": 0.0, "l2": 0.5}


def test_keras_defaults_and_aliases():
    assert R.L1().get_config() == {"l1": 0.01}
    assert R.L2().get_config() == {"l2": 0.01}
    assert R.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert R.l1 is R.L1 and R.l2 is R.L2 and R.l1_l2 is R.L1L2
    assert R.l2(0.5).l2 == 0.5


def test_float32_weights_keep_float32():
    out = R.L2(0.01)(gw.tensor([1.0, -2.0]))
    assert out.dtype == np.float32 and out.item() == pytest.approx(0.05)


@pytest.mark.parametrize("name, cls, config", [
    ("l1", R.L1, {"l1": 0.01}), ("l2", R.L2, {"l2": 0.01}), ("l1_l2", R.L1L2, {"l1": 0.0, "l2": 0.0}),
    ("L1L2", R.L1L2, {"l1": 0.0, "l2": 0.0}), ("L2", R.L2, {"l2": 0.01}),
])
def test_get_by_name(name, cls, config):
    reg = R.get(name)
    assert type(reg) is cls and reg.get_config() == config


@pytest.mark.parametrize("reg", [R.L1(0.2), R.L2(1e-4), R.L1L2(0.1, 0.3)], ids=lambda r: type(r).__name__)
def test_serialize_round_trip(reg):
    config = R.serialize(reg)
    assert config == {"class_name": type(reg).__name__, "config": reg.get_config()}
    rebuilt = R.deserialize(config)
    assert type(rebuilt) is type(reg) and rebuilt(gw.tensor(W)).item() == reg(gw.tensor(W)).item()


def test_get_other_identifiers_and_errors():
    assert R.get(None) is None
    inst = R.L1()
    assert R.get(inst) is inst
    assert isinstance(R.get(R.L2), R.L2)

    def custom(w):
        return (w * w).sum()

    assert R.get(custom) is custom
    with pytest.raises(ValueError, match="l1_l2") as info:
        R.get("l3")
    assert "l2" in str(info.value)
    for bad in (-0.1, float("nan"), float("inf"), "0.1", True):
        with pytest.raises(ValueError, match="non-negative float"):
            R.L1(bad)
    with pytest.raises(ValueError):
        R.get(5)
