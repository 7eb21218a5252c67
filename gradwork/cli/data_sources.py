"""What `--dataset` can name: Fashion-MNIST, MNIST, a generated set, the user's .csv / .npz file, or a
folder of images with one subfolder per class.

Every source gives (x_train, y_train), (x_test, y_test) plus facts for the model and the plots; a
folder gives batch-level datasets instead, read lazily (its validation images are the test split).
"""
import os
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .. import datasets
from ..data import ImageFolderDataset, image_dataset_from_directory, train_test_split
from .csv_files import read_csv
from .parser import FLOAT32_MAX

GENERATED = {"xor": datasets.xor, "spiral": datasets.spiral, "moons": datasets.moons,
             "circles": datasets.circles, "blobs": datasets.blobs}
MAX_CLASSES = 65536  # of an .npz dataset's integer labels: a class name is made for each


class UsageError(Exception):
    """A problem with the command line or the user's files: reported as one line, no traceback."""


@dataclass
class Source:
    """A dataset as the commands use it.

    Parameters
    ----------
    name : str
    train, test : (x, y) or ImageFolderDataset
        x of shape (N, *sample shape), y integer labels of shape (N,); or, for an image folder, its
        training and validation subsets, batches read from the files.
    class_names : list of str
        The name of each label.
    is_image : bool
        Samples are images (for augmentation and the image plots).
    pixel_scale : float
        Raw values are multiplied by this inside the model (1/255 for pixels).
    """

    name: str
    train: tuple
    test: tuple
    class_names: list = field(default_factory=list)
    is_image: bool = False
    pixel_scale: float = 1.0  # raw values are multiplied by this inside the model (1/255 for pixels)

    @property
    def streamed(self) -> bool:
        """The splits are datasets read batch by batch (an image folder), not arrays."""
        return isinstance(self.train, ImageFolderDataset)


def _idx_source(name, module, subset, log):
    if subset == "mini":
        if name != "fashion-mnist":
            raise UsageError("--subset mini exists for fashion-mnist only")
        train, test = module.load_data(subset="mini")
    else:
        try:
            train, test = module.load_data(progress=True)
        except datasets.DatasetNotFoundError:
            if name != "fashion-mnist":
                raise
            log("full Fashion-MNIST not found and not downloadable: using the embedded subset "
                "(6,000 training / 1,000 test images)")
            train, test = module.load_data(subset="mini")
            name = "fashion-mnist (mini)"
    class_names = list(getattr(module, "class_names", [str(i) for i in range(10)]))
    return Source(name, train, test, class_names, is_image=True, pixel_scale=1 / 255)


def _split_source(name, x, y, seed):
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, seed=seed)
    classes = [str(c) for c in range(int(y.max()) + 1)]
    return Source(name, (x_train, y_train), (x_test, y_test), classes)


def _csv_source(path, target, seed):
    if not target:
        raise UsageError(f"{path}: a .csv dataset needs --target COLUMN (the label column)")
    x, y, class_names = read_csv(path, target)
    source = _split_source(os.path.basename(path), x, y, seed)
    source.class_names = class_names
    return source


def _npz_source(path, seed):
    try:
        with np.load(path, allow_pickle=False) as data:
            if "x" not in data or "y" not in data:
                raise UsageError(f"{path}: an .npz dataset needs arrays named 'x' and 'y', "
                                 f"found {', '.join(data.files)}")
            x, y = data["x"], data["y"]
    except (ValueError, OSError, EOFError, MemoryError, zipfile.BadZipFile, zlib.error) as err:
        reason = describe_load_error(err)  # not an archive, a damaged one, or object arrays
        raise UsageError(f"{path}: not an .npz archive of numeric arrays ({reason})") from None
    check_numbers(f"{path}: x", x)
    if y.ndim != 1 or x.ndim < 2:
        raise UsageError(f"{path}: expected x of shape (N, features...) and y of shape (N,), got x of shape "
                         f"{x.shape} and y of shape {y.shape}")
    if len(x) != len(y):
        raise UsageError(f"{path}: x has {len(x)} samples but y has {len(y)}")
    if y.dtype.kind not in "iu":
        raise UsageError(f"{path}: y must hold integer class labels, got dtype {y.dtype}")
    if len(y) == 0:
        raise UsageError(f"{path}: x and y hold no samples")
    if y.min() < 0 or y.max() >= MAX_CLASSES:
        raise UsageError(f"{path}: y must hold class labels from 0 to {MAX_CLASSES - 1}, got labels from "
                         f"{y.min()} to {y.max()}")
    return _split_source(os.path.basename(path), x.astype(np.float32), y.astype(np.int64), seed)


def check_numbers(name: str, x: np.ndarray) -> None:
    """Raise UsageError unless `x` holds real numbers, all finite and within float32's range.

    Parameters
    ----------
    name : str
        What the message calls the array (a file, or a file and array name).
    x : ndarray of any shape
    """
    if x.dtype.kind not in "biuf":
        raise UsageError(f"{name} must hold real numbers, got dtype {x.dtype}")
    if x.dtype.kind == "f" and x.size:
        bad = ~np.isfinite(x) | (np.abs(x) > FLOAT32_MAX)
        if bad.any():
            at = tuple(int(i) for i in np.argwhere(bad)[0])
            raise UsageError(f"{name} must hold finite numbers within float32's range, got {x[at]} at index {at}")


def describe_load_error(err: Exception) -> str:
    """An exception's message without NumPy's advice to unpickle untrusted files."""
    text = str(err)
    return "not plain NumPy data; pickled and object arrays are never loaded" if "pickle" in text else text


def load_source(name: str, subset: str | None = None, target: str | None = None, seed: int = 0,
                log: Callable[[str], object] = print) -> Source:
    """Resolve a --dataset value to a Source; raises UsageError with a one-line reason.

    Parameters
    ----------
    name : str
        "fashion-mnist", "mnist", a generated set ("xor", "spiral", ...) or a .csv / .npz path.
    subset : "mini", optional
        The embedded Fashion-MNIST subset.
    target : str, optional
        The label column of a .csv file.
    seed : int
        Seeds the generated sets and the train/test split of the others.
    log : callable
        Prints the notice when the full Fashion-MNIST falls back to the subset.
    """
    key = name.lower().replace("_", "-")
    if key in ("fashion-mnist", "mnist"):
        module = datasets.fashion_mnist if key == "fashion-mnist" else datasets.mnist
        return _idx_source(key, module, subset, log)
    if key in GENERATED:
        x, y = GENERATED[key](seed=seed) if key != "xor" else GENERATED[key]()
        if key == "xor":
            return Source("xor", (x, y), (x, y), ["0", "1"])
        return _split_source(key, x, y, seed)
    if name.endswith(".csv") or name.endswith(".npz"):
        if not os.path.exists(name):
            raise UsageError(f"no such file: {name}")
        return _csv_source(name, target, seed) if name.endswith(".csv") else _npz_source(name, seed)
    valid = ", ".join(["fashion-mnist", "mnist", *GENERATED, "FILE.csv", "FILE.npz", "a folder of images"])
    raise UsageError(f"unknown dataset {name!r}; choose one of: {valid}")


def load_folder(path: str, image_size: tuple[int, int], color_mode: str, batch_size: int,
                validation_split: float, seed: int) -> Source:
    """A folder with one subfolder of images per class as a Source of two lazily read datasets.

    Parameters
    ----------
    path : str
    image_size : (height, width)
        Every image is resized to it.
    color_mode : "grayscale", "rgb" or "rgba"
    batch_size : int
    validation_split : float in (0, 1)
        The fraction of the images held out, seeded by `seed`; they are validated on during
        training and are the test split of the report.
    """
    if not 0 < validation_split < 1:
        raise UsageError(f"--validation-split must be between 0 and 1 for an image folder (its validation "
                         f"images are the test split), got {validation_split}")
    train, validation = image_dataset_from_directory(
        path, color_mode=color_mode, batch_size=batch_size, image_size=image_size,
        validation_split=float(validation_split), subset="both", seed=seed)
    name = os.path.basename(os.path.normpath(path))
    return Source(name, train, validation, train.class_names, is_image=True, pixel_scale=1 / 255)
