"""Optimizers (Keras 3 names, arguments, defaults and update formulas) and learning-rate schedules.

With autograd directly (PyTorch style):

>>> opt = gw.optimizers.Adam(learning_rate=1e-3)                   # doctest: +SKIP
>>> for x, y in batches:                                           # doctest: +SKIP
...     loss = ((x @ w + b - y) ** 2).mean()
...     loss.backward()
...     opt.step([w, b])            # uses w.grad, b.grad; parameters without .grad are skipped
...     opt.zero_grad([w, b])

or Keras style, `opt.apply(grads, variables)` / `opt.apply_gradients(zip(grads, variables))`.
`get("adam")`, `get({"class_name": "SGD", "config": {...}})` and `serialize`/`deserialize` turn
names and configs into optimizers and back; `get_state`/`set_state` save and restore the state.
"""

from ..registry import CUSTOM_CLASS_HINT, Registry
from . import schedules
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .base_optimizer import Optimizer
from .checks import NonFiniteError
from .lion import Lion
from .nadam import Nadam
from .rmsprop import RMSprop
from .sgd import SGD

_OPTIMIZERS = Registry(
    "optimizer",
    Optimizer,
    entries=(SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Lion),
    ignore_case=True,
    nested_custom_objects=True,  # a schedule in the config may be a custom class too
    module="gradwork.optimizers",
    heading="Unknown {kind}: {name!r}",  # Keras's words
    hint=CUSTOM_CLASS_HINT,
)


def serialize(optimizer: Optimizer) -> dict:
    """A JSON-ready dict `{"module", "class_name", "config"}` describing the optimizer (not its state)."""
    return _OPTIMIZERS.serialize(optimizer)


def deserialize(config: dict, custom_objects: dict | None = None) -> Optimizer:
    """The optimizer `serialize` described (fresh state). Class names are matched without regard to case.

    Parameters
    ----------
    config : dict
        {"class_name": ..., "config": {...}}, as `serialize` returns.
    custom_objects : dict of str to class, optional
        Your own optimizer (and schedule) classes by class name.

    Raises
    ------
    TypeError
        When `config` is not a dict.
    ValueError
        For a dict without a string "class_name", or an unknown class name.
    """
    if not isinstance(config, dict):
        raise TypeError(
            f"deserialize expects a dict (as serialize returns), got {type(config).__name__}: {config!r}"
        )
    if not isinstance(config.get("class_name"), str):
        raise ValueError(
            "deserialize expects a dict with a string 'class_name' and a 'config' dict (as serialize "
            f"returns), got {config!r}"
        )
    return _OPTIMIZERS.deserialize(config, custom_objects)


def get(identifier: str | dict | type | Optimizer | None) -> Optimizer | None:
    """An optimizer from a name ("adam", "SGD", ...), a config dict, a class or an instance
    (returned as is). None gives None; anything else raises TypeError."""
    if identifier is None or isinstance(identifier, (str, dict, Optimizer)) or (
        isinstance(identifier, type) and issubclass(identifier, Optimizer)
    ):
        return _OPTIMIZERS.get(identifier)
    raise TypeError(
        "Could not interpret optimizer identifier: expected a name such as 'adam', a config dict, or an "
        f"Optimizer instance; got {type(identifier).__name__}: {identifier!r}"
    )


__all__ = [
    "Optimizer",
    "NonFiniteError",
    "SGD",
    "Adam",
    "AdamW",
    "RMSprop",
    "Adagrad",
    "Adadelta",
    "Adamax",
    "Nadam",
    "Lion",
    "schedules",
    "get",
    "serialize",
    "deserialize",
]
