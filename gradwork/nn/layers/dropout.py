"""Dropout layers: inverted (so inference needs no rescaling), channel-wise (SpatialDropout1D/2D/3D) and
alpha dropout for SELU networks. Each is its arguments plus one call into `gradwork.ops.nn.dropout`."""
from typing import Any

from ...ops.nn.dropout import alpha_dropout, channel_noise_shape, dropout
from ...random import OwnGenerator
from ...tensor import Tensor
from ..layer import Layer
from . import _checks


class Dropout(OwnGenerator, Layer):
    """While training, zero each input with probability `rate` and scale the rest by 1/(1 - rate);
    the identity at inference.

    Parameters
    ----------
    rate : float in [0, 1)
    noise_shape : tuple of int or None, optional
        The shape of the random mask, broadcast over the input; None entries take the input's size.
        Default: the input's shape (every element drawn on its own).
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
    >>> gw.nn.Dropout(0.5)(np.ones((2, 3))).tolist()     # a direct call is inference
    [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    """

    supports_masking = True  # works step by step: a sequence's mask passes through

    def __init__(self, rate: float, noise_shape: tuple | None = None, seed: int | None = None,
                 **kwargs: Any) -> None:
        rate, seed = _checks.rate(self, "rate", rate), _checks.seed(self, seed)
        super().__init__(**kwargs)
        self.rate, self.noise_shape = rate, None if noise_shape is None else tuple(noise_shape)
        self.use_seed(seed)

    def call(self, inputs, training=None):
        shape = self.mask_shape(inputs)  # checks the input's shape in inference too
        return self.noise(inputs, shape) if training else inputs

    def noise(self, inputs: Tensor, shape: tuple | None) -> Tensor:
        """The training-mode output for a mask of `shape`: inverted dropout."""
        return dropout(inputs, self.rate, shape, self._rng)

    def mask_shape(self, inputs: Tensor) -> tuple | None:
        """The random mask's shape for `inputs`: `noise_shape` (None entries taken from the input), or
        None for the input's own shape."""
        return self.noise_shape

    def get_config(self):
        config = {**super().get_config(), "rate": self.rate, "seed": self.seed}
        if self.noise_shape is not None:
            config["noise_shape"] = list(self.noise_shape)
        return config


class AlphaDropout(Dropout):
    """While training, set each input with probability `rate` to SELU's saturation value
    -1.7580993408473766 and map everything by a * x + b, which keeps the mean and variance of
    standardized inputs (a = ((1 - rate) * (1 + rate * 1.7580993408473766**2)) ** -0.5,
    b = a * 1.7580993408473766 * rate), so a SELU network stays self-normalizing; the identity at
    inference.

    Parameters
    ----------
    rate : float in [0, 1)
    noise_shape : tuple of int or None, optional
        The shape of the random mask, broadcast over the input; None entries take the input's size.
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
    >>> gw.nn.AlphaDropout(0.1)(np.ones((1, 3))).tolist()     # a direct call is inference
    [[1.0, 1.0, 1.0]]
    """

    def noise(self, inputs: Tensor, shape: tuple | None) -> Tensor:
        return alpha_dropout(inputs, self.rate, shape, self._rng)


class _SpatialDropout(Dropout):
    """Dropout of whole channels (feature maps) of channels-last inputs with `rank` spatial axes: one
    draw per sample and channel. Keras's data_format is not taken: inputs are always channels last."""

    rank = None
    _LAYOUT = {1: "(batch, steps, channels)", 2: "(batch, height, width, channels)",
               3: "(batch, depth, height, width, channels)"}

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(rate, seed=seed, **kwargs)

    def mask_shape(self, inputs: Tensor) -> tuple:
        if inputs.ndim != self.rank + 2:
            raise ValueError(f"{self.name}: expected inputs of shape {self._LAYOUT[self.rank]}, got {inputs.shape}")
        return channel_noise_shape(inputs.shape, self.rank)


_SPATIAL_DOC = """Dropout of whole {what}: one draw per sample and channel, so neighbouring
    (strongly correlated) {where} are dropped together (Tompson et al., 2015).

    Parameters
    ----------
    rate : float in [0, 1)
    seed : int, optional
        For this layer's own repeatable generator; None draws from gradwork's (`gw.random.seed`).
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    {shape}

    Output shape
    ------------
    Same as the input.
    """


class SpatialDropout1D(_SpatialDropout):
    __doc__ = _SPATIAL_DOC.format(what="channels of sequences", where="steps",
                                  shape=_SpatialDropout._LAYOUT[1]) + """
    Examples
    --------
    >>> out = gw.nn.SpatialDropout1D(0.5, seed=0)(np.ones((2, 5, 3)), training=True).numpy()
    >>> bool((out == out[:, :1, :]).all())        # a channel is kept or dropped at every step
    True
    """

    rank = 1


class SpatialDropout2D(_SpatialDropout):
    __doc__ = _SPATIAL_DOC.format(what="channels of images", where="pixels", shape=_SpatialDropout._LAYOUT[2])

    rank = 2


class SpatialDropout3D(_SpatialDropout):
    __doc__ = _SPATIAL_DOC.format(what="channels of volumes", where="voxels", shape=_SpatialDropout._LAYOUT[3])

    rank = 3
