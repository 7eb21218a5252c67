"""Saving: the model file format, the error every unreadable file gives, and the decorator that
registers your classes (`gradwork.registry`)."""
from .file_checks import ModelFileError
from .model_io import load_model, model_from_json, save_model
from ..custom_objects import custom_object_scope
from ..registry import register_serializable

__all__ = [
    "ModelFileError", "custom_object_scope", "load_model", "model_from_json", "register_serializable", "save_model",
]
