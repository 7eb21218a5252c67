"""Shapes of models with several inputs: build a model from declared input shapes (`run_zero_batches`).

A shape is a tuple of ints (None for an axis of any size), or a list/dict of them for several inputs;
the nested data itself (arrays, lists and dicts of arrays) is handled by `gradwork.trainers.nested`.
"""
from collections.abc import Callable

import numpy as np

from ..autograd.grad_mode import no_grad
from ..nn.building import shape_pass
from ..nn.layer import Layer
from ..nn.symbolic import FREE_AXIS_SIZES, merge_shapes, zero_sample
from ..trainers.nested import Data, is_nested, is_shape

# One shape (a tuple of ints, None for an axis of any size), or a list/dict of shapes (several inputs).
Shapes = tuple | list | dict


def batch_shapes(inputs: Data) -> Shapes:
    """(None, *sample shape) of one input, or a list/dict of them for several (lists for list/tuple)."""
    if not is_nested(inputs):
        return (None,) + tuple(np.shape(inputs)[1:])
    if isinstance(inputs, dict):
        return {k: (None,) + tuple(np.shape(v)[1:]) for k, v in inputs.items()}
    return [(None,) + tuple(np.shape(v)[1:]) for v in inputs]


def map_shapes(fn: Callable[[tuple], object], input_shape: Shapes, name: str) -> object:
    """fn applied to one shape, or to each of a list/dict of shapes (the same structure back); `name`
    (the model's) starts the error for anything else."""
    if is_shape(input_shape):
        return fn(tuple(input_shape))
    if isinstance(input_shape, dict):
        return {k: map_shapes(fn, s, name) for k, s in input_shape.items()}
    if isinstance(input_shape, (list, tuple)) and input_shape and all(is_shape(s) for s in input_shape):
        return [fn(tuple(s)) for s in input_shape]
    raise ValueError(f"{name}: expected an input shape or a list/dict of input shapes, got {input_shape!r}")


def declared_shapes(input_shape: Shapes, name: str) -> Shapes:
    """The shape(s) a model is built for, batch axis None: (None, *sample shape), or a list/dict of them."""
    return map_shapes(lambda s: (None,) + s[1:], input_shape, name)


def has_free_axes(input_shape: Shapes, name: str) -> bool:
    """True when a shape (or one of a list/dict of them) has an axis besides the batch axis declared None."""
    free = []
    map_shapes(lambda s: free.append(None in s[1:]), input_shape, name)
    return any(free)


def zero_batch(input_shape: Shapes, dtype: np.dtype, name: str,
               free_size: int = FREE_AXIS_SIZES[0]) -> Data:
    """One sample of zeros, shape (1, *sample shape), for one shape or a list/dict of shapes (batch axis
    first, may be None); `free_size` stands in for every other axis declared None."""
    return map_shapes(lambda s: zero_sample(s, dtype, free_size), input_shape, name)


def run_zero_batches(model: Layer, input_shape: Shapes) -> None:
    """`Model.run_zero_batches`: one zero sample of `input_shape` through `model`, then with free axes
    a second of another size, and the output shapes of every layer merged (None where they differ)."""
    free, was_built = has_free_axes(input_shape, model.name), model.built
    outputs = []
    for size in FREE_AXIS_SIZES if free else FREE_AXIS_SIZES[:1]:
        sample = zero_batch(input_shape, model.dtype, model.name, size)
        try:
            with no_grad(), shape_pass():
                model(sample, training=False)
        except ValueError as err:
            if not free:
                raise
            if not was_built:
                model.built, model.build_input_shape = False, None
            raise ValueError(
                f"{model.name}: the axes declared None in {input_shape} must take any size, but a zero "
                f"sample of size {size} on them fails: {err}"
            ) from err
        layers = [model] + [layer for _, layer in model.named_layers()]
        outputs.append([layer.output_shape for layer in layers])
    if free:
        for layer, first, second in zip(layers, *outputs):
            layer.output_shape = merge_shapes(first, second)
