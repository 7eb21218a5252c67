"""gradwork.plot.boundaries: reading a classifier's outputs as classes, the prediction grid, and the
decision-map and embedding figures."""
import numpy as np
import pytest

import gradwork as gw
from gradwork.nn import Dense, Input

pytest.importorskip("matplotlib")
from gradwork.plot import boundaries  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _right_half(x):
    """A 'classifier' as a plain function: class 1 where x1 > 0."""
    return (np.asarray(x)[:, 0] > 0).astype(np.int64)


def _assert_png(path):
    image = pytest.importorskip("matplotlib.image")
    assert open(path, "rb").read(8) == PNG_SIGNATURE
    pixels = image.imread(path)
    assert pixels.ndim == 3 and min(pixels.shape[:2]) > 150 and pixels[..., :3].std() > 0.05
    return pixels


@pytest.mark.parametrize("outputs, expected", [
    (np.array([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]]), [1, 0]),           # probabilities: argmax
    (np.array([[-3.0, 2.0], [4.0, -1.0]]), [1, 0]),                    # logits: argmax
    (np.array([[0.2], [0.9]]), [0, 1]),                                # one sigmoid column
    (np.array([0.6, 0.4]), [1, 0]),                                    # flat probabilities
    (np.array([2, 0]), [2, 0]),                                        # labels already
    (np.array([True, False]), [1, 0]),
])
def test_predict_classes_reads_each_output_convention(outputs, expected):
    got = boundaries.predict_classes(lambda x: outputs, np.zeros((2, 2)))
    assert got.dtype == np.int64 and got.tolist() == expected


def test_predict_classes_threshold_tensor_output_and_errors():
    logits = lambda x: gw.tensor(np.array([[-0.5], [0.25]], dtype=np.float32))
    assert boundaries.predict_classes(logits, np.zeros((2, 2)), threshold=0.0).tolist() == [0, 1]
    assert boundaries.predict_classes(logits, np.zeros((2, 2))).tolist() == [0, 0]
    with pytest.raises(ValueError, match="3 outputs for 2 inputs"):
        boundaries.predict_classes(lambda x: np.zeros(3), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="shape"):
        boundaries.predict_classes(lambda x: np.zeros((2, 2, 2)), np.zeros((2, 2)))
    with pytest.raises(TypeError):
        boundaries.predict_classes(42, np.zeros((2, 2)))


def test_predict_classes_uses_a_models_predict():
    gw.random.seed(0)
    model = gw.Sequential([Input(shape=(2,)), Dense(3, activation="softmax")])
    x = np.random.default_rng(0).normal(size=(5, 2)).astype(np.float32)
    expected = model.predict(x, verbose=0).argmax(axis=1)
    assert boundaries.predict_classes(model, x).tolist() == expected.tolist()


def test_decision_grid_covers_the_points_with_a_margin():
    x = np.array([[0.0, -1.0], [2.0, 3.0]], dtype=np.float32)
    xx, yy, classes = boundaries.decision_grid(_right_half, x, resolution=21, margin=0.1)
    assert xx.shape == yy.shape == classes.shape == (21, 21)
    assert (xx.min(), xx.max()) == pytest.approx((-0.2, 2.2), abs=1e-6)
    assert (yy.min(), yy.max()) == pytest.approx((-1.4, 3.4), abs=1e-6)
    assert np.array_equal(classes, (xx > 0).astype(np.int64))
    # all points on one line: the flat axis still gets a non-empty range
    xx, yy, _ = boundaries.decision_grid(_right_half, np.array([[0.0, 1.0], [1.0, 1.0]]), resolution=5)
    assert yy.max() > yy.min()


@pytest.mark.parametrize("bad", [np.zeros((4, 3)), np.zeros(4), np.zeros((4, 2, 1))])
def test_points_must_be_two_dimensional(bad, tmp_path):
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        boundaries.plot_decision_boundary(_right_half, bad, None, tmp_path / "x.png")


def test_draw_decision_boundary_returns_the_accuracy_and_accepts_one_hot_labels():
    plt = pytest.importorskip("matplotlib.pyplot")
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, size=(40, 2))
    y = _right_half(x)
    y[:4] = 1 - y[:4]                                                  # 4 of 40 wrong
    fig, ax = plt.subplots()
    assert boundaries.draw_decision_boundary(ax, _right_half, x, y, resolution=30) == pytest.approx(0.9)
    assert "accuracy 0.900" in ax.get_title()
    one_hot = np.eye(2)[y]
    assert boundaries.draw_decision_boundary(ax, _right_half, x, one_hot, resolution=30) == pytest.approx(0.9)
    assert boundaries.draw_decision_boundary(ax, _right_half, x, None, resolution=30) is None
    with pytest.raises(ValueError, match="labels"):
        boundaries.draw_decision_boundary(ax, _right_half, x, y[:10])
    plt.close(fig)


def test_plot_decision_boundary_colours_each_side(tmp_path):
    x = np.array([[-1.0, 0.0], [1.0, 0.0], [-0.5, 1.0], [0.5, -1.0]])
    path = boundaries.plot_decision_boundary(_right_half, x, _right_half(x), tmp_path / "map.png",
                                             class_names=["left", "right"])
    pixels = _assert_png(path)[..., :3]
    # the two regions are painted in the class colours (tab:blue, tab:orange at alpha 0.3 on white)
    blue, orange = (np.array([0.12, 0.47, 0.71]), np.array([1.0, 0.5, 0.05]))
    for colour in (blue, orange):
        tint = 0.3 * colour + 0.7
        assert (np.abs(pixels - tint).max(axis=-1) < 0.03).mean() > 0.1


def test_plot_decision_boundary_with_a_model_and_three_classes(tmp_path):
    x, y = gw.datasets.blobs(60, centers=[(-3, 0), (3, 0), (0, 4)], cluster_std=0.5, seed=0)
    gw.random.seed(0)
    model = gw.Sequential([Input(shape=(2,)), Dense(3, activation="softmax")])
    model.compile(optimizer=gw.optimizers.Adam(0.1), loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=30, verbose=0)
    _assert_png(boundaries.plot_decision_boundary(model, x, y, tmp_path / "blobs.png", title="blobs"))


def test_plot_decision_boundaries_panels(tmp_path):
    x = np.random.default_rng(0).normal(size=(30, 2))
    flip = lambda p: 1 - _right_half(p)
    path = boundaries.plot_decision_boundaries(
        [(_right_half, x, _right_half(x), "right"), (flip, x, _right_half(x)), (_right_half, x, None)],
        tmp_path / "panels.png", columns=2, resolution=40)
    pixels = _assert_png(path)
    assert pixels.shape[0] > 1.5 * 300                                 # two rows of panels
    with pytest.raises(ValueError, match="at least one"):
        boundaries.plot_decision_boundaries([], tmp_path / "none.png")
    with pytest.raises(ValueError, match="each panel"):
        boundaries.plot_decision_boundaries([(_right_half, x)], tmp_path / "bad.png")


def test_plot_embedding(tmp_path):
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(4), 25)
    codes = rng.normal(size=(100, 2)) + 4 * np.stack([np.cos(labels), np.sin(labels)], axis=1)
    _assert_png(boundaries.plot_embedding(codes, labels, tmp_path / "codes.png", class_names=list("abcd"),
                                          title="codes"))
    _assert_png(boundaries.plot_embedding(codes, None, tmp_path / "plain.png"))
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        boundaries.plot_embedding(rng.normal(size=(10, 3)), None, tmp_path / "bad.png")


def test_class_colors_are_distinct():
    for n in (2, 10, 15, 30):
        colours = boundaries.class_colors(n)
        assert len(colours) == n and len({tuple(np.round(c, 4)) for c in colours}) == n
