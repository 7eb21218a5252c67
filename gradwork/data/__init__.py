"""Data utilities: datasets and loaders, one-hot labels, train/test splits, feature scaling, image
augmentation.

Sources of batches: `TensorDataset` (arrays) or a `Dataset` subclass (samples) fed to a `DataLoader`
(PyTorch's names, with its samplers, `Subset`, `ConcatDataset`, `random_split` and `IterableDataset`),
or a `PyDataset` subclass (Keras's, whole batches) such as `image_dataset_from_directory` (a folder of
images, one subfolder per class, read batch by batch).

>>> x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, seed=0)  # doctest: +SKIP
>>> scaler = Standardizer().fit(x_train)                                           # doctest: +SKIP
>>> for xb, yb in DataLoader((scaler.transform(x_train), to_categorical(y_train)), batch_size=64, shuffle=True):
...     pass                                                                        # doctest: +SKIP
"""
from .augmentation import flip_images, random_flip, random_shift, shift_images
from .batching import DataLoader, batches
from .collate import collate, default_collate
from .datasets import ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset
from .image_folders import ImageFolderDataset, image_dataset_from_directory
from .preprocessing import Standardizer, normalize, standardize
from .py_dataset import PyDataset
from .samplers import (
    BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler, WeightedRandomSampler, num_batches,
)
from .utils import as_generator, random_split, split_lengths, split_sizes, to_categorical, train_test_split

__all__ = [
    "to_categorical", "train_test_split", "split_sizes", "Standardizer", "standardize", "normalize",
    "Dataset", "TensorDataset", "default_collate", "DataLoader", "PyDataset", "batches", "num_batches",
    "as_generator", "image_dataset_from_directory", "ImageFolderDataset", "random_shift", "random_flip",
    "shift_images", "flip_images", "IterableDataset", "Subset", "ConcatDataset", "random_split", "split_lengths",
    "collate", "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler", "WeightedRandomSampler",
    "BatchSampler",
]
