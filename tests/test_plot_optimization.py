"""gradwork.plot.optimization: optimizer paths on contour plots (and on curves), loss curves, and
gradient fields are written as real PNGs, and bad inputs fail with clear errors."""
import numpy as np
import pytest

pytest.importorskip("matplotlib")

from gradwork.plot.optimization import (  # noqa: E402
    _contour_levels, _moving_average, plot_gradient_field, plot_loss_curves, plot_optimizer_paths,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _assert_png(path, min_side=200):
    from matplotlib import image

    assert open(path, "rb").read(8) == PNG_SIGNATURE
    pixels = image.imread(path)
    assert pixels.ndim == 3 and min(pixels.shape[:2]) > min_side
    assert pixels[..., :3].std() > 0.03


def bowl(x, y):
    return x ** 2 / 20 + y ** 2


def _descent(start, lr, steps):
    p = np.array(start, dtype=float)
    path = [p.copy()]
    for _ in range(steps):
        p = p - lr * np.array([p[0] / 10, 2 * p[1]])
        path.append(p)
    return np.array(path)


def test_paths_one_panel_each(tmp_path):
    paths = {"lr 0.9": _descent((-7, 2), 0.9, 20), "lr 0.1": _descent((-7, 2), 0.1, 20),
             "lr 0.5": _descent((-7, 2), 0.5, 20), "lr 0.3": _descent((-7, 2), 0.3, 20)}
    out = plot_optimizer_paths(bowl, paths, tmp_path / "paths.png", minimum=(0, 0), columns=2, title="bowl")
    assert out == tmp_path / "paths.png"
    _assert_png(out)


def test_paths_overlaid_with_log_levels_and_equal_aspect(tmp_path):
    rosen = lambda x, y: (1 - x) ** 2 + 100 * (y - x ** 2) ** 2  # noqa: E731
    paths = {"a": [[-1.5, 2.0], [-1.0, 1.0], [0.0, 0.0]], "b": np.array([[-1.5, 2.0], [1.0, 1.0]])}
    _assert_png(plot_optimizer_paths(rosen, paths, tmp_path / "rosen.png", overlay=True, log_levels=True,
                                     xlim=(-2, 2), ylim=(-1, 3), aspect="equal", minimum=(1, 1)))


def test_paths_in_one_dimension(tmp_path):
    x = [5.0]
    for _ in range(15):
        x.append(x[-1] - 0.3 * 2 * x[-1])
    _assert_png(plot_optimizer_paths(lambda v: v ** 2, {"SGD": x, "same, as column": np.array(x)[:, None]},
                                     tmp_path / "parabola.png", minimum=0.0))


def test_paths_reject_bad_input(tmp_path):
    with pytest.raises(ValueError, match="at least one"):
        plot_optimizer_paths(bowl, {}, tmp_path / "x.png")
    with pytest.raises(ValueError, match="shape"):
        plot_optimizer_paths(bowl, {"3-D": np.zeros((4, 3))}, tmp_path / "x.png")
    with pytest.raises(ValueError, match="same dimension"):
        plot_optimizer_paths(bowl, {"a": np.zeros((4, 2)), "b": np.zeros(4)}, tmp_path / "x.png")


def test_contour_levels():
    z = np.array([[0.01, 1.0], [10.0, 1000.0]])
    assert np.allclose(_contour_levels(z, 5, True), np.logspace(-2, 3, 5))
    linear = _contour_levels(z, 3, False)
    assert len(linear) == 3 and z.min() < linear.min() and linear.max() < z.max()
    assert np.array_equal(_contour_levels(z, [3, 1, 2], False), [1, 2, 3])


def test_moving_average():
    assert np.allclose(_moving_average(np.array([1.0, 3.0, 5.0, 7.0]), 2), [1.0, 2.0, 4.0, 6.0])
    assert np.allclose(_moving_average(np.arange(5.0), 1), np.arange(5.0))


def test_loss_curves(tmp_path):
    rng = np.random.default_rng(0)
    noisy = np.exp(-np.arange(200) / 50) + 0.05 * rng.random(200)
    _assert_png(plot_loss_curves({"a": noisy, "b": list(noisy * 0.5)}, tmp_path / "smooth.png", smooth=10,
                                 logy=True, title="t"))
    epochs = np.arange(1, 11)
    _assert_png(plot_loss_curves({"a": (epochs, 1 / epochs), "b": (epochs, 2 / epochs)},
                                 tmp_path / "epochs.png", xlabel="epoch", ylabel="accuracy"))
    with pytest.raises(ValueError):
        plot_loss_curves({}, tmp_path / "none.png")


def test_gradient_field_calls_grad_on_points(tmp_path):
    seen = []

    def grad(p):
        seen.append(p.shape)
        return 2 * p

    _assert_png(plot_gradient_field(grad, tmp_path / "field.png", points=7, f=lambda x, y: x ** 2 + y ** 2,
                                    title="field"))
    assert len(seen) == 49 and set(seen) == {(2,)}
