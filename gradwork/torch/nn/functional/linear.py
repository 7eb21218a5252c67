"""`F.linear` and `F.bilinear`: PyTorch's weight layouts (out, in) and (out, in1, in2) over gradwork."""

from __future__ import annotations

from ....nn import functional as gw_F
from ...tensor import Tensor, as_facade, wrap


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """input @ weight.T + bias, gradwork's affine kernel reading the weight in PyTorch's layout (no copy).

    Parameters
    ----------
    input : Tensor, shape (*, in_features)
    weight : Tensor, shape (out_features, in_features)
    bias : Tensor, shape (out_features,), optional

    Returns
    -------
    Tensor, shape (*, out_features)
    """
    x, w = as_facade(input)._t, as_facade(weight)._t
    if w.ndim != 2 or x.ndim == 0 or x.shape[-1] != w.shape[1]:
        raise RuntimeError(f"linear: input of shape {tuple(x.shape)} needs a weight of shape (out_features, "
                           f"{x.shape[-1] if x.ndim else '?'}), got {tuple(w.shape)}")
    return wrap(gw_F.linear(x, w, None if bias is None else as_facade(bias)._t))


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y_k = input1 @ weight[k] @ input2 + bias_k, for each output feature k.

    Computed as one matrix product of input1 with the weight's (in1, out * in2) view, then a product
    with input2 summed over in2: no (N, out, in1, in2) intermediate.

    Parameters
    ----------
    input1 : Tensor, shape (*, in1_features)
    input2 : Tensor, shape (*, in2_features), the same leading dims
    weight : Tensor, shape (out_features, in1_features, in2_features)
    bias : Tensor, shape (out_features,), optional

    Returns
    -------
    Tensor, shape (*, out_features)
    """
    x1, x2, w = (as_facade(t)._t for t in (input1, input2, weight))
    if w.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be 3-d (out_features, in1_features, in2_features), "
                           f"got shape {tuple(w.shape)}")
    out, in1, in2 = w.shape
    for name, x, size in (("input1", x1, in1), ("input2", x2, in2)):
        if x.ndim == 0 or x.shape[-1] != size:
            raise RuntimeError(f"bilinear(): {name} size does not match weight size: got "
                               f"{x.shape[-1] if x.ndim else 0} but expected {size}")
    if x1.shape[:-1] != x2.shape[:-1]:
        raise RuntimeError(f"bilinear(): input1 and input2 must have the same leading dims, got shapes "
                           f"{tuple(x1.shape)} and {tuple(x2.shape)}")
    left = (x1 @ w.transpose((1, 0, 2)).reshape((in1, out * in2))).reshape(x1.shape[:-1] + (out, in2))
    y = (left * x2.expand_dims(-2)).sum(axis=-1)
    return wrap(y if bias is None else y + as_facade(bias)._t)
