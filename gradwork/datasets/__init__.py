"""Datasets: Fashion-MNIST and MNIST in the Keras convention, an IDX reader, generated toy sets, and text.

>>> from gradwork.datasets import fashion_mnist
>>> (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data(subset="mini")  # shipped, offline
>>> x, y = spiral(n_samples=300, n_classes=3, seed=0)                              # generated
>>> notes = text.load_text()                                                       # shipped prose
"""
from . import fashion_mnist, generated, idx, mnist, text
from .download import ChecksumError
from .generated import blobs, circles, logic_gate, moons, spiral, xor
from .idx import IdxFormatError, read_idx, write_idx
from .idx_dataset import DatasetNotFoundError

__all__ = [
    "fashion_mnist", "mnist", "generated", "idx", "text",
    "read_idx", "write_idx", "IdxFormatError", "ChecksumError", "DatasetNotFoundError",
    "xor", "logic_gate", "spiral", "moons", "circles", "blobs",
]
