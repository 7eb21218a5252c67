"""`RMSprop`: gradient steps divided by a running root mean square of the gradient (Hinton)."""

import numpy as np

from .base_optimizer import Optimizer


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
    learning_rate : float or schedule, default 0.001
    rho : float, default 0.9;  momentum : float, default 0.0;  epsilon : float, default 1e-7
    centered : bool, default False (divide by an estimate of the gradient's variance instead)
    weight_decay, clipnorm, clipvalue, global_clipnorm, name : see `Optimizer`.
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-7,
        centered=False,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        name="rmsprop",
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
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered
        self._use_momentum = momentum > 0
        self._use_centered = bool(centered)

    def _slot_specs(self):
        specs = [("velocity", 0.0)]
        if self._use_momentum:
            specs.append(("momentum", 0.0))
        if self._use_centered:
            specs.append(("average_gradient", 0.0))
        return tuple(specs)

    def _prepare_step(self, lr, t):
        return lr, self.rho, 1.0 - self.rho, self.momentum, self.epsilon

    def _update_step(self, var, grad, slots, tmps, c):
        lr, rho, one_minus_rho, momentum, eps = c
        tmp = tmps[0]
        v = slots[0]
        v *= rho
        np.multiply(grad, grad, out=tmp)
        tmp *= one_minus_rho
        v += tmp
        if self._use_centered:
            a = slots[-1]
            a *= rho
            np.multiply(grad, one_minus_rho, out=tmp)
            a += tmp
            np.multiply(a, a, out=tmp)
            np.subtract(v, tmp, out=tmp)
            tmp += eps
        else:
            np.add(v, eps, out=tmp)
        np.sqrt(tmp, out=tmp)
        np.divide(grad, tmp, out=tmp)
        tmp *= lr
        if self._use_momentum:
            b = slots[1]
            b *= momentum
            b += tmp
            var -= b
        else:
            var -= tmp

    def get_config(self):
        config = super().get_config()
        config.update(
            {"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon, "centered": self.centered}
        )
        return config
