"""`WeightArrays`: a layer's weights read and written as NumPy arrays (a base of `Layer`), and its
trainable and non-trainable weights.

Keras's `get_weights` / `set_weights` (by position) and PyTorch's `state_dict` / `load_state_dict`
(by attribute path). Every write checks all shapes first, then copies in place, so the Parameters
that optimizers hold stay the same objects.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ..tensor_data import increment_version


class WeightArrays:
    """Methods over a layer's weights as arrays; the class using it provides `name`, `weights` and
    `named_parameters` (as `Layer` does)."""

    @property
    def trainable_weights(self) -> list:
        """The weights that training updates (requires_grad True): Parameters."""
        return [p for p in self.weights if p.requires_grad]

    @property
    def non_trainable_weights(self) -> list:
        """The frozen weights and the non-trainable state (moving statistics): Parameters."""
        return [p for p in self.weights if not p.requires_grad]

    def parameters(self) -> list:
        """The trainable parameters (PyTorch's name for `trainable_weights`)."""
        return self.trainable_weights

    def get_weights(self) -> list[np.ndarray]:
        """Copies of all weights as NumPy arrays, in the order of `weights`."""
        return [p.data.copy() for p in self.weights]

    def set_weights(self, arrays: Sequence[ArrayLike]) -> None:
        """Overwrite every weight in place from arrays in the order of `weights`.

        Raises
        ------
        ValueError
            When the count or a shape differs (checked before anything is written).
        """
        params = self.weights
        if len(arrays) != len(params):
            raise ValueError(f"{self.name}: set_weights expected {len(params)} arrays, got {len(arrays)}")
        for p, a in zip(params, arrays):
            if np.shape(a) != p.shape:
                raise ValueError(
                    f"{self.name}: weight {p.name} has shape {p.shape}, got an array of shape {np.shape(a)}"
                )
        for p, a in zip(params, arrays):
            p.data[...] = a
            increment_version(p)

    def state_dict(self) -> OrderedDict[str, np.ndarray]:
        """{path: array copy} of every parameter, keyed by attribute path ("layers.0.kernel").

        The paths depend on the attribute names only, not on the automatic layer names, so a state
        loads into another instance of the same architecture.
        """
        return OrderedDict((path, p.data.copy()) for path, p in self.named_parameters())

    def load_state_dict(self, state: Mapping[str, ArrayLike], strict: bool = True) -> None:
        """Copy the arrays of `state` (from `state_dict`) into the parameters with the same paths, in place.

        Parameters
        ----------
        state : mapping of str to array
        strict : bool, default True
            Require exactly the layer's paths; False loads the paths both have and ignores the rest.

        Raises
        ------
        KeyError
            With strict, when paths are missing or unexpected.
        ValueError
            When an array's shape differs from its parameter's (checked before anything is written).
        """
        own = OrderedDict(self.named_parameters())
        if strict:
            missing, unexpected = own.keys() - state.keys(), state.keys() - own.keys()
            if missing or unexpected:
                raise KeyError(
                    f"{self.name}: state_dict mismatch; missing {sorted(missing)}, unexpected {sorted(unexpected)}"
                )
        for path, p in own.items():
            if path in state and np.shape(state[path]) != p.shape:
                raise ValueError(f"{self.name}: {path} has shape {p.shape}, got {np.shape(state[path])}")
        for path, p in own.items():
            if path in state:
                p.data[...] = state[path]
                increment_version(p)

    def count_params(self) -> int:
        """The number of scalars in all weights, trainable and not."""
        return int(sum(p.size for p in self.weights))
