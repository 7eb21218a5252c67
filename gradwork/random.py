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


def get_state(generator: np.random.Generator | None = None) -> dict:
    """A generator's state (`bit_generator.state`): a JSON-able dict, for `set_state` to resume from.

    Parameters
    ----------
    generator : numpy Generator, optional
        A generator of its own (a seeded DataLoader's, a seeded augmentation layer's); default gradwork's.
    """
    return (_generator if generator is None else generator).bit_generator.state


def set_state(state: dict, generator: np.random.Generator | None = None) -> None:
    """Put a generator (default gradwork's) back in a state `get_state` returned: later draws repeat
    bit for bit.

    Raises
    ------
    ValueError
        If `state` is not the state of a bit generator of the generator's kind (`get_state()["bit_generator"]`).
    """
    generator = _generator if generator is None else generator
    kind = type(generator.bit_generator).__name__
    if not isinstance(state, dict) or state.get("bit_generator") != kind:
        raise ValueError(f"gw.random.set_state: state must be a {kind} bit-generator state from get_state(), "
                         f"got {state!r:.80}")
    generator.bit_generator.state = state


class OwnGenerator:
    """Mixed into what draws from a generator of its own, `self._rng` (None: gradwork's): seeded
    DataLoaders, image folders, and the random layers (dropout, noise, augmentation, recurrent and
    attention dropout), which set it with `use_seed`. `BackupAndRestore` saves and restores that
    generator's state through these two methods (gradwork's own generator it saves by `get_state`)."""

    _rng: np.random.Generator | None = None

    def use_seed(self, seed: int | None) -> None:
        """Keep `seed` (as `self.seed`, for configs) and draw from a generator of its own seeded with it;
        None draws from gradwork's generator."""
        self.seed = seed
        self._rng = None if seed is None else np.random.default_rng(seed)

    def get_random_state(self) -> dict | None:
        """{"generator": its state}, or None when this draws from gradwork's generator."""
        return None if self._rng is None else {"generator": get_state(self._rng)}

    def set_random_state(self, state: dict | None) -> None:
        """Put back what `get_random_state` returned.

        Raises
        ------
        ValueError
            If `state` is None for an object with a generator of its own, or the reverse.
        """
        if (state is None) != (self._rng is None):
            has = "has" if self._rng is not None else "has no"
            raise ValueError(f"{type(self).__name__} {has} generator of its own, got random state {state!r:.80}")
        if state is not None:
            set_state(state["generator"], self._rng)
