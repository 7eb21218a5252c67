"""`Lion`: sign-of-momentum updates (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms")."""

import numpy as np

from .base_optimizer import LearningRate, Optimizer, Step
from ..checks import Range
from .variable_state import VariableState


class Lion(Optimizer):
    """Lion: every element moves by exactly lr, in the direction of an interpolated momentum.

    For a variable w with gradient g (m starts at 0):

        w <- w - lr * sign(beta_1 * m + (1 - beta_1) * g)
        m <- beta_2 * m + (1 - beta_2) * g              slot "momentum"

    Because its steps have norm lr * sqrt(size), Lion wants a learning rate 3-10x smaller than
    AdamW's, and a weight decay as much larger. PyTorch has no Lion.

    Parameters
    ----------
    learning_rate : float, schedule or callable
    beta_1 : float in (0, 1]
        The interpolation whose sign is the step (0 would make Lion SignSGD, so it is refused).
    beta_2 : float
        The decay rate of the momentum m.
    name : str
    **kwargs : `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, as for every `Optimizer`.
    """

    hyperparameter_names = ("beta_1", "beta_2")
    hyperparameter_ranges = {"beta_1": Range(0.0, 1.0, low_open=True, high_open=False)}  # 1 is allowed, 0 not

    def __init__(self, learning_rate: LearningRate = 0.001, beta_1: float = 0.9, beta_2: float = 0.99,
                 name: str = "lion", **kwargs: float | None):
        super().__init__(learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2 = beta_1, beta_2

    def slot_specs(self) -> dict[str, float]:
        return {"momentum": 0.0}

    def update_step(
        self, gradient: np.ndarray, variable: np.ndarray, state: VariableState, constants: Step
    ) -> None:
        m, tmp = state.slots["momentum"], state.scratch[0]
        b1, b2 = self.beta_1, self.beta_2
        if b1 < 1:  # (b1 * m + (1 - b1) * g) / (1 - b1): the same sign, one temporary
            np.multiply(m, b1 / (1.0 - b1), out=tmp)
            tmp += gradient
        else:
            np.copyto(tmp, m)
        np.sign(tmp, out=tmp)
        tmp *= constants.learning_rate
        variable -= tmp
        m *= b2
        np.multiply(gradient, 1.0 - b2, out=tmp)
        m += tmp
