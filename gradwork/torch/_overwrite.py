"""Writing values into a tensor outside the graph: what the initializers and `load_state_dict` do.

It is gradwork's in-place `copy_` (or item assignment) under `no_grad`, as PyTorch's `nn.init`
functions write: the tensor stays the same object and keeps requiring grad, and its version counter
goes up, so a graph that used the old values refuses to run backward.
"""

from ..autograd.grad_mode import no_grad
from ._core import unwrap


def overwrite(tensor, values, index=Ellipsis):
    """`values` written into `tensor[index]` (broadcast to its shape, cast to its dtype); returns `tensor`.

    Parameters
    ----------
    tensor : facade or gradwork Tensor
    values : Tensor or array_like, broadcastable to tensor[index]'s shape
    index : int, slice or tuple of them, optional
        The part to write; the whole tensor by default.
    """
    target, values = unwrap(tensor), unwrap(values)
    with no_grad():
        if index is Ellipsis:
            target.copy_(values)
        else:
            target[index] = values
    return tensor
