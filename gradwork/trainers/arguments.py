"""Checks of the arguments of `fit`, `evaluate` and `predict`, run before anything else: an argument
that would make the call do nothing, or something other than asked, is a ValueError or TypeError that
names the model and the argument."""
import numbers

VERBOSITIES = ("auto", 0, 1, 2)


def count(owner: str, name: str, value: object, least: int = 1) -> int:
    """`value` as an int, unless it is not a whole number >= `least` (ValueError)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < least:
        kind = "a positive integer" if least == 1 else f"an integer >= {least}"
        raise ValueError(f"{owner}: {name} must be {kind}, got {value!r}")
    return int(value)


def flag(owner: str, name: str, value: object) -> bool:
    """`value` unless it is not True or False (TypeError)."""
    if not isinstance(value, bool) and type(value).__name__ != "bool_":
        raise TypeError(f"{owner}: {name} must be True or False, got {value!r}")
    return bool(value)


def verbosity(owner: str, value: object) -> int:
    """0, 1 or 2 ("auto" is 1), unless `value` is none of `VERBOSITIES` (ValueError)."""
    if isinstance(value, bool) or value not in VERBOSITIES:
        raise ValueError(f"{owner}: verbose must be one of {VERBOSITIES}, got {value!r}")
    return 1 if value == "auto" else int(value)


def batch_size(owner: str, value: object, name: str = "batch_size") -> int:
    """A batch size: None means 32 (Keras's default), else a positive integer."""
    return 32 if value is None else count(owner, name, value)


def check_fit(owner: str, epochs: object, initial_epoch: object, shuffle: object, validation_split: object,
              validation_freq: object) -> None:
    """The arguments of `fit` that no other check covers (batch sizes, verbose and steps are checked
    where they are used)."""
    count(owner, "epochs", epochs)
    count(owner, "initial_epoch", initial_epoch, least=0)
    if initial_epoch >= epochs:
        raise ValueError(f"{owner}: initial_epoch={initial_epoch} leaves no epoch to run before epochs={epochs} "
                         "(epochs is the index of the last epoch + 1, not a number of epochs to add)")
    flag(owner, "shuffle", shuffle)
    if isinstance(validation_split, bool) or not isinstance(validation_split, numbers.Real) or not (
            0 <= validation_split < 1):
        raise ValueError(f"{owner}: validation_split must be in (0, 1), or 0 for none, got {validation_split!r}")
    if isinstance(validation_freq, (list, tuple, set, range)):
        for epoch in validation_freq:
            count(owner, "each epoch in validation_freq", epoch)
    else:
        count(owner, "validation_freq", validation_freq)
