"""The random generator behind initializers, dropout and shuffling; `seed(n)` makes runs repeatable.

>>> gw.random.seed(0)     # every later draw (weights, dropout masks, batch order) repeats bit for bit
"""
import numpy as np

_generator = np.random.default_rng()


def seed(value):
    """Reset gradwork's generator to a fixed seed."""
    global _generator
    _generator = np.random.default_rng(value)


def get_generator():
    """The current `numpy.random.Generator` (replaced by each `seed()` call)."""
    return _generator
