"""`Model`: a layer that can be compiled, trained, evaluated, summarised and saved (Keras's API).

Subclass it and write `call(self, x, training=False)`, or use `Sequential`. The loop itself
(batches, callbacks, validation) is in `training.py`; saving is in `gradwork.saving`.
"""

import numpy as np

from .. import losses, metrics as metrics_module, optimizers
from ..autograd.grad_mode import no_grad
from ..nn.layer import Layer
from . import training
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
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.optimizer = None
        self.loss = None
        self.compiled_metrics = []
        self.stop_training = False
        self.history = None
        self.build_input_shape = None
        self.metadata = {}  # JSON-safe facts saved with the model (class names, dataset, ...)
        self._groups = None

    def __call__(self, inputs, *args, **kwargs):
        if self.built:
            return super().__call__(inputs, *args, **kwargs)
        # sublayers build themselves lazily; remember the input shape for saving
        self.built = True
        self.build_input_shape = (None,) + tuple(np.shape(inputs)[1:])
        try:
            return super().__call__(inputs, *args, **kwargs)
        except BaseException:  # a failed first call must not pin the model to that input shape
            self.built, self.build_input_shape = False, None
            raise

    def build(self, input_shape):
        """Create every weight by running one zero sample of `input_shape` (batch axis first) through the model."""
        if not self.built:
            self.build_from_shape(input_shape)

    # ----- compile ----------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None):
        """Choose the optimizer, loss and metrics, by name ("adam", "sparse_categorical_crossentropy",
        "accuracy") or as objects."""
        optimizer = optimizers.get(optimizer)  # resolve everything first: a bad name changes nothing
        loss = losses.get(loss) if loss is not None else None
        compiled_metrics = [metrics_module.get(m, loss=loss) for m in (metrics or [])]
        self._compile_config = {
            "optimizer": optimizers.serialize(optimizer),
            "loss": losses.serialize(loss) if loss is not None else None,
            "metrics": [m if isinstance(m, str) else metrics_module.serialize(m) for m in (metrics or [])],
        }
        self.optimizer, self.loss, self.compiled_metrics = optimizer, loss, compiled_metrics
        self._groups = None

    @property
    def metrics_names(self):
        return ["loss"] + [m.name for m in self.compiled_metrics]

    def _check_compiled(self, what):
        if self.optimizer is None or self.loss is None:
            raise RuntimeError(f"{self.name}: call compile(optimizer=..., loss=...) before {what}()")

    # ----- one batch --------------------------------------------------------------------------
    def compute_loss(self, y, y_pred, sample_weight=None):
        """The compiled loss plus every weight regularizer's penalty (as Keras reports it)."""
        total = self.loss(y, y_pred, sample_weight=sample_weight)
        for p in self._weight_groups()[2]:
            total = total + p.regularizer(p)
        return total

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
        """Forward, loss, backward and one optimizer update on one batch; returns the loss value."""
        built = self.built
        saved = [(p, p.data.copy()) for p in self._weight_groups()[1]] if built else []  # moving statistics
        y_pred = self(x, training=True)
        if not built:  # a lazily built model has its weights only now
            self._groups = None
        params = self._weight_groups()[0]
        loss = self.compute_loss(y, y_pred, sample_weight)
        value = float(loss.data)
        if not np.isfinite(value):
            for p, data in saved:  # undo what the forward pass updated
                p.data[...] = data
            raise FloatingPointError(
                f"{self.name}: the loss became {value} during training; stopped before updating the weights. "
                "Lower the learning rate, check the inputs for NaN/Inf, or clip gradients (clipnorm=)."
            )
        loss.backward()
        self.optimizer.apply([p.grad for p in params], params)
        for p in params:
            p.grad = None
        return value, y_pred.data

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None, return_dict=False):
        """One update on one batch; returns the loss (and metrics) on that batch."""
        self._check_compiled("train_on_batch")
        x, y = training.as_arrays(self, x, y)
        sample_weight = training.sample_weights(y, sample_weight, class_weight)
        for m in self.compiled_metrics:
            m.reset_state()
        self._groups = None
        loss, y_pred = self.train_step(x, y, sample_weight)
        for m in self.compiled_metrics:
            m.update_state(y, y_pred, sample_weight)
        return training.format_result(
            {"loss": loss, **{m.name: m.result() for m in self.compiled_metrics}}, return_dict
        )

    def test_on_batch(self, x, y, sample_weight=None, return_dict=False):
        self._check_compiled("test_on_batch")
        return self.evaluate(
            x, y, batch_size=len(x), verbose=0, sample_weight=sample_weight, return_dict=return_dict
        )

    def predict_on_batch(self, x):
        with no_grad():
            return self(training.as_arrays(self, x)[0], training=False).data

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

        validation_split : the LAST fraction of x and y (taken before shuffling, as Keras does) is
            held out and evaluated after each epoch as val_loss, val_<metric>.
        validation_data : (x_val, y_val) to evaluate instead.
        shuffle : reshuffle the training samples every epoch (gradwork's generator: `gw.random.seed`).
        class_weight : {class: weight} multiplying each sample's loss by its class's weight.
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
        """Outputs for every sample of x, in batches, in inference mode, as a NumPy array."""
        return training.predict(self, x, batch_size, verbose, callbacks)

    # ----- inspection and saving --------------------------------------------------------------
    def summary(self, print_fn=None):
        """Print the layer table: output shapes and parameter counts, trainable and not."""
        _summary(self, print_fn or print)

    def save(self, filepath):
        """Write architecture, weights, and optimizer state to one zip file, atomically."""
        from ..saving import model_io

        model_io.save_model(self, filepath)

    def save_weights(self, filepath):
        """Write only the weights (an .npz keyed like `state_dict`), atomically."""
        from ..saving import model_io

        model_io.save_weights(self, filepath)

    def load_weights(self, filepath):
        from ..saving import model_io

        model_io.load_weights(self, filepath)

    def get_config(self):
        config = super().get_config()
        config.pop("input_shape", None)
        return config
