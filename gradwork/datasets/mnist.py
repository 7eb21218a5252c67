"""MNIST: 70,000 grayscale 28x28 images of handwritten digits (LeCun, Cortes and Burges).

Keras convention: `load_data()` returns `(x_train, y_train), (x_test, y_test)` with uint8 images
of shape (N, 28, 28) and uint8 labels 0-9.

>>> (x_train, y_train), (x_test, y_test) = mnist.load_data()  # doctest: +SKIP

The files are looked for in `$GRADWORK_DATA` and `~/.cache/gradwork/mnist`, and otherwise
downloaded into the cache (see `idx_dataset` for the order and the checks).

Checks. gradwork has no copy of MNIST to hash its decompressed bytes from, so every MNIST file
is checked by its IDX header (uint8, the expected shape) and therefore its exact decompressed
size; a download is in addition checked against the published .gz's size and SHA-256 as
recorded by TensorFlow Datasets (tensorflow_datasets/url_checksums/mnist.txt, for the copies at
storage.googleapis.com/cvdf-datasets/mnist/). The official page lists the same .gz sizes. A
mirror whose bytes differ is rejected and the next one tried. Files you place yourself are
checked by header and size only, so they may be recompressed or decompressed.
"""
from .idx_dataset import IdxDataset, IdxFile, load_idx_dataset

class_names = tuple(str(d) for d in range(10))

# The official address first, then the copies TensorFlow Datasets and torchvision download from.
MIRRORS = (
    "http://yann.lecun.com/exdb/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
)
SYSTEM_DIRS = ()

DATASET = IdxDataset(
    name="mnist",
    title="MNIST",
    files=(
        IdxFile("train-images-idx3-ubyte.gz", (60000, 28, 28), gz_size=9912422,
                gz_sha256="440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
        IdxFile("train-labels-idx1-ubyte.gz", (60000,), gz_size=28881,
                gz_sha256="3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
        IdxFile("t10k-images-idx3-ubyte.gz", (10000, 28, 28), gz_size=1648877,
                gz_sha256="8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
        IdxFile("t10k-labels-idx1-ubyte.gz", (10000,), gz_size=4542,
                gz_sha256="f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
    ),
)


def load_data(*, download: bool = True, progress: bool = True) -> tuple[tuple, tuple]:
    """Load MNIST: 60,000 training and 10,000 test digits.

    Parameters
    ----------
    download, progress : bool
        Fetch missing files into the cache (False: DatasetNotFoundError instead), with a progress bar.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        uint8 images of shape (N, 28, 28) and uint8 labels 0-9 of shape (N,).

    Raises
    ------
    DatasetNotFoundError, ChecksumError
        As `fashion_mnist.load_data`: files absent and not downloadable, or with the wrong contents.
    """
    return load_idx_dataset(DATASET, MIRRORS, SYSTEM_DIRS, download=download, progress=progress)
