"""Reading model and weights files as untrusted input: every kind of damage becomes one
`ModelFileError`, and nothing is decompressed or allocated beyond what the model's config declares.

A model file is a zip of JSON and .npz members, and an .npz is itself a zip of .npy members, so the
same checks apply at both levels: the member names are exactly the expected ones; each member's
declared size is within its bound before it is read, and the read itself is bounded (in case the
header lies, the zip's CRC then fails); each array's .npy header (dtype, shape, data length) is
checked before its data is viewed, so neither a hostile header nor an object array gets further.
"""

import contextlib
import io
import json
import math
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import IO, NamedTuple

import numpy as np

MODEL_FILE = "gradwork model file"
WEIGHTS_FILE = "weights file written by save_weights for this model"
JSON_LIMIT = 4 << 20  # bytes: the most a JSON member may inflate to (configs take kilobytes)
TEXT_LIMIT = 64 << 10  # bytes: the most a text entry of an .npz may hold
_NPY_OVERHEAD = 1024  # bytes an .npy member may hold beyond its data: its header and zip headers

_KINDS = {"f": ("f", "real floating point"), "i": ("iu", "integer"), "u": ("iu", "integer"), "U": ("U", "text"),
          "b": ("b", "boolean")}
# what the zip, zlib, JSON and .npy readers raise on damaged input (RecursionError: deep JSON)
_DAMAGE = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError, KeyError,
           IndexError, TypeError, AttributeError, struct.error, RuntimeError, OverflowError, MemoryError)


class ModelFileError(ValueError):
    """A model or weights file that cannot be loaded: truncated, damaged, hostile, or written for a
    different model. `filename` names the file and `problem` says what is wrong with it."""

    def __init__(self, filename: str, problem: str, kind: str = MODEL_FILE):
        self.filename, self.problem, self.kind = filename, problem, kind
        super().__init__(f"{filename} is not a {kind} ({problem})")

    def __reduce__(self):
        return type(self), (self.filename, self.problem, self.kind)


def complaint(filename: str, kind: str = MODEL_FILE, where: str = ""):
    """A function `problem(text)` that raises the `ModelFileError` of `filename` saying `where + text`."""
    def problem(text: str):
        raise ModelFileError(filename, where + text, kind)
    return problem


@contextlib.contextmanager
def reading(filename: str, kind: str = MODEL_FILE) -> Iterator[None]:
    """Turn any error the readers raise on damaged input into a `ModelFileError` naming `filename`."""
    try:
        yield
    except ModelFileError:
        raise
    except _DAMAGE as err:
        detail = str(err) if isinstance(err, (zipfile.BadZipFile, ValueError)) else f"{type(err).__name__}: {err}"
        raise ModelFileError(filename, detail, kind) from err


class ArraySpec(NamedTuple):
    """What an .npz entry must be: its shape, its dtype kind ("f": real floating point, "i"/"u":
    integer, "b": boolean, "U": text; numbers of at most 8 bytes), and whether it must be finite."""

    shape: tuple
    kind: str
    finite: bool = False

    @property
    def limit(self) -> int:
        """The most bytes its .npy member may inflate to."""
        return TEXT_LIMIT if self.kind == "U" else math.prod(self.shape) * 8 + _NPY_OVERHEAD


def npz_limit(specs: Mapping[str, ArraySpec]) -> int:
    """The most bytes an .npz holding (at most) the entries `specs` may inflate to."""
    return sum(spec.limit + 3 * len(key) for key, spec in specs.items()) + _NPY_OVERHEAD


def members(zf: zipfile.ZipFile, required: set, optional: set, problem) -> dict[str, zipfile.ZipInfo]:
    """The members of `zf` by name, after checking that they are the `required` ones, perhaps some of
    the `optional` ones, and no name twice; `problem(text)` raises the error."""
    infos = zf.infolist()
    counts = Counter(info.filename for info in infos)
    missing = sorted(required - counts.keys())
    unexpected = sorted(counts.keys() - required - optional)
    repeated = sorted(name for name, n in counts.items() if n > 1)
    if missing or unexpected or repeated:
        found = [f"{what} {names}" for what, names in
                 [("missing", missing), ("unexpected", unexpected), ("repeated", repeated)] if names]
        optional = sorted(optional - required)
        also = f" and optionally {optional}" if optional else ""
        problem(", ".join(found) + f"; expected {sorted(required)}" + also)
    return {info.filename: info for info in infos}


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, problem) -> bytes:
    """The inflated bytes of member `info`, refused when its declared size passes `limit` (before
    anything is inflated) and never inflating more than `limit` bytes whatever its header says."""
    if info.file_size > limit:
        problem(f"{info.filename} declares {info.file_size} bytes, more than the {limit} it can hold")
    with zf.open(info) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        problem(f"{info.filename} inflates past the {limit} bytes it can hold")
    return data


def read_json(zf: zipfile.ZipFile, info: zipfile.ZipInfo, problem):
    """The parsed JSON of member `info` (at most `JSON_LIMIT` bytes of UTF-8)."""
    return json.loads(read_member(zf, info, JSON_LIMIT, problem).decode("utf-8"))


def read_npz(source: bytes | IO[bytes], specs: Mapping[str, ArraySpec], required: set,
             problem) -> dict[str, np.ndarray]:
    """The arrays of an .npz (`source`: its bytes or an open binary file), checked against `specs`.

    Parameters
    ----------
    source : bytes or binary file
    specs : mapping of str to ArraySpec
        Every entry it may hold, with the shape and dtype kind each must have.
    required : set of str
        The entries it must hold.
    problem : callable
        `problem(text)` raises the error describing what is wrong.

    Returns
    -------
    dict of str to ndarray
        Read-only views of the inflated member data, by entry name.
    """
    with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as zf:
        infos = members(zf, {f"{key}.npy" for key in required}, {f"{key}.npy" for key in specs}, problem)
        return {name[:-4]: read_array(zf, info, specs[name[:-4]], problem) for name, info in infos.items()}


def read_array(zf: zipfile.ZipFile, info: zipfile.ZipInfo, spec: ArraySpec, problem) -> np.ndarray:
    """The array of the .npy member `info` (named "<key>.npy"), read within `spec`'s size bound and
    its header checked against `spec` before its data is viewed (read-only, never unpickled)."""
    key = info.filename.removesuffix(".npy")
    return _read_npy(read_member(zf, info, spec.limit, problem), spec, key, problem)


def _read_npy(data: bytes, spec: ArraySpec, key: str, problem) -> np.ndarray:
    """The array of .npy bytes `data`, after checking its header against `spec` (never unpickled)."""
    buffer = io.BytesIO(data)
    version = np.lib.format.read_magic(buffer)
    read_header = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
    if version not in read_header:
        problem(f"'{key}' is an .npy of unsupported version {version}")
    shape, fortran_order, dtype = read_header[version](buffer)
    if dtype.hasobject:
        problem(f"'{key}' has dtype object: arrays of Python objects are never loaded")
    if dtype.kind not in _KINDS[spec.kind][0]:
        problem(f"'{key}' has dtype {dtype}, expected {_KINDS[spec.kind][1]}")
    if spec.kind != "U" and dtype.itemsize > 8:
        problem(f"'{key}' has dtype {dtype}, expected at most 8 bytes per number")
    if shape != spec.shape:
        problem(f"'{key}' has shape {shape}, expected {spec.shape}")
    count = math.prod(shape)
    if len(data) - buffer.tell() != count * dtype.itemsize:
        problem(f"'{key}' holds {len(data) - buffer.tell()} bytes of data, its header declares "
                f"{count * dtype.itemsize}")
    array = np.frombuffer(data, dtype=dtype, count=count, offset=buffer.tell())
    array = array.reshape(shape, order="F" if fortran_order else "C")
    if spec.finite and not np.isfinite(array).all():
        problem(f"'{key}' holds non-finite values (NaN or infinity)")
    return array
