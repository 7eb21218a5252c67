"""Checks of layer constructor arguments, with errors that name the layer."""

import numbers

import numpy as np

from ...checks import Range


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


def in_range(layer, name, value, expected: Range):
    """`value` as a float; a ValueError naming `layer`'s class unless it is a finite number inside `expected`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not expected.contains(float(value)):
        span = (f"{'(' if expected.low_open else '['}{float(expected.low)}, "
                f"{float(expected.high)}{')' if expected.high_open else ']'}")
        raise ValueError(f"{type(layer).__name__}: {name} must be a finite number in {span}, got {_shown(value)!r}")
    return float(value)


def float_inputs(layer, inputs):
    """Float `inputs` as they are, integers and booleans cast to the layer's dtype (float32 by default,
    not NumPy's float64 promotion); a TypeError naming the layer for any other dtype."""
    if inputs.dtype.kind == "f":
        return inputs
    if inputs.dtype.kind not in "iub":
        raise TypeError(f"{layer.name}: expected real numbers, got inputs of dtype {inputs.dtype}")
    return inputs.astype(layer.dtype)


def seed(layer, value):
    """`value` as an int, or None; a TypeError naming `layer`'s class for anything else."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, np.integer))):
        raise TypeError(f"{type(layer).__name__}: seed must be an int or None, got {value!r}")
    return None if value is None else int(value)
