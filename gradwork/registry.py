"""One registry behind every name in a config: how objects are named, saved and found again.

Each kind of object that a config can name (activation, initializer, regularizer, loss, metric,
optimizer, learning rate schedule, layer) has one `Registry`: a table from names to the objects
themselves, declared by the kind's module. A class is saved as `{"class_name": ..., "config":
obj.get_config()}` and rebuilt with `cls.from_config(config)`; a function is saved as its name.

Finding a name reads, in order, the `custom_objects` given to the call, the kind's table, then the
classes and functions registered with `register_serializable` ("package>name"). Nothing is
imported and no code from a file runs: a saved file can only name what the program has defined.

>>> @gw.registry.register_serializable("demo")
... class Halve(gw.initializers.Initializer):
...     def __call__(self, shape, dtype=None):
...         return np.full(shape, 0.5)
>>> gw.initializers.serialize(Halve())
{'class_name': 'demo>Halve', 'config': {}}
>>> gw.initializers.get("demo>Halve")     # found by its registered name
Halve()
"""
import inspect
import re
from collections.abc import Callable
from typing import Any, TypeVar

from .custom_objects import scoped_objects

_T = TypeVar("_T")

_CUSTOM = {}  # "package>name" -> the class or function registered under it


def snake_case(name: str) -> str:
    """Keras's automatic name for a class name: "BatchNormalization" -> "batch_normalization".

    A capital followed by lower-case letters starts a word, as does a capital after a lower-case
    letter; runs of capitals and digits stay in one word: "Conv2DTranspose" -> "conv2d_transpose",
    "SGD" -> "sgd", "LSTM" -> "lstm", "MultiHeadAttention" -> "multi_head_attention".
    """
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def register_serializable(package: str = "Custom", name: str | None = None) -> Callable[[_T], _T]:
    """Class or function decorator: save your object as "package>name" and find it again on loading.

    Works for every kind (layers and models, initializers, losses, metrics, activations, ...).

    Parameters
    ----------
    package : str
    name : str, optional
        Default: the object's `__name__`.

    Returns the decorator, which returns the object itself; a ValueError when the decorator is applied
    to a different object under a name already taken.

    Examples
    --------
    >>> @gw.saving.register_serializable()
    ... class Scale(gw.nn.Layer): ...
    """

    def decorator(obj):
        key = f"{package}>{name or obj.__name__}"
        taken = _CUSTOM.get(key)
        if taken is not None and taken is not obj:
            raise ValueError(f"{key} is already registered to {taken!r}")
        _CUSTOM[key] = obj
        obj._registered_name = key
        return obj

    return decorator


def _custom_name(obj):
    """The name `register_serializable` gave `obj` itself (not one inherited from a base class)."""
    return getattr(obj, "__dict__", {}).get("_registered_name")


def registered_function(name: str) -> Callable | None:
    """The function registered as `name` ("package>name"), or given by an open `custom_object_scope`."""
    found = (scoped_objects() or {}).get(name, _CUSTOM.get(name))
    return found if callable(found) and not isinstance(found, type) else None


def class_name(cls: type) -> str:
    """The "class_name" a config gives an instance of `cls`: its registered name, else its own name."""
    return _custom_name(cls) or cls.__name__


def serialize_object(obj: Any) -> str | dict | None:
    """A constructor argument as it goes into a config.

    None, names and config dicts (a layer rebuilt from a config holds those) stay as they are; any
    other object becomes {"class_name": ..., "config": obj.get_config()} (a ValueError without get_config).
    """
    if obj is None or isinstance(obj, (str, dict)):
        return obj
    if not callable(getattr(obj, "get_config", None)):
        raise ValueError(f"cannot serialize {obj!r}: a plain function has no get_config() to rebuild it from; pass "
                         "a built-in regularizer, constraint or initializer, or a registered subclass of one")
    return {"class_name": class_name(type(obj)), "config": obj.get_config()}


CUSTOM_CLASS_HINT = ", or pass your own class in custom_objects={name: cls}"
"""The end of an unknown-name error for kinds whose `deserialize` takes `custom_objects`."""


class Registry:
    """The names of one kind of object, and the rules that turn names and configs into objects.

    Parameters
    ----------
    kind : str
        The word in messages ("initializer", "learning rate schedule").
    base : type, optional
        The class every object of this kind is an instance of: `serialize` checks it, `get`
        instantiates its subclasses, and only its subclasses are found among the objects
        registered with `register_serializable`.
    entries : tuple of classes or functions
        Each saved under its `__name__`.
    aliases : dict of str to entry, optional
        Further names for entries.
    ignore_case : bool
        Names match whatever their capitalisation ("SGD", "sgd").
    snake_case_aliases : bool
        Each class also answers to its snake-case name ("glorot_uniform").
    nested_custom_objects : bool
        The kind's `from_config` takes `custom_objects` too, for the objects nested in its config
        (an optimizer's learning-rate schedule).
    module : str, optional
        Written into configs as "module" (information only: never imported).
    heading : str
        The start of the unknown-name error, a format string with {kind}, {name} and {plain}
        (the name after any "package>").
    list_names : bool
        Whether that error lists the valid names.
    hint : str
        The end of that error (what else the user can do).
    """

    def __init__(
        self, kind: str, base: type | None = None, entries: tuple = (), aliases: dict | None = None, *,
        ignore_case: bool = False, snake_case_aliases: bool = False, nested_custom_objects: bool = False,
        module: str | None = None, heading: str = "unknown {kind} {name!r}", list_names: bool = True,
        hint: str = "",
    ):
        self.kind, self.base, self.module = kind, base, module
        self._ignore_case, self._snake_case_aliases = ignore_case, snake_case_aliases
        self._heading, self._list_names, self._hint = heading, list_names, hint
        self._nested_custom_objects = nested_custom_objects
        self._by_name = {}  # name (lower case if ignore_case) -> object
        self._name_of = {}  # object -> the name it is saved under
        for entry in entries:
            self.add(entry)
        for alias, entry in (aliases or {}).items():
            self._bind(alias, entry)

    def _key(self, name):
        return name.lower() if self._ignore_case else name

    def _bind(self, name, obj):
        key = self._key(name)
        taken = self._by_name.get(key)
        if taken is not None and taken is not obj:
            raise ValueError(f"the {self.kind} name {name!r} is already taken by {taken!r}")
        self._by_name[key] = obj

    def add(self, obj: _T, *aliases: str) -> _T:
        """Register `obj` under its `__name__` (the name it is saved under) and `aliases`; returns `obj`."""
        self._bind(obj.__name__, obj)
        self._name_of[obj] = obj.__name__
        if self._snake_case_aliases and isinstance(obj, type):
            self._bind(snake_case(obj.__name__), obj)
        for alias in aliases:
            self._bind(alias, obj)
        return obj

    def add_equivalents(self, *objs: Callable) -> None:
        """Let each of `objs` be saved under its `__name__`, the name of an entry it behaves exactly as
        (loading gives that entry). A name that is not an entry raises ValueError."""
        for obj in objs:
            self.lookup(obj.__name__)  # the entry must exist
            self._name_of[obj] = obj.__name__

    def is_entry(self, obj: Any) -> bool:
        """Whether `obj` is one of the table's own objects (not a registered or custom one)."""
        try:
            return obj in self._name_of
        except TypeError:  # unhashable
            return False

    def name_of(self, obj: Any) -> str | None:
        """The name `obj` is saved under: its registered name, its entry's name, or None."""
        try:
            return _custom_name(obj) or self._name_of.get(obj)
        except TypeError:  # unhashable
            return None

    def lookup(self, name: str, custom_objects: dict | None = None) -> Any:
        """The object called `name`: from `custom_objects`, this table, or `register_serializable`.

        Raises
        ------
        ValueError
            When no object has that name (`unknown_name_error`).
        """
        if custom_objects and name in custom_objects:
            return custom_objects[name]
        found = self._by_name.get(self._key(name))
        if found is None:
            found = _CUSTOM.get(name)
            if found is not None and self.base is not None and not (
                isinstance(found, type) and issubclass(found, self.base)
            ):
                found = None
        if found is None:
            raise self.unknown_name_error(name)
        return found

    def unknown_name_error(self, name: str) -> ValueError:
        """The ValueError for a name that is not found."""
        message = self._heading.format(kind=self.kind, name=name, plain=name.split(">")[-1])
        if self._list_names:
            message += f"; valid names are: {self.valid_names()}"
        return ValueError(message + self._hint)

    def valid_names(self) -> str:
        """The names for messages: the lower-case ones (noting the class names when there are both),
        else all."""
        names = sorted(self._by_name)
        lower = [n for n in names if not n[0].isupper()]
        text = ", ".join(repr(n) for n in (lower or names))
        if lower and len(lower) < len(names):
            text += " (or the class names)"
        return text + (" (any capitalisation)" if self._ignore_case else "")

    def serialize(self, obj: Any) -> dict:
        """{"class_name", "config"} (and "module" when the kind has one) for an instance of `base`.

        Raises
        ------
        TypeError
            When `obj` is not an instance of `base`.
        """
        if self.base is None:
            raise TypeError(f"{self.kind} objects are saved by name (`name_of`), not as configs")
        if not isinstance(obj, self.base):
            article = "an" if self.base.__name__[0] in "AEIOU" else "a"
            raise TypeError(
                f"serialize expects {article} {self.base.__name__}, got {type(obj).__name__}: {obj!r}"
            )
        head = {} if self.module is None else {"module": self.module}
        return {**head, "class_name": class_name(type(obj)), "config": obj.get_config()}

    def deserialize(self, config: str | dict, custom_objects: dict | None = None) -> Any:
        """The object a name or a `serialize` dict describes.

        A class found by name is built (from the dict's "config" by `from_config`), a function
        returned. A dict whose "config" is a name (how Keras saves a function) means that name.

        Parameters
        ----------
        config : str or dict
            A name, or {"class_name": ..., "config": ...}.
        custom_objects : dict of str to class or function, optional
            Looked up before the table.

        Raises
        ------
        ValueError
            For an unknown name or a config of another form.
        """
        if isinstance(config, dict) and isinstance(config.get("config"), str):
            config = config["config"]
        if isinstance(config, str):
            found = self.lookup(config, custom_objects)
            return found() if isinstance(found, type) else found
        if isinstance(config, dict) and isinstance(config.get("class_name"), str):
            body = config.get("config")
            if body is None or isinstance(body, dict):
                found = self.lookup(config["class_name"], custom_objects)
                if not isinstance(found, type):
                    return found
                if self._nested_custom_objects:
                    return found.from_config(dict(body or {}), custom_objects=custom_objects)
                return found.from_config(dict(body or {}))
        raise ValueError(
            f"cannot deserialize {self.kind} from {config!r}: expected a name or a dict with 'class_name' "
            "and 'config' (as serialize returns)"
        )

    def get(self, identifier: Any) -> Any:
        """An object of this kind from a name, a config dict, a class (instantiated), or an instance or
        other callable (returned as is). None gives None; anything else raises ValueError."""
        if identifier is None:
            return None
        if isinstance(identifier, (str, dict)):
            return self.deserialize(identifier)
        if self.base is not None and isinstance(identifier, type) and issubclass(identifier, self.base):
            return identifier()
        if callable(identifier) or (self.base is not None and isinstance(identifier, self.base)):
            return identifier
        raise ValueError(
            f"could not interpret {self.kind} identifier {identifier!r}: expected a name, a config dict "
            "or a callable"
        )


class Configurable:
    """`get_config` / `from_config` / `repr` for objects whose config is their constructor's arguments.

    The default `get_config` reads each argument of `__init__` back from the attribute of the same
    name; a class that keeps its arguments otherwise writes its own `get_config`.
    """

    def get_config(self) -> dict:
        """{argument: value} for each argument of the constructor."""
        config = {}
        for name, parameter in inspect.signature(type(self).__init__).parameters.items():
            if name == "self" or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                continue
            if not hasattr(self, name):
                raise NotImplementedError(
                    f"{type(self).__name__}.get_config: the default config reads each constructor argument "
                    f"from the attribute of the same name, but there is no attribute {name!r}; store it "
                    "or write get_config()"
                )
            config[name] = getattr(self, name)
        return config

    @classmethod
    def from_config(cls, config: dict) -> Any:
        """An object built from `get_config()`'s output."""
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class FunctionWrapperConfig:
    """The config of a wrapper of a per-sample function `fn(y_true, y_pred, **fn_kwargs)` (Keras's
    LossFunctionWrapper and MeanMetricWrapper): the keyword arguments join the config; the wrapper
    class itself, the one that names `functions` (the Registry of the functions it may hold), also
    saves `fn` by name and finds it there on loading. Its subclasses fix `fn` and save their settings."""

    functions = None  # set by the wrapper class

    def get_config(self) -> dict:
        config = super().get_config()
        if "functions" in vars(type(self)):
            config["fn"] = self.functions.name_of(self.fn) or getattr(self.fn, "__name__", repr(self.fn))
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config: dict) -> Any:
        config = dict(config)
        if "functions" in vars(cls) and isinstance(config.get("fn"), str):
            config["fn"] = cls.functions.lookup(config["fn"])
        return cls(**config)


# ----- layers and models --------------------------------------------------------------------------

LAYERS = Registry("layer", heading="unknown class {plain!r} in the saved file", list_names=False,
                  hint=". If it is a custom layer or model, import the module that defines it and decorate the "
                  "class with @gw.saving.register_serializable() before loading.")


def register_builtin(cls: type) -> type:
    """Register one of gradwork's own layer or model classes under its class name."""
    return LAYERS.add(cls)


def registered_name(cls: type) -> str:
    """The name a layer or model class is saved under (a TypeError for an unregistered custom class)."""
    name = LAYERS.name_of(cls)
    if name is None:
        raise TypeError(
            f"cannot save {cls.__name__}: it is not registered. Decorate the class with "
            f"@gw.saving.register_serializable() so that load_model can rebuild it."
        )
    return name


def get_registered_class(name: str) -> type:
    """The layer or model class saved as `name` (or given by an open `custom_object_scope`); a clear error
    if its code has not registered it."""
    return LAYERS.lookup(name, scoped_objects())


__all__ = [
    "CUSTOM_CLASS_HINT", "Configurable", "FunctionWrapperConfig", "LAYERS", "Registry", "class_name",
    "get_registered_class", "register_builtin", "register_serializable", "registered_name", "serialize_object",
    "snake_case",
]
