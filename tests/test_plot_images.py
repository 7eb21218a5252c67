"""gradwork.plot.images: image shapes, the shared grey scale, image grids and reconstruction figures."""
import numpy as np
import pytest

import gradwork as gw

pytest.importorskip("matplotlib")
from gradwork.plot import images  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _read_png(path):
    image = pytest.importorskip("matplotlib.image")
    assert open(path, "rb").read(8) == PNG_SIGNATURE
    pixels = image.imread(path)
    assert pixels.ndim == 3 and pixels[..., :3].std() > 0.05
    return pixels


@pytest.mark.parametrize("shape, image_shape, expected", [
    ((5, 784), None, (5, 28, 28)),
    ((5, 28, 28), None, (5, 28, 28)),
    ((5, 28, 28, 1), None, (5, 28, 28)),
    ((5, 8, 8, 3), None, (5, 8, 8, 3)),
    ((5, 6), (2, 3), (5, 2, 3)),
    ((5, 48), (4, 4, 3), (5, 4, 4, 3)),
])
def test_as_images_shapes(shape, image_shape, expected):
    assert images.as_images(np.zeros(shape), image_shape).shape == expected


def test_as_images_rejects_what_it_cannot_draw():
    with pytest.raises(ValueError, match="image_shape"):
        images.as_images(np.zeros((2, 10)))
    with pytest.raises(ValueError, match="expected images"):
        images.as_images(np.zeros((2, 4, 4, 2)))
    assert images.as_images(gw.tensor(np.ones((2, 4)))).shape == (2, 2, 2)      # Tensors too


def test_grey_range_is_shared_and_follows_the_values():
    assert images.grey_range(np.array([0.0, 0.5]), np.array([0.2, 1.0])) == (0.0, 1.0)
    assert images.grey_range(np.array([0, 200], dtype=np.uint8)) == (0.0, 255.0)
    assert images.grey_range(np.array([-2.0, 1.0]), np.array([3.0])) == (-2.0, 3.0)
    assert images.grey_range(np.array([5.0, 5.0])) == (0.0, 255.0)
    assert images.grey_range(np.array([-3.0, -3.0])) == (-3.0, -2.0)                # never an empty range


def test_plot_image_grid(tmp_path):
    (x, y), _ = gw.datasets.fashion_mnist.load_data(subset="mini")
    names = [gw.datasets.fashion_mnist.class_names[k] for k in y[:12]]
    one_row = _read_png(images.plot_image_grid(x[:6], tmp_path / "row.png", columns=6))
    titled = _read_png(images.plot_image_grid(x[:12], tmp_path / "grid.png", titles=names, columns=6,
                                              suptitle="twelve"))
    assert titled.shape[0] > 1.8 * one_row.shape[0]                   # two rows of images plus titles
    flat = _read_png(images.plot_image_grid(x[:6].reshape(6, -1) / 255.0, tmp_path / "flat.png", columns=6))
    assert flat.shape == one_row.shape and np.allclose(flat, one_row, atol=0.01)   # same scale after /255
    _read_png(images.plot_image_grid(np.random.default_rng(0).random((4, 10, 10, 3)), tmp_path / "rgb.png"))
    with pytest.raises(ValueError, match="titles"):
        images.plot_image_grid(x[:3], tmp_path / "bad.png", titles=["a"])
    with pytest.raises(ValueError, match="at least one"):
        images.plot_image_grid(np.zeros((0, 28, 28)), tmp_path / "none.png")


def test_plot_reconstructions_rows_and_errors(tmp_path):
    (x, _), _ = gw.datasets.fashion_mnist.load_data(subset="mini")
    originals = x[:8].reshape(8, -1) / 255.0
    blurred = 0.5 * originals + 0.25
    single = _read_png(images.plot_reconstructions(originals, blurred, tmp_path / "one.png"))
    double = _read_png(images.plot_reconstructions(originals, {"blurred": blurred, "same": originals},
                                                   tmp_path / "two.png", titles=list("abcdefgh")))
    assert double.shape[0] > 1.3 * single.shape[0]                     # one more row of images
    as_pairs = images.plot_reconstructions(originals, [("reconstructed", blurred)], tmp_path / "pairs.png")
    assert np.array_equal(_read_png(as_pairs), single)                 # the default row label
    with pytest.raises(ValueError, match="shape"):
        images.plot_reconstructions(originals, blurred[:5], tmp_path / "bad.png")
    with pytest.raises(ValueError, match="titles"):
        images.plot_reconstructions(originals, blurred, tmp_path / "bad.png", titles=["a"])


def test_plot_reconstructions_shares_one_grey_scale(tmp_path):
    """A faint copy must look faint: the reconstruction row is not stretched to full contrast."""
    originals = np.zeros((4, 8, 8))
    originals[:, 2:6, 2:6] = 1.0
    faint = originals * 0.2
    path = images.plot_reconstructions(originals, faint, tmp_path / "faint.png", show_error=False)
    pixels = _read_png(path)
    grey = pixels[..., :3].mean(axis=-1)
    assert grey.max() > 0.95                                           # the originals' white squares
    # the faint squares are drawn at about 0.2 grey: find pixels of that level
    assert ((grey > 0.15) & (grey < 0.25)).sum() > 50
