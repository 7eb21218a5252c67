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
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..checks import true_or_false, whole_number
from ..random import OwnGenerator
from .collate import default_collate
from .datasets import Dataset, IterableDataset, TensorDataset, gathers_batches
from .prefetch import in_order
from .samplers import BatchSampler, RandomSampler, Sampler, SequentialSampler, num_batches
from .utils import Seed, as_generator

_DEFAULTS = {"y": None, "batch_size": None, "shuffle": False, "drop_last": False, "collate_fn": None,
             "num_workers": 0, "seed": None}
# Positional arguments after `dataset_or_arrays`: PyTorch's order, or the older `DataLoader(x, y, ...)`.
_TORCH_ORDER = ("batch_size", "shuffle", "drop_last", "collate_fn", "num_workers", "seed")
_XY_ORDER = ("y", "batch_size", "shuffle", "seed", "drop_last")
DEFAULT_BATCH_SIZE = 32

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


def _as_dataset(data, y) -> tuple[Any, bool]:
    """(the dataset, whether its samples are 1-tuples to unwrap) for `dataset_or_arrays` and `y`."""
    if isinstance(data, Dataset):
        arrays, single = None, False
    elif isinstance(data, tuple) or (isinstance(data, list) and all(hasattr(a, "__array__") for a in data)):
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


def _check_worker_options(num_workers: int, prefetch_factor: int | None, persistent_workers: bool,
                          timeout: float, worker_init_fn) -> int:
    """Check the options of worker loading (as PyTorch does); returns the batches each worker loads ahead."""
    if prefetch_factor is not None and num_workers == 0:
        raise ValueError("prefetch_factor option could only be specified in multiprocessing: give num_workers > 0, "
                         "otherwise set prefetch_factor to None")
    if true_or_false("persistent_workers", persistent_workers) and num_workers == 0:
        raise ValueError("persistent_workers option needs num_workers > 0")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout >= 0:
        raise ValueError(f"timeout option should be non-negative, got {timeout!r}")
    if worker_init_fn is not None and not callable(worker_init_fn):
        raise TypeError(f"worker_init_fn must be callable or None, got {type(worker_init_fn).__name__}")
    return 2 if prefetch_factor is None else whole_number("prefetch_factor", prefetch_factor)


class DataLoader(OwnGenerator):
    """Re-iterable mini-batches of a dataset: each `for` loop over it is one epoch, reshuffled when
    shuffle=True; `len(loader)` is the number of batches.

    Parameters
    ----------
    dataset_or_arrays : Dataset, array of shape (N, ...), or tuple of arrays of shape (N, ...)
        Arrays are wrapped in a `TensorDataset`; a single array yields bare batches, a tuple yields
        tuples of batches. An `IterableDataset` (a stream of samples) is batched in its order, read
        in the iterating thread whatever `num_workers`.
    batch_size : int, optional
        Samples per batch (default 32); the last batch is smaller unless drop_last. Leave it out
        with `batch_sampler`.
    shuffle : bool
        Visit the samples in a new random order every epoch (a `RandomSampler`).
    drop_last : bool
        Leave out a last batch smaller than batch_size.
    collate_fn : callable, list of samples -> batch, optional
        Default: `default_collate` (stacks, keeping a sample's tuple/dict structure). Over arrays
        without a collate_fn a batch is one fancy index per array and no collate runs.
    num_workers : int
        0 loads batches in the iterating thread; n > 0 loads them in n workers, at most
        `prefetch_factor` * n ahead, yielded in order and bit-identical to num_workers=0. The workers
        are threads (NumPy's gathers run in parallel in them), or processes with `multiprocessing_context`.
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
    sampler : Sampler or iterable of int, optional
        The order of the samples (instead of `shuffle`), e.g. a `WeightedRandomSampler`.
    batch_sampler : iterable of lists of int, optional
        The batches' sample indices (instead of batch_size, shuffle, sampler and drop_last).
    prefetch_factor : int, optional
        Batches each worker loads ahead (default 2; only with num_workers > 0).
    timeout : float
        With workers, the most seconds to wait for a batch (0: no limit); longer is a RuntimeError.
    worker_init_fn : callable, int -> None, optional
        Called in each worker as it starts, with its id (0 .. num_workers - 1).
    persistent_workers : bool
        PyTorch's argument, accepted with num_workers > 0: workers here start with each epoch, cheaply.

    Examples
    --------
    >>> loader = DataLoader((np.zeros((100, 3)), np.zeros(100)), batch_size=32, shuffle=True, seed=0)
    >>> len(loader), [xb.shape[0] for xb, yb in loader]
    (4, [32, 32, 32, 4])
    """

    default_collate = staticmethod(default_collate)  # the collate_fn when none is given
    gathered_kind = TensorDataset  # the datasets whose batches default_collate would make in one gather

    def __init__(self, dataset_or_arrays: Dataset | ArrayLike | Sequence[ArrayLike], *args: Any,
                 batch_size: int | None = None, shuffle: bool = False, drop_last: bool = False,
                 collate_fn: Callable[[list], Any] | None = None, num_workers: int = 0, seed: Seed = None,
                 multiprocessing_context: str | None = None, y: ArrayLike | None = None,
                 sampler: Sampler | Iterable[int] | None = None, batch_sampler: Iterable[list[int]] | None = None,
                 prefetch_factor: int | None = None, timeout: float = 0,
                 worker_init_fn: Callable[[int], None] | None = None, persistent_workers: bool = False):
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
        self.dataset, self._single = self._as_dataset(dataset_or_arrays, options["y"])
        self.num_workers = whole_number("num_workers", options["num_workers"], least=0)
        self.shuffle = true_or_false("shuffle", options["shuffle"])
        self.drop_last = true_or_false("drop_last", options["drop_last"])
        if options["collate_fn"] is not None and not callable(options["collate_fn"]):
            raise TypeError(f"collate_fn must be callable or None, got {type(options['collate_fn']).__name__}")
        self.collate_fn = options["collate_fn"]
        self.multiprocessing_context = _checked_context(multiprocessing_context, self.num_workers)
        self.prefetch_factor = _check_worker_options(self.num_workers, prefetch_factor, persistent_workers, timeout,
                                                     worker_init_fn)
        self.timeout, self.worker_init_fn, self.persistent_workers = timeout, worker_init_fn, persistent_workers
        self._rng = None if options["seed"] is None else as_generator(options["seed"])
        self._iterable = isinstance(self.dataset, IterableDataset)
        self._set_batching(options["batch_size"], sampler, batch_sampler)
        if not self._iterable and len(self.dataset) == 0:
            raise ValueError("dataset_or_arrays is empty (0 samples): there is nothing to batch")
        self._gathers = self.collate_fn is None and gathers_batches(self.dataset, self.gathered_kind)

    _as_dataset = staticmethod(_as_dataset)  # a subclass may take its datasets differently

    def _set_batching(self, batch_size, sampler, batch_sampler) -> None:
        """Set batch_size, sampler and batch_sampler, checked against each other and shuffle as PyTorch does."""
        if self._iterable:
            for name, value in (("shuffle", self.shuffle or None), ("sampler", sampler),
                                ("batch_sampler", batch_sampler)):
                if value is not None:
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} option, "
                                     f"but got {name}={value!r}")
        if batch_sampler is not None:
            if batch_size is not None or self.shuffle or sampler is not None or self.drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                                 "and drop_last")
            self.batch_size, self.sampler, self.batch_sampler = None, None, batch_sampler
            return
        if sampler is not None and self.shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        self.batch_size = whole_number("batch_size", DEFAULT_BATCH_SIZE if batch_size is None else batch_size)
        if self._iterable:  # batched as it streams; apart from batch_size, which a subclass may show as None
            self.sampler = self.batch_sampler = None
            self._samples_per_batch = self.batch_size
            return
        if sampler is None:
            sampler = RandomSampler(self.dataset, seed=self._rng) if self.shuffle else SequentialSampler(self.dataset)
        self.sampler = sampler
        self.batch_sampler = BatchSampler(sampler, self.batch_size, self.drop_last)

    @property
    def num_samples(self) -> int:
        """N, the number of samples in the dataset."""
        return len(self.dataset)

    def __len__(self) -> int:
        if self._iterable:
            return num_batches(len(self.dataset), self._samples_per_batch, self.drop_last)
        return len(self.batch_sampler)

    def __iter__(self) -> Iterator:
        if self._iterable:
            return self._stream()
        if type(self.batch_sampler) is BatchSampler:
            index_batches = self.batch_sampler.index_batches()  # drawn now, when the epoch starts
        else:
            index_batches = [np.asarray(b, dtype=np.int64) for b in self.batch_sampler]
        context = self.multiprocessing_context
        return in_order(partial(self._load, index_batches), len(index_batches), self.num_workers,
                        max(self.prefetch_factor * self.num_workers, 1), processes=context is not None,
                        start_method=context, timeout=self.timeout, worker_init_fn=self.worker_init_fn)

    def _load(self, index_batches: list, i: int) -> Any:
        """Batch i of an epoch whose batches are the samples at `index_batches` (slices or int arrays)."""
        index = index_batches[i]
        if self._gathers:
            batch = self.dataset.batch(index)
            return batch[0] if self._single else batch
        rows = range(index.start, index.stop) if isinstance(index, slice) else index.tolist()
        samples = [self.dataset[j] for j in rows]
        if self._single:
            samples = [s[0] for s in samples]
        return (self.collate_fn or self.default_collate)(samples)

    def _stream(self) -> Iterator:
        """The batches of an IterableDataset: its samples in order, batch_size at a time."""
        samples = []
        for sample in self.dataset:
            samples.append(sample)
            if len(samples) == self._samples_per_batch:
                yield (self.collate_fn or self.default_collate)(samples)
                samples = []
        if samples and not self.drop_last:
            yield (self.collate_fn or self.default_collate)(samples)

    def __repr__(self) -> str:
        context = self.multiprocessing_context
        context = "" if context is None else f", multiprocessing_context={context!r}"
        size = "" if not hasattr(self.dataset, "__len__") else f"num_samples={self.num_samples}, "
        return (f"DataLoader({size}batch_size={self.batch_size}, shuffle={self.shuffle}, drop_last={self.drop_last}, "
                f"num_workers={self.num_workers}{context})")


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
