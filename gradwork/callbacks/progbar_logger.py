"""`ProgbarLogger`: the per-epoch progress display of `fit` (and of `evaluate` / `predict`)."""
import sys
from typing import TextIO

from . import _progress
from .callback import Callback


class ProgbarLogger(Callback):
    """Shows training progress the way Keras does, adapted to where the output goes.

    With ``verbose=1`` (the fit loop's `verbose`, read from `params`):

    - output is a terminal and tqdm is installed: "Epoch 3/10", then a tqdm bar with the
      step count, elapsed time / ETA and the running metrics;
    - output is a terminal without tqdm: the same as a plain bar redrawn in place with "\\r",
      at most 10 times a second::

          Epoch 3/10
          12/32 [==========>...................] - 1s - ETA: 2s - loss: 0.4321 - accuracy: 0.8765

    - output is not a terminal (a file, a pipe, CI logs): nothing during the epoch and exactly
      one line at its end, with no "\\r" and no escape sequences::

          Epoch 3/10 - 32/32 - 1s 31ms/step - loss: 0.4321 - accuracy: 0.8765 - val_loss: 0.5012

    ``verbose=2`` always gives that single line per epoch; ``verbose=0`` prints nothing.
    Jupyter output streams count as terminals. Metrics use Keras's format: 4 decimals, or
    4-decimal scientific notation for magnitudes below 1e-3. The epoch line shows the epoch
    time and the time per step.

    Inside `fit` the validation pass draws nothing (its "val_" values appear on the epoch
    line). A standalone `evaluate` or `predict` gets its own bar or line.

    Parameters
    ----------
    stream : text file, optional
        Where to write; None (default) means `sys.stdout` as it is when each pass starts (so
        `contextlib.redirect_stdout` and pytest's capture work).

    Examples
    --------
    >>> import io
    >>> log = io.StringIO()
    >>> model.fit(x, y, epochs=3, callbacks=[ProgbarLogger(stream=log)])
    """

    def __init__(self, stream: TextIO | None = None):
        super().__init__()
        self.stream = stream
        self.verbose = 1
        self.epochs = None
        self.target = None
        self._in_fit = False
        self._renderer = None
        self._seen = 0

    def set_params(self, params: dict) -> None:
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else int(verbose)
        self.epochs = params.get("epochs")
        self.target = params.get("steps")

    def _start(self, header=None):
        self._close()
        if not self.verbose:
            return
        stream = sys.stdout if self.stream is None else self.stream
        live = self.verbose == 1 and _progress.is_interactive(stream)
        self._seen = 0
        self._renderer = _progress.make_renderer(stream, self.target, header, live)

    def _update(self, batch, logs):
        if self._renderer is not None:
            self._seen = batch + 1
            self._renderer.update(self._seen, logs)

    def _close(self, logs=None):
        if self._renderer is not None:
            renderer, self._renderer = self._renderer, None
            renderer.finish(logs)

    # fit
    def on_train_begin(self, logs: dict | None = None) -> None:
        self._in_fit = True

    def on_train_end(self, logs: dict | None = None) -> None:
        self._close()           # a bar left open by an interrupted epoch
        self._in_fit = False

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        header = f"Epoch {epoch + 1}/{self.epochs}" if self.epochs else f"Epoch {epoch + 1}"
        self._start(header)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._update(batch, logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._close(logs)

    # evaluate (silent when it is fit's validation pass)
    def on_test_begin(self, logs: dict | None = None) -> None:
        if not self._in_fit:
            self._start()

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if not self._in_fit:
            self._update(batch, logs)

    def on_test_end(self, logs: dict | None = None) -> None:
        if not self._in_fit:
            self._close(logs)

    # predict (batch logs hold outputs, not metrics: none are shown)
    def on_predict_begin(self, logs: dict | None = None) -> None:
        if not self._in_fit:
            self._start()

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if not self._in_fit:
            self._update(batch, None)

    def on_predict_end(self, logs: dict | None = None) -> None:
        if not self._in_fit:
            self._close()
