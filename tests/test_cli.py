"""The `gradwork` command: train / evaluate / predict / info, on the embedded Fashion-MNIST subset,
generated sets and the user's .csv / .npz files; errors are one line on stderr, never a traceback.

Most runs call `gradwork.cli.main([...])` in-process (fast, output through capsys); a few run the
real `python -m gradwork` in a subprocess.
"""
import contextlib
import csv
import io
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import gradwork as gw
from gradwork.cli import main

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _run(capsys, *argv):
    """(exit code, stdout, stderr) of `gradwork argv...` run in this process."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _assert_png(path):
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, path
    from PIL import Image

    with Image.open(path) as image:
        image.verify()                                 # the whole file decodes
    with Image.open(path) as image:
        assert image.size[0] > 100 and image.size[1] > 100


def _assert_one_line_error(code, out, err, pattern):
    assert code != 0
    assert "Traceback" not in err and "Traceback" not in out
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("gradwork: error: ")
    assert re.search(pattern, lines[0]), lines[0]


@pytest.fixture(scope="module")
def fashion(tmp_path_factory):
    """One short training run on the embedded Fashion-MNIST subset, shared by the tests below:
    (output folder, what it printed)."""
    out = tmp_path_factory.mktemp("fashion")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        code = main(["train", "--dataset", "fashion-mnist", "--subset", "mini", "--epochs", "1",
                     "--hidden", "32", "--batch-size", "256", "--out", str(out), "--verbose", "0"])
    assert code == 0, printed.getvalue()
    return out, printed.getvalue()


@pytest.fixture
def fashion_run(fashion):
    return fashion[0]


# ----------------------------------------------------------------------------------------------- train
def test_train_on_mini_fashion_mnist_writes_model_history_and_plots(fashion):
    out, stdout = fashion
    assert "dataset fashion-mnist: 6000 training and 1000 test samples, 10 classes" in stdout
    assert "Total params: 25,450" in stdout            # 784*32 + 32 + 32*10 + 10
    accuracy = float(re.search(r"test accuracy: (\d\.\d{4})", stdout).group(1))
    assert accuracy > 0.5                              # chance is 0.1
    assert sorted(os.listdir(out)) == ["confusion_matrix.png", "curves.png", "history.csv", "model.gw",
                                       "predictions.png"]
    for name in ("confusion_matrix.png", "curves.png", "predictions.png"):
        _assert_png(out / name)
    with open(out / "history.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1 and set(rows[0]) == {"epoch", "loss", "accuracy", "val_loss", "val_accuracy"}
    assert float(rows[0]["loss"]) > 0 and 0 < float(rows[0]["val_accuracy"]) <= 1
    assert f"wrote {out / 'model.gw'}, {out / 'history.csv'}, {out / 'curves.png'}" in stdout
    model = gw.load_model(out / "model.gw")
    assert model.metadata["class_names"][0] == "T-shirt/top" and model.build_input_shape == (None, 28, 28)
    (_, _), (x_test, y_test) = gw.datasets.fashion_mnist.load_data(subset="mini")
    reloaded_accuracy = model.evaluate(x_test.astype(np.float32), y_test, verbose=0)[1]
    assert reloaded_accuracy == pytest.approx(accuracy, abs=5e-5)


@pytest.mark.parametrize("dataset, classes, n_test", [("xor", 2, 4), ("moons", 2, 20)])
def test_train_on_generated_datasets(capsys, tmp_path, dataset, classes, n_test):
    code, stdout, err = _run(capsys, "train", "--dataset", dataset, "--epochs", 3, "--hidden", "8,8",
                             "--out", tmp_path, "--verbose", 0, "--lr", 0.05, "--batch-size", 8)
    assert code == 0 and err == ""
    assert f"{classes} classes" in stdout and re.search(r"test accuracy: \d\.\d{4}", stdout)
    assert sorted(os.listdir(tmp_path)) == ["confusion_matrix.png", "curves.png", "history.csv", "model.gw"]
    _assert_png(tmp_path / "curves.png")
    _assert_png(tmp_path / "confusion_matrix.png")
    with open(tmp_path / "history.csv", newline="") as f:
        assert [row["epoch"] for row in csv.DictReader(f)] == ["0", "1", "2"]
    model = gw.load_model(tmp_path / "model.gw")
    assert [type(l).__name__ for l in model.layers] == ["Dense", "Dense", "Dense"]
    assert model.layers[-1].kernel.shape == (8, classes)
    history = (tmp_path / "history.csv").read_text()      # the same --seed gives the same run
    code, again, _ = _run(capsys, "train", "--dataset", dataset, "--epochs", 3, "--hidden", "8,8", "--out",
                          tmp_path / "again", "--verbose", 0, "--lr", 0.05, "--batch-size", 8, "--no-plots")
    assert code == 0 and (tmp_path / "again" / "history.csv").read_text() == history
    assert again.splitlines()[-2] == stdout.splitlines()[-2]          # the test accuracy line


def test_train_linear_model_without_plots_and_with_progress_output(capsys, tmp_path):
    code, stdout, err = _run(capsys, "train", "--dataset", "blobs", "--model", "linear", "--epochs", 2,
                             "--no-plots", "--out", tmp_path)
    assert code == 0
    assert "Epoch 2/2" in stdout + err
    assert sorted(os.listdir(tmp_path)) == ["history.csv", "model.gw"]
    assert [type(l).__name__ for l in gw.load_model(tmp_path / "model.gw").layers] == ["Dense"]


class _Built(Exception):
    """Stops a run once its model is built: what these tests look at."""


@pytest.mark.parametrize("argv, dropout", [
    (["--model", "cnn"], 0.5), (["--model", "mlp"], 0.5), (["--model", "cnn", "--dropout", "0"], 0.0),
    (["--model", "cnn-bn", "--no-augment", "--dropout", "0.25"], 0.25),
])
def test_dropout_defaults_to_one_half_and_reaches_the_model(monkeypatch, tmp_path, argv, dropout):
    from gradwork.cli import commands

    seen = {}

    def build_model(*args, **kwargs):
        seen.update(kwargs)
        raise _Built

    monkeypatch.setattr(commands, "build_model", build_model)
    with pytest.raises(_Built):  # --debug: every other exception is a one-line error
        main(["--debug", "train", "--dataset", "moons", "--out", str(tmp_path), *argv])
    assert seen["dropout"] == dropout


def _write_csv(path):
    x, y = gw.datasets.blobs(80, centers=3, cluster_std=0.5, seed=0)
    names = ["cat", "dog", "eel"]
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["width", "species", "height"])   # the target need not be last
        for (a, b), label in zip(x, y):
            writer.writerow([a, names[label], b])
    return x, y


def test_train_on_a_csv_file_with_a_target_column(capsys, tmp_path):
    _write_csv(tmp_path / "animals.csv")
    code, stdout, err = _run(capsys, "train", "--dataset", tmp_path / "animals.csv", "--target", "species",
                             "--epochs", 20, "--hidden", 16, "--lr", 0.02, "--batch-size", 16, "--out",
                             tmp_path / "run", "--verbose", 0)
    assert code == 0 and err == ""
    assert "dataset animals.csv: 64 training and 16 test samples, 3 classes" in stdout
    assert float(re.search(r"test accuracy: (\d\.\d{4})", stdout).group(1)) > 0.8   # well-separated blobs
    model = gw.load_model(tmp_path / "run" / "model.gw")
    assert model.metadata["class_names"] == ["cat", "dog", "eel"] and model.build_input_shape == (None, 2)


def test_train_and_evaluate_on_an_npz_file(capsys, tmp_path):
    x, y = gw.datasets.circles(60, noise=0.05, factor=0.5, seed=0)
    np.savez(tmp_path / "rings.npz", x=x, y=y)
    code, stdout, err = _run(capsys, "train", "--dataset", tmp_path / "rings.npz", "--epochs", 2, "--out",
                             tmp_path / "run", "--verbose", 0, "--no-plots")
    assert code == 0 and "dataset rings.npz: 48 training and 12 test samples, 2 classes" in stdout
    code, stdout, err = _run(capsys, "evaluate", tmp_path / "run" / "model.gw",
                             "--dataset", tmp_path / "rings.npz")
    assert code == 0 and err == ""
    assert re.fullmatch(r"rings.npz test split: accuracy \d\.\d{4}, loss \d+\.\d{4} \(12 samples\)\n", stdout)


# ----------------------------------------------------------------------------------------------- use a model
def test_evaluate_reports_the_same_accuracy_as_training(fashion_run, capsys):
    code, stdout, err = _run(capsys, "evaluate", fashion_run / "model.gw", "--dataset", "fashion-mnist",
                             "--subset", "mini")
    assert code == 0 and err == ""
    model = gw.load_model(fashion_run / "model.gw")
    (_, _), (x_test, y_test) = gw.datasets.fashion_mnist.load_data(subset="mini")
    loss, accuracy = model.evaluate(x_test.astype(np.float32), y_test, verbose=0)
    assert stdout == f"fashion-mnist test split: accuracy {accuracy:.4f}, loss {loss:.4f} (1000 samples)\n"


def _top_line(probabilities, names, top=3):
    order = np.argsort(probabilities)[::-1][:top]
    ranked = ", ".join(f"{names[k]} {probabilities[k]:.3f}" for k in order)
    return f"{names[order[0]]}   ({ranked})"


def test_predict_on_npy_arrays_single_and_batched(fashion_run, capsys, tmp_path):
    (_, _), (x_test, _) = gw.datasets.fashion_mnist.load_data(subset="mini")
    model = gw.load_model(fashion_run / "model.gw")
    names = model.metadata["class_names"]
    expected = model.predict(x_test[:3].astype(np.float32), verbose=0)
    np.save(tmp_path / "three.npy", x_test[:3])
    np.save(tmp_path / "one.npy", x_test[1])           # a single sample without a batch axis
    code, stdout, err = _run(capsys, "predict", fashion_run / "model.gw", tmp_path / "three.npy")
    assert code == 0 and err == ""
    assert stdout.splitlines() == [f"sample {i}: {_top_line(expected[i], names)}" for i in range(3)]
    code, stdout, _ = _run(capsys, "predict", fashion_run / "model.gw", tmp_path / "one.npy", "--top", 1)
    assert code == 0 and stdout.splitlines() == [f"sample 0: {_top_line(expected[1], names, top=1)}"]


def test_predict_on_png_images(fashion_run, capsys, tmp_path):
    from PIL import Image

    (_, _), (x_test, _) = gw.datasets.fashion_mnist.load_data(subset="mini")
    model = gw.load_model(fashion_run / "model.gw")
    Image.fromarray(x_test[2]).save(tmp_path / "item.png")     # grayscale, the model's size: lossless
    code, stdout, err = _run(capsys, "predict", fashion_run / "model.gw", tmp_path / "item.png")
    assert code == 0 and err == ""
    expected = model.predict(x_test[2:3].astype(np.float32), verbose=0)[0]
    assert stdout.splitlines() == [f"sample 0: {_top_line(expected, model.metadata['class_names'])}"]
    big = np.kron(x_test[2], np.ones((3, 3), np.uint8))         # 84 x 84, colour: converted and resized
    Image.fromarray(np.stack([big] * 3, axis=-1)).save(tmp_path / "big.png")
    code, stdout, err = _run(capsys, "predict", fashion_run / "model.gw", tmp_path / "big.png")
    assert code == 0 and err == "" and re.fullmatch(r"sample 0: .+ \(.+ \d\.\d{3}, .+\)\n", stdout)


def test_info_prints_the_summary_and_metadata(fashion_run, capsys):
    code, stdout, err = _run(capsys, "info", fashion_run / "model.gw")
    assert code == 0 and err == ""
    assert 'Model: "mlp"' in stdout and "Total params: 25,450" in stdout
    assert "dataset: fashion-mnist" in stdout and "class_names: ['T-shirt/top'," in stdout


# ----------------------------------------------------------------------------------------------- errors
def _error_files(tmp_path):
    (tmp_path / "plain.csv").write_text("a,b,label\n1,2,x\n3,4,y\n")
    (tmp_path / "words.csv").write_text("a,label\nfoo,1\n2,0\n")
    np.savez(tmp_path / "uneven.npz", x=np.zeros((5, 2)), y=np.zeros(4, np.int64))
    np.savez(tmp_path / "nolabels.npz", features=np.zeros((5, 2)))
    np.savez(tmp_path / "floaty.npz", x=np.zeros((5, 2)), y=np.zeros(5))
    np.savez(tmp_path / "objects.npz", x=np.array([{"a": 1}] * 5, dtype=object), y=np.zeros(5, np.int64))
    (tmp_path / "broken.npz").write_bytes(b"PK\x03\x04 truncated archive")
    (tmp_path / "text.npy").write_bytes(b"not numpy")
    np.save(tmp_path / "wrong.npy", np.zeros((2, 5)))
    (tmp_path / "junk.gw").write_bytes(b"junk")
    (tmp_path / "junk.png").write_bytes(PNG_SIGNATURE + b"junk")


@pytest.mark.parametrize("argv, pattern", [
    (["train", "--dataset", "nope"], r"unknown dataset 'nope'; choose one of: fashion-mnist, mnist, xor"),
    (["train", "--dataset", "{d}/missing.csv", "--target", "a"], r"no such file: .*missing.csv"),
    (["train", "--dataset", "{d}/plain.csv"], r"plain.csv: a .csv dataset needs --target COLUMN"),
    (["train", "--dataset", "{d}/plain.csv", "--target", "class"],
     r"plain.csv: no column named 'class'; the columns are a, b, label"),
    (["train", "--dataset", "{d}/words.csv", "--target", "label"],
     r"words.csv: every column except the target must be numeric "
     r"\(could not convert string to float: 'foo'\)"),
    (["train", "--dataset", "{d}/uneven.npz"], r"uneven.npz: x has 5 samples but y has 4"),
    (["train", "--dataset", "{d}/nolabels.npz"],
     r"nolabels.npz: an .npz dataset needs arrays named 'x' and 'y'"),
    (["train", "--dataset", "{d}/floaty.npz"],
     r"floaty.npz: y must hold integer class labels, got dtype float64"),
    (["train", "--dataset", "{d}/objects.npz"],
     r"objects.npz: not an .npz archive of numeric arrays \(.*never"),
    (["train", "--dataset", "{d}/broken.npz"], r"broken.npz: not an .npz archive of numeric arrays"),
    (["train", "--dataset", "moons", "--hidden", "8,x"], r"--hidden must be comma-separated integers"),
    (["train", "--dataset", "mnist", "--subset", "mini"], r"--subset mini exists for fashion-mnist only"),
    (["train", "--dataset", "moons", "--dropout", "0.2"],
     r"--dropout applies to the cnn models \(cnn, cnn-bn\), not --model mlp"),
    (["train", "--dataset", "moons", "--model", "linear", "--dropout", "0.0"],
     r"--dropout applies to the cnn models \(cnn, cnn-bn\), not --model linear"),
    (["info", "{d}/absent.gw"], r"no model file at .*absent.gw"),
    (["info", "{d}/junk.gw"], r"junk.gw is not a gradwork model file"),
    (["evaluate", "{model}", "--dataset", "moons"],
     r"mlp: expected inputs of shape \(None, 28, 28\), got \(None, 2\)"),
    (["predict", "{model}", "{d}/wrong.npy"],
     r"wrong.npy: the model expects samples of shape \(28, 28\), got an array of shape \(2, 5\)"),
    (["predict", "{model}", "{d}/absent.npy"], r"no such file: .*absent.npy"),
    (["predict", "{model}", "{d}/text.npy"], r"text.npy: not a .npy file of numbers"),
    (["predict", "{model}", "{d}/junk.png"], r"cannot identify image file"),
])
def test_errors_are_one_line_on_stderr_without_a_traceback(fashion_run, capsys, tmp_path, argv, pattern):
    _error_files(tmp_path)
    argv = [a.format(d=tmp_path, model=fashion_run / "model.gw") for a in argv]
    if argv[0] == "train":
        argv += ["--out", str(tmp_path / "run"), "--epochs", "1", "--verbose", "0"]
    code, out, err = _run(capsys, *argv)
    _assert_one_line_error(code, out, err, pattern)


def test_debug_shows_the_traceback_instead(capsys):
    with pytest.raises(Exception, match="unknown dataset"):
        main(["--debug", "train", "--dataset", "nope"])


def _subprocess(*argv, cwd=None):
    return subprocess.run([sys.executable, "-m", "gradwork", *map(str, argv)], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_python_dash_m_gradwork_help_and_a_real_error():
    result = _subprocess("--help")
    assert result.returncode == 0 and result.stdout.startswith("usage: gradwork")
    for command in ("train", "evaluate", "predict", "info"):
        assert command in result.stdout
    result = _subprocess("train", "--help")
    assert result.returncode == 0 and "--dataset" in result.stdout and "--target" in result.stdout
    result = _subprocess("info", "/nonexistent/model.gw")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == "gradwork: error: no model file at /nonexistent/model.gw\n"


def test_python_dash_m_gradwork_trains_end_to_end(tmp_path):
    result = _subprocess("train", "--dataset", "xor", "--epochs", 1, "--out", "run", "--verbose", 0,
                         cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "test accuracy:" in result.stdout and (tmp_path / "run" / "model.gw").exists()
    _assert_png(tmp_path / "run" / "curves.png")


# ----------------------------------------------------------------------------------------------- plots
def test_confusion_matrix_counts_rows_true_columns_predicted():
    cm = gw.plot.confusion_matrix([0, 1, 2, 2, 1], [0, 2, 2, 1, 1])
    np.testing.assert_array_equal(cm, [[1, 0, 0], [0, 1, 1], [0, 1, 1]])
    assert gw.plot.confusion_matrix([0, 1], [0, 1], num_classes=4).shape == (4, 4)


def test_plot_functions_write_png_files(tmp_path):
    logs = {"loss": [1.0, 0.5, 0.4], "accuracy": [0.5, 0.7, 0.8], "val_loss": [1.1, 0.6, 0.5],
            "val_accuracy": [0.4, 0.6, 0.7], "learning_rate": [0.1, 0.1, 0.1]}
    assert gw.plot.plot_history(logs, tmp_path / "h.png") == tmp_path / "h.png"
    _assert_png(tmp_path / "h.png")
    from PIL import Image

    with Image.open(tmp_path / "h.png") as image:       # two panels (loss, accuracy), not three
        width, height = image.size
    assert 1.5 < width / height < 3.5
    gw.plot.plot_confusion_matrix([0, 1, 1], [0, 1, 0], tmp_path / "cm.png", ["no", "yes"])
    _assert_png(tmp_path / "cm.png")
    images = np.random.default_rng(0).integers(0, 255, (5, 12, 12, 1)).astype(np.uint8)
    gw.plot.plot_predictions(images, [0, 1, 0, 1, 0], [0, 1, 1, 1, 0], tmp_path / "p.png", columns=3)
    _assert_png(tmp_path / "p.png")


def test_the_optimizer_is_created_with_its_rate_or_schedule():
    from gradwork.cli.commands import make_optimizer

    sgd = make_optimizer("SGD", 0.05)
    assert isinstance(sgd, gw.optimizers.SGD) and sgd.get_config()["learning_rate"] == 0.05
    adam = make_optimizer("adam", 0.004, "cosine", total_steps=7)
    schedule = adam.get_config()["learning_rate"]
    assert isinstance(adam, gw.optimizers.Adam) and schedule["class_name"] == "CosineDecay"
    assert schedule["config"]["decay_steps"] == 7 and schedule["config"]["initial_learning_rate"] == 0.004


def test_an_unknown_optimizer_is_a_one_line_error(capsys, tmp_path):
    code, out, err = _run(capsys, "train", "--dataset", "moons", "--optimizer", "nope", "--epochs", 1,
                          "--out", tmp_path, "--verbose", 0)
    _assert_one_line_error(code, out, err, r"Unknown optimizer: 'nope'")
