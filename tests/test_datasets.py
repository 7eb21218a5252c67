"""gradwork.datasets: the IDX reader, the Fashion-MNIST / MNIST loaders (lookup, checks, downloads,
offline errors), the embedded mini subset and the generated toy sets. Never touches the network:
every download goes to a file:// URL or a replaced fetch function."""
import gzip
import hashlib
import io
import os
import shutil
import sys
import urllib.error
import urllib.request

import numpy as np
import pytest

import gradwork.random as gw_random
from gradwork.datasets import download as dl
from gradwork.datasets import fashion_mnist, generated, mnist
from gradwork.datasets import (
    ChecksumError, DatasetNotFoundError, IdxFormatError, read_idx, write_idx,
)
from gradwork.datasets.idx_dataset import IdxDataset, IdxFile, cache_dir, load_idx_dataset
from gradwork.datasets.make_mini import build_mini, first_per_class

DEBIAN_DIR = "/usr/share/datasets/fashion-mnist"
HAVE_DEBIAN = all(os.path.isfile(os.path.join(DEBIAN_DIR, f.name)) for f in fashion_mnist.DATASET.files)
needs_debian = pytest.mark.skipif(not HAVE_DEBIAN, reason="Debian's dataset-fashion-mnist is not installed")


@pytest.fixture(autouse=True)
def offline_home(tmp_path, monkeypatch):
    """A private HOME (so the cache is empty), no GRADWORK_DATA, and any non-file:// URL an error."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("GRADWORK_DATA", raising=False)
    real_urlopen = urllib.request.urlopen

    def guarded(request, *args, **kwargs):
        url = request.full_url if isinstance(request, urllib.request.Request) else request
        if not url.startswith("file://"):
            raise AssertionError(f"a test tried to reach the network: {url}")
        return real_urlopen(request, *args, **kwargs)

    monkeypatch.setattr(urllib.request, "urlopen", guarded)
    return home


# ---------------------------------------------------------------- IDX reader

def idx_header(code, shape):
    return bytes([0, 0, code, len(shape)]) + b"".join(int(n).to_bytes(4, "big") for n in shape)


def test_read_handcrafted_uint8(tmp_path):
    pixels = bytes(range(24))
    path = tmp_path / "tiny-idx3-ubyte"
    path.write_bytes(idx_header(0x08, (2, 3, 4)) + pixels)
    x = read_idx(path)
    assert x.shape == (2, 3, 4) and x.dtype == np.uint8
    np.testing.assert_array_equal(x.ravel(), np.arange(24))
    assert x.flags.writeable and x.flags.owndata


def test_read_handcrafted_gzip_and_sha256(tmp_path):
    raw = idx_header(0x08, (5,)) + bytes([9, 0, 0, 3, 7])
    path = tmp_path / "labels.gz"  # compression is told by the magic bytes
    path.write_bytes(gzip.compress(raw))
    y, digest = read_idx(path, return_sha256=True)
    assert y.tolist() == [9, 0, 0, 3, 7]
    assert digest == hashlib.sha256(raw).hexdigest()


def test_read_big_endian_types(tmp_path):
    path = tmp_path / "shorts"
    path.write_bytes(idx_header(0x0B, (3,)) + np.array([1, -2, 300], dtype=">i2").tobytes())
    x = read_idx(path)
    assert x.dtype == np.int16 and x.dtype.isnative and x.tolist() == [1, -2, 300]


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_write_read_round_trip(tmp_path, dtype, suffix):
    a = (np.arange(60).reshape(3, 4, 5) - 20).astype(dtype) if np.dtype(dtype).kind != "u" else \
        np.arange(60, dtype=dtype).reshape(3, 4, 5)
    path = tmp_path / f"a{suffix}"
    write_idx(path, a)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == (suffix == ".gz")
    b = read_idx(path)
    assert b.dtype == a.dtype and b.shape == a.shape
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("content, message", [
    (b"\x00\x00", "magic number"),                                     # cut inside the magic
    (b"\x01\x00\x08\x01" + (1).to_bytes(4, "big") + b"\x00", "two zero bytes"),
    (b"\x00\x00\x07\x01" + (1).to_bytes(4, "big") + b"\x00", "unknown IDX element type 0x07"),
    (b"\x00\x00\x08\x00", "0 dimensions"),
    (b"\x00\x00\x08\x02" + (3).to_bytes(4, "big"), "dimension sizes"),  # header cut short
    (idx_header(0x08, (4, 2)) + bytes(5), "truncated"),
    (idx_header(0x08, (2,)) + bytes(3), "unexpected bytes after"),
])
@pytest.mark.parametrize("compress", [False, True])
def test_malformed_files_raise_clear_errors(tmp_path, content, message, compress):
    path = tmp_path / "bad"
    path.write_bytes(gzip.compress(content) if compress else content)
    with pytest.raises(IdxFormatError, match=message):
        read_idx(path)


def test_absurd_header_is_rejected_before_allocating(tmp_path):
    for name, compress in (("huge", False), ("huge.gz", True)):
        path = tmp_path / name
        data = idx_header(0x0E, (65535, 65535, 65535)) + bytes(100)
        path.write_bytes(gzip.compress(data) if compress else data)
        with pytest.raises(IdxFormatError, match="can hold at most"):
            read_idx(path)


def test_cut_off_gzip_is_an_idx_error(tmp_path):
    path = tmp_path / "cut.gz"
    path.write_bytes(gzip.compress(idx_header(0x08, (1000,)) + bytes(range(256)) * 4)[:-30])
    with pytest.raises(IdxFormatError):
        read_idx(path)


def test_write_rejects_unsupported_dtype(tmp_path):
    with pytest.raises(TypeError, match="IDX cannot store"):
        write_idx(tmp_path / "x", np.zeros(3, dtype=np.uint16))


@needs_debian
def test_real_debian_files_match_recorded_checksums():
    # the 47 MB training images are read (and checked) by test_fashion_mnist_full_from_debian
    for f in fashion_mnist.DATASET.files[1:]:
        array, digest = read_idx(os.path.join(DEBIAN_DIR, f.name), return_sha256=True)
        assert array.shape == f.shape and array.dtype == np.uint8
        assert digest == f.sha256, f.name


# ---------------------------------------------------------------- a small fake IDX dataset

def make_fake_dataset(folder, n_train=20, n_test=10, seed=0, compress=True):
    """Four tiny IDX files in `folder` and an IdxDataset spec whose checksums fit them."""
    rng = np.random.default_rng(seed)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 4, 4), dtype=np.uint8),
        "train-labels-idx1-ubyte": (np.arange(n_train) % 10).astype(np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 4, 4), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": (np.arange(n_test) % 10).astype(np.uint8),
    }
    os.makedirs(folder, exist_ok=True)
    files = []
    for stem, a in arrays.items():
        name = stem + (".gz" if compress else "")
        write_idx(os.path.join(folder, name), a, compress=compress)
        raw = a.tobytes()
        header = idx_header(0x08, a.shape)
        files.append(IdxFile(stem + ".gz", a.shape, sha256=hashlib.sha256(header + raw).hexdigest()))
    spec = IdxDataset(name="fake", title="Fake-MNIST", files=tuple(files), hint="Try the fake package.")
    return spec, list(arrays.values())


def check_loaded(loaded, arrays):
    (x_train, y_train), (x_test, y_test) = loaded
    for got, want in zip((x_train, y_train, x_test, y_test), arrays):
        np.testing.assert_array_equal(got, want)


def failing_fetch(*args, **kwargs):
    raise urllib.error.URLError("network is unreachable (test)")


def test_found_in_gradwork_data_subfolder_and_flat(tmp_path, monkeypatch):
    monkeypatch.setattr(dl, "fetch", failing_fetch)
    spec, arrays = make_fake_dataset(tmp_path / "data" / "fake")
    monkeypatch.setenv("GRADWORK_DATA", str(tmp_path / "data"))
    check_loaded(load_idx_dataset(spec), arrays)

    spec, arrays = make_fake_dataset(tmp_path / "flat", seed=1, compress=False)  # decompressed names too
    monkeypatch.setenv("GRADWORK_DATA", str(tmp_path / "flat"))
    check_loaded(load_idx_dataset(spec), arrays)


def test_found_in_cache_and_system_dirs(tmp_path, monkeypatch):
    monkeypatch.setattr(dl, "fetch", failing_fetch)
    spec, arrays = make_fake_dataset(cache_dir("fake"))
    assert cache_dir("fake").startswith(os.path.expanduser("~"))
    check_loaded(load_idx_dataset(spec), arrays)
    shutil.rmtree(cache_dir("fake"))
    spec, arrays = make_fake_dataset(tmp_path / "system", seed=2)
    check_loaded(load_idx_dataset(spec, system_dirs=[str(tmp_path / "system")]), arrays)


def test_local_checksum_mismatch_is_an_error(tmp_path, monkeypatch):
    spec, _ = make_fake_dataset(tmp_path / "src")
    make_fake_dataset(tmp_path / "data", seed=99)  # same shapes, different pixels
    monkeypatch.setenv("GRADWORK_DATA", str(tmp_path / "data"))
    with pytest.raises(ChecksumError, match="SHA-256 of the decompressed contents") as info:
        load_idx_dataset(spec)
    assert str(tmp_path / "data") in str(info.value) and "delete or replace" in str(info.value)


def test_local_wrong_shape_is_an_error(tmp_path, monkeypatch):
    spec, _ = make_fake_dataset(tmp_path / "src")
    make_fake_dataset(tmp_path / "data", n_train=21)
    monkeypatch.setenv("GRADWORK_DATA", str(tmp_path / "data"))
    with pytest.raises(ChecksumError, match="shape"):
        load_idx_dataset(spec)


def test_download_from_file_url_into_cache(tmp_path, monkeypatch):
    spec, arrays = make_fake_dataset(tmp_path / "server")
    mirrors = ["file:///nonexistent-gradwork-mirror/", (tmp_path / "server").as_uri() + "/"]
    check_loaded(load_idx_dataset(spec, mirrors, progress=False), arrays)  # first mirror fails, second works
    cached = sorted(os.listdir(cache_dir("fake")))
    assert cached == sorted(f.name for f in spec.files)  # no leftover temporary files
    monkeypatch.setattr(dl, "fetch", failing_fetch)   # second load: from the cache, no fetch
    check_loaded(load_idx_dataset(spec, mirrors), arrays)


def test_download_checksum_mismatch_leaves_nothing(tmp_path):
    make_fake_dataset(tmp_path / "server", seed=5)
    spec, _ = make_fake_dataset(tmp_path / "expected", seed=6)
    with pytest.raises(ChecksumError, match="no mirror served a valid"):
        load_idx_dataset(spec, [(tmp_path / "server").as_uri() + "/"], progress=False)
    assert os.listdir(cache_dir("fake")) == []


def test_download_checks_published_gz_sha256(tmp_path):
    spec, arrays = make_fake_dataset(tmp_path / "server")
    server = (tmp_path / "server").as_uri() + "/"
    gz = [(tmp_path / "server" / f.name).read_bytes() for f in spec.files]
    good = tuple(IdxFile(f.name, f.shape, gz_size=len(b), gz_sha256=hashlib.sha256(b).hexdigest())
                 for f, b in zip(spec.files, gz))
    check_loaded(load_idx_dataset(IdxDataset("fake", "Fake", good), [server], progress=False), arrays)
    shutil.rmtree(cache_dir("fake"))
    bad = (IdxFile(good[0].name, good[0].shape, gz_sha256="0" * 64),) + good[1:]
    with pytest.raises(ChecksumError, match="SHA-256 of the download"):
        load_idx_dataset(IdxDataset("fake", "Fake", bad), [server], progress=False)


def test_download_is_atomic_when_fetch_dies_midway(tmp_path, monkeypatch):
    spec, _ = make_fake_dataset(tmp_path / "src")

    def dying_fetch(url, out, progress=True, timeout=60):
        out.write(b"\x1f\x8b partial")
        raise ConnectionResetError("connection reset (test)")

    monkeypatch.setattr(dl, "fetch", dying_fetch)
    with pytest.raises(DatasetNotFoundError, match="connection reset"):
        load_idx_dataset(spec, ["https://example.invalid/"])
    assert os.listdir(cache_dir("fake")) == []


def test_offline_error_says_where_to_put_which_files(tmp_path, monkeypatch):
    spec, _ = make_fake_dataset(tmp_path / "src")
    monkeypatch.setattr(dl, "fetch", failing_fetch)
    with pytest.raises(DatasetNotFoundError) as info:
        load_idx_dataset(spec, ["https://example.invalid/fake/"])
    message = str(info.value)
    for f in spec.files:
        assert f.name in message
    assert cache_dir("fake") in message and "GRADWORK_DATA" in message
    assert "network is unreachable" in message and "https://example.invalid/fake/" in message
    assert "Try the fake package." in message


def test_download_false_never_fetches(tmp_path, monkeypatch):
    spec, _ = make_fake_dataset(tmp_path / "src")
    monkeypatch.setattr(dl, "fetch", lambda *a, **k: pytest.fail("fetch was called"))
    with pytest.raises(DatasetNotFoundError, match="download=False"):
        load_idx_dataset(spec, ["https://example.invalid/"], download=False)


def test_fashion_mnist_offline_error(monkeypatch):
    monkeypatch.setattr(fashion_mnist, "SYSTEM_DIRS", ())
    monkeypatch.setattr(dl, "fetch", failing_fetch)
    with pytest.raises(DatasetNotFoundError) as info:
        fashion_mnist.load_data()
    message = str(info.value)
    assert "Fashion-MNIST" in message and "apt-get install dataset-fashion-mnist" in message
    assert all(f.name in message for f in fashion_mnist.DATASET.files)
    assert cache_dir("fashion_mnist") in message


def test_mnist_offline_error(monkeypatch):
    monkeypatch.setattr(dl, "fetch", failing_fetch)
    with pytest.raises(DatasetNotFoundError, match="MNIST: could not find or download"):
        mnist.load_data()


def test_mnist_spec_sizes():
    # The decompressed size follows from each header's shape: 16 or 8 header bytes + data.
    sizes = {f.name: f.gz_size for f in mnist.DATASET.files}
    assert sizes == {"train-images-idx3-ubyte.gz": 9912422, "train-labels-idx1-ubyte.gz": 28881,
                     "t10k-images-idx3-ubyte.gz": 1648877, "t10k-labels-idx1-ubyte.gz": 4542}
    assert all(f.sha256 is None and len(f.gz_sha256) == 64 for f in mnist.DATASET.files)


@needs_debian
def test_fashion_mnist_full_from_debian():
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == y_train.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [6000] * 10 and np.bincount(y_test).tolist() == [1000] * 10
    assert y_train[:6].tolist() == [9, 0, 0, 3, 0, 2]
    # the embedded subset is exactly the official images at its recorded positions
    (mx_train, my_train), (mx_test, my_test) = fashion_mnist.load_data(subset="mini")
    train_idx, test_idx = fashion_mnist.load_mini_indices()
    np.testing.assert_array_equal(mx_train, x_train[train_idx])
    np.testing.assert_array_equal(my_train, y_train[train_idx])
    np.testing.assert_array_equal(mx_test, x_test[test_idx])
    np.testing.assert_array_equal(my_test, y_test[test_idx])
    rebuilt = build_mini(((x_train, y_train), (x_test, y_test)))
    np.testing.assert_array_equal(rebuilt["train_indices"], train_idx)


@needs_debian
def test_fashion_mnist_download_of_real_files(tmp_path, monkeypatch):
    server = tmp_path / "server"
    server.mkdir()
    for f in fashion_mnist.DATASET.files:
        os.symlink(os.path.join(DEBIAN_DIR, f.name), server / f.name)
    monkeypatch.setattr(fashion_mnist, "SYSTEM_DIRS", ())
    monkeypatch.setattr(fashion_mnist, "MIRRORS", (server.as_uri() + "/",))
    (x_train, _), (x_test, y_test) = fashion_mnist.load_data(progress=False)
    assert x_train.shape == (60000, 28, 28) and y_test.shape == (10000,)
    cached = sorted(os.listdir(cache_dir("fashion_mnist")))
    assert cached == sorted(f.name for f in fashion_mnist.DATASET.files)


# ---------------------------------------------------------------- progress bar

def test_plain_progress_bar_without_terminal():
    out = io.StringIO()
    bar = dl._PlainProgress(2_000_000, "file.gz", stream=out)
    bar.update(1_000_000)
    bar.update(1_000_000)
    bar.close()
    assert out.getvalue() == "Downloading file.gz (2.0 MB) ...\nDownloaded file.gz: 2.0 MB\n"


def test_progress_bar_falls_back_without_tqdm(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # makes `import tqdm.auto` fail
    assert isinstance(dl._progress_bar(10, "x"), dl._PlainProgress)


def test_fetch_file_url_with_progress(tmp_path, capsys, monkeypatch):
    src = tmp_path / "blob.bin"
    src.write_bytes(os.urandom(200_000))
    monkeypatch.setattr(dl, "_progress_bar", lambda total, desc: dl._PlainProgress(total, desc))
    dest = tmp_path / "copy.bin"
    dl.download(src.as_uri(), dest)
    assert dest.read_bytes() == src.read_bytes()
    assert "blob.bin" in capsys.readouterr().err


def test_failed_check_keeps_previous_file(tmp_path):
    src = tmp_path / "new.bin"
    src.write_bytes(b"new contents")
    dest = tmp_path / "kept.bin"
    dest.write_bytes(b"old contents")

    def reject(path):
        raise ChecksumError("rejected (test)")

    with pytest.raises(ChecksumError):
        dl.download(src.as_uri(), dest, check=reject, progress=False)
    assert dest.read_bytes() == b"old contents"
    assert sorted(os.listdir(tmp_path)) == ["home", "kept.bin", "new.bin"]


# ---------------------------------------------------------------- embedded mini subset

def test_mini_subset_shapes_balance_dtype():
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data(subset="mini")
    assert x_train.shape == (6000, 28, 28) and y_train.shape == (6000,)
    assert x_test.shape == (1000, 28, 28) and y_test.shape == (1000,)
    assert all(a.dtype == np.uint8 for a in (x_train, y_train, x_test, y_test))
    assert np.bincount(y_train, minlength=10).tolist() == [600] * 10
    assert np.bincount(y_test, minlength=10).tolist() == [100] * 10
    assert x_train.max() == 255 and 40 < x_train.mean() < 110  # real images, not zeros
    assert fashion_mnist.class_names[y_train[0]] == "Ankle boot" and len(fashion_mnist.class_names) == 10
    train_idx, test_idx = fashion_mnist.load_mini_indices()
    assert train_idx.shape == (6000,) and np.all(np.diff(train_idx) > 0) and train_idx.max() < 60000
    assert test_idx.shape == (1000,) and np.all(np.diff(test_idx) > 0) and test_idx.max() < 10000


def test_mini_file_size_and_licence():
    with fashion_mnist.mini_path().open("rb") as f:
        size = len(f.read())
    assert size < 5_000_000
    folder = os.path.dirname(str(fashion_mnist.mini_path()))
    with open(os.path.join(folder, "FASHION_MNIST_LICENSE.txt")) as f:
        notice = f.read()
    assert "Zalando SE" in notice and "MIT License" in notice


def test_bad_subset_name():
    with pytest.raises(ValueError, match="subset"):
        fashion_mnist.load_data(subset="tiny")


def test_first_per_class_matches_a_plain_loop():
    labels = np.random.default_rng(0).integers(0, 10, 500)
    expected = []
    seen = np.zeros(10, dtype=int)
    for i, label in enumerate(labels):
        if seen[label] < 7:
            expected.append(i)
            seen[label] += 1
    assert first_per_class(labels, 7).tolist() == expected


# ---------------------------------------------------------------- generated sets

@pytest.mark.parametrize("gate, outputs", [
    ("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("nand", [1, 1, 1, 0]),
    ("nor", [1, 0, 0, 0]), ("xor", [0, 1, 1, 0]), ("XNOR", [1, 0, 0, 1]),
])
def test_logic_gates(gate, outputs):
    x, y = generated.logic_gate(gate)
    assert x.dtype == np.float32 and x.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.dtype == np.int64 and y.tolist() == outputs


def test_xor_and_unknown_gate():
    x, y = generated.xor()
    assert y.tolist() == [0, 1, 1, 0] and x.shape == (4, 2)
    with pytest.raises(ValueError, match="unknown logic gate"):
        generated.logic_gate("implies")


@pytest.mark.parametrize("make, kwargs, n, n_classes", [
    (generated.spiral, dict(n_samples=301, n_classes=4, noise=0.1), 301, 4),
    (generated.moons, dict(n_samples=101, noise=0.1), 101, 2),
    (generated.circles, dict(n_samples=101, noise=0.05), 101, 2),
    (generated.blobs, dict(n_samples=100, n_features=3, centers=5), 100, 5),
])
def test_generated_shapes_labels_determinism(make, kwargs, n, n_classes):
    x, y = make(**kwargs, seed=3)
    assert x.dtype == np.float32 and x.shape[0] == n and x.ndim == 2
    assert y.dtype == np.int64 and y.shape == (n,)
    counts = np.bincount(y, minlength=n_classes)
    assert len(counts) == n_classes and counts.max() - counts.min() <= 1  # balanced
    x2, y2 = make(**kwargs, seed=3)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    x3, _ = make(**kwargs, seed=4)
    assert not np.array_equal(x, x3)
    gw_random.seed(11)
    x4, y4 = make(**kwargs)
    gw_random.seed(11)
    x5, y5 = make(**kwargs)
    np.testing.assert_array_equal(x4, x5)
    np.testing.assert_array_equal(y4, y5)


def test_moons_and_circles_geometry_without_noise():
    x, y = generated.moons(n_samples=50, shuffle=False)
    np.testing.assert_allclose(np.hypot(x[y == 0, 0], x[y == 0, 1]), 1.0, atol=1e-6)
    np.testing.assert_allclose(np.hypot(x[y == 1, 0] - 1.0, x[y == 1, 1] - 0.5), 1.0, atol=1e-6)
    x, y = generated.circles(n_samples=40, factor=0.5, shuffle=False)
    radius = np.hypot(x[:, 0], x[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0, atol=1e-6)
    np.testing.assert_allclose(radius[y == 1], 0.5, atol=1e-6)
    with pytest.raises(ValueError, match="factor"):
        generated.circles(factor=1.0)


def test_spiral_unshuffled_is_grouped_and_inside_unit_disc():
    x, y = generated.spiral(n_samples=10, n_classes=3, noise=0.0, shuffle=False)
    assert y.tolist() == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]  # the remainder goes to the first classes
    assert np.all(np.hypot(x[:, 0], x[:, 1]) <= 1.0 + 1e-6)
    with pytest.raises(ValueError, match="n_samples"):
        generated.spiral(n_samples=0)


def test_blobs_given_centers_and_counts():
    centers = np.array([[0.0, 0.0], [100.0, 100.0]])
    x, y = generated.blobs([5, 15], centers=centers, cluster_std=[0.01, 0.01], seed=0)
    assert np.bincount(y).tolist() == [5, 15]
    np.testing.assert_allclose(x[y == 1].mean(axis=0), [100.0, 100.0], atol=0.1)
    with pytest.raises(ValueError, match="cluster sizes"):
        generated.blobs([5, 5, 5], centers=centers)
