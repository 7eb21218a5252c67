"""In-memory data (arrays, or lists/dicts of arrays): converted and checked against the model once.

`prepare` turns what `fit`/`evaluate` were given into arrays in the model's dtype, with the sample counts,
input shapes, targets and sample weights checked (an unbuilt model is built first) before anything trains.
The streaming adapters run it on each batch.
"""
import numpy as np

from ..data.utils import split_sizes
from ..nn.layer import Layer
from ..nn.shapes import matches_shape
from ..tensor import Tensor
from . import nested
from .nested import Data, take


def _array(value, dtype):
    """`value` as an ndarray; floats in `dtype`."""
    value = value.data if isinstance(value, Tensor) else np.asarray(value)
    return value.astype(dtype) if value.dtype.kind == "f" and value.dtype != dtype else value


def as_arrays(model: Layer, x: Data, y: Data | None = None) -> tuple[Data, Data | None]:
    """(x, y) as NumPy arrays of shape (N, ...), or lists/dicts of them for several inputs (outputs);
    floats in the model's dtype; sample counts and input shapes checked (ValueError)."""
    expected = model.build_input_shape
    several = expected is not None and not nested.is_shape(expected)
    if nested.is_nested(x, known=several) or nested.is_nested(y) or several:
        return _as_nested_arrays(model, x, y)
    x = _array(x, model.dtype)
    if x.ndim == 0:
        raise ValueError(f"{model.name}: x must have a batch axis, got a scalar")
    _check_input_shapes(model, x, several=False)
    if y is None:
        return x, None
    y = _array(y, model.dtype)
    if len(y) != len(x):
        raise ValueError(f"{model.name}: x has {len(x)} samples but y has {len(y)}")
    return x, y


def _as_nested_arrays(model, x, y):
    """as_arrays for several inputs or outputs: every array checked, all with one number of samples."""
    several = nested.is_nested(x, known=True)
    x = nested.map_nested(lambda v: _array(v, model.dtype), x) if several else _array(x, model.dtype)
    arrays = nested.labelled(x, "x") if several else [("x", x)]
    for label, a in arrays:
        if a.ndim == 0:
            raise ValueError(f"{model.name}: {label} must have a batch axis, got a scalar")
    _check_input_shapes(model, x, several)
    if y is not None:
        y = nested.map_nested(lambda v: _array(v, model.dtype), y) if nested.is_nested(y) else _array(
            y, model.dtype)
        arrays += nested.labelled(y, "y") if nested.is_nested(y) else [("y", y)]
    counts = [(label, len(a) if a.ndim else 0) for label, a in arrays]
    if len({n for _, n in counts}) > 1:
        raise ValueError(f"{model.name}: every input and target needs the same number of samples, but "
                         + ", ".join(f"{label} has {n}" for label, n in counts))
    return x, y


def _check_input_shapes(model, x, several):
    """Raise unless x (one array, or a list/dict of them when `several`) has the structure and shapes
    the model was built for."""
    expected = model.build_input_shape
    if expected is None:
        return
    if nested.is_shape(expected):
        if several:
            raise ValueError(f"{model.name}: expected one input of shape {expected}, got a {type(x).__name__} "
                             f"of {len(x)} arrays")
        if not matches_shape(expected[1:], x.shape[1:]):
            raise _shape_error(model, "inputs", expected, x)
        return
    if not several:
        raise ValueError(f"{model.name}: expected {len(expected)} inputs {expected}, got one array")
    if isinstance(expected, dict) != isinstance(x, dict) or (
            set(expected) != set(x) if isinstance(x, dict) else len(expected) != len(x)):
        names = sorted(expected) if isinstance(expected, dict) else f"{len(expected)} arrays"
        given = sorted(x) if isinstance(x, dict) else f"{len(x)} arrays"
        raise ValueError(f"{model.name}: expected inputs {names} (shapes {expected}), got {given}")
    keys = list(x) if isinstance(x, dict) else range(len(x))
    for (label, a), key in zip(nested.labelled(x, "x"), keys):
        if not matches_shape(expected[key][1:], a.shape[1:]):
            raise _shape_error(model, f"input {label}", tuple(expected[key]), a)


def _shape_error(model, what, expected, x):
    """The error for inputs `x` whose sample shape is not the `expected` one. Where only the sizes of
    the middle axes differ (sequence lengths, image sizes), it says how to declare them free: a model
    keeps the sizes it was built with, as Keras's does, unless its Input gives None for them."""
    got = (None,) + x.shape[1:]
    message = f"{model.name}: expected {what} of shape {expected}, got {got}"
    if len(got) == len(expected) > 2 and got[-1] == expected[-1]:
        free = tuple(None if g != e else e for g, e in zip(got[1:], expected[1:]))
        message += f"; to accept any size on an axis, declare it None: Input(shape={free})"
    return ValueError(message)


def sample_weights(model: Layer, y: Data, sample_weight: Data | None = None,
                   class_weight: dict | None = None) -> Data | None:
    """Per-sample loss weights, float32 of shape (N,) (or one per output), from `sample_weight` and/or a
    {class: weight} dict applied to the labels y (integer (N,) or one-hot (N, classes)); None when neither."""
    if class_weight is None:
        if sample_weight is None:
            return None
        if not nested.is_nested(sample_weight):  # one array (or a list of numbers)
            return np.asarray(sample_weight, dtype=np.float32)
        return nested.map_nested(lambda w: np.asarray(w, dtype=np.float32), sample_weight)
    if nested.is_nested(y):
        raise ValueError(f"{model.name}: class_weight is only supported for a model with a single output; "
                         "give sample_weight (one array per output) instead")
    labels = y.argmax(axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(len(y), -1)[:, 0]
    labels = labels.astype(np.int64)
    table = np.ones(int(max(max(class_weight), labels.max())) + 1, dtype=np.float32)
    for cls, w in class_weight.items():
        table[int(cls)] = w
    weights = table[labels]
    return weights if sample_weight is None else weights * np.asarray(sample_weight, dtype=np.float32)


def prepare(model: Layer, x: Data, y: Data, sample_weight: Data | None = None,
            class_weight: dict | None = None) -> tuple[Data, Data, Data | None]:
    """(x, y, per-sample weights) as arrays, checked against the model (built first if it is not):
    what `fit`, `evaluate` and `train_on_batch` work on."""
    x, y = as_arrays(model, x, y)
    weights = sample_weights(model, y, sample_weight, class_weight)
    model.check_targets(x, y, weights)
    return x, y, weights


def split_validation(model: Layer, x: Data, y: Data, sample_weight: Data | None,
                     validation_split: float) -> tuple[tuple, tuple]:
    """Hold out the last `validation_split` fraction (before any shuffling), as Keras does."""
    if not 0 < validation_split < 1:
        raise ValueError(f"{model.name}: validation_split must be in (0, 1), got {validation_split}")
    n = nested.num_samples(x)
    cut, held_out = split_sizes(n, validation_split)
    if cut == 0 or held_out == 0:
        raise ValueError(f"{model.name}: validation_split={validation_split} of {n} samples leaves an empty set")
    head, tail = slice(None, cut), slice(cut, None)
    sw = (None, None) if sample_weight is None else (take(sample_weight, head), take(sample_weight, tail))
    return (take(x, head), take(y, head), sw[0]), (take(x, tail), take(y, tail), sw[1])
