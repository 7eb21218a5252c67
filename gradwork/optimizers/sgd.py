"""`SGD`: gradient descent, optionally with (Nesterov) momentum."""

import numbers

import numpy as np

from .base_optimizer import Optimizer


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum (Keras's formulation).

    For a variable w with gradient g, learning rate lr and momentum mu:

        mu == 0:         w <- w - lr * g
        momentum:        v <- mu * v - lr * g ;   w <- w + v
        nesterov=True:   v <- mu * v - lr * g ;   w <- w + mu * v - lr * g

    The velocity v (slot "momentum", starting at 0) already includes the learning rate and points
    downhill. PyTorch keeps b <- mu * b + g and steps w <- w - lr * b (Nesterov: w - lr * (g + mu * b)),
    so v = -lr * b and both give the same trajectory while the learning rate stays constant; when
    it changes, Keras's velocity keeps the step sizes of earlier learning rates.

    Parameters
    ----------
    learning_rate : float or schedule, default 0.01
    momentum : float in [0, 1], default 0.0
    nesterov : bool, default False
    weight_decay, clipnorm, clipvalue, global_clipnorm, name : see `Optimizer`.

    >>> opt = SGD(learning_rate=0.1, momentum=0.9)
    >>> loss.backward(); opt.step(params); opt.zero_grad(params)     # doctest: +SKIP
    """

    def __init__(
        self,
        learning_rate=0.01,
        momentum=0.0,
        nesterov=False,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        name="SGD",
    ):
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            name=name,
        )
        if not isinstance(momentum, numbers.Real) or isinstance(momentum, bool) or not 0 <= momentum <= 1:
            raise ValueError(f"`momentum` must be a float between [0, 1]. Received: momentum={momentum!r}")
        self.momentum = momentum
        self.nesterov = nesterov
        self._use_momentum = momentum != 0

    def _slot_specs(self):
        return (("momentum", 0.0),) if self._use_momentum else ()

    def _prepare_step(self, lr, t):
        return lr, self.momentum, self.nesterov

    def _update_step(self, var, grad, slots, tmps, c):
        lr, mu, nesterov = c
        step = np.multiply(grad, lr, out=tmps[0])
        if not slots:
            var -= step
            return
        v = slots[0]
        v *= mu
        v -= step
        if nesterov:
            var -= step
            var += np.multiply(v, mu, out=step)
        else:
            var += v

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
