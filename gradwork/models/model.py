"""`Model`: a layer that can be compiled, trained, evaluated, summarised and saved (Keras's API).

Subclass it and write `call(self, inputs, training=False)`, or use `Sequential`. `inputs` may be
one array or a list/tuple/dict of arrays (several inputs), and `call` may return one tensor or a
list/tuple/dict of tensors (several outputs; see `compile_utils` for their losses and log names).
The loop itself (batches, callbacks, validation) is in `training.py`, which uses the model's public
methods only (`check_targets`, `train_step`, `compute_loss`, `compute_metrics`, `reset_metrics`).

Dependencies run one way: `gradwork.models` imports `gradwork.saving` (`save`, `save_weights`,
`load_weights` call it; `gradwork.models.load_model` is saving's), and `gradwork.saving` never imports
`gradwork.models`: it reads and restores the compile settings through `get_compile_config` and
`compile_from_config`, which turn them to JSON and back here.
"""

import numpy as np

from .. import optimizers
from ..autograd.grad_mode import no_grad
from ..nn.layer import Layer
from ..saving import model_io
from . import structure, training
from .compile_utils import CompileSpec, compile_arguments
from .summary import summary as _summary


class Model(Layer):
    """A trainable network: `compile`, `fit`, `evaluate`, `predict`, `summary`, `save`.

    >>> class MLP(gw.Model):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = gw.nn.Dense(64, activation="relu")
    ...         self.out = gw.nn.Dense(10)
    ...     def call(self, x, training=False):
    ...         return self.out(self.hidden(x))

    Several inputs and outputs: `call(self, inputs)` receives the list/dict given to `fit`/`predict`
    and may return a list/dict; a layer called twice in `call` shares its weights (a siamese encoder).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.optimizer = None
        self.stop_training = False
        self.history = None
        self.build_input_shape = None
        self.metadata = {}  # JSON-safe facts saved with the model (class names, dataset, ...)
        self._groups = None
        self._compile_spec = None  # compile's arguments (CompileSpec)
        self._outputs = None  # ...tied to the model's outputs (CompiledOutputs), once they are known

    def __call__(self, inputs, *args, **kwargs):
        if self.built:
            return super().__call__(inputs, *args, **kwargs)
        # sublayers build themselves lazily; remember the input shape(s) for saving
        self.built = True
        self.build_input_shape = structure.batch_shapes(inputs)
        try:
            return super().__call__(inputs, *args, **kwargs)
        except BaseException:  # a failed first call must not pin the model to that input shape
            self.built, self.build_input_shape = False, None
            raise

    def build(self, input_shape):
        """Create every weight by running one zero sample of `input_shape` (batch axis first; a list or
        dict of shapes for several inputs) through the model."""
        if not self.built:
            self.build_from_shape(input_shape)

    def build_from_shape(self, input_shape):
        """Build by running one zero batch of `input_shape` (a shape, or a list/dict of them) through it.
        Axes declared None stay free: inputs of any size on them are accepted (see `run_zero_batches`)."""
        self.run_zero_batches(input_shape)
        self.build_input_shape = structure.declared_shapes(input_shape, self.name)

    def run_zero_batches(self, input_shape):
        """Run one zero sample of `input_shape` through the model (building it), in inference mode.
        With axes declared None (Input(shape=(None, 20))), a second sample of another size on them checks
        that no weight depends on that size, and every layer's `output_shape` gets None on the axes that
        follow it (what `summary` shows)."""
        free, was_built = structure.has_free_axes(input_shape, self.name), self.built
        outputs = []
        for size in structure.FREE_AXIS_SIZES if free else structure.FREE_AXIS_SIZES[:1]:
            sample = structure.zero_batch(input_shape, self.dtype, self.name, size)
            try:
                with no_grad():
                    self(sample, training=False)
            except ValueError as err:
                if not free:
                    raise
                if not was_built:
                    self.built, self.build_input_shape = False, None
                raise ValueError(
                    f"{self.name}: the axes declared None in {input_shape} must take any size, but a zero "
                    f"sample of size {size} on them fails: {err}"
                ) from err
            layers = [self] + [layer for _, layer in self.named_layers()]
            outputs.append([layer.output_shape for layer in layers])
        if free:
            for layer, first, second in zip(layers, *outputs):
                layer.output_shape = structure.merge_shapes(first, second)

    # ----- compile ----------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None):
        """Choose the optimizer, loss and metrics, by name ("adam", "sparse_categorical_crossentropy",
        "accuracy") or as objects.

        Several outputs: `loss` is one loss for all, a list, or a dict by output name; `loss_weights`
        a list or dict of floats; `metrics` a list for all outputs, a list of lists, or a dict (see
        `gradwork.models.compile_utils`). Nothing changes if an argument is wrong. A built model ties
        them to its outputs now (`compiled_metrics`); an unbuilt one when its outputs are known.
        """
        optimizer = optimizers.get(optimizer)  # resolve everything first: a bad name changes nothing
        spec = CompileSpec(self.name, loss, loss_weights, metrics)
        outputs = spec.bind(self.output_shape) if self.built and spec.loss is not None else None
        self.optimizer, self._compile_spec, self._outputs, self._groups = optimizer, spec, outputs, None

    @property
    def loss(self):
        """The compiled loss: one Loss, or a list/dict of them by output (None before `compile`)."""
        return None if self._compile_spec is None else self._compile_spec.loss

    @property
    def compiled_metrics(self):
        """The compiled Metric objects, once tied to the outputs (named "<output>_<metric>" for several)."""
        return [] if self._outputs is None else self._outputs.metrics

    @property
    def _log_metrics(self):
        """The metrics that `fit`/`evaluate` log after the loss: per-output losses, then compiled metrics."""
        return [] if self._outputs is None else self._outputs.log_metrics

    @property
    def metrics_names(self):
        return ["loss"] + [m.name for m in self._log_metrics]

    def get_compile_config(self):
        """`compile`'s arguments as a JSON-ready dict (None before `compile`), for saving; see
        `compile_from_config`. Raises ValueError for custom losses or metrics, which cannot be rebuilt."""
        if self.optimizer is None or self._compile_spec is None:
            return None
        try:
            return self._compile_spec.get_config(self.optimizer)
        except (TypeError, ValueError) as err:
            raise ValueError(
                f"{self.name}: cannot save the compile() settings ({err}); compile with built-in losses "
                "and metrics to save the whole model, or use save_weights()"
            ) from None

    def compile_from_config(self, config):
        """Compile with the settings `get_compile_config` returned (a fresh optimizer: its state is
        restored separately, by `optimizer.set_state`)."""
        self.compile(**compile_arguments(config))

    def _bound(self):
        """The compiled losses and metrics tied to the outputs (`CompiledOutputs`), bound on first use
        from `output_shape`, which every forward pass sets."""
        if self._outputs is None:
            self._outputs = self._compile_spec.bind(self.output_shape)
        return self._outputs

    def check_targets(self, x, y, sample_weight=None):
        """Raise unless y and sample_weight fit the model's outputs. An unbuilt model is built first, by
        x's first sample in inference mode, so that a bad y raises before anything trains (weights,
        optimizer, moving statistics).

        x, y, sample_weight : arrays (y, sample_weight may be None), or lists/dicts of arrays for
            several inputs or outputs, as `fit` takes them.
        """
        if not self.built:
            with no_grad():
                self(structure.take(x, slice(0, 1)), training=False)
        self._bound().check_targets(y, sample_weight)

    def _check_compiled(self, what):
        if self.optimizer is None or self.loss is None:
            raise RuntimeError(f"{self.name}: call compile(optimizer=..., loss=...) before {what}()")

    # ----- one batch --------------------------------------------------------------------------
    def compute_loss(self, y, y_pred, sample_weight=None):
        """The compiled loss (summed over the outputs with their weights) plus every weight
        regularizer's penalty (as Keras reports it). y, y_pred, sample_weight: an array (Tensor for
        y_pred) or one per output, as the model returns them."""
        total = self._bound().loss(y, y_pred, sample_weight)
        for p in self._weight_groups()[2]:
            total = total + p.regularizer(p)
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics with one batch and return every logged metric's result after
        the loss ({name: float}: per-output losses, then metrics), as Keras's `compute_metrics`.

        x : the batch's inputs (unused here; an override may need them).
        y, y_pred, sample_weight : arrays, or lists/dicts of arrays for several outputs; y_pred is
            the predicted arrays (not Tensors).
        """
        self._bound().update_metrics(y, y_pred, sample_weight)
        return {m.name: m.result() for m in self._log_metrics}

    def reset_metrics(self):
        """Reset every logged metric (per-output loss trackers and compiled metrics) to its empty state."""
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

    def train_step(self, x, y, sample_weight=None):
        """Forward, loss, backward and one optimizer update on one batch (an unbuilt model is built and
        y checked first); returns (the loss value, the predicted arrays)."""
        if not self.built:
            self.check_targets(x, y, sample_weight)
        params, buffers, _ = self._weight_groups()
        saved = [p.data.copy() for p in buffers]  # moving statistics, restored if the loss is not finite
        y_pred = self(x, training=True)
        loss = self.compute_loss(y, y_pred, sample_weight)
        value = float(loss.data)
        if not np.isfinite(value):
            for p, data in zip(buffers, saved):
                p.data[...] = data
            raise FloatingPointError(
                f"{self.name}: the loss became {value} during training; stopped before updating the weights. "
                "Lower the learning rate, check the inputs for NaN/Inf, or clip gradients (clipnorm=)."
            )
        loss.backward()
        self.optimizer.apply([p.grad for p in params], params)
        for p in params:
            p.grad = None
        return value, structure.as_data(y_pred)

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None, return_dict=False):
        """One update on one batch; returns the loss (and metrics) on that batch."""
        self._check_compiled("train_on_batch")
        x, y, sample_weight = training.prepare(self, x, y, sample_weight, class_weight)
        self.reset_metrics()
        self._groups = None
        loss, y_pred = self.train_step(x, y, sample_weight)
        return training.format_result({"loss": loss, **self.compute_metrics(x, y, y_pred, sample_weight)},
                                      return_dict)

    def test_on_batch(self, x, y, sample_weight=None, return_dict=False):
        self._check_compiled("test_on_batch")
        n = structure.num_samples(training.as_arrays(self, x)[0])
        return self.evaluate(
            x, y, batch_size=n, verbose=0, sample_weight=sample_weight, return_dict=return_dict
        )

    def predict_on_batch(self, x):
        """The outputs for one batch x, in inference mode: an array (or a list/dict of arrays)."""
        with no_grad():
            return structure.as_data(self(training.as_arrays(self, x)[0], training=False))

    # ----- whole datasets ---------------------------------------------------------------------
    def fit(
        self,
        x=None,
        y=None,
        batch_size=32,
        epochs=1,
        verbose="auto",
        callbacks=None,
        validation_split=0.0,
        validation_data=None,
        shuffle=True,
        class_weight=None,
        sample_weight=None,
        initial_epoch=0,
    ):
        """Train for `epochs` passes over (x, y); returns a `History` (`.history["loss"]`, ...).

        x : an array, or a list/tuple/dict of arrays for a model with several inputs (the same
            number of samples in each: batches, shuffling and validation take the same samples
            from every one). y likewise for several outputs (a list in output order, or a dict by
            output name); sample_weight one array for all outputs or one per output.

        validation_split : the LAST fraction of x and y (taken before shuffling, as Keras does) is
            held out and evaluated after each epoch as val_loss, val_<metric>.
        validation_data : (x_val, y_val) to evaluate instead.
        shuffle : reshuffle the training samples every epoch (gradwork's generator: `gw.random.seed`).
        class_weight : {class: weight} multiplying each sample's loss by its class's weight
            (single-output models only, as Keras).
        """
        self._check_compiled("fit")
        self._groups = None
        return training.fit(
            self,
            x,
            y,
            batch_size,
            epochs,
            verbose,
            callbacks,
            validation_split,
            validation_data,
            shuffle,
            class_weight,
            sample_weight,
            initial_epoch,
        )

    def evaluate(
        self,
        x=None,
        y=None,
        batch_size=32,
        verbose="auto",
        sample_weight=None,
        callbacks=None,
        return_dict=False,
    ):
        """Loss and metrics over (x, y) in inference mode: a float, a list [loss, *metrics], or a dict."""
        self._check_compiled("evaluate")
        logs = training.evaluate(self, x, y, batch_size, verbose, sample_weight, callbacks)
        return training.format_result(logs, return_dict)

    def predict(self, x, batch_size=32, verbose="auto", callbacks=None):
        """Outputs for every sample of x, in batches, in inference mode, as a NumPy array (a list or
        dict of arrays, like the model's output, for several outputs; with 0 samples on the first axis
        when x has none)."""
        return training.predict(self, x, batch_size, verbose, callbacks)

    # ----- inspection and saving --------------------------------------------------------------
    def summary(self, print_fn=None):
        """Print the layer table: output shapes and parameter counts, trainable and not."""
        _summary(self, print_fn or print)

    def save(self, filepath):
        """Write architecture, weights, and optimizer state to one zip file, atomically."""
        model_io.save_model(self, filepath)

    def save_weights(self, filepath):
        """Write only the weights (an .npz keyed like `state_dict`), atomically."""
        model_io.save_weights(self, filepath)

    def load_weights(self, filepath):
        """Copy the weights of an .npz file written by `save_weights` into this model."""
        model_io.load_weights(self, filepath)

    def get_config(self):
        config = super().get_config()
        config.pop("input_shape", None)
        return config
