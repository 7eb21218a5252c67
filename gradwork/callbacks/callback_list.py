"""`CallbackList`: one object that forwards every hook to a list of callbacks."""
from typing import Any

from .backup_and_restore import BackupAndRestore
from .callback import Callback
from .history import History
from .progbar_logger import ProgbarLogger


class CallbackList(Callback):
    """Forwards each hook, in order, to every callback in a list.

    Parameters
    ----------
    callbacks : list of Callback, optional
    add_history : bool
        Append a `History` unless the list already holds one; it becomes `model.history`.
    add_progbar : bool
        Append a `ProgbarLogger` unless the list already holds one.
    model : Model, optional
        If given, passed to `set_model` of every callback.
    **params
        If given, passed as one dict to `set_params` of every callback; the fit loop passes
        ``epochs=..., steps=..., verbose=..., data=...`` (data: fit's x, as given).

    The defaults are added after the user's callbacks, so the epoch line and `History` see
    keys that other callbacks add to `logs` (such as "learning_rate"); a `BackupAndRestore` goes
    last of all. Every callback receives the same `logs` dict (an empty one when the caller passes None).

    Examples
    --------
    What a fit loop does:

    >>> cbs = CallbackList(user_callbacks, add_history=True, add_progbar=verbose != 0,
    ...                    model=model, verbose=verbose, epochs=epochs, steps=steps)
    >>> cbs.on_train_begin()
    """

    def __init__(self, callbacks: list[Callback] | None = None, add_history: bool = False,
                 add_progbar: bool = False, model: Any = None, **params):
        super().__init__()
        self.callbacks = list(callbacks) if callbacks else []
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"CallbackList: expected Callback instances, got {type(cb).__name__}")
        self._history = next((cb for cb in self.callbacks if isinstance(cb, History)), None)
        self._progbar = next((cb for cb in self.callbacks if isinstance(cb, ProgbarLogger)), None)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        # backups last: they save the others' end-of-epoch state and restore it after their on_train_begin
        backups = [cb for cb in self.callbacks if isinstance(cb, BackupAndRestore)]
        self.callbacks = [cb for cb in self.callbacks if not isinstance(cb, BackupAndRestore)] + backups
        for backup in backups:
            backup.set_callbacks(self.callbacks)
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def append(self, callback: Callback) -> None:
        """Add one more callback at the end."""
        self.callbacks.append(callback)

    def __iter__(self):
        return iter(self.callbacks)

    def __len__(self):
        return len(self.callbacks)

    def set_params(self, params: dict) -> None:
        self.params = params
        for cb in self.callbacks:
            cb.set_params(params)

    def set_model(self, model: Any) -> None:
        self.model = model
        if self._history is not None:
            model.history = self._history
        for cb in self.callbacks:
            cb.set_model(model)

    def _call(self, hook, *args, logs=None):
        logs = {} if logs is None else logs
        for cb in self.callbacks:
            getattr(cb, hook)(*args, logs)      # positional, as Keras calls them

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._call("on_train_begin", logs=logs)

    def on_train_end(self, logs: dict | None = None) -> None:
        self._call("on_train_end", logs=logs)

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._call("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._call("on_epoch_end", epoch, logs=logs)

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._call("on_train_batch_begin", batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._call("on_train_batch_end", batch, logs=logs)

    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self.on_train_batch_begin(batch, logs=logs)

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.on_train_batch_end(batch, logs=logs)

    def on_test_begin(self, logs: dict | None = None) -> None:
        self._call("on_test_begin", logs=logs)

    def on_test_end(self, logs: dict | None = None) -> None:
        self._call("on_test_end", logs=logs)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._call("on_test_batch_begin", batch, logs=logs)

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._call("on_test_batch_end", batch, logs=logs)

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._call("on_predict_begin", logs=logs)

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._call("on_predict_end", logs=logs)

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._call("on_predict_batch_begin", batch, logs=logs)

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._call("on_predict_batch_end", batch, logs=logs)
