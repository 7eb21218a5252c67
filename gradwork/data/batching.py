"""Mini-batches: the `batches` generator and `DataLoader`, a re-iterable loader for epochs.

Batches are gathered with one fancy-indexing call each (no Python loop over samples). Without
shuffling a batch is a slice, i.e. a view of the caller's array: copy it before writing into it.
Shuffled batches are fresh arrays.

>>> x, y = np.arange(10).reshape(5, 2), np.arange(5)
>>> [yb.tolist() for _, yb in batches(x, y, batch_size=2)]
[[0, 1], [2, 3], [4]]
"""
from collections.abc import Iterator

import numpy as np
from numpy.typing import ArrayLike

from .utils import Seed, as_generator


def _as_array(a):
    return a if isinstance(a, np.ndarray) else np.asarray(a)


def _check(x, y, batch_size):
    x = _as_array(x)
    if x.ndim == 0:
        raise ValueError("x must have a first (sample) axis, got a scalar")
    if y is not None:
        y = _as_array(y)
        if y.ndim == 0 or len(y) != len(x):
            raise ValueError(f"x has {len(x)} samples but y has {len(y) if y.ndim else 'none (a scalar)'}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    return x, y, int(batch_size)


def num_batches(num_samples: int, batch_size: int, drop_last: bool = False) -> int:
    """How many batches `batches` yields for `num_samples` samples."""
    return num_samples // batch_size if drop_last else -(-num_samples // batch_size)


def _generate(x, y, batch_size, order, drop_last):
    n = len(x)
    stop_at = n - n % batch_size if drop_last else n
    for start in range(0, stop_at, batch_size):
        stop = min(start + batch_size, n)
        if order is None:
            xb = x[start:stop]
            yb = None if y is None else y[start:stop]
        else:
            idx = order[start:stop]
            xb = x.take(idx, axis=0)
            yb = None if y is None else y.take(idx, axis=0)
        yield xb if y is None else (xb, yb)


def batches(x: ArrayLike, y: ArrayLike | None = None, batch_size: int = 32, shuffle: bool = False,
            seed: Seed = None, drop_last: bool = False) -> Iterator:
    """Iterate over `x` (and `y`) in mini-batches along the first axis.

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
    x, y, batch_size = _check(x, y, batch_size)
    order = as_generator(seed).permutation(len(x)) if shuffle else None
    return _generate(x, y, batch_size, order, drop_last)


class DataLoader:
    """Re-iterable mini-batches: each `for` loop over it is one epoch, reshuffled when shuffle=True.

    Parameters
    ----------
    x, y, batch_size, shuffle, seed, drop_last
        As `batches` takes them. With an int `seed` the sequence of epoch orders is repeatable
        (one generator is seeded once and advances every epoch); with None each epoch draws from
        gradwork's generator.

    Examples
    --------
    >>> loader = DataLoader(np.zeros((100, 3)), np.zeros(100), batch_size=32, shuffle=True, seed=0)
    >>> len(loader), [xb.shape[0] for xb, yb in loader]
    (4, [32, 32, 32, 4])
    """

    def __init__(self, x: ArrayLike, y: ArrayLike | None = None, batch_size: int = 32, shuffle: bool = False,
                 seed: Seed = None, drop_last: bool = False):
        self.x, self.y, self.batch_size = _check(x, y, batch_size)
        self.shuffle, self.drop_last = bool(shuffle), bool(drop_last)
        self._rng = None if seed is None else as_generator(seed)

    @property
    def num_samples(self) -> int:
        """N, the length of x's first axis."""
        return len(self.x)

    def __len__(self):
        return num_batches(len(self.x), self.batch_size, self.drop_last)

    def __iter__(self):
        return batches(self.x, self.y, self.batch_size, self.shuffle, self._rng, self.drop_last)

    def __repr__(self):
        return (f"DataLoader(num_samples={self.num_samples}, batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last})")
