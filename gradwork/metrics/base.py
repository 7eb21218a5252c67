"""`Metric`, the base of the stateful metrics, and how they read their arguments (plain arrays)."""
import abc

import numpy as np

from ..registry import snake_case
from ..tensor import Tensor


def as_array(x, dtype=None):
    """A NumPy array of `x` (a Tensor's data, unchanged): metrics record no gradient."""
    x = x.data if isinstance(x, Tensor) else x
    return np.asarray(x) if dtype is None else np.asarray(x, dtype=dtype)


class Metric(abc.ABC):
    """Base class: `update_state(...)` accumulates, `result()` reads (a float), `reset_state()` clears."""

    def __init__(self, name=None, dtype=None):
        self.name = name or snake_case(type(self).__name__)
        self.dtype = dtype
        self.reset_state()

    @abc.abstractmethod
    def reset_state(self):
        """Subclasses implement this."""

    @abc.abstractmethod
    def update_state(self, *args, **kwargs):
        """Subclasses implement this."""

    @abc.abstractmethod
    def result(self):
        """Subclasses implement this."""

    def __call__(self, *args, **kwargs):
        """Update with this batch and return the running result."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"
