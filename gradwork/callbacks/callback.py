"""The `Callback` base class: a set of no-op hooks that `fit`, `evaluate` and `predict` call."""
from typing import Any


class Callback:
    """Base class for objects that watch (and may steer) training, evaluation and prediction.

    Override the hooks you need; every hook is a no-op here. The loop calls `set_params` and
    `set_model` first, then the hooks in this order for `fit`::

        on_train_begin
          on_epoch_begin(epoch)                      # epoch counts from 0
            on_train_batch_begin(batch) / on_train_batch_end(batch, logs)   # running averages
            on_test_begin ... on_test_end            # validation, if any
          on_epoch_end(epoch, logs)                  # epoch values, "val_" keys included
        on_train_end

    `logs` is a dict of floats such as ``{"loss": 0.31, "accuracy": 0.9}``; all callbacks in one
    `CallbackList` receive the same dict, so a callback that adds a key (the learning-rate
    callbacks add "learning_rate") makes it visible to the ones after it.
    A callback stops training by setting ``self.model.stop_training = True``.

    Attributes
    ----------
    model : Model or None
        The model being trained (set by `set_model`).
    params : dict or None
        "epochs", "steps" (batches per epoch, or None when unknown) and "verbose" (set by `set_params`).

    Examples
    --------
    >>> class PrintLoss(Callback):
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         print(f"epoch {epoch + 1}: loss {logs['loss']:.3f}")
    """

    def __init__(self):
        self.model = None
        self.params = None

    def set_params(self, params: dict) -> None:
        """Receive the loop's parameters: {"epochs": int, "steps": int or None, "verbose": int}."""
        self.params = params

    def set_model(self, model: Any) -> None:
        """Receive the model the loop is running."""
        self.model = model

    def get_state(self) -> dict | None:
        """The state a resumed run needs (`BackupAndRestore`): a dict of JSON-able values and arrays, or
        None for a callback with nothing to resume (the default)."""
        return None

    def set_state(self, state: dict) -> None:
        """Put back what `get_state` returned; called by `BackupAndRestore` after `on_train_begin`."""

    # --- fit -------------------------------------------------------------------------------
    def on_train_begin(self, logs: dict | None = None) -> None:
        """Called once at the start of `fit`."""

    def on_train_end(self, logs: dict | None = None) -> None:
        """Called once at the end of `fit` (also after an early stop)."""

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the start of epoch `epoch` (0-based)."""

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the end of epoch `epoch` with the epoch's metrics, validation ones prefixed "val_"."""

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before training batch `batch` (0-based within the epoch)."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after training batch `batch`; `logs` holds running averages over the epoch so far."""
        self.on_batch_end(batch, logs=logs)

    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Older name of `on_train_batch_begin` (Keras 2); called from it by default."""

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Older name of `on_train_batch_end` (Keras 2); called from it by default."""

    # --- evaluate (and validation inside fit) ----------------------------------------------
    def on_test_begin(self, logs: dict | None = None) -> None:
        """Called at the start of `evaluate` or of a validation pass."""

    def on_test_end(self, logs: dict | None = None) -> None:
        """Called at the end of `evaluate` or of a validation pass, with its metrics."""

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before evaluation batch `batch`."""

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after evaluation batch `batch` with running averages."""

    # --- predict ---------------------------------------------------------------------------
    def on_predict_begin(self, logs: dict | None = None) -> None:
        """Called at the start of `predict`."""

    def on_predict_end(self, logs: dict | None = None) -> None:
        """Called at the end of `predict`."""

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before prediction batch `batch`."""

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after prediction batch `batch`."""
