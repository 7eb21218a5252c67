"""Merge layers (Keras's names): combine a list of tensors into one. `Add`, `Subtract`, `Multiply`,
`Average`, `Maximum`, `Minimum` work elementwise (shapes equal, or 1 where they differ, batch axes
equal); `Concatenate` joins along an axis; `Dot` takes dot products along axes, per sample. Each has
a functional form (`add([a, b])` is `Add()([a, b])`).

>>> a, b = gw.Input(shape=(4,)), gw.Input(shape=(4,))
>>> gw.nn.Concatenate()([a, gw.nn.add([a, b])]).shape
(None, 8)
"""
from functools import reduce
from typing import Any

import numpy as np

from ...ops import elementwise, shape_ops
from ...tensor import Tensor
from ..layer import Layer


class _Merge(Layer):
    """What the merge layers share: the list-of-tensors check and Keras's mask rule (an output step
    counts where every input's does). Subclasses implement `_merge(tensors)`.

    Input shape: a list of tensors of shape (batch, ...). Output shape: see each layer.
    """

    supports_masking = True
    least = 2  # inputs at least
    most = None  # inputs at most (None: any number)

    def _tensors(self, inputs):
        if not isinstance(inputs, (list, tuple)) or not all(isinstance(t, Tensor) for t in inputs):
            raise ValueError(f"{self.name}: a merge layer takes a list of tensors, got {type(inputs).__name__}")
        if len(inputs) < self.least or (self.most is not None and len(inputs) > self.most):
            count = f"exactly {self.least}" if self.most == self.least else f"at least {self.least}"
            raise ValueError(f"{self.name}: takes {count} inputs, got {len(inputs)}")
        if len({t.shape[0] for t in inputs}) > 1:
            raise ValueError(f"{self.name}: the inputs' batch sizes differ: {[t.shape for t in inputs]}")
        return list(inputs)

    def call(self, inputs: list) -> Tensor:
        return self._merge(self._tensors(inputs))

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if not isinstance(mask, (list, tuple)):
            return mask
        masks = [np.asarray(m.data if isinstance(m, Tensor) else m, dtype=bool) for m in mask if m is not None]
        return reduce(np.logical_and, masks) if masks else None


class _Elementwise(_Merge):
    """Elementwise merges: inputs of one shape, or of shapes that differ only by axes of size 1."""

    def _merge(self, tensors):
        shapes = [t.shape[1:] for t in tensors]
        try:
            np.broadcast_shapes(*shapes)
        except ValueError:
            raise ValueError(f"{self.name}: the inputs have incompatible shapes {[t.shape for t in tensors]} "
                             "(they must be equal, or 1 where they differ)") from None
        return self._combine(tensors)


class Add(_Elementwise):
    """The sum of its inputs, elementwise. Output shape: the inputs' (broadcast)."""

    def _combine(self, tensors):
        return reduce(lambda a, b: a + b, tensors)


class Subtract(_Elementwise):
    """inputs[0] - inputs[1] (exactly two inputs)."""

    most = 2

    def _combine(self, tensors):
        return tensors[0] - tensors[1]


class Multiply(_Elementwise):
    """The product of its inputs, elementwise."""

    def _combine(self, tensors):
        return reduce(lambda a, b: a * b, tensors)


class Average(_Elementwise):
    """The mean of its inputs, elementwise."""

    def _combine(self, tensors):
        return reduce(lambda a, b: a + b, tensors) * (1.0 / len(tensors))


class Maximum(_Elementwise):
    """The largest of its inputs, elementwise (the gradient goes to the first largest)."""

    def _combine(self, tensors):
        return reduce(elementwise.maximum, tensors)


class Minimum(_Elementwise):
    """The smallest of its inputs, elementwise."""

    def _combine(self, tensors):
        return reduce(elementwise.minimum, tensors)


class Concatenate(_Merge):
    """Its inputs joined along `axis`; every other axis must agree.

    Parameters
    ----------
    axis : int
        The axis to join along (-1: the features); not the batch axis.
    **kwargs : `Layer`'s arguments
    """

    def __init__(self, axis: int = -1, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise TypeError(f"Concatenate: axis must be an int, got {axis!r}")
        self.axis = axis

    def _merge(self, tensors):
        ndim = tensors[0].ndim
        if any(t.ndim != ndim for t in tensors) or not -ndim <= self.axis < ndim or self.axis % ndim == 0:
            raise ValueError(f"{self.name}: axis={self.axis} needs inputs of one rank with that axis (not the batch "
                             f"axis), got shapes {[t.shape for t in tensors]}")
        axis = self.axis % ndim
        others = {t.shape[:axis] + t.shape[axis + 1:] for t in tensors}
        if len(others) > 1:
            raise ValueError(f"{self.name}: the inputs must agree on every axis but {self.axis}, got shapes "
                             f"{[t.shape for t in tensors]}")
        return shape_ops.concatenate(tensors, axis=axis)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


class Dot(_Merge):
    """Per-sample dot products of two inputs along `axes` (Keras's batch_dot).

    For inputs (batch, n) it gives (batch, 1); for (batch, m, n) and (batch, n, k) with axes=(2, 1),
    (batch, m, k): the remaining axes of the first input, then of the second.

    Parameters
    ----------
    axes : int or (int, int)
        The axis of each input to sum over (not the batch axis); one int for both.
    normalize : bool
        L2-normalize each input along its axis first, so the result is the cosine similarity.
    **kwargs : `Layer`'s arguments
    """

    least = most = 2

    def __init__(self, axes: int | tuple[int, int], normalize: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        pair = (axes, axes) if isinstance(axes, int) else tuple(axes)
        if len(pair) != 2 or not all(isinstance(a, int) and not isinstance(a, bool) for a in pair):
            raise TypeError(f"Dot: axes must be an int or a pair of ints, got {axes!r}")
        self.axes, self.normalize = axes, bool(normalize)

    def _merge(self, tensors):
        pair = (self.axes, self.axes) if isinstance(self.axes, int) else tuple(self.axes)
        a, b = tensors
        axes = []
        for t, axis in zip((a, b), pair):
            if not -t.ndim <= axis < t.ndim or axis % t.ndim == 0:
                raise ValueError(f"{self.name}: axes={self.axes} is out of range (or the batch axis) for input "
                                 f"shapes {a.shape} and {b.shape}")
            axes.append(axis % t.ndim)
        if a.shape[axes[0]] != b.shape[axes[1]]:
            raise ValueError(f"{self.name}: the summed axes differ in size: {a.shape}[{axes[0]}] and "
                             f"{b.shape}[{axes[1]}]")
        if self.normalize:  # x / sqrt(max(sum(x^2), 1e-12)), as Keras's l2_normalize
            a, b = (t * (t * t).sum(axis=axis, keepdims=True).clip(1e-12, None) ** -0.5
                    for t, axis in zip((a, b), axes))
        batch, n = a.shape[0], a.shape[axes[0]]
        rest_a = [d for i, d in enumerate(a.shape) if i not in (0, axes[0])]
        rest_b = [d for i, d in enumerate(b.shape) if i not in (0, axes[1])]
        left = a.transpose([0] + [i for i in range(1, a.ndim) if i != axes[0]] + [axes[0]])
        right = b.transpose([0, axes[1]] + [i for i in range(1, b.ndim) if i != axes[1]])
        out = left.reshape(batch, -1, n) @ right.reshape(batch, n, -1)
        return out.reshape(batch, *rest_a, *rest_b) if rest_a or rest_b else out.reshape(batch, 1)

    def get_config(self) -> dict:
        axes = list(self.axes) if isinstance(self.axes, (list, tuple)) else self.axes
        return {**super().get_config(), "axes": axes, "normalize": self.normalize}


def add(inputs: list, **kwargs: Any) -> Any:
    """`Add(**kwargs)(inputs)`: the elementwise sum of a list of tensors."""
    return Add(**kwargs)(inputs)


def subtract(inputs: list, **kwargs: Any) -> Any:
    """`Subtract(**kwargs)(inputs)`: inputs[0] - inputs[1]."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs: list, **kwargs: Any) -> Any:
    """`Multiply(**kwargs)(inputs)`: the elementwise product."""
    return Multiply(**kwargs)(inputs)


def average(inputs: list, **kwargs: Any) -> Any:
    """`Average(**kwargs)(inputs)`: the elementwise mean."""
    return Average(**kwargs)(inputs)


def maximum(inputs: list, **kwargs: Any) -> Any:
    """`Maximum(**kwargs)(inputs)`: the elementwise maximum."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs: list, **kwargs: Any) -> Any:
    """`Minimum(**kwargs)(inputs)`: the elementwise minimum."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs: list, axis: int = -1, **kwargs: Any) -> Any:
    """`Concatenate(axis, **kwargs)(inputs)`: the inputs joined along `axis`."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs: list, axes: int | tuple[int, int], normalize: bool = False, **kwargs: Any) -> Any:
    """`Dot(axes, normalize, **kwargs)(inputs)`."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
