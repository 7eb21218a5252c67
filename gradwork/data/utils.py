"""Label and split helpers: `to_categorical` (Keras), `train_test_split` (scikit-learn's order),
`split_sizes` (how `Model.fit(validation_split=...)` divides the samples) and `random_split`
(PyTorch's: a dataset cut into random subsets).

>>> to_categorical([0, 2, 1])
array([[1., 0., 0.],
       [0., 0., 1.],
       [0., 1., 0.]], dtype=float32)
"""
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from numpy.typing import ArrayLike, DTypeLike

from .. import random as _gw_random
from .datasets import Subset

# What every random function takes as `seed`: None (gradwork's generator), an int, or a Generator.
Seed = int | np.random.Generator | None


def as_generator(seed: Seed) -> np.random.Generator:
    """A `numpy.random.Generator` for `seed`.

    None: gradwork's own generator (`gw.random.seed(n)` makes it repeatable); a Generator: itself;
    anything else (an int): a fresh generator seeded with it, independent of gradwork's.
    """
    if seed is None:
        return _gw_random.get_generator()
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def _integer_labels(y, name="y"):
    """`y` as an integer array; floats are accepted only when they hold whole numbers."""
    y = np.asarray(y)
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
            raise ValueError(f"{name} must hold whole-number class labels")
        return y.astype(np.int64)
    if y.dtype.kind not in "biu":
        raise TypeError(f"{name} must hold integer class labels, got dtype {y.dtype}")
    return y


def to_categorical(y: ArrayLike, num_classes: int | None = None, dtype: DTypeLike = "float32") -> np.ndarray:
    """One-hot encode integer class labels (Keras' `to_categorical`).

    Parameters
    ----------
    y : int array, any shape
        A trailing axis of size 1 is dropped, as in Keras; floats must hold whole numbers.
    num_classes : int, optional
        The number of classes; default max(y) + 1.
    dtype : the result's dtype

    Returns
    -------
    ndarray, shape y.shape + (num_classes,)
        A single 1 per row.

    Raises
    ------
    ValueError
        For negative labels or labels >= num_classes.
    """
    y = _integer_labels(y)
    shape = y.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    flat = y.reshape(-1)
    if flat.size and flat.min() < 0:
        raise ValueError(f"class labels must be non-negative, got {flat.min()}")
    if num_classes is None:
        num_classes = int(flat.max()) + 1 if flat.size else 0
    elif flat.size and flat.max() >= num_classes:
        raise ValueError(f"label {flat.max()} is out of range for num_classes={num_classes}")
    out = np.zeros((flat.size, int(num_classes)), dtype=dtype)
    out[np.arange(flat.size), flat] = 1
    return out.reshape(shape + (int(num_classes),))


def _test_count(test_size, n):
    if isinstance(test_size, bool):
        raise TypeError("test_size must be a float in (0, 1) or an int")
    if isinstance(test_size, (int, np.integer)):
        n_test = int(test_size)
    elif isinstance(test_size, (float, np.floating)):
        if not 0.0 < test_size < 1.0:
            raise ValueError(f"a float test_size must lie in (0, 1), got {test_size}")
        n_test = int(np.ceil(test_size * n))
    else:
        raise TypeError(f"test_size must be a float in (0, 1) or an int, got {type(test_size).__name__}")
    if not 0 < n_test < n:
        raise ValueError(f"test_size={test_size} leaves {n_test} test and {n - n_test} training samples "
                         f"out of {n}; both must be at least 1")
    return n_test


def _stratified_test_mask(labels, n_test, rng):
    """Positions (into a random permutation) chosen for the test set, class proportions kept.

    Each class gets floor(n_c * n_test / n) test samples; the few left over go to the classes
    with the largest fractional parts. Within a class the choice is random: the permutation is
    drawn first and a stable sort by class keeps its random order inside each class.
    """
    n = len(labels)
    _, codes = np.unique(labels, return_inverse=True)
    codes = codes.reshape(-1)
    counts = np.bincount(codes)
    exact = counts * (n_test / n)
    per_class = np.floor(exact).astype(np.int64)
    leftover = n_test - per_class.sum()
    if leftover:
        by_fraction = np.argsort(-(exact - per_class), kind="stable")
        per_class[by_fraction[:leftover]] += 1
    perm = rng.permutation(n)
    perm_codes = codes[perm]
    order = np.argsort(perm_codes, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(n) - starts[perm_codes[order]]
    chosen = np.zeros(n, dtype=bool)
    chosen[order[rank < per_class[perm_codes[order]]]] = True
    return perm, chosen


def train_test_split(x: ArrayLike, y: ArrayLike | None = None, test_size: float | int = 0.25,
                     shuffle: bool = True, seed: Seed = None, stratify: ArrayLike | None = None) -> tuple:
    """Split arrays into training and test parts along their first axis.

    Parameters
    ----------
    x, y : arrays of shape (N, ...); y optional
    test_size : float or int
        A fraction in (0, 1) (rounded up, as scikit-learn does) or a number of samples.
    shuffle : bool
        Pick the test samples at random (gradwork's generator, or `seed`); False takes the last
        samples as the test set, in order.
    seed : None, int or numpy Generator
    stratify : array, shape (N,), optional
        Labels whose class proportions both parts should keep (needs shuffle=True).

    Returns
    -------
    x_train, x_test, y_train, y_test : shapes (N - n_test, ...) and (n_test, ...)
        In scikit-learn's order; only `x_train, x_test` when y is None.
    """
    x = x if isinstance(x, np.ndarray) else np.asarray(x)
    n = len(x)
    if y is not None:
        y = y if isinstance(y, np.ndarray) else np.asarray(y)
        if len(y) != n:
            raise ValueError(f"x has {n} samples but y has {len(y)}")
    n_test = _test_count(test_size, n)
    if stratify is not None:
        if not shuffle:
            raise ValueError("stratify needs shuffle=True")
        stratify = np.asarray(stratify)
        if len(stratify) != n:
            raise ValueError(f"stratify has {len(stratify)} labels for {n} samples")
        perm, chosen = _stratified_test_mask(stratify, n_test, as_generator(seed))
        test_idx, train_idx = perm[chosen], perm[~chosen]
    elif shuffle:
        perm = as_generator(seed).permutation(n)
        test_idx, train_idx = perm[:n_test], perm[n_test:]
    else:
        train_idx, test_idx = slice(0, n - n_test), slice(n - n_test, n)
    if y is None:
        return x[train_idx], x[test_idx]
    return x[train_idx], x[test_idx], y[train_idx], y[test_idx]


def split_sizes(n: int, validation_split: float) -> tuple:
    """(training, validation) sample counts when `Model.fit` holds out the last `validation_split` of n.

    Parameters
    ----------
    n : int
        The number of samples.
    validation_split : float
        The fraction held out for validation (0 holds out none); the training part is rounded down,
        as Keras does.

    >>> split_sizes(10, 0.25)
    (7, 3)
    """
    cut = int(n * (1 - validation_split))
    return cut, n - cut


def split_lengths(total: int, lengths: Sequence[int | float]) -> list[int]:
    """The subset sizes `random_split` makes of `total` samples: `lengths` themselves (summing to
    `total`), or fractions (summing to 1) rounded down, the samples left over going one each to the
    first subsets, as PyTorch does.

    >>> split_lengths(11, [0.5, 0.5])
    [6, 5]
    """
    lengths = list(lengths)
    if lengths and all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in lengths):
        sizes = [int(n) for n in lengths]
    elif lengths and math.isclose(sum(lengths), 1) and all(0 <= f <= 1 for f in lengths):
        sizes = [math.floor(total * f) for f in lengths]
        for i in range(total - sum(sizes)):
            sizes[i % len(sizes)] += 1
    else:
        raise ValueError(f"random_split: lengths must be sample counts summing to the dataset's {total} samples "
                         f"or fractions in [0, 1] summing to 1, got {lengths}")
    if any(n < 0 for n in sizes) or sum(sizes) != total:
        raise ValueError(f"random_split: lengths {lengths} must be non-negative and sum to the dataset's "
                         f"{total} samples")
    return sizes


def random_split(dataset: Any, lengths: Sequence[int | float], seed: Seed = None) -> list[Subset]:
    """Cut a map-style dataset into non-overlapping `Subset`s of random samples (PyTorch's `random_split`).

    Parameters
    ----------
    dataset : map-style dataset
    lengths : sequence of int or of float
        The subset sizes, summing to len(dataset), or fractions summing to 1 (see `split_lengths`).
    seed : None, int or numpy Generator
        None draws from gradwork's generator (`gw.random.seed(n)` repeats it).

    Returns
    -------
    list of Subset
        One per length, in order; their `indices` are lists of ints.
    """
    sizes = split_lengths(len(dataset), lengths)
    order = as_generator(seed).permutation(len(dataset)).tolist()
    ends = np.cumsum(sizes, dtype=np.int64).tolist()
    return [Subset(dataset, order[end - size:end]) for size, end in zip(sizes, ends)]
