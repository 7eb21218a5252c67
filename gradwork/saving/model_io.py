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
from ..custom_objects import custom_object_scope
from ..nn.layer import Layer
from ..registry import get_registered_class, registered_name
from .file_checks import (
    WEIGHTS_FILE, ArraySpec, complaint, members, npz_limit, read_json, read_member, read_npz, reading,
)

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
    _fsync_folder(folder)


def _fsync_folder(folder: str) -> None:
    """Make the rename durable: on POSIX a file's name is data of its folder, lost in a power cut
    until the folder is synced (Windows cannot open a folder, and needs no such step)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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

    The file is read as untrusted input: every member, array and setting is checked against the saved
    config (and nothing inflated past what the config declares) before gradwork's random state changes.

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
    ModelFileError
        A `ValueError` naming the file and what is wrong, for any file that cannot be loaded: not a
        gradwork model file, of an unknown format, truncated, damaged, holding arrays of the wrong
        dtype or shape, more data than its config declares, a class not registered here, a
        non-finite optimizer state.
    """
    filepath = os.fspath(filepath)
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"no model file at {filepath}")
    random_state = random.get_state()  # building the model draws from it: put back if the file is refused
    try:
        return _load(filepath, compile)
    except BaseException:
        random.set_state(random_state)
        raise


def _load(filepath: str, compile: bool) -> Layer:
    """`load_model` for a file that exists; may leave gw.random changed when it raises."""
    with open(filepath, "rb") as f, reading(filepath):
        zf = zipfile.ZipFile(f)
        infos = members(zf, {"config.json", "weights.npz"}, {"optimizer.npz"}, complaint(filepath))
        config = read_json(zf, infos["config.json"], complaint(filepath, where="config.json: "))
        _check_config(config, complaint(filepath, where="config.json: "))
        model = _from_config(config)
        specs = _weight_specs(model)
        problem = complaint(filepath, where="weights.npz: ")
        weights = read_npz(read_member(zf, infos["weights.npz"], npz_limit(specs), problem), specs, set(specs), problem)
        model.load_state_dict(weights)
        model.metadata = config.get("metadata") or {}
        if compile and config.get("compile") is not None:
            model.compile_from_config(config["compile"])
            random_state = _load_optimizer_state(model, zf, infos.get("optimizer.npz"), filepath)
            if random_state is not None:  # last: a file refused leaves gw.random as it was
                random.set_state(random_state)
    return model


def _check_config(config, problem) -> None:
    """Check the types of config.json's entries (`problem(text)` raises)."""
    if not isinstance(config, dict):
        problem(f"expected a JSON object, got {type(config).__name__}")
    if config.get("format") != FORMAT:
        problem(f"unknown format {config.get('format')!r}, expected {FORMAT!r}")
    spec = config.get("model")
    if not (isinstance(spec, dict) and isinstance(spec.get("class_name"), str)
            and isinstance(spec.get("config"), dict)):
        problem(f"'model' must be an object with a string 'class_name' and an object 'config', got {spec!r:.200}")
    if config.get("build_input_shape") is not None and not _is_shapes(config["build_input_shape"]):
        problem(f"'build_input_shape' must be a shape (a list of sizes or null) or a list or object of shapes, "
                f"got {config['build_input_shape']!r:.200}")
    for key, kind, name in [("compile", dict, "an object"), ("metadata", dict, "an object"),
                            ("gradwork_version", str, "a string")]:
        if config.get(key) is not None and not isinstance(config[key], kind):
            problem(f"'{key}' must be {name} or null, got {config[key]!r:.200}")
    for key, check, name in _METADATA:
        value = (config.get("metadata") or {}).get(key)
        if value is not None and not check(value):
            problem(f"metadata '{key}' must be {name}, got {value!r:.200}")


# the metadata entries gradwork itself writes and reads (the command line): key, check, what it must be
_METADATA = [
    ("class_names", lambda v: isinstance(v, list) and all(isinstance(n, str) for n in v), "a list of strings"),
    ("dataset", lambda v: isinstance(v, str), "a string"),
    ("augment", lambda v: isinstance(v, bool), "true or false"),
]


def _is_shapes(value) -> bool:
    """Whether `value` is a shape (a list of sizes >= 0 or null), or a non-empty list or object of them."""
    if isinstance(value, dict):
        return bool(value) and all(_is_shapes(v) for v in value.values())
    if not isinstance(value, list):
        return False
    if value and all(isinstance(v, (list, dict)) for v in value):
        return all(_is_shapes(v) for v in value)
    return all(v is None or (type(v) is int and v >= 0) for v in value)


def model_to_json(model: Layer) -> str:
    """The model's architecture as JSON (`Model.to_json`): its class, config and input shape(s)."""
    return json.dumps({"format": FORMAT, "model": {"class_name": registered_name(type(model)),
                                                   "config": model.get_config()},
                       "build_input_shape": model.build_input_shape})


def model_from_json(json_string: str, custom_objects: dict | None = None) -> Layer:
    """A new model (fresh weights) of the architecture `Model.to_json` wrote; nothing in the text is
    executed: it can only name classes registered here, or given in `custom_objects` ({name: class}).

    Raises
    ------
    ValueError
        Text that is not such JSON, or names an unknown class.
    """
    try:
        config = json.loads(json_string)
    except (TypeError, json.JSONDecodeError) as err:
        raise ValueError(f"model_from_json: not the JSON of Model.to_json ({err})") from None
    _check_config(config, lambda text: _raise(f"model_from_json: {text}"))
    with custom_object_scope(custom_objects or {}):
        return _from_config(config)


def _raise(text):
    raise ValueError(text)


def _from_config(config) -> Layer:
    """A fresh model of the saved class and config, built for the saved input shape."""
    spec = config["model"]
    model = get_registered_class(spec["class_name"]).from_config(spec["config"])
    if config.get("build_input_shape") is not None and not model.built:
        model.build(config["build_input_shape"])
    return model


def _weight_specs(model: Layer) -> dict[str, ArraySpec]:
    """What each saved weight must be: its parameter's shape and dtype kind."""
    return {path: ArraySpec(tuple(p.shape), p.data.dtype.kind) for path, p in model.named_parameters()}


def _load_optimizer_state(model: Layer, zf: zipfile.ZipFile, info: zipfile.ZipInfo | None, filepath: str):
    """Read optimizer.npz (`info`; None: not saved) into the fresh `model`'s new optimizer, every entry
    checked: dtype, finite, shapes matching the trainable weights. Returns the saved random state, checked
    but not yet applied (None if absent)."""
    if info is None:
        return None
    problem = complaint(filepath, where="optimizer.npz: ")
    optimizer, variables = model.optimizer, model.trainable_weights
    fresh = optimizer.get_state()  # "iterations" and the optimizer-wide entries
    specs = {key: ArraySpec(np.shape(value), "i" if key == "iterations" else "f", True) for key, value in fresh.items()}
    slots = {f"{i}/{name}": ArraySpec(tuple(v.shape), "f", True)
             for i, v in enumerate(variables) for name in optimizer.slot_specs()}
    specs.update(slots, **{_RANDOM_STATE: ArraySpec((), "U")})
    state = read_npz(read_member(zf, info, npz_limit(specs), problem), specs, set(fresh), problem)
    present = slots.keys() & state.keys()
    if present and present != slots.keys():
        problem(f"slots for some variables only: missing {sorted(slots.keys() - present)}")
    if state["iterations"] < 0:
        problem(f"'iterations' must be >= 0, got {state['iterations']}")
    random_state = state.pop(_RANDOM_STATE, None)
    if random_state is not None:
        random_state = json.loads(str(random_state))
        kind = random.get_state()["bit_generator"]
        if not isinstance(random_state, dict) or random_state.get("bit_generator") != kind:
            problem(f"'{_RANDOM_STATE}' is not a state of gw.random's generator: {random_state!r:.200}")
        getattr(np.random, random_state["bit_generator"])().state = random_state  # raises if malformed
    optimizer.set_state(state)  # state first: slots wait for their variables (none if never stepped)
    optimizer.build(variables)
    return random_state


def save_weights(model: Layer, filepath: str | os.PathLike) -> None:
    """Write the model's state_dict as an .npz file, atomically."""
    data = _npz_bytes(dict(model.state_dict()))
    atomic_write(filepath, lambda f: f.write(data))


def load_weights(model: Layer, filepath: str | os.PathLike) -> None:
    """Copy the weights in an .npz file written by `save_weights` into `model`.

    Raises
    ------
    ModelFileError
        A `ValueError` naming the file and what is wrong, when it cannot be read or does not hold
        exactly the model's weights with their shapes (real floating point); checked before any
        weight changes.
    """
    filepath = os.fspath(filepath)
    specs = _weight_specs(model)
    with open(filepath, "rb") as f, reading(filepath, WEIGHTS_FILE):
        state = read_npz(f, specs, set(specs), complaint(filepath, WEIGHTS_FILE))
    model.load_state_dict(state)
