"""`Optimizer`: what every optimizer shares (Keras 3 arguments and methods, plus PyTorch-style `step`).

One update, for every variable that has a gradient, in this order (as Keras):

1. clip the gradient: `clipnorm` (each gradient to that L2 norm), `global_clipnorm` (all of them
   scaled by one factor so their joint norm is at most that), or `clipvalue` (each element into
   [-clipvalue, clipvalue]); at most one of the three may be set;
2. decoupled weight decay, `var <- var - var * weight_decay * lr` (not an L2 term in the loss);
3. the optimizer's own rule (`_update_step`), in place on the variable's array;

then `iterations` goes up by one. `lr` is the learning rate evaluated at the current `iterations`
(0 for the first update) when it is a schedule.

Speed: the variables are updated in place (their ndarrays stay the same objects, so views held by
a model stay valid); the state has each variable's dtype (float32 stays float32) and is created
once; the gradient buffer and the temporaries are views of a few scratch arrays reused by every
step, so a step allocates no arrays (unless a gradient has another dtype than its variable, or
`clipnorm`/`global_clipnorm` compute a norm of a non-contiguous gradient). The caller's gradient
arrays are never written to.
"""

import abc
import math
import numbers
import re

import numpy as np

from ..registry import snake_case as _snake_case
from ..tensor import Tensor
from . import schedules


def _optional_float(name, value):
    if value is None:
        return None
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"`{name}` must be a float or None, got {type(value).__name__}: {value!r}")
    return value


def _squared_norm(g):
    """Sum of squares of an ndarray or Tensor gradient, as a Python float."""
    g = g.data if isinstance(g, Tensor) else np.asarray(g)
    return float(np.vdot(g, g))


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

    Variables are gradwork Tensors (or ndarrays); gradients may be Tensors or ndarrays of the same
    shape. The state of each variable (its "slots") is created the first time the variable is
    seen, keyed by the variable's identity; `get_state()` lists it in that order.

    Writing an optimizer: set `_n_tmp` (scratch arrays the rule needs), implement
    `_slot_specs()` -> ((name, initial value), ...), `_prepare_step(lr, t)` -> constants for this
    step (t = iterations + 1; called once per step), and `_update_step(var, grad, slots, tmps, c)`,
    which updates the ndarrays `var` and `slots` in place, may overwrite the arrays in `tmps`, and
    must not write to `grad`.
    """

    _n_tmp = 1

    def __init__(
        self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, name=None
    ):
        given = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
        if sum(v is not None for v in given.values()) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                + ", ".join(f"{k}={v}" for k, v in given.items())
            )
        self.name = _snake_case(type(self).__name__) if name is None else name
        self.weight_decay = _optional_float("weight_decay", weight_decay)
        self.clipnorm = _optional_float("clipnorm", clipnorm)
        self.clipvalue = _optional_float("clipvalue", clipvalue)
        self.global_clipnorm = _optional_float("global_clipnorm", global_clipnorm)
        self._learning_rate = None
        self.learning_rate = learning_rate
        self._iterations = 0
        self._globals = {}  # optimizer-wide state arrays (Nadam's running product), by name
        self._vars = []  # the variables, in the order first seen (references keep ids unique)
        self._index = {}  # id(variable) -> its position in _vars
        self._slots = []  # per variable: tuple of state arrays, in _slot_specs() order
        self._gbufs = []  # per variable: view of the scratch gradient buffer
        self._tmps = []  # per variable: tuple of scratch views for _update_step
        self._decay = []  # per variable: weight decay applies to it
        self._shapes = []  # per variable: (shape, dtype) when it was built
        self._scratch = {}  # dtype -> list of 1-d scratch arrays
        self._index_cache = {}  # tuple of ids of a variables list -> their positions
        self._pending = {}  # state loaded before its variables were seen: index -> {slot: array}
        self._exclude_ids = set()
        self._exclude_vars = []
        self._exclude_pattern = None

    # ----- learning rate and step count ---------------------------------------------------------
    @property
    def learning_rate(self):
        """The learning rate for the next update (a schedule is evaluated at `iterations`)."""
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            return float(lr(self._iterations))
        if callable(lr):
            return float(lr())
        return lr

    @learning_rate.setter
    def learning_rate(self, value):
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
        if not value >= 0:
            raise ValueError(f"`learning_rate` must be >= 0, got {value!r}")
        self._learning_rate = float(value)

    @property
    def iterations(self):
        """Number of updates applied so far."""
        return self._iterations

    # ----- variables and state --------------------------------------------------------------------
    def _slot_specs(self):
        """((slot name, initial value), ...) for each variable's state."""
        return ()

    def build(self, variables):
        """Create the state for `variables` now (otherwise it is made on their first update)."""
        self._indices(list(variables))

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempt variables from weight decay: those in `var_list`, and those whose `name` contains
        one of the strings in `var_names` (e.g. `var_names=["bias"]`). Call before they are built."""
        if self._vars:
            raise ValueError("exclude_from_weight_decay() must be called before the optimizer is built")
        self._exclude_vars = list(var_list or [])
        self._exclude_ids = {id(v) for v in self._exclude_vars}
        self._exclude_pattern = re.compile("|".join(map(re.escape, var_names))) if var_names else None

    def _indices(self, variables):
        """Positions of `variables` in the state, creating the state of any not seen before."""
        key = tuple(map(id, variables))
        idx = self._index_cache.get(key)
        if idx is None:
            idx = [self._register(v) for v in variables]
            if len(self._index_cache) >= 16:
                self._index_cache.clear()
            self._index_cache[key] = idx
        return idx

    def _register(self, var):
        i = self._index.get(id(var))
        if i is not None:
            return i
        arr = var if isinstance(var, np.ndarray) else getattr(var, "data", None)
        if not isinstance(arr, np.ndarray):
            raise TypeError(
                f"optimizer variables must be gradwork Tensors or ndarrays, got {type(var).__name__}"
            )
        if arr.dtype.kind != "f":
            raise TypeError(
                f"optimizer variables must be floating point, got a variable of dtype {arr.dtype}"
            )
        i = len(self._vars)
        slots = tuple(np.full(arr.shape, init, dtype=arr.dtype) for _, init in self._slot_specs())
        if self._pending:
            saved = self._pending.get(i)
            if saved is None:
                raise ValueError(
                    f"the loaded optimizer state has no entry for variable {i} (shape {arr.shape}): "
                    "the state was saved for a different list of variables"
                )
            for (slot_name, _), slot in zip(self._slot_specs(), slots):
                self._copy_into(slot, saved[slot_name], f"{i}/{slot_name}")
            del self._pending[i]
        name = getattr(var, "name", None)
        excluded = id(var) in self._exclude_ids or (
            self._exclude_pattern is not None and isinstance(name, str) and self._exclude_pattern.search(name)
        )
        self._vars.append(var)
        self._index[id(var)] = i
        self._slots.append(slots)
        self._decay.append(not excluded)
        self._shapes.append((arr.shape, arr.dtype))
        self._gbufs.append(None)
        self._tmps.append(None)
        self._attach_scratch(i, arr)
        return i

    def _attach_scratch(self, i, arr):
        """Give variable i views of the scratch arrays of its dtype, growing them if it is the largest."""
        bufs = self._scratch.get(arr.dtype)
        if bufs is None or bufs[0].size < arr.size:
            size = arr.size if bufs is None else max(arr.size, bufs[0].size)
            bufs = [np.empty(size, dtype=arr.dtype) for _ in range(1 + self._n_tmp)]
            self._scratch[arr.dtype] = bufs
            members = [j for j, (_, dtype) in enumerate(self._shapes) if dtype == arr.dtype]
        else:
            members = [i]
        for j in members:
            shape = self._shapes[j][0]
            n = math.prod(shape)
            views = [b[:n].reshape(shape) for b in bufs]
            self._gbufs[j], self._tmps[j] = views[0], tuple(views[1:])

    @property
    def variables(self):
        """The optimizer's state arrays (live, not copies), in `get_state()` order, without `iterations`."""
        return list(self._globals.values()) + [s for slots in self._slots for s in slots]

    def get_state(self):
        """Copies of the whole state, by name: "iterations", optimizer-wide entries, then "<i>/<slot>"
        for the i-th variable seen. `set_state` on an equal optimizer resumes bit for bit."""
        state = {"iterations": np.array(self._iterations, dtype=np.int64)}
        for name, arr in self._globals.items():
            state[name] = arr.copy()
        names = [n for n, _ in self._slot_specs()]
        for i, slots in enumerate(self._slots):
            for name, arr in zip(names, slots):
                state[f"{i}/{name}"] = arr.copy()
        for i in sorted(self._pending):  # loaded, but its variable not seen yet: pass it on unchanged
            for name in names:
                state[f"{i}/{name}"] = self._pending[i][name].copy()
        return state

    def set_state(self, state):
        """Restore what `get_state` returned (a dict or an `np.load`ed npz). Entries for variables
        not seen yet are kept and used when those variables are first built, in the same order."""
        state = {str(k): np.asarray(state[k]) for k in state}
        if "iterations" not in state:
            raise ValueError(f"optimizer state must have an 'iterations' entry; got keys {sorted(state)}")
        names = [n for n, _ in self._slot_specs()]
        per_var, unknown = {}, []
        for key, value in state.items():
            if key == "iterations" or key in self._globals:
                continue
            head, _, slot = key.partition("/")
            if not head.isdigit() or slot not in names:
                unknown.append(key)
                continue
            per_var.setdefault(int(head), {})[slot] = value
        missing = [g for g in self._globals if g not in state]
        if unknown or missing:
            raise ValueError(
                f"optimizer state does not fit this {type(self).__name__}: unexpected keys {unknown}, "
                f"missing {missing}; "
                f"expected 'iterations', {list(self._globals)} and '<i>/<slot>' for slots {names}"
            )
        for i, slots in per_var.items():
            if set(slots) != set(names):
                raise ValueError(
                    f"optimizer state for variable {i} has slots {sorted(slots)}, expected {names}"
                )
        count = max(per_var, default=-1) + 1
        if names and (sorted(per_var) != list(range(count)) or count < len(self._vars)):
            raise ValueError(
                f"optimizer state holds slots for variables {sorted(per_var)}, but this optimizer "
                f"tracks {len(self._vars)} variables (it needs entries 0..{max(count, len(self._vars)) - 1})"
            )
        for i in range(min(count, len(self._vars))):  # check every shape before changing anything
            for name, slot in zip(names, self._slots[i]):
                if per_var[i][name].shape != slot.shape:
                    raise ValueError(
                        f"optimizer state '{i}/{name}' has shape {per_var[i][name].shape}, "
                        f"but variable {i} has shape {slot.shape}"
                    )
        for name, arr in self._globals.items():
            self._copy_into(arr, state[name], name)
        for i in range(min(count, len(self._vars))):
            for name, slot in zip(names, self._slots[i]):
                self._copy_into(slot, per_var[i][name], f"{i}/{name}")
        self._pending = {i: per_var[i] for i in range(len(self._vars), count)}
        self._iterations = int(state["iterations"])

    @staticmethod
    def _copy_into(target, value, key):
        value = np.asarray(value)
        if value.shape != target.shape:
            raise ValueError(f"optimizer state '{key}' has shape {value.shape}, expected {target.shape}")
        np.copyto(target, value, casting="same_kind")

    # ----- applying gradients ---------------------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        """Apply `(gradient, variable)` pairs (gradients None are skipped); returns `iterations`."""
        pairs = list(grads_and_vars)
        if pairs:
            grads, variables = zip(*pairs)
            self.apply(list(grads), list(variables))
        return self._iterations

    def apply(self, grads, variables=None):
        """Update `variables` with `grads` (same order; None gradients are skipped). Without
        `variables`, the gradients are for the variables the optimizer was built with, in order."""
        grads = list(grads)
        if variables is None:
            if not self._vars:
                raise ValueError(
                    "apply(grads) without variables needs an optimizer already built on a list of "
                    "variables: call optimizer.build(variables) first, or pass the variables"
                )
            variables = self._vars
        else:
            variables = list(variables)
        if len(grads) != len(variables):
            raise ValueError(f"got {len(grads)} gradients for {len(variables)} variables: they must pair up")
        self._run(variables, grads)

    def step(self, params=None):
        """Update each parameter from its `.grad` (parameters whose `.grad` is None are skipped).
        Without `params`, every variable the optimizer has been built with."""
        params = self._vars if params is None else (params if isinstance(params, list) else list(params))
        self._run(params, None)

    def zero_grad(self, params=None):
        """Set `.grad = None` on each parameter (default: every variable the optimizer has seen)."""
        for p in self._vars if params is None else params:
            if not isinstance(p, np.ndarray):
                p.grad = None

    def _global_scale(self, grads, clip):
        total = math.sqrt(sum(_squared_norm(g) for g in grads if g is not None))
        if not math.isfinite(total):
            return math.nan
        return 1.0 if total <= clip else clip / total

    def _run(self, variables, grads):
        """The update: one pass over the variables (two with `global_clipnorm`)."""
        idxs = self._indices(variables)
        lr = self.learning_rate
        scale = 1.0
        if self.global_clipnorm and self.global_clipnorm > 0:
            if grads is None:
                grads = [v.grad for v in variables]
            scale = self._global_scale(grads, self.global_clipnorm)
        clipnorm = self.clipnorm if self.clipnorm and self.clipnorm > 0 else None
        clipvalue = self.clipvalue if self.clipvalue and self.clipvalue > 0 else None
        wd = lr * self.weight_decay if self.weight_decay else 0.0
        gbufs, tmps_all, slots_all, decay = self._gbufs, self._tmps, self._slots, self._decay
        update = self._update_step
        consts = None
        grad_iter = (v.grad for v in variables) if grads is None else grads
        for v, g, i in zip(variables, grad_iter, idxs):
            if g is None:
                continue
            if consts is None:
                consts = self._prepare_step(lr, self._iterations + 1)
            arr = v if isinstance(v, np.ndarray) else v.data
            gbuf, tmps = gbufs[i], tmps_all[i]
            if not isinstance(g, np.ndarray):
                g = g.data if isinstance(g, Tensor) else np.asarray(g)
            if g.shape != arr.shape:
                raise ValueError(
                    f"a gradient has shape {g.shape} but its variable (number {i}) has shape {arr.shape}"
                )
            if g.dtype != arr.dtype:
                np.copyto(gbuf, g, casting="same_kind")
                g = gbuf
            if clipnorm is not None:
                norm = math.sqrt(float(np.vdot(g, g)))
                if norm > clipnorm:
                    g = np.multiply(g, clipnorm / norm, out=gbuf)
            elif scale != 1.0:
                g = np.multiply(g, scale, out=gbuf)
            elif clipvalue is not None:
                g = np.clip(g, -clipvalue, clipvalue, out=gbuf)
            if wd and decay[i]:
                tmp = tmps[0]
                np.multiply(arr, wd, out=tmp)
                arr -= tmp
            update(arr, g, slots_all[i], tmps, consts)
        if consts is not None:
            self._iterations += 1

    def _prepare_step(self, lr, t):
        """Constants shared by every variable's update in this step (t: the 1-based step number)."""
        return lr

    @abc.abstractmethod
    def _update_step(self, var, grad, slots, tmps, c):
        """Subclasses implement this."""

    # ----- configuration --------------------------------------------------------------------------
    def get_config(self):
        """The constructor arguments (JSON-ready unless the learning rate is a plain callable)."""
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            lr = schedules.serialize(lr)
        return {
            "name": self.name,
            "learning_rate": lr,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
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
