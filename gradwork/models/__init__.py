"""Models: `Model` (subclass it, or `Model(inputs, outputs)` for a `Functional` one) and `Sequential`, plus
`load_model`."""
from .functional import Functional
from .model import Model
from .sequential import Sequential
from ..saving.model_io import load_model, model_from_json

__all__ = ["Functional", "Model", "Sequential", "load_model", "model_from_json"]
