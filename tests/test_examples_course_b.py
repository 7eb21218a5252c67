"""The course examples of part B (gradient descent, optimizers, activations, initialization, vanishing
gradients), run through their `main` at reduced size: the numbers the course states hold, and each
figure is a real PNG."""
import subprocess
import sys

import numpy as np
import pytest

from example_runner import EXAMPLES
from example_runner import assert_pngs as _assert_pngs
from example_runner import load as _load
from example_runner import run as _run

pytest.importorskip("matplotlib")


# ----- gradient descent with a numerical gradient -----------------------------------------------

def test_gradient_descent_course_numbers(tmp_path, capsys):
    result, out = _run("gradient_descent", tmp_path, capsys, "--quick")
    assert np.allclose(result["gradients"][(3.0, 4.0)], [6.0, 8.0], atol=1e-6)
    assert np.allclose(result["gradients"][(0.0, 2.0)], [0.0, 4.0], atol=1e-6)
    assert np.allclose(result["gradients"][(3.0, 0.0)], [6.0, 0.0], atol=1e-6)
    assert np.abs(result["final"]).max() < 1e-8                  # lr 0.1, 100 steps: at the minimum
    assert np.abs(result["final_lr10"]).max() > 1e10             # lr 10 diverges
    assert np.allclose(result["final_lr1e-10"], [-3.0, 4.0], atol=1e-6)   # lr 1e-10 hardly moves
    assert "[6. 8.]" in out and "diverged" in out
    _assert_pngs(result["files"], tmp_path, ["gradient_field.png", "gradient_descent_paths.png"])


def test_gradient_descent_runs_as_a_script(tmp_path):
    done = subprocess.run([sys.executable, str(EXAMPLES / "gradient_descent.py"), "--steps", "20", "--quick",
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "gradient descent from (-3.0, 4.0), 20 steps" in done.stdout
    assert (tmp_path / "gradient_descent_paths.png").exists()


# ----- optimizer paths ----------------------------------------------------------------------------

def test_optimizer_paths(tmp_path, capsys):
    result, out = _run("optimizer_paths", tmp_path, capsys, "--quick")
    res = result["results"]
    for problem, start_loss in (("parabola", 25.0), ("bowl", 49 / 20 + 4)):
        for name, r in res[problem].items():
            assert np.isfinite(r["loss"]) and r["loss"] < 0.05 * start_loss, (problem, name)
            assert r["losses"][0] == pytest.approx(start_loss)
    rosen = {name: r["loss"] for name, r in res["rosenbrock"].items()}
    for better in ("Momentum", "Nesterov", "Adam"):   # same number of steps, far lower loss than SGD
        assert rosen[better] < 0.5 * rosen["SGD"], rosen
    assert rosen["Momentum"] < 0.1 and rosen["Nesterov"] < 0.1
    # plain SGD on the bowl with lr 0.95 zigzags: the sign of y flips at every step
    sgd = res["bowl"]["SGD"]
    assert sgd["path"].shape == (31, 2) and sgd["losses"].shape == (31,)
    assert np.all(np.sign(sgd["path"][:10, 1]) == [1, -1] * 5)
    assert np.all(np.diff(sgd["path"][:, 0]) > 0)                  # while x creeps steadily to 0
    assert len(res["bowl"]) == 6 and "first step with loss < 1e-3" in out
    _assert_pngs(result["files"], tmp_path, [f"{kind}_{p}.png" for p in ("parabola", "bowl", "rosenbrock")
                                             for kind in ("paths", "loss")])


def test_optimizer_paths_drive_gradwork_optimizers():
    module = _load("optimizer_paths")
    path, losses = module.optimize(module.make_optimizer("SGD", 0.1), module.parabola, (5.0,), 3)
    assert np.allclose(path[:, 0], [5.0, 4.0, 3.2, 2.56])        # x <- x - 0.1 * 2x
    assert np.allclose(losses, path[:, 0] ** 2)
    path, _ = module.optimize(module.make_optimizer("Momentum", 0.1), module.bowl, (-7.0, 2.0), 2)
    # v1 = -0.1 g0; x1 = x0 + v1; v2 = 0.9 v1 - 0.1 g1; x2 = x1 + v2 (g = (x/10, 2y))
    x1 = np.array([-7.0 + 0.07, 2.0 - 0.4])
    v2 = 0.9 * np.array([0.07, -0.4]) - 0.1 * np.array([x1[0] / 10, 2 * x1[1]])
    assert np.allclose(path[2], x1 + v2)
    with pytest.raises(ValueError):
        module.make_optimizer("LBFGS", 1.0)


# ----- optimizers on Fashion-MNIST ----------------------------------------------------------------

def test_optimizers_fashion_mnist(tmp_path, capsys):
    result, out = _run("optimizers_fashion_mnist", tmp_path, capsys, "--quick")
    res = result["results"]
    assert list(res) == ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam"]
    first = {name: r["losses"][0] for name, r in res.items()}
    assert len(set(np.round(list(first.values()), 6))) == 1   # same initial weights and first batch
    for r in res.values():
        assert r["losses"].shape == (8,) and np.all(np.isfinite(r["losses"]))
        assert 0.0 <= r["test_accuracy"] <= 1.0
    for adaptive in ("AdaGrad", "RMSprop", "Adam"):           # 8 steps: the adaptive ones are far ahead
        assert res[adaptive]["test_accuracy"] > res["SGD"]["test_accuracy"] + 0.1
        assert res[adaptive]["test_loss"] < res["SGD"]["test_loss"]
    assert "test acc" in out
    _assert_pngs(result["files"], tmp_path, ["optimizers_fashion_mnist.png"])


# ----- activations ----------------------------------------------------------------------------------

def test_activations(tmp_path, capsys):
    result, out = _run("activations", tmp_path, capsys, "--quick")
    table = result["table"]
    sig, dsig = table["sigmoid"]
    assert np.allclose(sig, [0.26894142, 0.73105858, 0.88079708])        # the course's printout
    assert np.allclose(dsig, sig * (1 - sig))
    assert np.array_equal(table["step"][0], [0.0, 1.0, 1.0]) and not table["step"][1].any()
    assert np.array_equal(table["relu"][1], [0.0, 1.0, 1.0])
    assert np.allclose(table["tanh"][1], 1 - np.tanh([-1.0, 1.0, 2.0]) ** 2)
    assert np.allclose(table["softplus"][1], sig)                         # softplus' = sigmoid
    assert np.allclose(result["softmax"], [0.01821127, 0.24519181, 0.73659691])
    big = result["softmax_large"]
    assert np.all(np.isfinite(big)) and big.sum() == pytest.approx(1.0) and big[0] > 0.9999
    comparison = result["comparison"]
    assert comparison["relu"]["val_accuracy"] > comparison["sigmoid"]["val_accuracy"] + 0.2
    assert comparison["tanh"]["val_accuracy"] > comparison["sigmoid"]["val_accuracy"]
    assert "0.26894" in out and "exp overflows" in out
    _assert_pngs(result["files"], tmp_path, ["activations.png", "hidden_activation_loss.png",
                                             "hidden_activation_accuracy.png",
                                             "hidden_activation_boundaries.png"])


# ----- initialization histograms -----------------------------------------------------------------

def test_initialization_histograms(tmp_path, capsys):
    result, out = _run("initialization_histograms", tmp_path, capsys, "--quick")
    sig, relu = result["results"]["sigmoid"], result["results"]["relu"]
    assert max(sig["std 0.01"]["std"]) < 0.05                      # every unit says about 0.5
    assert min(sig["std 1"]["saturated"]) > 0.5                    # stuck at 0 and 1
    assert max(sig["Xavier"]["saturated"]) < 0.02 and min(sig["Xavier"]["std"]) > 0.08
    he = relu["He"]["std"]
    assert 0.5 < he[-1] / he[0] < 1.5 and max(he) / min(he) < 1.5  # He keeps ReLU's spread
    assert relu["Xavier"]["std"][-1] < 0.3 * relu["Xavier"]["std"][0]   # variance 1/n halves per layer
    assert relu["std 0.01"]["std"][-1] < 1e-4 * relu["std 0.01"]["std"][0]
    assert relu["std 1"]["std"][-1] > 1e3 * relu["std 1"]["std"][0]
    for stats in relu.values():                                     # about half the outputs are 0
        assert all(0.4 < z < 0.6 for z in stats["zero"])
    dead = result["dead_units"]
    assert sum(dead["SGD lr 0.5"]) > sum(dead["initial"]) + 30     # a too-large step kills units
    assert "saturated" in out and "dead units" in out
    _assert_pngs(result["files"], tmp_path, ["init_histograms_sigmoid.png", "init_histograms_relu.png",
                                             "dying_relu.png"])


# ----- vanishing gradients -------------------------------------------------------------------------

def test_vanishing_gradients(tmp_path, capsys):
    result, out = _run("vanishing_gradients", tmp_path, capsys, "--quick")
    norms = {k: np.array(v) for k, v in result["norms"].items()}
    sigmoid, relu = norms["sigmoid (Glorot)"], norms["ReLU (Glorot)"]
    assert len(sigmoid) == 10
    assert sigmoid[0] < 1e-3 * relu[0]                              # orders of magnitude at layer 1
    assert sigmoid[0] < 1e-4 * sigmoid[-1]                          # shrinks layer by layer
    assert np.all(np.diff(np.log(sigmoid)) > 0)
    for name in ("ReLU (Glorot)", "ReLU (He)", "tanh (Glorot)"):
        assert 0.1 < norms[name][0] / norms[name][-1] < 10, name
    losses = result["losses"]
    assert losses["sigmoid (Glorot)"][-5:].mean() > 2.2             # the deep sigmoid net barely learns
    assert losses["tanh (Glorot)"][-5:].mean() < losses["sigmoid (Glorot)"][-5:].mean() - 0.3
    assert "first / last" in out
    _assert_pngs(result["files"], tmp_path, ["gradient_norms.png", "deep_training_loss.png"])
