"""The affine map and dropout as functions."""
import numpy as np

from ...autograd.function import Function
from ...random import get_generator
from ...tensor import as_tensor


class Affine(Function):
    """x @ W + b in one node: the course's "Affine" layer.

    x: (..., in) -> (..., out); b: (out,). W is (in, out) (Keras's kernel layout), or (out, in)
    with `transposed=True` (PyTorch's `linear` layout); either way no copy of W is made.
    """

    def __init__(self, transposed=False):
        self.transposed = transposed

    def forward(self, x, w, b=None):
        out = np.matmul(x, w.T if self.transposed else w)
        if b is not None:
            out += b
        return out

    def backward(self, g):
        x, w = self.args[:2]
        needs = self.needs_input_grad
        gx = (g @ w if self.transposed else g @ w.T) if needs[0] else None
        gw = None
        if needs[1]:
            g2, x2 = g.reshape(-1, g.shape[-1]), x.reshape(-1, x.shape[-1])
            gw = g2.T @ x2 if self.transposed else x2.T @ g2
        gb = g.sum(axis=tuple(range(g.ndim - 1))) if len(needs) > 2 and needs[2] else None
        return gx, gw, gb


def linear(x, weight, bias=None):
    """Affine map x @ weight.T + bias, as `torch.nn.functional.linear`.

    x: (..., in_features); weight: (out_features, in_features); bias: (out_features,) -> (..., out_features).
    """
    x, weight = as_tensor(x), as_tensor(weight)
    if x.shape[-1:] != weight.shape[-1:] or weight.ndim != 2:
        raise ValueError(
            f"linear: input of shape {x.shape} needs a weight of shape (out_features, {x.shape[-1]}), "
            f"got {weight.shape}"
        )
    operands = (x, weight) if bias is None else (x, weight, bias)
    return Affine(transposed=True)(*operands)


class Dropout(Function):
    def __init__(self, rate, noise_shape=None):
        self.rate, self.noise_shape = rate, noise_shape

    def forward(self, a):
        keep = get_generator().random(self.noise_shape or a.shape) >= self.rate
        self.mask = keep.astype(a.dtype) / np.asarray(1 - self.rate, dtype=a.dtype)
        return a * self.mask

    def backward(self, g):
        return (g * self.mask,)


def dropout(x, p=0.5, training=True, noise_shape=None):
    """Inverted dropout: zero each element with probability `p` and scale the rest by 1/(1-p),
    so nothing needs rescaling at inference. The identity when `training` is False or p is 0.

    noise_shape: the shape of the random mask, broadcast over x (e.g. (N, 1, 1, C) drops whole
    channels of an image, as SpatialDropout2D).
    """
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability must be in [0, 1], got {p}")
    x = as_tensor(x)
    if not training or p == 0:
        return x
    if p == 1:
        return as_tensor(x) * 0.0
    if noise_shape is not None:
        noise_shape = tuple(x.shape[i] if n is None else int(n) for i, n in enumerate(noise_shape))
        if len(noise_shape) != x.ndim or np.broadcast_shapes(noise_shape, x.shape) != x.shape:
            raise ValueError(f"dropout: noise_shape {noise_shape} must have the input's {x.ndim} axes, each "
                             f"1 or the input's size; the input has shape {x.shape}")
    return Dropout(p, noise_shape)(x)
