"""Keras's image layers: Resizing, CenterCrop, RandomCrop, RandomZoom, RandomRotation,
RandomContrast and RandomBrightness.

Resizing against torch's interpolate (bilinear align_corners=False, nearest-exact) after the crop or
pad Keras does, written here with NumPy slicing and np.pad; CenterCrop and RandomCrop as NumPy
slices of the drawn or centred windows; zoom and rotation by hand-worked positions (a zoom by 2
reads rows 2i - 2 of a 5-pixel image; a quarter turn of a square is np.rot90); contrast and
brightness as NumPy transcriptions of Keras's formulas with a twin layer's draws (same seed), and
RandomBrightness's docstring example (+0.1 * 255 = +25.5). Every layer also runs the generic
layer harness (build, config round trip, training step, float64 gradcheck in both modes).
"""
import json

import numpy as np
import pytest
from layer_harness import LayerCase, LayerHarness

import gradwork as gw
from gradwork.nn import (
    CenterCrop, Input, RandomBrightness, RandomContrast, RandomCrop, RandomRotation, RandomZoom, Resizing,
)
from gradwork.nn.layers import image_augmentation, image_resizing

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone


def _x(shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).uniform(0, 255, size=shape).astype(dtype)


def _torch_resize(x, size, mode="bilinear"):
    kwargs = {"align_corners": False} if mode == "bilinear" else {}
    t = torch.tensor(np.asarray(x, np.float64).transpose(0, 3, 1, 2))
    return torch.nn.functional.interpolate(t, size=size, mode=mode, **kwargs).numpy().transpose(0, 2, 3, 1)


def _case(id, make, shape, out=None, stochastic=False):
    return LayerCase(id, make, shape, output_shape=out or shape, stochastic=stochastic)


class TestImageLayersHarness(LayerHarness):
    CASES = [
        _case("resizing_bilinear", lambda d: Resizing(5, 7, dtype=d), (2, 4, 3, 2), (2, 5, 7, 2)),
        _case("resizing_nearest_pad", lambda d: Resizing(4, 6, "nearest", pad_to_aspect_ratio=True, fill_value=1.0,
                                                         dtype=d), (2, 5, 4, 1), (2, 4, 6, 1)),
        _case("resizing_crop", lambda d: Resizing(3, 3, crop_to_aspect_ratio=True, dtype=d), (2, 4, 6, 2),
              (2, 3, 3, 2)),
        _case("center_crop", lambda d: CenterCrop(3, 2, dtype=d), (2, 6, 5, 2), (2, 3, 2, 2)),
        _case("center_crop_smaller", lambda d: CenterCrop(5, 5, dtype=d), (2, 4, 6, 1), (2, 5, 5, 1)),
        _case("random_crop", lambda d: RandomCrop(4, 3, dtype=d), (3, 6, 5, 2), (3, 4, 3, 2), stochastic=True),
        _case("random_zoom", lambda d: RandomZoom(0.3, (-0.2, 0.4), dtype=d), (2, 5, 6, 2), stochastic=True),
        _case("random_rotation", lambda d: RandomRotation(0.2, "constant", fill_value=0.5, dtype=d), (2, 5, 5, 2),
              stochastic=True),
        _case("random_contrast", lambda d: RandomContrast(0.4, (-100, 100), dtype=d), (2, 4, 5, 3), stochastic=True),
        _case("random_brightness", lambda d: RandomBrightness(0.1, (-100, 100), dtype=d), (2, 4, 5, 3),
              stochastic=True),
    ]


# ----------------------------------------------------------------------------------------------- Resizing
@pytest.mark.parametrize("interpolation, torch_mode", [("bilinear", "bilinear"), ("nearest", "nearest-exact")])
@pytest.mark.parametrize("size", [(9, 7), (3, 2)], ids=["up", "down"])
def test_resizing_is_torch_interpolate_with_pixel_centres_aligned(size, interpolation, torch_mode):
    x = _x((2, 5, 4, 3))
    out = Resizing(*size, interpolation=interpolation)(x)
    assert out.shape == (2, *size, 3) and out.dtype == np.float32
    np.testing.assert_allclose(out.data, _torch_resize(x, size, torch_mode), rtol=1e-6, atol=1e-4)


def test_resizing_crops_or_pads_to_the_aspect_ratio_first():
    x = _x((2, 6, 10, 1), dtype=np.float64)
    crop = Resizing(4, 4, crop_to_aspect_ratio=True, dtype="float64")(x).data
    np.testing.assert_allclose(crop, _torch_resize(x[:, :, 2:8], (4, 4)), atol=1e-10)      # centred 6 x 6 window
    pad = Resizing(4, 4, pad_to_aspect_ratio=True, fill_value=-3.0, dtype="float64")(x).data
    padded = np.pad(x, ((0, 0), (2, 2), (0, 0), (0, 0)), constant_values=-3.0)            # 10 x 10
    np.testing.assert_allclose(pad, _torch_resize(padded, (4, 4)), atol=1e-10)
    wide = Resizing(2, 8, pad_to_aspect_ratio=True, dtype="float64")(x).data               # pads columns: 6 x 24
    np.testing.assert_allclose(wide, _torch_resize(np.pad(x, ((0, 0), (0, 0), (7, 7), (0, 0))), (2, 8)), atol=1e-10)


def test_one_image_is_resized_like_a_batch_of_one_and_integers_become_floats():
    x = _x((5, 4, 3)).astype(np.uint8)
    for layer in (Resizing(3, 6), CenterCrop(3, 3), RandomCrop(3, 3, seed=0)):
        out = layer(x)
        assert out.shape == (3, layer.width, 3) and out.dtype == np.float32
        np.testing.assert_array_equal(out.data, layer(x[None])[0].data)


# ----------------------------------------------------------------------------------------------- crops
def test_center_crop_cuts_the_middle_and_resizes_images_smaller_than_the_window():
    x = _x((2, 7, 6, 2))
    np.testing.assert_array_equal(CenterCrop(4, 3)(x).data, x[:, 1:5, 1:4])               # int(3 / 2), int(3 / 2)
    small = _x((2, 4, 6, 1), dtype=np.float64)                                           # 4 < 6 rows
    out = CenterCrop(6, 6, dtype="float64")(small).data
    np.testing.assert_allclose(out, _torch_resize(small[:, :, 1:5], (6, 6)), atol=1e-10)  # the 4 x 4 window


def test_random_crop_cuts_each_image_at_its_drawn_corner_and_a_centred_window_at_inference():
    x = _x((16, 9, 8, 2))
    layer, twin = RandomCrop(5, 4, seed=3), RandomCrop(5, 4, seed=3)
    out = layer(x, training=True).data
    top, left = twin.draw(16, 9, 8)
    assert top.min() >= 0 and top.max() <= 4 and left.max() <= 4 and len(set(zip(top, left))) > 4
    for k in range(16):
        np.testing.assert_array_equal(out[k], x[k, top[k]:top[k] + 5, left[k]:left[k] + 4])
    inference = layer(x).data                                   # 9 x 8 -> centred 9 x 7 window -> 5 x 4
    np.testing.assert_allclose(inference, _torch_resize(x[:, :, 0:7], (5, 4)), rtol=1e-6, atol=1e-3)
    small = _x((2, 5, 9, 1))                                    # not taller than the window: resized
    np.testing.assert_array_equal(layer(small, training=True).data, layer(small).data)


# ----------------------------------------------------------------------------------------------- zoom, rotation
def test_zoom_factor_zero_is_the_identity_in_training():
    x = _x((3, 6, 5, 2))
    for interpolation in ("bilinear", "nearest"):
        np.testing.assert_allclose(RandomZoom(0.0, interpolation=interpolation)(x, training=True).data, x, atol=1e-4)


def test_zoom_reads_positions_scaled_about_the_centre():
    x = _x((1, 5, 5, 1), dtype=np.float64)
    out = RandomZoom((1.0, 1.0), fill_mode="constant", fill_value=-1.0, dtype="float64")(x, training=True).data
    # zoom 2 (out): row i reads 2 + 2 (i - 2) = 2i - 2 -> -2 (fill), 0, 2, 4, 6 (fill); the same for columns
    expected = np.full((5, 5), -1.0)
    expected[1:4, 1:4] = x[0, ::2, ::2, 0]
    np.testing.assert_array_equal(out[0, :, :, 0], expected)
    near = RandomZoom((-0.5, -0.5), interpolation="nearest", dtype="float64")(x, training=True).data
    picks = [1, 2, 2, 3, 3]                          # zoom 1/2 (in): 1 + i / 2, halves rounding up
    np.testing.assert_array_equal(near[0, :, :, 0], x[0, picks][:, picks, 0])


def test_zoom_keeps_the_aspect_ratio_unless_given_a_width_factor():
    same, separate = RandomZoom(0.5, seed=1), RandomZoom(0.5, 0.5, seed=1)
    zoom_y, zoom_x = same.draw(50)
    assert zoom_y is zoom_x and 0.5 <= zoom_y.min() and zoom_y.max() <= 1.5
    zoom_y2, zoom_x2 = separate.draw(50)
    np.testing.assert_array_equal(zoom_y2, zoom_y)
    assert not np.allclose(zoom_x2, zoom_y2)


@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
def test_a_quarter_turn_of_a_square_image_is_rot90(interpolation):
    x = _x((2, 6, 6, 3), dtype=np.float64)
    for factor, turns in ((0.25, 1), (-0.25, -1), (0.5, 2)):
        layer = RandomRotation((factor, factor), fill_mode="constant", interpolation=interpolation, dtype="float64")
        np.testing.assert_allclose(layer(x, training=True).data, np.rot90(x, turns, axes=(1, 2)), atol=1e-9)


def test_rotation_angles_cover_the_factor_range_per_image():
    angles = RandomRotation((-0.1, 0.2), seed=0).draw(2000)
    assert -0.1 * 2 * np.pi <= angles.min() < -0.5 and 1.1 < angles.max() <= 0.2 * 2 * np.pi


# ----------------------------------------------------------------------------------------------- colour
def test_contrast_is_keras_formula_with_the_drawn_factors():
    x = _x((5, 4, 6, 3), dtype=np.float64)
    layer, twin = RandomContrast((0.3, 0.6), seed=7, dtype="float64"), RandomContrast((0.3, 0.6), seed=7)
    out = layer(x, training=True).data
    factor = twin.draw(5)
    assert 0.7 <= factor.min() and factor.max() <= 1.6
    mean = x.mean(axis=(1, 2), keepdims=True)                      # per image and channel
    np.testing.assert_allclose(out, np.clip((x - mean) * factor[:, None, None, None] + mean, 0, 255), atol=1e-9)
    assert out.max() == 255 and out.min() == 0                     # clipped to value_range
    assert RandomContrast(0.2).factor == (0.2, 0.2)                # f: factors in [1 - f, 1 + f]


def test_brightness_is_keras_formula_with_the_drawn_shifts():
    x = _x((6, 3, 4, 2), dtype=np.float64) / 255
    layer, twin = (RandomBrightness(0.3, value_range=(0, 1), seed=2, dtype="float64"),
                   RandomBrightness(0.3, value_range=(0, 1), seed=2))
    out = layer(x, training=True).data
    shift = twin.draw(6)
    assert -0.3 <= shift.min() < 0 < shift.max() <= 0.3
    np.testing.assert_allclose(out, np.clip(x + shift[:, None, None, None], 0, 1), atol=1e-12)


def test_brightness_docstring_example_adds_a_tenth_of_255():
    image = np.array([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]])
    out = RandomBrightness(factor=(0.1, 0.1))(image, training=True)
    expected = [[[26.5, 27.5, 28.5], [29.5, 30.5, 31.5]], [[32.5, 33.5, 34.5], [35.5, 36.5, 37.5]]]
    np.testing.assert_allclose(out.data, expected, rtol=1e-6)


# ----------------------------------------------------------------------------------------------- modes, seeds
RANDOM_LAYERS = {
    "zoom": lambda: RandomZoom(0.3), "rotation": lambda: RandomRotation(0.1), "crop": lambda: RandomCrop(4, 4),
    "contrast": lambda: RandomContrast(0.5), "brightness": lambda: RandomBrightness(0.2),
}


@pytest.mark.parametrize("make", RANDOM_LAYERS.values(), ids=RANDOM_LAYERS.keys())
def test_random_layers_change_images_only_in_training_and_repeat_with_their_seed(make):
    x = _x((4, 6, 6, 3))
    layer = make()
    if not isinstance(layer, RandomCrop):
        np.testing.assert_array_equal(layer(x).data, x)                   # identity at inference
        np.testing.assert_array_equal(layer(x[0]).data, x[0])
    gw.random.seed(5)
    a = layer(x, training=True).data
    gw.random.seed(5)
    np.testing.assert_array_equal(layer(x, training=True).data, a)
    assert not np.array_equal(layer(x, training=True).data, a)           # the generator moved on
    assert len({a[k].tobytes() for k in range(4)}) == 4                   # a draw per image
    config = layer.get_config() | {"seed": 9}
    first, second = type(layer).from_config(config), type(layer).from_config(config)
    np.testing.assert_array_equal(first(x, training=True).data, second(x, training=True).data)


def test_a_model_with_the_image_layers_saves_loads_and_predicts_the_same(tmp_path):
    gw.random.seed(0)
    model = gw.Sequential([Input(shape=(10, 12, 3)), Resizing(8, 8, crop_to_aspect_ratio=True), RandomCrop(6, 6),
                           RandomZoom(0.2, fill_mode="nearest"), RandomRotation(0.1, interpolation="nearest"),
                           RandomContrast(0.2), RandomBrightness(0.1), CenterCrop(4, 4), gw.nn.Rescaling(1 / 255),
                           gw.nn.Flatten(), gw.nn.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    x, y = _x((8, 10, 12, 3)), np.arange(8) % 2
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    model.save(tmp_path / "images.gw")
    loaded = gw.load_model(tmp_path / "images.gw")
    for a, b in zip(model.layers, loaded.layers):
        assert json.dumps(a.get_config()) == json.dumps(b.get_config())
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


# ----------------------------------------------------------------------------------------------- errors
@pytest.mark.parametrize("make, pattern", [
    (lambda: Resizing(4, 4, interpolation="bicubic"), "Resizing: interpolation must be one of 'bilinear', 'nearest'"),
    (lambda: Resizing(4, 4, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True), "only one of"),
    (lambda: Resizing(4, 4, fill_mode="reflect"), "fill_mode must be 'constant'"),
    (lambda: Resizing(0, 4), "height must be a positive integer, got 0"),
    (lambda: CenterCrop(4, 2.5), "width must be a positive integer"),
    (lambda: RandomCrop(-1, 4), "RandomCrop: height must be a positive integer"),
    (lambda: RandomZoom(1.5), r"RandomZoom: height_factor must be a number or a pair of numbers in \[-1.0, 1.0\]"),
    (lambda: RandomZoom(0.2, (-2, 0)), "width_factor must be"),
    (lambda: RandomZoom(0.2, interpolation="area"), "RandomZoom: interpolation must be one of"),
    (lambda: RandomRotation(1.5), r"RandomRotation: factor must be .* in \[-1.0, 1.0\], got 1.5"),
    (lambda: RandomRotation((0.1, 0.2, 0.3)), "RandomRotation: factor must be"),
    (lambda: RandomRotation(0.1, fill_mode="mirror"), "RandomRotation: fill_mode must be one of"),
    (lambda: RandomContrast(-0.1), r"RandomContrast: factor must be .* in \[0.0, 1.0\]"),
    (lambda: RandomContrast(0.1, value_range=(1, 1)), "value_range must be a pair of two different"),
    (lambda: RandomBrightness(2), "RandomBrightness: factor must be"),
    (lambda: RandomBrightness(0.1, value_range=5), "value_range"),
    (lambda: RandomBrightness(0.1, seed=1.5), "seed must be an int"),
])
def test_bad_arguments_are_clear_errors(make, pattern):
    with pytest.raises((ValueError, TypeError), match=pattern):
        make()


@pytest.mark.parametrize("make", [lambda: Resizing(3, 3), lambda: CenterCrop(2, 2), *RANDOM_LAYERS.values()])
def test_a_bad_input_shape_is_refused_before_the_layer_builds(make):
    layer = make()
    with pytest.raises(ValueError, match=r"expected images of shape \(height, width, channels\)"):
        layer(np.zeros((6, 6)), training=True)
    assert not layer.built


def test_docstring_examples_hold():
    import doctest
    for module in (image_resizing, image_augmentation):
        result = doctest.testmod(module, extraglobs={"gw": gw, "np": np})
        assert result.failed == 0 and result.attempted >= 4, module.__name__


@pytest.mark.parametrize("make", [
    lambda: Resizing(0, 4), lambda: Resizing(4, 4, interpolation="cubic"), lambda: CenterCrop(4, -1),
    lambda: RandomCrop(4, 0), lambda: RandomCrop(4, 4, seed=1.5), lambda: RandomZoom(0.1, fill_mode="mirror"),
    lambda: RandomRotation(0.1, interpolation="cubic"), lambda: RandomContrast(2.0),
    lambda: RandomBrightness(0.1, value_range=(1, 1)), lambda: gw.nn.RandomTranslation(0.1, (0.3, 0.1)),
    lambda: gw.nn.RandomTranslation(0.1, 0.1, fill_mode="mirror"), lambda: gw.nn.RandomFlip("diagonal")])
def test_a_rejected_argument_leaves_no_trace(make):
    counts = dict(gw.nn.layer._name_counts)        # the automatic names taken so far
    with pytest.raises((ValueError, TypeError)):
        make()
    assert gw.nn.layer._name_counts == counts
