"""Convolution modules with PyTorch's arguments, weight layouts, default initialization and repr.

`Conv1d`/`Conv2d` hold weight (out, in/groups, *kernel) and `ConvTranspose1d`/`ConvTranspose2d` weight
(in, out/groups, *kernel), bias (out,), initialized as PyTorch: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for
both (`kaiming_uniform_(a=sqrt(5))`). The forward is one call of `torch.nn.functional`.
"""

from __future__ import annotations

from .._core import check_device
from ..creation import empty
from . import functional as F
from . import init
from ._input_checks import check_channels
from .functional._layout import spatial
from .module import Module
from .parameter import Parameter

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """What every convolution module shares: the arguments' checks, the parameters, `reset_parameters`
    and the repr; a subclass sets `_rank` and `_transposed`."""

    _rank: int
    _transposed: bool

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride, padding, dilation, output_padding,
                 groups: int, bias: bool, padding_mode: str, device, dtype) -> None:
        super().__init__()
        name, rank = type(self).__name__, self._rank
        check_device(device)
        for what, value in (("in_channels", in_channels), ("out_channels", out_channels), ("groups", groups)):
            if isinstance(value, bool) or not isinstance(value, int) or value < (1 if what == "groups" else 0):
                raise ValueError(f"{name}: {what} must be a {'positive' if what == 'groups' else 'non-negative'} "
                                 f"int, got {value!r}")
        if in_channels % groups or out_channels % groups:
            which = "in_channels" if in_channels % groups else "out_channels"
            raise ValueError(f"{name}: {which} must be divisible by groups, got in_channels={in_channels}, "
                             f"out_channels={out_channels}, groups={groups}")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = spatial(kernel_size, rank, "kernel_size", name)
        self.stride = spatial(stride, rank, "stride", name)
        self.padding = _padding(name, padding, rank, self.stride, self._transposed)
        self.dilation = spatial(dilation, rank, "dilation", name)
        self.output_padding = spatial(output_padding, rank, "output_padding", name, minimum=0)
        self.transposed = self._transposed
        self.padding_mode = _padding_mode(name, padding_mode)
        channels = (in_channels, out_channels // groups) if self._transposed else (out_channels, in_channels // groups)
        self.weight = Parameter(empty(channels + self.kernel_size, device=device, dtype=dtype))
        self.register_parameter("bias", Parameter(empty(out_channels, device=device, dtype=dtype)) if bias else None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default: weight and bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (kaiming_uniform_(a=sqrt(5)))."""
        init._reset_weight_and_bias_(self.weight, self.bias)

    def _check_input(self, input) -> None:
        dim = input.dim() - self._rank - 1  # 1 for a batch, 0 for one unbatched sample
        if dim in (0, 1):
            check_channels(self, input, dim, self.in_channels)

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * self._rank:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self._rank:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self._rank:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _ForwardConvNd(_ConvNd):
    """The (not transposed) convolutions' constructor, PyTorch's signature, and forward: one call of `_function`."""

    _transposed = False
    _function = None  # F.conv1d or F.conv2d

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, 0, groups, bias,
                         padding_mode, device, dtype)

    def forward(self, input):
        self._check_input(input)
        return self._function(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv2d(_ForwardConvNd):
    """2-D convolution of (N, C, H, W) images, as `torch.nn.Conv2d`.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    stride, dilation : int or (int, int)
    padding : int, (int, int), "valid" or "same"
        "same" (stride 1 only) keeps the size, the odd pixel of padding at the bottom/right.
    groups : int
        Split the channels into groups convolved separately (in_channels and out_channels divisible by it).
    bias : bool
    padding_mode : "zeros"
        PyTorch's other modes ("reflect", "replicate", "circular") are not provided.

    Examples
    --------
    >>> conv = nn.Conv2d(3, 8, kernel_size=3, padding=1)
    >>> conv(torch.zeros(2, 3, 32, 32)).shape
    torch.Size([2, 8, 32, 32])
    """

    _rank, _function = 2, staticmethod(F.conv2d)


class Conv1d(_ForwardConvNd):
    """1-D convolution of (N, C, L) sequences, as `torch.nn.Conv1d`; the arguments as `Conv2d`'s, one int each."""

    _rank, _function = 1, staticmethod(F.conv1d)


class _ConvTransposeNd(_ConvNd):
    """The transposed convolutions' constructor and forward: `output_size` may choose the output_padding, as in
    PyTorch."""

    _transposed = True
    _function = None  # F.conv_transpose1d or F.conv_transpose2d

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, output_padding=0,
                 groups: int = 1, bias: bool = True, dilation=1, padding_mode: str = "zeros", device=None,
                 dtype=None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, output_padding, groups,
                         bias, padding_mode, device, dtype)

    def forward(self, input, output_size=None):
        self._check_input(input)
        extra = self.output_padding if output_size is None else self._output_padding(input, output_size)
        return self._function(input, self.weight, self.bias, self.stride, self.padding, extra, self.groups,
                              self.dilation)

    def _output_padding(self, input, output_size) -> tuple[int, ...]:
        """The output_padding that gives `output_size` (the spatial sizes, optionally after N and C)."""
        wanted = tuple(output_size)[-self._rank:]
        smallest = [(size - 1) * s - 2 * p + d * (k - 1) + 1 for size, s, p, d, k in
                    zip(input.shape[-self._rank:], self.stride, self.padding, self.dilation, self.kernel_size)]
        largest = [low + s - 1 for low, s in zip(smallest, self.stride)]
        if len(wanted) != self._rank or any(not low <= w <= high for w, low, high in zip(wanted, smallest, largest)):
            raise ValueError(f"{self!r}: requested an output size of {list(output_size)}, but valid sizes range from "
                             f"{smallest} to {largest} (for an input of {list(input.shape[-self._rank:])})")
        return tuple(w - low for w, low in zip(wanted, smallest))


class ConvTranspose2d(_ConvTransposeNd):
    """Transposed 2-D convolution (learned upsampling), as `torch.nn.ConvTranspose2d`: the adjoint of a
    `Conv2d` with the same arguments, mapping (N, in, h, w) to (N, out, H, W), H = (h - 1) * stride -
    2 * padding + dilation * (kernel - 1) + output_padding + 1.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size, stride, padding, dilation : int or (int, int)
    output_padding : int or (int, int)
        Added at the bottom/right, each smaller than the stride.
    groups : int
    bias : bool
    padding_mode : "zeros"

    Examples
    --------
    >>> up = nn.ConvTranspose2d(8, 4, kernel_size=3, stride=2, padding=1, output_padding=1)
    >>> up(torch.zeros(1, 8, 7, 7)).shape
    torch.Size([1, 4, 14, 14])
    """

    _rank, _function = 2, staticmethod(F.conv_transpose2d)


class ConvTranspose1d(_ConvTransposeNd):
    """Transposed 1-D convolution of (N, in, l) sequences, as `torch.nn.ConvTranspose1d`; see `ConvTranspose2d`."""

    _rank, _function = 1, staticmethod(F.conv_transpose1d)


def _padding(name, padding, rank, stride, transposed):
    """The padding as the module keeps it: a tuple of ints, or "valid"/"same" (not for a transposed convolution)."""
    if not isinstance(padding, str):
        return spatial(padding, rank, "padding", name, minimum=0)
    if transposed or padding not in ("valid", "same"):
        expected = "ints" if transposed else "one of {'valid', 'same'} or ints"
        raise ValueError(f"{name}: Invalid padding string {padding!r}, should be {expected}")
    if padding == "same" and any(s != 1 for s in stride):
        raise ValueError(f"{name}: padding='same' is not supported for strided convolutions")
    return padding


def _padding_mode(name, mode):
    if mode not in _PADDING_MODES:
        raise ValueError(f"{name}: padding_mode must be one of {set(_PADDING_MODES)}, but got padding_mode={mode!r}")
    if mode != "zeros":
        raise NotImplementedError(f"{name}: padding_mode={mode!r} is not provided by gradwork.torch, only 'zeros'")
    return mode
