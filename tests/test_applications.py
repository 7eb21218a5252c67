"""gw.applications: the ready-made networks that `gradwork train --model ...` trains."""
import numpy as np
import pytest

import gradwork as gw


def _types(model):
    return [type(layer).__name__ for layer in model.layers]


def test_mlp_flattens_images_and_stacks_relu_layers():
    model = gw.applications.mlp(input_shape=(28, 28), classes=10, hidden_units=(32, 16), rescale=1 / 255)
    assert model.name == "mlp"
    assert _types(model) == ["Rescaling", "Flatten", "Dense", "Dense", "Dense"]
    assert [layer.units for layer in model.layers[2:]] == [32, 16, 10]
    assert model.count_params() == 784 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10
    out = model.predict(np.zeros((2, 28, 28), np.float32), verbose=0)
    assert out.shape == (2, 10) and np.allclose(out.sum(axis=1), 1)


def test_linear_is_the_mlp_without_hidden_layers():
    model = gw.applications.linear(input_shape=(4,), classes=3)
    assert model.name == "linear" and _types(model) == ["Dense"]
    assert model.count_params() == 4 * 3 + 3


def test_cnn_and_cnn_bn_layers_in_order():
    plain = gw.applications.cnn(input_shape=(28, 28), classes=10, rescale=1 / 255, dropout=0.25)
    assert plain.name == "cnn" and _types(plain) == [
        "Reshape", "Rescaling", "Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten",
        "Dense", "Dropout", "Dense"]
    assert plain.layers[-2].rate == 0.25
    bn = gw.applications.cnn_bn(input_shape=(8, 8, 3), classes=5, augment=True)
    assert bn.name == "cnn_bn" and _types(bn) == [
        "RandomTranslation", "RandomFlip", "Conv2D", "BatchNormalization", "Activation",
        "MaxPooling2D", "Conv2D", "BatchNormalization", "Activation", "MaxPooling2D", "Flatten", "Dense",
        "Dropout", "Dense"]
    convs = [layer for layer in bn.layers if type(layer).__name__ == "Conv2D"]
    assert [c.filters for c in convs] == [32, 64] and all(not c.use_bias for c in convs)
    assert bn.predict(np.zeros((3, 8, 8, 3), np.float32), verbose=0).shape == (3, 5)


def test_augmentation_without_shifts_is_flips_only():
    assert [type(layer).__name__ for layer in gw.applications.augmentation_layers(0)] == ["RandomFlip"]


def test_classifier_activation_none_gives_logits():
    model = gw.applications.mlp(input_shape=(3,), classes=2, hidden_units=(), classifier_activation=None)
    gw.random.seed(0)
    out = model.predict(np.ones((4, 3), np.float32), verbose=0)
    assert not np.allclose(out.sum(axis=1), 1)


@pytest.mark.parametrize("shape", [(2,), (4, 4, 4, 1)])
def test_a_cnn_on_non_images_names_the_argument(shape):
    with pytest.raises(ValueError, match=r"cnn: a CNN needs images .* as input_shape, got samples of shape"):
        gw.applications.cnn(input_shape=shape, classes=3)


def test_a_built_application_saves_and_loads(tmp_path):
    gw.random.seed(0)
    model = gw.applications.cnn_bn(input_shape=(8, 8), classes=3, augment=True, shift=0.1)
    model.save(tmp_path / "m.gw")
    loaded = gw.load_model(tmp_path / "m.gw")
    x = np.random.default_rng(0).random((2, 8, 8)).astype(np.float32)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
