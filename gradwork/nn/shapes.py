"""Shape checks shared by layers and models, with None as a free size (Keras's convention)."""


def matches_shape(declared: tuple, shape: tuple) -> bool:
    """True when `shape` has as many axes as `declared` and its sizes wherever `declared` gives one.

    Parameters
    ----------
    declared : tuple of int or None
        The declared sizes; None takes any size (Input(shape=(None, 20)): sequences of any length).
    shape : tuple of int
        The actual sizes, e.g. an array's shape without its batch axis.
    """
    return len(declared) == len(shape) and all(d is None or d == n for d, n in zip(declared, shape))
