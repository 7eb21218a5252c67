"""Nested data: one array, or a list/tuple/dict of arrays (several inputs, targets or outputs).

The trainers treat x, y, sample weights and predictions alike: every array of a structure holds the
samples on its first axis, and a batch takes the same samples from each. Only one level of nesting is
supported (a list or dict of arrays, as Keras's multi-input and multi-output models). A batch given to
`train_step` is Keras's tuple `(x,)`, `(x, y)` or `(x, y, sample_weight)` (`unpack_x_y_sample_weight`).
"""
from collections.abc import Callable

import numpy as np

from numpy.typing import ArrayLike

from ..tensor import Tensor

# One array, or a list/tuple/dict of arrays: a model's inputs, targets, sample weights or outputs.
Data = ArrayLike | list | tuple | dict
# One shape (a tuple of ints, None for an axis of any size), or a list/dict of shapes (several inputs).
Shapes = tuple | list | dict


def is_nested(value: object, known: bool = False) -> bool:
    """True for a dict, or a list/tuple of arrays or Tensors (several inputs or outputs). A list of
    numbers is one array, unless `known` says the model takes several inputs."""
    if isinstance(value, dict):
        return True
    if not isinstance(value, (list, tuple)) or not value:
        return False
    return known or all(isinstance(v, (np.ndarray, Tensor)) for v in value)


def map_nested(fn: Callable, value: Data) -> Data:
    """fn applied to each array of a list/tuple/dict (to `value` itself when it is one array)."""
    if isinstance(value, dict):
        return {k: fn(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(fn(v) for v in value)
    return fn(value)


def labelled(value: list | tuple | dict, name: str) -> list[tuple[str, object]]:
    """[(label, array)] with labels as an error message shows them: x[0], x['a']."""
    if isinstance(value, dict):
        return [(f"{name}[{k!r}]", v) for k, v in value.items()]
    return [(f"{name}[{i}]", v) for i, v in enumerate(value)]


def part(value: Data | None, name: str, index: int) -> object:
    """The entry of a structure for the output `name` (dict) or at `index` (list); one array serves all."""
    if isinstance(value, dict):
        return value[name]
    if isinstance(value, (list, tuple)):
        return value[index]
    return value


def take(value: Data, index: np.ndarray | slice) -> Data:
    """The samples `index` (an index array or a slice) of an array, shape (N, ...), or of each array of a
    structure: the same structure, with len(index) samples."""
    if isinstance(value, np.ndarray):
        return value[index]
    return map_nested(lambda a: a[index], value)


def num_samples(value: Data) -> int:
    """Length of the sample axis (of the first array of a structure)."""
    if isinstance(value, dict):
        value = next(iter(value.values()))
    elif isinstance(value, (list, tuple)):
        value = value[0]
    return len(value)


def as_data(value: Tensor | list | tuple | dict) -> Data:
    """The arrays of a Tensor or of a structure of Tensors."""
    if isinstance(value, Tensor):
        return value.data
    return map_nested(lambda t: t.data, value)


def concatenate(batches: list) -> Data:
    """Join per-batch outputs (arrays of shape (n_i, ...), or structures of them) along the sample axis:
    shape (sum n_i, ...)."""
    first = batches[0]
    if isinstance(first, dict):
        return {k: np.concatenate([b[k] for b in batches]) for k in first}
    if isinstance(first, (list, tuple)):
        return type(first)(np.concatenate([b[i] for b in batches]) for i in range(len(first)))
    return np.concatenate(batches)


def is_shape(value: object) -> bool:
    """True for one shape: a list/tuple of ints and None (False for a list or dict of shapes)."""
    return isinstance(value, (list, tuple)) and all(
        d is None or (isinstance(d, (int, np.integer)) and not isinstance(d, bool)) for d in value
    )


def unpack_x_y_sample_weight(data: tuple | Data) -> tuple[Data, Data | None, Data | None]:
    """(x, y, sample_weight) of one batch: a tuple or list (x,), (x, y) or (x, y, sample_weight) (missing
    parts None; a list as PyTorch's DataLoader gives it, read as Keras reads one); anything else (an
    array, a dict of arrays) is x alone. Give several inputs without targets as a tuple `([a, b],)`."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if not 1 <= len(data) <= 3:
        raise ValueError(f"a batch must be (x,), (x, y) or (x, y, sample_weight), got a tuple of {len(data)} "
                         "elements")
    return tuple(data) + (None,) * (3 - len(data))
