"""`F.dropout` and the channel dropouts `F.dropout1d/2d/3d` (NCHW: whole channels dropped together).

All are gradwork's inverted-dropout kernel: elements (or channels) zeroed with probability `p`, the
rest scaled by 1 / (1 - p), only when `training`. The mask comes from gradwork's generator, so
`torch.manual_seed(n)` repeats it. With `inplace=True` the result is written into the input, which is
returned, under PyTorch's rules for in-place operations.
"""

from __future__ import annotations

import warnings

from ....nn import functional as gw_F
from ...tensor import Tensor, as_facade
from ._inplace import result_of


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Each element zeroed with probability `p`, the rest scaled by 1 / (1 - p); the identity unless `training`."""
    return result_of(input, inplace, "dropout", lambda x: gw_F.dropout(x, p, training))


def _channel_dropout(input, p, training, batched, inplace):
    """Dropout of whole channels: the mask has the batch and channel dims (or only the channel dim when
    not `batched`) and is broadcast over the rest."""
    kept = 2 if batched else 1
    return result_of(input, inplace, "dropout", lambda x: gw_F.dropout(
        x, p, training, noise_shape=x.shape[:kept] + (1,) * (x.ndim - kept)))


def _check_dims(name, ndim, allowed, spatial):
    if ndim not in allowed:
        raise RuntimeError(f"{name}: Expected {allowed[0]}D or {allowed[1]}D input, but received a {ndim}D input "
                           f"(channels with {spatial} spatial dimension(s) and an optional batch dimension); "
                           "use dropout for element-wise dropout")


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Whole channels of (N, C, L) or (C, L) input zeroed with probability `p`, the rest scaled by 1 / (1 - p)."""
    ndim = as_facade(input).ndim
    _check_dims("dropout1d", ndim, (2, 3), 1)
    return _channel_dropout(input, p, training, ndim == 3, inplace)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Whole channels of (N, C, H, W) input zeroed with probability `p`, the rest scaled by 1 / (1 - p).

    A 3-d input is read as (N, C, L), with PyTorch's warning (PyTorch plans to read it as (C, H, W)).
    """
    ndim = as_facade(input).ndim
    _check_dims("dropout2d", ndim, (3, 4), 2)
    if ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel "
                      "dim. To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d "
                      "instead.", stacklevel=2)
    return _channel_dropout(input, p, training, True, inplace)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Whole channels of (N, C, D, H, W) or (C, D, H, W) input zeroed with probability `p`, the rest scaled."""
    ndim = as_facade(input).ndim
    _check_dims("dropout3d", ndim, (4, 5), 3)
    return _channel_dropout(input, p, training, ndim == 5, inplace)
