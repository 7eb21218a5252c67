"""`EarlyStopping`: stop when a monitored metric has stopped improving."""
import numpy as np

from . import _console
from ._monitor import monitored_value, resolve_mode
from .callback import Callback


class EarlyStopping(Callback):
    """Stops training after `patience` epochs without improvement of `monitor`.

    Parameters
    ----------
    monitor : str
        The epoch-log key to watch, e.g. "val_loss" or "val_accuracy".
    min_delta : float
        The smallest change that counts as an improvement (its sign is ignored).
    patience : int
        How many epochs without improvement to allow before stopping.
    verbose : int
        1 prints a line when stopping and when restoring weights.
    mode : "min", "max" or "auto"
        "auto": max for accuracy-like names, min for losses.
    baseline : float, optional
        A value the metric must beat. The patience counter is only reset by an epoch that beats
        both the best so far and the baseline, so training stops once `patience` epochs (counting
        from the first monitored one) have passed without beating the baseline, even if the
        metric is still improving on its best. (Keras only stops on an epoch that fails to
        improve on the best.)
    restore_best_weights : bool
        Put back the weights of the best epoch at the end of training. Unlike some Keras
        releases (which restored only when patience ran out), gradwork restores them in
        `on_train_end` in every case: after an early stop and also when training reaches its
        last epoch first. The weights are restored after the last epoch's logs are written, so
        `History` still shows that epoch.
    start_from_epoch : int
        Epochs before this one (0-based) are not monitored at all (a warm-up period).

    Attributes
    ----------
    best : float or None, the best monitored value so far (None before the first monitored epoch)
    best_epoch : int, the epoch (0-based) it was seen in
    stopped_epoch : int, the epoch (0-based) after which training was stopped; 0 if it was not
    wait : int, epochs since the last improvement

    Examples
    --------
    >>> stop = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    >>> model.fit(x, y, validation_split=0.2, epochs=100, callbacks=[stop])
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0, patience: int = 0, verbose: int = 0,
                 mode: str = "auto", baseline: float | None = None, restore_best_weights: bool = False,
                 start_from_epoch: int = 0):
        super().__init__()
        self.monitor = monitor
        self.min_delta = abs(min_delta)
        self.patience = patience
        self.verbose = verbose
        self.mode = resolve_mode(monitor, mode, "EarlyStopping")
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self._reset()

    def _reset(self):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_epoch = 0
        self.best_weights = None

    def _is_improvement(self, value, reference):
        if reference is None:
            return True
        if self.mode == "min":
            return value + self.min_delta < reference
        return value - self.min_delta > reference

    def _snapshot(self):
        return [np.array(w, copy=True) for w in self.model.get_weights()]

    def get_state(self) -> dict:
        return {"wait": self.wait, "stopped_epoch": self.stopped_epoch, "best": self.best,
                "best_epoch": self.best_epoch, "best_weights": self.best_weights}

    def set_state(self, state: dict) -> None:
        self.wait, self.stopped_epoch = state["wait"], state["stopped_epoch"]
        self.best, self.best_epoch, self.best_weights = state["best"], state["best_epoch"], state["best_weights"]

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._reset()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        current = monitored_value(logs, self.monitor, "EarlyStopping")
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self._snapshot()      # the first monitored epoch is the best so far
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self._snapshot()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
        if self.wait > 0 and self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            _console.print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                _console.print_msg(
                    f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
