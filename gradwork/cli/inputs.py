"""What `gradwork predict` reads: an image file (PNG, JPEG, ...) or a .npy array, as a batch."""
import os

import numpy as np

from .data_sources import UsageError, describe_load_error


def read_input(path: str, input_shape: tuple) -> np.ndarray:
    """An image file or .npy array as a float32 batch matching the model's input shape.

    Parameters
    ----------
    path : str
        A .npy file holding one sample of shape `input_shape` or a batch (N, *input_shape); any
        other file is read as an image (needs Pillow), turned grey and resized to (H, W).
    input_shape : tuple of int
        The model's sample shape, without the batch axis: (H, W) for grey images.

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


def _read_npy(path):
    try:
        return np.load(path, allow_pickle=False)
    except (ValueError, OSError) as err:
        raise UsageError(f"{path}: not a .npy file of numbers ({describe_load_error(err)})") from None


def _read_image(path, input_shape):
    """The image grey, resized to the model's (H, W) (a square of side H for one-axis inputs)."""
    try:
        from PIL import Image
    except ImportError:
        raise UsageError("reading images needs Pillow (pip install pillow), or pass a .npy array") from None
    with Image.open(path) as image:
        height, width = input_shape[0], input_shape[1] if len(input_shape) > 1 else input_shape[0]
        return np.asarray(image.convert("L").resize((width, height)), dtype=np.float32)
