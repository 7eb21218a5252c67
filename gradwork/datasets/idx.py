"""IDX files, the format of MNIST and Fashion-MNIST: a tiny header, then one raw big-endian array.

Layout (all integers big-endian)::

    bytes 0-1   zero
    byte  2     element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
    byte  3     number of dimensions d
    4 * d       the size of each dimension, as uint32
    the rest    the elements in C order, exactly prod(sizes) of them

Files may be gzip-compressed (`.gz`); the reader tells by the gzip magic bytes, not by the name.

>>> x = read_idx("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")  # doctest: +SKIP
>>> x.shape, x.dtype                                                               # doctest: +SKIP
((10000, 28, 28), dtype('uint8'))
"""
import gzip
import hashlib
import os
import zlib
from typing import BinaryIO

import numpy as np
from numpy.typing import ArrayLike

# IDX type code -> element dtype as stored (big-endian) in the file.
IDX_TYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES = {dtype.newbyteorder("="): code for code, dtype in IDX_TYPES.items()}
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 22  # bytes read per call while filling the array (bounds gzip's temporary buffers)


class IdxFormatError(ValueError):
    """A file is not a well-formed IDX file (bad magic, unknown type, wrong length)."""


def _read_exactly(stream, n, name, what):
    data = stream.read(n)
    if len(data) != n:
        raise IdxFormatError(f"{name}: file ends inside the {what} ({len(data)} of {n} bytes present)")
    return data


def _fill(stream, buffer, name, expected):
    """Read exactly len(buffer) bytes from `stream` into `buffer` (a writable byte memoryview)."""
    filled = 0
    total = len(buffer)
    while filled < total:
        got = stream.readinto(buffer[filled:filled + _CHUNK])
        if not got:
            raise IdxFormatError(
                f"{name}: truncated: the header promises {expected} bytes of data but only {filled} follow"
            )
        filled += got


def read_idx_stream(stream: BinaryIO, name: str = "<stream>", return_sha256: bool = False,
                    max_bytes: int | None = None) -> np.ndarray | tuple[np.ndarray, str]:
    """Parse an uncompressed IDX stream into a native-byte-order array.

    Parameters
    ----------
    stream : binary file object
        Positioned at the header.
    name : str
        Names the stream in error messages.
    return_sha256 : bool
        Also return the SHA-256 hex digest of every byte read (header and data), so callers can
        check a file's contents without reading it twice.
    max_bytes : int, optional
        An upper bound on the stream's total length when known; a header promising more is
        reported as truncated before any memory is allocated for it.

    Returns
    -------
    ndarray of the header's shape, or (array, sha256)

    Raises
    ------
    IdxFormatError
        On a bad header, a short file or bytes after the data.
    """
    digest = hashlib.sha256() if return_sha256 else None
    magic = _read_exactly(stream, 4, name, "4-byte magic number")
    if magic[0] != 0 or magic[1] != 0:
        raise IdxFormatError(
            f"{name}: not an IDX file: the magic number must start with two zero bytes, got {magic.hex()}"
        )
    code, ndim = magic[2], magic[3]
    if code not in IDX_TYPES:
        known = ", ".join(f"0x{c:02X}" for c in IDX_TYPES)
        raise IdxFormatError(f"{name}: unknown IDX element type 0x{code:02X} (known: {known})")
    if ndim == 0:
        raise IdxFormatError(f"{name}: IDX header declares 0 dimensions")
    dims_raw = _read_exactly(stream, 4 * ndim, name, f"list of {ndim} dimension sizes")
    shape = tuple(int(d) for d in np.frombuffer(dims_raw, dtype=">u4"))
    stored = IDX_TYPES[code]
    n_bytes = int(np.prod(shape, dtype=object)) * stored.itemsize  # Python ints: no overflow
    available = None if max_bytes is None else max_bytes - 4 - 4 * ndim
    if available is not None and n_bytes > available:
        raise IdxFormatError(
            f"{name}: truncated: the header declares shape {shape} ({n_bytes} bytes of data) "
            f"but the file can hold at most {max(available, 0)}"
        )
    if digest is not None:
        digest.update(magic)
        digest.update(dims_raw)

    array = np.empty(shape, dtype=stored)
    _fill(stream, memoryview(array.reshape(-1).view(np.uint8)), name, n_bytes)
    if stream.read(1):
        raise IdxFormatError(f"{name}: unexpected bytes after the {n_bytes} bytes of data declared")
    if digest is not None:
        digest.update(memoryview(array.reshape(-1).view(np.uint8)))
    if not stored.isnative:
        array = array.astype(stored.newbyteorder("="))  # big-endian multi-byte types -> native order
    return (array, digest.hexdigest()) if return_sha256 else array


def is_gzip(path: str | os.PathLike) -> bool:
    """True when the file at `path` starts with the gzip magic bytes."""
    with open(path, "rb") as f:
        return f.read(2) == _GZIP_MAGIC


def read_idx(path: str | os.PathLike, return_sha256: bool = False) -> np.ndarray | tuple[np.ndarray, str]:
    """Read an IDX file, plain or gzip-compressed, into a NumPy array.

    Parameters
    ----------
    path : str or PathLike
    return_sha256 : bool
        Also return the SHA-256 of the DECOMPRESSED bytes (header included).

    Returns
    -------
    ndarray of the header's shape, or (array, sha256_hex)
        In native byte order (uint8 for MNIST-style files), writable and owning its memory.

    Raises
    ------
    IdxFormatError
        On a malformed file.
    OSError
        If it cannot be read or decompressed.
    """
    path = os.fspath(path)
    name = path
    size = os.path.getsize(path)
    compressed = is_gzip(path)
    # Deflate expands at most about 1032:1, which bounds what a .gz can decompress to.
    max_bytes = 1032 * size + 1024 if compressed else size
    opener = gzip.open if compressed else open
    try:
        with opener(path, "rb") as stream:
            return read_idx_stream(stream, name, return_sha256, max_bytes)
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:  # a cut-off or corrupt .gz
        raise IdxFormatError(f"{name}: corrupt gzip data ({err})") from err


def idx_bytes(array: ArrayLike) -> bytes:
    """The IDX encoding (header + big-endian data) of `array` (1 to 255 axes), uncompressed."""
    array = np.asarray(array)
    native = array.dtype.newbyteorder("=")
    if native not in _CODES:
        raise TypeError(f"IDX cannot store {array.dtype}; use uint8, int8, int16, int32, float32 or float64")
    if array.ndim == 0 or array.ndim > 255:
        raise ValueError(f"IDX stores arrays of 1 to 255 dimensions, got {array.ndim}")
    if any(n >= 2 ** 32 for n in array.shape):
        raise ValueError(f"IDX dimension sizes must fit in 32 bits, got shape {array.shape}")
    code = _CODES[native]
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    return header + np.ascontiguousarray(array, dtype=IDX_TYPES[code]).tobytes()


def write_idx(path: str | os.PathLike, array: ArrayLike, compress: bool | None = None) -> None:
    """Write `array` as an IDX file; gzip-compressed when `compress` is True (default: path ends in .gz)."""
    path = os.fspath(path)
    if compress is None:
        compress = path.endswith(".gz")
    data = idx_bytes(array)
    if compress:
        with gzip.GzipFile(path, "wb", mtime=0) as f:  # mtime=0: the same array gives the same bytes
            f.write(data)
    else:
        with open(path, "wb") as f:
            f.write(data)
