"""`LearningRateScheduler`: set the learning rate at the start of each epoch from a function."""
import inspect
import numbers
from collections.abc import Callable

import numpy as np

from . import _console
from ._lr import get_learning_rate, set_learning_rate
from .callback import Callback


def _takes_lr(fn):
    """True if `fn` accepts two positional arguments (epoch, lr), False if only (epoch)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):        # builtins without a signature: assume the full form
        return True
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2 or any(p.kind is p.VAR_POSITIONAL for p in params)


class LearningRateScheduler(Callback):
    """Sets ``model.optimizer.learning_rate = schedule(epoch, lr)`` before each epoch.

    Parameters
    ----------
    schedule : callable (epoch, lr) -> float
        A function of the epoch index (0-based) and the current learning rate (a float) returning
        the new rate. A one-argument function ``schedule(epoch)`` is accepted too (Keras's older
        form); which form is used is decided from its signature, not by catching a TypeError.
    verbose : int
        1 prints the new rate each epoch.

    At the end of each epoch the rate used is added to the logs as "learning_rate", so
    `History` and `CSVLogger` record it. The optimizer must hold a float learning rate; a
    schedule object there raises TypeError.

    Examples
    --------
    >>> def halve_after_10(epoch, lr):
    ...     return lr if epoch < 10 else lr * 0.5
    >>> model.fit(x, y, epochs=20, callbacks=[LearningRateScheduler(halve_after_10)])
    """

    def __init__(self, schedule: Callable[..., float], verbose: int = 0):
        super().__init__()
        if not callable(schedule):
            raise TypeError("LearningRateScheduler: schedule must be callable, "
                            f"got {type(schedule).__name__}")
        self.schedule = schedule
        self.verbose = verbose
        self._with_lr = _takes_lr(schedule)

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        lr = get_learning_rate(self.model, "LearningRateScheduler")
        new_lr = self.schedule(epoch, lr) if self._with_lr else self.schedule(epoch)
        if isinstance(new_lr, bool) or not isinstance(new_lr, (numbers.Real, np.floating, np.integer)):
            raise ValueError(f"LearningRateScheduler: the schedule must return a float, got {new_lr!r}")
        set_learning_rate(self.model, new_lr, "LearningRateScheduler")
        if self.verbose > 0:
            _console.print_msg(f"Epoch {epoch + 1}: LearningRateScheduler setting learning rate "
                               f"to {float(new_lr):.6g}.")

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["learning_rate"] = get_learning_rate(self.model, "LearningRateScheduler")
