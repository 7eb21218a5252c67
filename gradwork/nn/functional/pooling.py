"""Max and average pooling with PyTorch's argument names, on channels-last inputs.

Each function is `f(input, kernel_size=2, stride=None, padding="valid")`: stride defaults to
kernel_size (as PyTorch and Keras); padding is "valid" or "same" (Keras's rule; under "same" the
average is over the window's real pixels only). The 2-D forms take an int or a pair for
kernel_size and stride, the 1-D forms an int. The old Keras spellings `x=`, `pool_size=` and
`strides=` are still accepted.
"""

from numpy.typing import ArrayLike

from ...ops.nn import adaptive_pooling as adaptive
from ...ops.nn import pooling as kernels
from ...ops.nn import pooling3d
from ...tensor import Tensor
from ._renamed import renamed
from ._windows import check_windows


_SHAPES = {1: ("(N, L, C)", "int", "(N, L_out, C)"), 2: ("(N, H, W, C)", "int or (int, int)", "(N, H_out, W_out, C)"),
           3: ("(N, D, H, W, C)", "int or (int, int, int)", "(N, D_out, H_out, W_out, C)")}
_DOC = """{what}, as `torch.nn.functional.{name}` with channels last.

    Parameters
    ----------
    input : Tensor or array_like, shape {shape}
    kernel_size : {size}
    stride : {size}, optional
        Default: kernel_size.
    padding : "valid" or "same"
        Keras's rule (PyTorch takes an int); "same" averages over the window's real pixels only.

    Returns
    -------
    Tensor, shape {out}
    """


def _adapter(kernel, what, rank):
    """The PyTorch-convention function over a pooling kernel: stride None means kernel_size."""
    def pool(input: Tensor | ArrayLike, kernel_size: int | tuple[int, int] = 2,
             stride: int | tuple[int, int] | None = None, padding: str = "valid") -> Tensor:
        check_windows(kernel.__name__, rank=rank, kernel_size=kernel_size, stride=stride)
        return kernel(input, kernel_size, kernel_size if stride is None else stride, padding)

    pool.__name__ = pool.__qualname__ = kernel.__name__
    shape, size, out = _SHAPES[rank]
    pool.__doc__ = _DOC.format(what=what, name=kernel.__name__, shape=shape, size=size, out=out)
    return renamed(x="input", pool_size="kernel_size", strides="stride")(pool)


max_pool2d = _adapter(kernels.max_pool2d, "The maximum of each window of images (ties: the window's first)", 2)
avg_pool2d = _adapter(kernels.avg_pool2d, "The mean of each window of images", 2)
max_pool1d = _adapter(kernels.max_pool1d, "The maximum of each window of steps of sequences", 1)
avg_pool1d = _adapter(kernels.avg_pool1d, "The mean of each window of steps of sequences", 1)
max_pool3d = _adapter(pooling3d.max_pool3d, "The maximum of each window of volumes (ties: the window's first)", 3)
avg_pool3d = _adapter(pooling3d.avg_pool3d, "The mean of each window of volumes", 3)


def _adaptive(kernel):
    """The PyTorch-convention adaptive pooling over a kernel: `f(input, output_size)`."""
    def pool(input: Tensor | ArrayLike, output_size: adaptive.OutputSize) -> Tensor:
        return kernel(input, output_size)

    pool.__name__ = pool.__qualname__ = kernel.__name__
    pool.__doc__ = kernel.__doc__.replace("x : Tensor", "input : Tensor").replace(
        "channels last.", f"as `torch.nn.functional.{kernel.__name__}` with channels last.")
    return pool


adaptive_avg_pool1d = _adaptive(adaptive.adaptive_avg_pool1d)
adaptive_avg_pool2d = _adaptive(adaptive.adaptive_avg_pool2d)
adaptive_avg_pool3d = _adaptive(adaptive.adaptive_avg_pool3d)
adaptive_max_pool1d = _adaptive(adaptive.adaptive_max_pool1d)
adaptive_max_pool2d = _adaptive(adaptive.adaptive_max_pool2d)
adaptive_max_pool3d = _adaptive(adaptive.adaptive_max_pool3d)
