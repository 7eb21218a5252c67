"""Keras 3's EinsumDense, PReLU, GaussianNoise and GaussianDropout layers.

EinsumDense: Keras's own table of equations with the kernel, bias and output shapes it expects
(keras/src/layers/core/einsum_dense_test.py) and its docstring's shapes; the output against a NumPy
transcription (np.einsum + bias). PReLU against `torch.nn.functional.prelu` (channels permuted) in
float64, forward and backward. The noise layers: the identity at inference, the mean and variance
of the noise in training with a seed, and a seed's repeatability. The layer harness
(layer_harness) runs on every layer; configs round-trip; bad arguments raise naming the layer.
"""
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from conv_oracles import compare_with_torch, layer_vs_torch
from layer_harness import LayerCase, LayerHarness

import gradwork as gw
from gradwork import nn
from gradwork.nn import functional as F

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone

CASES = [
    LayerCase("einsum_dense_dense", lambda dt: nn.EinsumDense("ab,bc->ac", 4, bias_axes="c", dtype=dt), (3, 5),
              {"kernel": (5, 4), "bias": (4,)}, (3, 4), ("kernel", "bias")),
    LayerCase("einsum_dense_sequence",
              lambda dt: nn.EinsumDense("abc,cd->abd", (None, 4), activation="tanh", bias_axes="d", dtype=dt),
              (2, 3, 5), {"kernel": (5, 4), "bias": (4,)}, (2, 3, 4), ("kernel", "bias")),
    LayerCase("einsum_dense_ellipsis", lambda dt: nn.EinsumDense("...x,xy->...y", 3, dtype=dt), (2, 3, 2, 4),
              {"kernel": (4, 3)}, (2, 3, 2, 3), ("kernel",)),
    LayerCase("einsum_dense_postcast",
              lambda dt: nn.EinsumDense("bc...,cde->bde...", (3, 4), bias_axes="d", kernel_regularizer="l2",
                                        dtype=dt),
              (2, 1, 2), {"kernel": (1, 3, 4), "bias": (3, 1, 1)}, (2, 3, 4, 2), ("kernel", "bias")),
    LayerCase("einsum_dense_heads", lambda dt: nn.EinsumDense("BFNH,NHD->BFD", (2, 4), bias_axes="D", dtype=dt),
              (2, 2, 2, 3), {"kernel": (2, 3, 4), "bias": (4,)}, (2, 2, 4), ("kernel", "bias")),
    LayerCase("prelu", lambda dt: nn.PReLU(dtype=dt), (3, 4), {"alpha": (4,)}, (3, 4), ("alpha",), kinks=(0.0,)),
    LayerCase("prelu_shared", lambda dt: nn.PReLU(shared_axes=[1, 2], alpha_regularizer="l2", dtype=dt),
              (2, 3, 3, 2), {"alpha": (1, 1, 2)}, (2, 3, 3, 2), ("alpha",), kinks=(0.0,)),
    LayerCase("gaussian_noise", lambda dt: nn.GaussianNoise(0.3, dtype=dt), (3, 4), {}, (3, 4), stochastic=True),
    LayerCase("gaussian_dropout", lambda dt: nn.GaussianDropout(0.4, dtype=dt), (3, 4), {}, (3, 4),
              stochastic=True),
]


class TestExtraLayers(LayerHarness):
    CASES = CASES


# ----------------------------------------------------------------------------------------------- EinsumDense
# (equation, bias_axes, input_shape, output_shape, kernel shape, bias shape, output shape): Keras's table
KERAS_EINSUM_TABLE = [
    ("ab,b->a", None, (2, 32), (), (32,), None, (2,)),
    ("ab,bc->ac", None, (2, 32), 64, (32, 64), None, (2, 64)),
    ("abc,cde->abde", None, (2, 1, 2), (1, 3, 4), (2, 3, 4), None, (2, 1, 3, 4)),
    ("abc,cde->abde", "e", (2, 1, 2), (1, 3, 4), (2, 3, 4), (4,), (2, 1, 3, 4)),
    ("abc,cde->abde", "d", (2, 1, 2), (1, 3, 4), (2, 3, 4), (3, 1), (2, 1, 3, 4)),
    ("abc,cde->abde", "be", (2, 7, 2), (7, 3, 4), (2, 3, 4), (7, 1, 4), (2, 7, 3, 4)),
    ("BFNH,NHD->BFD", None, (2, 1, 2, 3), (1, 4), (2, 3, 4), None, (2, 1, 4)),
    ("abc,cd->abd", None, (2, 1, 2), (1, 4), (2, 4), None, (2, 1, 4)),
    ("i,d->id", None, (2,), (2,), (2,), None, (2, 2)),
    ("ibd,nd->ibn", None, (2, 2, 1), (2, 2), (2, 1), None, (2, 2, 2)),
    ("...b,bc->...c", None, (2, 32), (64,), (32, 64), None, (2, 64)),
    ("...bc,bc->...b", None, (2, 32, 64), (32,), (32, 64), None, (2, 32)),
    ("...b,bc->...c", None, (2, 3, 32), (64,), (32, 64), None, (2, 3, 64)),
    ("...c,cde->...de", None, (2, 1, 2), (3, 4), (2, 3, 4), None, (2, 1, 3, 4)),
    ("...c,cde->...de", "e", (2, 1, 2), (3, 4), (2, 3, 4), (4,), (2, 1, 3, 4)),
    ("...c,cde->...de", "d", (2, 1, 2), (3, 4), (2, 3, 4), (3, 1), (2, 1, 3, 4)),
    ("...c,cde->...de", "de", (2, 1, 2), (3, 4), (2, 3, 4), (3, 4), (2, 1, 3, 4)),
    ("bc...,cd->bd...", None, (2, 1, 2, 3), (4,), (1, 4), None, (2, 4, 2, 3)),
    ("bc...,cde->bde...", None, (2, 1, 2), (3, 4), (1, 3, 4), None, (2, 3, 4, 2)),
    ("bc...,cde->bde...", "d", (2, 1, 2), (3, 4), (1, 3, 4), (3, 1, 1), (2, 3, 4, 2)),
    ("bc...,cde->bde...", "e", (2, 1, 2), (3, 4), (1, 3, 4), (4, 1), (2, 3, 4, 2)),
    ("bc...,cde->bde...", "de", (2, 1, 2), (3, 4), (1, 3, 4), (3, 4, 1), (2, 3, 4, 2)),
]


@pytest.mark.parametrize("equation, bias_axes, input_shape, output_shape, kernel, bias, out", KERAS_EINSUM_TABLE,
                         ids=[f"{row[0]}|{row[1]}|{row[2]}" for row in KERAS_EINSUM_TABLE])
def test_einsum_dense_shapes_match_keras_table_and_numpy(equation, bias_axes, input_shape, output_shape, kernel,
                                                         bias, out):
    layer = nn.EinsumDense(equation, output_shape, bias_axes=bias_axes, bias_initializer="random_normal",
                           dtype="float64")
    x = np.random.default_rng(0).standard_normal(input_shape)
    y = layer(x)
    assert layer.kernel.shape == kernel and y.shape == out
    assert (layer.bias is None and bias is None) or layer.bias.shape == bias
    expected = np.einsum(equation, x, layer.kernel.data) + (0 if bias is None else layer.bias.data)
    np.testing.assert_allclose(y.data, expected, rtol=1e-12, atol=1e-12)


def test_einsum_dense_docstring_shapes():
    """Keras's three docstring examples, on symbolic inputs."""
    assert nn.EinsumDense("ab,bc->ac", output_shape=64, bias_axes="c")(nn.Input(shape=[32])).shape == (None, 64)
    layer = nn.EinsumDense("abc,cd->abd", output_shape=(None, 64), bias_axes="d")
    assert layer(nn.Input(shape=[32, 128])).shape == (None, 32, 64)
    layer = nn.EinsumDense("...x,xy->...y", output_shape=64, bias_axes="y")
    assert layer(nn.Input(shape=[32, 128])).shape == (None, 32, 64)


def test_einsum_dense_is_dense_for_ab_bc_ac():
    x = np.random.default_rng(1).standard_normal((4, 3))
    dense = nn.Dense(5, activation="relu", dtype="float64")
    einsum = nn.EinsumDense("ab,bc->ac", 5, activation="relu", bias_axes="c", dtype="float64")
    dense(x), einsum(x)
    einsum.set_weights(dense.get_weights())
    np.testing.assert_allclose(einsum(x).data, dense(x).data, rtol=1e-14)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"equation": "ab,bc", "output_shape": 3}, ValueError, "invalid equation 'ab,bc'"),
    ({"equation": "ab,bc,cd->ad", "output_shape": 3}, ValueError, "invalid equation"),
    ({"equation": "a1,1c->ac", "output_shape": 3}, ValueError, "invalid equation"),
    ({"equation": "ab,bc->ac", "output_shape": -3}, ValueError, "output_shape must be"),
    ({"equation": "ab,bc->ac", "output_shape": 3, "bias_axes": 1}, TypeError, "bias_axes must be"),
])
def test_einsum_dense_bad_arguments_raise_at_construction(kwargs, error, match):
    with pytest.raises(error, match=match):
        nn.EinsumDense(**kwargs)


@pytest.mark.parametrize("equation, output_shape, bias_axes, input_shape, match", [
    ("ab,bc->ac", 3, "x", (2, 4), r"bias_axes 'x' must be labels of the output"),
    ("abc,cd->abd", (5, 3), None, (2, 4, 6), "input and output sizes differ on the shared axis 'b'"),
    ("abc,cd->abd", 3, None, (2, 4, 6), r"output_shape \(3,\) does not fit the output labels"),
    ("ab,bc->ac", 3, None, (2, 4, 6), "expects inputs with 2 axes"),
    ("ab,bcd->ac", 3, None, (2, 4), "kernel axis 'd' .* needs a size"),
    ("ab,bc->ad", 3, None, (2, 4), "output axis 'd' .* is in neither the input nor the kernel"),
])
def test_einsum_dense_shape_errors_raise_at_build_without_weights(equation, output_shape, bias_axes, input_shape,
                                                                  match):
    layer = nn.EinsumDense(equation, output_shape, bias_axes=bias_axes)
    with pytest.raises(ValueError, match=match):
        layer(np.zeros(input_shape))
    assert not layer.built and layer.weights == []


def test_einsum_dense_call_checks_the_input():
    layer = nn.EinsumDense("abc,cd->abd", (None, 4))
    layer(np.zeros((2, 3, 5)))
    with pytest.raises(ValueError, match="built for inputs with 3 axes"):
        layer(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="do not fit the kernel"):
        layer(np.zeros((2, 3, 6)))


def test_einsum_dense_config_names_keras_arguments():
    layer = nn.EinsumDense("...x,xy->...y", 8, activation="relu", bias_axes="y", kernel_regularizer="l2")
    config = json.loads(json.dumps(layer.get_config()))
    assert {k: config[k] for k in ("equation", "output_shape", "activation", "bias_axes")} == {
        "equation": "...x,xy->...y", "output_shape": [8], "activation": "relu", "bias_axes": "y"}
    assert gw.registry.get_registered_class("EinsumDense") is nn.EinsumDense
    assert nn.EinsumDense.from_config(config).get_config() == config


# ----------------------------------------------------------------------------------------------- PReLU
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("slopes", [4, 1])
def test_functional_prelu_matches_torch(slopes, dtype):
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((2, 3, 5, 4)), rng.standard_normal(slopes)
    compare_with_torch(lambda a, b: F.prelu(a, b),
                       lambda a, b: torch.nn.functional.prelu(a.permute(0, 3, 1, 2), b).permute(0, 2, 3, 1),
                       [x, w], dtype, f"prelu {slopes}")


def test_prelu_layer_matches_torch_with_one_slope_per_channel():
    x = np.random.default_rng(4).standard_normal((2, 3, 3, 4))
    layer = nn.PReLU(alpha_initializer="random_normal", shared_axes=[1, 2], dtype="float64")
    layer(x)
    alpha = torch.tensor(layer.alpha.data.reshape(4), requires_grad=True)
    layer_vs_torch(layer, lambda t: torch.nn.functional.prelu(t.permute(0, 3, 1, 2), alpha).permute(0, 2, 3, 1),
                   x, "float64", weights=[(layer.alpha, alpha, lambda g: g.reshape(1, 1, 4))])


def test_prelu_keras_formula_and_errors():
    layer = nn.PReLU(alpha_initializer=gw.initializers.Constant(0.25))
    assert layer(np.array([[-2.0, 0.0, 3.0]])).tolist() == [[-0.5, 0.0, 3.0]]
    assert layer.get_config()["shared_axes"] is None and nn.PReLU(shared_axes=2).shared_axes == [2]
    with pytest.raises(ValueError, match="shared_axes must be axes >= 1"):
        nn.PReLU(shared_axes=[0])
    with pytest.raises(ValueError, match=r"shared_axes \[3\] do not fit inputs of shape \(2, 4\)"):
        nn.PReLU(shared_axes=3)(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="built for inputs"):
        layer(np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"prelu: weight must have shape \(1,\) or \(4,\)"):
        F.prelu(np.zeros((2, 4)), np.ones(3))


# ----------------------------------------------------------------------------------------------- noise
@pytest.mark.parametrize("layer", [nn.GaussianNoise(0.5, seed=1), nn.GaussianDropout(0.5, seed=1)],
                         ids=["noise", "dropout"])
def test_noise_layers_are_the_identity_at_inference(layer):
    x = gw.tensor(np.random.default_rng(0).standard_normal((4, 3)))
    assert layer(x) is x and layer(x, training=False) is x


def test_gaussian_noise_statistics_in_training():
    x = np.full((200_000,), 2.0, dtype=np.float64)
    noise = nn.GaussianNoise(0.3, seed=5, dtype="float64")(x, training=True).data - x
    assert abs(noise.mean()) < 5 * 0.3 / np.sqrt(x.size)          # five standard errors
    assert abs(noise.std() / 0.3 - 1) < 5 / np.sqrt(2 * x.size)


def test_gaussian_dropout_statistics_in_training():
    rate = 0.2
    stddev = np.sqrt(rate / (1 - rate))                              # 0.5
    x = np.full((200_000,), 3.0, dtype=np.float64)
    factor = nn.GaussianDropout(rate, seed=6, dtype="float64")(x, training=True).data / x
    assert abs(factor.mean() - 1) < 5 * stddev / np.sqrt(x.size)
    assert abs(factor.std() / stddev - 1) < 5 / np.sqrt(2 * x.size)


@pytest.mark.parametrize("make", [lambda s: nn.GaussianNoise(0.2, seed=s), lambda s: nn.GaussianDropout(0.3, seed=s)],
                         ids=["noise", "dropout"])
def test_a_seed_repeats_the_noise_and_gradwork_seed_does_not_touch_it(make):
    x = np.ones((3, 4), dtype=np.float32)
    a, b = make(7), make(7)
    first = a(x, training=True).data
    gw.random.seed(0)
    np.testing.assert_array_equal(b(x, training=True).data, first)
    assert not np.array_equal(a(x, training=True).data, first)     # the next draw differs


def test_noise_gradient_in_training():
    x = gw.tensor(np.ones((2, 3)), requires_grad=True, dtype="float64")
    layer = nn.GaussianDropout(0.3, seed=2, dtype="float64")
    out = layer(x, training=True)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, out.data)              # d(x * noise)/dx = noise, x = 1
    y = gw.tensor(np.ones((2, 3)), requires_grad=True, dtype="float64")
    nn.GaussianNoise(0.3, seed=2)(y, training=True).sum().backward()
    np.testing.assert_array_equal(y.grad.data, np.ones((2, 3)))


@pytest.mark.parametrize("make, match", [
    (lambda: nn.GaussianDropout(1.0), r"GaussianDropout: rate must be in \[0, 1\), got 1.0"),
    (lambda: nn.GaussianDropout(-0.1), r"rate must be in \[0, 1\)"),
    (lambda: nn.GaussianNoise(1.5), r"GaussianNoise: stddev must be a finite number in \[0.0, 1.0\]"),
    (lambda: nn.GaussianNoise(0.1, seed=1.5), "seed must be an int or None"),
])
def test_noise_layers_reject_bad_arguments(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


def test_noise_configs_round_trip():
    for layer in (nn.GaussianNoise(0.25, seed=3), nn.GaussianDropout(0.5)):
        config = json.loads(json.dumps(layer.get_config()))
        assert type(layer).from_config(config).get_config() == config
        assert gw.registry.get_registered_class(type(layer).__name__) is type(layer)


def test_docstring_examples_hold():
    import doctest

    from gradwork.nn.functional import activations
    from gradwork.nn.layers import activation, einsum_dense, noise
    from gradwork.ops import einsum
    for module, count in ((einsum, 2), (einsum_dense, 3), (noise, 2), (activation, 3), (activations, 3)):
        result = doctest.testmod(module, extraglobs={"gw": gw, "np": np, "F": F},
                                 optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert (result.attempted, result.failed) == (count, 0), module.__name__


FUZZ_LAYERS = {
    "einsum_dense": (lambda: nn.EinsumDense("abc,cd->abd", (None, 3), bias_axes="d"), (2, 3, 4)),
    "einsum_dense_ellipsis": (lambda: nn.EinsumDense("...x,xy->...y", 3, bias_axes="y"), (2, 3)),
    "prelu": (lambda: nn.PReLU(shared_axes=[1]), (2, 3, 4)),
    "gaussian_noise": (lambda: nn.GaussianNoise(0.1), (2, 3)),
    "gaussian_dropout": (lambda: nn.GaussianDropout(0.1, seed=1), (2, 3)),
    "rms_norm": (lambda: nn.RMSNormalization(), (2, 3)),
    "unit_norm": (lambda: nn.UnitNormalization(), (2, 3)),
    "group_norm": (lambda: nn.GroupNormalization(2), (2, 4)),
    "spectral_norm": (lambda: nn.SpectralNormalization(nn.Dense(3)), (2, 3)),
}


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(sorted(FUZZ_LAYERS)),
       shape=st.lists(st.integers(0, 5), min_size=0, max_size=5).map(tuple),
       dtype=st.sampled_from([np.float32, np.float64, np.int64, np.bool_, np.complex64, np.str_, object]),
       built_first=st.booleans(), training=st.booleans())
def test_fuzz_any_shape_and_dtype_gives_a_result_or_a_clean_error(name, shape, dtype, built_first, training):
    """As tests/test_silent_failures.py's fuzz: a result, or a ValueError/TypeError naming the problem after
    which the build state and the weights are as before."""
    make, good = FUZZ_LAYERS[name]
    layer = make()
    if built_first:
        layer(np.ones(good, np.float32))
    weights, built = [w.copy() for w in layer.get_weights()], layer.built
    values = np.ones(shape).astype(dtype) if dtype not in (np.str_, object) else np.full(shape, "x", dtype=dtype)
    try:
        layer(values, training=training)
    except (ValueError, TypeError) as err:
        assert str(err)
        assert layer.built == built
        assert all(np.array_equal(a, b) for a, b in zip(weights, layer.get_weights()))


@pytest.mark.parametrize("make, shape, noisy", [
    (lambda: nn.EinsumDense("ab,bc->ac", 3, kernel_initializer="ones"), (2, 4), False),
    (lambda: nn.PReLU(alpha_initializer="ones"), (2, 4), False),
    (lambda: nn.GlobalAveragePooling3D(), (1, 2, 2, 2, 3), False),
    (lambda: nn.GaussianNoise(0.5, seed=1), (2, 4), True),
    (lambda: nn.GaussianDropout(0.5, seed=1), (2, 4), True),
], ids=["EinsumDense", "PReLU", "GlobalAveragePooling3D", "GaussianNoise", "GaussianDropout"])
def test_integer_inputs_are_computed_in_the_layer_dtype(make, shape, noisy):
    x = np.arange(int(np.prod(shape))).reshape(shape) % 3 + 1      # integers 1..3
    layer = make()
    out = layer(x, training=True)
    assert out.dtype == np.float32                                  # not NumPy's float64, not int
    if noisy:                                                       # the noise is not truncated to integers
        assert not np.allclose(out.data, np.round(out.data))
    else:
        np.testing.assert_array_equal(out.data, layer(x.astype(np.float32), training=True).data)
