"""What a layer holds: the sublayers in its attributes, also inside lists, tuples and dicts at any depth
(needle's child-module walk), so that a model that keeps its blocks in a list built with `append`, or
in a dict of heads, has their weights.

>>> class Heads(gw.nn.Layer):
...     def __init__(self):
...         super().__init__()
...         self.blocks = []
...         self.blocks.append(gw.nn.Dense(4))
...         self.heads = {"left": gw.nn.Dense(2)}
>>> [path for path, _ in Heads().named_layers()]
['blocks.0', 'heads.left']
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def is_container(value: Any) -> bool:
    """Whether `value` may hold layers: a list, tuple or dict (read when the layers are asked for, so
    later appends count)."""
    return isinstance(value, (list, tuple, dict))


def layers_in(value: Any, path: str, layer_type: type) -> Iterator[tuple[str, Any]]:
    """(path, layer) for each `layer_type` (Layer) in `value`: the value itself, or every one in a container at any
    depth ("blocks.0", "heads.left", "stages.1.0"); a layer's own sublayers are not entered."""
    if isinstance(value, layer_type):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from layers_in(item, f"{path}.{key}", layer_type)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from layers_in(item, f"{path}.{index}", layer_type)
