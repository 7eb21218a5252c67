"""`PyDataset` (Keras's name): a dataset of whole batches, loaded ahead by worker threads or processes.

>>> class Squares(PyDataset):
...     def __len__(self):
...         return 3
...     def __getitem__(self, index):
...         return np.full((2,), index ** 2)
>>> [b.tolist() for b in Squares(workers=2).iter_epoch()]
[[0, 0], [1, 1], [4, 4]]
"""
from collections.abc import Iterator
from typing import Any

from ..checks import true_or_false, whole_number
from .prefetch import in_order


class PyDataset:
    """Base of batch-level datasets: `len(ds)` batches, `ds[i]` the i-th batch, `on_epoch_end()` after
    each epoch (e.g. to reshuffle).

    A batch is what the model takes: `x`, `(x, y)` or `(x, y, sample_weight)`, each an array (or a
    tuple/dict of arrays for several inputs). Subclasses implement `__len__` and `__getitem__(index)`
    and call `super().__init__(**kwargs)`; the loop fetches an epoch with `iter_epoch()`.

    Parameters
    ----------
    workers : int
        How many threads (or processes) load batches; 1 loads them in the iterating thread, unless
        use_multiprocessing (then one process). More than 1 pays when `__getitem__` releases the GIL
        (NumPy work on large arrays, file reads) or runs in processes.
    use_multiprocessing : bool
        Worker processes instead of threads: the dataset is pickled once to each process, so it
        must be picklable (its class defined at a module's top level), and `__getitem__` runs on
        copies (state it changes is not seen by the parent).
    max_queue_size : int
        Batches loaded ahead of the one being consumed.
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10):
        self.workers = whole_number("workers", workers)
        self.max_queue_size = whole_number("max_queue_size", max_queue_size)
        self.use_multiprocessing = true_or_false("use_multiprocessing", use_multiprocessing)

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must implement __len__ (the number of batches)")

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__ (batch index -> batch)")

    @property
    def num_batches(self) -> int:
        """The number of batches in an epoch, `len(self)`."""
        return len(self)

    def on_epoch_begin(self) -> None:
        """Called before the first batch of each epoch; does nothing unless overridden."""

    def on_epoch_end(self) -> None:
        """Called after the last batch of each epoch (e.g. to reshuffle); does nothing unless overridden."""

    def iter_epoch(self) -> Iterator:
        """Yield the batches of one epoch, `self[0], ..., self[len(self) - 1]`, in order.

        `on_epoch_begin()` runs before the first batch is loaded and `on_epoch_end()` once the last
        batch has been consumed (a loop that stops early calls `on_epoch_end()` itself). Up to
        `max_queue_size` batches are loaded ahead by `workers` threads, or processes with
        use_multiprocessing.

        Yields
        ------
        batch : whatever `__getitem__` returns
        """
        count = len(self)
        if count < 1:
            raise ValueError(f"{type(self).__name__} has {count} batches; a PyDataset needs at least one")
        workers = getattr(self, "workers", 1)
        processes = getattr(self, "use_multiprocessing", False)
        self.on_epoch_begin()
        yield from in_order(self.__getitem__, count, workers if workers > 1 or processes else 0,
                            getattr(self, "max_queue_size", 10), processes)
        self.on_epoch_end()

    def __iter__(self) -> Iterator:
        return self.iter_epoch()
