"""`Adadelta`: steps scaled by the ratio of running RMS of past steps to that of gradients (Zeiler, 2012)."""

import numpy as np

from .base_optimizer import Optimizer


class Adadelta(Optimizer):
    """Adadelta.

    For a variable w with gradient g (slots start at 0), with rms(x) = sqrt(x + epsilon):

        a <- rho * a + (1 - rho) * g**2                 slot "accumulated_grad"
        delta = rms(d) / rms(a) * g
        d <- rho * d + (1 - rho) * delta**2             slot "accumulated_delta_var"
        w <- w - lr * delta

    The same as PyTorch's Adadelta (whose defaults differ: lr=1.0, rho=0.9, eps=1e-6).

    Parameters
    ----------
    learning_rate : float or schedule, default 0.001
    rho : float, default 0.95;  epsilon : float, default 1e-7
    weight_decay, clipnorm, clipvalue, global_clipnorm, name : see `Optimizer`.
    """

    _n_tmp = 2

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.95,
        epsilon=1e-7,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        name="adadelta",
    ):
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            name=name,
        )
        self.rho = rho
        self.epsilon = epsilon

    def _slot_specs(self):
        return (("accumulated_grad", 0.0), ("accumulated_delta_var", 0.0))

    def _prepare_step(self, lr, t):
        return lr, self.rho, 1.0 - self.rho, self.epsilon

    def _update_step(self, var, grad, slots, tmps, c):
        lr, rho, one_minus_rho, eps = c
        a, d = slots
        delta, tmp = tmps
        a *= rho
        np.multiply(grad, grad, out=tmp)
        tmp *= one_minus_rho
        a += tmp
        np.add(d, eps, out=delta)
        np.sqrt(delta, out=delta)
        np.add(a, eps, out=tmp)
        np.sqrt(tmp, out=tmp)
        delta /= tmp
        delta *= grad
        d *= rho
        np.multiply(delta, delta, out=tmp)
        tmp *= one_minus_rho
        d += tmp
        delta *= lr
        var -= delta

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
