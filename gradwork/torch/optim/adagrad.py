"""`torch.optim.Adagrad`: PyTorch's Adagrad (epsilon outside the root, a decaying learning rate)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ...optimizers.base_optimizer import Step
from ...optimizers.variable_state import VariableState
from .checks import no_differentiable, non_negative
from .group_rule import GroupRule
from .optimizer import Optimizer


class AdagradRule(GroupRule):
    """PyTorch's Adagrad update (gradwork's `Adagrad` is Keras's: epsilon inside the square root, no
    lr_decay).

    At step t, for a parameter w with gradient g (after `torch_gradient`: maximize, L2 weight decay):

        s <- s + g**2                                 slot "sum", starting at initial_accumulator_value
        w <- w - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)
    """

    def configure(self, group: dict) -> None:
        super().configure(group)
        self.lr_decay, self.eps = float(group["lr_decay"]), float(group["eps"])
        self.initial_accumulator_value = float(group["initial_accumulator_value"])

    def slot_specs(self) -> dict[str, float]:
        return {"sum": self.initial_accumulator_value}

    def step_constants(self, learning_rate: float, iteration: int) -> Step:
        return Step(learning_rate / (1.0 + (iteration - 1) * self.lr_decay), iteration)

    def update_step(self, gradient: np.ndarray, variable: np.ndarray, state: VariableState, constants: Step) -> None:
        g = self.torch_gradient(gradient, variable, state)
        s, tmp = state.slots["sum"], state.scratch[0]
        s += np.multiply(g, g, out=tmp)
        np.sqrt(s, out=tmp)
        tmp += self.eps
        step = np.divide(g, tmp, out=tmp)
        step *= constants.learning_rate
        variable -= step


class Adagrad(Optimizer):
    """Adagrad, as `torch.optim.Adagrad` (see `AdagradRule` for the update). As in PyTorch, every
    parameter's state ("step" 0, "sum") is made when it is added, its sum at the constructor's
    `initial_accumulator_value` (PyTorch does not use a group's own; a group added later gets state
    here too, where PyTorch's step would fail).

    Parameters
    ----------
    params : iterable of Tensors or of dicts (parameter groups)
    lr : float >= 0
    lr_decay : float >= 0
        The learning rate at step t is `lr / (1 + (t - 1) * lr_decay)`.
    weight_decay : float >= 0
        An L2 penalty added to the gradient.
    initial_accumulator_value : float >= 0
        Where each sum of squared gradients starts.
    eps : float >= 0
        Added to the square root of that sum.
    foreach, fused : accepted for PyTorch's signature; gradwork has one implementation.
    maximize : bool
        Step uphill.
    differentiable : must be False.
    """

    rule_class = AdagradRule

    def __init__(self, params: Iterable, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, fused: bool | None = None) -> None:
        non_negative("learning rate", lr)
        non_negative("lr_decay value", lr_decay)
        non_negative("weight_decay value", weight_decay)
        non_negative("initial_accumulator_value value", initial_accumulator_value)
        non_negative("epsilon value", eps)
        no_differentiable(differentiable)
        self._initial_sum = initial_accumulator_value
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)

    def add_param_group(self, param_group: dict) -> None:
        """As `Optimizer.add_param_group`, and the group's parameters get their state at once."""
        super().add_param_group(param_group)
        rule = self._rule
        rule.configure(param_group)
        rule.initial_accumulator_value = float(self._initial_sum)
        for param in param_group["params"]:
            rule.slots_of(param._t)
            self._steps[id(param)] = 0
