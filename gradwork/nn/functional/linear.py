"""The affine map with PyTorch's weight layout."""

from numpy.typing import ArrayLike

from ...ops.nn.linear import affine
from ...tensor import Tensor, as_tensor
from ._renamed import renamed


@renamed(x="input")
def linear(input: Tensor | ArrayLike, weight: Tensor | ArrayLike, bias: Tensor | ArrayLike | None = None) -> Tensor:
    """Affine map input @ weight.T + bias, as `torch.nn.functional.linear`.

    The weight is PyTorch's (out_features, in_features); the Dense layer's kernel is its transpose.

    Parameters
    ----------
    input : Tensor or array_like, shape (..., in_features)
    weight : Tensor or array_like, shape (out_features, in_features)
    bias : Tensor or array_like, shape (out_features,), optional

    Returns
    -------
    Tensor, shape (..., out_features)

    Examples
    --------
    >>> F.linear(gw.ones((4, 3)), gw.ones((2, 3))).shape
    (4, 2)
    """
    x, weight = as_tensor(input), as_tensor(weight)
    if x.shape[-1:] != weight.shape[-1:] or weight.ndim != 2:
        raise ValueError(
            f"linear: input of shape {x.shape} needs a weight of shape (out_features, {x.shape[-1]}), "
            f"got {weight.shape}"
        )
    return affine(x, weight, bias, transposed=True)
