"""Pooling modules with PyTorch's arguments and repr; each forward is one call of `torch.nn.functional`."""

from __future__ import annotations

from . import functional as F
from .module import Module


class _MaxPoolNd(Module):
    """Max pooling's settings, kept as given (stride None: kernel_size), as PyTorch keeps them."""

    _function = None

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size, self.stride = kernel_size, kernel_size if stride is None else stride
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input):
        return self._function(input, self.kernel_size, self.stride, self.padding, self.dilation,
                              ceil_mode=self.ceil_mode, return_indices=self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool2d(_MaxPoolNd):
    """The largest element of each window of (N, C, H, W) images, as `torch.nn.MaxPool2d`.

    Parameters
    ----------
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Default: kernel_size.
    padding : int or (int, int)
        -inf on both sides, at most half the window.
    dilation : int or (int, int)
    return_indices : bool
        Also return the flat index h * W + w of each maximum.
    ceil_mode : bool
        Round the number of windows up.

    Examples
    --------
    >>> nn.MaxPool2d(2)(torch.zeros(1, 3, 8, 8)).shape
    torch.Size([1, 3, 4, 4])
    """

    _function = staticmethod(F.max_pool2d)


class MaxPool1d(_MaxPoolNd):
    """Max pooling of (N, C, L) sequences, as `torch.nn.MaxPool1d`; the arguments as `MaxPool2d`'s, one int each."""

    _function = staticmethod(F.max_pool1d)


class AvgPool2d(Module):
    """The mean of each window of (N, C, H, W) images, as `torch.nn.AvgPool2d`.

    Parameters
    ----------
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Default: kernel_size.
    padding : int or (int, int)
        Zeros on both sides, at most half the kernel.
    ceil_mode : bool
    count_include_pad : bool
        Count the padding in each window's divisor.
    divisor_override : int, optional
        Divide every window's sum by this.
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size, self.stride = kernel_size, kernel_size if stride is None else stride
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input):
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(Module):
    """Average pooling of (N, C, L) sequences, as `torch.nn.AvgPool1d` (no divisor_override, as PyTorch);
    the arguments as `AvgPool2d`'s, kept as 1-tuples (as PyTorch prints them)."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = self.kernel_size if stride is None else _single(stride)
        self.padding, self.ceil_mode, self.count_include_pad = _single(padding), ceil_mode, count_include_pad

    def forward(self, input):
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _AdaptivePoolNd(Module):
    """An adaptive pooling's one setting, the output size (an int, or one per spatial dim, None keeping a size)."""

    _function = None

    def __init__(self, output_size) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return self._function(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class _AdaptiveMaxPoolNd(_AdaptivePoolNd):
    def __init__(self, output_size, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input):
        return self._function(input, self.output_size, self.return_indices)


class AdaptiveAvgPool2d(_AdaptivePoolNd):
    """Average pooling of (N, C, H, W) images to a fixed output size, as `torch.nn.AdaptiveAvgPool2d`.

    Parameters
    ----------
    output_size : int or (int or None, int or None)
        (Ho, Wo); window i along an axis runs from floor(i * H / Ho) to ceil((i + 1) * H / Ho).

    Examples
    --------
    >>> nn.AdaptiveAvgPool2d(1)(torch.zeros(2, 8, 7, 7)).shape
    torch.Size([2, 8, 1, 1])
    """

    _function = staticmethod(F.adaptive_avg_pool2d)


class AdaptiveAvgPool1d(_AdaptivePoolNd):
    """Average pooling of (N, C, L) sequences to `output_size` steps, as `torch.nn.AdaptiveAvgPool1d`."""

    _function = staticmethod(F.adaptive_avg_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max pooling of (N, C, H, W) images to a fixed output size, as `torch.nn.AdaptiveMaxPool2d`; see
    `AdaptiveAvgPool2d`; `return_indices` also returns the flat index h * W + w of each maximum."""

    _function = staticmethod(F.adaptive_max_pool2d)


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Max pooling of (N, C, L) sequences to `output_size` steps, as `torch.nn.AdaptiveMaxPool1d`."""

    _function = staticmethod(F.adaptive_max_pool1d)


def _single(value) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)
