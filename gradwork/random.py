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


def get_state() -> dict:
    """The generator's state (`bit_generator.state`): a JSON-able dict, for `set_state` to resume from."""
    return _generator.bit_generator.state


def set_state(state: dict) -> None:
    """Put gradwork's generator back in a state `get_state` returned: later draws repeat bit for bit.

    Raises
    ------
    ValueError
        If `state` is not the state of a bit generator of the current kind (`get_state()["bit_generator"]`).
    """
    kind = type(_generator.bit_generator).__name__
    if not isinstance(state, dict) or state.get("bit_generator") != kind:
        raise ValueError(f"gw.random.set_state: state must be a {kind} bit-generator state from get_state(), "
                         f"got {state!r:.80}")
    _generator.bit_generator.state = state
