"""`TerminateOnNaN`: stop training as soon as the loss becomes NaN or infinite."""
import math

from . import _console
from .callback import Callback


class TerminateOnNaN(Callback):
    """Sets ``model.stop_training = True`` when a training batch reports a NaN or infinite loss.

    It prints "Batch N: Invalid loss, terminating training" (N 0-based, as Keras). Whether
    the loop stops after the current batch or after the epoch is up to the fit loop, which
    checks `stop_training` after each batch.

    Examples
    --------
    >>> model.fit(x, y, epochs=10, callbacks=[TerminateOnNaN()])
    """

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        if not math.isfinite(float(loss)):
            _console.print_msg(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
