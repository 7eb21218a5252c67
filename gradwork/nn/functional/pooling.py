"""Max and average pooling with PyTorch's argument names, on channels-last inputs.

Each function is `f(input, kernel_size=2, stride=None, padding="valid")`: stride defaults to
kernel_size (as PyTorch and Keras); padding is "valid" or "same" (Keras's rule; under "same" the
average is over the window's real pixels only). The 2-D forms take an int or a pair for
kernel_size and stride, the 1-D forms an int. The old Keras spellings `x=`, `pool_size=` and
`strides=` are still accepted.
"""

from numpy.typing import ArrayLike

from ...ops.nn import pooling as kernels
from ...tensor import Tensor
from ._renamed import renamed


def _adapter(kernel, doc):
    """The PyTorch-convention function over a pooling kernel: stride None means kernel_size."""
    def pool(input: Tensor | ArrayLike, kernel_size: int | tuple[int, int] = 2,
             stride: int | tuple[int, int] | None = None, padding: str = "valid") -> Tensor:
        return kernel(input, kernel_size, kernel_size if stride is None else stride, padding)

    pool.__name__ = pool.__qualname__ = kernel.__name__
    pool.__doc__ = doc
    return renamed(x="input", pool_size="kernel_size", strides="stride")(pool)


max_pool2d = _adapter(kernels.max_pool2d, "Max pooling of input (N, H, W, C) -> (N, Ho, Wo, C); ties go to "
                                          "the window's first maximum.")
avg_pool2d = _adapter(kernels.avg_pool2d, "Average pooling of input (N, H, W, C) -> (N, Ho, Wo, C).")
max_pool1d = _adapter(kernels.max_pool1d, "Max pooling of input (N, L, C) along the steps -> (N, Lo, C).")
avg_pool1d = _adapter(kernels.avg_pool1d, "Average pooling of input (N, L, C) along the steps -> (N, Lo, C).")
