"""`nn.Parameter`: a facade tensor that a Module registers as a learnable weight."""

from __future__ import annotations

import numpy as np

from ...nn.parameter import Parameter as GwParameter
from ...tensor import get_default_dtype
from .._core import unwrap
from ..tensor import Tensor, as_facade


class Parameter(Tensor):
    """A tensor a `Module` finds with `parameters()`; it requires grad unless told otherwise.

    Its gradwork Tensor is a `gradwork.nn.Parameter`, so gradwork's optimizers update it in place.

    Parameters
    ----------
    data : Tensor or array_like, optional
        The initial values (shared with a facade tensor's memory as in PyTorch, else copied).
    requires_grad : bool
    """

    __slots__ = ()

    def __init__(self, data=None, requires_grad: bool = True) -> None:
        data = unwrap(data)
        array = np.zeros(0, get_default_dtype()) if data is None else getattr(data, "data", data)
        array = np.asarray(array)
        if requires_grad and array.dtype.kind != "f":
            raise RuntimeError(f"Only Tensors of floating point dtype can require gradients, got {array.dtype}")
        parameter = GwParameter.__new__(GwParameter)
        GwParameter.__init__(parameter, np.zeros(0, array.dtype), trainable=bool(requires_grad))
        parameter.data = array  # shares the memory, as torch.nn.Parameter(tensor) does
        self._t = parameter

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def _copy_leaf(self, array: np.ndarray) -> Parameter:
        return Parameter(array, self._t.requires_grad)


class Buffer(Tensor):
    """A tensor to register as a module's buffer when assigned (as `torch.nn.Buffer`)."""

    __slots__ = ("persistent",)

    def __init__(self, data, persistent: bool = True) -> None:
        self._t = as_facade(data)._t.detach()
        self.persistent = persistent
