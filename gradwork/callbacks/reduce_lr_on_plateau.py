"""`ReduceLROnPlateau`: lower the learning rate when a metric stops improving."""
import numpy as np

from . import _console
from ._lr import check_settable, get_learning_rate, set_learning_rate
from ._monitor import monitored_value, resolve_mode
from .callback import Callback


class ReduceLROnPlateau(Callback):
    """Multiplies the learning rate by `factor` after `patience` epochs without improvement.

    Parameters
    ----------
    monitor : str
        The epoch-log key to watch.
    factor : float
        The multiplier, in (0, 1): ``new_lr = max(lr * factor, min_lr)``.
    patience : int
        Epochs without improvement before a reduction.
    verbose : int
        1 prints a line at each reduction.
    mode : "min", "max" or "auto"
        "auto": max for accuracy-like names, min for losses.
    min_delta : float
        The smallest change that counts as an improvement.
    cooldown : int
        How many epochs after a reduction do not count towards `patience`; an improvement during
        cooldown still updates the best value. ``cooldown=1`` skips exactly one epoch (in Keras
        the cooldown is decremented before it is checked, so ``cooldown=1`` has no effect and
        ``cooldown=n`` skips n - 1 epochs).
    min_lr : float
        The floor; once the rate is there no more reductions happen.

    Each epoch's "learning_rate" (the rate that epoch used, before any reduction at its end)
    is added to the logs. The optimizer must hold a float learning rate; a schedule object
    there raises TypeError at the start of training.

    Attributes
    ----------
    best, wait, cooldown_counter : the plateau bookkeeping, reset at each `fit`

    Examples
    --------
    >>> model.fit(x, y, validation_split=0.2, epochs=50,
    ...           callbacks=[ReduceLROnPlateau(factor=0.5, patience=3, min_lr=1e-5)])
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10, verbose: int = 0,
                 mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0, min_lr: float = 0.0):
        super().__init__()
        if not 0.0 < factor < 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor must be in (0, 1), got {factor}")
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.verbose = verbose
        self.mode = resolve_mode(monitor, mode, "ReduceLROnPlateau")
        self.min_delta = min_delta
        self.cooldown = cooldown
        self.min_lr = min_lr
        self._reset()

    def _reset(self):
        self.best = np.inf if self.mode == "min" else -np.inf
        self.wait = 0
        self.cooldown_counter = 0

    def _improved(self, value):
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def in_cooldown(self) -> bool:
        """True while the cooldown after a reduction is running."""
        return self.cooldown_counter > 0

    def get_state(self) -> dict:
        return {"best": self.best, "wait": self.wait, "cooldown_counter": self.cooldown_counter,
                "learning_rate": get_learning_rate(self.model, "ReduceLROnPlateau")}

    def set_state(self, state: dict) -> None:
        self.best, self.wait, self.cooldown_counter = state["best"], state["wait"], state["cooldown_counter"]
        set_learning_rate(self.model, state["learning_rate"], "ReduceLROnPlateau")

    def on_train_begin(self, logs: dict | None = None) -> None:
        check_settable(self.model, "ReduceLROnPlateau")     # fail now, not at the first reduction
        self._reset()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        lr = get_learning_rate(self.model, "ReduceLROnPlateau")
        if logs is not None:
            logs["learning_rate"] = lr
        current = monitored_value(logs, self.monitor, "ReduceLROnPlateau")
        if current is None:
            return
        cooling = self.in_cooldown()
        if cooling:
            self.cooldown_counter -= 1
            self.wait = 0
        if self._improved(current):
            self.best = current
            self.wait = 0
            return
        if cooling:
            return
        self.wait += 1
        if self.wait >= self.patience and lr > self.min_lr:
            new_lr = max(lr * self.factor, self.min_lr)
            set_learning_rate(self.model, new_lr, "ReduceLROnPlateau")
            if self.verbose > 0:
                _console.print_msg(
                    f"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr:.6g}.")
            self.cooldown_counter = self.cooldown
            self.wait = 0
