"""Checks of the arguments of `fit`, `evaluate` and `predict`, run before anything else: an argument
that would make the call do nothing, or something other than asked, is a ValueError or TypeError that
names the model and the argument."""
import numbers

from ..checks import true_or_false, whole_number

VERBOSITIES = ("auto", 0, 1, 2)


def verbosity(owner: str, value: object) -> int:
    """0, 1 or 2 ("auto" is 1), unless `value` is none of `VERBOSITIES` (ValueError)."""
    if isinstance(value, bool) or value not in VERBOSITIES:
        raise ValueError(f"{owner}: verbose must be one of {VERBOSITIES}, got {value!r}")
    return 1 if value == "auto" else int(value)


def batch_size(owner: str, value: object, name: str = "batch_size") -> int:
    """A batch size: None means 32 (Keras's default), else a positive integer."""
    return 32 if value is None else whole_number(name, value, owner=owner)


def check_fit(owner: str, epochs: object, initial_epoch: object, shuffle: object, validation_split: object,
              validation_freq: object) -> None:
    """The arguments of `fit` that no other check covers (batch sizes, verbose and steps are checked
    where they are used)."""
    whole_number("epochs", epochs, owner=owner)
    whole_number("initial_epoch", initial_epoch, least=0, owner=owner)
    if initial_epoch >= epochs:
        raise ValueError(f"{owner}: initial_epoch={initial_epoch} leaves no epoch to run before epochs={epochs} "
                         "(epochs is the index of the last epoch + 1, not a number of epochs to add)")
    true_or_false("shuffle", shuffle, owner=owner)
    if isinstance(validation_split, bool) or not isinstance(validation_split, numbers.Real) or not (
            0 <= validation_split < 1):
        raise ValueError(f"{owner}: validation_split must be in (0, 1), or 0 for none, got {validation_split!r}")
    if isinstance(validation_freq, (list, tuple, set, range)):
        for epoch in validation_freq:
            whole_number("each epoch in validation_freq", epoch, owner=owner)
    else:
        whole_number("validation_freq", validation_freq, owner=owner)
