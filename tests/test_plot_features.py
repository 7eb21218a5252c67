"""`gradwork.plot.features`: a kernel's filters and a model's feature maps drawn as real PNG files,
the layer outputs they show checked against running the layers by hand, and the errors."""
import numpy as np
import pytest

import gradwork as gw
from gradwork.nn import (
    Activation, BatchNormalization, Conv2D, Dense, Flatten, Input, MaxPooling2D, Rescaling, Reshape,
)
from gradwork.plot.features import layer_outputs, plot_feature_maps, plot_filters

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _needs_matplotlib():
    pytest.importorskip("matplotlib")


def _assert_picture(path, min_size=150):
    """A PNG that decodes, of a reasonable size, and not a blank canvas."""
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    from matplotlib.image import imread

    pixels = imread(path)
    assert pixels.ndim == 3 and min(pixels.shape[:2]) > min_size
    assert pixels[..., :3].std() > 0.05
    return pixels


def _small_cnn():
    gw.random.seed(0)
    return gw.Sequential([Input(shape=(12, 12)), Reshape((12, 12, 1)), Rescaling(1 / 255),
                          Conv2D(4, 3, padding="same", use_bias=False, name="c1"), BatchNormalization(),
                          Activation("relu", name="block1"), MaxPooling2D(),
                          Conv2D(6, 3, padding="same", activation="relu", name="c2"), MaxPooling2D(),
                          Flatten(), Dense(3, activation="softmax")])


def _image():
    return np.random.default_rng(0).integers(0, 256, size=(12, 12)).astype(np.uint8)


@pytest.mark.parametrize("kernel_shape", [(3, 3, 1, 32), (5, 5, 3, 10), (3, 3, 4, 6)],
                         ids=["grey", "colour", "four_channels"])
def test_plot_filters_writes_a_picture_of_every_filter(tmp_path, kernel_shape):
    kernel = np.random.default_rng(1).standard_normal(kernel_shape)
    path = plot_filters(kernel, tmp_path / "filters.png")
    assert path == tmp_path / "filters.png"
    _assert_picture(path)


def test_plot_filters_takes_a_layers_kernel_parameter_and_caps_the_count(tmp_path):
    layer = Conv2D(100, 3)
    layer(np.zeros((1, 8, 8, 1), np.float32))
    few = _assert_picture(plot_filters(layer.kernel, tmp_path / "few.png", max_filters=8))
    many = _assert_picture(plot_filters(layer.kernel, tmp_path / "many.png"))     # 64 at most by default
    assert many.shape[0] > few.shape[0]


def test_plot_filters_rejects_what_is_not_a_2d_kernel(tmp_path):
    expected = r"kernel of shape \(kh, kw, in_channels, filters\), got \(3, 1, 8\)"
    with pytest.raises(ValueError, match=expected):
        plot_filters(np.zeros((3, 1, 8)), tmp_path / "bad.png")


def test_layer_outputs_are_what_the_layers_compute_one_after_another():
    model = _small_cnn()
    image = _image()
    outputs = layer_outputs(model, image, layers=["c1", 4, model.layers[6]])
    assert [layer.name for layer, _ in outputs] == ["c1", "block1", "c2"]
    assert [out.shape for _, out in outputs] == [(12, 12, 4), (12, 12, 4), (6, 6, 6)]
    x = image[None].astype(np.float32)
    expected_c1 = model.layers[2](model.layers[1](model.layers[0](x))).data[0]
    np.testing.assert_allclose(outputs[0][1], expected_c1, rtol=1e-6)
    assert outputs[1][1].min() >= 0                                   # after the ReLU
    default = layer_outputs(model, image)                            # every Conv2D
    assert [layer.name for layer, _ in default] == ["c1", "c2"]


def test_plot_feature_maps_draws_each_requested_layer(tmp_path):
    model = _small_cnn()
    one = _assert_picture(plot_feature_maps(model, _image(), tmp_path / "one.png", layers=["block1"]))
    two = _assert_picture(plot_feature_maps(model, _image(), tmp_path / "two.png", layers=["block1", "c2"],
                                            title="a random image"))
    assert two.shape[0] > one.shape[0]                                # a second section below the first
    many = gw.Sequential([Input(shape=(10, 10, 3)), Conv2D(80, 3, name="wide")])
    colour = np.random.default_rng(2).uniform(0, 255, (10, 10, 3))
    _assert_picture(plot_feature_maps(many, colour, tmp_path / "wide.png", max_channels=40))


@pytest.mark.parametrize("layers, pattern", [
    (["nope"], "no layer named 'nope'; the layers are reshape"),
    ([Dense(2)], "is not one of the model's layers"),
    (["dense_out"], r"dense_out gives outputs of shape \(3,\), not \(H, W, C\) maps"),
])
def test_plot_feature_maps_errors_name_the_layer(tmp_path, layers, pattern):
    model = _small_cnn()
    model.layers[-1].name = "dense_out"
    with pytest.raises(ValueError, match=pattern):
        plot_feature_maps(model, _image(), tmp_path / "bad.png", layers=layers)


def test_a_model_without_convolutions_needs_the_layers_named(tmp_path):
    model = gw.Sequential([Input(shape=(4,)), Dense(2)])
    with pytest.raises(ValueError, match="has no Conv2D layer; pass layers="):
        plot_feature_maps(model, np.zeros(4, np.float32), tmp_path / "none.png")


def test_mosaic_lays_tiles_out_row_by_row_with_gaps():
    from gradwork.plot.features import mosaic

    tiles = np.arange(3 * 2 * 2).reshape(3, 2, 2) + 1.0
    grid = mosaic(tiles, columns=2, row_gap=2)
    assert grid.shape == (2 * (2 + 2) + 2, 2 * (2 + 1) + 1)
    np.testing.assert_array_equal(grid[2:4, 1:3], tiles[0])
    np.testing.assert_array_equal(grid[2:4, 4:6], tiles[1])
    np.testing.assert_array_equal(grid[6:8, 1:3], tiles[2])
    assert np.isnan(grid[6:8, 4:6]).all() and np.isnan(grid[:2]).all() and np.isnan(grid[:, 3]).all()
    colour = mosaic(np.ones((2, 3, 3, 3)), columns=5, fill=0.0)
    assert colour.shape == (5, 9, 3) and colour.sum() == 2 * 27
