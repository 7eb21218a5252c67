"""Image resampling kernels (`gradwork.ops.nn.image`) and `F.interpolate`.

`F.interpolate` against `torch.nn.functional.interpolate` (inputs permuted to channels first) in
float64, forward and backward, for "nearest", "nearest-exact" and "bilinear" with align_corners
False and True, by size and by scale factor, up and down. Keras's resize (pixel centres aligned,
no antialiasing) is the kernel's "half_pixel" form: bilinear equals torch's align_corners=False and
nearest equals torch's "nearest-exact" (floor((i + 1/2) * scale)), not torch's "nearest"
(floor(i * scale)); also checked against Pillow where Pillow computes the same thing (bilinear
upsampling, nearest). `affine_transform` is checked against Keras's NumPy backend's recipe: SciPy's
`map_coordinates` on the image padded by NumPy's matching mode, one image and channel at a time.
Gradients: first and second order in float64 for both kernels, every fill mode.
"""
import numpy as np
import pytest

import gradwork as gw
from gradwork.nn import functional as F
from gradwork.ops.nn import image as im

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone


def _x(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape)


CASES = {  # id: (input (N, H, W, C), interpolate keyword arguments)
    "up_size": ((2, 4, 5, 3), {"size": (9, 7)}),
    "down_size": ((2, 9, 8, 2), {"size": (4, 3)}),
    "mixed_size": ((1, 6, 5, 2), {"size": (3, 11)}),
    "int_size": ((1, 5, 6, 1), {"size": 8}),
    "scale_2": ((2, 3, 4, 2), {"scale_factor": 2}),
    "scale_0.6_0.75": ((1, 10, 8, 2), {"scale_factor": (0.6, 0.75)}),
    "scale_1.7_recomputed": ((1, 5, 6, 2), {"scale_factor": 1.7, "recompute_scale_factor": True}),
    "scale_1.7": ((1, 5, 6, 2), {"scale_factor": 1.7}),
}
MODES = {"nearest": {"mode": "nearest"}, "nearest-exact": {"mode": "nearest-exact"},
         "bilinear": {"mode": "bilinear"}, "bilinear_align_corners": {"mode": "bilinear", "align_corners": True},
         "bilinear_not_aligned": {"mode": "bilinear", "align_corners": False}}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES)
def test_interpolate_matches_torch_forward_and_backward_in_float64(case, mode):
    shape, kwargs = CASES[case]
    kwargs = {**kwargs, **MODES[mode]}
    x = _x(shape)
    ours = gw.tensor(x, requires_grad=True)
    out = F.interpolate(ours, **kwargs)
    theirs = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    expected = torch.nn.functional.interpolate(theirs, **kwargs)
    np.testing.assert_allclose(out.data, expected.detach().numpy().transpose(0, 2, 3, 1), rtol=0, atol=1e-12)
    weights = _x(out.shape, seed=1)
    (out * weights).sum().backward()
    (expected * torch.tensor(weights.transpose(0, 3, 1, 2))).sum().backward()
    np.testing.assert_allclose(ours.grad, theirs.grad.numpy().transpose(0, 2, 3, 1), rtol=0, atol=1e-12)


@pytest.mark.parametrize("sizes", [((4, 5), (9, 7)), ((9, 8), (4, 3)), ((7, 7), (5, 10))], ids=str)
def test_keras_resize_is_torch_bilinear_unaligned_and_nearest_exact_not_nearest(sizes):
    (h, w), size = sizes
    x = _x((2, h, w, 3))
    t = torch.tensor(x.transpose(0, 3, 1, 2))

    def torch_resize(**kwargs):
        return torch.nn.functional.interpolate(t, size=size, **kwargs).numpy().transpose(0, 2, 3, 1)

    np.testing.assert_allclose(im.resize(x, size, "bilinear").data,
                               torch_resize(mode="bilinear", align_corners=False, antialias=False), atol=1e-12)
    nearest = im.resize(x, size, "nearest").data
    np.testing.assert_array_equal(nearest, torch_resize(mode="nearest-exact"))
    assert not np.array_equal(nearest, torch_resize(mode="nearest"))      # torch's legacy rule differs


def test_keras_nearest_picks_the_pixel_whose_centre_is_nearest():
    # 4 -> 3 pixels: output centres at 2/3, 2, 10/3 input pixels -> pixels 0, 2, 3 (torch "nearest": 0, 1, 2)
    x = np.arange(4.0).reshape(1, 4, 1)
    np.testing.assert_array_equal(im.resize(x, (1, 3), "nearest").data.ravel(), [0, 2, 3])
    np.testing.assert_array_equal(im.resize(x, (1, 3), "nearest", "asymmetric").data.ravel(), [0, 1, 2])


# no ties: (2i + 1) * scale / 2 is never whole. Pillow's bilinear downsampling widens its filter
# (antialiasing), which Keras's default does not: not compared.
@pytest.mark.parametrize("interpolation, size", [("bilinear", (10, 13)), ("nearest", (10, 13)), ("nearest", (4, 3))],
                         ids=["bilinear_up", "nearest_up", "nearest_down"])
def test_resize_matches_pillow_where_pillow_has_no_antialiasing(interpolation, size):
    Image = pytest.importorskip("PIL.Image")
    x = _x((6, 5)).astype(np.float32)
    method = {"bilinear": Image.Resampling.BILINEAR, "nearest": Image.Resampling.NEAREST}[interpolation]
    expected = np.asarray(Image.fromarray(x, mode="F").resize(size[::-1], method))
    np.testing.assert_allclose(im.resize(x[:, :, None], size, interpolation).data[:, :, 0], expected, atol=1e-5)


def _keras_numpy_affine(images, transforms, order, fill_mode, fill_value):
    """Keras's NumPy backend's recipe, one image and channel at a time: the input coordinates of
    every output pixel, the image padded past them by NumPy's matching mode, then SciPy."""
    ndimage = pytest.importorskip("scipy.ndimage")
    pad_mode = {"constant": "constant", "nearest": "edge", "reflect": "symmetric", "wrap": "wrap"}[fill_mode]
    out = np.empty_like(images)
    n, h, w, c = images.shape
    ys, xs = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    for k in range(n):
        a0, a1, a2, b0, b1, b2 = transforms[k, :6]
        rows, cols = b0 * xs + b1 * ys + b2, a0 * xs + a1 * ys + a2
        before = [max(-int(np.floor(v.min())) + 1, 0) for v in (rows, cols)]
        after = [max(int(np.ceil(v.max())) + 1 - size, 0) for v, size in ((rows, h), (cols, w))]
        for ch in range(c):
            widths = list(zip(before, after))
            kwargs = {"constant_values": fill_value} if fill_mode == "constant" else {}
            padded = np.pad(images[k, :, :, ch], widths, mode=pad_mode, **kwargs)
            out[k, :, :, ch] = ndimage.map_coordinates(padded, [rows + before[0], cols + before[1]], order=order,
                                                       mode="grid-wrap" if fill_mode == "wrap" else fill_mode,
                                                       cval=fill_value)
    return out


def _transforms(n, h, w, seed=0):
    """Rotations by uneven angles with zooms and shifts: positions fall between pixels and outside."""
    rng = np.random.default_rng(seed)
    angle, zoom = rng.uniform(-2, 2, n), rng.uniform(0.6, 1.6, n)
    cos, sin = np.cos(angle) * zoom, np.sin(angle) * zoom
    shift_x, shift_y = rng.uniform(-3, 3, n), rng.uniform(-3, 3, n)
    x_off = ((w - 1) - (cos * (w - 1) - sin * (h - 1))) / 2 + shift_x
    y_off = ((h - 1) - (sin * (w - 1) + cos * (h - 1))) / 2 + shift_y
    return np.stack([cos, -sin, x_off, sin, cos, y_off, 0 * cos, 0 * cos], axis=1)


@pytest.mark.parametrize("fill_mode", im.FILL_MODES)
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_affine_transform_matches_keras_numpy_backend_recipe(interpolation, fill_mode):
    x = _x((4, 7, 6, 2))
    t = _transforms(4, 7, 6)
    out = im.affine_transform(x, t, interpolation, fill_mode, fill_value=0.5).data
    expected = _keras_numpy_affine(x, t, {"bilinear": 1, "nearest": 0}[interpolation], fill_mode, 0.5)
    np.testing.assert_allclose(out, expected, atol=1e-12)


def test_affine_transform_by_90_degrees_is_rot90_and_identity_is_identity():
    x = _x((5, 5, 3))
    quarter = [0, -1, 4, 1, 0, 0, 0, 0]                    # cos 0, sin 1 about the centre (2, 2)
    for interpolation in ("nearest", "bilinear"):
        np.testing.assert_allclose(im.affine_transform(x, quarter, interpolation).data, np.rot90(x), atol=1e-12)
        np.testing.assert_array_equal(im.affine_transform(x, [1, 0, 0, 0, 1, 0, 0, 0], interpolation).data, x)
    shifted = im.affine_transform(x, [1, 0, 0, 0, 1, -1, 0, 0], "nearest", "constant", 9.0).data
    np.testing.assert_array_equal(shifted[1:], x[:-1])     # reads one row up: content moves down
    np.testing.assert_array_equal(shifted[0], 9.0)


@pytest.mark.parametrize("fill_mode", im.FILL_MODES)
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_affine_transform_gradcheck_and_gradgradcheck(interpolation, fill_mode):
    t = _transforms(2, 5, 4, seed=3)

    def fn(x):
        return im.affine_transform(x, t, interpolation, fill_mode, fill_value=0.7)

    assert gw.gradcheck(fn, (gw.tensor(_x((2, 5, 4, 2)), requires_grad=True),))
    assert gw.gradgradcheck(fn, (gw.tensor(_x((2, 5, 4, 2)), requires_grad=True),))


@pytest.mark.parametrize("coordinates", ["half_pixel", "align_corners"])
@pytest.mark.parametrize("size", [(7, 9), (2, 3)], ids=["up", "down"])
def test_bilinear_resize_gradcheck_and_gradgradcheck(size, coordinates):
    def fn(x):
        return im.resize(x, size, "bilinear", coordinates)

    assert gw.gradcheck(fn, (gw.tensor(_x((2, 4, 5, 2)), requires_grad=True),))
    assert gw.gradgradcheck(fn, (gw.tensor(_x((2, 4, 5, 2)), requires_grad=True),))
    assert gw.gradcheck(lambda x: im.resize(x, size, "nearest"), (gw.tensor(_x((4, 5, 2)), requires_grad=True),))


def test_float32_stays_float32():
    x = _x((1, 4, 4, 1)).astype(np.float32)
    assert F.interpolate(x, size=6, mode="bilinear").dtype == np.float32
    assert im.affine_transform(x, [1, 0, 0.5, 0, 1, 0, 0, 0]).dtype == np.float32


@pytest.mark.parametrize("call, error, pattern", [
    (lambda: F.interpolate(np.zeros((1, 4, 4, 1)), size=2, mode="bicubic"), ValueError, "mode must be one of"),
    (lambda: F.interpolate(np.zeros((4, 4, 1)), size=2), ValueError, r"shape \(N, H, W, C\)"),
    (lambda: F.interpolate(np.zeros((1, 4, 4, 1)), size=2, align_corners=True), ValueError, "align_corners"),
    (lambda: F.interpolate(np.zeros((1, 4, 4, 1))), ValueError, "exactly one of size and scale_factor"),
    (lambda: F.interpolate(np.zeros((1, 4, 4, 1)), size=2, scale_factor=2), ValueError, "exactly one"),
    (lambda: F.interpolate(np.zeros((1, 4, 4, 1)), scale_factor=-1), ValueError, "positive"),
    (lambda: F.interpolate(np.zeros((1, 4, 4, 1)), size=(2, 2, 2)), ValueError, "one per spatial axis"),
    (lambda: F.interpolate(np.zeros((1, 4, 4, 1)), scale_factor=0.1), ValueError, "at least 1 x 1"),
    (lambda: im.resize(np.zeros((4, 4, 1)), (2, 2), "area"), ValueError, "interpolation must be one of"),
    (lambda: im.resize(np.zeros((4, 4, 1)), (2, 2), "nearest", "align_corners"), ValueError, "coordinates"),
    (lambda: im.resize(np.zeros((4, 4, 1), np.uint8), (2, 2)), TypeError, "floating-point"),
    (lambda: im.affine_transform(np.zeros((2, 4, 4, 1)), np.zeros((3, 8))), ValueError, r"\(2, 8\)"),
    (lambda: im.affine_transform(np.zeros((4, 4, 1)), np.zeros(8), fill_mode="mirror"), ValueError, "fill_mode"),
])
def test_bad_arguments_are_clear_errors(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_interpolate_docstring_example_holds():
    import doctest
    runner = doctest.DocTestRunner()
    for test in doctest.DocTestFinder().find(F.interpolate, globs={"np": np, "F": F}):
        runner.run(test)
    assert runner.failures == 0 and runner.tries == 2
