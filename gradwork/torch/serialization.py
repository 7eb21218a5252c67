"""`torch.save` and `torch.load` without pickle: tensors in an .npz, the structure around them in JSON.

What can be saved is what checkpoints hold: tensors, numbers, strings, None, and dicts (`OrderedDict`
kept), lists and tuples of them, e.g. `model.state_dict()`, `optimizer.state_dict()` (its int keys
and `betas` tuples come back as they were) or `{"epoch": 3, "model_state_dict": ...}`. The file is
an .npz (a zip of .npy members, readable by `numpy.load`) holding

    structure.json   {"format": "gradwork-torch/1", "object": the object, as JSON in which each
                      container is tagged ({"dict": [[key, value], ...]}, {"list": [...]}, ...) and
                      each tensor is {"tensor": "0", "dtype": "float32", "shape": [2, 3], "requires_grad": false}}
    0.npy, 1.npy ... the tensors' data, bit for bit (a tensor held twice is stored once)

Nothing is ever unpickled: `load` reads the file as untrusted input (gradwork's bounded model-file
reader), so a damaged or hostile file is a clear `ModelFileError`, and a PyTorch pickle is refused
with the way to convert it. A name ending in ".safetensors" reads and writes that format instead
(a flat dict of tensors; needs the optional `safetensors` package).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections import OrderedDict
from typing import IO, Any

import numpy as np

from ..saving.file_checks import ArraySpec, ModelFileError, complaint, members, read_array, read_json, reading
from ..saving.model_io import atomic_write
from ..tensor import Tensor as GwTensor
from ._core import TensorCore, check_device
from .tensor import Size, wrap

FORMAT = "gradwork-torch/1"
STRUCTURE = "structure.json"
SAVED_FILE = "file written by gradwork.torch.save"
_DTYPES = {np.dtype(t).name: np.dtype(t) for t in
           (np.bool_, np.uint8, np.int8, np.int16, np.int32, np.int64, np.float16, np.float32, np.float64)}
_CONTAINERS = {dict: "dict", OrderedDict: "OrderedDict", list: "list", tuple: "tuple", Size: "Size"}
_BUILD = {"dict": dict, "OrderedDict": OrderedDict, "list": list, "tuple": tuple, "Size": Size}
_WHAT = ("tensors, numbers, strings, None, and dicts, lists and tuples of them")
PICKLED = (
    "it is a pickled PyTorch file, which gradwork.torch never reads (unpickling runs code). Convert it in PyTorch: "
    "safetensors.torch.save_file(model.state_dict(), 'model.safetensors'), then torch.load('model.safetensors') "
    "here (with the safetensors package installed); or numpy.savez('model.npz', **{k: v.numpy() for k, v in "
    "model.state_dict().items()}), then model.load_state_dict(dict(numpy.load('model.npz')))"
)


def save(obj: Any, f: str | os.PathLike | IO[bytes], pickle_module=None, pickle_protocol=None) -> None:
    """Write `obj` (a state dict, a checkpoint dict, ...) to `f`, never pickling.

    Parameters
    ----------
    obj : tensors, numbers, strings, None, and (nested) dicts, OrderedDicts, lists and tuples of them
    f : str, PathLike or binary file object
        A path is written atomically under exactly that name (`model.pth` stays `model.pth`); a
        name ending in ".safetensors" writes that format (a flat dict of str to tensor).

    Raises
    ------
    TypeError
        If `obj` holds anything else (a Module: save `model.state_dict()`), before anything is written.
    """
    if pickle_module is not None or pickle_protocol is not None:
        raise TypeError("torch.save: gradwork.torch never pickles, so pickle_module and pickle_protocol are not taken")
    if _is_safetensors(f):
        _save_safetensors(obj, os.fspath(f))
        return
    arrays: dict[str, np.ndarray] = {}
    text = json.dumps({"format": FORMAT, "object": _encode(obj, arrays, {}, "obj")})

    def write(file) -> None:
        with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            zf.writestr(STRUCTURE, text)
            for key, array in arrays.items():
                with zf.open(f"{key}.npy", "w", force_zip64=True) as member:
                    np.lib.format.write_array(member, array, allow_pickle=False)

    if isinstance(f, (str, os.PathLike)):
        atomic_write(f, write)
    else:
        write(f)


def _encode(obj: Any, arrays: dict, keys: dict, where: str):
    """`obj` as a JSON value; each tensor's data goes into `arrays` (by key; `keys`: id of data -> key)."""
    if obj is None or type(obj) in (bool, int, float, str):
        return obj
    if isinstance(obj, (np.bool_, np.integer, np.floating)):
        return obj.item()
    if isinstance(obj, TensorCore):
        data = obj._t.data
        if data.dtype.name not in _DTYPES:
            raise TypeError(f"torch.save: {where} is a tensor of dtype {data.dtype}, which cannot be saved; "
                            f"use one of {sorted(_DTYPES)}")
        key = keys.setdefault(id(data), str(len(keys)))
        arrays[key] = data
        return {"tensor": key, "dtype": data.dtype.name, "shape": list(data.shape), "requires_grad": obj.requires_grad}
    tag = _CONTAINERS.get(type(obj))
    if tag in ("dict", "OrderedDict"):
        items = []
        for key, value in obj.items():
            if not (key is None or type(key) in (bool, int, float, str)):
                raise TypeError(f"torch.save: {where} has a key of type {type(key).__name__} ({key!r:.50}); "
                                "keys must be strings, numbers or None")
            items.append([key, _encode(value, arrays, keys, f"{where}[{key!r}]")])
        return {tag: items}
    if tag is not None:
        return {tag: [_encode(value, arrays, keys, f"{where}[{i}]") for i, value in enumerate(obj)]}
    raise TypeError(f"torch.save cannot save {where}, a {type(obj).__module__}.{type(obj).__qualname__}: "
                    f"it saves {_WHAT} (no pickle). {_advice(obj)}")


def _advice(obj) -> str:
    if callable(getattr(obj, "state_dict", None)):
        name = "model" if hasattr(obj, "parameters") and hasattr(obj, "forward") else "obj"
        return (f"Save {name}.state_dict(), not the {type(obj).__name__} itself, and rebuild it in code "
                f"before {name}.load_state_dict(torch.load(...)).")
    if isinstance(obj, np.ndarray):
        return "Convert an ndarray with torch.from_numpy."
    return "Convert it to one of those first."


def load(f: str | os.PathLike | IO[bytes], map_location=None, pickle_module=None, *, weights_only: bool = True,
         mmap: bool | None = None, **pickle_load_args) -> Any:
    """Read what `save` wrote: the same structure, its tensors as facade tensors of their saved dtypes.

    Parameters
    ----------
    f : str, PathLike or binary file object
    map_location : None, "cpu", torch.device("cpu"), a dict of locations to "cpu", or a function
        Everything loads on the CPU (a function is not called: there is no other device).
    weights_only : bool
        True or False: the format holds no code, so both load the same.

    Raises
    ------
    ModelFileError
        A `ValueError` naming the file and what is wrong: not a file `save` wrote (a pickled
        PyTorch file says how to convert it), truncated, damaged or inconsistent.
    """
    if pickle_module is not None or pickle_load_args or mmap:
        raise TypeError("torch.load: gradwork.torch never unpickles or maps files, so pickle_module, mmap and "
                        f"pickle arguments {sorted(pickle_load_args)} are not taken")
    _check_location(map_location)
    if _is_safetensors(f):
        return _load_safetensors(os.fspath(f))
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as file:
            return _load(file, os.fspath(f))
    return _load(f, getattr(f, "name", "the file object"))


def _check_location(map_location) -> None:
    if isinstance(map_location, dict):
        for value in map_location.values():
            check_device(value)
    elif not callable(map_location):
        check_device(map_location)


def _load(file: IO[bytes], filename: str) -> Any:
    problem = complaint(filename, SAVED_FILE)
    with reading(filename, SAVED_FILE):
        start = file.read(4)
        file.seek(-len(start), io.SEEK_CUR)
        if start[:1] == b"\x80":  # a pickle's PROTO opcode: PyTorch's legacy format
            problem(PICKLED)
        if start != b"PK\x03\x04":
            problem("not a zip archive: the file is empty, truncated at its start, or of another kind")
        zf = zipfile.ZipFile(file)
        if any(name.endswith("data.pkl") for name in zf.namelist()):
            problem(PICKLED)
        if STRUCTURE not in zf.namelist():
            problem(f"it has no {STRUCTURE}: an .npz not written by gradwork.torch.save (numpy.load reads it)")
        document = read_json(zf, zf.getinfo(STRUCTURE), complaint(filename, SAVED_FILE, f"{STRUCTURE}: "))
        if not isinstance(document, dict) or document.get("format") != FORMAT or "object" not in document:
            problem(f"{STRUCTURE} is not of format {FORMAT!r}")
        declared: dict[str, tuple] = {}  # tensor key -> (dtype, shape)
        _decode(document["object"], lambda node: _declare(node, declared, problem), problem)
        infos = members(zf, {STRUCTURE} | {f"{key}.npy" for key in declared}, set(), problem)
        arrays = {}
        for key, (dtype, shape) in declared.items():
            arrays[key] = read_array(zf, infos[f"{key}.npy"], ArraySpec(shape, dtype.kind), problem)
            if arrays[key].dtype != dtype:
                problem(f"'{key}' has dtype {arrays[key].dtype}, {STRUCTURE} declares {dtype}")
        made: dict[str, TensorCore] = {}
        return _decode(document["object"], lambda node: _tensor(node, arrays, made), problem)


def _declare(node: dict, declared: dict, problem) -> None:
    """Check a tensor entry and note the dtype and shape its .npy member must have."""
    key, dtype, shape = node.get("tensor"), node.get("dtype"), node.get("shape")
    if not (isinstance(key, str) and key.isdigit() and dtype in _DTYPES and isinstance(shape, list)
            and all(type(n) is int and n >= 0 for n in shape) and type(node.get("requires_grad")) is bool
            and len(node) == 4):
        problem(f"a tensor entry must have a numeric string 'tensor', a 'dtype' among {sorted(_DTYPES)}, a 'shape' "
                f"of sizes and a true/false 'requires_grad', got {node!r:.200}")
    if declared.setdefault(key, (_DTYPES[dtype], tuple(shape))) != (_DTYPES[dtype], tuple(shape)):
        problem(f"tensor '{key}' is declared twice with different dtypes or shapes")


def _tensor(node: dict, arrays: dict, made: dict) -> TensorCore:
    """The facade tensor of a tensor entry (one tensor per stored array, as saved: shared stays shared)."""
    key = node["tensor"]
    if key not in made:
        made[key] = wrap(GwTensor(arrays[key], requires_grad=node["requires_grad"]))  # a writable copy
    return made[key]


def _decode(node, tensor, problem):
    """The object a JSON value of `_encode` stands for; `tensor(entry)` makes each tensor."""
    if node is None or type(node) in (bool, int, float, str):
        return node
    if not (isinstance(node, dict) and node) or (len(node) != 1 and "tensor" not in node):
        problem(f"expected a value, a tagged container or a tensor entry, got {node!r:.200}")
    if "tensor" in node:
        return tensor(node)
    (tag, items), = node.items()
    if tag not in _BUILD or not isinstance(items, list):
        problem(f"unknown entry {tag!r} (expected one of {sorted(_BUILD)} or 'tensor' holding a list)")
    if tag in ("dict", "OrderedDict"):
        if not all(isinstance(item, list) and len(item) == 2 and (item[0] is None or type(item[0]) in (
                bool, int, float, str)) for item in items):
            problem(f"a {tag} must hold [key, value] pairs with string, number or null keys, got {items!r:.200}")
        return _BUILD[tag]((key, _decode(value, tensor, problem)) for key, value in items)
    return _BUILD[tag](_decode(value, tensor, problem) for value in items)


def _is_safetensors(f) -> bool:
    return isinstance(f, (str, os.PathLike)) and os.fspath(f).endswith(".safetensors")


def _safetensors_numpy():
    try:
        import safetensors.numpy
    except ImportError:
        raise ImportError("torch.save/torch.load of a .safetensors file needs the optional safetensors package "
                          "(pip install safetensors); any other file name uses gradwork.torch's npz format") from None
    return safetensors.numpy


def _save_safetensors(obj, filepath: str) -> None:
    """Write a flat dict of str to tensor as a .safetensors file, atomically."""
    if not (isinstance(obj, dict) and all(isinstance(k, str) and isinstance(v, TensorCore) for k, v in obj.items())):
        raise TypeError(f"torch.save to a .safetensors file takes a flat dict of str to tensor (a state_dict), got "
                        f"{type(obj).__name__}: save other objects under a name not ending in .safetensors")
    data = _safetensors_numpy().save({key: np.require(value._t.data, requirements="C") for key, value in obj.items()})
    atomic_write(filepath, lambda file: file.write(data))


def _load_safetensors(filepath: str) -> OrderedDict:
    """The tensors of a .safetensors file, in an OrderedDict by name."""
    safetensors_numpy = _safetensors_numpy()
    with open(filepath, "rb") as file:
        data = file.read()
    try:
        arrays = safetensors_numpy.load(data)
    except Exception as err:  # safetensors' own error type, whatever the damage
        raise ModelFileError(filepath, str(err), "safetensors file") from err
    return OrderedDict((key, wrap(GwTensor(array))) for key, array in arrays.items())
