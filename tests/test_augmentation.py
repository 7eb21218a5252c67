"""Image augmentation: `gw.data` shifts and flips against slow per-image references (NumPy's own
`np.pad` modes), and the RandomTranslation / RandomFlip layers: exact moves, identity at inference,
repeatable draws, config and model-file round trips, the gradient through them, and `fit` using them."""
import json

import numpy as np
import pytest

import gradwork as gw
from gradwork.data import augmentation as aug
from gradwork.nn import Conv2D, Dense, Flatten, Input, Rescaling
from gradwork.nn.layers.augmentation import RandomFlip, RandomTranslation

NUMPY_PAD_MODE = {"constant": "constant", "nearest": "edge", "reflect": "symmetric", "wrap": "wrap"}


def _reference_shift(images, dy, dx, fill_mode, fill_value=0):
    """One image at a time: pad with NumPy's equivalent mode by more than the shift, then cut the
    window that starts (dy, dx) before the image."""
    out = np.empty_like(images)
    for k, image in enumerate(images):
        m = max(abs(int(dy[k])), abs(int(dx[k])), 1)
        widths = [(m, m), (m, m)] + [(0, 0)] * (image.ndim - 2)
        kwargs = {"constant_values": fill_value} if fill_mode == "constant" else {}
        padded = np.pad(image, widths, mode=NUMPY_PAD_MODE[fill_mode], **kwargs)
        h, w = image.shape[:2]
        out[k] = padded[m - dy[k]:m - dy[k] + h, m - dx[k]:m - dx[k] + w]
    return out


def _images(shape, dtype=np.float32, seed=0):
    values = np.random.default_rng(seed).integers(0, 256, size=shape)
    return values.astype(dtype)


# ----------------------------------------------------------------------------------------------- gw.data
def test_a_shift_moves_content_down_and_right_for_positive_offsets():
    x = np.zeros((1, 5, 5), dtype=np.uint8)
    x[0, 1, 1] = 9
    y = aug.shift_images(x, dy=2, dx=1)
    assert y.dtype == np.uint8 and y.shape == x.shape
    assert y[0, 3, 2] == 9 and y.sum() == 9
    assert aug.shift_images(x, dy=-1, dx=-1)[0, 0, 0] == 9


@pytest.mark.parametrize("fill_mode", aug.FILL_MODES)
@pytest.mark.parametrize("shape", [(6, 7, 5), (6, 7, 5, 3)], ids=["NHW", "NHWC"])
def test_shift_images_matches_the_per_image_reference(fill_mode, shape):
    x = _images(shape)
    dy = np.array([0, 1, -2, 3, -7, 11])          # includes shifts of the whole height and beyond
    dx = np.array([0, -1, 4, 5, 2, -6])
    y = aug.shift_images(x, dy, dx, fill_mode, fill_value=7)
    assert y.shape == x.shape and y.dtype == x.dtype
    np.testing.assert_array_equal(y, _reference_shift(x, dy, dx, fill_mode, fill_value=7))


def test_random_shift_moves_each_image_by_its_drawn_offsets():
    x = _images((20, 9, 8, 2))
    y = aug.random_shift(x, max_dx=2, max_dy=3, seed=5)
    dy, dx = aug.draw_shifts(20, 3, 2, seed=5)           # the same draws from the same seed
    assert set(np.unique(dy)) <= set(range(-3, 4)) and set(np.unique(dx)) <= set(range(-2, 3))
    assert len(np.unique(dy)) > 3                        # the offsets really vary per image
    for k in (0, 7, 19):                                 # a few samples against the slow reference
        one = slice(k, k + 1)
        np.testing.assert_array_equal(y[one], _reference_shift(x[one], dy[one], dx[one], "constant"))
    np.testing.assert_array_equal(y, aug.shift_images(x, dy, dx))


def test_random_shift_takes_low_high_pairs_and_repeats_with_gradwork_seed():
    x = _images((30, 6, 6))
    dy, dx = aug.draw_shifts(200, (1, 2), (-3, -3), seed=0)
    assert set(dy.tolist()) == {1, 2} and set(dx.tolist()) == {-3}
    gw.random.seed(4)
    a = aug.random_shift(x, 2, 2)
    b = aug.random_flip(x)
    gw.random.seed(4)
    np.testing.assert_array_equal(aug.random_shift(x, 2, 2), a)
    np.testing.assert_array_equal(aug.random_flip(x), b)
    assert not np.array_equal(aug.random_shift(x, 2, 2), a)      # the generator moved on


def test_flips_mirror_the_chosen_images_and_only_those():
    x = _images((4, 5, 6, 2))
    h = np.array([True, False, True, False])
    v = np.array([False, False, True, True])
    y = aug.flip_images(x, horizontal=h, vertical=v)
    np.testing.assert_array_equal(y[0], x[0][:, ::-1])
    np.testing.assert_array_equal(y[1], x[1])
    np.testing.assert_array_equal(y[2], x[2][::-1, ::-1])
    np.testing.assert_array_equal(y[3], x[3][::-1])
    x3 = x[..., 0]                                                # (N, H, W) too
    mirrored = np.where(h[:, None, None], x3[:, :, ::-1], x3)
    np.testing.assert_array_equal(aug.flip_images(x3, horizontal=h), mirrored)


@pytest.mark.parametrize("mode", aug.FLIP_MODES)
def test_random_flip_draws_one_coin_per_image_and_axis(mode):
    x = _images((64, 4, 5))
    y = aug.random_flip(x, mode, seed=1)
    horizontal, vertical = aug.draw_flips(64, mode, seed=1)
    np.testing.assert_array_equal(y, aug.flip_images(x, horizontal, vertical))
    for coins, named in ((horizontal, "horizontal"), (vertical, "vertical")):
        assert (coins is not None) == (named in mode)
        if coins is not None:
            assert 10 < coins.sum() < 54                          # about half of 64


@pytest.mark.parametrize("call, pattern", [
    (lambda: aug.shift_images(np.zeros((2, 3)), 1, 1), r"shape \(N, H, W\) or \(N, H, W, C\)"),
    (lambda: aug.shift_images(np.zeros((2, 3, 3)), 1, 1, fill_mode="mirror"), "fill_mode must be one of"),
    (lambda: aug.shift_images(np.zeros((2, 3, 3)), [1, 2, 3], 0), r"one per image \(2\)"),
    (lambda: aug.shift_images(np.zeros((2, 3, 3)), 0.5, 0), "whole numbers of pixels"),
    (lambda: aug.random_shift(np.zeros((2, 3, 3)), (2, 1), 0), "lower bound 2 is above"),
    (lambda: aug.random_flip(np.zeros((2, 3, 3)), "diagonal"), "mode must be one of"),
])
def test_bad_arguments_are_clear_errors(call, pattern):
    with pytest.raises((ValueError, TypeError), match=pattern):
        call()


# ----------------------------------------------------------------------------------------------- layers
def test_random_translation_shifts_by_its_drawn_whole_pixel_offsets():
    x = _images((16, 10, 10, 1))
    layer = RandomTranslation(0.2, (-0.1, 0.3), fill_mode="constant", fill_value=-1.0, seed=3)
    twin = RandomTranslation(0.2, (-0.1, 0.3), seed=3)           # same seed: the same draws
    out = layer(x, training=True)
    dy, dx = twin.draw(16, 10, 10)
    assert out.shape == x.shape and out.dtype == np.float32
    assert dy.min() >= -2 and dy.max() <= 2 and dx.min() >= -1 and dx.max() <= 3
    np.testing.assert_array_equal(out.data, _reference_shift(x, dy, dx, "constant", fill_value=-1.0))
    dy2, dx2 = twin.draw(16, 10, 10)                            # the next batch gets new draws
    out2 = layer(x, training=True)
    np.testing.assert_array_equal(out2.data, _reference_shift(x, dy2, dx2, "constant", fill_value=-1.0))


def test_random_translation_draws_cover_the_rounded_range():
    layer = RandomTranslation(0.1, 0.1, seed=0)
    dy, dx = layer.draw(5000, 28, 28)                            # 0.1 * 28 = 2.8 -> -3 ... 3
    assert set(dy.tolist()) == set(range(-3, 4)) and set(dx.tolist()) == set(range(-3, 4))
    counts = np.bincount(dy + 3)
    assert counts[0] < counts[3] / 2                             # the rounded extremes are rarer


@pytest.mark.parametrize("make", [
    lambda: RandomTranslation(0.3, 0.3, fill_mode="reflect"),
    lambda: RandomTranslation(0.3, 0.3, fill_mode="wrap"),
    lambda: RandomFlip(),
], ids=["translation_reflect", "translation_wrap", "flip"])
@pytest.mark.parametrize("shape", [(5, 6, 7), (5, 6, 7, 3)], ids=["NHW", "NHWC"])
def test_layers_are_the_identity_at_inference_and_move_pixels_in_training(make, shape):
    layer = make()
    x = _images(shape, dtype=np.uint8)
    np.testing.assert_array_equal(layer(x).data, x)                 # a direct call is inference
    np.testing.assert_array_equal(layer(x, training=False).data, x)
    gw.random.seed(0)
    out = layer(x, training=True).data
    assert out.shape == x.shape and out.dtype == np.uint8            # pixels keep their dtype
    assert not np.array_equal(out, x)
    if isinstance(layer, RandomFlip):                                # each image: itself or a mirror
        mirrors = [x, x[:, :, ::-1], x[:, ::-1], x[:, ::-1, ::-1]]
        assert all(any(np.array_equal(out[k], m[k]) for m in mirrors) for k in range(len(x)))


def test_random_flip_layer_matches_the_data_function_for_the_same_draws():
    x = _images((12, 4, 5, 2))
    layer = RandomFlip("horizontal", seed=9)
    horizontal, vertical = aug.draw_flips(12, "horizontal", np.random.default_rng(9))
    np.testing.assert_array_equal(layer(x, training=True).data, aug.flip_images(x, horizontal, vertical))


def test_unseeded_layers_repeat_with_gw_random_seed():
    x = _images((8, 6, 6, 1))
    layers = [RandomTranslation(0.3, 0.3), RandomFlip()]
    gw.random.seed(21)
    first = [layer(x, training=True).data for layer in layers]
    gw.random.seed(21)
    again = [layer(x, training=True).data for layer in layers]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("layer", [
    RandomTranslation((-0.2, 0.1), 0.25, fill_mode="nearest", fill_value=2.0, seed=4, name="shift"),
    RandomFlip("vertical"),
], ids=["translation_seeded", "flip_unseeded"])
def test_config_round_trip_gives_the_same_layer_and_the_same_draws(layer):
    config = json.loads(json.dumps(layer.get_config()))           # plain JSON
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    x = _images((6, 5, 5, 1))
    if layer.seed is not None:                    # each rebuilt layer restarts its own generator
        a = type(layer).from_config(config)(x, training=True).data
        b = type(layer).from_config(config)(x, training=True).data
    else:                                                         # both draw from gradwork's generator
        gw.random.seed(2)
        a = layer(x, training=True).data
        gw.random.seed(2)
        b = clone(x, training=True).data
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("make", [
    lambda: RandomTranslation(0.4, 0.4, fill_mode="constant", fill_value=0.5),
    lambda: RandomTranslation(0.4, 0.4, fill_mode="reflect"),
    lambda: RandomFlip(),
], ids=["translation_constant", "translation_reflect", "flip"])
def test_the_gradient_flows_back_through_the_moves(make):
    layer = make()
    x = gw.tensor(np.random.default_rng(0).standard_normal((3, 5, 4, 2)), requires_grad=True)

    def forward(inp):
        gw.random.seed(8)                                         # the same moves every evaluation
        return layer(inp, training=True)

    assert gw.gradcheck(forward, (x,), eps=1e-6, atol=1e-7, rtol=1e-5)


@pytest.mark.parametrize("make, pattern", [
    (lambda: RandomTranslation(0.1, 0.1, fill_mode="mirror"), "fill_mode must be one of"),
    (lambda: RandomTranslation(1.5, 0.1), r"RandomTranslation: height_factor must be a number or a pair of "
                                          r"numbers in \[-1.0, 1.0\] with lower <= upper, got 1.5"),
    (lambda: RandomTranslation(0.1, (0.3, 0.1)), r"width_factor must be .* with lower <= upper, got \(0.3, 0.1\)"),
    (lambda: RandomTranslation(0.1, (0.1, 0.2, 0.3)), r"width_factor must be a number or a pair of numbers"),
    (lambda: RandomTranslation(0.1, 0.1, interpolation="bilinear"), "only interpolation='nearest'"),
    (lambda: RandomFlip("diagonal"), "mode must be one of"),
    (lambda: RandomFlip(seed=1.5), "seed must be an int or None"),
])
def test_bad_constructor_arguments(make, pattern):
    with pytest.raises((ValueError, TypeError), match=pattern):
        make()


def test_inputs_without_image_axes_are_rejected_by_name():
    with pytest.raises(ValueError, match=r"random_flip\w*: expected images of shape"):
        RandomFlip()(np.zeros((4, 5)), training=True)


# ----------------------------------------------------------------------------------------------- in models
def _augmented_model():
    return gw.Sequential([Input(shape=(8, 8, 1)), RandomTranslation(0.25, 0.25, fill_mode="constant"),
                          RandomFlip("horizontal"), Rescaling(1 / 255), Conv2D(2, 3, activation="relu"),
                          Flatten(), Dense(3, activation="softmax")])


def test_a_model_with_augmentation_saves_loads_and_predicts_the_same(tmp_path):
    gw.random.seed(0)
    model = _augmented_model()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = _images((12, 8, 8, 1)), np.arange(12) % 3
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    model.save(tmp_path / "augmented.gw")
    loaded = gw.load_model(tmp_path / "augmented.gw")
    assert [type(l).__name__ for l in loaded.layers[:2]] == ["RandomTranslation", "RandomFlip"]
    assert loaded.layers[0].get_config() == model.layers[0].get_config()
    assert loaded.layers[0].fill_mode == "constant" and loaded.layers[0].height_factor == (-0.25, 0.25)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))  # no randomness


class _Recorder(gw.nn.Layer):
    """Keeps a copy of each batch it sees in training mode."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen = []

    def call(self, inputs, training=None):
        if training:
            self.seen.append(inputs.data.copy())
        return inputs


def test_fit_augments_every_training_batch_and_evaluate_does_not():
    recorder = _Recorder()
    shift = RandomTranslation(0.3, 0.3, fill_mode="constant", seed=12)
    model = gw.Sequential([Input(shape=(6, 6)), shift, recorder, Flatten(), Dense(2)])
    model.compile("sgd", gw.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y = _images((10, 6, 6)), np.arange(10) % 2
    model.fit(x, y, batch_size=5, epochs=2, shuffle=False, verbose=0)
    model.evaluate(x, y, verbose=0)
    assert len(recorder.seen) == 4                                # two batches in each of two epochs
    twin = RandomTranslation(0.3, 0.3, seed=12)
    for k, batch in enumerate(recorder.seen):
        dy, dx = twin.draw(5, 6, 6)
        part = x[(k % 2) * 5:(k % 2) * 5 + 5]
        np.testing.assert_array_equal(batch, _reference_shift(part, dy, dx, "constant"))
    assert not np.array_equal(recorder.seen[0], recorder.seen[2])  # epochs see different shifts


def test_plain_import_gradwork_exports_the_layers_and_loads_a_model_holding_them(tmp_path):
    """A fresh process that only imports gradwork must find the classes (they register on import)."""
    import subprocess
    import sys

    model = gw.Sequential([Input(shape=(6, 6)), RandomTranslation(0.2, 0.2), RandomFlip("horizontal"),
                           Flatten(), Dense(2)])
    model.save(tmp_path / "m.gw")
    code = ("import sys, gradwork as gw; m = gw.load_model(sys.argv[1]); "
            "print(gw.nn.RandomTranslation.__name__, gw.nn.RandomFlip.__name__, type(m.layers[0]).__name__)")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "m.gw")], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["RandomTranslation", "RandomFlip", "RandomTranslation"]
