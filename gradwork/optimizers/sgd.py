"""`SGD`: gradient descent, optionally with (Nesterov) momentum."""

import numpy as np

from .base_optimizer import LearningRate, Optimizer, Step
from .variable_state import VariableState


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum (Keras's formulation).

    For a variable w with gradient g, learning rate lr and momentum mu:

        mu == 0:         w <- w - lr * g
        momentum:        v <- mu * v - lr * g ;   w <- w + v
        nesterov=True:   v <- mu * v - lr * g ;   w <- w + mu * v - lr * g

    The velocity v (slot "momentum", starting at 0) already includes the learning rate and points
    downhill. PyTorch keeps b <- mu * b + g and steps w <- w - lr * b (Nesterov: w - lr * (g + mu * b)),
    so v = -lr * b and both give the same trajectory while the learning rate stays constant; when
    it changes, Keras's velocity keeps the step sizes of earlier learning rates.

    Parameters
    ----------
    learning_rate : float, schedule or callable
    momentum : float in [0, 1]
        mu above; 0 keeps no velocity.
    nesterov : bool
    name : str
    **kwargs : `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, as for every `Optimizer`.

    Examples
    --------
    >>> opt = SGD(learning_rate=0.1, momentum=0.9)
    >>> loss.backward(); opt.step(params); opt.zero_grad(params)     # doctest: +SKIP
    """

    hyperparameter_names = ("momentum", "nesterov")

    def __init__(self, learning_rate: LearningRate = 0.01, momentum: float = 0.0, nesterov: bool = False,
                 name: str = "SGD", **kwargs: float | None):
        super().__init__(learning_rate, name=name, **kwargs)
        self.momentum = momentum
        self.nesterov = nesterov
        self._use_momentum = momentum != 0

    def slot_specs(self) -> dict[str, float]:
        return {"momentum": 0.0} if self._use_momentum else {}

    def update_step(
        self, gradient: np.ndarray, variable: np.ndarray, state: VariableState, constants: Step
    ) -> None:
        step = np.multiply(gradient, constants.learning_rate, out=state.scratch[0])
        if not self._use_momentum:
            variable -= step
            return
        mu, v = self.momentum, state.slots["momentum"]
        v *= mu
        v -= step
        if self.nesterov:
            variable -= step
            variable += np.multiply(v, mu, out=step)
        else:
            variable += v
