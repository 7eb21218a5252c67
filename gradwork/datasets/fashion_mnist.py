"""Fashion-MNIST: 70,000 grayscale 28x28 images of clothing in 10 classes (Zalando Research, MIT licence).

Keras convention: `load_data()` returns `(x_train, y_train), (x_test, y_test)` with uint8 images
of shape (N, 28, 28) (0 = background, 255 = ink) and uint8 labels 0-9 naming `class_names`.

>>> (x_train, y_train), (x_test, y_test) = load_data(subset="mini")  # shipped inside gradwork
>>> x_train.shape, y_train.shape, x_test.shape
((6000, 28, 28), (6000,), (1000, 28, 28))
>>> class_names[y_train[0]]
'Ankle boot'

The full set is looked for in `$GRADWORK_DATA`, `~/.cache/gradwork/fashion_mnist` and
`/usr/share/datasets/fashion-mnist` (Debian's `dataset-fashion-mnist`), and otherwise downloaded
from the official address into the cache. See `idx_dataset` for the order and the checks.
"""
from importlib import resources
from importlib.resources.abc import Traversable

import numpy as np

from .idx_dataset import IdxDataset, IdxFile, load_idx_dataset

class_names = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)

# The official address first (from the dataset's README), then the copy Keras downloads from.
# Any mirror is safe: files are checked against the SHA-256 of their decompressed bytes.
MIRRORS = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
)
SYSTEM_DIRS = ("/usr/share/datasets/fashion-mnist",)

# SHA-256 of each file's DECOMPRESSED bytes (IDX header + data), computed from Debian's
# dataset-fashion-mnist 0.0~git20200523.55506a9-1. Hashes of the decompressed bytes are used
# because the .gz bytes differ between copies (Debian's gzip headers differ from the published
# ones, so the published MD5s of the .gz files do not apply to them).
DATASET = IdxDataset(
    name="fashion_mnist",
    title="Fashion-MNIST",
    files=(
        IdxFile("train-images-idx3-ubyte.gz", (60000, 28, 28),
                sha256="c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
        IdxFile("train-labels-idx1-ubyte.gz", (60000,),
                sha256="bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
        IdxFile("t10k-images-idx3-ubyte.gz", (10000, 28, 28),
                sha256="5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
        IdxFile("t10k-labels-idx1-ubyte.gz", (10000,),
                sha256="0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
    ),
    hint=(f"On Debian or Ubuntu, `apt-get install dataset-fashion-mnist` puts them in {SYSTEM_DIRS[0]}.\n"
          'Or use the embedded 6,000 + 1,000 image subset, which needs no files or network: '
          'gw.datasets.fashion_mnist.load_data(subset="mini").'),
)

MINI_FILE = "fashion_mnist_mini.npz"
MINI_PER_CLASS = (600, 100)  # training, test images per class in the embedded subset
_MINI_KEYS = ("x_train", "y_train", "x_test", "y_test")


def load_data(subset: str | None = None, *, download: bool = True,
              progress: bool = True) -> tuple[tuple, tuple]:
    """Load Fashion-MNIST.

    Parameters
    ----------
    subset : None, "full" or "mini"
        None (or "full") for the 60,000 + 10,000 official images; "mini" for the embedded
        class-balanced subset of 6,000 + 1,000 (600 / 100 per class, the first of each class in
        file order), which ships inside gradwork and needs no files or network.
    download : bool
        Fetch missing files from the official address (False: raise instead).
    progress : bool
        Show a progress bar while downloading (tqdm when installed).

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        Images uint8, shape (N, 28, 28); labels uint8, shape (N,).

    Raises
    ------
    DatasetNotFoundError
        When the full set is absent and cannot be downloaded.
    ChecksumError
        When a file's contents are wrong.
    """
    if subset == "mini":
        return load_mini()
    if subset not in (None, "full"):
        raise ValueError(f"subset must be None, 'full' or 'mini', got {subset!r}")
    return load_idx_dataset(DATASET, MIRRORS, SYSTEM_DIRS, download=download, progress=progress)


def mini_path() -> Traversable:
    """A Traversable for the embedded subset's .npz inside the installed package."""
    return resources.files(__package__).joinpath("data").joinpath(MINI_FILE)


def load_mini() -> tuple[tuple, tuple]:
    """The embedded 6,000 + 1,000 image subset as `(x_train, y_train), (x_test, y_test)`: uint8 images
    (N, 28, 28) and labels (N,)."""
    with mini_path().open("rb") as f, np.load(f, allow_pickle=False) as archive:
        x_train, y_train, x_test, y_test = (archive[k] for k in _MINI_KEYS)
    return (x_train, y_train), (x_test, y_test)


def load_mini_indices() -> tuple[np.ndarray, np.ndarray]:
    """Positions of the embedded subset's images in the official files: `(train_indices, test_indices)`."""
    with mini_path().open("rb") as f, np.load(f, allow_pickle=False) as archive:
        return archive["train_indices"], archive["test_indices"]
