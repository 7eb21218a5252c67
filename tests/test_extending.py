"""Adding an activation: one function plus one table entry in the library, or one decorator outside it."""

import numpy as np

import gradwork as gw
from gradwork import activations
from gradwork.nn import Dense, Input


def test_every_activation_is_found_by_its_function_name():
    # the table takes names from the functions themselves: adding a function to `entries` is all it takes
    for name in ("relu", "gelu", "softsign", "mish", "crelu", "hard_silu"):
        fn = getattr(activations, name)
        assert activations.get(name) is fn
        assert activations.serialize(fn) == name


def test_a_registered_custom_activation_saves_and_loads_by_name(tmp_path):
    @gw.saving.register_serializable(package="ExtendingTest")
    def clipped_identity(x):
        """-1 below -1, x between, 1 above."""
        return gw.as_tensor(x).clip(-1.0, 1.0)

    gw.random.seed(0)
    model = gw.Sequential([Input(shape=(3,)), Dense(4, activation=clipped_identity)])
    assert model.layers[-1].get_config()["activation"] == "ExtendingTest>clipped_identity"
    model.compile(optimizer="sgd", loss="mse")
    model.save(tmp_path / "model.gw")
    loaded = gw.load_model(tmp_path / "model.gw")
    assert loaded.layers[-1].activation is clipped_identity
    x = np.linspace(-20, 20, 15, dtype=np.float32).reshape(5, 3)
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
    assert np.abs(loaded.predict(x, verbose=0)).max() <= 1.0
