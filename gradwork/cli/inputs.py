"""What `gradwork predict` reads: an image file (PNG, JPEG, ...) or a .npy array, as a batch; and what
`gradwork evaluate` reads from a folder of images: each file as the model takes it."""
import contextlib
import os
import sys
import warnings

import numpy as np

from ..data.image_folders import ImageFolderDataset, image_dataset_from_directory, read_image
from .data_sources import UsageError, check_numbers, describe_load_error

CHANNEL_MODES = {1: "grayscale", 3: "rgb", 4: "rgba"}  # a model's channels -> the colour mode read
INPUT_RANGES = ("auto", "raw", "unit")  # how `predict` reads a .npy for a model of 8-bit pixels
PIXEL_SCALE = 1 / 255  # the Rescaling of a model trained on 8-bit pixels


def takes_images(input_shape: tuple, pixel_scale: float) -> bool:
    """Whether a model reads image files: it takes (H, W) or (H, W, C) samples with 1, 3 or 4
    channels, and rescales 8-bit pixels itself (`pixel_scale` 1/255)."""
    shaped = len(input_shape) == 2 or (len(input_shape) == 3 and input_shape[2] in CHANNEL_MODES)
    return shaped and np.isclose(pixel_scale, PIXEL_SCALE)


def read_input(path: str, input_shape: tuple, pixel_scale: float = 1.0, input_range: str = "auto") -> np.ndarray:
    """An image file or .npy array as a float32 batch matching the model's input shape and scaling.

    Parameters
    ----------
    path : str
        A .npy file holding one sample of shape `input_shape` or a batch (N, *input_shape) of finite
        numbers; any other file is read as an image (needs Pillow) and resized to (H, W): grey for
        an (H, W) model, with the model's 1, 3 or 4 channels for an (H, W, C) one.
    input_shape : tuple of int
        The model's sample shape, without the batch axis.
    pixel_scale : float
        What the model multiplies its inputs by: 1/255 for a model of 8-bit pixels, which alone
        reads image files and whose .npy inputs are read according to `input_range`.
    input_range : "auto", "raw" or "unit"
        For a model of 8-bit pixels: "raw" takes a .npy's values as pixels in [0, 255]; "unit" as
        pixels scaled to [0, 1] (multiplied by 255 here, as the model rescales them); "auto" is "unit"
        when the .npy holds floats all in [0, 1] (said on stderr), else "raw".

    Returns
    -------
    ndarray of shape (N, *input_shape), float32
    """
    if not os.path.exists(path):
        raise UsageError(f"no such file: {path}")
    pixels = bool(np.isclose(pixel_scale, PIXEL_SCALE))
    if input_range == "unit" and not pixels:
        raise UsageError(f"--input-range unit applies to models trained on 8-bit pixels; this one takes its "
                         f"inputs as they are (it rescales them by {pixel_scale:g})")
    if path.endswith(".npy"):
        x = _as_batch(path, _read_npy(path), input_shape)
        return (_to_pixels(path, x, input_range) if pixels else x).astype(np.float32)
    if not takes_images(input_shape, pixel_scale):
        raise UsageError(f"{path}: this model takes samples of shape {tuple(input_shape)}, not images "
                         f"(it was not trained on 8-bit pixels); pass a .npy array of such samples")
    return _as_batch(path, _read_image(path, input_shape), input_shape).astype(np.float32)


def _as_batch(path, x, input_shape):
    """`x` of shape (N, *input_shape): one sample gets a batch axis; any other shape is an error."""
    if tuple(x.shape) == tuple(input_shape):
        x = x[None]
    if tuple(x.shape[1:]) != tuple(input_shape):
        raise UsageError(
            f"{path}: the model expects samples of shape {tuple(input_shape)}, got an array of shape {x.shape}"
        )
    return x


def _to_pixels(path, x, input_range):
    """A .npy's values as pixels in [0, 255], as the model of 8-bit pixels takes them."""
    low, high = (float(x.min()), float(x.max())) if x.size else (0.0, 0.0)
    if input_range == "auto" and x.dtype.kind == "f" and 0 <= low and high <= 1:
        print(f"{path}: values lie in [0, 1]: read as pixels scaled to [0, 1] (multiplied by 255; "
              f"--input-range raw reads them as given)", file=sys.stderr)
        input_range = "unit"
    top = 1 if input_range == "unit" else 255
    if low < 0 or high > top:
        raise UsageError(f"{path}: values from {low:g} to {high:g}; this model takes 8-bit pixels, "
                         f"in [0, 255] (--input-range raw) or scaled to [0, 1] (--input-range unit)")
    return x * np.float32(255) if input_range == "unit" else x


def check_images(paths: list[str]) -> None:
    """Open each image file's header: a file Pillow cannot identify, or one declaring more pixels
    than Pillow's decompression-bomb limit, raises UsageError naming it before any training."""
    for path in paths:
        with image_errors(path) as image_module:
            image_module.open(path).close()


@contextlib.contextmanager
def image_errors(path: str):
    """Yields `PIL.Image`, and turns whatever reading the image `path` raises into a UsageError naming
    the file (Pillow's warning that an image is nearly a decompression bomb included)."""
    try:
        from PIL import Image
    except ImportError:
        raise UsageError("reading images needs Pillow (pip install pillow), or pass a .npy array") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield Image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise UsageError(f"{path}: refused, its declared size is beyond Pillow's limit of "
                         f"{Image.MAX_IMAGE_PIXELS} pixels ({err})") from None
    except Exception as err:  # unidentified, truncated or damaged: Pillow raises many types
        raise UsageError(f"{path}: not a readable image ({type(err).__name__}: {err})") from None


def read_folder(path: str, input_shape: tuple) -> ImageFolderDataset:
    """Every image of a folder (one subfolder per class) with labels, in a fixed order, resized to
    the model's (H, W) and read with its C channels; `input_shape` is (H, W, C)."""
    if len(input_shape) != 3 or input_shape[2] not in CHANNEL_MODES:
        raise UsageError(f"a folder of images needs a model taking (H, W, C) images with 1, 3 or 4 channels; "
                         f"this one takes samples of shape {tuple(input_shape)}")
    data = image_dataset_from_directory(path, color_mode=CHANNEL_MODES[input_shape[2]],
                                        image_size=tuple(input_shape[:2]), batch_size=256, shuffle=False)
    check_images(data.file_paths)
    return data


def _read_npy(path):
    try:
        x = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError, MemoryError) as err:
        raise UsageError(f"{path}: not a .npy file of numbers ({describe_load_error(err)})") from None
    if not isinstance(x, np.ndarray):
        x.close()
        raise UsageError(f"{path}: not a .npy file of numbers (an archive of several arrays)")
    check_numbers(path, x)
    return x


def _read_image(path, input_shape):
    """The image grey, resized to the model's (H, W), or with the model's channels when it takes
    (H, W, C)."""
    with image_errors(path) as image_module:
        if len(input_shape) == 3:
            return read_image(path, CHANNEL_MODES[input_shape[2]], input_shape[:2])
        with image_module.open(path) as image:
            return np.asarray(image.convert("L").resize((input_shape[1], input_shape[0])), dtype=np.float32)
