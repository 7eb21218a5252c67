"""Old keyword spellings of `gw.nn.functional`'s arguments (Keras's `strides`, `pool_size`, ...),
still accepted while callers move to PyTorch's names."""

import functools


def renamed(**new_by_old):
    """Decorator: the function also takes each old keyword (`strides=`) as its new name (`stride=`).

    Giving both spellings is a TypeError naming them. The wrapped function's docstring ends with
    the old names it accepts.
    """
    def decorate(fn):
        @functools.wraps(fn)
        def accepting_old_names(*args, **kwargs):
            if kwargs:
                for old, new in new_by_old.items():
                    if old in kwargs:
                        if new in kwargs:
                            raise TypeError(f"{fn.__name__}: got both {new!r} and its old spelling {old!r}; "
                                            f"pass {new!r} only")
                        kwargs[new] = kwargs.pop(old)
            return fn(*args, **kwargs)
        spellings = ", ".join(f"`{old}=` (now `{new}=`)" for old, new in new_by_old.items())
        note = f"Old keyword spellings still accepted: {spellings}."
        accepting_old_names.__doc__ = f"{(fn.__doc__ or '').rstrip()}\n\n    {note}\n"
        return accepting_old_names
    return decorate
