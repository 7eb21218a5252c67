"""`Optimizer`: what every optimizer shares (Keras 3 arguments and methods, plus PyTorch-style `step`).

One update, for every variable that has a gradient, in this order (as Keras):

1. clip the gradient: `clipnorm` (each gradient to that L2 norm), `global_clipnorm` (all of them
   scaled by one factor so their joint norm is at most that), or `clipvalue` (each element into
   [-clipvalue, clipvalue]); at most one of the three may be set;
2. decoupled weight decay, `var <- var - var * weight_decay * lr` (not an L2 term in the loss);
3. the optimizer's own rule (`update_step`), in place on the variable's array;
4. the variable's `constraint`, if it has one (`gw.constraints`): `var <- constraint(var)`, in place;

then `iterations` goes up by one. Each updated Tensor's version goes up by one too, so backward through
a graph recorded before the step raises instead of using the new weights (`gradwork/tensor_data.py`).

Nothing non-finite gets in: the hyperparameters are checked when the optimizer is made (`checks`),
a learning rate when it is set (and a schedule's value at each step), a loaded state by `set_state`,
and each step's gradients before anything changes (one dot product each: NaN, infinite, or so large
that their squares overflow raises `checks.NonFiniteError`, a FloatingPointError naming the
variable). The new weights are checked after the update (one dot product each): only an overflow
inside the update arithmetic itself can make them non-finite then, and that step stays applied.
`lr` is the learning rate evaluated at the current `iterations` (0 for the first update) for a schedule.

Speed: the variables are updated in place (their ndarrays stay the same objects, so views held by
a model stay valid); the state has each variable's dtype (float32 stays float32) and is created
once; the gradient buffer and the temporaries are views of scratch arrays reused by every step
(see `variable_state`), so a step allocates no arrays (unless a gradient has another dtype than
its variable, `clipnorm`/`global_clipnorm` compute a norm of a non-contiguous gradient, or a variable
has a constraint). The caller's gradient arrays are never written to (see `clipping`).
"""

import abc
import math
import numbers
import re
from typing import Any, Callable, ClassVar, Iterable, NamedTuple, Union

import numpy as np

from ..constraints import constrain_in_place
from ..registry import snake_case
from ..tensor_data import TensorData, increment_version
from . import schedules
from .arguments import SHARED, with_shared_arguments
from .checks import check_finite_weights, check_hyperparameters, check_learning_rate
from .clipping import check_gradients, global_scale, prepare_gradient
from .state_io import check_pending, copy_into, read_state, write_state
from .variable_state import ScratchPool, VariableState, variable_array

LearningRate = Union[float, schedules.LearningRateSchedule, Callable[[], float]]


class Step(NamedTuple):
    """The constants of one update that every variable shares (what `Optimizer.step_constants`
    returns unless an optimizer needs more)."""

    learning_rate: float
    iteration: int  # 1 for the first update


class Optimizer(abc.ABC):
    """Base class for optimizers.

    Parameters
    ----------
    learning_rate : float, `schedules.LearningRateSchedule`, or callable
        A schedule is called with the current `iterations`; any other callable with no arguments.
    weight_decay : float, optional
        Decoupled weight decay: before the step, `var <- var - var * weight_decay * lr`.
    clipnorm : float, optional
        Rescale each gradient whose L2 norm exceeds this to this norm.
    clipvalue : float, optional
        Clip each gradient element into [-clipvalue, clipvalue].
    global_clipnorm : float, optional
        Rescale all gradients by one factor so that the L2 norm of all of them together is at most
        this (a NaN or infinite norm makes every gradient NaN, as Keras does, to make it visible).
    name : str, optional
        Defaults to the class name in snake case.

    Every optimizer takes `weight_decay`, `clipnorm`, `clipvalue` and `global_clipnorm` as keyword
    arguments (its `**kwargs`), as documented here.

    Variables are gradwork Tensors (or ndarrays); gradients may be Tensors or ndarrays of the same
    shape. The state of each variable (a `VariableState` holding its "slots") is created the first
    time the variable is seen, keyed by the variable's identity; `get_state()` lists it in that order.

    Writing an optimizer: list its own constructor arguments in `hyperparameter_names` (saved by
    `get_config`, read back as attributes of the same names; those named as in `checks.RANGES`, or
    in a class's `hyperparameter_ranges`, are checked before `__init__` runs), return its slots from `slot_specs()`,
    set `scratch_count` to the temporaries its rule needs, and implement `update_step`; override
    `step_constants` to compute, once per step, values every variable's update shares:

    >>> class HeavyBall(Optimizer):                 # v <- momentum * v + g ;  w <- w - lr * v
    ...     hyperparameter_names = ("momentum",)
    ...     def __init__(self, learning_rate=0.01, momentum=0.9, name="heavy_ball", **kwargs):
    ...         super().__init__(learning_rate, name=name, **kwargs)
    ...         self.momentum = momentum
    ...     def slot_specs(self):
    ...         return {"velocity": 0.0}
    ...     def update_step(self, gradient, variable, state, constants):
    ...         v = state.slots["velocity"]
    ...         v *= self.momentum
    ...         v += gradient
    ...         variable -= np.multiply(v, constants.learning_rate, out=state.scratch[0])
    """

    hyperparameter_names: ClassVar[tuple[str, ...]] = ()
    scratch_count: ClassVar[int] = 1

    def __init__(
        self,
        learning_rate: LearningRate,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        name: str | None = None,
    ):
        given = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
        if sum(v is not None for v in given.values()) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                + ", ".join(f"{k}={v}" for k, v in given.items())
            )
        if not isinstance(name, (str, type(None))):
            raise TypeError(f"`name` must be a string or None, got {type(name).__name__}: {name!r}")
        check_hyperparameters(type(self), dict(zip(SHARED, (weight_decay, clipnorm, clipvalue, global_clipnorm))))
        self.name = snake_case(type(self).__name__) if name is None else name
        self.weight_decay, self.clipnorm = weight_decay, clipnorm
        self.clipvalue, self.global_clipnorm = clipvalue, global_clipnorm
        self._learning_rate = None
        self.learning_rate = learning_rate
        self._iterations = 0
        self._globals = {}  # optimizer-wide state arrays (Nadam's running product), by name
        self._states: list[VariableState] = []  # one per variable, in the order first seen
        self._state_by_id: dict[int, VariableState] = {}
        self._scratch = ScratchPool(1 + self.scratch_count)
        self._states_cache = {}  # tuple of ids of a variables list -> their states
        self._pending = {}  # state loaded before its variables were seen: index -> {slot: array}
        self._exclude_vars = []
        self._exclude_pattern = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            cls.__init__ = with_shared_arguments(cls.__init__)

    # ----- learning rate and step count ---------------------------------------------------------
    @property
    def learning_rate(self) -> float:
        """The learning rate for the next update (a schedule is evaluated at `iterations`)."""
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            return float(lr(self._iterations))
        if callable(lr):
            return float(lr())
        return lr

    @learning_rate.setter
    def learning_rate(self, value: LearningRate) -> None:
        if isinstance(value, schedules.LearningRateSchedule) or callable(value):
            self._learning_rate = value
            return
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            raise TypeError(
                "`learning_rate` must be a float, a LearningRateSchedule, or a callable with no arguments "
                f"returning a float; got {type(value).__name__}: {value!r}"
            )
        if isinstance(self._learning_rate, schedules.LearningRateSchedule):
            raise TypeError(
                "This optimizer's learning rate is a LearningRateSchedule, so it cannot be set to a number "
                f"({value!r}). Assign another schedule, or create the optimizer with a float learning_rate."
            )
        check_learning_rate(float(value), allow_zero=False)
        self._learning_rate = float(value)

    @property
    def learning_rate_schedule(self) -> schedules.LearningRateSchedule | Callable[[], float] | None:
        """The schedule (or callable) this optimizer was given as its learning rate, or None when
        it holds a plain number. `learning_rate` gives the rate it evaluates to now; only a plain
        number can be replaced by another number (what `ReduceLROnPlateau` does)."""
        lr = self._learning_rate
        return lr if callable(lr) else None

    @property
    def iterations(self) -> int:
        """Number of updates applied so far."""
        return self._iterations

    # ----- the rule, implemented by each optimizer -------------------------------------------------
    def slot_specs(self) -> dict[str, float]:
        """The slots each variable's state holds: {slot name: initial value}, in saving order."""
        return {}

    def step_constants(self, learning_rate: float, iteration: int) -> tuple:
        """Values shared by every variable's update in one step, as a NamedTuple; called once per
        step (iteration: 1 for the first update), and must change nothing (see `commit_step`).
        The default holds the two arguments."""
        return Step(learning_rate, iteration)

    def commit_step(self, constants: tuple) -> None:  # noqa: B027 (a hook: most optimizers have nothing to commit)
        """Called once after every variable of a step is updated, with that step's constants: the
        place to advance optimizer-wide state (Nadam's running product), so that a step that fails
        its checks changes nothing. The default does nothing."""

    @abc.abstractmethod
    def update_step(
        self, gradient: np.ndarray, variable: np.ndarray, state: VariableState, constants: tuple
    ) -> None:
        """Update `variable` in place with `gradient` (never written to).

        Parameters
        ----------
        gradient, variable : ndarray, both of the variable's shape and dtype
        state : VariableState
            The variable's slots (`state.slots[name]`, updated in place) and its temporaries
            (`state.scratch`, free to overwrite).
        constants : NamedTuple
            What `step_constants` returned for this step.
        """

    # ----- variables and state --------------------------------------------------------------------
    def build(self, variables: Iterable) -> None:
        """Create the state for `variables` now (otherwise it is made on their first update)."""
        self._states_of(list(variables))

    def exclude_from_weight_decay(
        self, var_list: list | None = None, var_names: list[str] | None = None
    ) -> None:
        """Exempt variables from weight decay: those in `var_list`, and those whose `name` contains
        one of the strings in `var_names` (e.g. `var_names=["bias"]`). Call before they are built."""
        if self._states:
            raise ValueError("exclude_from_weight_decay() must be called before the optimizer is built")
        self._exclude_vars = list(var_list or [])
        self._exclude_pattern = re.compile("|".join(map(re.escape, var_names))) if var_names else None

    def _states_of(self, variables):
        """The states of `variables`, creating those of any not seen before."""
        key = tuple(map(id, variables))
        states = self._states_cache.get(key)
        if states is None:
            unseen = {id(v): v for v in variables if id(v) not in self._state_by_id}  # checked before any is made
            check_pending(self._pending, len(self._states), [variable_array(v) for v in unseen.values()])
            states = [self._state_by_id.get(id(v)) or self._register(v) for v in variables]
            if len(self._states_cache) >= 16:
                self._states_cache.clear()
            self._states_cache[key] = states
        return states

    def _register(self, var):
        name = getattr(var, "name", None)
        excluded = any(v is var for v in self._exclude_vars) or (
            self._exclude_pattern is not None and isinstance(name, str) and self._exclude_pattern.search(name)
        )
        i = len(self._states)
        state = VariableState.create(i, var, self.slot_specs(), decay=not excluded)
        if self._pending:  # loaded before the variable was seen (fits: `check_pending`)
            for slot_name, slot in self._pending.pop(i).items():
                copy_into(state.slots[slot_name], slot, f"{i}/{slot_name}")
        self._states.append(state)
        self._state_by_id[id(var)] = state
        self._scratch.attach(state, self._states)
        return state

    @property
    def variables(self) -> list[np.ndarray]:
        """The optimizer's state arrays (live, not copies), in `get_state()` order, without `iterations`."""
        return list(self._globals.values()) + [s for state in self._states for s in state.slots.values()]

    def get_state(self) -> dict[str, np.ndarray]:
        """Copies of the whole state, by name: "iterations", optimizer-wide entries, then "<i>/<slot>"
        for the i-th variable seen. `set_state` on an equal optimizer resumes bit for bit."""
        # a loaded entry whose variable is not seen yet is passed on unchanged
        per_var = [s.slots for s in self._states] + [self._pending[i] for i in sorted(self._pending)]
        return write_state(self._iterations, self._globals, per_var)

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        """Restore what `get_state` returned (a dict or an `np.load`ed npz). Entries for variables
        not seen yet are kept and used when those variables are first built, in the same order.
        Everything is checked before anything changes."""
        state, per_var = read_state(
            state, self.slot_specs(), self._globals, [s.slots for s in self._states], type(self).__name__
        )
        for name, arr in self._globals.items():
            copy_into(arr, state[name], name)
        for var_state in self._states:
            for name, slot in var_state.slots.items():
                copy_into(slot, per_var[var_state.index][name], f"{var_state.index}/{name}")
        self._pending = {i: per_var[i] for i in range(len(self._states), len(per_var))}
        self._iterations = int(state["iterations"])

    # ----- applying gradients ---------------------------------------------------------------------
    def apply_gradients(self, grads_and_vars: Iterable[tuple]) -> int:
        """Apply `(gradient, variable)` pairs (gradients None are skipped); returns `iterations`."""
        pairs = list(grads_and_vars)
        if pairs:
            self.apply([g for g, _ in pairs], [v for _, v in pairs])
        return self._iterations

    def apply(self, grads: Iterable, variables: Iterable | None = None) -> None:
        """Update `variables` with `grads`, each of its variable's shape (same order; None gradients
        are skipped). Without `variables`, the gradients are for the variables the optimizer was built
        with, in order. Counts that differ raise ValueError."""
        self._run(self._built_variables("apply") if variables is None else list(variables), list(grads))

    def step(self, params: Iterable | None = None) -> None:
        """Update each parameter from its `.grad` (parameters whose `.grad` is None are skipped).
        Without `params`, every variable the optimizer has been built with."""
        if params is None:
            params = self._built_variables("step")
        self._run(params if isinstance(params, list) else list(params), None)

    def zero_grad(self, params: Iterable | None = None) -> None:
        """Set `.grad = None` on each parameter (default: every variable the optimizer has seen)."""
        for p in self._built_variables("zero_grad") if params is None else params:
            if not isinstance(p, np.ndarray):
                p.grad = None

    def _built_variables(self, caller):
        """The variables the optimizer has been built with; a ValueError saying how to pass them if none."""
        if not self._states:
            call = f"{caller}({'grads, ' if caller == 'apply' else ''}model.trainable_weights)"
            raise ValueError(f"{self.name}: {caller}() without parameters needs an optimizer that knows them: pass "
                             f"them ({call}), or call build(variables) first")
        return [state.variable for state in self._states]

    def _run(self, variables, grads):
        """The update: every check first (shapes, dtypes, finite gradients and learning rate), then one
        pass over the variables (two with `global_clipnorm`), then one check that the new weights are
        finite. A step that raises before that last check has changed nothing."""
        grads, squared_norms = check_gradients(variables, [v.grad for v in variables] if grads is None else grads)
        states = self._states_of(variables)
        lr = self.learning_rate
        if not 0.0 <= lr < math.inf:  # a schedule or callable gave it (a number is checked when set)
            check_learning_rate(lr, True, f" from {self._learning_rate!r} at iteration {self._iterations}")
        scale = 1.0
        if self.global_clipnorm:
            scale = global_scale(squared_norms, self.global_clipnorm)
        clipnorm, clipvalue = self.clipnorm or None, self.clipvalue or None
        decay = lr * self.weight_decay if self.weight_decay else 0.0
        clipping = clipnorm is not None or scale != 1.0 or clipvalue is not None
        update = self.update_step
        constants, updated = None, []
        for i, (variable, gradient, state) in enumerate(zip(variables, grads, states)):
            if gradient is None:
                continue
            if constants is None:
                constants = self.step_constants(lr, self._iterations + 1)
            array = variable if isinstance(variable, np.ndarray) else variable.data
            if clipping or gradient.dtype != array.dtype:
                gradient = prepare_gradient(
                    gradient, array, state.gradient_buffer, clipnorm, squared_norms[i], scale, clipvalue
                )
            if decay and state.decay:
                tmp = state.scratch[0]
                np.multiply(array, decay, out=tmp)
                array -= tmp
            update(gradient, array, state, constants)
            if getattr(variable, "constraint", None) is not None:  # Keras: right after the variable's update
                constrain_in_place(variable, array)
            if isinstance(variable, TensorData):  # a graph recorded before this step now fails at backward
                increment_version(variable)
            updated.append((variable, i, array))
        if constants is not None:
            self.commit_step(constants)
            self._iterations += 1
            check_finite_weights(updated)

    # ----- configuration --------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """The constructor arguments (JSON-ready unless the learning rate is a plain callable): the
        shared ones, then the optimizer's `hyperparameter_names`."""
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            lr = schedules.serialize(lr)
        config = {
            "name": self.name,
            "learning_rate": lr,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
        }
        config.update({key: getattr(self, key) for key in self.hyperparameter_names})
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict | None = None) -> "Optimizer":
        """An optimizer (with fresh state) built from `get_config()`'s output."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(
                config["learning_rate"], custom_objects=custom_objects
            )
        return cls(**config)

    def __repr__(self):
        lr = self._learning_rate
        lr = lr if isinstance(lr, float) else type(lr).__name__
        return f"{type(self).__name__}(name={self.name!r}, learning_rate={lr}, iterations={self._iterations})"

