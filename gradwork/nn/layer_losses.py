"""The extra loss terms a layer contributes to training, as Keras's `layer.losses` lists them.

Two kinds, summed into the training loss by `Model.compute_loss` (each exactly once):

- losses of the last call: `add_loss(value)` inside `call`, and the layer's
  `activity_regularizer` penalty of each output divided by the batch size (the size of the output's
  first axis), as Keras 3 does, so the penalty's strength does not depend on the batch size. The
  outermost layer call clears them, in itself and every sublayer, before it runs, so `losses`
  always describes the last forward pass (a sublayer called twice inside it contributes twice);
- the weight penalties: `regularizer(weight)` of every trainable weight that has a regularizer,
  computed afresh each time `losses` is read (so they follow the current weights).

>>> layer = gw.nn.Dense(2, kernel_regularizer="l2", activity_regularizer="l1")
>>> _ = layer(np.ones((4, 3)))
>>> len(layer.losses)      # the activity penalty of this call, then the kernel's L2 penalty
2
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from ..tensor import Tensor, as_tensor


def _tensors(outputs: Any) -> Iterator[Tensor]:
    """Every Tensor in `outputs` (a Tensor, or lists/tuples/dicts of them at any depth)."""
    if isinstance(outputs, Tensor):
        yield outputs
    elif isinstance(outputs, dict):
        for value in outputs.values():
            yield from _tensors(value)
    elif isinstance(outputs, (list, tuple)):
        for value in outputs:
            yield from _tensors(value)


class LayerLosses:
    """`add_loss`, `losses` and the activity penalty, for `Layer` (which sets `_call_losses` and
    `activity_regularizer` in its constructor and calls `_record_activity` after each call)."""

    def add_loss(self, value: Tensor | float) -> None:
        """Add a loss term (Keras's `add_loss`): a Tensor (any shape: its sum counts), usually computed
        from the inputs inside `call`, so that its gradient reaches the weights. It is listed in
        `losses` until the next outermost call, and `fit` adds it to the training loss.

        Raises
        ------
        TypeError
            For a value that is not a Tensor or a real number.
        """
        if not isinstance(value, Tensor):
            array = np.asarray(value) if isinstance(value, (int, float, np.ndarray, np.generic)) else None
            if array is None or array.dtype.kind not in "fiu":
                raise TypeError(f"{self.name}: add_loss expects a Tensor or a real number, got "
                                f"{type(value).__name__}: {value!r}")
            value = as_tensor(array.astype(self.dtype))
        self._call_losses.append(value)

    def _record_activity(self, outputs: Any) -> None:
        """Add the activity regularizer's penalty of each output Tensor, divided by its batch size."""
        if self.activity_regularizer is None:
            return
        for output in _tensors(outputs):
            penalty = self.activity_regularizer(output)
            if output.ndim > 0:  # Keras 3 divides by the batch size (0 gives 0, as its divide_no_nan)
                penalty = penalty / max(output.shape[0], 1)
            self._call_losses.append(penalty)

    def _clear_losses(self) -> None:
        """Forget the losses of the last call, here and in every sublayer."""
        self._call_losses.clear()
        for _, layer in self.named_layers():
            layer._call_losses.clear()

    def _collect_losses(self, regularized: Iterable | None = None) -> list[Tensor]:
        """The losses of the last call (this layer's, then each sublayer's once), then the penalties
        of `regularized` (default: the trainable weights that have a regularizer)."""
        losses = list(self._call_losses)
        seen = {id(self)}
        for _, layer in self.named_layers():
            if id(layer) not in seen:
                seen.add(id(layer))
                losses.extend(layer._call_losses)
        if regularized is None:
            regularized = [p for p in self.trainable_weights if p.regularizer is not None]
        return losses + [p.regularizer(p) for p in regularized]

    @property
    def losses(self) -> list[Tensor]:
        """Every extra loss term, as Keras lists them: the `add_loss` values and activity penalties
        of the last call (this layer and its sublayers), then the trainable weights' regularization
        penalties. Each is a Tensor in the graph (shape () for the penalties)."""
        return self._collect_losses()
