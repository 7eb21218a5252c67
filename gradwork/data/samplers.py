"""Samplers (PyTorch's names): the order in which a `DataLoader` visits a map-style dataset's samples,
and `BatchSampler`, which groups that order into batches.

A sampler is an iterable of sample indices with a length; a batch sampler one of lists of indices.
`DataLoader(shuffle=True)` uses a `RandomSampler`, else a `SequentialSampler`, grouped by a
`BatchSampler` of its `batch_size`; give `sampler=` or `batch_sampler=` to choose the order yourself.

>>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
[[0, 1], [2, 3], [4]]
"""
from collections.abc import Iterable, Iterator, Sized

import numpy as np
from numpy.typing import ArrayLike

from ..checks import true_or_false, whole_number
from ..random import OwnGenerator
from .utils import Seed, as_generator


def num_batches(num_samples: int, batch_size: int, drop_last: bool = False) -> int:
    """How many batches of `batch_size` `num_samples` samples make (a smaller last one unless drop_last)."""
    return num_samples // batch_size if drop_last else -(-num_samples // batch_size)


class Sampler:
    """Base of samplers: subclasses implement `__iter__` (sample indices) and, for `len(loader)`, `__len__`."""

    def __iter__(self) -> Iterator[int]:
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__ (the sample indices)")


class SequentialSampler(Sampler):
    """The indices 0, 1, ..., len(data_source) - 1, in order."""

    def __init__(self, data_source: Sized):
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class _RandomOrder(OwnGenerator, Sampler):
    """What the random samplers share: a generator of their own (`seed`), or gradwork's (None),
    drawn from when an epoch starts."""

    def __init__(self, seed: Seed):
        self._rng = None if seed is None else as_generator(seed)

    def _order(self) -> np.ndarray:
        """This epoch's sample indices (each random sampler draws its own kind)."""
        raise NotImplementedError(f"{type(self).__name__} must implement _order (an epoch's sample indices)")

    def __iter__(self) -> Iterator[int]:
        return iter(self._order().tolist())


class RandomSampler(_RandomOrder):
    """The indices of `data_source` in a new random order each epoch.

    Parameters
    ----------
    data_source : sized
        The dataset (only its length is used).
    replacement : bool
        Draw each index independently (repeats possible) instead of a permutation.
    num_samples : int, optional
        Indices per epoch; default len(data_source). Without replacement, more than that many
        are whole permutations one after another, then part of one.
    seed : None, int or numpy Generator
        An int seeds one generator once, which advances every epoch; None draws from gradwork's
        generator (`gw.random.seed(n)` repeats it).
    """

    def __init__(self, data_source: Sized, replacement: bool = False, num_samples: int | None = None,
                 seed: Seed = None):
        super().__init__(seed)
        self.data_source = data_source
        self.replacement = true_or_false("replacement", replacement, owner="RandomSampler")
        self._num_samples = None if num_samples is None else whole_number("num_samples", num_samples,
                                                                          owner="RandomSampler")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __len__(self) -> int:
        return self.num_samples

    def _order(self) -> np.ndarray:
        rng, n, count = as_generator(self._rng), len(self.data_source), self.num_samples
        if self.replacement:
            return rng.integers(0, n, size=count)
        return np.concatenate([rng.permutation(n) for _ in range(-(-count // max(n, 1)))])[:count]


class SubsetRandomSampler(_RandomOrder):
    """The given indices, in a new random order each epoch (`seed` as in `RandomSampler`)."""

    def __init__(self, indices: ArrayLike, seed: Seed = None):
        super().__init__(seed)
        self.indices = indices

    def __len__(self) -> int:
        return len(self.indices)

    def _order(self) -> np.ndarray:
        return np.asarray(self.indices)[as_generator(self._rng).permutation(len(self.indices))]


class WeightedRandomSampler(_RandomOrder):
    """`num_samples` indices in 0 .. len(weights) - 1, index i drawn with probability weights[i] / sum(weights).

    Parameters
    ----------
    weights : array_like of shape (N,)
        Non-negative, not all zero (they need not sum to 1).
    num_samples : int
    replacement : bool
        Without replacement an index is drawn at most once (num_samples <= N).
    seed : None, int or numpy Generator
        As in `RandomSampler`.
    """

    def __init__(self, weights: ArrayLike, num_samples: int, replacement: bool = True, seed: Seed = None):
        super().__init__(seed)
        weights = np.asarray(weights, dtype=np.float64)
        if weights.ndim != 1 or not np.all(np.isfinite(weights)) or np.any(weights < 0) or weights.sum() <= 0:
            raise ValueError(f"WeightedRandomSampler: weights must be a 1-d sequence of finite non-negative numbers, "
                             f"not all zero, got {np.asarray(weights)!r:.200}")
        self.weights = weights
        self.num_samples = whole_number("num_samples", num_samples, owner="WeightedRandomSampler")
        self.replacement = true_or_false("replacement", replacement, owner="WeightedRandomSampler")
        if not self.replacement and self.num_samples > np.count_nonzero(weights):
            raise ValueError(f"WeightedRandomSampler: cannot draw {num_samples} samples without replacement "
                             f"from {np.count_nonzero(weights)} with a non-zero weight")

    def __len__(self) -> int:
        return self.num_samples

    def _order(self) -> np.ndarray:
        return as_generator(self._rng).choice(len(self.weights), size=self.num_samples, replace=self.replacement,
                                              p=self.weights / self.weights.sum())


class BatchSampler(Sampler):
    """The indices of `sampler` in lists of `batch_size` (the last one smaller unless drop_last).

    Parameters
    ----------
    sampler : Sampler or iterable of int
        The order of the samples (finite).
    batch_size : int
    drop_last : bool

    Examples
    --------
    >>> list(BatchSampler(range(7), 3, drop_last=True))
    [[0, 1, 2], [3, 4, 5]]
    """

    def __init__(self, sampler: Sampler | Iterable[int], batch_size: int, drop_last: bool):
        self.sampler = sampler
        self.batch_size = whole_number("batch_size", batch_size, owner="BatchSampler")
        self.drop_last = true_or_false("drop_last", drop_last, owner="BatchSampler")

    def __iter__(self) -> Iterator[list[int]]:
        for index in self.index_batches():
            yield list(range(index.start, index.stop)) if isinstance(index, slice) else index.tolist()

    def __len__(self) -> int:
        return num_batches(len(self.sampler), self.batch_size, self.drop_last)

    def index_batches(self) -> list[slice | np.ndarray]:
        """One epoch's batches as slices (over a `SequentialSampler`: a batch of arrays is then a
        view) or int arrays of shape (B,); the sampler's order is drawn now."""
        if type(self.sampler) is SequentialSampler:
            count, order = len(self.sampler), None
        else:
            order = np.fromiter(self.sampler, dtype=np.int64)
            count = len(order)
        starts = range(0, num_batches(count, self.batch_size, self.drop_last) * self.batch_size, self.batch_size)
        if order is None:
            return [slice(start, min(start + self.batch_size, count)) for start in starts]
        return [order[start:start + self.batch_size] for start in starts]
