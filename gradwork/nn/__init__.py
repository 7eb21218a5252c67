"""Neural-network building blocks: the `Layer` base, every layer (also under `gw.nn.layers`, and
`gw.layers` as Keras spells it), and `functional` (import as F)."""

from . import functional, layers
from .layer import Layer, Module
from .layers import *  # noqa: F403 (the names layers.__all__ lists)
from .parameter import Parameter

__all__ = ["Layer", "Module", "Parameter", "functional", "layers", *layers.__all__]
