"""A .csv dataset: numeric feature columns and one label column, checked cell by cell.

The numbers are parsed by NumPy (`np.loadtxt`, 1.6-2.6x faster than a Python `float()` per cell:
benchmarks/csv_parse.py); only when that fast parse fails, or the file quotes its cells, are the rows
read one by one with the `csv` module, to name the first bad line and column in the error.
"""
import csv
import io
import math
from itertools import repeat

import numpy as np

from .parser import FLOAT32_MAX


class CSVError(ValueError):
    """A .csv file that cannot be a dataset; the message names the file, line and column."""


def read_csv(path: str, target: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The features, labels and class names of a .csv file with a header line.

    Parameters
    ----------
    path : str
    target : str
        The label column: any text, one class per distinct value; every other column must hold
        finite numbers that fit float32.

    Returns
    -------
    x : ndarray of shape (N, columns - 1), float32
    y : ndarray of shape (N,), int64
        Indices into `class_names`.
    class_names : list of str
        The distinct labels, numbers first in numeric order, then the others alphabetically.

    Raises
    ------
    CSVError
        No header or rows, no column `target`, a missing or extra cell, an empty label, or a
        feature cell that is not a number, not finite, or beyond float32 (line and column named).
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            text = f.read()
    except UnicodeDecodeError as err:
        raise CSVError(f"{path}: not a UTF-8 text file ({err.reason} at byte {err.start})") from None
    lines = text.splitlines()
    header = next(csv.reader(lines[:1]), [])
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) < 2:
        raise CSVError(f"{path}: expected a header line and at least one row")
    if target not in header:
        raise CSVError(f"{path}: no column named {target!r}; the columns are {', '.join(header)}")
    if len(header) < 2:
        raise CSVError(f"{path}: besides the target {target!r} there must be at least one numeric column")
    t = header.index(target)
    parsed = _fast_parse(lines[1:], len(header), t) if '"' not in text else None
    x, labels = parsed if parsed is not None else _checked_parse(path, text, header, t)
    class_names, y = _encode(labels)
    return x, y, class_names


def _fast_parse(rows, width, t):
    """(x, labels) parsed by NumPy, or None when a row has another number of cells than the header,
    or a cell is not a finite float32 number, or a label is empty: `_checked_parse` says which."""
    if set(map(str.count, rows, repeat(","))) != {width - 1}:
        return None
    columns = [i for i in range(width) if i != t]
    options = {"delimiter": ",", "comments": None, "quotechar": None}
    try:
        x = np.loadtxt(rows, usecols=columns, dtype=np.float64, ndmin=2, **options)
        labels = np.loadtxt(rows, usecols=[t], dtype=str, ndmin=1, **options)
    except ValueError:
        return None
    if not (np.isfinite(x).all() and (np.abs(x) <= FLOAT32_MAX).all() and np.char.str_len(labels).all()):
        return None
    return x.astype(np.float32), labels


def _checked_parse(path, text, header, t):
    """(x, labels) read row by row with the csv module; raises CSVError at the first bad line."""
    reader = csv.reader(io.StringIO(text))
    next(reader)  # the header
    x, labels = [], []
    for row in reader:
        if not row:  # a blank line
            continue
        line = reader.line_num  # of the row's last line; the header is line 1
        if len(row) != len(header):
            raise CSVError(f"{path}: line {line} has {len(row)} cells, the header has {len(header)} "
                           f"({', '.join(header)})")
        if not row[t]:
            raise CSVError(f"{path}: line {line}, column {header[t]!r} (the target) is empty")
        x.append([_cell(path, line, header[i], v) for i, v in enumerate(row) if i != t])
        labels.append(row[t])
    return np.array(x, dtype=np.float32), np.array(labels)


def _cell(path, line, column, text):
    """One feature cell as a float; raises CSVError naming the line and column."""
    where = f"at line {line}, column {column!r}"
    if not text.strip():
        raise CSVError(f"{path}: missing value {where}")
    try:
        value = float(text)
    except ValueError as err:
        raise CSVError(f"{path}: every column except the target must be numeric ({err}) {where}") from None
    if not math.isfinite(value):
        raise CSVError(f"{path}: {text!r} is not a finite number {where}")
    if abs(value) > FLOAT32_MAX:
        raise CSVError(f"{path}: {text!r} overflows float32 (largest {FLOAT32_MAX:.4g}) {where}")
    return value


def _encode(labels):
    """(class names, each label's index): numbers first in numeric order, then the other texts."""
    distinct, index = np.unique(labels, return_inverse=True)
    names = sorted(distinct.tolist(), key=_label_order)
    position = {name: i for i, name in enumerate(names)}
    return names, np.array([position[name] for name in distinct.tolist()], dtype=np.int64)[index.ravel()]


def _label_order(label):
    try:
        value = float(label)
    except ValueError:
        value = math.nan
    return (0, value, label) if math.isfinite(value) else (1, 0.0, label)
