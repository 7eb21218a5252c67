"""Mini-batches: `DataLoader` (PyTorch's arguments), a re-iterable loader for epochs over arrays or a
`Dataset`, and `batches`, one pass of it.

Over arrays a batch is gathered with one fancy index per array (no Python loop over samples). Without
shuffling a batch of arrays is a slice, i.e. a view of the caller's array: copy it before writing into
it. Shuffled batches are fresh arrays.

>>> x, y = np.arange(10).reshape(5, 2), np.arange(5)
>>> [yb.tolist() for _, yb in batches(x, y, batch_size=2)]
[[0, 1], [2, 3], [4]]
"""
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..checks import true_or_false, whole_number
from ..random import OwnGenerator
from .datasets import Dataset, TensorDataset, default_collate
from .prefetch import in_order
from .utils import Seed, as_generator

_DEFAULTS = {"y": None, "batch_size": 32, "shuffle": False, "drop_last": False, "collate_fn": None,
             "num_workers": 0, "seed": None}
# Positional arguments after `dataset_or_arrays`: PyTorch's order, or the older `DataLoader(x, y, ...)`.
_TORCH_ORDER = ("batch_size", "shuffle", "drop_last", "collate_fn", "num_workers", "seed")
_XY_ORDER = ("y", "batch_size", "shuffle", "seed", "drop_last")


def _is_array_like(value) -> bool:
    return isinstance(value, (list, tuple)) or (hasattr(value, "__array__") and np.ndim(value) > 0)


def _checked_context(context, num_workers: int) -> str | None:
    """`multiprocessing_context`, checked: a start method this platform has, with workers to start."""
    if context is None:
        return None
    methods = multiprocessing.get_all_start_methods()
    if context not in methods:
        raise ValueError(f"multiprocessing_context must be one of {methods} or None, got {context!r}")
    if num_workers == 0:
        raise ValueError(f"multiprocessing_context={context!r} needs worker processes: give num_workers > 0")
    return context


def num_batches(num_samples: int, batch_size: int, drop_last: bool = False) -> int:
    """How many batches `batches` yields for `num_samples` samples."""
    return num_samples // batch_size if drop_last else -(-num_samples // batch_size)


def _as_dataset(data, y) -> tuple[Any, bool]:
    """(the dataset, whether its samples are 1-tuples to unwrap) for `dataset_or_arrays` and `y`."""
    if isinstance(data, tuple) or (isinstance(data, list) and all(hasattr(a, "__array__") for a in data)):
        arrays, single = tuple(data), False
    elif hasattr(data, "__array__") or isinstance(data, list):
        arrays, single = ((data,), True) if y is None else ((data, y), False)
        y = None
    elif hasattr(data, "__getitem__") and hasattr(data, "__len__"):
        arrays, single = None, False
    else:
        raise TypeError(f"dataset_or_arrays must be a Dataset, an array or a tuple of arrays, "
                        f"got {type(data).__name__}")
    if y is not None:
        raise ValueError("y is only accepted with a single array x (DataLoader(x, y)); "
                         f"dataset_or_arrays is a {type(data).__name__}")
    return (data if arrays is None else TensorDataset(*arrays)), single


class DataLoader(OwnGenerator):
    """Re-iterable mini-batches of a dataset: each `for` loop over it is one epoch, reshuffled when
    shuffle=True; `len(loader)` is the number of batches.

    Parameters
    ----------
    dataset_or_arrays : Dataset, array of shape (N, ...), or tuple of arrays of shape (N, ...)
        Arrays are wrapped in a `TensorDataset`; a single array yields bare batches, a tuple yields
        tuples of batches.
    batch_size : int
        Samples per batch; the last batch is smaller unless drop_last.
    shuffle : bool
        Visit the samples in a new random order every epoch.
    drop_last : bool
        Leave out a last batch smaller than batch_size.
    collate_fn : callable, list of samples -> batch, optional
        Default: `default_collate` (stacks, keeping a sample's tuple/dict structure). Over arrays
        without a collate_fn a batch is one fancy index per array and no collate runs.
    num_workers : int
        0 loads batches in the iterating thread; n > 0 loads them in n workers, at most 2n ahead,
        yielded in order and bit-identical to num_workers=0. The workers are threads (NumPy's
        gathers run in parallel in them), or processes with `multiprocessing_context`.
    seed : None, int or numpy Generator
        The shuffling generator: an int seeds one generator once, which advances every epoch (the
        sequence of epoch orders repeats); None draws each epoch from gradwork's generator, so
        `gw.random.seed(n)` repeats it.
    multiprocessing_context : "fork", "spawn", "forkserver", or None
        PyTorch's argument (there, workers are always processes): given, the workers are processes
        started this way, each with a copy of the loader (the dataset and `collate_fn` must then be
        picklable: defined at a module's top level). None: threads.
    y : array of shape (N, ...), optional
        The older form `DataLoader(x, y, batch_size=...)`: `y` by keyword, or as the second
        positional argument when that is array-like (then the positional order is the older
        `x, y, batch_size, shuffle, seed, drop_last`); batches are `(x_batch, y_batch)`.

    Examples
    --------
    >>> loader = DataLoader((np.zeros((100, 3)), np.zeros(100)), batch_size=32, shuffle=True, seed=0)
    >>> len(loader), [xb.shape[0] for xb, yb in loader]
    (4, [32, 32, 32, 4])
    """

    def __init__(self, dataset_or_arrays: Dataset | ArrayLike | Sequence[ArrayLike], *args: Any,
                 batch_size: int = 32, shuffle: bool = False, drop_last: bool = False,
                 collate_fn: Callable[[list], Any] | None = None, num_workers: int = 0, seed: Seed = None,
                 multiprocessing_context: str | None = None, y: ArrayLike | None = None):
        options = {"y": y, "batch_size": batch_size, "shuffle": shuffle, "drop_last": drop_last,
                   "collate_fn": collate_fn, "num_workers": num_workers, "seed": seed}
        order = _XY_ORDER if args and _is_array_like(args[0]) else _TORCH_ORDER
        if len(args) > len(order):
            raise TypeError(f"DataLoader takes at most {len(order)} positional arguments after "
                            f"dataset_or_arrays ({', '.join(order)}), got {len(args)}")
        for name, value in zip(order, args):
            if options[name] is not _DEFAULTS[name]:
                raise TypeError(f"DataLoader got {name} both by position and by keyword")
            options[name] = value
        self.dataset, self._single = _as_dataset(dataset_or_arrays, options["y"])
        self.batch_size = whole_number("batch_size", options["batch_size"])
        self.num_workers = whole_number("num_workers", options["num_workers"], least=0)
        self.shuffle = true_or_false("shuffle", options["shuffle"])
        self.drop_last = true_or_false("drop_last", options["drop_last"])
        if options["collate_fn"] is not None and not callable(options["collate_fn"]):
            raise TypeError(f"collate_fn must be callable or None, got {type(options['collate_fn']).__name__}")
        self.collate_fn = options["collate_fn"]
        self.multiprocessing_context = _checked_context(multiprocessing_context, self.num_workers)
        if len(self.dataset) == 0:
            raise ValueError("dataset_or_arrays is empty (0 samples): there is nothing to batch")
        self._rng = None if options["seed"] is None else as_generator(options["seed"])

    @property
    def num_samples(self) -> int:
        """N, the number of samples in the dataset."""
        return len(self.dataset)

    def __len__(self) -> int:
        return num_batches(len(self.dataset), self.batch_size, self.drop_last)

    def __iter__(self) -> Iterator:
        order = as_generator(self._rng).permutation(len(self.dataset)) if self.shuffle else None
        context = self.multiprocessing_context
        return in_order(partial(self._load, order), len(self), self.num_workers, max(2 * self.num_workers, 1),
                        processes=context is not None, start_method=context)

    def _load(self, order: np.ndarray | None, i: int) -> Any:
        """Batch i of an epoch visiting the samples in `order` (None: in their order)."""
        start = i * self.batch_size
        stop = min(start + self.batch_size, len(self.dataset))
        index = slice(start, stop) if order is None else order[start:stop]
        if self.collate_fn is None and isinstance(self.dataset, TensorDataset):
            batch = self.dataset[index]
            return batch[0] if self._single else batch
        rows = range(start, stop) if order is None else index.tolist()
        samples = [self.dataset[j] for j in rows]
        if self._single:
            samples = [s[0] for s in samples]
        return (self.collate_fn or default_collate)(samples)

    def __repr__(self) -> str:
        context = self.multiprocessing_context
        context = "" if context is None else f", multiprocessing_context={context!r}"
        return (f"DataLoader(num_samples={self.num_samples}, batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last}, num_workers={self.num_workers}{context})")


def batches(x: ArrayLike, y: ArrayLike | None = None, batch_size: int = 32, shuffle: bool = False,
            seed: Seed = None, drop_last: bool = False) -> Iterator:
    """Iterate over `x` (and `y`) in mini-batches along the first axis: one epoch of a `DataLoader`.

    Parameters
    ----------
    x, y : arrays of shape (N, ...); y optional
    batch_size : int
        Samples per batch; the last batch is smaller unless drop_last.
    shuffle : bool
        Visit the samples in a random order, drawn once when this is called, from gradwork's
        generator (or from `seed`: an int or a numpy Generator).
    drop_last : bool
        Leave out a last batch smaller than batch_size.

    Yields
    ------
    x_batch, shape (batch_size, ...), or (x_batch, y_batch) when y is given
    """
    return iter(DataLoader(x, y=y, batch_size=batch_size, shuffle=shuffle, seed=seed, drop_last=drop_last))
