"""`Adagrad`: per-element learning rates that shrink with the sum of squared gradients (Duchi et al.)."""

import numpy as np

from .base_optimizer import Optimizer


class Adagrad(Optimizer):
    """Adagrad, with Keras's placement of epsilon (inside the square root).

    For a variable w with gradient g (the accumulator starts at `initial_accumulator_value`):

        s <- s + g**2                                   slot "accumulator"
        w <- w - lr * g / sqrt(s + epsilon)

    PyTorch's Adagrad divides by sqrt(s) + eps and has the same `initial_accumulator_value`
    (default 0 there); with epsilon = 0 (and PyTorch's lr_decay = 0) the two agree.

    Parameters
    ----------
    learning_rate : float or schedule, default 0.001
    initial_accumulator_value : float, default 0.1
    epsilon : float, default 1e-7
    weight_decay, clipnorm, clipvalue, global_clipnorm, name : see `Optimizer`.
    """

    def __init__(
        self,
        learning_rate=0.001,
        initial_accumulator_value=0.1,
        epsilon=1e-7,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        name="adagrad",
    ):
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            name=name,
        )
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _slot_specs(self):
        return (("accumulator", self.initial_accumulator_value),)

    def _prepare_step(self, lr, t):
        return lr, self.epsilon

    def _update_step(self, var, grad, slots, tmps, c):
        lr, eps = c
        s, tmp = slots[0], tmps[0]
        np.multiply(grad, grad, out=tmp)
        s += tmp
        np.add(s, eps, out=tmp)
        np.sqrt(tmp, out=tmp)
        np.divide(grad, tmp, out=tmp)
        tmp *= lr
        var -= tmp

    def get_config(self):
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value, "epsilon": self.epsilon})
        return config
