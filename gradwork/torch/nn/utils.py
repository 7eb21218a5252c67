"""`torch.nn.utils`: gradient clipping, as PyTorch's `clip_grad_norm_` and `clip_grad_value_`.

Both change the parameters' `.grad` in place, outside the graph, before `optimizer.step()`.
"""

from __future__ import annotations

import math

import numpy as np

from .._missing import missing
from ..tensor import Tensor, new_tensor


def _gradients(parameters) -> list:
    parameters = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p._t.grad for p in parameters if p._t.grad is not None]


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach=None) -> Tensor:
    """Scale all the gradients by one factor so that their joint `norm_type`-norm is at most `max_norm`.

    The factor is max_norm / (total_norm + 1e-6), applied only when it is below 1, as PyTorch's.

    Returns
    -------
    Tensor, 0-d
        The joint norm of the gradients before clipping.
    """
    grads = _gradients(parameters)
    if not grads:
        return new_tensor(0.0)
    norm_type = float(norm_type)
    # each gradient's norm in its own dtype, then the norm of those norms (PyTorch's order, no float64 copies)
    norms = [np.linalg.norm(g.data.ravel(), ord=norm_type) if g.data.size else 0.0 for g in grads]
    total = float(np.linalg.norm(np.asarray(norms, dtype=np.float64), ord=norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, "
                           "so it cannot be clipped. To disable this error and scale the gradients by the "
                           "non-finite norm anyway, set `error_if_nonfinite=False`")
    factor = min(float(max_norm) / (total + 1e-6), 1.0)
    for g in grads:
        np.multiply(g.data, factor, out=g.data, casting="same_kind")
    return new_tensor(total, dtype=grads[0].dtype)


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Clamp every gradient element into [-clip_value, clip_value]."""
    for g in _gradients(parameters):
        np.clip(g.data, -float(clip_value), float(clip_value), out=g.data)


def __getattr__(name: str):
    raise missing("torch.nn.utils", name)
