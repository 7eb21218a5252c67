"""Collating: a list of samples stacked into one batch, keeping the samples' structure.

`collate` walks the structure (dicts, named tuples, tuples, lists) and hands each leaf's list of
values to a `stack` function: `default_collate` stacks them into NumPy arrays; the PyTorch facade
passes one that stacks them into its tensors.

>>> default_collate([(np.zeros(2), 0), (np.ones(2), 1)])[1]
array([0, 1])
"""
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np


def collate(samples: Sequence, stack: Callable[[list], Any], sequence: type = tuple) -> Any:
    """Stack a list of samples into one batch, entry by entry of their (common) structure.

    Parameters
    ----------
    samples : non-empty sequence of samples
        Each a leaf (an array, a number, ...), or a dict, named tuple, tuple or list of samples, all
        with the structure of the first.
    stack : callable, sequence of leaves -> batch
        Stacks the values of one leaf across the samples.
    sequence : type
        What a batch of tuple samples is: a tuple (gradwork), or a list (PyTorch's default_collate).

    Returns
    -------
    The structure of a sample, each leaf replaced by `stack` of its values.

    Raises
    ------
    RuntimeError
        If the samples' tuples or lists differ in length.
    """
    first = samples[0]
    if isinstance(first, Mapping):
        batch = {key: collate([s[key] for s in samples], stack, sequence) for key in first}
        return batch if type(first) is dict else _same_type(first, batch)
    if isinstance(first, (tuple, list)):
        lengths = {len(s) for s in samples}
        if len(lengths) > 1:
            raise RuntimeError(f"collate: each element in list of batch should be of equal size; the samples have "
                               f"{sorted(lengths)} entries")
        columns = [collate(column, stack, sequence) for column in zip(*samples)]  # each a tuple, as PyTorch's
        if isinstance(first, tuple) and hasattr(first, "_fields"):  # a named tuple keeps its names
            return type(first)(*columns)
        return sequence(columns) if isinstance(first, tuple) else _same_type(first, columns)
    return stack(samples)


def _same_type(first, batch):
    """`batch` (a dict or list) as the type of `first` (an OrderedDict, a list subclass) where that
    type is built from one; else as it is."""
    try:
        return type(first)(batch)
    except TypeError:
        return batch


def stack_arrays(values: list) -> np.ndarray:
    """The values of one leaf (arrays of one shape, or numbers) stacked along a new first axis.

    Raises
    ------
    ValueError
        If the arrays differ in shape, naming the first that differs.
    """
    arrays = [v if isinstance(v, np.ndarray) else np.asarray(v) for v in values]
    for i, a in enumerate(arrays):
        if a.shape != arrays[0].shape:
            raise ValueError(f"collate: sample {i} has shape {a.shape} where sample 0 has {arrays[0].shape}; "
                             "samples must have one shape to be stacked (pad them, or give a collate_fn)")
    return np.stack(arrays)


def default_collate(samples: Sequence) -> Any:
    """Stack a list of samples into one batch of NumPy arrays, keeping their structure.

    Parameters
    ----------
    samples : list of samples
        Each an array of one shape (or a number), or a tuple/list/dict of them with one structure.

    Returns
    -------
    ndarray of shape (len(samples), ...) for array samples; a tuple/list/dict of such arrays,
    entry by entry, for structured samples.
    """
    return collate(samples, stack_arrays)
