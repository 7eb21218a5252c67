"""Map-style datasets (PyTorch's names): `Dataset`, the base, and `TensorDataset` over in-memory (or
memory-mapped) arrays; `default_collate` stacks samples into a batch.

>>> ds = TensorDataset(np.arange(6).reshape(3, 2), np.array([0, 1, 0]))
>>> len(ds), ds[1][0]
(3, array([2, 3]))
>>> ds[np.array([2, 0])][1]      # a whole batch: one fancy index per array
array([0, 0])
"""
from collections.abc import Sequence
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

    def __repr__(self) -> str:
        shapes = ", ".join(str(a.shape) for a in self.arrays)
        return f"TensorDataset({shapes})"


def default_collate(samples: Sequence) -> Any:
    """Stack a list of samples into one batch, keeping their structure.

    Parameters
    ----------
    samples : list of samples
        Each an array of one shape (or a number), or a tuple/list/dict of them with one structure.

    Returns
    -------
    ndarray of shape (len(samples), ...) for array samples; a tuple/list/dict of such arrays,
    entry by entry, for structured samples.

    >>> default_collate([(np.zeros(2), 0), (np.ones(2), 1)])[1]
    array([0, 1])
    """
    first = samples[0]
    if isinstance(first, dict):
        return {key: default_collate([s[key] for s in samples]) for key in first}
    if isinstance(first, (tuple, list)):
        columns = [default_collate([s[k] for s in samples]) for k in range(len(first))]
        return tuple(columns) if isinstance(first, tuple) else columns
    return np.stack([_as_array(s) for s in samples])
