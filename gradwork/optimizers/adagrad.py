"""`Adagrad`: per-element learning rates that shrink with the sum of squared gradients (Duchi et al.)."""

import numpy as np

from .base_optimizer import LearningRate, Optimizer, Step
from .variable_state import VariableState


class Adagrad(Optimizer):
    """Adagrad, with Keras's placement of epsilon (inside the square root).

    For a variable w with gradient g (the accumulator starts at `initial_accumulator_value`):

        s <- s + g**2                                   slot "accumulator"
        w <- w - lr * g / sqrt(s + epsilon)

    PyTorch's Adagrad divides by sqrt(s) + eps and has the same `initial_accumulator_value`
    (default 0 there); with epsilon = 0 (and PyTorch's lr_decay = 0) the two agree.

    Parameters
    ----------
    learning_rate : float, schedule or callable
    initial_accumulator_value : float
        Where s starts (PyTorch's default is 0).
    epsilon : float
        Added to s inside the square root.
    name : str
    **kwargs : `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, as for every `Optimizer`.
    """

    hyperparameter_names = ("initial_accumulator_value", "epsilon")

    def __init__(
        self, learning_rate: LearningRate = 0.001, initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7, name: str = "adagrad", **kwargs: float | None,
    ):
        super().__init__(learning_rate, name=name, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def slot_specs(self) -> dict[str, float]:
        return {"accumulator": self.initial_accumulator_value}

    def update_step(
        self, gradient: np.ndarray, variable: np.ndarray, state: VariableState, constants: Step
    ) -> None:
        s, tmp = state.slots["accumulator"], state.scratch[0]
        np.multiply(gradient, gradient, out=tmp)
        s += tmp
        np.add(s, self.epsilon, out=tmp)
        np.sqrt(tmp, out=tmp)
        np.divide(gradient, tmp, out=tmp)
        tmp *= constants.learning_rate
        variable -= tmp
