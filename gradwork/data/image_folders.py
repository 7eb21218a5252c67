"""`image_dataset_from_directory` (Keras's name): a folder of images, one subfolder per class, read
lazily batch by batch, so a folder larger than memory trains in flat memory.

>>> train, val = image_dataset_from_directory("photos", image_size=(64, 64), validation_split=0.2,
...                                           subset="both", seed=1)            # doctest: +SKIP
>>> model.fit(train, validation_data=val, epochs=5)                             # doctest: +SKIP
"""
import os
from collections.abc import Sequence

import numpy as np

from .py_dataset import PyDataset
from .utils import as_generator, to_categorical

IMAGE_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
COLOR_MODES = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}  # color_mode -> Pillow's mode
LABEL_MODES = ("int", "categorical", "binary", None)
SUBSETS = ("training", "validation", "both")


def _pillow():
    """PIL.Image, or an ImportError saying how to install it."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError('reading image folders needs Pillow: pip install "gradwork[images]"') from None
    return Image


def read_image(path: str, color_mode: str = "rgb", image_size: tuple[int, int] | None = None) -> np.ndarray:
    """One image file as float32 pixels in [0, 255], converted to `color_mode` and resized (bilinear).

    Parameters
    ----------
    path : str
        A PNG, JPEG, BMP or GIF file (a GIF's first frame).
    color_mode : "grayscale", "rgb" or "rgba"
        1, 3 or 4 channels.
    image_size : (height, width), optional
        The size to resize to; None keeps the file's size.

    Returns
    -------
    ndarray, shape (height, width, channels), float32
    """
    image_module = _pillow()
    with image_module.open(path) as image:
        image = image.convert(COLOR_MODES[color_mode])
        if image_size is not None and image.size != (image_size[1], image_size[0]):
            image = image.resize((image_size[1], image_size[0]), image_module.Resampling.BILINEAR)
        pixels = np.asarray(image, dtype=np.float32)
    return pixels[..., None] if pixels.ndim == 2 else pixels


class ImageFolderDataset(PyDataset):
    """Batches of images read from their files when asked for (what `image_dataset_from_directory`
    returns); `len(ds)` batches, `ds[i]` the i-th of the current epoch's order.

    Parameters
    ----------
    file_paths : list of str
        The images, in the dataset's base order.
    labels : ndarray of shape (N,) or (N, classes), or None
        Each file's label as the model takes it; None yields images only.
    class_names : list of str
    color_mode : "grayscale", "rgb" or "rgba"
    image_size : (height, width)
    batch_size : int
    shuffle : bool
        A new order of the files each epoch, drawn from `seed`.
    seed : int or sequence of int
        Seeds the epoch orders.
    """

    def __init__(self, file_paths: list[str], labels: np.ndarray | None, class_names: list[str],
                 color_mode: str, image_size: tuple[int, int], batch_size: int, shuffle: bool,
                 seed: int | Sequence[int]):
        super().__init__()
        self.file_paths, self.labels, self.class_names = file_paths, labels, class_names
        self.color_mode, self.image_size, self.batch_size = color_mode, tuple(image_size), batch_size
        self.shuffle = shuffle
        self._rng = np.random.default_rng(seed)
        self._order = self._draw_order()

    def _draw_order(self):
        count = len(self.file_paths)
        return self._rng.permutation(count) if self.shuffle else np.arange(count)

    def __len__(self) -> int:
        return -(-len(self.file_paths) // self.batch_size)

    def __getitem__(self, index: int) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Batch `index`: images of shape (B, height, width, channels), float32 in [0, 255], and their
        labels (shape (B,) int32, (B, classes) or (B, 1) float32) unless the dataset has none."""
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range for {len(self)} batches")
        rows = self._order[index * self.batch_size:(index + 1) * self.batch_size]
        channels = len(COLOR_MODES[self.color_mode])
        images = np.empty((len(rows), *self.image_size, channels), dtype=np.float32)
        for slot, row in enumerate(rows):  # one file read per image: the I/O is the cost, not the loop
            images[slot] = read_image(self.file_paths[row], self.color_mode, self.image_size)
        return images if self.labels is None else (images, self.labels[rows])

    def on_epoch_end(self) -> None:
        """Draw the next epoch's file order (when shuffling)."""
        if self.shuffle:
            self._order = self._draw_order()


def _check_arguments(labels, label_mode, class_names, color_mode, batch_size, image_size, validation_split,
                     subset):
    if not (labels in ("inferred", None) or isinstance(labels, (list, tuple))):
        raise ValueError(f'labels must be "inferred", None or a list of integer labels, got {labels!r}')
    if label_mode not in LABEL_MODES:
        raise ValueError(f'label_mode must be "int", "categorical", "binary" or None, got {label_mode!r}')
    if class_names is not None and labels != "inferred":
        raise ValueError(f'class_names applies only with labels="inferred", got labels={labels!r}')
    if color_mode not in COLOR_MODES:
        raise ValueError(f'color_mode must be "grayscale", "rgb" or "rgba", got {color_mode!r}')
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    if (not isinstance(image_size, (tuple, list)) or len(image_size) != 2
            or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in image_size)):
        raise ValueError(f"image_size must be (height, width) of positive integers, got {image_size!r}")
    if validation_split is not None and not (isinstance(validation_split, float) and 0 < validation_split < 1):
        raise ValueError(f"validation_split must be a float between 0 and 1, got {validation_split!r}")
    if subset not in (None, *SUBSETS):
        raise ValueError(f'subset must be "training", "validation", "both" or None, got {subset!r}')
    if (subset is None) != (validation_split is None):
        raise ValueError(f"validation_split and subset go together, got validation_split={validation_split!r} "
                         f"and subset={subset!r}")


def _image_files(folder):
    """Every image file under `folder` (subfolders included), in alphanumeric order of their paths."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        found += [os.path.join(root, f) for f in sorted(files) if f.lower().endswith(IMAGE_EXTENSIONS)]
    return found


def _index_directory(directory, labels, class_names):
    """(file paths, integer labels or None, class names) of the folder."""
    if labels != "inferred":
        paths = _image_files(directory)
        if labels is None:
            return paths, None, []
        if len(labels) != len(paths):
            raise ValueError(f"labels must hold one label per image file: {len(paths)} files were found in "
                             f"{directory}, got {len(labels)} labels")
        targets = np.asarray(labels, dtype=np.int64)
        return paths, targets, [str(i) for i in range(int(targets.max(initial=-1)) + 1)]
    subfolders = sorted(d for d in os.listdir(directory) if os.path.isdir(os.path.join(directory, d)))
    if class_names is None:
        class_names = subfolders
    elif sorted(class_names) != subfolders:
        raise ValueError(f"class_names must name the subfolders of {directory} ({subfolders}), got {class_names}")
    paths, targets = [], []
    for label, name in enumerate(class_names):
        files = _image_files(os.path.join(directory, name))
        paths += files
        targets += [label] * len(files)
    return paths, np.asarray(targets, dtype=np.int64), list(class_names)


def _encode(targets, label_mode, class_names):
    """Integer labels as `label_mode` gives them to the model (None: no labels)."""
    if label_mode is None or targets is None:
        return None
    if label_mode == "int":
        return targets.astype(np.int32)
    if label_mode == "binary":
        if len(class_names) != 2:
            raise ValueError(f'label_mode="binary" needs exactly 2 classes, got {len(class_names)}: {class_names}')
        return targets.astype(np.float32)[:, None]
    return to_categorical(targets, len(class_names))


def image_dataset_from_directory(
    directory: str, labels: str | Sequence[int] | None = "inferred", label_mode: str | None = "int",
    class_names: Sequence[str] | None = None, color_mode: str = "rgb", batch_size: int = 32,
    image_size: tuple[int, int] = (256, 256), shuffle: bool = True, seed: int | None = None,
    validation_split: float | None = None, subset: str | None = None,
) -> ImageFolderDataset | tuple[ImageFolderDataset, ImageFolderDataset]:
    """A batch-level dataset of the images in `directory`, read lazily (Keras's arguments and meaning).

    With labels="inferred", each subfolder is a class (classes in alphanumeric order, files found
    recursively); .png, .jpg, .jpeg, .bmp and .gif files are read (a GIF's first frame). Images are
    converted to `color_mode`, resized to `image_size` (bilinear, as Pillow does it, which smooths
    when shrinking) and given as float32 pixels in [0, 255]. Needs Pillow (`pip install "gradwork[images]"`).

    Parameters
    ----------
    directory : str
    labels : "inferred", None or list of int
        From the subfolders, none (batches of images only), or one integer per file in the
        alphanumeric order of the file paths.
    label_mode : "int", "categorical", "binary" or None
        Labels of shape (B,) int32, (B, classes) one-hot float32, (B, 1) float32 0/1 (two classes),
        or no labels.
    class_names : list of str, optional
        The subfolders in the order of their labels (with labels="inferred"); default alphanumeric.
    color_mode : "grayscale", "rgb" or "rgba"
        1, 3 or 4 channels.
    batch_size : int
    image_size : (height, width)
    shuffle : bool
        Shuffle the file list once (seeded) before the split, and draw a new order each epoch.
    seed : int, optional
        Makes the shuffles repeatable; required with validation_split and shuffle, so that the
        training and validation subsets of two calls do not overlap.
    validation_split : float in (0, 1), optional
        The fraction of files held out: the last files of the (shuffled) list.
    subset : "training", "validation" or "both"
        Which part to return when validation_split is set; "both" returns (training, validation),
        the validation part in a fixed order.

    Returns
    -------
    ImageFolderDataset (a PyDataset), or a (training, validation) pair
        Batches `(images, labels)` with images of shape (B, height, width, channels), or `images`
        alone without labels; `class_names` and `file_paths` are attributes.

    Raises
    ------
    ImportError
        Pillow is not installed.
    ValueError
        A missing directory, no images, or a bad argument (named in the message).
    """
    _check_arguments(labels, label_mode, class_names, color_mode, batch_size, image_size, validation_split,
                     subset)
    if not os.path.isdir(directory):
        raise ValueError(f"directory {directory!r} does not exist or is not a folder")
    if validation_split is not None and shuffle and seed is None:
        raise ValueError("seed must be given with validation_split and shuffle=True, so that the training and "
                         "validation subsets do not overlap")
    _pillow()
    paths, targets, names = _index_directory(directory, labels, class_names)
    if not paths:
        raise ValueError(f"directory {directory!r} holds no images ({', '.join(IMAGE_EXTENSIONS)})"
                         + (" in its subfolders" if labels == "inferred" else ""))
    encoded = _encode(targets, label_mode, names)
    seed = int(as_generator(None).integers(2**31)) if seed is None else seed
    order = np.random.default_rng(seed).permutation(len(paths)) if shuffle else np.arange(len(paths))
    n_val = int(validation_split * len(paths)) if validation_split else 0
    parts = {"training": order[:len(order) - n_val], "validation": order[len(order) - n_val:]}
    wanted = ["training", "validation"] if subset == "both" else [subset or "training"]
    datasets = []
    for stream, name in enumerate(wanted, start=1):
        rows = parts[name]
        if len(rows) == 0:
            raise ValueError(f"validation_split={validation_split} leaves the {name} subset of {len(paths)} "
                             f"images empty")
        reshuffle = shuffle and not (subset == "both" and name == "validation")
        datasets.append(ImageFolderDataset(
            [paths[i] for i in rows], None if encoded is None else encoded[rows], names, color_mode,
            tuple(image_size), batch_size, reshuffle, [seed, stream]))
    return tuple(datasets) if subset == "both" else datasets[0]
