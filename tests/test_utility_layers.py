"""Lambda, Identity, Masking and Permute: what they compute, their gradients, and how a Lambda saves."""
import numpy as np
import pytest

import gradwork as gw
from gradwork import nn


@gw.saving.register_serializable("tests")
def double_plus(x, offset=0.0):
    return x * 2.0 + offset


def test_lambda_computes_is_differentiable_and_saves_only_registered_functions(tmp_path):
    x = gw.Input(shape=(3,))
    model = gw.Model(x, nn.Dense(2)(nn.Lambda(double_plus, arguments={"offset": 1.0})(x)))
    data = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    dense = model.layers[-1]
    np.testing.assert_allclose(model.predict(data, verbose=0), dense(data * 2 + 1).numpy(), rtol=1e-6)
    t = gw.tensor(np.random.default_rng(1).normal(size=(2, 3)), requires_grad=True)
    assert gw.gradcheck(lambda v: nn.Lambda(double_plus)(v) * v, [t])
    model.save(tmp_path / "m.gw")
    np.testing.assert_array_equal(gw.load_model(tmp_path / "m.gw").predict(data, verbose=0),
                                  model.predict(data, verbose=0))
    unsaved = gw.Model(x, nn.Lambda(lambda t: t * 3.0)(x))
    with pytest.raises(ValueError, match="cannot save a Lambda of .*only a function registered"):
        unsaved.save(tmp_path / "no.gw")
    assert not (tmp_path / "no.gw").exists()


def test_loading_a_lambda_never_runs_code_from_the_file():
    config = nn.Lambda(double_plus).get_config()
    assert config["function"] == "tests>double_plus"
    with pytest.raises(ValueError, match="no function is registered as 'os>system'.*never loaded from files"):
        nn.Lambda.from_config({**config, "function": "os>system"})
    with gw.saving.custom_object_scope({"mine>triple": lambda t: t * 3.0}):
        layer = nn.Lambda.from_config({**config, "function": "mine>triple"})
    np.testing.assert_array_equal(layer(np.ones((1, 2))).numpy(), [[3.0, 3.0]])


def test_identity_passes_inputs_and_masks_on():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(nn.Identity()(x).numpy(), x)
    mask = np.array([[True, False]])
    assert nn.Identity().compute_mask(None, mask) is mask


def test_masking_hides_padded_steps_from_an_lstm():
    gw.random.seed(0)
    rng = np.random.default_rng(0)
    steps = rng.normal(size=(3, 4, 5)).astype(np.float32)
    padded = np.concatenate([steps, np.zeros((3, 2, 5), np.float32)], axis=1)
    inputs = gw.Input(shape=(None, 5))
    model = gw.Model(inputs, nn.LSTM(3)(nn.Masking()(inputs)))
    np.testing.assert_allclose(model.predict(padded, verbose=0), model.predict(steps, verbose=0), rtol=1e-5,
                               atol=1e-6)
    out = nn.Masking(mask_value=1.5)(np.array([[[1.5, 1.5], [1.5, 2.0]]]))
    np.testing.assert_array_equal(out.numpy(), [[[0.0, 0.0], [1.5, 2.0]]])
    with pytest.raises(ValueError, match="expected inputs of shape \\(batch, time, features\\)"):
        nn.Masking()(np.zeros((2, 3)))


def test_permute_reorders_sample_axes_with_its_gradient():
    x = np.random.default_rng(0).normal(size=(2, 3, 4, 5))
    np.testing.assert_array_equal(nn.Permute((3, 1, 2))(x.astype(np.float32)).numpy(),
                                  x.astype(np.float32).transpose(0, 3, 1, 2))
    t = gw.tensor(x, requires_grad=True)
    assert gw.gradcheck(lambda v: nn.Permute((2, 3, 1))(v), [t])
    assert nn.Permute((2, 1))(gw.Input(shape=(3, 4))).shape == (None, 4, 3)
    with pytest.raises(ValueError, match="dims must be a permutation of 1..2"):
        nn.Permute((0, 1))
    with pytest.raises(ValueError, match="needs inputs of rank 3"):
        nn.Permute((2, 1))(np.zeros((2, 3, 4, 5)))
