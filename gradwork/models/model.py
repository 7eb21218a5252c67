"""`Model`: a layer that can be compiled, trained, evaluated, summarised and saved (Keras's API).

Subclass it and write `call(self, inputs, training=False)`, or use `Sequential`. `inputs` may be
one array or a list/tuple/dict of arrays (several inputs), and `call` may return one tensor or a
list/tuple/dict of tensors (several outputs; see `compile_utils` for their losses and log names).
`fit`, `evaluate`, `predict` and the `*_on_batch` methods come from `gradwork.trainers.Trainer`, which
feeds batches to the steps defined here (`train_step(data)`, `test_step(data)`, `predict_step(data)`:
the override points) and uses the model's public methods only.

Dependencies run one way: `gradwork.models` imports `gradwork.saving` (`save`, `save_weights`, `load_weights`;
`load_model` is saving's), and `gradwork.saving` never imports `gradwork.models`: it writes and restores the
compile settings through `get_compile_config` and `compile_from_config`, which turn them to JSON and back.

Shapes: x is (N, *input_shape) or a list/dict of such arrays; y is what each output's loss takes, e.g.
(N,) integer labels or (N, classes); sample_weight is (N,), or one per output.
"""
from collections.abc import Callable
from typing import Any
from os import PathLike

import numpy as np

from .. import optimizers
from ..autograd.grad_mode import no_grad
from ..metrics import Mean, Metric
from ..nn.building import undo_build_on_error
from ..nn.layer import Layer
from ..nn.symbolic import is_symbolic
from ..registry import get_registered_class
from ..saving import model_io
from ..tensor import Tensor
from ..tensor_data import increment_version
from ..trainers import nested
from ..trainers.nested import Data
from ..trainers.trainer import Trainer
from . import structure
from .compile_utils import CompileSpec, compile_arguments
from .structure import Shapes
from .inspection import Inspection


class Model(Trainer, Inspection, Layer):
    """A trainable network: `compile`, `fit`, `evaluate`, `predict`, `summary`, `save`.

    Several inputs and outputs: `call(self, inputs)` receives the list/dict given to `fit`/`predict`
    and may return a list/dict; a layer called twice in `call` shares its weights (a siamese encoder).

    Parameters
    ----------
    **kwargs : `Layer`'s arguments (name, trainable, dtype, input_shape)

    Attributes
    ----------
    optimizer : Optimizer or None, set by `compile`
    history : History or None, the last `fit`'s record
    stop_training : bool, set by a callback to end `fit` after the current batch
    skip_nonfinite_loss : bool, set by `TerminateOnNaN` for its `fit`: a batch whose loss is NaN or
        infinite updates nothing and logs that loss, instead of raising FloatingPointError
    build_input_shape : the input shape(s) it was built for, batch axis None (saved with the model)
    metadata : dict, JSON-safe facts saved with the model (class names, dataset, ...)

    Examples
    --------
    >>> class MLP(gw.Model):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = gw.nn.Dense(64, activation="relu")
    ...         self.out = gw.nn.Dense(10)
    ...     def call(self, x, training=False):
    ...         return self.out(self.hidden(x))
    >>> MLP()(np.zeros((2, 784))).shape
    (2, 10)
    """

    output_names = None  # a functional model names its list of outputs by their layers...
    input_names = None  # ...and its list of inputs by their Input layers (x may be a dict by those names)

    def __new__(cls, *args: Any, **kwargs: Any) -> "Model":
        """`gw.Model(inputs, outputs)` makes a functional model (`Functional`), as in Keras."""
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            cls = get_registered_class("Functional")
        return super().__new__(cls)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.optimizer = None
        self.stop_training = False
        self.skip_nonfinite_loss = False
        self.history = None
        self.build_input_shape = None
        self.metadata = {}  # JSON-safe facts saved with the model (class names, dataset, ...)
        self._groups = None
        self._loss_tracker = Mean(name="loss")  # the running mean of the loss that the steps log
        self._compile_spec = None  # compile's arguments (CompileSpec)
        self._outputs = None  # ...tied to the model's outputs (CompiledOutputs), once they are known

    def __call__(self, inputs, *args, **kwargs):
        if self.built or is_symbolic(inputs, args, kwargs):
            return super().__call__(inputs, *args, **kwargs)
        with undo_build_on_error(self):  # a failed first call must not pin the model to that input shape
            # sublayers build themselves lazily; remember the input shape(s) for saving
            self.built, self.build_input_shape = True, structure.batch_shapes(inputs)
            return super().__call__(inputs, *args, **kwargs)

    def _unbuild(self) -> None:
        super()._unbuild()
        self.build_input_shape = None
        self._outputs = None  # tied to the outputs of that build

    def build(self, input_shape: Shapes) -> None:
        """Create every weight by running one zero sample of `input_shape` (batch axis first; a list or
        dict of shapes for several inputs) through the model; nothing happens if it is built."""
        if not self.built:
            self.build_from_shape(input_shape)

    def build_from_shape(self, input_shape: Shapes) -> None:
        """Build by running one zero batch of `input_shape` (a shape, or a list/dict of them) through it.
        Axes declared None stay free: inputs of any size on them are accepted (see `run_zero_batches`)."""
        self.run_zero_batches(input_shape)
        self.build_input_shape = structure.declared_shapes(input_shape, self.name)

    def run_zero_batches(self, input_shape: Shapes) -> None:
        """Run one zero sample of `input_shape` through the model (building it), in inference mode.

        With axes declared None (Input(shape=(None, 20))), a second sample of another size on them checks
        that no weight depends on that size, and every layer's `output_shape` gets None on the axes that
        follow it (what `summary` shows).
        """
        structure.run_zero_batches(self, input_shape)

    # ----- compile ----------------------------------------------------------------------------
    def compile(self, optimizer: str | optimizers.Optimizer | dict = "rmsprop",
                loss: str | Callable | list | dict | None = None, loss_weights: list | dict | None = None,
                metrics: list | dict | None = None) -> None:
        """Choose the optimizer, loss and metrics, by name or as objects (Keras's `compile`).

        Nothing changes if an argument is wrong. A built model ties them to its outputs now
        (`compiled_metrics`); an unbuilt one when its outputs are known. The rules for several
        outputs are in `gradwork.models.compile_utils`.

        Parameters
        ----------
        optimizer : str, Optimizer or config dict
            "adam", "sgd", ... or an optimizer object (`gw.optimizers.get` resolves it).
        loss : str, Loss or callable, or a list/dict of them
            One loss for every output ("sparse_categorical_crossentropy", ...), a list (one per output,
            None for none) or a dict by output name.
        loss_weights : list or dict of float, optional
            Several outputs: the total loss is the sum of weight * output loss (1 where none is given).
        metrics : list or dict, optional
            "accuracy", ... or Metric objects: a list for every output, a list of lists (one per output)
            or a dict by output name.
        """
        optimizer = optimizers.get(optimizer)  # resolve everything first: a bad name changes nothing
        spec = CompileSpec(self.name, loss, loss_weights, metrics)
        built = self.built and spec.loss is not None
        outputs = spec.bind(self.output_shape, self.output_names) if built else None
        self.optimizer, self._compile_spec, self._outputs, self._groups = optimizer, spec, outputs, None

    @property
    def loss(self) -> Callable | list | dict | None:
        """The compiled loss: one Loss, or a list/dict of them by output (None before `compile`)."""
        return None if self._compile_spec is None else self._compile_spec.loss

    @property
    def compiled_metrics(self) -> list[Metric]:
        """The compiled Metric objects, once tied to the outputs (named "<output>_<metric>" for several)."""
        return [] if self._outputs is None else self._outputs.metrics

    @property
    def _log_metrics(self):
        """The metrics that `fit`/`evaluate` log after the loss: per-output losses, then compiled metrics."""
        return [] if self._outputs is None else self._outputs.log_metrics

    @property
    def metrics_names(self) -> list[str]:
        """The names `evaluate` returns its values in: "loss", then every logged metric."""
        return ["loss"] + [m.name for m in self._log_metrics]

    def get_compile_config(self) -> dict | None:
        """`compile`'s arguments as a JSON-ready dict (None before `compile`), for saving; raises
        ValueError for custom losses or metrics, which cannot be rebuilt from JSON."""
        if self.optimizer is None or self._compile_spec is None:
            return None
        try:
            return self._compile_spec.get_config(self.optimizer)
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"{self.name}: cannot save the compile() settings ({err}); compile with built-in losses "
                "and metrics to save the whole model, or use save_weights()"
            ) from None

    def compile_from_config(self, config: dict) -> None:
        """Compile with the settings `get_compile_config` returned (a fresh optimizer: its state is
        restored separately, by `optimizer.set_state`)."""
        self.compile(**compile_arguments(config))

    def _bound(self):
        """The compiled losses and metrics tied to the outputs (`CompiledOutputs`), bound on first use
        from `output_shape`, which every forward pass sets."""
        if self._outputs is None:
            self._outputs = self._compile_spec.bind(self.output_shape, self.output_names)
        return self._outputs

    def check_targets(self, x: Data, y: Data, sample_weight: Data | None = None) -> None:
        """Raise ValueError unless y and sample_weight (as `fit` takes them) fit the model's outputs and
        every built-in compiled loss accepts them, checked on all the samples (label shapes and ranges).

        An unbuilt model is built first, by x's first sample in inference mode, so that a bad y raises
        before anything trains (weights, optimizer, moving statistics)."""
        with undo_build_on_error(self):  # targets that do not fit leave the model unbuilt, as it was
            if not self.built:
                with no_grad():
                    self(nested.take(x, slice(0, 1)), training=False)
            self._bound().check_targets(y, sample_weight, self.output_shape)

    # ----- one batch --------------------------------------------------------------------------
    def compute_loss(self, y: Data, y_pred: Tensor | list | dict,
                     sample_weight: Data | None = None) -> Tensor:
        """The compiled loss (summed over the outputs with their weights) plus the sum of each of
        `losses` (the last call's `add_loss` values and activity penalties, and the weight
        regularizers' penalties), as Keras: a scalar Tensor, shape ().

        Parameters
        ----------
        y, sample_weight : arrays of shape (N, ...) and (N,), or one per output.
        y_pred : Tensor of shape (N, ...), or a list/dict of them as the model returns them.
        """
        total = self._bound().loss(y, y_pred, sample_weight)
        for term in self._collect_losses(self._weight_groups()[2]):  # `losses`, with the cached weight list
            total = total + (term if term.ndim == 0 else term.sum())
        return total

    def compute_metrics(self, x: Data, y: Data, y_pred: Data,
                        sample_weight: Data | None = None) -> dict[str, float]:
        """Update the compiled metrics with one batch and return every logged metric's result after
        the loss ({name: float}: per-output losses, then metrics), as Keras's `compute_metrics`.

        Parameters
        ----------
        x : the batch's inputs (unused here; an override may need them).
        y, y_pred, sample_weight : arrays of shape (N, ...), (N, ...) and (N,), or lists/dicts of
            them for several outputs; y_pred holds the predicted arrays (not Tensors).
        """
        self._bound().update_metrics(y, y_pred, sample_weight)
        return {m.name: m.result() for m in self._log_metrics}

    def reset_metrics(self) -> None:
        """Reset every logged metric (per-output loss trackers and compiled metrics) to its empty state."""
        self._loss_tracker.reset_state()
        for m in self._log_metrics:
            m.reset_state()

    def _weight_groups(self):
        """(trainable, buffers, regularized) parameter lists. Cached from one `fit`/`train_on_batch` call to
        its end, as the structure cannot change inside one (changing `trainable` takes effect at the next fit)."""
        if self._groups is None:
            weights = self.weights
            self._groups = (
                [p for p in weights if p.requires_grad],
                [p for p in weights if not p.trainable],
                [p for p in weights if p.regularizer is not None and p.requires_grad],
            )
        return self._groups

    def check_trainable(self) -> None:
        """Raise ValueError if the model has no trainable weight: training would change nothing."""
        if not self._weight_groups()[0]:
            raise ValueError(
                f"{self.name}: the model has no trainable weights ({len(self.weights)} weights in all), so "
                "training would change nothing; its layers must be trainable attributes of the model "
                "(directly, or in lists, tuples or dicts)")

    def begin_training(self) -> None:
        self._groups = None  # trainable weights may have changed since the last fit
        self.skip_nonfinite_loss = False  # a TerminateOnNaN callback sets it for its own fit

    def _logs(self, loss, x, y, y_pred, sample_weight):
        """The step's logs: the running mean loss (weighted by batch size), then `compute_metrics`."""
        self._loss_tracker.update_state(loss, sample_weight=nested.num_samples(x))
        return {"loss": self._loss_tracker.result(), **self.compute_metrics(x, y, y_pred, sample_weight)}

    def train_step(self, data: tuple) -> dict[str, float]:
        """Forward, loss, backward and one optimizer update on one batch (an unbuilt model is built and
        y checked first); the override point of `fit` (Keras's `train_step`).

        Parameters
        ----------
        data : tuple (x, y) or (x, y, sample_weight)
            Arrays of shape (N, ...) and (N,) (or lists/dicts of them), as the data adapters give them.

        Returns
        -------
        dict
            {"loss": running mean over the epoch's batches, metric: value, ...}.

        Raises
        ------
        FloatingPointError
            If the loss is not finite (unless `skip_nonfinite_loss`: then the update is skipped and
            the logged loss is not finite), or a gradient is not finite (the error names the weight).
            On any error before the update, the weights, moving statistics and optimizer are left as
            they were.
        """
        x, y, sample_weight = nested.unpack_x_y_sample_weight(data)
        if not self.built:
            self.check_targets(x, y, sample_weight)
        self.check_trainable()
        params, buffers, _ = self._weight_groups()
        saved = [p.data.copy() for p in buffers]  # moving statistics, restored if the step fails here
        try:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y, y_pred, sample_weight)
            value = float(loss.data)
            if not (np.isfinite(value) or self.skip_nonfinite_loss):
                raise FloatingPointError(
                    f"{self.name}: the loss became {value} during training; stopped before updating the weights. "
                    "Lower the learning rate, check the inputs for NaN/Inf, or clip gradients (clipnorm=)."
                )
        except BaseException:  # the data was checked before; a custom loss or layer may still raise
            _restore(buffers, saved)
            raise
        if np.isfinite(value):
            self._apply_gradients(loss, params)
        else:  # skip_nonfinite_loss: no update; the logged loss tells TerminateOnNaN to stop
            _restore(buffers, saved)
        return self._logs(value, x, y, nested.as_data(y_pred), sample_weight)

    def _apply_gradients(self, loss: Tensor, params: list) -> None:
        """Backward and one optimizer update; a non-finite gradient raises naming the weight by its layer."""
        loss.backward()
        try:
            self.optimizer.apply([p.grad for p in params], params)
        except optimizers.NonFiniteError as error:
            layers = (self, *(layer for _, layer in self.named_layers()))
            owner = next((f"{layer.name}/{key}" for layer in layers for key, p in layer._params.items()
                          if p is error.variable), "?")
            raise FloatingPointError(f"{self.name}: weight '{owner}': {error}") from None
        finally:
            for p in params:
                p.grad = None

    def test_step(self, data: tuple) -> dict[str, float]:
        """Loss and metrics of one batch in inference mode (run under `no_grad` by `evaluate`); `data`
        and result as `train_step`."""
        x, y, sample_weight = nested.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        value = float(self.compute_loss(y, y_pred, sample_weight).data)
        return self._logs(value, x, y, nested.as_data(y_pred), sample_weight)

    def predict_step(self, data: tuple) -> Data:
        """The outputs of one batch `(x,)` in inference mode: shape (N, ...), or a list/dict of arrays."""
        x, _, _ = nested.unpack_x_y_sample_weight(data)
        return nested.as_data(self(x, training=False))

    # ----- saving ------------------------------------------------------------------------------
    def save(self, filepath: str | PathLike) -> None:
        """Write architecture, weights and optimizer state to one zip file, atomically (see `load_model`)."""
        model_io.save_model(self, filepath)

    def to_json(self) -> str:
        """The architecture as JSON (no weights): `gw.models.model_from_json` rebuilds it."""
        return model_io.model_to_json(self)

    def save_weights(self, filepath: str | PathLike) -> None:
        """Write only the weights (an .npz keyed like `state_dict`), atomically."""
        model_io.save_weights(self, filepath)

    def load_weights(self, filepath: str | PathLike) -> None:
        """Copy the weights of an .npz from `save_weights` into this model. Names, dtypes and shapes are all
        checked first: a file that does not fit raises `gw.saving.ModelFileError` and changes nothing."""
        model_io.load_weights(self, filepath)

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("input_shape", None)
        return config


def _restore(buffers: list, saved: list) -> None:
    for p, kept in zip(buffers, saved):
        p.data[...] = kept
        increment_version(p)
