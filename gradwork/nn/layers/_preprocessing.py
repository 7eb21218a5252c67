"""What the preprocessing layers share: reading the data `adapt` is given, batch by batch, and encoding
integer indices as one-hot / multi-hot / count vectors (Keras's `encode_categorical_inputs`)."""
from collections.abc import Iterator

import numpy as np

from ...tensor import Tensor

ENCODINGS = ("one_hot", "multi_hot", "count")


def check_mode(layer, value, allowed):
    """`value` if it is one of `allowed`, else a ValueError naming the layer and the choices."""
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{type(layer).__name__}: output_mode must be one of {', '.join(map(repr, allowed))}, "
                         f"got {value!r}")
    return value


def refuse_sparse(layer, sparse):
    """gradwork has no sparse tensors: a ValueError for sparse=True."""
    if sparse:
        raise ValueError(f"{type(layer).__name__}: sparse=True is not supported (gradwork has no sparse tensors); "
                         "use sparse=False for dense outputs")
    return False


def raw(x):
    """The NumPy array of a Tensor or array-like (a list of strings stays strings)."""
    return x.data if isinstance(x, Tensor) else np.asarray(x)


class ArrayInputs:
    """Mixed into a preprocessing layer: a list or tuple input is one array of values (Keras takes
    `layer([["a", "b"], ["c", "d"]])`), not several inputs."""

    def _to_input(self, x):
        return super()._to_input(np.asarray(x) if isinstance(x, (list, tuple)) else x)


def in_memory(data) -> bool:
    """Whether `data` is values to take whole (an array, a Tensor, a number, a list or tuple of values),
    as `fit` decides; False for datasets, loaders, PyDatasets and other iterables of batches."""
    if isinstance(data, (Tensor, list, tuple, str, bytes)) or hasattr(data, "__array__"):
        return True
    return not (hasattr(data, "__iter__") or (hasattr(data, "__getitem__") and hasattr(data, "__len__")))


def batches_of(layer, data, batch_size: int = 128) -> Iterator[np.ndarray]:
    """The inputs `x` of `data`, one array per batch, the way `fit` reads its sources.

    In memory (see `in_memory`): one batch, the whole of it. A `gw.data.Dataset` of samples: batched by
    a `gw.data.DataLoader` of `batch_size`. A PyDataset (`__getitem__` and `__len__`) or any other
    iterable (a DataLoader, a generator): its batches. A batch that is a tuple or list `(x,)`,
    `(x, y)` or `(x, y, sample_weight)` of arrays gives its x (as `fit` unpacks it).
    """
    from ...data import DataLoader, Dataset

    if in_memory(data):
        source = [raw(data)]
    elif isinstance(data, Dataset):
        source = DataLoader(data, batch_size=batch_size)
    elif hasattr(data, "__getitem__") and hasattr(data, "__len__"):
        source = (data[i] for i in range(len(data)))
    else:
        source = data
    count = 0
    for batch in source:
        if isinstance(batch, (tuple, list)) and 1 <= len(batch) <= 3 and not is_array_list(batch):
            batch = batch[0]
        count += 1
        yield raw(batch)
    if count == 0:
        raise ValueError(f"{layer.name}: adapt received no batches: give an array or a non-empty iterable of batches")


def is_array_list(batch) -> bool:
    """Whether a list/tuple batch is plain values (a list of numbers or strings), not (x, y, ...)."""
    return all(isinstance(v, (int, float, str, bytes, np.generic)) for v in batch)


def encode(layer, indices: np.ndarray, mode: str, depth: int, count_weights=None) -> np.ndarray:
    """Integer `indices` as `mode` vectors of length `depth`, in the layer's dtype.

    one_hot: each index becomes a vector; a last axis of size 1 (rank >= 2) is replaced, otherwise one
    is added: (..., n) -> (..., n, depth). multi_hot / count: the last axis is one sample's tokens:
    (..., n) -> (..., depth), 1 where an index occurs / how often it occurs (summing `count_weights`,
    same shape as `indices`, instead of 1 each when given). A scalar counts as one token. Indices
    outside [0, depth) (a dropped mask token) count nowhere.
    """
    indices = np.asarray(indices)
    if indices.ndim == 0:
        indices = indices[None]
        count_weights = None if count_weights is None else np.asarray(count_weights).reshape(1)
    if mode == "one_hot":
        if indices.ndim < 2 or indices.shape[-1] != 1:
            indices = indices[..., None]
        lead = indices.shape[:-1]
    else:
        lead = indices.shape[:-1]
    rows = indices.reshape(-1, indices.shape[-1])
    row_id = np.repeat(np.arange(rows.shape[0]), rows.shape[1])
    flat = rows.ravel()
    valid = (flat >= 0) & (flat < depth)
    weights = None
    if count_weights is not None:
        weights = np.asarray(count_weights, dtype=np.float64).reshape(-1)[valid]
    counts = np.bincount(row_id[valid] * depth + flat[valid].astype(np.int64), weights=weights,
                         minlength=rows.shape[0] * depth)
    out = counts.reshape(lead + (depth,))
    if mode != "count":
        out = out > 0
    return out.astype(layer.dtype)
