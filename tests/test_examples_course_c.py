"""The course examples of part C (decision boundaries, regularization, batch normalization's speed-up,
the autoencoder, momentum by hand, networks from a list of sizes), run through their `main` at
reduced size: what the course claims must hold in the returned numbers, and each figure is a real PNG."""

import numpy as np
import pytest

from example_runner import assert_pngs as _assert_pngs
from example_runner import load as _load
from example_runner import run as _run


@pytest.fixture(autouse=True)
def _needs_matplotlib():
    pytest.importorskip("matplotlib")


def test_decision_boundaries(tmp_path, capsys):
    result, out = _run("decision_boundaries", tmp_path, capsys, "--quick")
    # a perceptron separates the blobs, and its printed line is the one it learned
    assert result["perceptron_accuracy"] >= 0.98
    w1, w2, b = result["perceptron_line"]
    assert f"boundary: {w1:+.3f} * x1 {w2:+.3f} * x2 {b:+.3f} = 0" in out
    # XOR: no line gets more than 3 of the 4 points; one hidden layer gets all of them
    assert result["perceptron_xor_accuracy"] <= 0.75
    assert result["xor_mlp_accuracy"] == 1.0
    assert (np.array(result["xor_outputs"]) > 0.5).astype(int).tolist() == [0, 1, 1, 0]
    assert " x1 x2 | XOR | MLP output" in out
    for name in ("spiral", "moons", "circles"):
        assert result[f"{name}_accuracy"] >= 0.95
    # depth: the few-unit shallow net cannot wind round the two spirals, three layers can
    assert result["deep_accuracy"] >= 0.97
    assert result["deep_accuracy"] > result["shallow_accuracy"] + 0.1
    assert result["deep_test_accuracy"] > result["shallow_test_accuracy"] + 0.1
    assert result["shallow_params"] == 33 and result["deep_params"] == 2241
    _assert_pngs(result["files"], tmp_path,
                 ["perceptron.png", "xor.png", "datasets.png", "deep_vs_shallow.png"])


def test_two_spirals_is_balanced_and_interleaved():
    two_spirals = _load("decision_boundaries").two_spirals
    x, y = two_spirals(200, noise=0.0, seed=3)
    assert x.shape == (200, 2) and x.dtype == np.float32 and np.bincount(y).tolist() == [100, 100]
    # the second arm is the first rotated by 180 degrees
    assert np.allclose(np.sort(x[y == 0], axis=0), np.sort(-x[y == 1], axis=0), atol=1e-6)
    assert np.abs(x).max() <= 1.0 + 1e-6


def test_regularization(tmp_path, capsys):
    result, out = _run("regularization", tmp_path, capsys, "--quick")
    gap = result["loss_gap"]
    base = gap["no regularization"]
    assert base > 0.3                                              # the big net overfits 200 images
    # L2 and dropout shrink the gap between validation and training loss (by about a quarter or more
    # at this size; asserting 10% leaves room for noise)
    assert gap["L2 0.01"] < 0.9 * base
    assert gap["dropout 0.5"] < 0.9 * base
    # early stopping stops before the last epoch and puts back the best epoch's weights
    assert result["early_stopping_epochs_run"] < result["epochs"]
    assert result["early_stopping_best_epoch"] < result["early_stopping_epochs_run"]
    assert abs(result["early_stopping_restored_val_loss"] - result["early_stopping_best"]) < 1e-3
    assert f"stopped after epoch {result['early_stopping_epochs_run']} of {result['epochs']}" in out
    assert f"val accuracy {result['early_stopping_restored_val_accuracy']:.3f}" in out
    _assert_pngs(result["files"], tmp_path, ["regularization_curves.png", "early_stopping.png"])


def test_small_fashion_mnist_split_is_balanced_and_disjoint():
    load = _load("regularization").small_fashion_mnist
    (x, y), (xv, yv) = load(100, 200)
    assert x.shape == (100, 784) and xv.shape == (200, 784)
    assert np.bincount(y).tolist() == [10] * 10 and np.bincount(yv).tolist() == [20] * 10
    assert 0.0 <= x.min() and x.max() <= 1.0
    rows = {r.tobytes() for r in x}
    assert not any(r.tobytes() in rows for r in xv)


def test_batchnorm_speedup(tmp_path, capsys):
    result, out = _run("batchnorm_speedup", tmp_path, capsys, "--quick")
    for activation in ("relu", "sigmoid"):
        bn = result[f"{activation}_bn_epochs_to_target"]
        plain = result[f"{activation}_plain_epochs_to_target"]
        assert bn is not None, f"{activation}: BN never reached the target"
        assert plain is None or bn < plain, f"{activation}: BN took {bn} epochs, plain {plain}"
    assert "epochs to target" in out
    _assert_pngs(result["files"], tmp_path, ["batchnorm_speedup.png"])


def test_autoencoder(tmp_path, capsys):
    result, out = _run("autoencoder", tmp_path, capsys, "--quick")
    assert result["mse_32"] < result["mse_2"] < 0.08            # 0.087 is the MSE of the mean image
    assert result["codes_2d"].shape == (1000, 2)
    assert 'Model: "autoencoder_2"' in out and f"test MSE {result['mse_32']:.4f}" in out
    _assert_pngs(result["files"], tmp_path,
                 ["reconstructions.png", "codes_2d.png", "latent_grid.png", "loss.png"])


def test_momentum_by_hand_equals_sgd_momentum(tmp_path, capsys):
    result, out = _run("momentum_by_hand", tmp_path, capsys, "--quick")
    # the same float32 operations in the same order: equal after every step (bit for bit today)
    assert result["max_difference_sgd"] <= 1e-6
    assert result["losses"]["hand"] == pytest.approx(result["losses"]["sgd"], rel=1e-6)
    assert result["max_difference_torch_form"] < 1e-5            # PyTorch's form: the same up to rounding
    assert result["final_loss"]["hand"] < result["final_loss"]["plain"]
    assert "SGD(momentum=0.9)" in out
    _assert_pngs(result["files"], tmp_path, ["momentum.png"])


def test_build_mlp_from_a_list():
    module = _load("mlp_from_list")
    model = module.build_mlp([784, 128, 64, 10], activation="tanh")
    dense = model.layers[-3:]
    assert [layer.units for layer in dense] == [128, 64, 10]
    assert model.count_params() == 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10
    probabilities = model.predict(np.zeros((3, 784), np.float32), verbose=0)
    assert probabilities.sum(axis=1) == pytest.approx(1.0, abs=1e-5)
    assert module.build_mlp([4, 1], output_activation=None).count_params() == 5
    with pytest.raises(ValueError):
        module.build_mlp([784])
    with pytest.raises(ValueError):
        module.build_mlp([784, 0, 10])


def test_mlp_from_list(tmp_path, capsys):
    result, out = _run("mlp_from_list", tmp_path, capsys, "--quick",
                       "--sizes", "784,10", "--sizes", "784,32,16,10")
    assert set(result["models"]) == {"784-10", "784-32-16-10"}
    assert result["models"]["784-32-16-10"]["params"] == 784 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10
    assert all(r["test_accuracy"] > 0.5 for r in result["models"].values())
    assert 'Model: "mlp_784_32_16_10"' in out and "build_mlp([784, 32, 16, 10], activation='relu')" in out
    _assert_pngs(result["files"], tmp_path, ["mlp_from_list.png"])
