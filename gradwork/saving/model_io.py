"""Saving and loading models: one zip file holding JSON and .npz arrays; nothing is ever unpickled.

    config.json     {"format", "gradwork_version", "model": {"class_name", "config"},
                     "build_input_shape" (a list, null on axes of any size, or a list/dict of
                                          lists for several inputs),
                     "compile": {...} or null, "metadata": {...}}
    weights.npz     every parameter, keyed by its state_dict path ("layers.0.kernel")
    optimizer.npz   the training state, when compiled: the optimizer's (step count and slot variables),
                    and under "random_state" gw.random's generator state as JSON text (absent in
                    older files), so shuffling and dropout continue as they would have

Files are written to a temporary file beside the target and renamed over it, so a crash never
leaves a half-written model.

Dependencies run one way: `gradwork.models` imports this module (`Model.save` calls `save_model`,
`gradwork.models.load_model` is `load_model`), and this module never imports `gradwork.models`. It
talks to a model only through public methods: `get_config`/`from_config`, `build`, `state_dict`/
`load_state_dict`, and `get_compile_config`/`compile_from_config` for the "compile" entry.
"""

import io
import json
import os
import tempfile
import zipfile

import numpy as np

from .. import random
from ..nn.layer import Layer
from ..registry import get_registered_class, registered_name

FORMAT = "gradwork-model/1"
_RANDOM_STATE = "random_state"  # the entry of optimizer.npz holding gw.random's state


def atomic_write(filepath: str | os.PathLike, write) -> None:
    """Call write(file_object) on a temp file in the target's folder, then rename it into place, so a
    crash leaves the old file or the new one, never half of one."""
    filepath = os.fspath(filepath)
    folder = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=os.path.basename(filepath))
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _file_mode(filepath))  # mkstemp makes it private (0600); give the usual mode
        os.replace(tmp, filepath)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _file_mode(filepath):
    """The permissions an ordinary write would give: the old file's, else 0666 less the umask."""
    if os.path.exists(filepath):
        return os.stat(filepath).st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _npz_bytes(arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _load_npz(data):
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files}


def save_model(model: Layer, filepath: str | os.PathLike) -> None:
    """Write `model` (a `Model`) to one zip file, atomically: its config, build input shape, compile
    settings and metadata as JSON, its weights and its optimizer's state as .npz (`Model.save`).

    Raises
    ------
    ValueError
        If the compile settings hold custom losses or metrics (`get_compile_config`).
    """
    from .. import __version__

    config = {
        "format": FORMAT,
        "gradwork_version": __version__,
        "model": {"class_name": registered_name(type(model)), "config": model.get_config()},
        "build_input_shape": model.build_input_shape,  # a shape, or a list/dict of them (several inputs)
        "compile": model.get_compile_config(),
        "metadata": model.metadata,
    }
    text = json.dumps(config, indent=2)
    weights = _npz_bytes(dict(model.state_dict()))
    optimizer_state = None
    if model.optimizer is not None:
        random_state = np.array(json.dumps(random.get_state()))
        optimizer_state = _npz_bytes({**model.optimizer.get_state(), _RANDOM_STATE: random_state})

    def write(f):
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("config.json", text)
            zf.writestr("weights.npz", weights)
            if optimizer_state is not None:
                zf.writestr("optimizer.npz", optimizer_state)

    atomic_write(filepath, write)


def load_model(filepath: str | os.PathLike, compile: bool = True) -> Layer:
    """Rebuild a model saved by `model.save`: same architecture, weights, and (compiled) optimizer state,
    so it predicts identically and resumes training identically (when compiled, gradwork's random
    generator is put back in its state at saving time, so shuffling and dropout continue as they would have).

    Parameters
    ----------
    filepath : str or PathLike
    compile : bool
        Compile it again with the saved settings and optimizer state (False: leave it uncompiled).

    Returns
    -------
    Model
        Of the saved (registered) class, built when the saved one was.

    Raises
    ------
    FileNotFoundError
        If there is no file at `filepath`.
    ValueError
        If it is not a gradwork model file, or of an unknown format.
    """
    filepath = os.fspath(filepath)
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"no model file at {filepath}")
    try:
        with zipfile.ZipFile(filepath) as zf:
            config = json.loads(zf.read("config.json"))
            weights = _load_npz(zf.read("weights.npz"))
            opt_state = _load_npz(zf.read("optimizer.npz")) if "optimizer.npz" in zf.namelist() else None
    except (zipfile.BadZipFile, KeyError, ValueError) as err:  # ValueError: bad JSON, or an object array
        raise ValueError(f"{filepath} is not a gradwork model file ({err})") from None
    if config.get("format") != FORMAT:
        raise ValueError(f"{filepath}: unknown format {config.get('format')!r}, expected {FORMAT!r}")
    spec = config["model"]
    model = get_registered_class(spec["class_name"]).from_config(spec["config"])
    if config.get("build_input_shape") is not None and not model.built:
        model.build(config["build_input_shape"])
    model.load_state_dict(weights)
    model.metadata = config.get("metadata") or {}
    compiled = config.get("compile")
    if compile and compiled is not None:
        model.compile_from_config(compiled)
        if opt_state is not None and _RANDOM_STATE in opt_state:
            random.set_state(json.loads(str(opt_state.pop(_RANDOM_STATE))))
        if opt_state is not None:  # state first: slots wait for their variables (none if never stepped)
            model.optimizer.set_state(opt_state)
            model.optimizer.build(model.trainable_weights)
    return model


def save_weights(model: Layer, filepath: str | os.PathLike) -> None:
    """Write the model's state_dict as an .npz file, atomically."""
    data = _npz_bytes(dict(model.state_dict()))
    atomic_write(filepath, lambda f: f.write(data))


def load_weights(model: Layer, filepath: str | os.PathLike) -> None:
    """Copy the weights in an .npz file written by `save_weights` into `model` (names and shapes checked)."""
    with open(filepath, "rb") as f:
        data = f.read()
    try:
        state = _load_npz(data)
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        path = os.fspath(filepath)
        raise ValueError(f"{path} is not a weights file written by save_weights ({err})") from None
    model.load_state_dict(state)
