"""`CSVLogger`: write each epoch's logs as a row of a CSV file."""
import csv
import os

import numpy as np

from .callback import Callback


def _cell(value):
    if isinstance(value, str):
        return value
    if np.ndim(value) == 0:
        return value.item() if isinstance(value, np.generic) or isinstance(value, np.ndarray) else value
    return "[" + ", ".join(str(v) for v in np.ravel(value)) + "]"


class CSVLogger(Callback):
    """Appends one row per epoch to a CSV file: the epoch (0-based, as Keras) and every log value.

    Parameters
    ----------
    filename : str or PathLike
        The CSV file's path.
    separator : str
        The field separator.
    append : bool
        Add to an existing file instead of overwriting it. The header is written only if the
        file is empty or missing; an existing header fixes the columns.

    The columns are "epoch" followed by the first epoch's log keys in sorted order (so
    "loss" comes before "val_loss"). A key missing from a later epoch is written as "NA";
    a key that first appears after the first epoch is not written. (Keras adds "val_"
    columns to a first epoch that has none, in case validation runs only every few epochs;
    gradwork does not, so runs without validation get no columns of "NA".) Lines end in
    "\\n", and the file is flushed after each row so it can be watched during training.

    Examples
    --------
    >>> model.fit(x, y, epochs=10, callbacks=[CSVLogger("training.csv")])
    """

    def __init__(self, filename: str | os.PathLike, separator: str = ",", append: bool = False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys = None
        self.writer = None
        self.csv_file = None
        self._write_header = True

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.keys = None
        self._write_header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename, newline="") as f:
                header = next(csv.reader(f, delimiter=self.sep), None)
            if header:
                self._write_header = False
                self.keys = [k for k in header if k != "epoch"]
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="")
        self.writer = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
        if self.writer is None:
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys,
                                         delimiter=self.sep, lineterminator="\n", extrasaction="ignore")
            if self._write_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _cell(logs[key]) if key in logs else "NA") for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.csv_file is not None:
            self.csv_file.close()
        self.csv_file = None
        self.writer = None
