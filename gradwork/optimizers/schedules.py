"""Learning-rate schedules: functions of the optimizer's step count (Keras 3 names, arguments and formulas).

Pass one as an optimizer's `learning_rate`; the optimizer evaluates it at its current `iterations`
(0 on the first update) before each step. A schedule is also a plain function of the step, and
accepts an array of steps too, which is handy for plotting:

>>> from gradwork.optimizers import schedules
>>> lr = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
>>> lr(0), lr(10), lr(20)
(0.1, 0.05, 0.025)

`serialize` / `deserialize` turn a schedule into a JSON-ready dict and back.
"""

import abc
import itertools
import math
import numbers
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ..registry import CUSTOM_CLASS_HINT, Configurable, Registry


def _value(x):
    """A Python float for a scalar result, the array itself for an array of steps."""
    x = np.asarray(x, dtype=np.float64)
    return float(x) if x.ndim == 0 else x


def _steps(step):
    return np.asarray(step, dtype=np.float64)


def _check_positive(name, value):
    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not value > 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value!r}")


class LearningRateSchedule(Configurable, abc.ABC):
    """Base class: a learning rate as a function of the optimizer step.

    Subclasses implement `__call__(step)`. The config (`get_config()`, from which `from_config`
    rebuilds an equal schedule) is the constructor's arguments, read back from the attributes of
    the same names; a subclass that keeps them otherwise writes its own `get_config()`.

    Examples
    --------
    >>> class Halving(LearningRateSchedule):
    ...     def __init__(self, initial_learning_rate):
    ...         self.initial_learning_rate = initial_learning_rate
    ...     def __call__(self, step):
    ...         return self.initial_learning_rate / (step + 1)
    """

    @abc.abstractmethod
    def __call__(self, step: int | ArrayLike) -> float | np.ndarray:
        """The learning rate at `step`.

        Parameters
        ----------
        step : int, or array_like of steps, any shape
            The optimizer's `iterations` (0 for the first update).

        Returns
        -------
        float for a scalar step, else a float64 ndarray of step's shape
        """


class _DecayEverySteps(LearningRateSchedule):
    """What ExponentialDecay and InverseTimeDecay share: a rate that decays with step / decay_steps
    (floored when `staircase`). Subclasses give the formula in `_decay(p)`."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name=None):
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name or type(self).__name__

    def __call__(self, step: int | ArrayLike) -> float | np.ndarray:
        p = _steps(step) / self.decay_steps
        if self.staircase:
            p = np.floor(p)
        return _value(self._decay(p))


class ExponentialDecay(_DecayEverySteps):
    """Exponential decay: the rate is multiplied by `decay_rate` every `decay_steps` steps.

        lr(step) = initial_learning_rate * decay_rate ** (step / decay_steps)

    Parameters
    ----------
    initial_learning_rate : float
    decay_steps : int > 0
    decay_rate : float
    staircase : bool
        Floor the exponent, `floor(step / decay_steps)`: the rate drops in steps.
    name : str
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False, name: str = "ExponentialDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def _decay(self, p):
        return self.initial_learning_rate * np.power(float(self.decay_rate), p)


class InverseTimeDecay(_DecayEverySteps):
    """Inverse-time decay:

        lr(step) = initial_learning_rate / (1 + decay_rate * step / decay_steps)

    The arguments are those of `ExponentialDecay`; with `staircase=True`, `step / decay_steps` is
    floored first.
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False, name: str = "InverseTimeDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def _decay(self, p):
        return self.initial_learning_rate / (1.0 + self.decay_rate * p)


class PiecewiseConstantDecay(LearningRateSchedule):
    """A constant rate per interval of steps.

        lr(step) = values[0]   if step <= boundaries[0]
                   values[i]   if boundaries[i-1] < step <= boundaries[i]
                   values[-1]  if step > boundaries[-1]

    Parameters
    ----------
    boundaries : sequence of n step counts, strictly increasing
    values : sequence of n + 1 learning rates
    name : str
    """

    def __init__(self, boundaries: Sequence[float], values: Sequence[float], name: str = "PiecewiseConstant"):
        boundaries, values = list(boundaries), list(values)
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. Received: "
                f"boundaries={boundaries} of length {len(boundaries)}, and values={values} "
                f"of length {len(values)}."
            )
        if any(later <= earlier for earlier, later in itertools.pairwise(boundaries)):
            raise ValueError(f"boundaries must be strictly increasing, got {boundaries}")
        self.boundaries, self.values, self.name = boundaries, values, name

    def __call__(self, step: int | ArrayLike) -> float | np.ndarray:
        index = np.searchsorted(np.asarray(self.boundaries, dtype=np.float64), _steps(step), side="left")
        return _value(np.asarray(self.values, dtype=np.float64)[index])


class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from `initial_learning_rate` to `end_learning_rate` over `decay_steps` steps.

        s = min(step, decay_steps)
        lr(step) = (initial_learning_rate - end_learning_rate) * (1 - s / decay_steps) ** power
                   + end_learning_rate

    Parameters
    ----------
    initial_learning_rate, end_learning_rate : float
    decay_steps : int > 0
    power : float
        1 decays linearly.
    cycle : bool
        Restart the decay: `decay_steps` is replaced by its first multiple that is >= step
        (decay_steps itself at step 0), and `s = step`.
    name : str
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, end_learning_rate: float = 0.0001,
                 power: float = 1.0, cycle: bool = False, name: str = "PolynomialDecay"):
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.end_learning_rate, self.power, self.cycle, self.name = end_learning_rate, power, cycle, name

    def __call__(self, step: int | ArrayLike) -> float | np.ndarray:
        s = _steps(step)
        decay_steps = float(self.decay_steps)
        if self.cycle:
            multiplier = np.where(s == 0, 1.0, np.ceil(s / decay_steps))
            decay_steps = decay_steps * multiplier
        else:
            s = np.minimum(s, decay_steps)
        fraction = 1.0 - s / decay_steps
        span = self.initial_learning_rate - self.end_learning_rate
        return _value(span * np.power(fraction, float(self.power)) + self.end_learning_rate)


def _cosine(fraction, alpha):
    """(1 - alpha) * (1 + cos(pi * fraction)) / 2 + alpha: 1 at fraction 0, alpha at fraction 1."""
    return (1.0 - alpha) * 0.5 * (1.0 + np.cos(math.pi * fraction)) + alpha


class CosineDecay(LearningRateSchedule):
    """Cosine decay, with an optional linear warmup first (SGDR without restarts; Keras 3 semantics).

    Without warmup (`warmup_target=None`), with s = min(step, decay_steps):

        lr(step) = initial_learning_rate * ((1 - alpha) * (1 + cos(pi * s / decay_steps)) / 2 + alpha)

    With warmup, s = min(step, warmup_steps + decay_steps), and the rate first rises linearly from
    `initial_learning_rate` to `warmup_target` over `warmup_steps` steps, then decays from
    `warmup_target` to `warmup_target * alpha` over `decay_steps` more steps:

        s < warmup_steps:
            lr(step) = initial_learning_rate + (warmup_target - initial_learning_rate) * s / warmup_steps
        otherwise, with f = (s - warmup_steps) / decay_steps:
            lr(step) = warmup_target * ((1 - alpha) * (1 + cos(pi * f)) / 2 + alpha)

    Parameters
    ----------
    initial_learning_rate : float
    decay_steps : int > 0
    alpha : float
        The final rate as a fraction of the rate the decay starts from.
    name : str
    warmup_target : float, optional
        None: no warmup.
    warmup_steps : int >= 0
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, alpha: float = 0.0,
                 name: str = "CosineDecay", warmup_target: float | None = None, warmup_steps: int = 0):
        _check_positive("decay_steps", decay_steps)
        if warmup_steps < 0:
            raise ValueError(f"Argument `warmup_steps` must be >= 0. Received: warmup_steps={warmup_steps!r}")
        self.initial_learning_rate, self.decay_steps, self.alpha = initial_learning_rate, decay_steps, alpha
        self.name, self.warmup_target, self.warmup_steps = name, warmup_target, warmup_steps

    def __call__(self, step: int | ArrayLike) -> float | np.ndarray:
        s = _steps(step)
        decay_steps = float(self.decay_steps)
        if self.warmup_target is None:
            s = np.minimum(s, decay_steps)
            return _value(self.initial_learning_rate * _cosine(s / decay_steps, self.alpha))
        warmup_steps = float(self.warmup_steps)
        s = np.minimum(s, decay_steps + warmup_steps)
        decayed = self.warmup_target * _cosine((s - warmup_steps) / decay_steps, self.alpha)
        if warmup_steps <= 0:
            return _value(decayed)
        warm = (self.warmup_target - self.initial_learning_rate) * (
            s / warmup_steps
        ) + self.initial_learning_rate
        return _value(np.where(s < warmup_steps, warm, decayed))


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR).

    The first period lasts `first_decay_steps` steps; each later period is `t_mul` times longer
    and starts from `m_mul` times the previous starting rate. Within period i (counting from 0),
    with f the fraction of that period completed:

        lr(step) = initial_learning_rate * ((1 - alpha) * m_mul ** i * (1 + cos(pi * f)) / 2 + alpha)

    Parameters
    ----------
    initial_learning_rate : float
    first_decay_steps : int > 0
    t_mul, m_mul : float
    alpha : float
        The rate each period decays to, as a fraction of `initial_learning_rate`.
    name : str
    """

    def __init__(
        self, initial_learning_rate: float, first_decay_steps: int, t_mul: float = 2.0, m_mul: float = 1.0,
        alpha: float = 0.0, name: str = "SGDRDecay",
    ):
        _check_positive("first_decay_steps", first_decay_steps)
        self.initial_learning_rate, self.first_decay_steps = initial_learning_rate, first_decay_steps
        self.t_mul, self.m_mul, self.alpha, self.name = t_mul, m_mul, alpha, name

    def __call__(self, step: int | ArrayLike) -> float | np.ndarray:
        fraction = _steps(step) / float(self.first_decay_steps)
        t_mul = float(self.t_mul)
        if t_mul == 1.0:
            restart = np.floor(fraction)
            fraction = fraction - restart
        else:
            # periods 1, t, t^2, ... (in units of the first) end at (1 - t^(i+1)) / (1 - t)
            restart = np.floor(np.log(1.0 - fraction * (1.0 - t_mul)) / math.log(t_mul))
            done = (1.0 - t_mul**restart) / (1.0 - t_mul)
            fraction = (fraction - done) / t_mul**restart
        m_factor = float(self.m_mul) ** restart
        decayed = (1.0 - self.alpha) * m_factor * 0.5 * (1.0 + np.cos(math.pi * fraction)) + self.alpha
        return _value(self.initial_learning_rate * decayed)


_SCHEDULES = Registry(
    "learning rate schedule",
    LearningRateSchedule,
    entries=(
        ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, PolynomialDecay, CosineDecay,
        CosineDecayRestarts,
    ),
    module="gradwork.optimizers.schedules",
    heading="Unknown {kind}: {name!r}",  # Keras's words
    hint=CUSTOM_CLASS_HINT,
)


def serialize(learning_rate_schedule: LearningRateSchedule) -> dict:
    """A JSON-ready dict `{"module", "class_name", "config"}` describing the schedule."""
    return _SCHEDULES.serialize(learning_rate_schedule)


def deserialize(config: dict, custom_objects: dict | None = None) -> LearningRateSchedule:
    """The schedule `serialize` described. `custom_objects` maps class names to your own subclasses."""
    return _SCHEDULES.deserialize(config, custom_objects)
