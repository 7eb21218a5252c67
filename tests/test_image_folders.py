"""`gw.data.image_dataset_from_directory`: a folder of generated PNGs (3 classes x 8 images of
different sizes) read lazily batch by batch, with Keras's labels, colour modes, seeded splits and
per-epoch shuffles; a fit and the `gradwork train --dataset DIR` report on it; flat memory under a
process memory limit."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

Image = pytest.importorskip("PIL.Image")

import gradwork as gw  # noqa: E402
from gradwork.cli import main  # noqa: E402
from gradwork.data import image_dataset_from_directory  # noqa: E402

CLASSES = ["cat", "dog", "eel"]
COLOURS = {"cat": (200, 10, 10), "dog": (10, 200, 10), "eel": (10, 10, 200)}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """3 class subfolders of 8 flat-colour PNGs each, sizes from 5x7 to 12x14, plus a non-image file."""
    root = tmp_path_factory.mktemp("images")
    for name in CLASSES:
        os.makedirs(root / name)
        for i in range(8):
            size = (7 + i, 5 + i)                                  # (width, height)
            Image.new("RGB", size, COLOURS[name]).save(root / name / f"{i:02d}.png")
    (root / "cat" / "notes.txt").write_text("not an image")
    return root


def _all_batches(ds):
    return list(ds.iter_epoch())


def test_class_names_labels_shapes_and_dtype(folder):
    ds = image_dataset_from_directory(folder, image_size=(6, 4), batch_size=5, shuffle=False)
    assert ds.class_names == CLASSES and len(ds.file_paths) == 24 and len(ds) == 5
    batches = _all_batches(ds)
    x = np.concatenate([b[0] for b in batches])
    y = np.concatenate([b[1] for b in batches])
    assert x.shape == (24, 6, 4, 3) and x.dtype == np.float32 and y.dtype == np.int32
    assert [b[0].shape[0] for b in batches] == [5, 5, 5, 5, 4]
    assert y.tolist() == [0] * 8 + [1] * 8 + [2] * 8
    assert all(os.path.basename(os.path.dirname(p)) == CLASSES[label] for p, label in zip(ds.file_paths, y))


def test_pixel_values_of_a_known_image_and_bilinear_resize(folder, tmp_path):
    gradient = np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3) * 2
    os.makedirs(tmp_path / "only")
    Image.fromarray(gradient).save(tmp_path / "only" / "a.png")
    (x, _), = image_dataset_from_directory(tmp_path, image_size=(4, 6), shuffle=False).iter_epoch()
    np.testing.assert_array_equal(x[0], gradient.astype(np.float32))     # same size: exact pixels
    (x, _), = image_dataset_from_directory(tmp_path, image_size=(2, 3), shuffle=False).iter_epoch()
    expected = np.asarray(Image.fromarray(gradient).resize((3, 2), Image.Resampling.BILINEAR), np.float32)
    np.testing.assert_array_equal(x[0], expected)
    ds = image_dataset_from_directory(folder, image_size=(3, 3), batch_size=24, shuffle=False)
    x, _ = ds[0]
    assert x.min() >= 0 and x.max() <= 255
    np.testing.assert_array_equal(x[0], np.broadcast_to(np.float32(COLOURS["cat"]), (3, 3, 3)))


@pytest.mark.parametrize("mode, shape, dtype", [("int", (24,), np.int32), ("categorical", (24, 3), np.float32)])
def test_label_modes(folder, mode, shape, dtype):
    x, y = image_dataset_from_directory(folder, label_mode=mode, image_size=(4, 4), batch_size=24,
                                        shuffle=False)[0]
    assert y.shape == shape and y.dtype == dtype
    if mode == "categorical":
        np.testing.assert_array_equal(y.argmax(-1), np.repeat([0, 1, 2], 8))


def test_binary_none_and_explicit_labels_and_class_names(folder, tmp_path):
    for name in CLASSES[:2]:
        os.makedirs(tmp_path / name)
        for i in range(3):
            Image.new("L", (4, 4), 9).save(tmp_path / name / f"{i}.png")
    _, y = image_dataset_from_directory(tmp_path, label_mode="binary", image_size=(4, 4), shuffle=False)[0]
    assert y.shape == (6, 1) and y.dtype == np.float32 and y[:, 0].tolist() == [0, 0, 0, 1, 1, 1]
    with pytest.raises(ValueError, match="binary.*exactly 2 classes"):
        image_dataset_from_directory(folder, label_mode="binary")
    x = image_dataset_from_directory(folder, label_mode=None, image_size=(4, 4), batch_size=24, shuffle=False)[0]
    assert isinstance(x, np.ndarray) and x.shape == (24, 4, 4, 3)
    ds = image_dataset_from_directory(folder, labels=list(range(24)), image_size=(4, 4), batch_size=24,
                                      shuffle=False)
    assert ds[0][1].tolist() == list(range(24)) and len(ds.class_names) == 24
    ds = image_dataset_from_directory(folder, class_names=["eel", "cat", "dog"], image_size=(4, 4),
                                      batch_size=24, shuffle=False)
    assert ds.class_names == ["eel", "cat", "dog"] and "eel" in ds.file_paths[0]


@pytest.mark.parametrize("mode, channels", [("grayscale", 1), ("rgb", 3), ("rgba", 4)])
def test_color_modes(folder, mode, channels):
    x, _ = image_dataset_from_directory(folder, color_mode=mode, image_size=(5, 5), shuffle=False)[0]
    assert x.shape[-1] == channels
    if mode == "rgba":
        assert np.all(x[..., 3] == 255)


def test_split_and_subsets_are_deterministic_by_seed(folder):
    kwargs = dict(image_size=(4, 4), validation_split=0.25, seed=3)
    train, val = image_dataset_from_directory(folder, subset="both", **kwargs)
    assert len(train.file_paths) == 18 and len(val.file_paths) == 6
    assert not set(train.file_paths) & set(val.file_paths)
    assert image_dataset_from_directory(folder, subset="training", **kwargs).file_paths == train.file_paths
    assert image_dataset_from_directory(folder, subset="validation", **kwargs).file_paths == val.file_paths
    other, _ = image_dataset_from_directory(folder, subset="both", **{**kwargs, "seed": 4})
    assert other.file_paths != train.file_paths
    unshuffled = image_dataset_from_directory(folder, subset="validation", **{**kwargs, "seed": None},
                                              shuffle=False)
    assert [os.path.basename(os.path.dirname(p)) for p in unshuffled.file_paths] == ["eel"] * 6  # the last files


def test_shuffles_each_epoch_reproducibly_by_seed(folder):
    def label_orders(seed, epochs=3):
        ds = image_dataset_from_directory(folder, image_size=(2, 2), batch_size=24, seed=seed)
        return [np.concatenate([b[1] for b in ds.iter_epoch()]).tolist() for _ in range(epochs)]

    first = label_orders(7)
    assert first == label_orders(7)
    assert first[0] != first[1] != first[2] and sorted(first[0]) == sorted(first[1])
    assert first != label_orders(8)
    _, val = image_dataset_from_directory(folder, image_size=(2, 2), validation_split=0.5, subset="both", seed=1)
    assert [b[1].tolist() for b in val.iter_epoch()] == [b[1].tolist() for b in val.iter_epoch()]


@pytest.mark.parametrize("kwargs, pattern", [
    ({"label_mode": "sparse"}, "label_mode"),
    ({"color_mode": "cmyk"}, "color_mode"),
    ({"batch_size": 0}, "batch_size"),
    ({"image_size": (0, 4)}, "image_size"),
    ({"validation_split": 1.5, "subset": "training"}, "validation_split"),
    ({"validation_split": 0.2, "subset": "test", "seed": 1}, "subset"),
    ({"validation_split": 0.2}, "subset"),
    ({"validation_split": 0.2, "subset": "training"}, "seed"),
    ({"labels": "folders"}, "labels"),
    ({"labels": [0, 1]}, "labels.*24 files"),
    ({"labels": None, "class_names": ["a"]}, "class_names"),
    ({"class_names": ["cat", "dog"]}, "class_names"),
    ({"validation_split": 0.01, "subset": "validation", "seed": 1}, "validation subset.*empty"),
    ({"interpolation": "gaussian"}, "interpolation must be one of .*'lanczos3'.*got 'gaussian'"),
    ({"crop_to_aspect_ratio": True, "pad_to_aspect_ratio": True}, "cannot both be True"),
    ({"data_format": "NHWC"}, "data_format"),
])
def test_bad_arguments_name_the_argument(folder, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        image_dataset_from_directory(folder, **kwargs)


def _one_image(tmp_path, pixels):
    """A folder with one class holding one PNG of `pixels` (uint8, (height, width, 3))."""
    os.makedirs(tmp_path / "only", exist_ok=True)
    Image.fromarray(pixels).save(tmp_path / "only" / "image.png")
    return tmp_path


def _read(folder, **kwargs):
    (x, _), = image_dataset_from_directory(folder, shuffle=False, verbose=False, **kwargs).iter_epoch()
    return x[0]


def test_crop_and_pad_to_aspect_ratio_keep_the_proportions(tmp_path):
    """A 4 x 8 image (height x width) read as 4 x 4: the crop keeps its centre columns 2..5, the pad
    puts it in rows 2..5 of an 8 x 8 black square, and nearest-neighbour resizing shows which."""
    pixels = np.zeros((4, 8, 3), np.uint8)
    pixels[:, :, 0] = np.arange(8) * 30                    # red: the column
    pixels[:, :, 1] = np.arange(4)[:, None] * 60 + 10      # green: the row, never 0
    folder = _one_image(tmp_path, pixels)
    cropped = _read(folder, image_size=(4, 4), interpolation="nearest", crop_to_aspect_ratio=True)
    np.testing.assert_array_equal(cropped[..., 0], np.tile([60, 90, 120, 150], (4, 1)))
    np.testing.assert_array_equal(cropped[..., 1], np.repeat([[10], [70], [130], [190]], 4, axis=1))
    padded = _read(folder, image_size=(8, 8), interpolation="nearest", pad_to_aspect_ratio=True)
    np.testing.assert_array_equal(padded[2:6], pixels.astype(np.float32))
    assert not padded[:2].any() and not padded[6:].any()
    squeezed = _read(folder, image_size=(4, 4), interpolation="nearest")
    np.testing.assert_array_equal(squeezed[..., 0], np.tile([0, 60, 120, 180], (4, 1)) + 30)


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic", "area", "lanczos3"])
def test_interpolations_resize_and_keep_a_flat_image_flat(tmp_path, interpolation):
    folder = _one_image(tmp_path, np.full((10, 14, 3), 77, np.uint8))
    x = _read(folder, image_size=(3, 5), interpolation=interpolation)
    assert x.shape == (3, 5, 3) and np.all(x == 77)


def test_batch_size_none_gives_samples_that_fit_batches(folder):
    samples = image_dataset_from_directory(folder, image_size=(4, 4), batch_size=None, shuffle=False,
                                           verbose=False)
    assert isinstance(samples, gw.data.Dataset) and len(samples) == 24
    image, label = samples[9]
    assert image.shape == (4, 4, 3) and label == 1
    batched = image_dataset_from_directory(folder, image_size=(4, 4), batch_size=24, shuffle=False, verbose=False)
    x, y = batched[0]
    np.testing.assert_array_equal(np.stack([samples[i][0] for i in range(24)]), x)
    gw.random.seed(0)
    model = gw.Sequential([gw.nn.Input(shape=(4, 4, 3)), gw.nn.Flatten(), gw.nn.Dense(3)])
    model.compile(optimizer="sgd", loss=gw.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(samples, batch_size=8, epochs=1, verbose=0)
    assert len(history.history["loss"]) == 1


def test_channels_first_and_verbose(folder, capsys):
    x, _ = image_dataset_from_directory(folder, image_size=(4, 6), shuffle=False, data_format="channels_first")[0]
    assert x.shape == (24, 3, 4, 6)
    assert capsys.readouterr().out == "Found 24 files belonging to 3 classes.\n"
    image_dataset_from_directory(folder, validation_split=0.25, subset="both", seed=1)
    assert capsys.readouterr().out.splitlines() == [
        "Found 24 files belonging to 3 classes.", "Using 18 files for training.", "Using 6 files for validation."]


def test_follow_links(folder, tmp_path):
    os.makedirs(tmp_path / "root" / "cat")
    os.symlink(folder / "cat", tmp_path / "root" / "cat" / "linked")
    with pytest.raises(ValueError, match="holds no images"):
        image_dataset_from_directory(tmp_path / "root", verbose=False)
    assert len(image_dataset_from_directory(tmp_path / "root", follow_links=True, verbose=False).file_paths) == 8


def test_missing_directory_and_no_images(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        image_dataset_from_directory(tmp_path / "nowhere")
    os.makedirs(tmp_path / "empty_class")
    (tmp_path / "empty_class" / "a.txt").write_text("x")
    with pytest.raises(ValueError, match="holds no images"):
        image_dataset_from_directory(tmp_path)


def test_missing_pillow_names_the_extra(folder, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match=r'pip install "gradwork\[images\]"'):
        image_dataset_from_directory(folder)


def test_fit_evaluate_predict_on_a_folder(folder):
    gw.random.seed(0)
    train, val = image_dataset_from_directory(folder, image_size=(8, 8), batch_size=6, validation_split=0.25,
                                              subset="both", seed=0)
    model = gw.models.Sequential([gw.nn.Input((8, 8, 3)), gw.nn.Rescaling(1 / 255), gw.nn.Flatten(),
                                  gw.nn.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(train, validation_data=val, epochs=1, verbose=0)
    assert set(history.history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert np.isfinite(model.evaluate(val, verbose=0)[0])
    assert model.predict(val, verbose=0).shape == (6, 3)


def test_cli_trains_the_cnn_on_a_folder_and_writes_the_report(folder, tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["train", "--dataset", str(folder), "--epochs", "1", "--batch-size", "8", "--image-size", "12",
                 "--validation-split", "0.25", "--out", str(out), "--verbose", "0"])
    printed, err = capsys.readouterr()
    assert code == 0, err
    assert "18 training and 6 validation images, 3 classes" in printed
    for name in ["model.gw", "history.csv", "curves.png", "confusion_matrix.png", "predictions.png",
                 "filters.png", "feature_maps.png"]:
        assert (out / name).stat().st_size > 0, name
    model = gw.models.load_model(str(out / "model.gw"))
    assert model.build_input_shape[1:] == (12, 12, 3) and model.metadata["class_names"] == CLASSES
    assert any(isinstance(layer, gw.nn.Conv2D) for layer in model.layers)
    code = main(["predict", str(out / "model.gw"), str(folder / "dog" / "03.png")])
    assert code == 0 and "sample 0:" in capsys.readouterr().out
    code = main(["evaluate", str(out / "model.gw"), "--dataset", str(folder)])
    printed = capsys.readouterr().out
    assert code == 0 and "accuracy" in printed and "(24 samples)" in printed


@pytest.mark.parametrize("argv, pattern", [
    (["--validation-split", "0"], "--validation-split"),
    (["--image-size", "big"], "--image-size"),
])
def test_cli_folder_errors_are_one_line(folder, tmp_path, capsys, argv, pattern):
    code = main(["train", "--dataset", str(folder), "--epochs", "1", "--out", str(tmp_path), *argv])
    _, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert err.startswith("gradwork: error: ") and pattern in err


MEMORY_SCRIPT = textwrap.dedent("""
    import resource, sys
    import numpy as np
    from gradwork.data import image_dataset_from_directory

    folder, margin = sys.argv[1], int(sys.argv[2])
    ds = image_dataset_from_directory(folder, image_size=(256, 256), batch_size=4, shuffle=False, verbose=False)
    ds[0]                                                 # imports and Pillow's plugins loaded
    with open("/proc/self/status") as f:
        virtual = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmSize"))
    resource.setrlimit(resource.RLIMIT_AS, (virtual + margin, virtual + margin))
    seen = 0
    for epoch in range(2):
        for x, y in ds.iter_epoch():
            seen += len(x)
    decoded = len(ds.file_paths) * 256 * 256 * 3 * 4
    try:
        np.ones(decoded // 4, dtype=np.float32)           # the whole folder decoded would not fit
        print("limit not binding")
    except MemoryError:
        print("ok", seen, decoded)
""")


def test_iterating_a_folder_larger_than_the_memory_limit_keeps_memory_flat(tmp_path):
    """200 flat 256x256 PNGs (a few hundred bytes each) decode to 157 MB of float32; the process
    may grow by 100 MB only."""
    os.makedirs(tmp_path / "a")
    for i in range(200):
        Image.new("RGB", (256, 256), (i, 255 - i, 7)).save(tmp_path / "a" / f"{i:03d}.png")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PYTHONPATH": os.path.dirname(os.path.dirname(os.path.abspath(gw.__file__)))}
    result = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(tmp_path), str(100 * 2**20)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[:2] == ["ok", "400"], result.stdout


def test_a_damaged_image_is_named_when_read(folder, tmp_path):
    import shutil
    shutil.copytree(folder, tmp_path / "copy")
    damaged = tmp_path / "copy" / "dog" / "03.png"
    damaged.write_bytes(damaged.read_bytes()[:40])                  # the header survives, the data does not
    ds = image_dataset_from_directory(tmp_path / "copy", image_size=(4, 4), shuffle=False, verbose=False)
    with pytest.raises(ValueError, match=r"dog/03.png: not a readable image"):
        list(ds.iter_epoch())
