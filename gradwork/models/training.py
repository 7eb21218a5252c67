"""The loops behind `Model.fit`, `evaluate` and `predict`: batches, callbacks, validation, metrics."""
import math

import numpy as np

from .. import callbacks as callbacks_module
from ..autograd.grad_mode import no_grad
from ..metrics import Mean
from ..random import get_generator
from ..tensor import Tensor


def as_arrays(model, x, y=None):
    """x (and y) as NumPy arrays; float inputs in the model's dtype; lengths and input shape checked."""
    x = x.data if isinstance(x, Tensor) else np.asarray(x)
    if x.dtype.kind == "f" and x.dtype != model.dtype:
        x = x.astype(model.dtype)
    if x.ndim == 0:
        raise ValueError(f"{model.name}: x must have a batch axis, got a scalar")
    expected = model.build_input_shape
    if expected is not None and tuple(x.shape[1:]) != tuple(expected[1:]):
        raise ValueError(f"{model.name}: expected inputs of shape {expected}, got {(None,) + x.shape[1:]}")
    if y is None:
        return x, None
    y = y.data if isinstance(y, Tensor) else np.asarray(y)
    if y.dtype.kind == "f" and y.dtype != model.dtype:
        y = y.astype(model.dtype)
    if len(y) != len(x):
        raise ValueError(f"{model.name}: x has {len(x)} samples but y has {len(y)}")
    return x, y


def sample_weights(y, sample_weight=None, class_weight=None):
    """Per-sample loss weights from `sample_weight` and/or a {class: weight} dict (None when neither)."""
    if class_weight is None:
        return None if sample_weight is None else np.asarray(sample_weight, dtype=np.float32)
    labels = y.argmax(axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(len(y), -1)[:, 0]
    labels = labels.astype(np.int64)
    table = np.ones(int(max(max(class_weight), labels.max())) + 1, dtype=np.float32)
    for cls, w in class_weight.items():
        table[int(cls)] = w
    weights = table[labels]
    return weights if sample_weight is None else weights * np.asarray(sample_weight, dtype=np.float32)


def format_result(logs, return_dict):
    """Keras's return convention: a dict, a single float, or [loss, *metrics]."""
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def _verbosity(verbose):
    return 1 if verbose == "auto" else int(verbose)


def _split_validation(x, y, sample_weight, validation_split):
    """Hold out the last `validation_split` fraction (before any shuffling), as Keras does."""
    if not 0 < validation_split < 1:
        raise ValueError(f"validation_split must be in (0, 1), got {validation_split}")
    cut = int(len(x) * (1 - validation_split))
    if cut == 0 or cut == len(x):
        raise ValueError(f"validation_split={validation_split} of {len(x)} samples leaves an empty set")
    sw = (None, None) if sample_weight is None else (sample_weight[:cut], sample_weight[cut:])
    return (x[:cut], y[:cut], sw[0]), (x[cut:], y[cut:], sw[1])


def fit(model, x, y, batch_size, epochs, verbose, callbacks, validation_split, validation_data, shuffle,
        class_weight, sample_weight, initial_epoch):
    x, y = as_arrays(model, x, y)
    weights = sample_weights(y, sample_weight, class_weight)
    val = None
    if validation_data is not None:
        xv, yv = validation_data[:2]
        val = (*as_arrays(model, xv, yv), validation_data[2] if len(validation_data) > 2 else None)
    elif validation_split:
        (x, y, weights), val = _split_validation(x, y, weights, validation_split)
    n = len(x)
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
        for m in model.compiled_metrics:
            m.reset_state()
        cbs.on_epoch_begin(epoch)
        order = get_generator().permutation(n) if shuffle else np.arange(n)
        for step in range(steps):
            idx = order[step * batch_size:(step + 1) * batch_size]
            cbs.on_train_batch_begin(step)
            xb, yb = x[idx], y[idx]
            wb = None if weights is None else weights[idx]
            loss, y_pred = model.train_step(xb, yb, wb)
            loss_tracker.update_state(loss, sample_weight=len(idx))
            for m in model.compiled_metrics:
                m.update_state(yb, y_pred, wb)
            logs = {"loss": loss_tracker.result(), **{m.name: m.result() for m in model.compiled_metrics}}
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


def evaluate(model, x, y, batch_size, verbose, sample_weight, callbacks):
    x, y = as_arrays(model, x, y)
    weights = sample_weights(y, sample_weight)
    n = len(x)
    steps = math.ceil(n / batch_size)
    cbs = callbacks_module.CallbackList(callbacks, add_history=False, add_progbar=False, model=model,
                                        verbose=_verbosity(verbose), epochs=1, steps=steps)
    loss_tracker = Mean(name="loss")
    for m in model.compiled_metrics:
        m.reset_state()
    cbs.on_test_begin()
    logs = {}
    with no_grad():
        for step in range(steps):
            sl = slice(step * batch_size, (step + 1) * batch_size)
            cbs.on_test_batch_begin(step)
            xb, yb = x[sl], y[sl]
            wb = None if weights is None else weights[sl]
            y_pred = model(xb, training=False)
            loss_tracker.update_state(float(model.compute_loss(yb, y_pred, wb).data), sample_weight=len(xb))
            for m in model.compiled_metrics:
                m.update_state(yb, y_pred.data, wb)
            logs = {"loss": loss_tracker.result(), **{m.name: m.result() for m in model.compiled_metrics}}
            cbs.on_test_batch_end(step, logs)
    cbs.on_test_end(logs)
    return logs


def predict(model, x, batch_size, verbose, callbacks):
    x, _ = as_arrays(model, x)
    steps = math.ceil(len(x) / batch_size)
    cbs = callbacks_module.CallbackList(callbacks, add_history=False, add_progbar=False, model=model,
                                        verbose=_verbosity(verbose), epochs=1, steps=steps)
    outputs = []
    cbs.on_predict_begin()
    with no_grad():
        for step in range(steps):
            cbs.on_predict_batch_begin(step)
            out = model(x[step * batch_size:(step + 1) * batch_size], training=False).data
            outputs.append(out)
            cbs.on_predict_batch_end(step, {"outputs": out})
    cbs.on_predict_end()
    return np.concatenate(outputs) if outputs else np.zeros((0,))
