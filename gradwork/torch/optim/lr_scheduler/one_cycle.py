"""`OneCycleLR`: the 1cycle policy (Smith & Topsakal), as PyTorch's: the rate rises to `max_lr` and anneals
far below where it started, while the momentum (or Adam's beta1) moves the opposite way."""

from __future__ import annotations

import math
from typing import Any

from ..optimizer import Optimizer
from .base import LRScheduler, check_optimizer, per_group


def _positive_int(name: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"Expected positive integer {name}, but got {value}")


def _phase(end_step: float, lr: tuple[str, str], momentum: tuple[str, str]) -> dict[str, Any]:
    """A phase of the cycle: its last step, and the group keys the rate and the momentum go between."""
    return {"end_step": end_step, "start_lr": lr[0], "end_lr": lr[1],
            "start_momentum": momentum[0], "end_momentum": momentum[1]}


class OneCycleLR(LRScheduler):
    """The 1cycle learning-rate policy, as `torch.optim.lr_scheduler.OneCycleLR` (step it after every batch).

    The rate starts at `max_lr / div_factor`, rises to `max_lr` over the first `pct_start` of
    `total_steps`, then anneals to `initial_lr / final_div_factor` (with `three_phase`, it first comes
    back down to the initial rate symmetrically). With `cycle_momentum`, the group's "momentum" (or
    the first of Adam's "betas") goes from `max_momentum` to `base_momentum` and back, inversely.
    Each move is a half cosine (`anneal_strategy="cos"`) or a line ("linear").

    Parameters
    ----------
    optimizer : Optimizer
    max_lr : float or list of float (one per group)
    total_steps : int, optional
        Or `epochs * steps_per_epoch`.
    epochs, steps_per_epoch : int, optional
    pct_start : float in [0, 1]
    anneal_strategy : {"cos", "linear"}
    cycle_momentum : bool
    base_momentum, max_momentum : float or list of float
    div_factor, final_div_factor : float
    three_phase : bool
    last_epoch : int
    """

    def __init__(self, optimizer: Optimizer, max_lr: float | list[float], total_steps: int | None = None,
                 epochs: int | None = None, steps_per_epoch: int | None = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True, base_momentum: float | list = 0.85,
                 max_momentum: float | list = 0.95, div_factor: float = 25.0, final_div_factor: float = 1e4,
                 three_phase: bool = False, last_epoch: int = -1) -> None:
        check_optimizer(optimizer)
        self.optimizer = optimizer
        if total_steps is not None:
            _positive_int("total_steps", total_steps)
            self.total_steps = total_steps
        elif epochs is not None and steps_per_epoch is not None:
            _positive_int("epochs", epochs)
            _positive_int("steps_per_epoch", steps_per_epoch)
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")
        rise = float(pct_start * self.total_steps) - 1
        up, down = ("max_momentum", "base_momentum"), ("base_momentum", "max_momentum")
        if three_phase:
            self._schedule_phases = [
                _phase(rise, ("initial_lr", "max_lr"), up),
                _phase(float(2 * pct_start * self.total_steps) - 2, ("max_lr", "initial_lr"), down),
                _phase(self.total_steps - 1, ("initial_lr", "min_lr"), ("max_momentum", "max_momentum")),
            ]
        else:
            self._schedule_phases = [_phase(rise, ("initial_lr", "max_lr"), up),
                                     _phase(self.total_steps - 1, ("max_lr", "min_lr"), down)]
        if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
            raise ValueError(f"Expected float between 0 and 1 pct_start, but got {pct_start}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        self._anneal_func_type = anneal_strategy
        max_lrs = per_group("max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for group, group_max in zip(optimizer.param_groups, max_lrs):
                group["initial_lr"] = group_max / div_factor
                group["max_lr"] = group_max
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self._start_momentum(optimizer, per_group("max_momentum", optimizer, max_momentum),
                                 per_group("base_momentum", optimizer, base_momentum), last_epoch)
        super().__init__(optimizer, last_epoch)

    def _start_momentum(self, optimizer: Optimizer, max_momentums: list, base_momentums: list, last_epoch: int):
        if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
            raise ValueError("optimizer must support momentum or beta1 with `cycle_momentum` option enabled")
        self.use_beta1 = "betas" in optimizer.defaults
        if last_epoch == -1:
            for group, top, base in zip(optimizer.param_groups, max_momentums, base_momentums, strict=True):
                self._set_momentum(group, top)
                group["max_momentum"], group["base_momentum"] = top, base

    def _set_momentum(self, group: dict, value: float) -> None:
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def _anneal(self, start: float, end: float, pct: float) -> float:
        """From `start` (pct 0) to `end` (pct 1): half a cosine, or a line."""
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list[float]:
        self._warn_outside_step()
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"Tried to step {step} times. The specified number of total steps is {self.total_steps}")
        lrs = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for i, phase in enumerate(self._schedule_phases):
                end_step = phase["end_step"]
                if step <= end_step or i == len(self._schedule_phases) - 1:
                    pct = (step - start_step) / (end_step - start_step)
                    lrs.append(self._anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct))
                    if self.cycle_momentum:
                        momentum = self._anneal(group[phase["start_momentum"]], group[phase["end_momentum"]], pct)
                        self._set_momentum(group, momentum)
                    break
                start_step = phase["end_step"]
        return lrs
