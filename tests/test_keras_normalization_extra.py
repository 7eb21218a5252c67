"""Keras 3's RMSNormalization, UnitNormalization, GroupNormalization and SpectralNormalization, and the
functional forms F.rms_norm, F.group_norm and F.normalize.

Against Keras's numbers (its docstrings and its tests' expected outputs), PyTorch's `rms_norm`,
`group_norm` (channels permuted first) and `normalize` in float64 and float32, forward and backward;
NumPy transcriptions of the formulas (and of Keras's power iteration); float64 gradient checks of the
first and second derivatives; the layer harness; configs; and the errors bad arguments raise.
"""
import json

import numpy as np
import pytest
from conv_oracles import compare_with_torch
from layer_harness import LayerCase, LayerHarness, built_layer, layer_input

import gradwork as gw
from gradwork import nn
from gradwork.nn import functional as F

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone

CASES = [
    LayerCase("rms_norm", lambda dt: nn.RMSNormalization(dtype=dt), (3, 5), {"scale": (5,)}, (3, 5), ("scale",)),
    LayerCase("rms_norm_two_axes", lambda dt: nn.RMSNormalization(axis=[-1, -2], epsilon=1e-3, dtype=dt),
              (2, 3, 4), {"scale": (3, 4)}, (2, 3, 4), ("scale",)),
    LayerCase("unit_norm", lambda dt: nn.UnitNormalization(dtype=dt), (3, 5), {}, (3, 5)),
    LayerCase("unit_norm_two_axes", lambda dt: nn.UnitNormalization(axis=[1, 2], dtype=dt), (2, 3, 4), {},
              (2, 3, 4)),
    LayerCase("group_norm", lambda dt: nn.GroupNormalization(groups=3, dtype=dt), (2, 3, 4, 6),
              {"gamma": (6,), "beta": (6,)}, (2, 3, 4, 6), ("gamma", "beta")),
    LayerCase("group_norm_axis1",
              lambda dt: nn.GroupNormalization(groups=2, axis=1, gamma_regularizer="l2", dtype=dt), (2, 4, 3),
              {"gamma": (4,), "beta": (4,)}, (2, 4, 3), ("gamma", "beta")),
    LayerCase("group_norm_instance", lambda dt: nn.GroupNormalization(groups=-1, center=False, dtype=dt), (3, 5, 4),
              {"gamma": (4,)}, (3, 5, 4), ("gamma",)),
    LayerCase("group_norm_plain", lambda dt: nn.GroupNormalization(1, center=False, scale=False, dtype=dt),
              (3, 6), {}, (3, 6)),
]


class TestNormalizationLayers(LayerHarness):
    CASES = CASES


# ----------------------------------------------------------------------------------------------- Keras's numbers
def test_rms_normalization_keras_test_output():
    out = nn.RMSNormalization()(np.arange(10, dtype=np.float32)[None, :])
    expected = [0.0, 0.18731716, 0.37463433, 0.5619515, 0.74926865, 0.9365858, 1.123903, 1.3112202, 1.4985373,
                1.6858544]
    np.testing.assert_allclose(out.data[0], expected, rtol=1e-6)


def test_rms_normalization_keras_docstring_output_is_already_normalized():
    """Keras's docstring prints x / rms(x) for a random x; normalizing it again must give it back."""
    keras_out = np.array([[0.35098287, 1.0495652, 1.4645109, 1.2944688, 0.31124955, 1.2768592, 1.184331,
                           0.17474432, 0.49955517, 1.2428929]], dtype=np.float32)
    layer = nn.RMSNormalization()
    layer.build_from_shape([5, 20, 30, 10])
    assert layer.scale.shape == (10,)
    np.testing.assert_allclose(layer(keras_out).data, keras_out, rtol=2e-6)


def test_unit_normalization_keras_numbers():
    data = np.arange(6).reshape(2, 3)                         # integers: cast to the layer's float dtype
    out = nn.UnitNormalization()(data)
    assert abs(float((out.data[0] ** 2).sum()) - 1.0) < 1e-6
    expected = [[0.26726124, 0.5345225, 0.8017837], [0.45584232, 0.5698029, 0.68376344]]  # keras.ops.normalize
    np.testing.assert_allclose(nn.UnitNormalization()(np.array([[1, 2, 3], [4, 5, 6]])).data, expected, rtol=1e-6)
    np.testing.assert_allclose(F.normalize(gw.tensor([[1.0, 2, 3], [4, 5, 6]])).data, expected, rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_unit_normalization_divides_by_the_norm_down_to_keras_epsilon_1e_12(dtype):
    # Keras 3: ops.normalize(x, order=2, epsilon=1e-12) = x * min(1 / ||x||, 1e12); a norm of 1e-8 still
    # gives a unit vector, and a zero vector's gradient is 1e12 (x / 1e-12 there)
    x = np.array([[3e-8, 4e-8], [0.0, 0.0]], dtype=dtype)
    np.testing.assert_allclose(nn.UnitNormalization(dtype=dtype)(x).data, [[0.6, 0.8], [0.0, 0.0]], rtol=1e-5)
    compare_with_torch(lambda a: nn.UnitNormalization(dtype=dtype)(a),
                       lambda a: torch.nn.functional.normalize(a, dim=-1, eps=1e-12), [x.astype(np.float64)], dtype,
                       "UnitNormalization")


@pytest.mark.parametrize("groups, axis, x, expected", [
    (4, -1, [[[-1.0, 1.0, 0, 2.0], [1.0, 3.0, -4, -2.0]]], [[[-1.0, -1.0, 1.0, 1.0], [1.0, 1.0, -1.0, -1.0]]]),
    (-1, -1, [[[-1.0, 1.0, 0, 2.0], [1.0, 3.0, -4, -2.0]]], [[[-1.0, -1.0, 1.0, 1.0], [1.0, 1.0, -1.0, -1.0]]]),
    (1, -1, [[-1.0, -1.0, 1.0, 1.0, 2.0, 2.0, 0, -2.0]],
     [[-0.898, -0.898, 0.539, 0.539, 1.257, 1.257, -0.180, -1.616]]),
    (2, 1, [[-1.0, -1.0, 1.0, 1.0, 2.0, 2.0, 0, -2.0]], [[-1.0, -1.0, 1.0, 1.0, 0.904, 0.904, -0.301, -1.507]]),
    (1, -1, [[[-1.0, -1.0, 2.0, 2.0], [1.0, 1.0, 0, -2.0]]], [[[-0.898, -0.898, 1.257, 1.257], [0.539, 0.539, -0.180,
                                                                                              -1.616]]]),
    (2, 2, [[[-1.0, -1.0, 2.0, 2.0], [1.0, 1.0, 0, -2.0]]], [[[-1.0, -1.0, 0.904, 0.904], [1.0, 1.0, -0.301, -1.507]]]),
    (2, 1, np.arange(16.0).reshape(1, 4, 2, 2),
     [[[[-1.5274, -1.0910], [-0.6546, -0.2182]], [[0.2182, 0.6546], [1.0910, 1.5274]],
       [[-1.5274, -1.0910], [-0.6546, -0.2182]], [[0.2182, 0.6546], [1.0910, 1.5274]]]]),
], ids=["instance", "groups_-1", "1d_one_group", "1d_two_groups", "2d_one_group", "2d_two_groups", "channels_first"])
def test_group_normalization_keras_test_numbers(groups, axis, x, expected):
    """Keras's group_normalization_test expectations (given there to 3-4 decimals)."""
    layer = nn.GroupNormalization(groups=groups, axis=axis, scale=False, center=False)
    np.testing.assert_allclose(layer(np.asarray(x)).data, expected, atol=1e-3)


def test_spectral_normalization_keras_test_apply_layer():
    """A 2x2 kernel of ones reshaped to (4, 1) has spectral norm 2: training halves the output."""
    wrapper = nn.SpectralNormalization(nn.Conv2D(1, (2, 2), kernel_initializer=gw.initializers.Constant(1.0)),
                                       power_iterations=8)
    images = np.ones((1, 2, 2, 1))
    np.testing.assert_allclose(wrapper(images, training=False).data, [[[[4.0]]]])
    np.testing.assert_allclose(wrapper(images, training=True).data, [[[[2.0]]]], rtol=1e-6)


@pytest.mark.parametrize("wrapped, x, shape", [
    (lambda: nn.Conv2D(2, 2), np.random.default_rng(0).random((1, 10, 10, 1)), (1, 9, 9, 2)),
    (lambda: nn.Dense(10), np.random.default_rng(0).random((1, 10, 10, 1)), (1, 10, 10, 10)),
    (lambda: nn.Embedding(10, 4), np.arange(10) % 10, (10, 4)),
])
def test_spectral_normalization_keras_docstring_shapes(wrapped, x, shape):
    layer = nn.SpectralNormalization(wrapped())
    assert layer(x).shape == shape and layer(x, training=True).shape == shape
    assert [w.name for w in layer.non_trainable_weights] == ["vector_u"]


# ----------------------------------------------------------------------------------------------- PyTorch
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("shape, normalized", [((4, 6), (6,)), ((2, 3, 4, 5), (4, 5))])
def test_functional_rms_norm_matches_torch(shape, normalized, dtype):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal(shape) * 3 + 1, rng.standard_normal(normalized)
    compare_with_torch(lambda a, b: F.rms_norm(a, normalized, b, eps=1e-6),
                       lambda a, b: torch.nn.functional.rms_norm(a, normalized, b, eps=1e-6), [x, w], dtype,
                       f"rms_norm {shape}")
    compare_with_torch(lambda a: F.rms_norm(a, normalized), lambda a: torch.nn.functional.rms_norm(a, normalized),
                       [x], dtype, f"rms_norm {shape} default eps")


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("shape, groups", [((2, 3, 4, 6), 3), ((3, 2, 8), 4), ((2, 5, 4), 1), ((2, 5, 4), 4)])
def test_functional_group_norm_matches_torch(shape, groups, dtype):
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal(shape) * 2 + 3, rng.standard_normal(shape[-1]), rng.standard_normal(shape[-1])
    last_to_1 = (0, len(shape) - 1, *range(1, len(shape) - 1))
    back = (0, *range(2, len(shape)), 1)
    compare_with_torch(lambda a, c, d: F.group_norm(a, groups, c, d, eps=1e-3),
                       lambda a, c, d: torch.nn.functional.group_norm(a.permute(last_to_1), groups, c, d,
                                                                      eps=1e-3).permute(back),
                       [x, w, b], dtype, f"group_norm {shape} groups={groups}")


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_functional_normalize_and_unit_normalization_match_torch(dtype):
    x = np.random.default_rng(2).standard_normal((3, 4, 5))
    x[0, 0] = 0.0                                                    # a zero vector: divided by eps
    for p in (2.0, 1.0, 3.0):
        compare_with_torch(lambda a, p=p: F.normalize(a, p),
                           lambda a, p=p: torch.nn.functional.normalize(a, p, dim=-1), [x], dtype, f"normalize p={p}")
    compare_with_torch(lambda a: nn.UnitNormalization(axis=1, dtype=dtype)(a),
                       lambda a: torch.nn.functional.normalize(a, dim=1, eps=1e-6), [x], dtype, "UnitNormalization")


def test_rms_normalization_layer_matches_torch_with_its_scale():
    x = np.random.default_rng(3).standard_normal((2, 3, 4))
    layer = built_layer(LayerCase("rms", lambda dt: nn.RMSNormalization(axis=[1, 2], dtype=dt), (2, 3, 4)),
                        dtype="float64")
    scale = layer.scale.data.copy()
    compare_with_torch(lambda a: layer(a), lambda a: torch.nn.functional.rms_norm(a, (3, 4), torch.tensor(scale),
                                                                                  eps=1e-6), [x], np.float64, "RMS")


# ----------------------------------------------------------------------------------------------- gradients
@pytest.mark.parametrize("fn, shapes", [
    (lambda x, w: F.rms_norm(x, (3, 4), w, eps=1e-5), [(2, 3, 4), (3, 4)]),
    (lambda x, w, b: F.group_norm(x, 2, w, b, eps=1e-3), [(2, 3, 4), (4,), (4,)]),
    (lambda x: F.normalize(x, dim=(0, 1)), [(2, 3, 4)]),
    (lambda x: F.normalize(x, p=3.0, dim=0), [(2, 3, 4)]),
    (lambda x: F.normalize(x * 1e-14), [(2, 3)]),                    # below eps: x / eps
], ids=["rms_norm", "group_norm", "normalize", "normalize_p3", "normalize_tiny"])
def test_gradcheck_first_and_second_order(fn, shapes):
    rng = np.random.default_rng(4)
    inputs = [gw.tensor(rng.standard_normal(s), requires_grad=True, dtype="float64") for s in shapes]
    assert gw.gradcheck(fn, inputs, atol=1e-7, rtol=1e-5)
    assert gw.gradgradcheck(fn, inputs, atol=1e-6, rtol=1e-4)


def test_spectral_normalization_gradcheck_at_inference():
    layer = nn.SpectralNormalization(nn.Dense(3, dtype="float64"), dtype="float64")
    x = gw.tensor(np.random.default_rng(5).standard_normal((4, 2)), requires_grad=True)
    layer(x)
    assert gw.gradcheck(lambda a, *w: layer(a), (x, *layer.trainable_weights), atol=1e-7, rtol=1e-5)


# ----------------------------------------------------------------------------------------------- SpectralNormalization
def _keras_power_iteration(kernel, u, iterations):
    """Keras's normalized_weights, transcribed: (next u, kernel / sigma)."""
    w = kernel.reshape(-1, kernel.shape[-1])
    for _ in range(iterations):
        v = u @ w.T
        v = v / max(np.sqrt((v * v).sum()), 1e-7)
        u = v @ w
        u = u / max(np.sqrt((u * u).sum()), 1e-7)
    sigma = (v @ w @ u.T).item()
    return u, kernel / sigma


@pytest.mark.parametrize("iterations", [1, 3])
def test_spectral_normalization_training_step_matches_keras_power_iteration(iterations):
    layer = nn.SpectralNormalization(nn.Conv2D(3, 2, dtype="float64"), power_iterations=iterations, dtype="float64")
    x = np.random.default_rng(6).standard_normal((2, 4, 4, 2))
    layer(x)
    kernel, u = layer.layer.kernel.data.copy(), layer.vector_u.data.copy()
    want_u, want_kernel = _keras_power_iteration(kernel, u, iterations)
    out = layer(x, training=True)
    np.testing.assert_allclose(layer.vector_u.data, want_u, rtol=1e-12)
    np.testing.assert_allclose(layer.layer.kernel.data, want_kernel, rtol=1e-12)
    np.testing.assert_allclose(out.data, layer.layer(x).data, rtol=1e-12)
    frozen = layer.layer.kernel.data.copy()
    layer(x)                                                             # inference changes nothing
    np.testing.assert_array_equal(layer.layer.kernel.data, frozen)


def test_spectral_normalization_converges_to_unit_spectral_norm():
    layer = nn.SpectralNormalization(nn.Dense(5, dtype="float64"), dtype="float64")
    x = np.ones((1, 7))
    for _ in range(60):
        layer(x, training=True)
    assert abs(np.linalg.norm(layer.layer.kernel.data, 2) - 1) < 1e-6


def test_spectral_normalization_trains_the_kernel_and_keeps_vector_u_out_of_training():
    layer = nn.SpectralNormalization(nn.Dense(2))
    layer(np.ones((3, 4)))
    assert [w.name for w in layer.trainable_weights] == ["kernel", "bias"]
    assert not layer.vector_u.requires_grad
    out = layer(np.ones((3, 4)), training=True)
    out.sum().backward()
    assert layer.layer.kernel.grad is not None and layer.vector_u.grad is None


def test_spectral_normalization_leaves_a_zero_kernel_alone():
    layer = nn.SpectralNormalization(nn.Dense(2, kernel_initializer="zeros"))
    layer(np.ones((1, 3)))
    u = layer.vector_u.data.copy()
    layer(np.ones((1, 3)), training=True)
    np.testing.assert_array_equal(layer.layer.kernel.data, 0.0)
    np.testing.assert_array_equal(layer.vector_u.data, u)


def test_spectral_normalization_errors_and_a_failed_call_changes_nothing():
    with pytest.raises(ValueError, match="power_iterations must be a positive integer, got 0"):
        nn.SpectralNormalization(nn.Dense(2), power_iterations=0)
    with pytest.raises(TypeError, match="SpectralNormalization: expected a Layer"):
        nn.SpectralNormalization("dense")
    with pytest.raises(ValueError, match="has no 'kernel' nor 'embeddings'"):
        nn.SpectralNormalization(nn.ReLU())(np.ones((4, 2)))
    layer = nn.SpectralNormalization(nn.Dense(2))
    layer(np.ones((2, 3)))
    before = [w.copy() for w in layer.get_weights()]
    with pytest.raises(ValueError):
        layer(np.ones((2, 5)), training=True)
    assert all(np.array_equal(a, b) for a, b in zip(before, layer.get_weights()))


def test_spectral_normalization_config_and_saving_round_trip(tmp_path):
    layer = nn.SpectralNormalization(nn.Dense(3, activation="relu"), power_iterations=2)
    x = np.random.default_rng(7).standard_normal((2, 4)).astype(np.float32)
    layer(x)
    config = json.loads(json.dumps(layer.get_config()))
    assert config["power_iterations"] == 2 and config["layer"]["class_name"] == "Dense"
    clone = nn.SpectralNormalization.from_config(config)
    clone(x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone(x).data, layer(x).data)
    model = gw.Sequential([nn.Input(shape=(4,)), layer])
    model.save(tmp_path / "sn.gw")
    np.testing.assert_array_equal(gw.load_model(tmp_path / "sn.gw").predict(x, verbose=0), model.predict(x, verbose=0))


# ----------------------------------------------------------------------------------------------- errors, configs
@pytest.mark.parametrize("make, error, match", [
    (lambda: nn.GroupNormalization(groups=0), ValueError, "groups must be a positive integer or -1, got 0"),
    (lambda: nn.GroupNormalization(groups=1.5), ValueError, "groups must be a positive integer or -1"),
    (lambda: nn.GroupNormalization(axis=[1, 2]), TypeError, "GroupNormalization: axis must be an int"),
    (lambda: nn.GroupNormalization(epsilon=0), ValueError, "epsilon must be a finite number"),
    (lambda: nn.RMSNormalization(epsilon=-1), ValueError, "RMSNormalization: epsilon must be"),
    (lambda: nn.RMSNormalization(axis="x"), TypeError, "RMSNormalization: axis must be an int or a list"),
    (lambda: nn.UnitNormalization(axis=1.0), TypeError, "UnitNormalization: axis must be an int or a list"),
])
def test_bad_constructor_arguments_raise(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize("layer, shape, match", [
    (nn.GroupNormalization(groups=3), (2, 2, 2, 4), r"groups \(3\) must divide the number of channels"),
    (nn.GroupNormalization(groups=5), (2, 4), r"groups \(5\) must divide"),
    (nn.GroupNormalization(groups=1, axis=0), (2, 4), "not the batch axis"),
    (nn.RMSNormalization(axis=3), (2, 4), "axis 3 does not fit inputs of shape"),
])
def test_build_errors_leave_the_layer_unbuilt(layer, shape, match):
    with pytest.raises(ValueError, match=match):
        layer(np.ones(shape))
    assert not layer.built and layer.weights == []


def test_calls_with_other_sizes_raise():
    for layer, good, bad in [(nn.GroupNormalization(2), (2, 4), (2, 6)), (nn.RMSNormalization(), (2, 4), (2, 5))]:
        layer(np.ones(good))
        with pytest.raises(ValueError, match="built for inputs"):
            layer(np.ones(bad))


@pytest.mark.parametrize("fn, match", [
    (lambda: F.group_norm(np.ones((2, 6)), 4), "num_groups dividing C"),
    (lambda: F.group_norm(np.ones((2, 6)), 3, np.ones(5)), r"weight must have shape \(6,\)"),
    (lambda: F.rms_norm(np.ones((2, 6)), 5), "must be the last axes"),
    (lambda: F.rms_norm(np.ones((2, 6)), 6, np.ones(5)), r"weight must have shape \(6,\)"),
    (lambda: F.normalize(np.ones((2, 6)), p=0), "p and eps must be > 0"),
    (lambda: F.normalize(np.ones((2, 6)), dim=2), "dim 2 does not fit"),
])
def test_functional_errors(fn, match):
    with pytest.raises(ValueError, match=match):
        fn()


def test_configs_use_keras_names_and_are_registered():
    expected = {
        nn.RMSNormalization: {"axis": -1, "epsilon": 1e-6},
        nn.UnitNormalization: {"axis": -1},
        nn.GroupNormalization: {"groups": 32, "axis": -1, "epsilon": 1e-3, "center": True, "scale": True,
                                "beta_initializer": "zeros", "gamma_initializer": "ones", "beta_regularizer": None,
                                "gamma_regularizer": None},
    }
    for cls, defaults in expected.items():
        config = cls().get_config()
        assert {k: config[k] for k in defaults} == defaults
        assert gw.registry.get_registered_class(cls.__name__) is cls
    assert gw.registry.get_registered_class("SpectralNormalization") is nn.SpectralNormalization
    layer = built_layer(CASES[0])
    assert layer(layer_input(CASES[0])).shape == (3, 5)


def test_docstring_examples_hold():
    import doctest

    from gradwork.nn.functional import normalization
    from gradwork.nn.layers import feature_normalization, spectral_normalization
    for module, count in ((feature_normalization, 4), (spectral_normalization, 3), (normalization, 4)):
        result = doctest.testmod(module, extraglobs={"gw": gw, "np": np, "F": F},
                                 optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert (result.attempted, result.failed) == (count, 0), module.__name__



@pytest.mark.parametrize("layer", [nn.RMSNormalization(), nn.UnitNormalization(), nn.GroupNormalization(1)],
                         ids=["rms", "unit", "group"])
def test_complex_inputs_are_refused_not_cast(layer):
    with pytest.raises(TypeError, match="expected real numbers, got inputs of dtype complex64"):
        layer(np.ones((2, 4), np.complex64))
