"""`Adadelta`: steps scaled by the ratio of running RMS of past steps to that of gradients (Zeiler, 2012)."""

import numpy as np

from .base_optimizer import LearningRate, Optimizer, Step
from .variable_state import VariableState


class Adadelta(Optimizer):
    """Adadelta: each step scaled by the running RMS of past steps over that of the gradients.

    For a variable w with gradient g (slots start at 0), with rms(x) = sqrt(x + epsilon):

        a <- rho * a + (1 - rho) * g**2                 slot "accumulated_grad"
        delta = rms(d) / rms(a) * g
        d <- rho * d + (1 - rho) * delta**2             slot "accumulated_delta_var"
        w <- w - lr * delta

    The same as PyTorch's Adadelta (whose defaults differ: lr=1.0, rho=0.9, eps=1e-6).

    Parameters
    ----------
    learning_rate : float, schedule or callable
        The paper's rule has none, that is 1 (PyTorch's default).
    rho : float
        The decay rate of both running averages.
    epsilon : float
        Inside both square roots.
    name : str
    **kwargs : `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, as for every `Optimizer`.
    """

    hyperparameter_names = ("rho", "epsilon")
    scratch_count = 2

    def __init__(self, learning_rate: LearningRate = 0.001, rho: float = 0.95, epsilon: float = 1e-7,
                 name: str = "adadelta", **kwargs: float | None):
        super().__init__(learning_rate, name=name, **kwargs)
        self.rho, self.epsilon = rho, epsilon

    def slot_specs(self) -> dict[str, float]:
        return {"accumulated_grad": 0.0, "accumulated_delta_var": 0.0}

    def update_step(
        self, gradient: np.ndarray, variable: np.ndarray, state: VariableState, constants: Step
    ) -> None:
        a, d = state.slots["accumulated_grad"], state.slots["accumulated_delta_var"]
        delta, tmp = state.scratch
        rho, eps = self.rho, self.epsilon
        a *= rho
        np.multiply(gradient, gradient, out=tmp)
        tmp *= 1.0 - rho
        a += tmp
        np.add(d, eps, out=delta)
        np.sqrt(delta, out=delta)
        np.add(a, eps, out=tmp)
        np.sqrt(tmp, out=tmp)
        delta /= tmp
        delta *= gradient
        d *= rho
        np.multiply(delta, delta, out=tmp)
        tmp *= 1.0 - rho
        d += tmp
        delta *= constants.learning_rate
        variable -= delta
