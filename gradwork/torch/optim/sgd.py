"""`torch.optim.SGD`: gradient descent with PyTorch's momentum buffer, dampening and Nesterov momentum."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ...optimizers.base_optimizer import Step
from ...optimizers.variable_state import VariableState
from .checks import no_differentiable, non_negative
from .group_rule import GroupRule
from .optimizer import Optimizer


class SGDRule(GroupRule):
    """PyTorch's SGD update (gradwork's `SGD` keeps Keras's velocity, which holds the learning rate).

    For a parameter w with gradient g (after `torch_gradient`: maximize, L2 weight decay), momentum mu,
    dampening tau and learning rate lr:

        momentum == 0:  d = g
        first step:     b <- g                                 slot "momentum_buffer"
        later steps:    b <- mu * b + (1 - tau) * g
                        d = g + mu * b  (nesterov)  or  d = b
        w <- w - lr * d

    The buffer holds no learning rate, so a learning rate changed by a scheduler applies to the
    whole step at once.
    """

    def configure(self, group: dict) -> None:
        super().configure(group)
        self.momentum, self.dampening = float(group["momentum"]), float(group["dampening"])
        self.nesterov = bool(group["nesterov"])

    def slot_specs(self) -> dict[str, float]:
        return {"momentum_buffer": 0.0} if self.momentum != 0 else {}

    def update_step(self, gradient: np.ndarray, variable: np.ndarray, state: VariableState, constants: Step) -> None:
        g = self.torch_gradient(gradient, variable, state)
        tmp = state.scratch[0]
        if self.momentum != 0:
            b, mu = state.slots["momentum_buffer"], self.momentum
            if constants.iteration == 1:
                np.copyto(b, g)
            else:
                b *= mu
                b += np.multiply(g, 1.0 - self.dampening, out=tmp)
            if self.nesterov:
                g = np.add(g, np.multiply(b, mu, out=tmp), out=tmp)
            else:
                g = b
        variable -= np.multiply(g, constants.learning_rate, out=tmp)


class SGD(Optimizer):
    """Stochastic gradient descent, as `torch.optim.SGD` (see `SGDRule` for the update).

    Parameters
    ----------
    params : iterable of Tensors or of dicts (parameter groups)
    lr : float >= 0
    momentum : float >= 0
    dampening : float
        Scales the gradient's share of the momentum buffer by `1 - dampening` (not at the first step).
    weight_decay : float >= 0
        An L2 penalty: `weight_decay * w` is added to the gradient.
    nesterov : bool
        Nesterov momentum (needs momentum > 0 and dampening 0).
    maximize : bool
        Step uphill.
    foreach, fused : accepted for PyTorch's signature; gradwork has one implementation.
    differentiable : must be False.

    Examples
    --------
    >>> opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)     # doctest: +SKIP
    >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()       # doctest: +SKIP
    """

    rule_class = SGDRule
    counts_steps = False  # PyTorch's SGD keeps only "momentum_buffer"

    def __init__(self, params: Iterable, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False, fused: bool | None = None) -> None:
        non_negative("learning rate", lr)
        non_negative("momentum value", momentum)
        non_negative("weight_decay value", weight_decay)
        no_differentiable(differentiable)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach,
                    "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
