"""`TerminateOnNaN`: stop training as soon as the loss becomes NaN or infinite."""
import math

from . import _console
from .callback import Callback


class TerminateOnNaN(Callback):
    """Stops `fit` when a training batch reports a NaN or infinite loss; `fit` then returns its
    History as usual and `on_train_end` runs (as Keras).

    Without this callback, a non-finite loss makes `fit` raise FloatingPointError. With it, for
    its `fit` only, the model's `skip_nonfinite_loss` is set: the bad batch updates nothing (weights,
    moving statistics and optimizer stay as they were) and logs its loss, this callback prints
    "Batch N: Invalid loss, terminating training" (N 0-based, as Keras) and sets
    ``model.stop_training = True``, and the loop stops after that batch.

    Keras applies the bad batch's update before stopping, which leaves NaN weights in the model;
    here it is not applied, so the model that `fit` leaves is the last one with a finite loss.
    A non-finite gradient with a finite loss still raises (it names the weight).

    Examples
    --------
    >>> model.fit(x, y, epochs=10, callbacks=[TerminateOnNaN()])     # doctest: +SKIP
    """

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.model.skip_nonfinite_loss = True

    def on_train_end(self, logs: dict | None = None) -> None:
        self.model.skip_nonfinite_loss = False

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        if not math.isfinite(float(loss)):
            _console.print_msg(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
