"""`torch.optim.RMSprop`: PyTorch's RMSprop (epsilon outside the root; momentum without the learning rate)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ...optimizers.base_optimizer import Step
from ...optimizers.variable_state import VariableState
from .checks import no_differentiable, non_negative
from .group_rule import GroupRule
from .optimizer import Optimizer


class RMSpropRule(GroupRule):
    """PyTorch's RMSprop update (gradwork's `RMSprop` is Keras's: epsilon inside the square root, and a
    momentum buffer that holds the learning rate).

    For a parameter w with gradient g (after `torch_gradient`: maximize, L2 weight decay):

        v <- alpha * v + (1 - alpha) * g**2                           slot "square_avg"
        centered:  a <- a + (1 - alpha) * (g - a) ;  d = sqrt(v - a**2) + eps      slot "grad_avg"
        otherwise: d = sqrt(v) + eps
        momentum > 0:  b <- momentum * b + g / d ;  w <- w - lr * b   slot "momentum_buffer"
        otherwise:     w <- w - lr * g / d
    """

    def configure(self, group: dict) -> None:
        super().configure(group)
        self.alpha, self.eps = float(group["alpha"]), float(group["eps"])
        self.momentum, self.centered = float(group["momentum"]), bool(group["centered"])

    def slot_specs(self) -> dict[str, float]:
        slots = {"square_avg": 0.0}
        if self.momentum > 0:
            slots["momentum_buffer"] = 0.0
        if self.centered:
            slots["grad_avg"] = 0.0
        return slots

    def update_step(self, gradient: np.ndarray, variable: np.ndarray, state: VariableState, constants: Step) -> None:
        g = self.torch_gradient(gradient, variable, state)
        alpha, tmp = self.alpha, state.scratch[0]
        v = state.slots["square_avg"]
        v *= alpha
        v += np.multiply(np.multiply(g, g, out=tmp), 1.0 - alpha, out=tmp)
        if self.centered:
            a = state.slots["grad_avg"]
            a += np.multiply(np.subtract(g, a, out=tmp), 1.0 - alpha, out=tmp)
            np.sqrt(np.subtract(v, np.multiply(a, a, out=tmp), out=tmp), out=tmp)
        else:
            np.sqrt(v, out=tmp)
        tmp += self.eps
        step = np.divide(g, tmp, out=tmp)
        if self.momentum > 0:
            b = state.slots["momentum_buffer"]
            b *= self.momentum
            b += step
            step = np.multiply(b, constants.learning_rate, out=tmp)
        else:
            step *= constants.learning_rate
        variable -= step


class RMSprop(Optimizer):
    """RMSprop, as `torch.optim.RMSprop` (see `RMSpropRule` for the update).

    Parameters
    ----------
    params : iterable of Tensors or of dicts (parameter groups)
    lr : float >= 0
    alpha : float >= 0
        The decay rate of the running mean of squared gradients.
    eps : float >= 0
        Added to its square root.
    weight_decay : float >= 0
        An L2 penalty added to the gradient.
    momentum : float >= 0
    centered : bool
        Divide by an estimate of the gradient's standard deviation instead of its root mean square.
    capturable, foreach : accepted for PyTorch's signature; gradwork has one implementation.
    maximize : bool
        Step uphill.
    differentiable : must be False.
    """

    rule_class = RMSpropRule

    def __init__(self, params: Iterable, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        non_negative("learning rate", lr)
        non_negative("epsilon value", eps)
        non_negative("momentum value", momentum)
        non_negative("weight_decay value", weight_decay)
        non_negative("alpha value", alpha)
        no_differentiable(differentiable)
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)
