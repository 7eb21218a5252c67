"""Checks of layer constructor arguments, with errors that name the layer."""

import numbers

import numpy as np


def _shown(value):
    return value.item() if isinstance(value, np.generic) else value


def positive_int(layer, name, value):
    """`value` as an int; a ValueError naming `layer`'s class unless it is a whole number >= 1."""
    try:
        whole = not isinstance(value, bool) and int(value) == value
    except (TypeError, ValueError, OverflowError):
        whole = False
    if not whole or value <= 0:
        raise ValueError(f"{type(layer).__name__}: {name} must be a positive integer, got {_shown(value)!r}")
    return int(value)


def rate(layer, name, value):
    """`value` as a float; a ValueError naming `layer`'s class unless 0 <= value < 1 (a dropout rate)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise ValueError(f"{type(layer).__name__}: {name} must be in [0, 1), got {_shown(value)!r}")
    return float(value)


def in_range(layer, name, value, low, high, low_open=False, high_open=False):
    """`value` as a float; a ValueError naming `layer`'s class unless it is a finite number in the range
    from `low` to `high` (each end included unless `*_open`)."""
    ok = not isinstance(value, bool) and isinstance(value, numbers.Real) and np.isfinite(value)
    ok = ok and (low < value if low_open else low <= value) and (value < high if high_open else value <= high)
    if not ok:
        span = f"{'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
        raise ValueError(f"{type(layer).__name__}: {name} must be a finite number in {span}, got {_shown(value)!r}")
    return float(value)
