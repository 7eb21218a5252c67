"""Weight initializers with Keras's names and formulas: `init(shape, dtype=None)` returns a new ndarray.

The variance-scaling family (Glorot/Xavier, He, LeCun) picks the spread from the kernel's fans:
a dense kernel is (in, out); a convolution kernel is (*spatial, in_channels, out_channels), whose
fans are multiplied by the receptive-field size. As in Keras, the "normal" members draw from a
normal truncated at two standard deviations, rescaled so the variance is still `scale / fan`.

Randomness: the random initializers take `seed` (an int or None; the named variance-scaling ones,
`GlorotUniform` to `LecunUniform`, take nothing else). One built with `seed=n` returns the same
values on every call (Keras's rule for seeded initializers); one built without a seed draws from
`gw.random.get_generator()`, so `gw.random.seed(n)` makes every later initialization repeat.

>>> init = gw.initializers.get("glorot_uniform")
>>> w = init((784, 128))                 # float32 ndarray, uniform in +-sqrt(6 / (784 + 128))
>>> gw.initializers.serialize(init)
{'class_name': 'GlorotUniform', 'config': {'seed': None}}
"""
import abc
import math
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import DTypeLike

from .draws import orthogonal, truncated_normal
from .random import get_generator
from .registry import Configurable, Registry
from .tensor import get_default_dtype

# Standard deviation of a standard normal truncated to [-2, 2]: dividing by it restores unit variance.
_TRUNCATED_STD = 0.87962566103423978


def compute_fans(shape: Sequence[int]) -> tuple[int, int]:
    """(fan_in, fan_out) of a kernel shape, as Keras computes them.

    () -> (1, 1); (n,) -> (n, n); (in, out) -> (in, out); (*spatial, in, out) ->
    (in * prod(spatial), out * prod(spatial)).

    Examples
    --------
    >>> gw.initializers.compute_fans((3, 3, 16, 32))
    (144, 288)
    """
    shape = tuple(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    if len(shape) == 2:
        return int(shape[0]), int(shape[1])
    receptive = math.prod(shape[:-2])
    return int(shape[-2] * receptive), int(shape[-1] * receptive)


def _shape(shape):
    """`shape` as a tuple of non-negative ints (a bare int is a 1-d shape)."""
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    try:
        shape = tuple(int(n) for n in shape)
    except TypeError:
        raise TypeError(f"shape must be an int or a sequence of ints, got {shape!r}") from None
    if any(n < 0 for n in shape):
        raise ValueError(f"shape must not have negative sizes, got {shape}")
    return shape


def _float_dtype(dtype, who):
    dtype = get_default_dtype() if dtype is None else np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{who} draws random floats and needs a floating-point dtype, got {dtype}")
    return dtype


def _check_seed(seed):
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise TypeError(f"seed must be an int or None, got {seed!r}")
    return None if seed is None else int(seed)


class Initializer(Configurable, abc.ABC):
    """Base class: subclasses implement `__call__`; the config is the constructor's arguments (see
    `gradwork.registry.Configurable`)."""

    @abc.abstractmethod
    def __call__(self, shape: int | Sequence[int], dtype: DTypeLike | None = None) -> np.ndarray:
        """A new array of initial values.

        Parameters
        ----------
        shape : int or sequence of int
            A bare int is a 1-d shape.
        dtype : dtype, optional
            Default: gradwork's default float dtype. The random initializers need a floating dtype.

        Returns
        -------
        ndarray, shape `shape`
        """

    def clone(self) -> "Initializer":
        """A new initializer of the same class and config (the same seed gives the same values)."""
        return type(self).from_config(self.get_config())


class _RandomInitializer(Initializer):
    """An initializer that draws random values; `seed` is an int or None (see the module docstring)."""

    def __init__(self, seed: int | None = None):
        self.seed = _check_seed(seed)

    def _rng(self):
        """A fresh generator for a seeded initializer (same values each call), else gradwork's own."""
        return get_generator() if self.seed is None else np.random.default_rng(self.seed)


# ----- constants ----------------------------------------------------------------------------------


class Zeros(Initializer):
    """All zeros (the usual bias initializer)."""

    def __call__(self, shape: int | Sequence[int], dtype: DTypeLike | None = None) -> np.ndarray:
        return np.zeros(_shape(shape), dtype=get_default_dtype() if dtype is None else dtype)


class Ones(Initializer):
    """All ones (batch-norm's scale)."""

    def __call__(self, shape: int | Sequence[int], dtype: DTypeLike | None = None) -> np.ndarray:
        return np.ones(_shape(shape), dtype=get_default_dtype() if dtype is None else dtype)


class Constant(Initializer):
    """Every element equal to `value` (a scalar)."""

    def __init__(self, value: float = 0.0):
        if np.ndim(value) != 0:
            raise ValueError(f"Constant: value must be a scalar, got an array of shape {np.shape(value)}")
        self.value = value.item() if isinstance(value, np.generic) else value

    def __call__(self, shape: int | Sequence[int], dtype: DTypeLike | None = None) -> np.ndarray:
        return np.full(_shape(shape), self.value, dtype=get_default_dtype() if dtype is None else dtype)


class Identity(Initializer):
    """`gain` times the identity matrix: for a shape (rows, cols) only, rectangular allowed."""

    def __init__(self, gain: float = 1.0):
        self.gain = gain

    def __call__(self, shape: int | Sequence[int], dtype: DTypeLike | None = None) -> np.ndarray:
        shape = _shape(shape)
        if len(shape) != 2:
            raise ValueError(f"Identity needs a 2-d shape, got {shape}")
        return (self.gain * np.eye(*shape)).astype(_float_dtype(dtype, "Identity"))


# ----- plain random -------------------------------------------------------------------------------


class RandomNormal(_RandomInitializer):
    """Normal draws with mean `mean` and standard deviation `stddev` (`seed`: see the module docstring)."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape: int | Sequence[int], dtype: DTypeLike | None = None) -> np.ndarray:
        dtype = _float_dtype(dtype, "RandomNormal")
        return (self.mean + self.stddev * self._rng().standard_normal(_shape(shape))).astype(dtype)


class RandomUniform(_RandomInitializer):
    """Uniform draws in [minval, maxval).

    Parameters
    ----------
    minval, maxval : float
        maxval must not be below minval.
    seed : int, optional
    """

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        if maxval < minval:
            raise ValueError(f"RandomUniform: maxval ({maxval}) must not be below minval ({minval})")
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape: int | Sequence[int], dtype: DTypeLike | None = None) -> np.ndarray:
        dtype = _float_dtype(dtype, "RandomUniform")
        return self._rng().uniform(self.minval, self.maxval, _shape(shape)).astype(dtype)


class TruncatedNormal(_RandomInitializer):
    """Normal draws, those more than two standard deviations from the mean redrawn.

    Parameters
    ----------
    mean : float
    stddev : float
        That of the normal before truncation (as Keras), so the result's spread is about
        0.88 * stddev.
    seed : int, optional
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape: int | Sequence[int], dtype: DTypeLike | None = None) -> np.ndarray:
        dtype = _float_dtype(dtype, "TruncatedNormal")
        z = truncated_normal(self._rng(), _shape(shape))
        return (self.mean + self.stddev * z).astype(dtype)


# ----- variance scaling ---------------------------------------------------------------------------

_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


class VarianceScaling(_RandomInitializer):
    """Draws with variance `scale / n`, n being fan_in, fan_out or their mean (see `compute_fans`).

    Parameters
    ----------
    scale : float > 0
    mode : "fan_in", "fan_out" or "fan_avg"
    distribution : "truncated_normal" (or "normal"), "untruncated_normal" or "uniform"
        "truncated_normal": normal truncated at 2 standard deviations, widened by 1/0.8796 so the
        variance stays scale / n; "uniform": uniform in +-sqrt(3 scale / n).
    seed : int, optional
    """

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal",
                 seed: int | None = None):
        super().__init__(seed)
        if not scale > 0:
            raise ValueError(f"VarianceScaling: scale must be positive, got {scale}")
        if mode not in _MODES:
            raise ValueError(f"VarianceScaling: mode must be one of {_MODES}, got {mode!r}")
        distribution = str(distribution).lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in _DISTRIBUTIONS:
            raise ValueError(
                f"VarianceScaling: distribution must be one of {_DISTRIBUTIONS}, got {distribution!r}"
            )
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def __call__(self, shape: int | Sequence[int], dtype: DTypeLike | None = None) -> np.ndarray:
        shape = _shape(shape)
        dtype = _float_dtype(dtype, type(self).__name__)
        fan_in, fan_out = compute_fans(shape)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, fan)
        rng = self._rng()
        if self.distribution == "truncated_normal":
            values = math.sqrt(variance) / _TRUNCATED_STD * truncated_normal(rng, shape)
        elif self.distribution == "untruncated_normal":
            values = math.sqrt(variance) * rng.standard_normal(shape)
        else:
            limit = math.sqrt(3.0 * variance)
            values = rng.uniform(-limit, limit, shape)
        return values.astype(dtype)


class _NamedVarianceScaling(VarianceScaling):
    """A VarianceScaling with fixed settings; its only argument (and config) is `seed`, an int or None."""

    _settings = ()  # (scale, mode, distribution)

    def __init__(self, seed: int | None = None):
        super().__init__(*self._settings, seed=seed)


class GlorotUniform(_NamedVarianceScaling):
    """Xavier uniform: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)); Keras's default for kernels."""

    _settings = (1.0, "fan_avg", "uniform")


class GlorotNormal(_NamedVarianceScaling):
    """Xavier normal: truncated normal with variance 2 / (fan_in + fan_out)."""

    _settings = (1.0, "fan_avg", "truncated_normal")


class HeNormal(_NamedVarianceScaling):
    """He (Kaiming) normal for ReLU networks: truncated normal with variance 2 / fan_in."""

    _settings = (2.0, "fan_in", "truncated_normal")


class HeUniform(_NamedVarianceScaling):
    """He uniform: U(-limit, limit), limit = sqrt(6 / fan_in)."""

    _settings = (2.0, "fan_in", "uniform")


class LecunNormal(_NamedVarianceScaling):
    """LeCun normal (for SELU networks): truncated normal with variance 1 / fan_in."""

    _settings = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_NamedVarianceScaling):
    """LeCun uniform: U(-limit, limit), limit = sqrt(3 / fan_in)."""

    _settings = (1.0, "fan_in", "uniform")


class Orthogonal(_RandomInitializer):
    """A (semi-)orthogonal matrix times `gain`, from the QR decomposition of a normal matrix.

    The shape (at least 2-d) is seen as (prod(shape[:-1]), shape[-1]): for a tall matrix the
    columns are orthonormal, for a wide one the rows. `seed`: see the module docstring.
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape: int | Sequence[int], dtype: DTypeLike | None = None) -> np.ndarray:
        shape = _shape(shape)
        dtype = _float_dtype(dtype, "Orthogonal")
        if len(shape) < 2:
            raise ValueError(f"Orthogonal needs a shape with at least 2 dimensions, got {shape}")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        return (self.gain * orthogonal(self._rng(), rows, cols)).reshape(shape).astype(dtype)


OrthogonalInitializer = Orthogonal

# ----- lookup -------------------------------------------------------------------------------------

_INITIALIZERS = Registry(
    "initializer",
    Initializer,
    entries=(
        Constant, GlorotNormal, GlorotUniform, HeNormal, HeUniform, Identity, LecunNormal, LecunUniform, Ones,
        Orthogonal, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling, Zeros,
    ),
    # aliases Keras accepts
    aliases={
        "OrthogonalInitializer": Orthogonal, "orthogonal_initializer": Orthogonal, "uniform": RandomUniform,
        "IdentityInitializer": Identity, "identity_initializer": Identity,
        "normal": RandomNormal, "one": Ones, "zero": Zeros,
    },
    snake_case_aliases=True,
)


def serialize(initializer: Initializer) -> dict:
    """{"class_name": ..., "config": {...}}: enough for `deserialize` to rebuild it."""
    return _INITIALIZERS.serialize(initializer)


def deserialize(config: str | dict) -> Initializer:
    """An initializer from `serialize`'s dict (or from a name, with default arguments)."""
    return _INITIALIZERS.deserialize(config)


def get(identifier: str | dict | type | Callable | None) -> Initializer | Callable | None:
    """An initializer, as Keras's `initializers.get` gives it.

    Parameters
    ----------
    identifier : str, dict, Initializer class or instance, callable, or None
        A class name ("HeNormal") or its snake-case form ("he_normal"), or one of Keras's aliases
        ("uniform", "normal", "one", "zero", "OrthogonalInitializer", "IdentityInitializer"); a config
        dict as `serialize` or Keras writes it ({"class_name": ..., "config": {...}}, other keys such
        as "module" ignored); a class (instantiated with its defaults); an instance or any callable
        fn(shape, dtype=None) -> array (returned as is). None gives None.

    Raises
    ------
    ValueError
        For an unknown name, or anything else.
    """
    return _INITIALIZERS.get(identifier)


__all__ = [
    "Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Identity", "Initializer",
    "LecunNormal", "LecunUniform", "Ones", "Orthogonal", "OrthogonalInitializer", "RandomNormal",
    "RandomUniform", "TruncatedNormal", "VarianceScaling", "Zeros", "compute_fans", "deserialize", "get",
    "serialize",
]
