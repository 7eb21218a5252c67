"""Saving: the model file format, and the decorator that registers your classes (`gradwork.registry`)."""
from .model_io import load_model, save_model
from ..registry import register_serializable

__all__ = ["load_model", "register_serializable", "save_model"]
