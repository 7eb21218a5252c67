"""Names under which layers and models are saved, and the decorator that registers custom classes.

A saved model stores each object as {"class_name": ..., "config": {...}}. Loading looks the
class name up here and calls `cls.from_config(config)`; nothing in a file is ever executed.
gradwork's own layers register themselves; custom classes use the decorator.
"""
_REGISTRY = {}


def register_serializable(package="Custom", name=None):
    """Class decorator that lets `load_model` rebuild a custom layer or model from its config.

    >>> @gw.saving.register_serializable()
    ... class Scale(gw.nn.Layer): ...
    """

    def decorator(cls):
        key = f"{package}>{name or cls.__name__}"
        if key in _REGISTRY and _REGISTRY[key] is not cls:
            raise ValueError(f"{key} is already registered to {_REGISTRY[key]!r}")
        _REGISTRY[key] = cls
        cls._registered_name = key
        return cls

    return decorator


def register_builtin(cls):
    """Register one of gradwork's own classes under its plain class name."""
    _REGISTRY[cls.__name__] = cls
    cls._registered_name = cls.__name__
    return cls


def registered_name(cls):
    """The name a class is saved under (raises for an unregistered custom class)."""
    name = cls.__dict__.get("_registered_name")
    if name is None:
        raise TypeError(
            f"cannot save {cls.__name__}: it is not registered. Decorate the class with "
            f"@gw.saving.register_serializable() so that load_model can rebuild it."
        )
    return name


def get_registered_class(name):
    """The class saved as `name`; a clear error if the defining code has not registered it."""
    try:
        return _REGISTRY[name]
    except KeyError:
        plain = name.split(">")[-1]
        raise ValueError(
            f"unknown class {plain!r} in the saved file. If it is a custom layer or model, import the module "
            f"that defines it and decorate the class with @gw.saving.register_serializable() before loading."
        ) from None
