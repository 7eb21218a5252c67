"""`Adamax`: Adam with the infinity norm in place of the second moment (Kingma & Ba, section 7)."""

import numpy as np

from .base_optimizer import Optimizer


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
    learning_rate : float or schedule, default 0.001
    beta_1 : float, default 0.9;  beta_2 : float, default 0.999;  epsilon : float, default 1e-7
    weight_decay, clipnorm, clipvalue, global_clipnorm, name : see `Optimizer`.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        name="adamax",
    ):
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            name=name,
        )
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _slot_specs(self):
        return (("momentum", 0.0), ("norm", 0.0))

    def _prepare_step(self, lr, t):
        return 1.0 - self.beta_1, self.beta_2, lr / (1.0 - self.beta_1**t), self.epsilon

    def _update_step(self, var, grad, slots, tmps, c):
        one_minus_b1, b2, step_size, eps = c
        m, u = slots
        tmp = tmps[0]
        np.subtract(grad, m, out=tmp)
        tmp *= one_minus_b1
        m += tmp
        u *= b2
        np.maximum(u, np.abs(grad, out=tmp), out=u)
        np.add(u, eps, out=tmp)
        np.divide(m, tmp, out=tmp)
        tmp *= step_size
        var -= tmp

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
