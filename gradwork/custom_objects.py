"""`custom_object_scope` (Keras's name): classes and functions of your own, found by the names a config
uses while a model is rebuilt from it, without registering them for the whole program.

>>> with gw.saving.custom_object_scope({"ScaleShift": ScaleShift}):     # doctest: +SKIP
...     model = gw.models.model_from_json(text)
"""
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class _Scope(threading.local):
    objects: dict = {}


_scope = _Scope()


@contextmanager
def custom_object_scope(objects: dict[str, Any]) -> Iterator[None]:
    """Within the block, a config naming a key of `objects` gets its value (inner scopes first)."""
    if not isinstance(objects, dict):
        raise TypeError(f"custom_object_scope: objects must be a dict {{name: class or function}}, got "
                        f"{type(objects).__name__}")
    previous = _scope.objects
    _scope.objects = {**previous, **objects}
    try:
        yield
    finally:
        _scope.objects = previous


def scoped_objects() -> dict[str, Any] | None:
    """The objects of the scopes now open (None when none is)."""
    return _scope.objects or None
