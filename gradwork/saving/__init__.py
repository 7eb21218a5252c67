"""Saving: the model file format, the error every unreadable file gives, and the decorator that
registers your classes (`gradwork.registry`)."""
from .file_checks import ModelFileError
from .model_io import load_model, save_model
from ..registry import register_serializable

__all__ = ["ModelFileError", "load_model", "register_serializable", "save_model"]
