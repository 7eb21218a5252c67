"""The loops behind `Model.fit`, `evaluate` and `predict`: batches, callbacks, validation, metrics.

x and y may be arrays or lists/dicts of arrays (several inputs or outputs; see `structure`). The loops
use the model's public methods only: `check_targets`, `train_step`, `compute_loss`, `compute_metrics`,
`reset_metrics`.
"""
import math

import numpy as np

from .. import callbacks as callbacks_module
from ..autograd.grad_mode import no_grad
from ..data.utils import split_sizes
from ..callbacks import Callback, History
from ..metrics import Mean
from ..nn.layer import Layer
from ..nn.shapes import matches_shape
from ..random import get_generator
from ..tensor import Tensor
from . import structure
from .structure import Data, take


def _array(value, dtype):
    """`value` as an ndarray; floats in `dtype`."""
    value = value.data if isinstance(value, Tensor) else np.asarray(value)
    return value.astype(dtype) if value.dtype.kind == "f" and value.dtype != dtype else value


def as_arrays(model: Layer, x: Data, y: Data | None = None) -> tuple[Data, Data | None]:
    """(x, y) as NumPy arrays of shape (N, ...), or lists/dicts of them for several inputs (outputs);
    floats in the model's dtype; sample counts and input shapes checked (ValueError)."""
    expected = model.build_input_shape
    several = expected is not None and not structure.is_shape(expected)
    if structure.is_nested(x, known=several) or structure.is_nested(y) or several:
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
    several = structure.is_nested(x, known=True)
    x = structure.map_nested(lambda v: _array(v, model.dtype), x) if several else _array(x, model.dtype)
    arrays = structure.labelled(x, "x") if several else [("x", x)]
    for label, a in arrays:
        if a.ndim == 0:
            raise ValueError(f"{model.name}: {label} must have a batch axis, got a scalar")
    _check_input_shapes(model, x, several)
    if y is not None:
        y = structure.map_nested(lambda v: _array(v, model.dtype), y) if structure.is_nested(y) else _array(
            y, model.dtype)
        arrays += structure.labelled(y, "y") if structure.is_nested(y) else [("y", y)]
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
    if structure.is_shape(expected):
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
    for (label, a), key in zip(structure.labelled(x, "x"), keys):
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
        if not structure.is_nested(sample_weight):  # one array (or a list of numbers)
            return np.asarray(sample_weight, dtype=np.float32)
        return structure.map_nested(lambda w: np.asarray(w, dtype=np.float32), sample_weight)
    if structure.is_nested(y):
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


def format_result(logs: dict[str, float], return_dict: bool) -> float | list[float] | dict[str, float]:
    """Keras's return convention: a dict, a single float, or [loss, *metrics]."""
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def _verbosity(verbose):
    return 1 if verbose == "auto" else int(verbose)


def _split_validation(model, x, y, sample_weight, validation_split):
    """Hold out the last `validation_split` fraction (before any shuffling), as Keras does."""
    if not 0 < validation_split < 1:
        raise ValueError(f"{model.name}: validation_split must be in (0, 1), got {validation_split}")
    n = structure.num_samples(x)
    cut, held_out = split_sizes(n, validation_split)
    if cut == 0 or held_out == 0:
        raise ValueError(f"{model.name}: validation_split={validation_split} of {n} samples leaves an empty set")
    head, tail = slice(None, cut), slice(cut, None)
    sw = (None, None) if sample_weight is None else (take(sample_weight, head), take(sample_weight, tail))
    return (take(x, head), take(y, head), sw[0]), (take(x, tail), take(y, tail), sw[1])


def fit(model: Layer, x: Data, y: Data, batch_size: int, epochs: int, verbose: int | str,
        callbacks: list[Callback] | None, validation_split: float, validation_data: tuple | None,
        shuffle: bool, class_weight: dict | None, sample_weight: Data | None, initial_epoch: int) -> History:
    """`Model.fit`'s loop (arguments as there): per epoch, shuffled batches through `model.train_step`,
    running averages in the batch logs, then the validation pass's "val_" values in the epoch logs."""
    x, y, weights = prepare(model, x, y, sample_weight, class_weight)
    val = None
    if validation_data is not None:
        val = prepare(model, *validation_data[:2], validation_data[2] if len(validation_data) > 2 else None)
    elif validation_split:
        (x, y, weights), val = _split_validation(model, x, y, weights, validation_split)
    n = structure.num_samples(x)
    steps = math.ceil(n / batch_size)
    verbose = _verbosity(verbose)
    cbs = callbacks_module.CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=model,
                                        verbose=verbose, epochs=epochs, steps=steps)
    loss_tracker = Mean(name="loss")
    model.stop_training = False
    cbs.on_train_begin()
    logs = {}
    for epoch in range(initial_epoch, epochs):
        loss_tracker.reset_state()
        model.reset_metrics()
        cbs.on_epoch_begin(epoch)
        order = get_generator().permutation(n) if shuffle else np.arange(n)
        for step in range(steps):
            idx = order[step * batch_size:(step + 1) * batch_size]
            cbs.on_train_batch_begin(step)
            xb, yb = take(x, idx), take(y, idx)
            wb = None if weights is None else take(weights, idx)
            loss, y_pred = model.train_step(xb, yb, wb)
            loss_tracker.update_state(loss, sample_weight=len(idx))
            logs = {"loss": loss_tracker.result(), **model.compute_metrics(xb, yb, y_pred, wb)}
            cbs.on_train_batch_end(step, logs)
            if model.stop_training:
                break
        if val is not None:
            val_logs = evaluate(model, val[0], val[1], batch_size, 0, val[2], None)
            logs.update({"val_" + k: v for k, v in val_logs.items()})
        cbs.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    cbs.on_train_end(logs)
    return model.history


def evaluate(model: Layer, x: Data, y: Data, batch_size: int, verbose: int | str, sample_weight: Data | None,
             callbacks: list[Callback] | None) -> dict[str, float]:
    """`Model.evaluate`'s loop: the logs {"loss": ..., metric: ...} over all of (x, y), in inference mode."""
    x, y, weights = prepare(model, x, y, sample_weight)
    n = structure.num_samples(x)
    steps = math.ceil(n / batch_size)
    cbs = callbacks_module.CallbackList(callbacks, add_history=False, add_progbar=False, model=model,
                                        verbose=_verbosity(verbose), epochs=1, steps=steps)
    loss_tracker = Mean(name="loss")
    model.reset_metrics()
    cbs.on_test_begin()
    logs = {}
    with no_grad():
        for step in range(steps):
            sl = slice(step * batch_size, (step + 1) * batch_size)
            cbs.on_test_batch_begin(step)
            xb, yb = take(x, sl), take(y, sl)
            wb = None if weights is None else take(weights, sl)
            y_pred = model(xb, training=False)
            count = min(batch_size, n - step * batch_size)
            loss_tracker.update_state(float(model.compute_loss(yb, y_pred, wb).data), sample_weight=count)
            logs = {"loss": loss_tracker.result(), **model.compute_metrics(xb, yb, structure.as_data(y_pred), wb)}
            cbs.on_test_batch_end(step, logs)
    cbs.on_test_end(logs)
    return logs


def predict(model: Layer, x: Data, batch_size: int, verbose: int | str,
            callbacks: list[Callback] | None) -> Data:
    """`Model.predict`'s loop: the outputs of every batch joined, shape (N, ...) (or a list/dict of them)."""
    x, _ = as_arrays(model, x)
    steps = math.ceil(structure.num_samples(x) / batch_size)
    cbs = callbacks_module.CallbackList(callbacks, add_history=False, add_progbar=False, model=model,
                                        verbose=_verbosity(verbose), epochs=1, steps=steps)
    outputs = []
    cbs.on_predict_begin()
    with no_grad():
        for step in range(steps):
            cbs.on_predict_batch_begin(step)
            out = structure.as_data(model(take(x, slice(step * batch_size, (step + 1) * batch_size)),
                                          training=False))
            outputs.append(out)
            cbs.on_predict_batch_end(step, {"outputs": out})
    cbs.on_predict_end()
    if outputs:
        return structure.concatenate(outputs)
    with no_grad():  # no samples: the outputs of one zero sample, less the sample (the model's structure)
        out = model(structure.map_nested(lambda a: np.zeros((1,) + a.shape[1:], a.dtype), x), training=False)
    return structure.take(structure.as_data(out), slice(0, 0))
