"""`Adam`: adaptive moment estimation (Kingma & Ba, 2014), Keras's formulation."""

import math

import numpy as np

from .base_optimizer import Optimizer


class Adam(Optimizer):
    """Adam, with Keras's placement of epsilon.

    For a variable w with gradient g at step t = 1, 2, ... (m, v and v_hat start at 0):

        m <- m + (1 - beta_1) * (g - m)                  (= beta_1 * m + (1 - beta_1) * g)
        v <- v + (1 - beta_2) * (g**2 - v)
        amsgrad:  v_hat <- max(v_hat, v) ; v <- v_hat    (in the step below)
        alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w <- w - alpha * m / (sqrt(v) + epsilon)

    epsilon is the paper's "epsilon hat": it is added to sqrt(v) before the bias correction of v,
    so it equals PyTorch's `eps` divided by sqrt(1 - beta_2**t) (PyTorch computes
    lr / (1 - beta_1**t) * m / (sqrt(v / (1 - beta_2**t)) + eps)). With epsilon = 0 the two agree.

    Parameters
    ----------
    learning_rate : float or schedule, default 0.001
    beta_1 : float, default 0.9;  beta_2 : float, default 0.999;  epsilon : float, default 1e-7
    amsgrad : bool, default False (use the running maximum of v; slot "velocity_hat")
    weight_decay, clipnorm, clipvalue, global_clipnorm, name : see `Optimizer`. Weight decay is
    decoupled (as `AdamW`), not PyTorch Adam's L2 term.

    >>> opt = Adam(learning_rate=1e-3)
    >>> loss.backward(); opt.step(params); opt.zero_grad(params)     # doctest: +SKIP
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        name="adam",
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
        self.amsgrad = amsgrad
        self._use_amsgrad = bool(amsgrad)

    def _slot_specs(self):
        specs = (("momentum", 0.0), ("velocity", 0.0))
        return specs + (("velocity_hat", 0.0),) if self._use_amsgrad else specs

    def _prepare_step(self, lr, t):
        b1, b2 = self.beta_1, self.beta_2
        alpha = lr * math.sqrt(1.0 - b2**t) / (1.0 - b1**t)
        return 1.0 - b1, 1.0 - b2, alpha, self.epsilon

    def _update_step(self, var, grad, slots, tmps, c):
        one_minus_b1, one_minus_b2, alpha, eps = c
        m, v = slots[0], slots[1]
        tmp = tmps[0]
        np.subtract(grad, m, out=tmp)
        tmp *= one_minus_b1
        m += tmp
        np.multiply(grad, grad, out=tmp)
        tmp -= v
        tmp *= one_minus_b2
        v += tmp
        if len(slots) == 3:
            v = np.maximum(slots[2], v, out=slots[2])
        np.sqrt(v, out=tmp)
        tmp += eps
        np.divide(m, tmp, out=tmp)
        tmp *= alpha
        var -= tmp

    def get_config(self):
        config = super().get_config()
        config.update(
            {"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon, "amsgrad": self.amsgrad}
        )
        return config
