"""The argument checks the optimizers share, with PyTorch's messages ("Invalid learning rate: -1")."""

import math
from typing import Any

from .._core import TensorCore


def non_negative(what: str, value: Any, where: str = "") -> None:
    """PyTorch's check of a hyperparameter: ValueError("Invalid <what>: <value>") unless it is >= 0
    (and, unlike PyTorch, finite: an infinite rate would make every weight NaN). `where` ends the message."""
    if not 0.0 <= float(value) < math.inf:
        raise ValueError(f"Invalid {what}: {value}{where}")


def check_learning_rate(lr: Any, where: str = "") -> None:
    """A group's learning rate: a number (or 1-element tensor) >= 0."""
    non_negative("learning rate", lr, where)


def no_differentiable(differentiable: bool) -> None:
    """`differentiable=True` records the update for autograd in PyTorch; gradwork's updates are in place."""
    if differentiable:
        raise RuntimeError("gradwork.torch does not provide differentiable optimizers (differentiable=True): "
                           "its updates are gradwork's in-place ones")


def typename(obj: Any) -> str:
    """PyTorch's `torch.typename`: a tensor's type string ("torch.FloatTensor"), else the qualified type name."""
    if isinstance(obj, TensorCore):
        return obj.type()
    module = getattr(obj, "__module__", None)
    prefix = f"{module}." if module not in (None, "builtins") else ""
    return prefix + (getattr(obj, "__qualname__", None) or type(obj).__name__)
