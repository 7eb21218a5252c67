"""`History`: records every epoch's logs; `fit` returns it and sets it as `model.history`."""
from typing import Any

from .callback import Callback


class History(Callback):
    """Collects the epoch logs into lists.

    Attributes
    ----------
    history : dict of str to list
        Each log key ("loss", "accuracy", "val_loss", "learning_rate", ...) -> its per-epoch values.
    epoch : list of int
        The epoch indices (0-based) that were recorded.

    Both are reset at the start of each `fit` (Keras keeps `history` across fits, which
    leaves it out of step with `epoch`); a fit loop creates a fresh `History` per call anyway.
    A key that appears only in some epochs (validation every few epochs) has a shorter list;
    pair it with `epoch` through the caller's own bookkeeping.

    Examples
    --------
    >>> h = model.fit(x, y, epochs=3)
    >>> h.history["loss"]        # three floats
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def set_model(self, model: Any) -> None:
        super().set_model(model)
        model.history = self

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.history = {}
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self
