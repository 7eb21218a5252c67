"""`ModelCheckpoint`: save the model (or its weights) during training."""
import os

import numpy as np

from . import _console
from ._monitor import monitored_value, resolve_mode
from .callback import Callback


class ModelCheckpoint(Callback):
    """Saves the model at the end of every epoch, or every `save_freq` batches.

    Parameters
    ----------
    filepath : str or PathLike
        Where to save; may hold `str.format` fields filled from the epoch number (1-based, as
        displayed), the batch number (1-based, when saving by batch) and the logs, e.g.
        ``"ckpt/{epoch:02d}-{val_loss:.2f}.gw"``. Missing directories are created. The extension
        is left to `model.save` / `model.save_weights`.
    monitor : str
        The log key `save_best_only` compares.
    verbose : int
        1 prints a line for each save (and each skipped save).
    save_best_only : bool
        Save only when `monitor` improves on the best value so far (which starts at
        `initial_value_threshold`, or at +/-inf). With a fixed filepath the file always holds the
        best model.
    save_weights_only : bool
        Call `model.save_weights(path)` instead of `model.save(path)`.
    mode : "min", "max" or "auto"
        "auto": max for accuracy-like names, min for losses.
    save_freq : "epoch" or int
        A positive int saves after every that many training batches (then `monitor` is read from
        the batch logs, which hold no "val_" keys).
    initial_value_threshold : float, optional
        The value to beat for the first save with `save_best_only`.

    Attributes
    ----------
    best : float
        The best monitored value so far (kept across `fit` calls, as in Keras).

    Examples
    --------
    >>> ckpt = ModelCheckpoint("best.gw", monitor="val_accuracy", save_best_only=True)
    >>> model.fit(x, y, validation_split=0.2, epochs=20, callbacks=[ckpt])
    """

    def __init__(self, filepath: str | os.PathLike, monitor: str = "val_loss", verbose: int = 0,
                 save_best_only: bool = False, save_weights_only: bool = False, mode: str = "auto",
                 save_freq: str | int = "epoch", initial_value_threshold: float | None = None):
        super().__init__()
        self.filepath = os.fspath(filepath)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.mode = resolve_mode(monitor, mode, "ModelCheckpoint")
        if save_freq != "epoch" and not (isinstance(save_freq, (int, np.integer))
                                         and not isinstance(save_freq, bool) and save_freq > 0):
            raise ValueError(f"ModelCheckpoint: save_freq must be 'epoch' or a positive int, "
                             f"got {save_freq!r}")
        self.save_freq = save_freq
        if initial_value_threshold is not None:
            self.best = float(initial_value_threshold)
        else:
            self.best = np.inf if self.mode == "min" else -np.inf
        self._current_epoch = 0
        self._batches_since_save = 0

    def get_state(self) -> dict:
        return {"best": self.best}

    def set_state(self, state: dict) -> None:
        self.best = state["best"]

    def _improved(self, value):
        return value < self.best if self.mode == "min" else value > self.best

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._current_epoch = epoch
        self._batches_since_save = 0

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _file_path(self, epoch, batch, logs):
        fields = dict(logs or {})
        fields["epoch"] = epoch + 1
        if batch is not None:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except (KeyError, IndexError) as e:
            raise KeyError(f"ModelCheckpoint: cannot fill the filepath {self.filepath!r}: no value "
                           f"for {e}; available: {', '.join(fields)}") from None

    def _save(self, epoch, batch, logs):
        path = self._file_path(epoch, batch, logs)
        if self.save_best_only:
            current = monitored_value(logs, self.monitor, "ModelCheckpoint")
            if current is None:
                return
            if not self._improved(current):
                if self.verbose > 0:
                    _console.print_msg(
                        f"Epoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}")
                return
            if self.verbose > 0:
                _console.print_msg(f"Epoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to "
                                   f"{current:.5f}, saving model to {path}")
            self.best = current
        elif self.verbose > 0:
            _console.print_msg(f"Epoch {epoch + 1}: saving model to {path}")
        directory = os.path.dirname(path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)
