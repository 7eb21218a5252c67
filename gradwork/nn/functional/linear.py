"""The affine map with PyTorch's weight layout."""

from numpy.typing import ArrayLike

from ...ops.nn.linear import affine
from ...tensor import Tensor, as_tensor
from ._renamed import renamed


@renamed(x="input")
def linear(input: Tensor | ArrayLike, weight: Tensor | ArrayLike, bias: Tensor | ArrayLike | None = None) -> Tensor:
    """Affine map input @ weight.T + bias, as `torch.nn.functional.linear`.

    input: (..., in_features); weight: (out_features, in_features); bias: (out_features,) or None
    -> (..., out_features). The old spelling `x=` is still accepted.
    """
    x, weight = as_tensor(input), as_tensor(weight)
    if x.shape[-1:] != weight.shape[-1:] or weight.ndim != 2:
        raise ValueError(
            f"linear: input of shape {x.shape} needs a weight of shape (out_features, {x.shape[-1]}), "
            f"got {weight.shape}"
        )
    return affine(x, weight, bias, transposed=True)
