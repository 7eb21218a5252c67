"""`Lion`: sign-of-momentum updates (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms")."""

import numpy as np

from .base_optimizer import Optimizer


class Lion(Optimizer):
    """Lion: every element moves by exactly lr, in the direction of an interpolated momentum.

    For a variable w with gradient g (m starts at 0):

        w <- w - lr * sign(beta_1 * m + (1 - beta_1) * g)
        m <- beta_2 * m + (1 - beta_2) * g              slot "momentum"

    Because its steps have norm lr * sqrt(size), Lion wants a learning rate 3-10x smaller than
    AdamW's, and a weight decay as much larger. PyTorch has no Lion.

    Parameters
    ----------
    learning_rate : float or schedule, default 0.001
    beta_1 : float in (0, 1], default 0.9;  beta_2 : float, default 0.99
    weight_decay, clipnorm, clipvalue, global_clipnorm, name : see `Optimizer`.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.99,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        name="lion",
    ):
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            name=name,
        )
        if not 0 < beta_1 <= 1:
            raise ValueError(
                "Argument `beta_1` must be in the (0, 1] range; otherwise the optimizer degenerates to "
                f"SignSGD. Received: beta_1={beta_1!r}"
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def _slot_specs(self):
        return (("momentum", 0.0),)

    def _prepare_step(self, lr, t):
        return lr, self.beta_1, 1.0 - self.beta_1, self.beta_2, 1.0 - self.beta_2

    def _update_step(self, var, grad, slots, tmps, c):
        lr, b1, one_minus_b1, b2, one_minus_b2 = c
        m, tmp = slots[0], tmps[0]
        if one_minus_b1:  # (b1 * m + (1 - b1) * g) / (1 - b1): the same sign, one temporary
            np.multiply(m, b1 / one_minus_b1, out=tmp)
            tmp += grad
        else:
            np.copyto(tmp, m)
        np.sign(tmp, out=tmp)
        tmp *= lr
        var -= tmp
        m *= b2
        np.multiply(grad, one_minus_b2, out=tmp)
        m += tmp

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return config
