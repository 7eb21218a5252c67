"""`torch.optim.Adam` and `torch.optim.AdamW`: gradwork's Adam with PyTorch's epsilon and weight decay."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ...optimizers.adam import Adam as GwAdam
from ...optimizers.adam import AdamStep
from ...optimizers.variable_state import VariableState
from .._core import TensorCore
from .checks import no_differentiable, non_negative
from .group_rule import GroupRule
from .optimizer import Optimizer


class AdamRule(GroupRule, GwAdam):
    """PyTorch's Adam update: gradwork's `Adam` (moments, bias corrections, amsgrad) with PyTorch's eps.

    At step t, with m, v (and v_max for amsgrad) updated as in gradwork's Adam from the gradient g
    (after `torch_gradient`: maximize, and the L2 term `g + weight_decay * w` unless decoupled):

        w <- w - lr / (1 - beta1**t) * m / (sqrt(v / (1 - beta2**t)) + eps)

    which is gradwork's update with its epsilon at `eps * sqrt(1 - beta2**t)` (`step_constants`).
    With `decoupled_weight_decay` (AdamW), `w <- w * (1 - lr * weight_decay)` first instead: that
    is gradwork's own weight decay.
    """

    state_names = {"exp_avg": "momentum", "exp_avg_sq": "velocity", "max_exp_avg_sq": "velocity_hat"}

    def configure(self, group: dict) -> None:
        super().configure(group)
        self.beta_1, self.beta_2 = (float(beta) for beta in group["betas"])
        self.epsilon = float(group["eps"])
        self.amsgrad = self._use_amsgrad = bool(group["amsgrad"])
        decoupled = bool(group.get("decoupled_weight_decay", False))
        self.weight_decay, self.l2 = (self.l2, 0.0) if decoupled else (None, self.l2)

    def step_constants(self, learning_rate: float, iteration: int) -> AdamStep:
        constants = super().step_constants(learning_rate, iteration)
        return constants._replace(epsilon=self.epsilon * math.sqrt(1.0 - self.beta_2**iteration))

    def update_step(self, gradient: np.ndarray, variable: np.ndarray, state: VariableState,
                    constants: AdamStep) -> None:
        super().update_step(self.torch_gradient(gradient, variable, state), variable, state, constants)


def _betas(betas: Any) -> tuple[float, float]:
    """PyTorch's checks of `betas`: two floats (or two tensors), each in [0, 1)."""
    if not (all(isinstance(b, float) for b in betas) or all(isinstance(b, TensorCore) for b in betas)):
        raise ValueError("betas must be either both floats or both Tensors")
    for index, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {index}: {beta}")
    return tuple(float(b) for b in betas)


class Adam(Optimizer):
    """Adam, as `torch.optim.Adam` (see `AdamRule` for the update).

    Parameters
    ----------
    params : iterable of Tensors or of dicts (parameter groups)
    lr : float >= 0
    betas : (float, float), each in [0, 1)
        The decay rates of the moment estimates ("exp_avg", "exp_avg_sq").
    eps : float >= 0
        Added to the bias-corrected sqrt(v).
    weight_decay : float >= 0
        An L2 penalty added to the gradient (decoupled, as AdamW, with `decoupled_weight_decay=True`).
    amsgrad : bool
        Divide by the running maximum of v ("max_exp_avg_sq").
    maximize : bool
        Step uphill.
    foreach, capturable, fused : accepted for PyTorch's signature; gradwork has one implementation.
    differentiable : must be False.
    decoupled_weight_decay : bool

    Examples
    --------
    >>> opt = torch.optim.Adam(model.parameters(), lr=0.01)                # doctest: +SKIP
    """

    rule_class = AdamRule

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None, decoupled_weight_decay: bool = False) -> None:
        non_negative("learning rate", lr)
        non_negative("epsilon value", eps)
        betas = _betas(betas)
        non_negative("weight_decay value", weight_decay)
        no_differentiable(differentiable)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable, "fused": fused, "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)


class AdamW(Adam):
    """Adam with decoupled weight decay, as `torch.optim.AdamW`: `w <- w * (1 - lr * weight_decay)`
    before each Adam step (not an L2 term that Adam's 1 / sqrt(v) would rescale). The arguments are
    `Adam`'s, with `weight_decay=1e-2` by default."""

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """As `Optimizer.load_state_dict`; the weight decay stays decoupled (as PyTorch's AdamW)."""
        state_dict = {**state_dict, "param_groups": [{**group, "decoupled_weight_decay": True}
                                                     for group in state_dict["param_groups"]]}
        super().load_state_dict(state_dict)
