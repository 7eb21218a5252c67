"""`torch.utils.data`: datasets, samplers and the DataLoader, one implementation shared with `gradwork.data`.

The classes are gradwork's (`Dataset`, `Subset`, `BatchSampler`, ... are the same objects); what
differs is only PyTorch's side of them: batches are facade tensors (`default_collate` stacks samples
into tensors, a tuple sample giving a list as in PyTorch), `TensorDataset` holds tensors, randomness
comes from a `torch.Generator`, and `DataLoader` has PyTorch's signature and defaults (batch_size=1).

>>> ds = TensorDataset(torch.zeros(10, 1, 28, 28), torch.arange(10))
>>> x, y = next(iter(DataLoader(ds, batch_size=4, shuffle=True)))
>>> x.shape, y.dtype
(torch.Size([4, 1, 28, 28]), dtype('int64'))
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

import numpy as np

from ... import data
from ...data import BatchSampler, ConcatDataset, Dataset, IterableDataset, Sampler, SequentialSampler, Subset
from ...data.collate import collate, stack_arrays
from ...tensor import Tensor as GwTensor
from .._core import TensorCore
from .._missing import missing
from ..functions import stack
from ..tensor import Tensor, as_facade, wrap

_NOT_COLLATED = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _seed(generator) -> np.random.Generator | None:
    """A `torch.Generator` as gradwork's seed: its numpy generator (None: gradwork's own)."""
    return None if generator is None else generator.numpy_generator


def _stack_leaf(values: list):
    """One leaf's values across the samples as PyTorch's default_collate stacks them: tensors and
    arrays stacked (dtype kept), Python floats as float64, ints as int64, strings left as they are."""
    first = values[0]
    if isinstance(first, TensorCore):
        return stack(values)
    if isinstance(first, (str, bytes)):
        return values
    if isinstance(first, np.ndarray) and first.dtype.kind not in "OSUV" or isinstance(first, numbers.Number):
        return wrap(GwTensor._make(stack_arrays(values)))
    raise TypeError(_NOT_COLLATED.format(first.dtype if isinstance(first, np.ndarray) else type(first)))


def default_collate(batch: Sequence) -> Any:
    """Stack a list of samples into one batch of tensors, as PyTorch's `default_collate`.

    Parameters
    ----------
    batch : list of samples
        Each a tensor, ndarray or number (all of one shape), a string, or a dict, named tuple,
        tuple or list of those with the structure of the first.

    Returns
    -------
    A tensor of shape (len(batch), ...) per leaf, in the samples' structure, except that a tuple
    sample gives a list (as PyTorch); strings stay a list.

    Examples
    --------
    >>> images, labels = default_collate([(torch.zeros(1, 28, 28), 3), (torch.ones(1, 28, 28), 7)])
    >>> images.shape, labels
    (torch.Size([2, 1, 28, 28]), tensor([3, 7]))
    """
    return collate(batch, _stack_leaf, list)


def _convert_leaf(values: list):
    value = values[0]
    if isinstance(value, np.ndarray) and value.dtype.kind not in "OSUV" or isinstance(value, np.generic) and not \
            isinstance(value, (np.str_, np.bytes_)):
        return wrap(GwTensor._make(np.asarray(value)))
    return value


def default_convert(data: Any) -> Any:
    """One sample with its ndarrays (and NumPy scalars) as tensors sharing their memory, structure kept
    (a tuple becomes a list, as PyTorch): what a `DataLoader(batch_size=None)` yields per sample."""
    return collate([data], _convert_leaf, list)


def _unbatched(convert: Callable, samples: list) -> Any:
    return convert(samples[0])


class TensorDataset(data.TensorDataset):
    """Tensors sharing their first dim: sample i is the tuple `(t[i] for t in tensors)`.

    Parameters
    ----------
    *tensors : Tensor of shape (N, ...)
    """

    def __init__(self, *tensors: Tensor) -> None:
        self.tensors = tuple(as_facade(t) for t in tensors)
        super().__init__(*(t._t.data for t in self.tensors))

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def batch(self, index: slice | np.ndarray) -> list[Tensor]:
        """Samples `index` as one batch, the list `default_collate` would stack from them."""
        return [t[index] for t in self.tensors]

    def __repr__(self) -> str:
        return f"TensorDataset({', '.join(str(list(t.shape)) for t in self.tensors)})"


class RandomSampler(data.RandomSampler):
    """The indices of `data_source` in a new random order each epoch (drawn from `generator`)."""

    def __init__(self, data_source, replacement: bool = False, num_samples: int | None = None,
                 generator=None) -> None:
        super().__init__(data_source, replacement, num_samples, seed=_seed(generator))
        self.generator = generator


class SubsetRandomSampler(data.SubsetRandomSampler):
    """The given indices in a new random order each epoch (drawn from `generator`)."""

    def __init__(self, indices: Sequence[int], generator=None) -> None:
        super().__init__(indices, seed=_seed(generator))
        self.generator = generator


class WeightedRandomSampler(data.WeightedRandomSampler):
    """`num_samples` indices, index i drawn with probability weights[i] / sum(weights) (from `generator`)."""

    def __init__(self, weights, num_samples: int, replacement: bool = True, generator=None) -> None:
        super().__init__(np.asarray(weights), num_samples, replacement, seed=_seed(generator))
        self.generator = generator


def random_split(dataset, lengths: Sequence[int | float], generator=None) -> list[Subset]:
    """`dataset` cut into non-overlapping random `Subset`s of the given lengths (or fractions summing to 1)."""
    return data.random_split(dataset, lengths, seed=_seed(generator))


def get_worker_info() -> None:
    """None: datasets are read in this process (worker threads share it; an IterableDataset is read
    once, in the iterating thread), so there is no per-worker copy to shard."""
    return None


class DataLoader(data.DataLoader):
    """PyTorch's DataLoader: re-iterable batches of a dataset, one epoch per `for` loop.

    gradwork's `DataLoader` with PyTorch's signature, defaults and batches of tensors. Workers are
    threads (processes with `multiprocessing_context`); batches are the same whatever `num_workers`.
    `pin_memory`, `persistent_workers` and `in_order` are accepted and change nothing on the CPU.

    Parameters
    ----------
    dataset : map-style dataset (`__getitem__` and `__len__`) or IterableDataset
    batch_size : int or None
        Samples per batch; None turns batching off (each sample is yielded, its arrays as tensors).
    shuffle : bool
        A new random order every epoch, drawn from `generator`.
    sampler, batch_sampler, num_workers, collate_fn, drop_last, timeout, worker_init_fn,
    multiprocessing_context, prefetch_factor, persistent_workers
        As PyTorch's (see `gradwork.data.DataLoader`).
    generator : torch.Generator, optional
        The shuffling generator; None: the one `torch.manual_seed` seeds.

    Examples
    --------
    >>> loader = DataLoader(TensorDataset(torch.arange(10.)), batch_size=4)
    >>> len(loader), [b.tolist() for b, in loader][-1]
    (3, [8.0, 9.0])
    """

    default_collate = staticmethod(default_collate)
    gathered_kind = TensorDataset

    def __init__(self, dataset, batch_size: int | None = 1, shuffle: bool | None = None, sampler=None,
                 batch_sampler: Iterable[list[int]] | None = None, num_workers: int = 0,
                 collate_fn: Callable[[list], Any] | None = None, pin_memory: bool = False, drop_last: bool = False,
                 timeout: float = 0, worker_init_fn: Callable[[int], None] | None = None,
                 multiprocessing_context: str | None = None, generator=None, *, prefetch_factor: int | None = None,
                 persistent_workers: bool = False, pin_memory_device: str = "", in_order: bool = True) -> None:
        batching = batch_size is not None or batch_sampler is not None
        if not batching:
            if drop_last:
                raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with "
                                 "drop_last")
            collate_fn, batch_size = partial(_unbatched, collate_fn or default_convert), 1
        elif batch_sampler is not None and batch_size == 1:
            batch_size = None  # PyTorch's default, which the batch sampler replaces
        super().__init__(dataset, batch_size=batch_size, shuffle=bool(shuffle) if shuffle is not None else False,
                         drop_last=drop_last, collate_fn=collate_fn, num_workers=num_workers,
                         seed=_seed(generator), multiprocessing_context=multiprocessing_context, sampler=sampler,
                         batch_sampler=batch_sampler, prefetch_factor=prefetch_factor, timeout=timeout,
                         worker_init_fn=worker_init_fn, persistent_workers=persistent_workers)
        self.batch_size = self.batch_size if batching else None
        self.generator, self.pin_memory, self.pin_memory_device, self.in_order = (
            generator, pin_memory, pin_memory_device, in_order)

    @staticmethod
    def _as_dataset(dataset, y) -> tuple[Any, bool]:
        """Any map-style or iterable dataset as it is (a list of samples, a range, an array of rows too)."""
        if isinstance(dataset, IterableDataset) or hasattr(dataset, "__getitem__") and hasattr(dataset, "__len__"):
            return dataset, False
        raise TypeError(f"DataLoader: dataset must be a map-style dataset (__getitem__ and __len__) or an "
                        f"IterableDataset, got {type(dataset).__name__}")


__all__ = [
    "BatchSampler", "ConcatDataset", "DataLoader", "Dataset", "IterableDataset", "RandomSampler", "Sampler",
    "SequentialSampler", "Subset", "SubsetRandomSampler", "TensorDataset", "WeightedRandomSampler",
    "default_collate", "default_convert", "get_worker_info", "random_split",
]


def __getattr__(name: str):
    raise missing("torch.utils.data", name)
