"""`Nadam`: Adam with Nesterov momentum (Dozat, 2016), Keras's formulation."""

import numpy as np

from .base_optimizer import Optimizer


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
    learning_rate : float or schedule, default 0.001
    beta_1 : float, default 0.9;  beta_2 : float, default 0.999;  epsilon : float, default 1e-7
    weight_decay, clipnorm, clipvalue, global_clipnorm, name : see `Optimizer`.
    """

    _n_tmp = 2

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
        name="nadam",
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
        self._globals["u_product"] = np.ones((), dtype=np.float64)

    def _slot_specs(self):
        return (("momentum", 0.0), ("velocity", 0.0))

    def _prepare_step(self, lr, t):
        b1, b2 = self.beta_1, self.beta_2
        u_t = b1 * (1.0 - 0.5 * 0.96**t)
        u_next = b1 * (1.0 - 0.5 * 0.96 ** (t + 1))
        product = self._globals["u_product"]
        product *= u_t
        p = float(product)
        coef_m = lr * u_next / (1.0 - p * u_next)
        coef_g = lr * (1.0 - u_t) / (1.0 - p)
        return 1.0 - b1, 1.0 - b2, 1.0 / (1.0 - b2**t), coef_m, coef_g, self.epsilon

    def _update_step(self, var, grad, slots, tmps, c):
        one_minus_b1, one_minus_b2, inv_bc2, coef_m, coef_g, eps = c
        m, v = slots
        denom, tmp = tmps
        np.subtract(grad, m, out=tmp)
        tmp *= one_minus_b1
        m += tmp
        np.multiply(grad, grad, out=tmp)
        tmp -= v
        tmp *= one_minus_b2
        v += tmp
        np.multiply(v, inv_bc2, out=denom)
        np.sqrt(denom, out=denom)
        denom += eps
        np.multiply(grad, coef_g, out=tmp)
        tmp /= denom
        var -= tmp
        np.multiply(m, coef_m, out=tmp)
        tmp /= denom
        var -= tmp

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
