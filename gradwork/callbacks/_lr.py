"""Reading and writing `model.optimizer.learning_rate` for the learning-rate callbacks."""


def _optimizer(model, owner):
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not hasattr(optimizer, "learning_rate"):
        raise ValueError(f"{owner} needs model.optimizer with a `learning_rate` attribute.")
    return optimizer


def _holds_schedule(optimizer):
    """The type name of the schedule or callable the optimizer holds as its rate, or None."""
    if hasattr(optimizer, "learning_rate_schedule"):
        # gradwork optimizers evaluate a schedule in the `learning_rate` getter, so the getter
        # alone would hide it: they say what they hold in this public, read-only property
        held = (optimizer.learning_rate_schedule,)
    else:
        # other optimizers: Keras 3's (and older gradwork's) keep what they were given in
        # `_learning_rate` behind the same kind of getter; a plain object holds it in `learning_rate`
        held = (getattr(optimizer, "_learning_rate", None), optimizer.learning_rate)
    for stored in held:
        if callable(stored):
            return type(stored).__name__
    return None


def check_settable(model, owner):
    """Raise unless the optimizer holds a plain number as its learning rate.

    Raises
    ------
    TypeError
        If the learning rate is a schedule object or a callable: it sets the rate itself at every
        step, so a callback cannot change it (as in Keras).
    """
    optimizer = _optimizer(model, owner)
    kind = _holds_schedule(optimizer)
    if kind is None:
        try:
            float(optimizer.learning_rate)
            return optimizer
        except (TypeError, ValueError):
            kind = type(optimizer.learning_rate).__name__
    raise TypeError(
        f"{owner} cannot change the learning rate: the optimizer was given a learning-rate "
        f"schedule ({kind}), which sets the rate itself at every step. Create the optimizer "
        f"with a float learning_rate to use this callback.")


def get_learning_rate(model, owner):
    """The optimizer's current learning rate as a float (checked with `check_settable`)."""
    return float(check_settable(model, owner).learning_rate)


def set_learning_rate(model, value, owner):
    """Set the optimizer's learning rate to the float `value`."""
    check_settable(model, owner).learning_rate = float(value)
