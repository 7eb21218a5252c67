"""gradwork.plot.activations: activations and their autograd derivatives (checked against the
formulas), the softmax Jacobian, and the histogram and per-layer figures written as real PNGs."""
import math

import numpy as np
import pytest

import gradwork as gw
from gradwork.plot.activations import (
    get_activation, plot_activation_histograms, plot_activations, plot_per_layer, softmax_jacobian,
    value_and_derivative,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
X = np.array([-3.0, -1.0, -0.25, 0.5, 1.0, 2.5])


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _phi(x):
    return np.exp(-x ** 2 / 2) / math.sqrt(2 * math.pi)


DERIVATIVES = {
    "sigmoid": lambda x: _sigmoid(x) * (1 - _sigmoid(x)),
    "tanh": lambda x: 1 - np.tanh(x) ** 2,
    "relu": lambda x: (x > 0).astype(float),
    "leaky_relu": lambda x: np.where(x > 0, 1.0, 0.2),               # Keras's slope
    "elu": lambda x: np.where(x > 0, 1.0, np.exp(x)),
    "selu": lambda x: 1.0507009873554805 * np.where(x > 0, 1.0, 1.6732632423543772 * np.exp(x)),
    "swish": lambda x: _sigmoid(x) * (1 + x * (1 - _sigmoid(x))),
    "gelu": lambda x: 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2))) + x * _phi(x),
    "softplus": _sigmoid,
}


@pytest.mark.parametrize("name", sorted(DERIVATIVES))
def test_derivative_from_autograd_matches_the_formula(name):
    label, fn = get_activation(name)
    values, slopes = value_and_derivative(fn, X)
    assert label == name and values.shape == slopes.shape == X.shape
    assert slopes.dtype == np.float64
    np.testing.assert_allclose(slopes, DERIVATIVES[name](X), rtol=1e-10, atol=1e-12)


def test_step_has_values_and_a_zero_derivative():
    label, fn = get_activation("step")
    values, slopes = value_and_derivative(fn, X)
    assert label == "step"
    assert np.array_equal(values, (X > 0).astype(float)) and not slopes.any()


def test_get_activation_forms():
    fn = lambda t: t * 2  # noqa: E731
    assert get_activation(("double", fn)) == ("double", fn)
    assert get_activation(gw.activations.relu)[0] == "relu"
    with pytest.raises(ValueError, match="unknown activation"):
        get_activation("not_an_activation")


def test_softmax_jacobian_is_diag_p_minus_outer():
    z = np.array([0.3, 2.9, 4.0])
    p = np.exp(z) / np.exp(z).sum()
    np.testing.assert_allclose(softmax_jacobian(z), np.diag(p) - np.outer(p, p), rtol=1e-10, atol=1e-14)


def _assert_png(path):
    from matplotlib import image

    assert open(path, "rb").read(8) == PNG_SIGNATURE
    pixels = image.imread(path)
    assert pixels.ndim == 3 and min(pixels.shape[:2]) > 200 and pixels[..., :3].std() > 0.03


def test_plot_activations(tmp_path):
    pytest.importorskip("matplotlib")
    names = ["step", "sigmoid", "relu", ("cube", lambda t: t * t * t), "softmax"]
    _assert_png(plot_activations(names, tmp_path / "act.png", x=np.linspace(-2, 2, 41), columns=3))
    with pytest.raises(ValueError):
        plot_activations([], tmp_path / "none.png")


def test_plot_activation_histograms(tmp_path):
    pytest.importorskip("matplotlib")
    rng = np.random.default_rng(0)
    rows = {"narrow": [rng.normal(0.5, 0.01, 500) for _ in range(3)],
            "wide": [rng.random((50, 10)) for _ in range(2)]}                 # rows may differ in length
    notes = {"narrow": ["a", "b", "c"]}
    _assert_png(plot_activation_histograms(rows, tmp_path / "h.png", notes=notes, title="t"))
    _assert_png(plot_activation_histograms(rows, tmp_path / "h01.png", value_range=(0, 1), bins=10))
    _assert_png(plot_activation_histograms({"constant": [np.zeros(10)]}, tmp_path / "const.png"))
    with pytest.raises(ValueError):
        plot_activation_histograms({}, tmp_path / "none.png")


def test_plot_per_layer(tmp_path):
    pytest.importorskip("matplotlib")
    values = {"sigmoid": 0.25 ** np.arange(10)[::-1], "relu": np.ones(10)}
    _assert_png(plot_per_layer(values, tmp_path / "norms.png", title="norms"))
    _assert_png(plot_per_layer({"dead": [0, 3, 10]}, tmp_path / "dead.png", ylabel="dead units", logy=False))
    with pytest.raises(ValueError):
        plot_per_layer({}, tmp_path / "none.png")
