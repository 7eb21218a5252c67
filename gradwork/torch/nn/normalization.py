"""Normalization modules with PyTorch's arguments, parameters, buffers, statistics conventions and repr.

Batch norm keeps `running_mean`, `running_var` and `num_batches_tracked` (int64) as buffers, moved
in training by PyTorch's rule (running = (1 - momentum) * running + momentum * batch statistic, the
unbiased batch variance; momentum None: the cumulative average over the batches seen), and used in
evaluation. Every forward is one call of `torch.nn.functional`; an input's shape is checked before
any statistic moves.
"""

from __future__ import annotations

from .._core import check_device
from ..creation import ones, tensor, zeros
from ..tensor import Tensor
from . import functional as F
from . import init
from ._input_checks import check_channels
from .functional.normalization import check_batch_norm_input
from .module import Module
from .parameter import Parameter


def _add_affine(module: Module, shape, dtype, weight: bool, bias: bool) -> None:
    """Register the parameters `weight` (ones) and `bias` (zeros) of `shape`, or None where not learned (as PyTorch)."""
    module.register_parameter("weight", Parameter(ones(shape, dtype=dtype)) if weight else None)
    module.register_parameter("bias", Parameter(zeros(shape, dtype=dtype)) if weight and bias else None)


def _reset_affine(module: Module) -> None:
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


class _NormBase(Module):
    """Batch and instance norm's state: weight and bias (C,) if `affine`, the running statistics if
    `track_running_stats`; a subclass says which input dims it takes (`_dims`)."""

    _dims: tuple[int, ...]

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None, *, bias: bool = True) -> None:
        super().__init__()
        check_device(device)
        if isinstance(num_features, bool) or not isinstance(num_features, int) or num_features < 1:
            raise ValueError(f"{type(self).__name__}: num_features must be a positive int, got {num_features!r}")
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        _add_affine(self, num_features, dtype, affine, bias)
        tracked = (zeros(num_features, dtype=dtype), ones(num_features, dtype=dtype), tensor(0))
        for name, value in zip(("running_mean", "running_var", "num_batches_tracked"), tracked):
            self.register_buffer(name, value if track_running_stats else None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        _reset_affine(self)

    def _check_dims(self, input: Tensor) -> None:
        if input.dim() not in self._dims:
            dims = " or ".join(f"{d}D" for d in self._dims)
            raise ValueError(f"{self!r}: expected {dims} input (got {input.dim()}D input)")

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class _BatchNorm(_NormBase):
    def forward(self, input: Tensor) -> Tensor:
        self._check_dims(input)
        check_channels(self, input, 1, self.num_features)
        uses_batch = self.training or not self.track_running_stats
        check_batch_norm_input(repr(self), tuple(input.shape), uses_batch)  # before num_batches_tracked moves
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # a cumulative average over the batches seen
                momentum = 1.0 / self.num_batches_tracked.item()
        keeps = not self.training or self.track_running_stats  # statistics to move, or to normalize with
        return F.batch_norm(input, self.running_mean if keeps else None, self.running_var if keeps else None,
                            self.weight, self.bias, uses_batch, momentum, self.eps)


class BatchNorm1d(_BatchNorm):
    """Batch normalization of (N, C) features or (N, C, L) sequences over all but dim 1, as `torch.nn.BatchNorm1d`.

    Parameters
    ----------
    num_features : int
        C.
    eps : float
    momentum : float or None
        The weight of each new batch statistic; None: a cumulative average.
    affine : bool
        Learn weight (ones) and bias (zeros).
    track_running_stats : bool
        Keep running statistics (buffers) for evaluation; without, batch statistics are used always.
    bias : bool
        Learn the bias (with affine).

    Examples
    --------
    >>> bn = nn.BatchNorm1d(4)
    >>> bn(torch.randn(8, 4)).shape, bn.num_batches_tracked.item()
    (torch.Size([8, 4]), 1)
    """

    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalization of (N, C, H, W) images per channel, as `torch.nn.BatchNorm2d`; see `BatchNorm1d`."""

    _dims = (4,)


class _InstanceNorm(_NormBase):
    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1, affine: bool = False,
                 track_running_stats: bool = False, device=None, dtype=None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def forward(self, input: Tensor) -> Tensor:
        self._check_dims(input)
        if input.dim() == self._dims[0]:  # one unbatched sample
            return self.forward(input.unsqueeze(0)).squeeze(0)
        if self.affine or self.track_running_stats:  # else any number of channels works (PyTorch only warns)
            check_channels(self, input, 1, self.num_features)
        uses_input = self.training or not self.track_running_stats
        return F.instance_norm(input, self.running_mean, self.running_var, self.weight, self.bias, uses_input,
                               0.0 if self.momentum is None else self.momentum, self.eps)


class InstanceNorm1d(_InstanceNorm):
    """Normalization of each channel of each (N, C, L) sequence over its steps, as `torch.nn.InstanceNorm1d`
    (affine and track_running_stats off by default); the arguments as `BatchNorm1d`'s."""

    _dims = (2, 3)


class InstanceNorm2d(_InstanceNorm):
    """Normalization of each channel of each (N, C, H, W) image over its pixels, as `torch.nn.InstanceNorm2d`."""

    _dims = (3, 4)


class LayerNorm(Module):
    """Normalization of each sample over its last dims, as `torch.nn.LayerNorm`.

    Parameters
    ----------
    normalized_shape : int or sequence of int
        The last dims of the input.
    eps : float
    elementwise_affine : bool
        Learn weight (ones) and bias (zeros) of shape normalized_shape.
    bias : bool
        Learn the bias (with elementwise_affine).
    """

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True, bias: bool = True,
                 device=None, dtype=None) -> None:
        super().__init__()
        check_device(device)
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape, self.eps, self.elementwise_affine = shape, eps, elementwise_affine
        _add_affine(self, shape, dtype, elementwise_affine, bias)

    def reset_parameters(self) -> None:
        _reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        n = len(self.normalized_shape)
        if input.dim() < n or tuple(input.shape[input.dim() - n:]) != self.normalized_shape:
            raise RuntimeError(f"{self!r}: expected input with shape [*, {', '.join(map(str, self.normalized_shape))}]"
                               f", but got input of size {list(input.shape)}")
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class GroupNorm(Module):
    """Normalization of each sample over groups of channels, then per-channel weight and bias, as
    `torch.nn.GroupNorm`.

    Parameters
    ----------
    num_groups : int
        Dividing num_channels.
    num_channels : int
    eps : float
    affine : bool
        Learn weight (ones) and bias (zeros), shape (num_channels,).
    bias : bool
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True, device=None,
                 dtype=None, *, bias: bool = True) -> None:
        super().__init__()
        check_device(device)
        if num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        _add_affine(self, num_channels, dtype, affine, bias)

    def reset_parameters(self) -> None:
        _reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() >= 2:
            check_channels(self, input, 1, self.num_channels)
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")
