"""`Metric`, the base of the stateful metrics, and how they read their arguments (plain arrays)."""
import abc
from typing import Any

from numpy.typing import DTypeLike

from ..registry import snake_case



class Metric(abc.ABC):
    """Base class: `update_state(...)` accumulates a batch, `result()` reads, `reset_state()` clears.

    Subclasses implement the three; `__call__` is `update_state` then `result`.

    Parameters
    ----------
    name : str, optional
        The key in the training history. Default: the class name in snake case.
    dtype : dtype, optional
        Kept in the config, as Keras's argument; the state and results are float64.
    """

    def __init__(self, name: str | None = None, dtype: DTypeLike | None = None):
        self.name = name or snake_case(type(self).__name__)
        self.dtype = dtype
        self.reset_state()

    @abc.abstractmethod
    def reset_state(self) -> None:
        """Clear the accumulated state (the constructor calls it to create the state)."""

    @abc.abstractmethod
    def update_state(self, *args: Any, **kwargs: Any) -> None:
        """Accumulate one batch; most metrics take (y_true, y_pred, sample_weight=None).

        Parameters
        ----------
        y_true : array_like or Tensor, y_pred's shape, or integer labels (batch, ...) for the sparse ones
        y_pred : array_like or Tensor, shape (batch, ..., d)
        sample_weight : array_like, optional
            One weight per sample, shape (batch,), or one per value; a weight of 0 leaves it out.
        """

    @abc.abstractmethod
    def result(self) -> Any:
        """The value over every batch since the last reset: a float (a list of floats for several
        thresholds); 0.0 before any data."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Update with this batch (the arguments of `update_state`) and return the running `result()`."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments: "name", "dtype", and the subclass's."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Metric":
        """A fresh metric (no state) built from `get_config()`'s output."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"
