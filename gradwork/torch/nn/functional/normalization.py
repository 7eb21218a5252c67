"""Normalization as `torch.nn.functional` has it: channels on dim 1, PyTorch's statistics conventions.

gradwork's batch-norm kernel takes the feature axis as an argument, so no layout changes here: batch
norm calls it with axis 1, PyTorch's momentum (the weight of the new batch statistic) and the
unbiased batch variance in the running average. Layer norm is gradwork's `F.layer_norm` (already
PyTorch's). Group norm is layer norm of each group of channels (gradwork's layer-norm kernel), then
the per-channel scale and shift; instance norm is batch norm of each (sample, channel) on its own.
"""

from __future__ import annotations

import math

import numpy as np

from ....nn.functional import normalization as gw_normalization
from ....ops.nn import batch_norm as batch_norm_kernel
from ....ops.nn import norms
from ...tensor import Tensor, wrap
from ._layout import tensor_of


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None, weight: Tensor | None = None,
               bias: Tensor | None = None, training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Batch normalization over dim 1, as `torch.nn.functional.batch_norm`.

    Training normalizes each channel with the batch's mean and biased variance and moves the running
    statistics in place: running = (1 - momentum) * running + momentum * batch statistic, the
    variance's with the UNBIASED batch variance (n / (n - 1) times the biased), as PyTorch.
    Evaluation normalizes with the running statistics.

    Parameters
    ----------
    input : Tensor, shape (N, C), (N, C, L) or (N, C, H, W)
    running_mean, running_var : Tensor, shape (C,), or None
        Updated in place in training; required in evaluation.
    weight, bias : Tensor, shape (C,), optional
    training : bool
    momentum, eps : float

    Returns
    -------
    Tensor, the input's shape
    """
    x = tensor_of(input)
    check_batch_norm_input("batch_norm", x.shape, training)
    if not training and running_mean is None:
        raise RuntimeError("batch_norm: running_mean must be defined in evaluation mode")
    stats = [None if s is None else tensor_of(s).data for s in (running_mean, running_var)]
    for name, s in zip(("running_mean", "running_var"), stats):
        if s is not None and s.shape != (x.shape[1],):
            raise RuntimeError(f"batch_norm: {name} should contain {x.shape[1]} elements not {s.size}")
    out = batch_norm_kernel.batch_norm(x, *stats, tensor_of(weight), tensor_of(bias), training, momentum, eps, axis=1,
                                       unbiased=True)
    return wrap(out)


def check_batch_norm_input(function: str, shape: tuple[int, ...], training: bool) -> None:
    """Raise PyTorch's ValueError for an input of `shape` that batch norm cannot use (before any state changes)."""
    if len(shape) < 2:
        raise ValueError(f"{function}: expected an input with a channel dim 1, got shape {tuple(shape)}")
    if training and math.prod(shape) // shape[1] <= 1:
        raise ValueError(f"{function}: Expected more than 1 value per channel when training, got input size "
                         f"{tuple(shape)}")


def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalize each sample over its last dims `normalized_shape`, as `torch.nn.functional.layer_norm`:
    (x - mean) / sqrt(var + eps) * weight + bias, the biased variance.

    Parameters
    ----------
    input : Tensor, shape (*, *normalized_shape)
    normalized_shape : int or sequence of int
    weight, bias : Tensor, shape normalized_shape, optional
    eps : float

    Returns
    -------
    Tensor, the input's shape
    """
    x = tensor_of(input)
    return wrap(gw_normalization.layer_norm(x, normalized_shape, tensor_of(weight), tensor_of(bias), eps))


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalize each sample over each group of channels (and all their positions), then scale and shift
    each channel, as `torch.nn.functional.group_norm`.

    Parameters
    ----------
    input : Tensor, shape (N, C, *)
    num_groups : int
        Dividing C; group g holds channels g*C/G to (g+1)*C/G - 1.
    weight, bias : Tensor, shape (C,), optional
    eps : float

    Returns
    -------
    Tensor, the input's shape
    """
    x = tensor_of(input)
    if x.ndim < 2 or x.shape[1] % num_groups:
        raise RuntimeError(f"group_norm: Expected number of channels in input to be divisible by num_groups, but got "
                           f"input of shape {list(x.shape)} and num_groups={num_groups}")
    return wrap(norms.group_norm(x, num_groups, 1, tensor_of(weight), tensor_of(bias), eps))


def instance_norm(input: Tensor, running_mean: Tensor | None = None, running_var: Tensor | None = None,
                  weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalize each channel of each sample over its positions, as `torch.nn.functional.instance_norm`.

    With `use_input_stats` each (sample, channel) is batch-normalized on its own and the running
    statistics (if given) move towards the mean over the samples of their statistics (the variance's
    unbiased); without, the running statistics normalize, as batch norm in evaluation.

    Parameters
    ----------
    input : Tensor, shape (N, C, *)
    running_mean, running_var : Tensor, shape (C,), optional
    weight, bias : Tensor, shape (C,), optional
    use_input_stats : bool
    momentum, eps : float

    Returns
    -------
    Tensor, the input's shape
    """
    x = tensor_of(input)
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    if math.prod(x.shape[2:]) <= 1:
        raise ValueError(f"instance_norm: Expected more than 1 spatial element when training, got input size "
                         f"{tuple(x.shape)}")
    n, c = x.shape[:2]
    stats = [None if s is None else tensor_of(s).data for s in (running_mean, running_var)]
    each = [None if s is None else np.tile(s, n) for s in stats]  # one running statistic per (sample, channel)
    out = batch_norm_kernel.batch_norm(x.reshape(1, n * c, -1), *each, None, None, True, momentum, eps, axis=1,
                                       unbiased=True)
    for s, moved in zip(stats, each):
        if s is not None:
            s[...] = moved.reshape(n, c).mean(axis=0)
    return wrap(_per_channel(out.reshape(x.shape), tensor_of(weight), tensor_of(bias)))


def _per_channel(x, weight, bias):
    """x (N, C, *) scaled and shifted by (C,) weight and bias, either None for none."""
    shape = (x.shape[1],) + (1,) * (x.ndim - 2)
    x = x if weight is None else x * weight.reshape(shape)
    return x if bias is None else x + bias.reshape(shape)

