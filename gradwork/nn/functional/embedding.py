"""The embedding lookup with PyTorch's argument names."""

from numpy.typing import ArrayLike

from ...ops.nn import embedding as kernel
from ...tensor import Tensor
from ._renamed import renamed


@renamed(ids="input")
def embedding(input: Tensor | ArrayLike, weight: Tensor | ArrayLike) -> Tensor:
    """Look up rows of `weight` (vocabulary, dim) for integer ids `input` of any shape -> (*input.shape, dim),
    as `torch.nn.functional.embedding`. Float ids holding whole numbers are accepted. The old
    spelling `ids=` is still accepted."""
    return kernel.embedding(input, weight)
