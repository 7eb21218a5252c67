"""Max and average pooling with PyTorch's argument names, on channels-last inputs.

stride defaults to kernel_size (as PyTorch and Keras); padding is "valid" or "same" (Keras's rule;
under "same" the average is over the window's real pixels only). The old Keras spellings `x=`,
`pool_size=` and `strides=` are still accepted.
"""

from numpy.typing import ArrayLike

from ...ops.nn import pooling as kernels
from ...tensor import Tensor
from ._renamed import renamed

_OLD_NAMES = {"x": "input", "pool_size": "kernel_size", "strides": "stride"}

Size = int | tuple[int, int]


@renamed(**_OLD_NAMES)
def max_pool2d(input: Tensor | ArrayLike, kernel_size: Size = 2, stride: Size | None = None,
               padding: str = "valid") -> Tensor:
    """Max pooling of input (N, H, W, C) -> (N, Ho, Wo, C); ties go to the window's first maximum."""
    return kernels.max_pool2d(input, kernel_size, kernel_size if stride is None else stride, padding)


@renamed(**_OLD_NAMES)
def avg_pool2d(input: Tensor | ArrayLike, kernel_size: Size = 2, stride: Size | None = None,
               padding: str = "valid") -> Tensor:
    """Average pooling of input (N, H, W, C) -> (N, Ho, Wo, C)."""
    return kernels.avg_pool2d(input, kernel_size, kernel_size if stride is None else stride, padding)


@renamed(**_OLD_NAMES)
def max_pool1d(input: Tensor | ArrayLike, kernel_size: int = 2, stride: int | None = None,
               padding: str = "valid") -> Tensor:
    """Max pooling of input (N, L, C) along the steps -> (N, Lo, C)."""
    return kernels.max_pool1d(input, kernel_size, kernel_size if stride is None else stride, padding)


@renamed(**_OLD_NAMES)
def avg_pool1d(input: Tensor | ArrayLike, kernel_size: int = 2, stride: int | None = None,
               padding: str = "valid") -> Tensor:
    """Average pooling of input (N, L, C) along the steps -> (N, Lo, C)."""
    return kernels.avg_pool1d(input, kernel_size, kernel_size if stride is None else stride, padding)
