"""Writing values into a tensor's memory in place: the initializers and `load_state_dict` do it.

Until gradwork's Tensor has its in-place `copy_` (which also counts versions), this is the one
place that writes into a tensor's array, so that the switch is a one-line change here.
"""

import numpy as np

from ..tensor import Tensor as GwTensor
from ._core import unwrap


def overwrite(tensor, values, index=Ellipsis):
    """`values` written into `tensor[index]` (broadcast to its shape, cast to its dtype); returns `tensor`.

    Parameters
    ----------
    tensor : facade or gradwork Tensor
    values : Tensor or array_like, broadcastable to tensor[index]'s shape
    index : int, slice or tuple of them (basic indexing), optional
        The part to write; the whole tensor by default.
    """
    values = unwrap(values)
    np.copyto(unwrap(tensor).data[index], values.data if isinstance(values, GwTensor) else values, casting="unsafe")
    return tensor
