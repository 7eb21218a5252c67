"""What `gradwork predict` reads: an image file (PNG, JPEG, ...) or a .npy array, as a batch; and what
`gradwork evaluate` reads from a folder of images: each file as the model takes it."""
import os

import numpy as np

from ..data.image_folders import ImageFolderDataset, image_dataset_from_directory, read_image
from .data_sources import UsageError, describe_load_error

CHANNEL_MODES = {1: "grayscale", 3: "rgb", 4: "rgba"}  # a model's channels -> the colour mode read


def read_input(path: str, input_shape: tuple) -> np.ndarray:
    """An image file or .npy array as a float32 batch matching the model's input shape.

    Parameters
    ----------
    path : str
        A .npy file holding one sample of shape `input_shape` or a batch (N, *input_shape); any
        other file is read as an image (needs Pillow) and resized to (H, W): grey for an (H, W)
        model, with the model's 1, 3 or 4 channels for an (H, W, C) one.
    input_shape : tuple of int
        The model's sample shape, without the batch axis: (H, W) for grey images, (H, W, C) for
        images with channels.

    Returns
    -------
    ndarray of shape (N, *input_shape), float32
    """
    if not os.path.exists(path):
        raise UsageError(f"no such file: {path}")
    x = _read_npy(path) if path.endswith(".npy") else _read_image(path, input_shape)
    if tuple(x.shape) == tuple(input_shape):
        x = x[None]
    if tuple(x.shape[1:]) != tuple(input_shape):
        raise UsageError(
            f"{path}: the model expects samples of shape {tuple(input_shape)}, got an array of shape {x.shape}"
        )
    return x.astype(np.float32)


def read_folder(path: str, input_shape: tuple) -> ImageFolderDataset:
    """Every image of a folder (one subfolder per class) with labels, in a fixed order, resized to
    the model's (H, W) and read with its C channels; `input_shape` is (H, W, C)."""
    if len(input_shape) != 3 or input_shape[2] not in CHANNEL_MODES:
        raise UsageError(f"a folder of images needs a model taking (H, W, C) images with 1, 3 or 4 channels; "
                         f"this one takes samples of shape {tuple(input_shape)}")
    return image_dataset_from_directory(path, color_mode=CHANNEL_MODES[input_shape[2]],
                                        image_size=tuple(input_shape[:2]), batch_size=256, shuffle=False)


def _read_npy(path):
    try:
        return np.load(path, allow_pickle=False)
    except (ValueError, OSError) as err:
        raise UsageError(f"{path}: not a .npy file of numbers ({describe_load_error(err)})") from None


def _read_image(path, input_shape):
    """The image grey, resized to the model's (H, W) (a square of side H for one-axis inputs), or with
    the model's channels when it takes (H, W, C)."""
    try:
        from PIL import Image
    except ImportError:
        raise UsageError("reading images needs Pillow (pip install pillow), or pass a .npy array") from None
    if len(input_shape) == 3:
        if input_shape[2] not in CHANNEL_MODES:
            raise UsageError(f"{path}: the model takes images with {input_shape[2]} channels; an image file "
                             f"can be read with 1, 3 or 4")
        return read_image(path, CHANNEL_MODES[input_shape[2]], input_shape[:2])
    with Image.open(path) as image:
        height, width = input_shape[0], input_shape[1] if len(input_shape) > 1 else input_shape[0]
        return np.asarray(image.convert("L").resize((width, height)), dtype=np.float32)
