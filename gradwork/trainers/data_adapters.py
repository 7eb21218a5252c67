"""Data adapters: every input `fit`, `evaluate` and `predict` accept, turned once into batches.

A batch is Keras's tuple: `(x,)` to predict, `(x, y, sample_weight)` to train or evaluate (sample_weight
may be None), each part one array or a list/dict of arrays, floats in the model's dtype. Kinds, chosen
once by `get_data_adapter`:

- `ArrayDataAdapter`: arrays (or lists/tuples/dicts of them) already prepared (`arrays.prepare`); a
  batch is a slice of them, or with `shuffle` a fancy-indexed gather in a new order each pass.
- `IterableDataAdapter`: anything iterable that yields batches: a generator, a `gw.data.DataLoader`, a
  PyTorch DataLoader (duck-typed: gradwork never imports torch); `len()` gives the batches per pass
  where it exists. Each batch is `(x,)`, `(x, y)` or `(x, y, sample_weight)` of array-likes.
- `PyDatasetAdapter`: Keras's PyDataset protocol (`__len__` = batches, `__getitem__(i)` = batch i, an
  optional `on_epoch_end()`), recognised by `__getitem__` and `__len__` on something that is not an array.
- A `gw.data.Dataset` (map-style: samples, not batches) is batched by a `gw.data.DataLoader` with the
  call's `batch_size` (and `shuffle` for `fit`), then streamed as above.

Streamed batches are converted and checked one by one before they reach the model; an error names the
batch index.
"""
import abc
import math
from collections.abc import Iterable, Iterator

from ..data import DataLoader, Dataset, PyDataset
from ..nn.layer import Layer
from ..random import get_generator
from ..tensor import Tensor
from . import arrays, nested
from .nested import Data, take


class DataAdapter(abc.ABC):
    """One data source as passes of batches: `get_iterator()` once per pass, `num_batches` per pass
    (None when unknown), `on_epoch_end()` after a pass."""

    num_batches: int | None = None

    @abc.abstractmethod
    def get_iterator(self) -> Iterator[tuple]:
        """The batches of one pass over the data."""

    def on_epoch_end(self) -> None:  # noqa: B027 (a hook: most sources have nothing to do)
        """Called when a pass is exhausted."""


class ArrayDataAdapter(DataAdapter):
    """Batches of in-memory arrays.

    Parameters
    ----------
    x : array, shape (N, ...), or a list/dict of them
    y, sample_weight : the same (None for none; with y None, batches are `(x,)`)
    batch_size : int
    shuffle : bool
        A new order each pass, drawn from gradwork's generator when the pass starts.
    """

    def __init__(self, x: Data, y: Data | None, sample_weight: Data | None, batch_size: int, shuffle: bool):
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.batch_size, self.shuffle = batch_size, shuffle
        self.num_samples = nested.num_samples(x)
        self.num_batches = math.ceil(self.num_samples / batch_size)

    def get_iterator(self) -> Iterator[tuple]:
        order = get_generator().permutation(self.num_samples) if self.shuffle else None
        size = self.batch_size
        for step in range(self.num_batches):
            index = slice(step * size, (step + 1) * size) if order is None else order[step * size:(step + 1) * size]
            if self.y is None:
                yield (take(self.x, index),)
            else:
                weights = None if self.sample_weight is None else take(self.sample_weight, index)
                yield take(self.x, index), take(self.y, index), weights


class IterableDataAdapter(DataAdapter):
    """Batches from an iterable (a generator, a loader), each converted and checked for `model`.

    Parameters
    ----------
    model : Layer
        Gives the dtype and the checks (`arrays.prepare`).
    source : iterable of (x,), (x, y) or (x, y, sample_weight) tuples, or of x alone
    class_weight : dict, optional
        {class: weight}, applied to each batch's labels.
    argument : str
        The argument's name for error messages ("x", "validation_data").
    targets : bool
        False for `predict`: batches become `(x,)`, any y and sample_weight dropped.
    """

    def __init__(self, model: Layer, source: Iterable, class_weight: dict | None = None, argument: str = "x",
                 targets: bool = True):
        self.model, self.source, self.class_weight, self.argument = model, source, class_weight, argument
        self.targets = targets
        try:
            self.num_batches = len(source)
        except TypeError:
            self.num_batches = None

    def _batches(self):
        return iter(self.source)

    def get_iterator(self) -> Iterator[tuple]:
        for index, batch in enumerate(self._batches()):
            yield self._converted(index, batch)

    def _converted(self, index, batch):
        """The batch as arrays, checked; a ValueError names the argument and the batch index."""
        try:
            x, y, sample_weight = nested.unpack_x_y_sample_weight(batch)
            if y is None or not self.targets:
                return (arrays.as_arrays(self.model, x)[0],)
            return arrays.prepare(self.model, x, y, sample_weight, self.class_weight)
        except ValueError as err:
            raise ValueError(f"{self.argument}, batch {index}: {err}") from err


class PyDatasetAdapter(IterableDataAdapter):
    """Batches `source[0]`, ..., `source[len(source) - 1]` of a Keras-style PyDataset; its
    `on_epoch_end()` (if any) after each pass. A `gw.data.PyDataset` loads them with its own
    `iter_epoch()` (its `workers` prefetch in order, and it calls `on_epoch_end` itself).
    Arguments as `IterableDataAdapter`."""

    def _batches(self):
        if isinstance(self.source, PyDataset):
            return self.source.iter_epoch()
        return (self.source[i] for i in range(len(self.source)))

    def on_epoch_end(self) -> None:
        hook = getattr(self.source, "on_epoch_end", None)
        if callable(hook) and not isinstance(self.source, PyDataset):
            hook()


def is_in_memory(x: object) -> bool:
    """True for arrays, Tensors, numbers and lists/tuples/dicts (of arrays): data that `arrays.prepare`
    takes whole; False for iterables of batches and PyDatasets."""
    if isinstance(x, (Tensor, list, tuple, dict, str, bytes)) or hasattr(x, "__array__"):
        return True
    return not (hasattr(x, "__iter__") or (hasattr(x, "__getitem__") and hasattr(x, "__len__")))


def streaming_adapter(model: Layer, source: object, class_weight: dict | None = None, argument: str = "x",
                      targets: bool = True, batch_size: int = 32, shuffle: bool = False) -> IterableDataAdapter:
    """The adapter for a source that is not in memory: a PyDataset or an iterable of batches. A
    `gw.data.Dataset` (samples, not batches) is batched by a `gw.data.DataLoader` of `batch_size`
    (shuffled with `shuffle`), as PyTorch's users batch theirs."""
    if isinstance(source, Dataset):
        return IterableDataAdapter(model, DataLoader(source, batch_size=batch_size, shuffle=shuffle), class_weight,
                                   argument, targets)
    kind = PyDatasetAdapter if hasattr(source, "__getitem__") and hasattr(source, "__len__") else IterableDataAdapter
    return kind(model, source, class_weight, argument, targets)


def check_streaming_arguments(model: Layer, source: object, argument: str, **unused: object) -> None:
    """Raise ValueError if an argument that only in-memory data takes was given with a streaming source
    (y, sample_weight, ...: the batches carry them); `unused` maps each name to its value, None when
    not given."""
    for name, value in unused.items():
        if value is not None:
            raise ValueError(f"{model.name}: {name} must not be given when {argument} is a "
                             f"{type(source).__name__} (its batches carry (x, y, sample_weight)); got {name}="
                             f"{type(value).__name__}")
