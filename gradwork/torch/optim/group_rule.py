"""`GroupRule`: a gradwork optimizer whose hyperparameters come from a PyTorch parameter group.

A facade optimizer (`torch.optim.Adam`, ...) owns one `GroupRule` and, before updating the
parameters of a group, calls `configure(group)`: PyTorch reads the group's dict at every step, so
a scheduler or a user changing `group["lr"]` takes effect at the next step. The rule is an ordinary
gradwork `Optimizer`: per-variable state, scratch buffers, in-place updates and the finite checks
are gradwork's; each subclass writes PyTorch's formula as its `update_step`.

Two differences from gradwork's own optimizers make it PyTorch's:

- the learning rate is the group's, read through a callable, so 0 is allowed (schedulers reach it);
- PyTorch counts steps per parameter (`state[p]["step"]`), so the facade runs the parameters that
  share a step count together and sets `iterations` to that count first (`start_at`).
"""

from typing import ClassVar

import numpy as np

from ...optimizers.base_optimizer import Optimizer
from ...optimizers.variable_state import VariableState


class GroupRule(Optimizer):
    """Base of the gradwork optimizers behind the facade's optimizers.

    Attributes set by `configure`: `lr`, `maximize` (step uphill: the gradient's sign flipped) and
    `l2` (PyTorch's `weight_decay`, added to the gradient as `g + l2 * w` before the update).
    """

    # PyTorch's name of each slot whose gradwork name differs ("exp_avg": "momentum")
    state_names: ClassVar[dict[str, str]] = {}

    def __init__(self) -> None:
        self.lr, self.maximize, self.l2 = 0.0, False, 0.0
        super().__init__(learning_rate=self.current_lr, name=type(self).__name__)

    def current_lr(self) -> float:
        """The learning rate of the group being updated (gradwork accepts 0 from a callable)."""
        return self.lr

    def configure(self, group: dict) -> None:
        """Read the hyperparameters of `group` (a PyTorch param group) for its next update."""
        self.lr = float(group["lr"])
        self.maximize = bool(group.get("maximize", False))
        self.l2 = float(group.get("weight_decay", 0.0))

    def start_at(self, step: int) -> None:
        """Make the next update the `step + 1`-th of the parameters it is given (their PyTorch count)."""
        self._iterations = step

    def slots_of(self, variable) -> dict[str, np.ndarray]:
        """The live state arrays of `variable` by slot name, made now (at their initial values) if it is new."""
        state = self._state_by_id.get(id(variable)) or self._states_of([variable])[0]
        return state.slots

    def torch_gradient(self, gradient: np.ndarray, variable: np.ndarray, state: VariableState) -> np.ndarray:
        """PyTorch's first lines of every update: `g <- -g` if maximize, then `g <- g + l2 * w`.

        Parameters
        ----------
        gradient, variable : ndarray of the variable's shape
        state : VariableState
            Its gradient buffer receives the result when it differs from `gradient`; `scratch[0]`
            is overwritten.

        Returns
        -------
        ndarray of the variable's shape: `gradient` itself, or the gradient buffer
        """
        if not (self.maximize or self.l2):
            return gradient
        buffer = state.gradient_buffer
        if not self.l2:
            return np.negative(gradient, out=buffer)
        decay = np.multiply(variable, self.l2, out=state.scratch[0])
        return (np.subtract if self.maximize else np.add)(decay, gradient, out=buffer)
