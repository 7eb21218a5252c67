"""Datasets (PyTorch's names): `Dataset`, the base of map-style datasets, `IterableDataset`, the base
of streams of samples, `TensorDataset` over in-memory (or memory-mapped) arrays, and the datasets made
of others, `Subset` and `ConcatDataset` (`ds_a + ds_b`).

>>> ds = TensorDataset(np.arange(6).reshape(3, 2), np.array([0, 1, 0]))
>>> len(ds), ds[1][0]
(3, array([2, 3]))
>>> ds[np.array([2, 0])][1]      # a whole batch: one fancy index per array
array([0, 0])
"""
import bisect
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike


class Dataset:
    """Base of map-style datasets: `len(ds)` samples, `ds[i]` the i-th one.

    A sample is an array (or number) or a tuple/list/dict of them, e.g. `(x, y)`; `DataLoader`
    fetches samples one by one with `__getitem__` and stacks them with `default_collate` (or its
    `collate_fn`). Subclasses implement `__len__` and `__getitem__`.
    """

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must implement __len__")

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")

    def __add__(self, other: "Dataset") -> "ConcatDataset":
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """Base of datasets that are streams of samples (read from a file or generated), not indexed.

    Subclasses implement `__iter__` (and `__len__` if the number of samples is known, for
    `len(loader)`); `DataLoader` batches the stream in order: no shuffling or samplers.
    """

    def __iter__(self) -> Iterator:
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__")

    def __len__(self) -> int:
        raise TypeError(f"object of type '{type(self).__name__}' has no len(): define __len__ if the number of "
                        "samples is known")

    def __getitem__(self, index: int) -> Any:
        raise TypeError(f"{type(self).__name__} is an IterableDataset: iterate over it, it has no samples by index")


def _as_array(a):
    return a if isinstance(a, np.ndarray) else np.asarray(a)  # keeps memory maps unread


class TensorDataset(Dataset):
    """Arrays that share their first (sample) axis; sample i is the tuple of their i-th rows.

    Parameters
    ----------
    *arrays : arrays of shape (N, ...)
        Kept as given when already ndarrays (a memory-mapped `np.load(path, mmap_mode="r")` stays on
        disk: only the rows a batch asks for are read).

    Notes
    -----
    `ds[index]` takes an int, a slice or an int array: with an index array of shape (B,) it returns
    the whole batch, a tuple of arrays of shape (B, ...), with one fancy index per array (what
    `DataLoader` uses: no Python loop over samples).

    Examples
    --------
    >>> TensorDataset(np.zeros((5, 3)), np.ones(5))[np.arange(2)][0].shape
    (2, 3)
    """

    def __init__(self, *arrays: ArrayLike):
        if not arrays:
            raise ValueError("TensorDataset needs at least one array, got none")
        self.arrays = tuple(_as_array(a) for a in arrays)
        for k, a in enumerate(self.arrays):
            if a.ndim == 0:
                raise ValueError(f"TensorDataset: array {k} must have a first (sample) axis, got a scalar")
            if len(a) != len(self.arrays[0]):
                raise ValueError(f"TensorDataset: array 0 has {len(self.arrays[0])} samples "
                                 f"but array {k} has {len(a)}")

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: int | slice | np.ndarray) -> tuple:
        if isinstance(index, np.ndarray):
            return tuple(a.take(index, axis=0) for a in self.arrays)
        return tuple(a[index] for a in self.arrays)

    def batch(self, index: slice | np.ndarray) -> tuple:
        """Samples `index` (a slice, or an int array of shape (B,)) as one batch: the tuple of arrays of
        shape (B, ...) that `default_collate` would stack from them (a slice gives views)."""
        return self[index]

    def __repr__(self) -> str:
        shapes = ", ".join(str(a.shape) for a in self.arrays)
        return f"TensorDataset({shapes})"


class Subset(Dataset):
    """The samples of `dataset` at `indices`: `subset[i]` is `dataset[indices[i]]`.

    Parameters
    ----------
    dataset : map-style dataset
    indices : sequence of int
    """

    def __init__(self, dataset: Any, indices: Sequence[int]):
        self.dataset, self.indices = dataset, indices

    def __getitem__(self, index):
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)

    def batch(self, index: slice | np.ndarray):
        """Samples `index` gathered as one batch by the underlying dataset (see `gathers_batches`)."""
        return self.dataset.batch(np.asarray(self.indices, dtype=np.int64)[index])


def gathers_batches(dataset: Any, kind: type = TensorDataset) -> bool:
    """Whether `dataset.batch(index)` gives a whole collated batch in one step (what `DataLoader` uses
    instead of fetching and stacking sample by sample): a `kind` of `TensorDataset`, or a `Subset` of
    one, whose class reads samples as the class defining `batch` does (not a subclass with a
    transform in `__getitem__`)."""
    while isinstance(dataset, Subset):
        dataset = dataset.dataset
    return isinstance(dataset, kind) and _defined_by(type(dataset), "__getitem__") is _defined_by(
        type(dataset), "batch")


def _defined_by(cls: type, name: str) -> type:
    return next(base for base in cls.__mro__ if name in vars(base))


class ConcatDataset(Dataset):
    """The samples of several map-style datasets one after another (`ds_a + ds_b` makes one).

    Parameters
    ----------
    datasets : iterable of map-style datasets
        At least one.
    """

    def __init__(self, datasets: Iterable[Any]):
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise TypeError(f"ConcatDataset does not take an IterableDataset ({type(d).__name__})")
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int):
        if index < 0:
            if -index > len(self):
                raise ValueError(f"ConcatDataset: index {index} is out of range for {len(self)} samples")
            index += len(self)
        which = bisect.bisect_right(self.cumulative_sizes, index)
        if which == len(self.datasets):
            raise IndexError(f"ConcatDataset: index {index} is out of range for {len(self)} samples")
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][index - start]
