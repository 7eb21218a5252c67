"""`gradwork train --model cnn / cnn-bn` and the example script `examples/cnn_fashion_mnist.py`, at tiny
size: the first 64 images of the embedded Fashion-MNIST subset (the hidden `--limit`), one epoch.
Checked: the files a run writes (model.gw, history.csv and every PNG, each a valid image), the
layers of the saved model, `gradwork info` on it (in this process and in a fresh one), the
augmentation switches, and the one-line errors."""
import contextlib
import csv
import importlib.util
import io
import os
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

import gradwork as gw
from gradwork.cli import main

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EXAMPLE = pathlib.Path(__file__).resolve().parent.parent / "examples" / "cnn_fashion_mnist.py"
TINY = ["--subset", "mini", "--limit", "64", "--epochs", "1", "--batch-size", "32", "--verbose", "0"]
PNGS = ["confusion_matrix.png", "curves.png", "feature_maps.png", "filters.png", "predictions.png"]

pytest.importorskip("matplotlib")


def _train(out, *extra):
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        code = main(["train", *TINY, "--out", str(out), *extra])
    return code, printed.getvalue()


def _assert_png(path):
    assert path.read_bytes()[:8] == PNG_SIGNATURE, path
    from PIL import Image

    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        assert min(image.size) > 150, path


def _layer_types(model):
    return [type(layer).__name__ for layer in model.layers]


@pytest.fixture(scope="module")
def cnn_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cnn")
    code, printed = _train(out, "--model", "cnn")
    assert code == 0, printed
    return out, printed


@pytest.fixture(scope="module")
def cnn_bn_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cnn_bn")
    code, printed = _train(out, "--model", "cnn-bn")
    assert code == 0, printed
    return out, printed


def test_cnn_run_writes_the_model_history_and_every_plot(cnn_run):
    out, printed = cnn_run
    assert "dataset fashion-mnist: 64 training and 64 test samples, 10 classes" in printed
    assert "Total params: 421,642" in printed        # 320 + 18,496 + 3136*128 + 128 + 1,290
    assert re.search(r"training time: \d+\.\d s", printed)
    accuracy = float(re.search(r"test accuracy: (\d\.\d{4})", printed).group(1))
    assert sorted(os.listdir(out)) == sorted(PNGS + ["history.csv", "model.gw"])
    for name in PNGS:
        _assert_png(out / name)
    with open(out / "history.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1 and set(rows[0]) == {"epoch", "loss", "accuracy", "val_loss", "val_accuracy"}
    model = gw.load_model(out / "model.gw")
    assert _layer_types(model) == ["Reshape", "Rescaling", "Conv2D", "MaxPooling2D", "Conv2D",
                                   "MaxPooling2D", "Flatten", "Dense", "Dropout", "Dense"]
    assert model.build_input_shape == (None, 28, 28) and model.metadata["augment"] is False
    conv = model.layers[2]
    assert conv.kernel.shape == (3, 3, 1, 32) and conv.padding == "same"
    assert conv.get_config()["activation"] == "relu"
    (_, _), (x_test, y_test) = gw.datasets.fashion_mnist.load_data(subset="mini")
    reloaded = model.evaluate(x_test[:64].astype(np.float32), y_test[:64], verbose=0)[1]
    assert reloaded == pytest.approx(accuracy, abs=5e-5)


def test_info_on_a_cnn_model_prints_its_layers(cnn_run, capsys):
    out, _ = cnn_run
    code = main(["info", str(out / "model.gw")])
    stdout, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert 'Model: "cnn"' in stdout and "(None, 7, 7, 64)" in stdout and "Total params: 421,642" in stdout
    assert "augment: False" in stdout


def test_cnn_bn_run_has_batch_norm_and_augmentation_layers(cnn_bn_run):
    out, printed = cnn_bn_run
    assert sorted(os.listdir(out)) == sorted(PNGS + ["history.csv", "model.gw"])
    for name in ("filters.png", "feature_maps.png"):
        _assert_png(out / name)
    model = gw.load_model(out / "model.gw")
    assert _layer_types(model) == ["Reshape", "RandomTranslation", "RandomFlip", "Rescaling",
                                   "Conv2D", "BatchNormalization", "Activation", "MaxPooling2D",
                                   "Conv2D", "BatchNormalization", "Activation", "MaxPooling2D",
                                   "Flatten", "Dense", "Dropout", "Dense"]
    assert model.metadata["augment"] is True and model.layers[4].use_bias is False
    shift = model.layers[1]
    assert shift.height_factor == (-0.1, 0.1) and shift.fill_mode == "constant"
    assert model.layers[2].mode == "horizontal"
    x = np.random.default_rng(0).integers(0, 256, (4, 28, 28)).astype(np.float32)
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))   # no augmenting


def test_info_in_a_fresh_process_rebuilds_the_augmentation_layers(cnn_bn_run):
    out, _ = cnn_bn_run
    result = subprocess.run([sys.executable, "-m", "gradwork", "info", str(out / "model.gw")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "(RandomTranslation)" in result.stdout and "(BatchNormalization)" in result.stdout


def test_augment_switches_the_augmentation_layers_on_and_off(tmp_path):
    code, printed = _train(tmp_path / "off", "--model", "cnn-bn", "--no-augment", "--no-plots")
    assert code == 0, printed
    assert "RandomFlip" not in _layer_types(gw.load_model(tmp_path / "off" / "model.gw"))
    code, printed = _train(tmp_path / "mlp", "--model", "mlp", "--hidden", "16", "--augment", "--no-plots")
    assert code == 0, printed
    mlp = gw.load_model(tmp_path / "mlp" / "model.gw")
    assert _layer_types(mlp)[:3] == ["RandomTranslation", "RandomFlip", "Rescaling"]
    assert sorted(os.listdir(tmp_path / "mlp")) == ["history.csv", "model.gw"]



def test_shift_sets_the_translation_range_and_zero_leaves_flips_only(tmp_path):
    code, printed = _train(tmp_path / "s", "--model", "cnn-bn", "--shift", "0.05", "--no-plots")
    assert code == 0, printed
    shifted = gw.load_model(tmp_path / "s" / "model.gw")
    translation = next(layer for layer in shifted.layers if type(layer).__name__ == "RandomTranslation")
    assert translation.get_config()["height_factor"] == [-0.05, 0.05]
    code, printed = _train(tmp_path / "f", "--model", "cnn-bn", "--shift", "0", "--no-plots")
    assert code == 0, printed
    types = _layer_types(gw.load_model(tmp_path / "f" / "model.gw"))
    assert "RandomTranslation" not in types and "RandomFlip" in types


def test_cosine_schedule_decays_to_zero_over_every_training_step(tmp_path):
    code, printed = _train(tmp_path, "--model", "cnn", "--lr", "0.004", "--lr-schedule", "cosine",
                           "--validation-split", "0.25", "--no-plots")
    assert code == 0, printed
    optimizer = gw.load_model(tmp_path / "model.gw").optimizer
    schedule = optimizer.get_config()["learning_rate"]
    assert schedule["class_name"] == "CosineDecay"
    # 64 images, 48 after the validation split, batches of 32: 2 steps in the one epoch
    assert schedule["config"]["decay_steps"] == 2 and schedule["config"]["initial_learning_rate"] == 0.004
    assert optimizer.learning_rate == 0.0  # both steps taken: the end of the cosine

@pytest.mark.parametrize("argv, pattern", [
    (["--model", "cnn", "--dataset", "blobs"],
     r"a CNN needs images of shape \(height, width\).*got samples of shape \(2,\)"),
    (["--model", "mlp", "--dataset", "moons", "--augment"],
     r"--augment shifts and flips images; moons holds"),
])
def test_cnn_and_augmentation_on_non_images_are_one_line_errors(capsys, tmp_path, argv, pattern):
    code = main(["train", "--epochs", "1", "--verbose", "0", "--out", str(tmp_path), *argv])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gradwork: error: ") and re.search(pattern, lines[0]), err


def test_the_example_trains_scores_and_draws_at_tiny_size(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("cnn_fashion_mnist_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.main(["--subset", "mini", "--limit", "64", "--epochs", "1", "--batch-size", "32", "--bn",
                          "--verbose", "0", "--out", str(tmp_path)])
    printed = capsys.readouterr().out
    assert "Fashion-MNIST, the embedded subset: 64 training and 64 test images" in printed
    assert re.search(r"test accuracy: \d\.\d{4}   training time: \d+\.\d s", printed)
    assert 0 <= result["test_accuracy"] <= 1 and len(result["history"]["loss"]) == 1
    assert sorted(pathlib.Path(f).name for f in result["files"]) == ["confusion_matrix.png", "curves.png",
                                                                     "feature_maps.png", "filters.png"]
    for name in ("confusion_matrix.png", "curves.png", "feature_maps.png", "filters.png"):
        _assert_png(tmp_path / name)
    assert "RandomFlip" in _layer_types(gw.load_model(tmp_path / "model.gw"))
