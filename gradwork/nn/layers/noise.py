"""Gaussian noise layers (Keras's regularization layers): additive GaussianNoise and multiplicative
GaussianDropout. Active only while training; the identity at inference."""
from typing import Any

from ...checks import UNIT_INTERVAL
from ...ops.nn.dropout import gaussian_dropout, gaussian_noise
from ...random import OwnGenerator
from ..layer import Layer
from . import _checks


class _NoiseLayer(OwnGenerator, Layer):
    """The seed (a generator of the layer's own, or gradwork's for None) and identity at inference."""

    supports_masking = True  # elementwise: a sequence's mask passes through

    def __init__(self, seed: int | None = None, **kwargs: Any) -> None:
        seed = _checks.seed(self, seed)
        super().__init__(**kwargs)
        self.use_seed(seed)

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


class GaussianNoise(_NoiseLayer):
    """While training, add independent normal noise of mean 0 and standard deviation `stddev` to
    every input; the identity at inference. A regularizer, a form of random data augmentation.

    Parameters
    ----------
    stddev : float in [0, 1]
    seed : int, optional
        For this layer's own repeatable generator; None draws from gradwork's (`gw.random.seed`).
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    Any.

    Output shape
    ------------
    Same as the input (the input itself at inference).

    Examples
    --------
    >>> gw.nn.GaussianNoise(0.1)(np.ones((1, 2))).tolist()     # a direct call is inference
    [[1.0, 1.0]]
    """

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any) -> None:
        stddev = _checks.in_range(self, "stddev", stddev, UNIT_INTERVAL)
        super().__init__(seed, **kwargs)
        self.stddev = stddev

    def call(self, inputs, training=None):
        if not training or self.stddev == 0:
            return inputs
        return gaussian_noise(_checks.float_inputs(self, inputs), self.stddev, self._rng)

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev}


class GaussianDropout(_NoiseLayer):
    """While training, multiply every input by independent normal noise of mean 1 and standard
    deviation sqrt(rate / (1 - rate)) (the variance of inverted dropout at that rate); the identity at
    inference.

    Parameters
    ----------
    rate : float in [0, 1)
        The drop probability it imitates.
    seed : int, optional
        For this layer's own repeatable generator; None draws from gradwork's (`gw.random.seed`).
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    Any.

    Output shape
    ------------
    Same as the input (the input itself at inference).

    Examples
    --------
    >>> gw.nn.GaussianDropout(0.5)(np.ones((1, 2))).tolist()   # a direct call is inference
    [[1.0, 1.0]]
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        rate = _checks.rate(self, "rate", rate)
        super().__init__(seed, **kwargs)
        self.rate = rate

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        return gaussian_dropout(_checks.float_inputs(self, inputs), self.rate, self._rng)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}
