"""Checks of arguments shared across gradwork: whole numbers, True/False, and ranges of finite numbers.
Each error names the argument (and, given an `owner`, the object or call it belongs to), what was
expected and what was received."""
import math
import numbers
from typing import NamedTuple

import numpy as np


def _prefix(owner: str | None) -> str:
    return "" if owner is None else f"{owner}: "


def whole_number(name: str, value: object, least: int = 1, owner: str | None = None) -> int:
    """`value` as an int; a ValueError unless it is an integer (not a bool) >= `least`."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < least:
        kind = {1: "a positive integer", 0: "a non-negative integer"}.get(least, f"an integer >= {least}")
        raise ValueError(f"{_prefix(owner)}{name} must be {kind}, got {value!r}")
    return int(value)


def true_or_false(name: str, value: object, owner: str | None = None) -> bool:
    """`value` as a bool; a TypeError unless it is True or False (a NumPy bool too)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{_prefix(owner)}{name} must be True or False, got {value!r}")
    return bool(value)


class Range(NamedTuple):
    """A closed or open interval of finite numbers; `optional`: None is accepted too."""

    low: float
    high: float = math.inf
    low_open: bool = False
    high_open: bool = True
    optional: bool = False

    def describe(self) -> str:
        """The range in words, for messages: "a finite number > 0", "a number in [0, 1)"."""
        low = f"{'(' if self.low_open else '['}{self.low:g}"
        if self.high == math.inf:
            return f"a finite number {'>' if self.low_open else '>='} {self.low:g}"
        return f"a number in {low}, {self.high:g}{')' if self.high_open else ']'}"

    def contains(self, value: float) -> bool:
        """Whether `value` is finite and inside the range."""
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return math.isfinite(value) and above and below


POSITIVE = Range(0.0, low_open=True)
NON_NEGATIVE = Range(0.0)
FRACTION = Range(0.0, 1.0)  # [0, 1)
UNIT_INTERVAL = Range(0.0, 1.0, high_open=False)  # [0, 1]
