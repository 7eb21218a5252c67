"""In-memory data (arrays, or lists/dicts of arrays): converted and checked against the model once.

`prepare` turns what `fit`/`evaluate` were given into arrays in the model's dtype, with the sample counts,
input shapes, targets and sample weights checked (an unbuilt model is built first) before anything trains.
The streaming adapters run it on each batch.
"""
import numpy as np

from ..data.utils import split_sizes
from ..nn.layer import Layer
from ..nn.shapes import matches_shape
from ..tensor import as_array
from . import nested
from .nested import Data, take


def _array(value, dtype):
    """`value` as an ndarray; floats in `dtype`, but for a memory-mapped array, which stays on disk (its
    batches are converted as they are read: the layers and losses cast their inputs)."""
    if isinstance(value, np.memmap):
        return value
    value = as_array(value)
    return value.astype(dtype) if value.dtype.kind == "f" and value.dtype != dtype else value


def as_arrays(model: Layer, x: Data, y: Data | None = None) -> tuple[Data, Data | None]:
    """(x, y) as NumPy arrays of shape (N, ...), or lists/dicts of them for several inputs (outputs);
    floats in the model's dtype; sample counts and input shapes checked (ValueError)."""
    expected = model.build_input_shape
    several = expected is not None and not nested.is_shape(expected)
    names = getattr(model, "input_names", None)
    if isinstance(x, dict) and isinstance(expected, list) and names and set(x) == set(names):
        x = [x[name] for name in names]  # a functional model's inputs by their names
    if nested.is_nested(x, known=several) or nested.is_nested(y) or several:
        return _as_nested_arrays(model, x, y)
    x = _array(x, model.dtype)
    if x.ndim == 0:
        raise ValueError(f"{model.name}: x must have a batch axis, got a scalar")
    _check_real(model, "x", x)
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
        _check_real(model, label, a)
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


def _check_real(model, label, x):
    """Raise ValueError unless the input array `x` holds real numbers or booleans (not complex numbers,
    strings or Python objects)."""
    if x.dtype.kind not in "biuf":
        raise ValueError(f"{model.name}: {label} must hold real numbers or booleans, got dtype {x.dtype}")


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


def _checked_weights(model, label, weights, n):
    """`weights` as float32, checked: one per sample (shape (n, ...)), finite, non-negative, not all zero."""
    weights = np.asarray(weights, dtype=np.float32)
    if weights.ndim == 0 or len(weights) != n:
        got = "a scalar" if weights.ndim == 0 else f"{len(weights)} weights"
        raise ValueError(f"{model.name}: {label} must have one weight per sample ({n}), got {got}")
    if not np.isfinite(weights).all():
        raise ValueError(f"{model.name}: {label} must be finite, got NaN or infinite weights")
    if (weights < 0).any():
        raise ValueError(f"{model.name}: {label} must be non-negative, got {weights.min()}")
    if not weights.any():
        raise ValueError(f"{model.name}: {label} is all zero: no sample would count")
    return weights


def _checked_class_weight(model, class_weight, classes):
    """Raise ValueError unless every key of `class_weight` is a class in range(classes) and every weight
    a finite, non-negative number."""
    for cls, w in class_weight.items():
        if isinstance(cls, bool) or not isinstance(cls, (int, np.integer)) or not 0 <= cls < classes:
            raise ValueError(f"{model.name}: class_weight keys must be classes 0 to {classes - 1}, got {cls!r}")
        if not np.isfinite(w) or w < 0:
            raise ValueError(f"{model.name}: class_weight[{cls!r}] must be a finite non-negative number, got {w!r}")


def sample_weights(model: Layer, y: Data, sample_weight: Data | None = None,
                   class_weight: dict | None = None) -> Data | None:
    """Per-sample loss weights, float32 of shape (N,) (or one per output), from `sample_weight` and/or a
    {class: weight} dict applied to the labels y (integer (N,) or one-hot (N, classes)); None when neither.

    Raises
    ------
    ValueError
        For sample weights not one per sample, not finite, negative or all zero; for class_weight keys
        that are not classes of y (one-hot) or of the model's single output (built: its last axis).
    """
    n = nested.num_samples(y)
    if sample_weight is not None and nested.is_nested(sample_weight):
        if class_weight is not None:
            raise ValueError(f"{model.name}: class_weight is only supported for a model with a single output")
        return nested.map_nested(lambda w: _checked_weights(model, "sample_weight", w, n), sample_weight)
    weights = None if sample_weight is None else _checked_weights(model, "sample_weight", sample_weight, n)
    if class_weight is None:
        return weights
    if nested.is_nested(y):
        raise ValueError(f"{model.name}: class_weight is only supported for a model with a single output; "
                         "give sample_weight (one array per output) instead")
    one_hot = y.ndim > 1 and y.shape[-1] > 1
    classes = y.shape[-1] if one_hot else max(2, (model.output_shape or (None, 2))[-1] or 2)
    _checked_class_weight(model, class_weight, classes)
    labels = (y.argmax(axis=-1) if one_hot else y.reshape(len(y), -1)[:, 0]).astype(np.int64)
    table = np.ones(int(max(classes, labels.max() + 1)), dtype=np.float32)
    for cls, w in class_weight.items():
        table[cls] = w
    weighted = table[labels]
    return _checked_weights(model, "sample_weight (with class_weight)", weighted if weights is None else
                            weighted * weights, n)


def prepare(model: Layer, x: Data, y: Data, sample_weight: Data | None = None,
            class_weight: dict | None = None) -> tuple[Data, Data, Data | None]:
    """(x, y, per-sample weights) as arrays, checked against the model (built first if it is not) on all
    the samples: x's dtypes and shapes, y for the compiled losses (label ranges), the weights. What `fit`,
    `evaluate` and `train_on_batch` work on; nothing in the model changes if it raises (ValueError)."""
    x, y = as_arrays(model, x, y)
    if nested.num_samples(x) == 0:
        raise ValueError(f"{model.name}: x has 0 samples: there is nothing to train on or evaluate")
    weights = sample_weights(model, y, sample_weight)
    model.check_targets(x, y, weights)  # builds an unbuilt model: its output_shape gives class_weight's classes
    return x, y, weights if class_weight is None else sample_weights(model, y, weights, class_weight)


def split_validation(model: Layer, x: Data, y: Data, sample_weight: Data | None,
                     validation_split: float) -> tuple[tuple, tuple]:
    """Hold out the last `validation_split` fraction, in (0, 1) (before any shuffling), as Keras does."""
    n = nested.num_samples(x)
    cut, held_out = split_sizes(n, validation_split)
    if cut == 0 or held_out == 0:
        raise ValueError(f"{model.name}: validation_split={validation_split} of {n} samples leaves an empty set")
    head, tail = slice(None, cut), slice(cut, None)
    sw = (None, None) if sample_weight is None else (take(sample_weight, head), take(sample_weight, tail))
    return (take(x, head), take(y, head), sw[0]), (take(x, tail), take(y, tail), sw[1])
