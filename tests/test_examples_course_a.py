"""The course examples of part A (perceptrons and gates, the worked forward pass, backpropagation by
hand, computational graphs), run through their `main` at reduced size: the printed numbers are the
course's, and each figure is a real PNG."""
import subprocess
import sys

import numpy as np
import pytest

from example_runner import EXAMPLES
from example_runner import assert_pngs as _assert_pngs
from example_runner import load as _load
from example_runner import run as _run


@pytest.fixture(autouse=True)
def _needs_matplotlib():
    pytest.importorskip("matplotlib")


def test_perceptron_gates(tmp_path, capsys):
    result, out = _run("perceptron_gates", tmp_path, capsys, "--quick")
    assert result["truth_tables"] == {"AND": [0, 0, 0, 1], "NAND": [1, 1, 1, 0], "OR": [0, 1, 1, 1],
                                      "XOR": [0, 1, 1, 0]}
    assert "  x1 x2 | AND NAND  OR XOR" in out
    for row in ("   0  0 |  0    1    0   0", "   0  1 |  0    1    1   1", "   1  0 |  0    1    1   1",
                "   1  1 |  1    0    1   0"):
        assert row in out
    models = result["perceptrons"]
    for name in ("AND", "OR", "NAND"):
        assert models[name].converged_epoch_ is not None
        assert f"{name:<5} no errors in epoch {models[name].converged_epoch_}" in out
    xor = models["XOR"]
    assert xor.converged_epoch_ is None and min(xor.errors_) > 0 and len(xor.errors_) == 30
    assert "never converges" in out
    assert (result["xor_network_outputs"] > 0.5).astype(int).tolist() == [0, 1, 1, 0]
    _assert_pngs(result["files"], tmp_path, ["perceptron_boundaries.png", "perceptron_errors.png",
                                             "xor_two_layer.png"])


EXPECTED_FORWARD = {
    "a1": [0.3, 0.7, 1.1], "z1": [0.57444252, 0.66818777, 0.75026011], "a2": [0.51615984, 1.21402696],
    "z2": [0.62624937, 0.77101070], "a3": [0.31682708, 0.69627909], "y": [0.31682708, 0.69627909],
}


def test_forward_pass(tmp_path, capsys):
    result, out = _run("forward_pass", tmp_path, capsys)
    for way in ("numpy", "layers", "autograd"):
        for name, value in EXPECTED_FORWARD.items():
            np.testing.assert_allclose(result[way][name], value, atol=5e-9, err_msg=f"{way} {name}")
    assert out.count("y  = [0.31682708, 0.69627909]") == 3
    assert "output y = [0.31682708, 0.69627909]" in out
    np.testing.assert_allclose(result["softmax"], [0.01821127, 0.24519181, 0.73659691], atol=5e-9)
    np.testing.assert_allclose(result["softmax_gradwork"], result["softmax"], rtol=1e-12)
    assert "NumPy    = [0.01821127, 0.24519181, 0.73659691]" in out
    assert "nan" not in out
    _assert_pngs(result["files"], tmp_path, ["forward_pass_network.png"])


def test_forward_pass_autograd_gradient_is_right():
    """The example's one backward pass (d y1 / d W1) against central differences."""
    import gradwork as gw

    module = _load("forward_pass")
    network = module.init_network()
    _, grad_w1 = module.forward_autograd(network, module.X)
    numeric = gw.numerical_gradient(lambda _: module.forward_numpy(network, module.X)["y"][0], network["W1"])
    np.testing.assert_allclose(grad_w1, numeric, rtol=1e-6, atol=1e-10)


def test_backprop_by_hand(tmp_path, capsys):
    result, out = _run("backprop_by_hand", tmp_path, capsys, "--quick")
    assert result["loss"] == pytest.approx(0.11355523, abs=5e-9)
    np.testing.assert_allclose(result["deltas"]["delta2"], [[-0.15057888]], atol=5e-9)
    np.testing.assert_allclose(result["deltas"]["delta1"], [[-0.02576718, 0.01001558, -0.01410697]],
                               atol=5e-9)
    np.testing.assert_allclose(result["grads"]["W2"].ravel(), [-0.08649891, -0.10061497, -0.11297332],
                               atol=5e-9)
    for k, (vs_autograd, vs_numerical) in result["differences"].items():
        assert vs_autograd < 1e-12, k
        assert vs_numerical < 1e-8, k
    for label in ("delta2", "delta1", "dL/dW1", "dL/db2", "vs autograd", "vs numerical"):
        assert label in out
    assert "delta2      [-0.15057888]" in out
    np.testing.assert_allclose(result["xor_losses"], result["xor_autograd_losses"], rtol=1e-10)
    assert len(result["xor_losses"]) == 200 and result["xor_losses"][-1] < result["xor_losses"][0]
    _assert_pngs(result["files"], tmp_path, ["backprop_network.png", "backprop_training.png"])


def test_computational_graph(tmp_path, capsys):
    result, out = _run("computational_graph", tmp_path, capsys)
    for line in ("price: 715", "d price / d apple: 2.2", "d price / d apple_num: 110",
                 "d price / d orange: 3.3", "d price / d orange_num: 165", "d price / d tax: 650"):
        assert line + "\n" in out
    assert result["values"]["price"] == pytest.approx(715.0)
    expected = {"apple": 2.2, "apple_num": 110.0, "orange": 3.3, "orange_num": 165.0, "tax": 650.0}
    assert {k: result["grads"][k] for k in expected} == pytest.approx(expected)
    assert set(result["node_checks"]) == {"MulLayer", "AddLayer", "ReluLayer", "SigmoidLayer", "AffineLayer",
                                          "SoftmaxWithLoss"}
    assert max(max(v) for v in result["node_checks"].values()) < 1e-12
    assert all(a < 1e-12 and n < 1e-7 for a, n in result["net_checks"].values())
    _assert_pngs(result["files"], tmp_path, ["shopping_graph.png"])


def test_examples_run_as_scripts_without_plots(tmp_path):
    for name in ("forward_pass", "computational_graph"):
        command = [sys.executable, str(EXAMPLES / f"{name}.py"), "--no-plots", "--out", str(tmp_path)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "wrote" not in done.stdout
    assert not list(tmp_path.iterdir())
