"""How `compile`'s loss, loss_weights and metrics apply to a model's outputs (Keras's rules).

Outputs are named as Keras names them: a dict output by its keys; a list/tuple output
"output_1", "output_2", ... (the names Keras gives the outputs of a subclassed model); a single
tensor "output_1".

- loss: one loss for every output, a list (one per output; None for an output without a loss),
  or a dict {output name: loss} (outputs left out have no loss).
- loss_weights: a list or dict of floats; the loss is the sum of weight * output loss (weight 1
  where none is given), plus the weight regularizers' penalties.
- metrics: a list applied to every output, a list of lists (one list per output), or a dict
  {output name: metric or list of metrics}.

Logs: "loss" (the weighted total), then "<output>_loss" for each output with a loss (its own
loss, unweighted, as Keras), then "<output>_<metric>", outputs in the order the model returns
them (a dict's own order); `fit` adds the same with a "val_" prefix. A model with a single
output logs "loss" and "<metric>" only. y (and a per-output sample_weight) is a list in output
order or a dict by output name.
"""
import copy
import numbers
from collections.abc import Callable

import numpy as np

from .. import losses as losses_module, metrics as metrics_module, optimizers
from ..metrics import Mean
from ..tensor import Tensor
from ..trainers import nested
from ..trainers.nested import Data


def _per_output(spec):
    """A list/tuple, or a dict keyed by output names (a config dict {"class_name": ...} is one object)."""
    return isinstance(spec, (list, tuple)) or (isinstance(spec, dict) and "class_name" not in spec)


def _map(fn, spec):
    if isinstance(spec, dict):
        return {k: fn(v) for k, v in spec.items()}
    return [fn(v) for v in spec]


def _as_list(value):
    return [] if value is None else list(value) if isinstance(value, (list, tuple)) else [value]


def _unique_name(name, seen):
    """`name`, or as Keras logs a repeated metric name, `name` + "_1", "_2", ... (the first one not in
    `seen`, which holds the names logged so far: "loss", the per-output losses, the metrics before); the
    name returned is added to `seen`."""
    unique, count = name, 0
    while unique in seen:
        count += 1
        unique = f"{name}_{count}"
    seen.add(unique)
    return unique


class CompileSpec:
    """compile's arguments, checked (unknown names raise here) and with the losses resolved to objects,
    before they are tied to the outputs of a model (`bind`).

    Parameters
    ----------
    model_name : str
        Starts every error message.
    loss, loss_weights, metrics
        As `Model.compile` takes them (see the module's docstring).
    """

    def __init__(self, model_name: str, loss: str | Callable | list | dict | None,
                 loss_weights: list | dict | None, metrics: list | dict | None):
        self.model_name = model_name
        if _per_output(loss):
            self.loss = _map(lambda v: None if v is None else losses_module.as_loss(v), loss)
        else:
            self.loss = None if loss is None else losses_module.as_loss(loss)
        self.loss_weights = self._checked_weights(loss_weights)
        self.metrics_kind, self.metrics = self._checked_metrics(metrics)
        for identifier in self._metric_identifiers():
            metrics_module.get(identifier)  # unknown names raise now, before compile changes anything

    def _checked_weights(self, weights):
        if weights is None:
            return None
        if not _per_output(weights):
            raise TypeError(
                f"{self.model_name}: loss_weights must be a list (one per output) or a dict by output name, "
                f"got {type(weights).__name__}"
            )
        for w in weights.values() if isinstance(weights, dict) else weights:
            if not isinstance(w, numbers.Real) or isinstance(w, bool):
                raise TypeError(f"{self.model_name}: loss_weights must be numbers, got {w!r}")
        return _map(float, weights)

    def _checked_metrics(self, metrics):
        """("all", [ids]) for every output, ("list", [[ids], ...]) or ("dict", {name: [ids]}) per output."""
        if metrics is None:
            return "all", []
        if isinstance(metrics, dict) and "class_name" not in metrics:
            return "dict", {k: _as_list(v) for k, v in metrics.items()}
        if not isinstance(metrics, (list, tuple)):
            raise TypeError(
                f"{self.model_name}: metrics must be a list (applied to every output), a list of lists "
                f"(one per output) or a dict by output name, got {type(metrics).__name__}: {metrics!r}"
            )
        if any(isinstance(m, (list, tuple)) for m in metrics):
            return "list", [_as_list(m) for m in metrics]
        return "all", list(metrics)

    def _metric_identifiers(self):
        if self.metrics_kind == "all":
            return self.metrics
        groups = self.metrics.values() if self.metrics_kind == "dict" else self.metrics
        return [m for group in groups for m in group]

    # ----- tying to outputs ---------------------------------------------------------------------
    def _by_output(self, spec, names, what, default):
        """One entry of a per-output list/dict for each output name (checked against the names)."""
        if isinstance(spec, dict):
            unknown = [k for k in spec if k not in names]
            if unknown:
                raise ValueError(
                    f"{self.model_name}: the {what} dict names unknown outputs {unknown}; "
                    f"the model's outputs are {names}"
                )
            return [spec.get(name, default) for name in names]
        if len(spec) != len(names):
            raise ValueError(
                f"{self.model_name}: compile got {len(spec)} {what} entries for {len(names)} outputs {names}"
            )
        return list(spec)

    def bind(self, outputs: object, output_names: list[str] | None = None) -> "CompiledOutputs":
        """The losses and metrics of each output of `outputs` (the model's output, or its output
        shapes): a `CompiledOutputs`. A list of outputs is named by `output_names` when given (a
        functional model's output layers), else "output_1", ... Raises when the losses, weights or
        metrics do not fit."""
        if isinstance(outputs, dict):
            names, keys = [str(k) for k in outputs], list(outputs)
        elif isinstance(outputs, (list, tuple)) and not nested.is_shape(outputs):
            names = output_names or [f"output_{i + 1}" for i in range(len(outputs))]
            keys = list(range(len(outputs)))
        else:
            names, keys = ["output_1"], [None]
        if _per_output(self.loss):
            per_loss = self._by_output(self.loss, names, "loss", None)
        else:
            per_loss = [self.loss] * len(names)
        if all(loss is None for loss in per_loss):
            raise ValueError(f"{self.model_name}: no output has a loss; outputs are {names}")
        weights = [None] * len(names)
        if self.loss_weights is not None:
            weights = self._by_output(self.loss_weights, names, "loss_weights", None)
        if self.metrics_kind == "all":
            per_metrics = [self.metrics] * len(names)
        else:
            per_metrics = [_as_list(m) for m in self._by_output(self.metrics, names, "metrics", None)]
        several = len(names) > 1
        heads, compiled_metrics = [], []
        seen = {"loss"} | {f"{name}_loss" for name, loss in zip(names, per_loss) if several and loss is not None}
        rows = zip(names, keys, per_loss, weights, per_metrics)
        for index, (name, key, loss, weight, ids) in enumerate(rows):
            tracker = Mean(name=f"{name}_loss") if several and loss is not None else None
            heads.append((index, name, key, loss, weight, tracker))
            for identifier in ids:
                metric = metrics_module.get(identifier, loss=loss)
                log_name = _unique_name(f"{name}_{metric.name}" if several else metric.name, seen)
                if log_name != metric.name:  # a Metric object given is copied, not renamed
                    metric = copy.deepcopy(metric) if metric is identifier else metric
                    metric.name = log_name
                compiled_metrics.append((index, name, key, metric))
        return CompiledOutputs(self.model_name, names, heads, compiled_metrics)

    # ----- saving ---------------------------------------------------------------------------------
    def get_config(self, optimizer: optimizers.Optimizer) -> dict:
        """JSON-ready compile arguments (raises for custom losses or metrics, which cannot be rebuilt)."""

        def loss_config(loss):
            return None if loss is None else losses_module.serialize(loss)

        def metric_config(metric):
            return metric if isinstance(metric, str) else metrics_module.serialize(metric)

        if self.metrics_kind == "all":
            metrics = [metric_config(m) for m in self.metrics]
        else:
            metrics = _map(lambda group: [metric_config(m) for m in group], self.metrics)
        return {
            "optimizer": optimizers.serialize(optimizer),
            "loss": _map(loss_config, self.loss) if _per_output(self.loss) else loss_config(self.loss),
            "loss_weights": self.loss_weights,
            "metrics": metrics,
        }


def compile_arguments(config: dict) -> dict:
    """The keyword arguments of `Model.compile` from `CompileSpec.get_config`'s output."""

    def loss(c):
        return None if c is None else losses_module.deserialize(c)

    def metric(c):
        return c if isinstance(c, str) else metrics_module.deserialize(c)

    spec, metrics = config["loss"], config["metrics"]
    if isinstance(metrics, dict):
        metrics = {k: [metric(m) for m in group] for k, group in metrics.items()}
    elif any(isinstance(m, list) for m in metrics):
        metrics = [[metric(m) for m in group] for group in metrics]
    else:
        metrics = [metric(m) for m in metrics]
    return {
        "optimizer": optimizers.deserialize(config["optimizer"]),
        "loss": _map(loss, spec) if _per_output(spec) else loss(spec),
        "loss_weights": config.get("loss_weights"),
        "metrics": metrics,
    }


def _is_builtin(loss):
    """Whether `loss` is one of gradwork's losses (whose checks may run on stand-in predictions; a
    custom loss is only ever called on the model's own outputs)."""
    if loss is None or not type(loss).__module__.startswith(losses_module.__name__):
        return False
    return not isinstance(loss, losses_module.LossFunctionWrapper) or losses_module.LOSS_FUNCTIONS.is_entry(loss.fn)


_CHECK_ROWS = 8192  # samples per check_target call (bounds the memory of a loss's stand-in predictions)


def _check_loss_values(model_name, loss, where, y, output_shape, sample_weight):
    """Check y (and sample_weight) against the built-in `loss` for the output's shape, in chunks
    (`Loss.check_target`); binary cross-entropy's labels must also lie in [0, 1].

    y : ndarray, shape (N, ...); output_shape : the output's shape, batch axis None (other None axes
    take y's sizes); sample_weight : ndarray of shape (N, ...), or None."""
    if getattr(loss, "fn", None) is losses_module.binary_crossentropy and y.size and (y.min() < 0 or y.max() > 1):
        raise ValueError(f"{model_name}: {where} must hold labels in [0, 1] for {loss.name}, got values from "
                         f"{y.min()} to {y.max()}")
    sizes = [y.shape[i] if d is None and 0 < i < y.ndim else d for i, d in enumerate(output_shape)]
    if any(d is None for d in sizes[1:]):
        return  # sizes not known before the forward pass: the loss checks each batch as it trains
    try:
        for start in range(0, len(y), _CHECK_ROWS):
            rows = slice(start, start + _CHECK_ROWS)
            weights = None if sample_weight is None else nested.take(sample_weight, rows)
            loss.check_target(y[rows], (len(y[rows]), *sizes[1:]), weights)
    except ValueError as err:
        raise ValueError(f"{model_name}: {where} does not fit the compiled loss: {err}") from err


class CompiledOutputs:
    """The losses and metrics of each output of one model: computes the weighted loss and updates
    the per-output loss trackers and metrics from (y, y_pred) structures. Made by `CompileSpec.bind`.

    Parameters
    ----------
    model_name : str
    names : list of str
        The output names ("output_1", ... or a dict output's keys).
    heads : list of tuple
        Per output: (index, name, key, loss or None, weight or None, loss tracker or None); key is None
        for a model with one output.
    metrics : list of tuple
        (index, name, key, Metric) for each compiled metric.

    Attributes
    ----------
    metrics : list of Metric, the compiled metrics
    log_metrics : list of Metric, what `fit` logs after "loss" (per-output losses, then metrics)
    """

    def __init__(self, model_name: str, names: list[str], heads: list[tuple], metrics: list[tuple]):
        self.model_name = model_name
        self.names = names
        self._heads = heads  # (index, name, key, loss or None, weight or None, loss tracker or None)
        self._metrics = metrics  # (index, name, key, Metric)
        self.metrics = [m for *_, m in metrics]
        self.log_metrics = [h[5] for h in heads if h[5] is not None] + self.metrics  # as fit logs them
        self.single = heads[0][2] is None  # the model returns one tensor, not a list or dict
        self._needs_target = {name for _, name, _, loss, _, _ in heads if loss is not None}
        self._needs_target.update(name for _, name, _, _ in metrics)

    def check_targets(self, y: Data, sample_weight: Data | None = None, output_shape: object = None) -> None:
        """Raise unless y (and sample_weight) give one array for each output that has a loss or metric,
        and, given the model's `output_shape`, unless each built-in loss accepts its y whole (label
        shapes, dtypes and ranges, sample_weight shapes): checked on all the samples before any step."""
        self._check(y, "y")
        if sample_weight is not None and nested.is_nested(sample_weight):
            self._check(sample_weight, "sample_weight")
        if output_shape is None:
            return
        for index, name, key, loss, _, _ in self._heads:
            if _is_builtin(loss):
                shape = output_shape if key is None else output_shape[key]
                weights = sample_weight if key is None else nested.part(sample_weight, name, index)
                target = y if key is None else nested.part(y, name, index)
                where = "y" if key is None else f"y[{key!r}]"
                _check_loss_values(self.model_name, loss, where, np.asarray(target), shape, weights)

    def _check(self, value, what):
        names = self.names
        if self.single:
            if nested.is_nested(value):
                raise ValueError(f"{self.model_name}: the model has one output, but {what} is a "
                                 f"{type(value).__name__} of {len(value)} arrays")
            return
        if isinstance(value, dict):
            unknown = [k for k in value if k not in names]
            missing = [n for n in names if n in self._needs_target and n not in value]
            if unknown or missing:
                raise ValueError(
                    f"{self.model_name}: {what} must be keyed by the output names {names}; "
                    f"unknown keys {unknown}, missing {missing}"
                )
        elif isinstance(value, (list, tuple)) and len(value) != len(names):
            raise ValueError(
                f"{self.model_name}: {what} has {len(value)} arrays for {len(names)} outputs {names}"
            )
        elif not nested.is_nested(value):
            raise ValueError(
                f"{self.model_name}: the model has {len(names)} outputs {names}; {what} must be a list "
                f"or a dict of {len(names)} arrays, got one array"
            )

    def loss(self, y: Data, y_pred: Tensor | list | dict, sample_weight: Data | None = None) -> Tensor:
        """The sum of weight * loss over the outputs, a scalar Tensor (shape ()); updates the per-output
        loss trackers. y, sample_weight: (N, ...) and (N,) arrays, or one per output; y_pred: Tensors."""
        total = None
        batch = None
        for index, name, key, loss, weight, tracker in self._heads:
            if loss is None:
                continue
            if key is None:  # the model's one output: y, y_pred and sample_weight whole
                value = loss(y, y_pred, sample_weight=sample_weight)
            else:
                value = loss(nested.part(y, name, index), y_pred[key],
                             sample_weight=nested.part(sample_weight, name, index))
            if tracker is not None:
                batch = len(y_pred[key]) if batch is None else batch
                tracker.update_state(float(value.data), sample_weight=batch)
            if weight is not None:
                value = value * weight
            total = value if total is None else total + value
        return total

    def update_metrics(self, y: Data, y_pred: Data, sample_weight: Data | None = None) -> None:
        """Update every output's metrics from y, the predicted arrays and the sample weights."""
        for index, name, key, metric in self._metrics:
            if key is None:  # the model's one output
                metric.update_state(y, y_pred, sample_weight)
            else:
                metric.update_state(nested.part(y, name, index), y_pred[key],
                                    nested.part(sample_weight, name, index))
