"""How a layer gets built.

- `build_shape_args`: which shapes a `build` takes (Keras 3's `<argument>_shape` convention).
- `shape_of`: the shape(s) `build` gets, and a call's output shape.
- `marking_built`: a direct `layer.build(shape)` marks the layer built, as in Keras 3.
- `shape_pass` / `in_shape_pass`: marks the zero-sample runs that only build layers and read output
  shapes (a model's build, a symbolic call), so a layer whose state is still to come (an un-adapted
  Normalization) can tell them from a real call.
- `undo_build_on_error`: a layer counts as built only once its first call has succeeded: every layer
  that a failed first call (or a failed check after it) built goes back to unbuilt, without the
  weights that call made, and gradwork's generator back where it was (initializers draw from it), so
  the next call starts from exactly the state before the failed one.
"""
from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .. import random


class _ShapePass(threading.local):
    active = False


_shape_pass = _ShapePass()


@contextmanager
def shape_pass() -> Iterator[None]:
    """Mark the block as a zero-sample run that only builds layers and reads output shapes."""
    outer, _shape_pass.active = _shape_pass.active, True
    try:
        yield
    finally:
        _shape_pass.active = outer


def in_shape_pass() -> bool:
    """Whether the current call runs inside `shape_pass` (on zeros, to build and read shapes)."""
    return _shape_pass.active


@contextmanager
def undo_build_on_error(layer: Any) -> Iterator[None]:
    """Run the block; if it raises, unbuild what it built in `layer` (a Layer) and its sublayers, then re-raise.

    Nothing is recorded (and nothing undone) when every layer in the tree is already built.
    """
    unbuilt = {id(sub): (sub, set(sub._params)) for sub in [layer, *(s for _, s in layer.named_layers())]
               if not sub.built}
    if not unbuilt:
        yield
        return
    generator_state = random.get_state()
    try:
        yield
    except BaseException:
        for sub, params in unbuilt.values():
            for name in [name for name in sub._params if name not in params]:
                delattr(sub, name)
            sub._unbuild()
        random.set_state(generator_state)
        raise


def marking_built(build: Callable) -> Callable:
    """`build`, marking the layer built when it returns (so a direct `layer.build(shape)` counts, as in
    Keras 3), and leaving it as it was when it raises."""
    @functools.wraps(build)
    def build_and_mark(self, *args, **kwargs):
        with undo_build_on_error(self):
            build(self, *args, **kwargs)
            self.built = True

    return build_and_mark


def build_shape_args(cls: type) -> tuple[str, ...] | None:
    """The call arguments whose shapes a `build` with several parameters takes, by Keras 3's
    convention: `build(self, query_shape, value_shape, key_shape=None)` gets the shapes of call's
    `query`, `value` and `key` (None for one not passed). None for the usual `build(self, input_shape)`."""
    names = list(inspect.signature(cls.build).parameters)[1:]
    if len(names) < 2:
        return None
    if not all(n.endswith("_shape") for n in names):
        raise TypeError(f"{cls.__name__}.build: with several parameters each must be named "
                        f"<call argument>_shape, got {names}")
    return tuple(n[: -len("_shape")] for n in names)


def shape_of(x: Any, batch_none: bool) -> Any:
    """The shape of x (or of each tensor in a list/dict); batch_none replaces the batch size by None."""
    if isinstance(x, (list, tuple)):
        return [shape_of(v, batch_none) for v in x]
    if isinstance(x, dict):
        return {k: shape_of(v, batch_none) for k, v in x.items()}
    shape = tuple(x.shape)
    return (None,) + shape[1:] if batch_none and shape else shape
