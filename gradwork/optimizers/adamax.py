"""`Adamax`: Adam with the infinity norm in place of the second moment (Kingma & Ba, section 7)."""

from typing import NamedTuple

import numpy as np

from .base_optimizer import LearningRate, Optimizer
from .variable_state import VariableState


class AdamaxStep(NamedTuple):
    """Adamax's constant for step t."""

    step_size: float  # lr / (1 - beta_1**t)


class Adamax(Optimizer):
    """Adamax, Keras's formulation.

    For a variable w with gradient g at step t = 1, 2, ... (m and u start at 0):

        m <- m + (1 - beta_1) * (g - m)                 slot "momentum"
        u <- max(beta_2 * u, |g|)                       slot "norm"
        w <- w - lr * m / ((1 - beta_1**t) * (u + epsilon))

    PyTorch's Adamax adds eps inside the max (max(beta_2 * u, |g| + eps)) and divides by u alone;
    with epsilon = 0 the two agree.

    Parameters
    ----------
    learning_rate : float, schedule or callable
    beta_1 : float
        The decay rate of m.
    beta_2 : float
        How fast the norm u forgets a large gradient.
    epsilon : float
        Added to u.
    name : str
    **kwargs : `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, as for every `Optimizer`.
    """

    hyperparameter_names = ("beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate: LearningRate = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, name: str = "adamax", **kwargs: float | None):
        super().__init__(learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def slot_specs(self) -> dict[str, float]:
        return {"momentum": 0.0, "norm": 0.0}

    def step_constants(self, learning_rate: float, iteration: int) -> AdamaxStep:
        return AdamaxStep(step_size=learning_rate / (1.0 - self.beta_1**iteration))

    def update_step(
        self, gradient: np.ndarray, variable: np.ndarray, state: VariableState, constants: AdamaxStep
    ) -> None:
        m, u = state.slots["momentum"], state.slots["norm"]
        tmp = state.scratch[0]
        np.subtract(gradient, m, out=tmp)
        tmp *= 1.0 - self.beta_1
        m += tmp
        u *= self.beta_2
        np.maximum(u, np.abs(gradient, out=tmp), out=u)
        np.add(u, self.epsilon, out=tmp)
        np.divide(m, tmp, out=tmp)
        tmp *= constants.step_size
        variable -= tmp
