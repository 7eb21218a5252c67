"""`image_dataset_from_directory` (Keras's name): a folder of images, one subfolder per class, read
lazily batch by batch, so a folder larger than memory trains in flat memory.

>>> train, val = image_dataset_from_directory("photos", image_size=(64, 64), validation_split=0.2,
...                                           subset="both", seed=1)            # doctest: +SKIP
>>> model.fit(train, validation_data=val, epochs=5)                             # doctest: +SKIP
"""
import os
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from ..checks import true_or_false
from ..random import OwnGenerator
from .datasets import Dataset
from .py_dataset import PyDataset
from .utils import as_generator, to_categorical

IMAGE_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
# Keras's interpolation names that Pillow has -> Pillow's filter ("area" averages, as Pillow's BOX does)
INTERPOLATIONS = {"bilinear": "BILINEAR", "nearest": "NEAREST", "bicubic": "BICUBIC", "area": "BOX",
                  "lanczos3": "LANCZOS"}
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


def _aspect_box(width, height, target, pad):
    """(left, top, box width, box height): the centred box of the `target` (height, width) aspect
    ratio that fits inside a width x height image (crop), or that holds it (pad: left and top are then
    where the image goes inside the box)."""
    box_height = int(width * target[0] / target[1])
    box_width = int(height * target[1] / target[0])
    pick = max if pad else min
    box_height, box_width = pick(height, box_height), pick(width, box_width)
    return abs(box_width - width) // 2, abs(box_height - height) // 2, box_width, box_height


def read_image(path: str, color_mode: str = "rgb", image_size: tuple[int, int] | None = None,
               interpolation: str = "bilinear", crop_to_aspect_ratio: bool = False,
               pad_to_aspect_ratio: bool = False) -> np.ndarray:
    """One image file as float32 pixels in [0, 255], converted to `color_mode` and resized.

    Parameters
    ----------
    path : str
        A PNG, JPEG, BMP or GIF file (a GIF's first frame).
    color_mode : "grayscale", "rgb" or "rgba"
        1, 3 or 4 channels.
    image_size : (height, width), optional
        The size to resize to; None keeps the file's size.
    interpolation : str
        The resampling filter, one of `INTERPOLATIONS` (Pillow's, which smooths when shrinking).
    crop_to_aspect_ratio, pad_to_aspect_ratio : bool
        First take the largest centred crop of image_size's aspect ratio, or pad the image with
        black, centred, to that aspect ratio; so the resize does not distort it.

    Returns
    -------
    ndarray, shape (height, width, channels), float32

    Raises
    ------
    ValueError
        Naming the file, when it is not an image Pillow can read whole (damaged, truncated, or larger
        than Pillow's decompression-bomb limit).
    """
    image_module = _pillow()
    try:
        with image_module.open(path) as image:
            image = image.convert(COLOR_MODES[color_mode])
            if image_size is not None and (crop_to_aspect_ratio or pad_to_aspect_ratio):
                left, top, box_width, box_height = _aspect_box(*image.size, image_size, pad_to_aspect_ratio)
                if pad_to_aspect_ratio:
                    padded = image_module.new(image.mode, (box_width, box_height))
                    padded.paste(image, (left, top))
                    image = padded
                else:
                    image = image.crop((left, top, left + box_width, top + box_height))
            if image_size is not None and image.size != (image_size[1], image_size[0]):
                resampling = getattr(image_module.Resampling, INTERPOLATIONS[interpolation])
                image = image.resize((image_size[1], image_size[0]), resampling)
            pixels = np.asarray(image, dtype=np.float32)
    except FileNotFoundError:
        raise
    except Exception as err:  # unidentified, truncated, damaged or a decompression bomb: Pillow raises many types
        raise ValueError(f"{path}: not a readable image ({type(err).__name__}: {err})") from err
    return pixels[..., None] if pixels.ndim == 2 else pixels


class ImageFiles(Dataset):
    """The images (and labels) of a list of files as a map-style dataset: `ds[i]` reads file i.

    What `image_dataset_from_directory(batch_size=None)` returns; `fit` batches it with its own
    batch_size (and shuffles it with its shuffle), as it does any `Dataset`.

    Parameters
    ----------
    file_paths : list of str
    labels : ndarray of shape (N,) or (N, classes), or None
        Each file's label; None gives images alone.
    class_names : list of str
    read : callable, path -> ndarray of shape (height, width, channels)
        Reads one image (`read_image` with the dataset's settings).
    channels_first : bool
        Give images as (channels, height, width).
    """

    def __init__(self, file_paths: list[str], labels: np.ndarray | None, class_names: list[str],
                 read: Callable[[str], np.ndarray], channels_first: bool = False):
        self.file_paths, self.labels, self.class_names = file_paths, labels, class_names
        self.read, self.channels_first = read, channels_first

    def __len__(self) -> int:
        return len(self.file_paths)

    def image(self, index: int) -> np.ndarray:
        """Image `index`, shape (height, width, channels) (or channels first), float32 in [0, 255]."""
        pixels = self.read(self.file_paths[index])
        return pixels.transpose(2, 0, 1) if self.channels_first else pixels

    def __getitem__(self, index: int) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        image = self.image(index)
        return image if self.labels is None else (image, self.labels[index])


class ImageFolderDataset(OwnGenerator, PyDataset):
    """Batches of images read from their files when asked for (what `image_dataset_from_directory`
    returns); `len(ds)` batches, `ds[i]` the i-th of the current epoch's order.

    Parameters
    ----------
    files : ImageFiles
        The images and labels, in the dataset's base order.
    batch_size : int
    shuffle : bool
        A new order of the files each epoch, drawn from `seed`.
    seed : int or sequence of int
        Seeds the epoch orders.
    """

    def __init__(self, files: ImageFiles, batch_size: int, shuffle: bool, seed: int | Sequence[int]):
        super().__init__()
        self.files, self.batch_size, self.shuffle = files, batch_size, shuffle
        self._rng = np.random.default_rng(seed)
        self._order = self._draw_order()

    @property
    def file_paths(self) -> list[str]:
        """The image files, in the dataset's base order."""
        return self.files.file_paths

    @property
    def class_names(self) -> list[str]:
        """The class of each label, in label order."""
        return self.files.class_names

    @property
    def labels(self) -> np.ndarray | None:
        """Each file's label, in the dataset's base order (None without labels)."""
        return self.files.labels

    def _draw_order(self):
        count = len(self.files)
        return self._rng.permutation(count) if self.shuffle else np.arange(count)

    def __len__(self) -> int:
        return -(-len(self.files) // self.batch_size)

    def __getitem__(self, index: int) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Batch `index`: images of shape (B, height, width, channels) (or channels first), float32 in
        [0, 255], and their labels (shape (B,) int32, (B, classes) or (B, 1) float32) unless the
        dataset has none."""
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range for {len(self)} batches")
        rows = self._order[index * self.batch_size:(index + 1) * self.batch_size]
        first = self.files.image(rows[0])
        images = np.empty((len(rows), *first.shape), dtype=np.float32)
        images[0] = first
        for slot, row in enumerate(rows[1:], start=1):  # one file read per image: the I/O is the cost
            images[slot] = self.files.image(row)
        labels = self.files.labels
        return images if labels is None else (images, labels[rows])

    def get_random_state(self) -> dict:
        """The generator's state and the current epoch's file order (`OwnGenerator`)."""
        return {**super().get_random_state(), "order": self._order.copy()}

    def set_random_state(self, state: dict) -> None:
        super().set_random_state(state)
        self._order = np.asarray(state["order"], dtype=np.int64)

    def on_epoch_end(self) -> None:
        """Draw the next epoch's file order (when shuffling)."""
        if self.shuffle:
            self._order = self._draw_order()


def _check_reading(interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio, data_format):
    """Raise ValueError for a bad argument of how images are read (each named)."""
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"interpolation must be one of {sorted(INTERPOLATIONS)} (Keras's lanczos5, gaussian and "
                         f"mitchellcubic have no Pillow filter), got {interpolation!r}")
    true_or_false("crop_to_aspect_ratio", crop_to_aspect_ratio)
    true_or_false("pad_to_aspect_ratio", pad_to_aspect_ratio)
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("crop_to_aspect_ratio and pad_to_aspect_ratio cannot both be True")
    if data_format not in (None, "channels_last", "channels_first"):
        raise ValueError(f'data_format must be "channels_last", "channels_first" or None, got {data_format!r}')


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
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1):
        raise ValueError(f"batch_size must be a positive integer or None, got {batch_size!r}")
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


def _image_files(folder, follow_links):
    """Every image file under `folder` (subfolders included), in alphanumeric order of their paths."""
    found = []
    for root, dirs, files in os.walk(folder, followlinks=follow_links):
        dirs.sort()
        found += [os.path.join(root, f) for f in sorted(files) if f.lower().endswith(IMAGE_EXTENSIONS)]
    return found


def _index_directory(directory, labels, class_names, follow_links):
    """(file paths, integer labels or None, class names) of the folder."""
    if labels != "inferred":
        paths = _image_files(directory, follow_links)
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
        files = _image_files(os.path.join(directory, name), follow_links)
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
    validation_split: float | None = None, subset: str | None = None, interpolation: str = "bilinear",
    follow_links: bool = False, crop_to_aspect_ratio: bool = False, pad_to_aspect_ratio: bool = False,
    data_format: str | None = None, verbose: bool = True,
) -> ImageFolderDataset | ImageFiles | tuple:
    """A batch-level dataset of the images in `directory`, read lazily (Keras's arguments and meaning).

    With labels="inferred", each subfolder is a class (classes in alphanumeric order, files found
    recursively); .png, .jpg, .jpeg, .bmp and .gif files are read (a GIF's first frame). Images are
    converted to `color_mode`, resized to `image_size` (by Pillow's filters, which smooth when
    shrinking) and given as float32 pixels in [0, 255]. Needs Pillow (`pip install "gradwork[images]"`).

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
    batch_size : int or None
        None: a map-style dataset of single images (an `ImageFiles`), which `fit` batches itself.
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
    interpolation : "bilinear", "nearest", "bicubic", "area" or "lanczos3"
        The resize filter.
    follow_links : bool
        Also look inside folders that symbolic links point to.
    crop_to_aspect_ratio, pad_to_aspect_ratio : bool
        Keep each image's proportions: resize the largest centred crop of image_size's aspect
        ratio, or the image padded with black to it (at most one of the two).
    data_format : "channels_last" (None) or "channels_first"
        Images as (height, width, channels), or (channels, height, width).
    verbose : bool
        Print how many files and classes were found, and how many each subset uses.

    Returns
    -------
    ImageFolderDataset (a PyDataset), ImageFiles (batch_size=None), or a (training, validation) pair
        Batches `(images, labels)` with images of shape (B, height, width, channels), or `images`
        alone without labels (ImageFiles: one image and its label per item); `class_names` and
        `file_paths` are attributes.

    Raises
    ------
    ImportError
        Pillow is not installed.
    ValueError
        A missing directory, no images, or a bad argument (named in the message).
    """
    _check_arguments(labels, label_mode, class_names, color_mode, batch_size, image_size, validation_split,
                     subset)
    _check_reading(interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio, data_format)
    if not os.path.isdir(directory):
        raise ValueError(f"directory {directory!r} does not exist or is not a folder")
    if validation_split is not None and shuffle and seed is None:
        raise ValueError("seed must be given with validation_split and shuffle=True, so that the training and "
                         "validation subsets do not overlap")
    _pillow()
    paths, targets, names = _index_directory(directory, labels, class_names, follow_links)
    if not paths:
        raise ValueError(f"directory {directory!r} holds no images ({', '.join(IMAGE_EXTENSIONS)})"
                         + (" in its subfolders" if labels == "inferred" else ""))
    if verbose:
        print(f"Found {len(paths)} files" + (f" belonging to {len(names)} classes." if targets is not None else "."))
    encoded = _encode(targets, label_mode, names)
    seed = int(as_generator(None).integers(2**31)) if seed is None else seed
    order = np.random.default_rng(seed).permutation(len(paths)) if shuffle else np.arange(len(paths))
    n_val = int(validation_split * len(paths)) if validation_split else 0
    parts = {"training": order[:len(order) - n_val], "validation": order[len(order) - n_val:]}
    wanted = ["training", "validation"] if subset == "both" else [subset or "training"]
    read = partial(read_image, color_mode=color_mode, image_size=tuple(image_size), interpolation=interpolation,
                   crop_to_aspect_ratio=crop_to_aspect_ratio, pad_to_aspect_ratio=pad_to_aspect_ratio)
    datasets = []
    for stream, name in enumerate(wanted, start=1):
        rows = parts[name]
        if len(rows) == 0:
            raise ValueError(f"validation_split={validation_split} leaves the {name} subset of {len(paths)} "
                             f"images empty")
        if verbose and subset is not None:
            print(f"Using {len(rows)} files for {name}.")
        files = ImageFiles([paths[i] for i in rows], None if encoded is None else encoded[rows], names, read,
                           data_format == "channels_first")
        reshuffle = shuffle and not (subset == "both" and name == "validation")
        datasets.append(files if batch_size is None else ImageFolderDataset(files, batch_size, reshuffle,
                                                                            [seed, stream]))
    return tuple(datasets) if subset == "both" else datasets[0]
