"""`Adam`: adaptive moment estimation (Kingma & Ba, 2014), Keras's formulation."""

import math
from typing import NamedTuple

import numpy as np

from .base_optimizer import LearningRate, Optimizer
from .variable_state import VariableState


def update_moments(
    gradient: np.ndarray, m: np.ndarray, v: np.ndarray, beta_1: float, beta_2: float, out: np.ndarray
) -> None:
    """Adam's moments in place: `m <- m + (1 - beta_1) * (g - m)`, `v <- v + (1 - beta_2) * (g**2 - v)`.

    Parameters
    ----------
    gradient, m, v : ndarray, all of one shape
    beta_1, beta_2 : float
    out : ndarray of that shape
        Scratch, overwritten.
    """
    np.subtract(gradient, m, out=out)
    out *= 1.0 - beta_1
    m += out
    np.multiply(gradient, gradient, out=out)
    out -= v
    out *= 1.0 - beta_2
    v += out


class AdamStep(NamedTuple):
    """Adam's constants for step t."""

    alpha: float  # lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
    epsilon: float  # added to sqrt(v); a constant here, scaled by t in PyTorch's placement (see `Adam`)


class Adam(Optimizer):
    """Adam, with Keras's placement of epsilon.

    For a variable w with gradient g at step t = 1, 2, ... (m, v and v_hat start at 0):

        m <- m + (1 - beta_1) * (g - m)                  (= beta_1 * m + (1 - beta_1) * g)
        v <- v + (1 - beta_2) * (g**2 - v)
        amsgrad:  v_hat <- max(v_hat, v) ; v <- v_hat    (in the step below)
        alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w <- w - alpha * m / (sqrt(v) + epsilon)

    epsilon is the paper's "epsilon hat": it is added to sqrt(v) before the bias correction of v,
    so it equals PyTorch's `eps` times sqrt(1 - beta_2**t) (PyTorch computes
    lr / (1 - beta_1**t) * m / (sqrt(v / (1 - beta_2**t)) + eps)). With epsilon = 0 the two agree;
    `gradwork.torch.optim.Adam` is this update with that epsilon, given by `step_constants`.

    Parameters
    ----------
    learning_rate : float, schedule or callable
    beta_1, beta_2 : float
        The decay rates of the moment estimates m (slot "momentum") and v (slot "velocity").
    epsilon : float
        Keras's epsilon hat, as above.
    amsgrad : bool
        Use the running maximum of v (slot "velocity_hat").
    name : str
    **kwargs : `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, as for every `Optimizer`.
        Weight decay is decoupled (as `AdamW`), not PyTorch Adam's L2 term.

    Examples
    --------
    >>> opt = Adam(learning_rate=1e-3)
    >>> loss.backward(); opt.step(params); opt.zero_grad(params)     # doctest: +SKIP
    """

    hyperparameter_names = ("beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(
        self, learning_rate: LearningRate = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
        epsilon: float = 1e-7, amsgrad: bool = False, name: str = "adam", **kwargs: float | None,
    ):
        super().__init__(learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.amsgrad = amsgrad
        self._use_amsgrad = bool(amsgrad)

    def slot_specs(self) -> dict[str, float]:
        slots = {"momentum": 0.0, "velocity": 0.0}
        return {**slots, "velocity_hat": 0.0} if self._use_amsgrad else slots

    def step_constants(self, learning_rate: float, iteration: int) -> AdamStep:
        t = iteration
        return AdamStep(
            alpha=learning_rate * math.sqrt(1.0 - self.beta_2**t) / (1.0 - self.beta_1**t), epsilon=self.epsilon
        )

    def update_step(
        self, gradient: np.ndarray, variable: np.ndarray, state: VariableState, constants: AdamStep
    ) -> None:
        m, v = state.slots["momentum"], state.slots["velocity"]
        tmp = state.scratch[0]
        update_moments(gradient, m, v, self.beta_1, self.beta_2, tmp)
        if self._use_amsgrad:
            v = np.maximum(state.slots["velocity_hat"], v, out=state.slots["velocity_hat"])
        np.sqrt(v, out=tmp)
        tmp += constants.epsilon
        np.divide(m, tmp, out=tmp)
        tmp *= constants.alpha
        variable -= tmp
