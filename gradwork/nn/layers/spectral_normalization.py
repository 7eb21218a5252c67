"""SpectralNormalization: a wrapper that keeps the largest singular value of a layer's kernel near 1."""
from typing import Any

import numpy as np

from ...autograd.grad_mode import no_grad
from ...initializers import TruncatedNormal
from ...ops.nn.norms import normalize
from ...tensor_data import increment_version
from ..layer import Layer
from ..parameter import Parameter
from . import _checks
from .wrappers import Wrapper

_EPSILON = 1e-7  # the smallest norm a power-iteration vector is divided by (Keras's backend epsilon)


def _unit(vector: np.ndarray) -> np.ndarray:
    return normalize(vector, 2, None, _EPSILON).data


class SpectralNormalization(Wrapper):
    """Divide the wrapped layer's kernel by its spectral norm (largest singular value) at every
    training call, estimated by power iteration, as Keras does (to stabilise GAN discriminators).

    With W the kernel reshaped to (-1, units) and u the non-trainable weight `vector_u` (1, units),
    each training call runs `power_iterations` steps v = unit(u W^T), u = unit(v W), then sigma =
    v W u^T, overwrites the kernel with W / sigma and keeps u for the next call; then the layer runs.
    Like Keras (and unlike `torch.nn.utils.spectral_norm`) the kernel itself is replaced, so the
    gradient is taken with respect to the normalized kernel and nothing flows through sigma. An
    all-zero kernel is left as it is. At inference the layer runs unchanged.

    Parameters
    ----------
    layer : Layer
        A layer with a `kernel` (Dense, Conv2D, ...) or `embeddings` (Embedding) weight.
    power_iterations : int, default 1
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    The wrapped layer's.

    Output shape
    ------------
    The wrapped layer's.

    Examples
    --------
    >>> dense = gw.nn.SpectralNormalization(gw.nn.Dense(10))
    >>> dense(np.random.rand(1, 10, 10, 1)).shape
    (1, 10, 10, 10)
    >>> [w.name for w in dense.weights]
    ['vector_u', 'kernel', 'bias']
    """

    def __init__(self, layer: Layer, power_iterations: int = 1, **kwargs: Any) -> None:
        power_iterations = _checks.positive_int(self, "power_iterations", power_iterations)
        super().__init__(layer, **kwargs)
        self.power_iterations = power_iterations

    def build(self, input_shape):
        if not self.layer.built:
            self.layer.build_from_shape(input_shape)
        kernel = self.kernel_weight()
        self.vector_u = self.add_weight("vector_u", (1, kernel.shape[-1]), TruncatedNormal(stddev=0.02),
                                        trainable=False, dtype=kernel.dtype)

    def kernel_weight(self):
        """The wrapped layer's `kernel`, else its `embeddings`; a ValueError if it has neither."""
        for name in ("kernel", "embeddings"):
            weight = getattr(self.layer, name, None)
            if isinstance(weight, Parameter):
                return weight
        raise ValueError(f"{self.name}: the wrapped {type(self.layer).__name__} has no 'kernel' nor 'embeddings' "
                         "weight to normalize")

    def normalized_weights(self) -> tuple[np.ndarray, np.ndarray]:
        """(the next vector_u, the kernel divided by its estimated spectral norm), as arrays."""
        kernel = self.kernel_weight().data
        weights = kernel.reshape(-1, kernel.shape[-1])
        u = self.vector_u.data
        with no_grad():
            for _ in range(self.power_iterations):
                v = _unit(u @ weights.T)
                u = _unit(v @ weights)
        sigma = (v @ weights @ u.T).item()
        return u.astype(self.vector_u.dtype), (kernel / sigma).astype(kernel.dtype)

    def call(self, inputs, training=None):
        if not training:
            return self.layer(inputs, training=training)
        kernel = self.kernel_weight()
        if not kernel.data.any():
            return self.layer(inputs, training=training)
        saved = kernel.data.copy(), self.vector_u.data.copy()
        new_u, new_kernel = self.normalized_weights()
        kernel.data[...], self.vector_u.data[...] = new_kernel, new_u
        increment_version(kernel)
        increment_version(self.vector_u)
        try:
            return self.layer(inputs, training=training)
        except Exception:  # a failed call leaves the weights as they were
            kernel.data[...], self.vector_u.data[...] = saved
            raise

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations}
