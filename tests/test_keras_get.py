"""The shapes of Keras's `get` functions: `losses.get` (a function for a function's name, an instance
for a class name), `initializers.get` (every identifier form Keras's takes) and seeded initializers
(the same values on every call, as Keras documents)."""
import numpy as np
import pytest

import gradwork as gw
from gradwork import initializers as I
from gradwork import losses as L

# ----- losses.get ------------------------------------------------------------------------------

FUNCTION_NAMES = [
    ("categorical_crossentropy", L.categorical_crossentropy),
    ("sparse_categorical_crossentropy", L.sparse_categorical_crossentropy),
    ("binary_crossentropy", L.binary_crossentropy), ("mean_squared_error", L.mean_squared_error),
    ("mean_absolute_error", L.mean_absolute_error), ("huber", L.huber), ("log_cosh", L.log_cosh),
    ("kl_divergence", L.kl_divergence), ("poisson", L.poisson), ("hinge", L.hinge), ("dice", L.dice),
    ("binary_focal_crossentropy", L.binary_focal_crossentropy),
    ("mse", L.mean_squared_error), ("MSE", L.mean_squared_error), ("mae", L.mean_absolute_error),
    ("bce", L.binary_crossentropy), ("kld", L.kl_divergence), ("mape", L.mean_absolute_percentage_error),
    ("msle", L.mean_squared_logarithmic_error),
]


@pytest.mark.parametrize("name, function", FUNCTION_NAMES, ids=[n for n, _ in FUNCTION_NAMES])
def test_losses_get_gives_the_function_for_a_function_name(name, function):
    assert L.get(name) is function


@pytest.mark.parametrize("name, cls", [
    ("CategoricalCrossentropy", L.CategoricalCrossentropy), ("MeanSquaredError", L.MeanSquaredError),
    ("Huber", L.Huber), ("KLDivergence", L.KLDivergence), ("Tversky", L.Tversky),
])
def test_losses_get_gives_an_instance_for_a_class_name_a_class_and_a_config(name, cls):
    assert type(L.get(name)) is cls
    assert type(L.get(cls)) is cls
    assert type(L.get({"class_name": name, "config": {}})) is cls


def test_losses_get_returns_instances_and_callables_as_they_are_and_refuses_the_rest():
    loss = L.Huber(delta=2.0)
    assert L.get(loss) is loss

    def custom(y_true, y_pred):
        return (y_true - y_pred) ** 2

    assert L.get(custom) is custom
    assert L.get(None) is None
    with pytest.raises(ValueError, match="unknown loss 'categorical_crossentropyy'"):
        L.get("categorical_crossentropyy")
    with pytest.raises(TypeError, match="PyTorch's order"):
        L.get(gw.nn.functional.mse_loss)


def test_the_function_and_the_class_from_get_compute_keras_values():
    y_true, y_pred = [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]
    per_sample = L.get("categorical_crossentropy")(y_true, y_pred)
    # Keras's documented per-sample values: -log(0.95), -log(0.1).
    np.testing.assert_allclose(per_sample.numpy(), [0.0513, 2.3026], atol=1e-4)
    np.testing.assert_allclose(float(L.get("CategoricalCrossentropy")(y_true, y_pred)), 1.1769392, rtol=1e-6)


def test_compile_with_a_function_name_still_trains_with_the_loss_class_and_saves_its_name(tmp_path):
    model = gw.Sequential([gw.nn.Input((3,)), gw.nn.Dense(2, activation="softmax")])
    model.compile("sgd", loss="categorical_crossentropy", metrics=["accuracy"])
    x = np.eye(3, dtype="float32")
    y = np.eye(2, dtype="float32")[[0, 1, 0]]
    history = model.fit(x, y, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    model.save(tmp_path / "m.gw")
    loaded = gw.models.load_model(tmp_path / "m.gw")
    np.testing.assert_allclose(loaded.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0), rtol=1e-6)


# ----- initializers.get ------------------------------------------------------------------------


@pytest.mark.parametrize("identifier, cls", [
    ({"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": None},
      "registered_name": None}, I.GlorotUniform),
    ("IdentityInitializer", I.Identity), ("identity", I.Identity), ("Identity", I.Identity),
    ("OrthogonalInitializer", I.Orthogonal), ("orthogonal", I.Orthogonal), ("one", I.Ones),
    ("zero", I.Zeros), ("uniform", I.RandomUniform), ("normal", I.RandomNormal),
    ("variance_scaling", I.VarianceScaling), (I.HeNormal, I.HeNormal),
])
def test_initializers_get_takes_what_keras_get_takes(identifier, cls):
    assert type(I.get(identifier)) is cls


def test_initializers_get_keeps_a_keras_config_s_arguments():
    init = I.get({"module": "keras.initializers", "class_name": "VarianceScaling",
                  "config": {"scale": 2.0, "mode": "fan_out", "distribution": "uniform", "seed": 7},
                  "registered_name": None})
    assert init.get_config() == {"scale": 2.0, "mode": "fan_out", "distribution": "uniform", "seed": 7}


# ----- seeded initializers ---------------------------------------------------------------------

SEEDED = [
    I.RandomNormal(seed=5), I.RandomUniform(seed=5), I.TruncatedNormal(seed=5), I.GlorotUniform(seed=5),
    I.GlorotNormal(seed=5), I.HeNormal(seed=5), I.HeUniform(seed=5), I.LecunNormal(seed=5),
    I.LecunUniform(seed=5), I.Orthogonal(seed=5), I.VarianceScaling(seed=5),
]


@pytest.mark.parametrize("init", SEEDED, ids=[type(i).__name__ for i in SEEDED])
def test_a_seeded_initializer_gives_the_same_values_on_every_call(init):
    first = init((5, 4))
    gw.random.seed(1)  # the global generator has no say
    np.testing.assert_array_equal(init((5, 4)), first)
    np.testing.assert_array_equal(init((5, 4)), first)
    unseeded = type(init)(**{**init.get_config(), "seed": None})
    assert not np.array_equal(unseeded((5, 4)), unseeded((5, 4)))


def test_layers_built_with_one_seeded_initializer_get_equal_weights():
    init = I.GlorotUniform(seed=3)
    a, b = gw.nn.Dense(4, kernel_initializer=init), gw.nn.Dense(4, kernel_initializer=init)
    a.build((None, 6))
    b.build((None, 6))
    np.testing.assert_array_equal(a.kernel.numpy(), b.kernel.numpy())
