"""`Trainer`: `fit`, `evaluate`, `predict` and the `*_on_batch` methods of `Model` (Keras's trainer).

Every input is turned once into a data adapter (`data_adapters`), read through one `EpochIterator`;
each batch goes to the model's `train_step(data)`, `test_step(data)` or `predict_step(data)` (the
override points), which return the logs. The trainer uses the model's public API only: those steps,
`reset_metrics`, `check_trainable`, `optimizer`, `loss`, `stop_training`, `history`, the hook
`begin_training`, and `resume_epoch`, which a callback (`BackupAndRestore`) may set in `on_train_begin` to resume a run.
"""
import numpy as np

from ..autograd.grad_mode import no_grad
from ..nn.building import undo_build_on_error
from ..callbacks import Callback, CallbackList, History
from . import arguments, arrays, nested
from .data_adapters import ArrayDataAdapter, check_streaming_arguments, is_in_memory, streaming_adapter
from .epoch_iterator import EpochIterator
from .nested import Data

Results = float | list[float] | dict[str, float]  # the loss, or [loss, *metrics], or {name: value}


def format_result(logs: dict[str, float], return_dict: bool) -> Results:
    """Keras's return convention: a dict, a single float, or [loss, *metrics]."""
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def _validates(epoch, validation_freq):
    """Whether epoch (0-based) is followed by validation: every `validation_freq` epochs, or the
    1-based epochs listed (checked by `arguments.check_fit`)."""
    if isinstance(validation_freq, (list, tuple, set, range)):
        return epoch + 1 in validation_freq
    return (epoch + 1) % validation_freq == 0


class Trainer:
    """The training, evaluation and prediction loops, mixed into `Model` (documented there)."""

    def begin_training(self) -> None:
        """Hook run at the start of `fit` and `train_on_batch` (a model drops its caches here)."""

    def _check_compiled(self, what):
        if self.optimizer is None or self.loss is None:
            raise RuntimeError(f"{self.name}: call compile(optimizer=..., loss=...) before {what}()")

    def _adapter(self, x, y, sample_weight, batch_size, targets=True):
        """The data adapter for evaluate (`targets`) and predict (batches (x,))."""
        if not is_in_memory(x):
            check_streaming_arguments(self, x, "x", y=y, sample_weight=sample_weight)
            return streaming_adapter(self, x, targets=targets, batch_size=batch_size)
        if not targets:
            return ArrayDataAdapter(arrays.as_arrays(self, x)[0], None, None, batch_size, False)
        return ArrayDataAdapter(*arrays.prepare(self, x, y, sample_weight), batch_size, False)

    def _fit_adapters(self, x, y, sample_weight, class_weight, batch_size, shuffle, validation_split,
                      validation_data, validation_batch_size):
        """(training adapter, validation adapter or None), in-memory data checked whole, first the
        training data, then validation_data, then split."""
        val_batch = validation_batch_size or batch_size
        if not is_in_memory(x):
            check_streaming_arguments(self, x, "x", y=y, sample_weight=sample_weight,
                                      validation_split=validation_split or None)
            train = streaming_adapter(self, x, class_weight, batch_size=batch_size, shuffle=shuffle)
        else:
            x, y, sample_weight = arrays.prepare(self, x, y, sample_weight, class_weight)
        val = None
        if validation_data is not None and not isinstance(validation_data, (tuple, list)):
            val = streaming_adapter(self, validation_data, None, "validation_data", batch_size=val_batch)
        elif validation_data is not None:
            val = ArrayDataAdapter(*arrays.prepare(self, *validation_data[:2], validation_data[2] if len(
                validation_data) > 2 else None), val_batch, False)
        elif validation_split and is_in_memory(x):
            (x, y, sample_weight), held_out = arrays.split_validation(self, x, y, sample_weight, validation_split)
            val = ArrayDataAdapter(*held_out, val_batch, False)
        if is_in_memory(x):
            train = ArrayDataAdapter(x, y, sample_weight, batch_size, shuffle)
        return train, val

    def _one_pass(self, adapter, steps, verbose, callbacks):
        """(EpochIterator, CallbackList) for evaluate or predict: one epoch of `steps` batches; verbose
        is 0, 1 or 2."""
        iterator = EpochIterator(adapter, steps, "steps")
        return iterator, CallbackList(callbacks, add_history=False, add_progbar=False, model=self,
                                      verbose=verbose, epochs=1, steps=iterator.steps)

    def _test_loop(self, iterator, cbs):
        """Every batch of `iterator` through `test_step` with the test callbacks; the last logs."""
        self.reset_metrics()
        cbs.on_test_begin()
        logs = {}
        with no_grad():
            for step, data in iterator:
                cbs.on_test_batch_begin(step)
                logs = self.test_step(data)
                cbs.on_test_batch_end(step, logs)
        cbs.on_test_end(logs)
        return logs

    def fit(self, x: object = None, y: Data | None = None, batch_size: int = 32, epochs: int = 1,
            verbose: int | str = "auto", callbacks: list[Callback] | None = None,
            validation_split: float = 0.0, validation_data: object = None, shuffle: bool = True,
            class_weight: dict | None = None, sample_weight: Data | None = None, initial_epoch: int = 0,
            steps_per_epoch: int | None = None, validation_steps: int | None = None,
            validation_batch_size: int | None = None, validation_freq: int | list[int] = 1) -> History:
        """Train for `epochs` epochs over x (Keras's `fit`).

        Parameters
        ----------
        x : array, shape (N, *input_shape), a list/tuple/dict of arrays, or a batch source
            Arrays: several inputs have the same N (batches, shuffling and validation take the same
            samples). A batch source (a generator, any iterable of batches such as a DataLoader, or a
            PyDataset) yields (x,), (x, y) or (x, y, sample_weight) batches; y and sample_weight are
            then not given.
        y : array, shape (N, ...), or a list (output order) or dict (output name) of arrays
            The targets each output's loss takes.
        batch_size, epochs : int
            Samples per update for arrays (the last batch may be smaller); epochs to run.
        verbose : "auto", 0, 1 or 2
            "auto" and 1: a progress bar per epoch (one line when the output is not a terminal); 2: one
            line per epoch; 0: silent.
        callbacks : list of Callback, optional
            Called at every epoch and batch, and around each validation pass (`on_test_*`); a `History`
            (and a `ProgbarLogger` unless verbose=0) is added.
        validation_split : float
            Arrays only: the LAST fraction of x and y (taken before shuffling, as Keras does) is held out
            and evaluated after each epoch as val_loss, val_<metric>.
        validation_data : (x_val, y_val), (x_val, y_val, sample_weight_val), or a batch source, optional
            Evaluated after each validated epoch instead.
        shuffle : bool
            Arrays: reshuffle the samples every epoch (gradwork's generator: `gw.random.seed`).
        class_weight : dict, optional
            {class: weight} multiplying each sample's loss by its class's weight (one output only, as Keras).
        sample_weight : array, shape (N,), or one per output, optional
            Each sample's weight in the loss and the metrics (arrays; a batch source gives it per batch).
        initial_epoch : int
            The epoch to start from (0-based), to resume a run: epochs initial_epoch..epochs-1 run
            (a `BackupAndRestore` with a backup starts after the backed-up epoch instead).
        steps_per_epoch : int, optional
            Batches per epoch (needed for an endless generator); a finite source then continues where the
            previous epoch stopped. None: one pass over the data per epoch.
        validation_steps : int, optional
            Batches per validation pass (continuing across epochs, as steps_per_epoch); None: one pass.
        validation_batch_size : int, optional
            Batch size for in-memory validation data (batch_size when None).
        validation_freq : int or list of int
            Validate every `validation_freq` epochs, or after the listed epochs (1-based).

        Returns
        -------
        History
            `history.history` maps "loss", each metric and their "val_" forms to per-epoch values.
        """
        self._check_compiled("fit")
        batch_size, verbose = arguments.batch_size(self.name, batch_size), arguments.verbosity(self.name, verbose)
        if validation_batch_size is not None:
            validation_batch_size = arguments.batch_size(self.name, validation_batch_size, "validation_batch_size")
        arguments.check_fit(self.name, epochs, initial_epoch, shuffle, validation_split, validation_freq)
        self.begin_training()
        with undo_build_on_error(self):  # a failed fit leaves an unbuilt model unbuilt
            train, val = self._fit_adapters(x, y, sample_weight, class_weight, batch_size, shuffle,
                                            validation_split, validation_data, validation_batch_size)
            if self.built:
                self.check_trainable()  # a model that would train nothing raises now
        iterator = EpochIterator(train, steps_per_epoch)
        val_iterator = None if val is None else EpochIterator(val, validation_steps, "validation_steps")
        cbs = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                           verbose=verbose, epochs=epochs, steps=iterator.steps, data=x)
        self.stop_training = False
        self.resume_epoch = None
        cbs.on_train_begin()  # a callback that restored a backup sets resume_epoch: the next epoch to run
        logs = {}
        for epoch in range(initial_epoch if self.resume_epoch is None else self.resume_epoch, epochs):
            self.reset_metrics()
            cbs.on_epoch_begin(epoch)
            for step, data in iterator:
                cbs.on_train_batch_begin(step)
                logs = self.train_step(data)
                cbs.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            if iterator.exhausted:
                break  # no batch at all this epoch (a warning said so): the epoch is not logged
            if val_iterator is not None and _validates(epoch, validation_freq):
                val_logs = self._test_loop(val_iterator, cbs)
                logs.update({"val_" + k: v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        cbs.on_train_end(logs)
        return self.history

    def evaluate(self, x: object = None, y: Data | None = None, batch_size: int = 32,
                 verbose: int | str = "auto", sample_weight: Data | None = None, steps: int | None = None,
                 callbacks: list[Callback] | None = None, return_dict: bool = False) -> Results:
        """Loss and metrics over x (and y), in batches, in inference mode; arguments as `fit` takes them.

        Parameters
        ----------
        steps : int, optional
            Batches to evaluate (needed for an endless generator); None: one pass over the data.

        Returns
        -------
        float, list or dict
            The loss alone when no metric is logged, else [loss, *metrics] (`metrics_names`), or
            {name: value} with return_dict=True; each over all the samples.
        """
        self._check_compiled("evaluate")
        batch_size, verbose = arguments.batch_size(self.name, batch_size), arguments.verbosity(self.name, verbose)
        adapter = self._adapter(x, y, sample_weight, batch_size)
        return format_result(self._test_loop(*self._one_pass(adapter, steps, verbose, callbacks)), return_dict)

    def predict(self, x: object, batch_size: int = 32, verbose: int | str = "auto", steps: int | None = None,
                callbacks: list[Callback] | None = None) -> Data:
        """Outputs for every sample of x (arrays or a batch source, as `fit` takes it), in inference mode;
        `steps` as `evaluate` takes it.

        Returns
        -------
        ndarray, shape (N, *output_shape), or a list/dict of them like the model's outputs
            With 0 samples on the first axis when x has none.
        """
        batch_size, verbose = arguments.batch_size(self.name, batch_size), arguments.verbosity(self.name, verbose)
        adapter = self._adapter(x, None, None, batch_size, targets=False)
        iterator, cbs = self._one_pass(adapter, steps, verbose, callbacks)
        outputs = []
        cbs.on_predict_begin()
        with no_grad():
            for step, data in iterator:
                cbs.on_predict_batch_begin(step)
                outputs.append(self.predict_step(data))
                cbs.on_predict_batch_end(step, {"outputs": outputs[-1]})
        cbs.on_predict_end()
        if outputs:
            return nested.concatenate(outputs)
        if not isinstance(adapter, ArrayDataAdapter):
            raise ValueError(f"{self.name}: x yielded no batch to predict")
        zero = nested.map_nested(lambda a: np.zeros((1,) + a.shape[1:], a.dtype), adapter.x)
        with no_grad():  # no samples: the outputs of one zero sample, less the sample (the model's structure)
            return nested.take(self.predict_step((zero,)), slice(0, 0))

    def train_on_batch(self, x: Data, y: Data, sample_weight: Data | None = None,
                       class_weight: dict | None = None, return_dict: bool = False) -> Results:
        """One optimizer update on one batch (x, y: all of it); arguments as `fit` takes them.

        Returns
        -------
        float, list or dict
            The loss and metrics on that batch, as `evaluate` returns them.
        """
        self._check_compiled("train_on_batch")
        self.begin_training()
        with undo_build_on_error(self):
            data = arrays.prepare(self, x, y, sample_weight, class_weight)
            self.check_trainable()
        self.reset_metrics()
        return format_result(self.train_step(data), return_dict)

    def test_on_batch(self, x: Data, y: Data, sample_weight: Data | None = None,
                      return_dict: bool = False) -> Results:
        """Loss and metrics on one batch in inference mode; arguments and result as `train_on_batch`."""
        self._check_compiled("test_on_batch")
        n = nested.num_samples(arrays.as_arrays(self, x)[0])
        return self.evaluate(x, y, n, verbose=0, sample_weight=sample_weight, return_dict=return_dict)

    def predict_on_batch(self, x: Data) -> Data:
        """The outputs for one batch x in inference mode: shape (N, ...), or a list/dict of such arrays."""
        with no_grad():
            return self.predict_step((arrays.as_arrays(self, x)[0],))
