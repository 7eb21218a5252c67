"""`Nadam`: Adam with Nesterov momentum (Dozat, 2016), Keras's formulation."""

from typing import NamedTuple

import numpy as np

from .adam import update_moments
from .base_optimizer import LearningRate, Optimizer
from .variable_state import VariableState


class NadamStep(NamedTuple):
    """Nadam's constants for step t (u_t and P_t as in `Nadam`)."""

    gradient_coefficient: float  # lr * (1 - u_t) / (1 - P_t)
    momentum_coefficient: float  # lr * u_{t+1} / (1 - P_t * u_{t+1})
    velocity_correction: float  # 1 / (1 - beta_2**t)
    u_product: float  # P_t, kept once the step has been applied


class Nadam(Optimizer):
    """Nadam: Adam whose first moment looks one step ahead, with a warming momentum schedule.

    At step t = 1, 2, ... with the momentum schedule u_t = beta_1 * (1 - 0.5 * 0.96**t) and the
    running product P_t = u_1 * u_2 * ... * u_t (optimizer-wide state "u_product", starting at 1):

        m <- m + (1 - beta_1) * (g - m)
        v <- v + (1 - beta_2) * (g**2 - v)
        m_hat = u_{t+1} * m / (1 - P_t * u_{t+1}) + (1 - u_t) * g / (1 - P_t)
        v_hat = v / (1 - beta_2**t)
        w <- w - lr * m_hat / (sqrt(v_hat) + epsilon)

    This is PyTorch's `NAdam` with `momentum_decay=1.0` (PyTorch's default 0.004 uses
    0.96**(0.004 t) in u_t), including where epsilon goes.

    Parameters
    ----------
    learning_rate : float, schedule or callable
    beta_1 : float
        The decay rate of m, and the scale of the momentum schedule u_t.
    beta_2 : float
        The decay rate of v.
    epsilon : float
        Added to sqrt(v_hat).
    name : str
    **kwargs : `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, as for every `Optimizer`.
    """

    hyperparameter_names = ("beta_1", "beta_2", "epsilon")
    scratch_count = 2

    def __init__(self, learning_rate: LearningRate = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, name: str = "nadam", **kwargs: float | None):
        super().__init__(learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self._globals["u_product"] = np.ones((), dtype=np.float64)

    def slot_specs(self) -> dict[str, float]:
        return {"momentum": 0.0, "velocity": 0.0}

    def step_constants(self, learning_rate: float, iteration: int) -> NadamStep:
        """Also the running product P_t = P_{t-1} * u_t, which `commit_step` keeps."""
        b1, t = self.beta_1, iteration
        u_t = b1 * (1.0 - 0.5 * 0.96**t)
        u_next = b1 * (1.0 - 0.5 * 0.96 ** (t + 1))
        p = float(self._globals["u_product"]) * u_t
        return NadamStep(
            gradient_coefficient=learning_rate * (1.0 - u_t) / (1.0 - p),
            momentum_coefficient=learning_rate * u_next / (1.0 - p * u_next),
            velocity_correction=1.0 / (1.0 - self.beta_2**t),
            u_product=p,
        )

    def commit_step(self, constants: NadamStep) -> None:
        self._globals["u_product"][...] = constants.u_product

    def update_step(
        self, gradient: np.ndarray, variable: np.ndarray, state: VariableState, constants: NadamStep
    ) -> None:
        m, v = state.slots["momentum"], state.slots["velocity"]
        denom, tmp = state.scratch
        update_moments(gradient, m, v, self.beta_1, self.beta_2, tmp)
        np.multiply(v, constants.velocity_correction, out=denom)
        np.sqrt(denom, out=denom)
        denom += self.epsilon
        np.multiply(gradient, constants.gradient_coefficient, out=tmp)
        tmp /= denom
        variable -= tmp
        np.multiply(m, constants.momentum_coefficient, out=tmp)
        tmp /= denom
        variable -= tmp
