"""The random generator behind initializers, dropout and shuffling; `seed(n)` makes runs repeatable.

>>> gw.random.seed(0)     # every later draw (weights, dropout masks, batch order) repeats bit for bit
"""
import numpy as np

_generator = np.random.default_rng()


def seed(value: int | None) -> None:
    """Reset gradwork's generator to a fixed seed.

    Parameters
    ----------
    value : int or None
        The seed of a new `numpy.random.default_rng`; None draws fresh entropy from the system.
    """
    global _generator
    _generator = np.random.default_rng(value)


def get_generator() -> np.random.Generator:
    """The current `numpy.random.Generator` (replaced by each `seed()` call: fetch it, do not keep it)."""
    return _generator
