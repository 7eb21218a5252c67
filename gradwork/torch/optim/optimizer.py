"""`torch.optim.Optimizer`: parameter groups, `step`, `zero_grad`, `state` and state dicts, as PyTorch's.

The optimizers of the facade (`SGD`, `Adam`, ...) each name a `GroupRule`, a gradwork optimizer
whose `update_step` is PyTorch's formula: `step()` hands it the parameters of each group (their
gradwork Tensors, updated in place) after `configure(group)`, so the hyperparameters are read from
the group's dict at every step as in PyTorch. The state lives in the rule (gradwork's per-variable
slots); `state[p]` shows it under PyTorch's names ("step", "exp_avg", ...), its tensors sharing
the arrays, and `state_dict()` / `load_state_dict()` use PyTorch's layout
`{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}`, so a state dict of real
PyTorch (tensors as arrays) loads here and back.

Subclassing with your own `step()` works as in PyTorch: without a rule, `state` is a
`defaultdict(dict)` that your `step` fills.
"""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, Callable, ClassVar

import numpy as np

from ...autograd.grad_mode import enable_grad
from ...optimizers.clipping import check_gradients
from .._core import TensorCore
from ..creation import from_numpy, tensor
from .checks import check_learning_rate, typename
from .group_rule import GroupRule
from .param_state import load_param_state


class Optimizer:
    """Base class of the optimizers, as `torch.optim.Optimizer`.

    Parameters
    ----------
    params : iterable of Tensors, of (name, Tensor) pairs, or of dicts
        The parameters to optimize (leaf tensors), or parameter groups: dicts with "params" and
        any hyperparameters that differ from `defaults` for them.
    defaults : dict
        The hyperparameters of every group that does not set its own.

    Attributes
    ----------
    param_groups : list of dict
        Each group's "params" (a list of tensors) and hyperparameters ("lr", ...), read at every step.
    defaults : dict
    state : mapping of parameter to dict
        Each parameter's state under PyTorch's names, e.g. `state[p]["exp_avg"]` (tensors sharing
        the optimizer's arrays) and `state[p]["step"]`; an empty dict before its first step.
    """

    rule_class: ClassVar[type[GroupRule] | None] = None  # None: a subclass writes its own step()
    counts_steps: ClassVar[bool] = True  # whether a parameter's state holds "step" (SGD's does not)

    def __init__(self, params: Iterable, defaults: dict[str, Any]) -> None:
        if isinstance(params, TensorCore):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + typename(params))
        self.defaults = defaults
        self.param_groups: list[dict[str, Any]] = []
        self._steps: dict[int, int] = {}  # id(parameter) -> its step count, for each parameter with state
        self._rule = None if self.rule_class is None else self.rule_class()
        self.state = defaultdict(dict) if self._rule is None else StateView(self)
        self._opt_called = False  # set by step(); a scheduler stepped before it warns, as PyTorch's
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:  # a scheduler checks that the optimizer stepped first, whatever step() it has
            cls.step = _marks_called(cls.__dict__["step"])

    # ----- groups ---------------------------------------------------------------------------------
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group (a dict with "params" and optional hyperparameters; the others from `defaults`).

        Raises TypeError for a set of parameters or a parameter that is not a tensor, ValueError for a
        non-leaf tensor or a parameter given twice (in this group or in another).
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {typename(param_group)}")
        params = param_group["params"]
        if isinstance(params, TensorCore):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering "
                            "of tensors in sets will change between runs. Please use a list instead.")
        params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        tensors = [p[1] if isinstance(p, tuple) else p for p in params]
        if names and len(names) != len(tensors):
            raise ValueError("all optimizer params should be with/without names. Some param names are missing")
        for param in tensors:
            if not isinstance(param, TensorCore):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + typename(param))
            if not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        if len({id(p) for p in tensors}) != len(tensors):
            raise ValueError("optimizer contains a parameter group with duplicate parameters")
        for group in self.param_groups:
            if bool(names) != ("param_names" in group):
                raise ValueError("all optimizer param groups should be with/without names. cannot add param group "
                                 f"{'with' if names else 'without'} names to the optimizer")
            if {id(p) for p in group["params"]} & {id(p) for p in tensors}:
                raise ValueError("some parameters appear in more than one parameter group")
        param_group["params"] = tensors
        if names:
            param_group["param_names"] = names
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)
        self.param_groups.append(param_group)

    def _params(self):
        return [p for group in self.param_groups for p in group["params"]]

    # ----- stepping -------------------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient (`.grad = None`), or fill it with zeros (`set_to_none=False`)."""
        for param in self._params():
            grad = param._t.grad
            if grad is None:
                continue
            if set_to_none:
                param._t.grad = None
            else:
                param._t.grad = grad = grad.detach() if grad.grad_fn is not None else grad
                _fill_zeros(grad)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient (those without one are left alone, their state too).

        Parameters
        ----------
        closure : callable, optional
            Re-evaluates the model and returns the loss (called with gradients enabled, before the update).

        Returns
        -------
        What `closure` returned, or None.
        """
        self._opt_called = True
        if self._rule is None:
            raise NotImplementedError(f"{type(self).__name__} must define step(), or name a rule_class")
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        self._update()
        return loss

    def _update(self) -> None:
        """Every check first (learning rates, the state each group's options need, and the gradients when
        there is more than one update), then one gradwork update per group and step count."""
        rule, batches = self._rule, []
        for index, group in enumerate(self.param_groups):
            params = [p for p in group["params"] if p._t.grad is not None]
            if params:
                self._check_group(index, group)
                by_step = itertools.groupby(sorted(params, key=self._step_of), key=self._step_of)
                batches += [(group, step, list(batch)) for step, batch in by_step]
        if len(batches) > 1:
            variables = [p._t for _, _, batch in batches for p in batch]
            check_gradients(variables, [v.grad for v in variables])
        for group, step, batch in batches:
            rule.configure(group)
            rule.start_at(step)
            try:
                rule.step([p._t for p in batch])
            finally:  # an update that ran (even one whose new weights fail their check) counts
                if rule.iterations > step:
                    self._steps.update((id(p), step + 1) for p in batch)

    def _step_of(self, param) -> int:
        return self._steps.get(id(param), 0)

    def _check_group(self, index: int, group: dict) -> None:
        """The group's learning rate, and that its parameters' state has every slot its options need
        (an option such as `amsgrad` turned on after their first step would need a slot they lack)."""
        check_learning_rate(group["lr"], f" (param_groups[{index}]['lr'])")
        self._rule.configure(group)
        needed = set(self._rule.slot_specs())
        for param in group["params"]:
            if id(param) in self._steps:
                missing = needed - set(self._rule.slots_of(param._t))
                if missing:
                    raise ValueError(
                        f"{type(self).__name__}: param_groups[{index}] needs state {sorted(missing)} that its "
                        "parameters did not get at their first step (an option such as amsgrad, centered or "
                        "momentum was turned on since); set it before the first step, or make a new optimizer")

    # ----- state ----------------------------------------------------------------------------------
    def _param_state(self, param, copied: bool = False) -> dict[str, Any]:
        """`param`'s state under PyTorch's names: tensors sharing the rule's arrays (copies if `copied`)."""
        step = self._steps.get(id(param))
        if step is None:
            return {}
        entry = {"step": tensor(float(step))} if self.counts_steps else {}
        torch_names = {slot: name for name, slot in self._rule.state_names.items()}
        for slot, array in self._rule.slots_of(param._t).items():
            entry[torch_names.get(slot, slot)] = from_numpy(array.copy() if copied else array)
        return entry

    def _has_state(self, param) -> bool:
        """Whether `state[param]` is not empty (SGD without momentum keeps nothing)."""
        return id(param) in self._steps and (self.counts_steps or bool(self._rule.slots_of(param._t)))

    def state_dict(self) -> dict[str, Any]:
        """The state and the groups in PyTorch's layout; parameters are numbered across the groups in order.

        Returns
        -------
        dict with "state": {index: {"step": tensor, "exp_avg": tensor, ...}} (copies) for each
        parameter that has state, and "param_groups": each group's hyperparameters and "params", the
        indices of its parameters.
        """
        mappings, start, param_groups = {}, 0, []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            mappings.update({id(p): i for i, p in enumerate(group["params"], start) if id(p) not in mappings})
            packed["params"] = [mappings[id(p)] for p in group["params"]]
            start += len(packed["params"])
            param_groups.append(packed)
        if self._rule is None:
            state = {mappings.get(id(p), p): values for p, values in self.state.items()}
        else:
            state = {mappings[id(p)]: self._param_state(p, copied=True) for p in self.state}
        return {"state": state, "param_groups": param_groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load what `state_dict()` returned, here or in PyTorch (tensors, ndarrays or numbers).

        The groups must match in number and sizes; the hyperparameters are the loaded ones. Everything
        is checked before anything changes: each parameter's state must have the keys this optimizer
        makes for its group's options, of the parameter's shape and finite.
        """
        saved_groups = [dict(group) for group in state_dict["param_groups"]]  # the caller's dicts stay as they are
        if len(self.param_groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(self.param_groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        params = dict(zip(itertools.chain.from_iterable(g["params"] for g in saved_groups), self._params()))
        groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group:
                saved.setdefault("param_names", group["param_names"])
            groups.append({**self.defaults, **saved})
        unknown = [key for key in state_dict["state"] if key not in params]
        if unknown:
            raise ValueError(f"loaded state dict has state for parameters {unknown} that no parameter group lists")
        loaded = {id(params[key]): (key, values) for key, values in state_dict["state"].items()}
        if self._rule is None:
            self.state = defaultdict(dict, {params[key]: dict(values) for key, values in state_dict["state"].items()})
        else:
            self._rule, self._steps = self._loaded_rule(groups, loaded)
        self.param_groups = groups

    def _loaded_rule(self, groups: list[dict], loaded: dict[int, tuple]) -> tuple[GroupRule, dict[int, int]]:
        """A new rule holding the loaded state, and the step counts (built aside: self is unchanged if it raises)."""
        rule, steps = self.rule_class(), {}
        for index, group in enumerate(groups):
            check_learning_rate(group["lr"], f" (param_groups[{index}]['lr'] of the loaded state dict)")
            rule.configure(group)
            for param in group["params"]:
                if id(param) in loaded:
                    key, values = loaded[id(param)]
                    step = load_param_state(rule, param, key, values, self.counts_steps)
                    if step is not None:
                        steps[id(param)] = step
        return rule, steps

    def __repr__(self) -> str:
        text = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            text += "".join(f"    {key}: {group[key]}\n" for key in sorted(group) if key != "params")
        return text + ")"


class StateView(Mapping):
    """`optimizer.state` of the facade's optimizers: the parameters that have state, each to its dict
    under PyTorch's names (tensors sharing the optimizer's arrays; assigning a key changes nothing).
    A parameter without state gives an empty dict, as PyTorch's defaultdict does."""

    def __init__(self, optimizer: Optimizer) -> None:
        self._optimizer = optimizer

    def __getitem__(self, param) -> dict[str, Any]:
        return self._optimizer._param_state(param)

    def __iter__(self):
        return (p for p in self._optimizer._params() if p in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, param) -> bool:
        return self._optimizer._has_state(param)

    def __repr__(self) -> str:
        return repr(dict(self.items()))


def _marks_called(step: Callable) -> Callable:
    @functools.wraps(step)
    def marked(self, *args, **kwargs):
        self._opt_called = True
        return step(self, *args, **kwargs)
    return marked


def _fill_zeros(grad) -> None:
    """Zero a gradient (a gradwork Tensor) in place (a read-only array, e.g. broadcast, is replaced)."""
    if grad.data.flags.writeable:
        np.copyto(grad.data, 0)
    else:
        grad.data = np.zeros_like(grad.data)
