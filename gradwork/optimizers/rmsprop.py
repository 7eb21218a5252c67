"""`RMSprop`: gradient steps divided by a running root mean square of the gradient (Hinton)."""

import numpy as np

from .base_optimizer import LearningRate, Optimizer, Step
from .variable_state import VariableState


class RMSprop(Optimizer):
    """RMSprop, with Keras's placement of epsilon (inside the square root).

    For a variable w with gradient g (slots start at 0):

        v <- rho * v + (1 - rho) * g**2                              slot "velocity"
        centered:  a <- rho * a + (1 - rho) * g ;  d = v - a**2 + epsilon    slot "average_gradient"
        otherwise: d = v + epsilon
        u = lr * g / sqrt(d)
        momentum > 0:  b <- momentum * b + u ;  w <- w - b          slot "momentum"
        otherwise:     w <- w - u

    PyTorch's RMSprop divides by sqrt(v) + eps instead (epsilon outside the root), and keeps its
    momentum buffer without the learning rate (stepping w - lr * b). With epsilon = 0 and a constant
    learning rate the two agree (PyTorch's `alpha` is `rho`).

    Parameters
    ----------
    learning_rate : float, schedule or callable
    rho : float
        The decay rate of v (and of a).
    momentum : float
        0 keeps no momentum buffer.
    epsilon : float
        Inside the square root.
    centered : bool
        Divide by an estimate of the gradient's variance, v - a**2, instead of v.
    name : str
    **kwargs : `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, as for every `Optimizer`.
    """

    hyperparameter_names = ("rho", "momentum", "epsilon", "centered")

    def __init__(
        self, learning_rate: LearningRate = 0.001, rho: float = 0.9, momentum: float = 0.0,
        epsilon: float = 1e-7, centered: bool = False, name: str = "rmsprop", **kwargs: float | None,
    ):
        super().__init__(learning_rate, name=name, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered
        self._use_momentum = momentum > 0
        self._use_centered = bool(centered)

    def slot_specs(self) -> dict[str, float]:
        slots = {"velocity": 0.0}
        if self._use_momentum:
            slots["momentum"] = 0.0
        if self._use_centered:
            slots["average_gradient"] = 0.0
        return slots

    def update_step(
        self, gradient: np.ndarray, variable: np.ndarray, state: VariableState, constants: Step
    ) -> None:
        rho, tmp = self.rho, state.scratch[0]
        v = state.slots["velocity"]
        v *= rho
        np.multiply(gradient, gradient, out=tmp)
        tmp *= 1.0 - rho
        v += tmp
        if self._use_centered:
            a = state.slots["average_gradient"]
            a *= rho
            np.multiply(gradient, 1.0 - rho, out=tmp)
            a += tmp
            np.multiply(a, a, out=tmp)
            np.subtract(v, tmp, out=tmp)
            tmp += self.epsilon
        else:
            np.add(v, self.epsilon, out=tmp)
        np.sqrt(tmp, out=tmp)
        np.divide(gradient, tmp, out=tmp)
        tmp *= constants.learning_rate
        if self._use_momentum:
            b = state.slots["momentum"]
            b *= self.momentum
            b += tmp
            variable -= b
        else:
            variable -= tmp
