"""Finding, checking and downloading a dataset published as four IDX files (the MNIST family).

Each file is looked for, in order, in

1. `$GRADWORK_DATA/<dataset>/`, then `$GRADWORK_DATA/` itself (when the variable is set);
2. `~/.cache/gradwork/<dataset>/` (where downloads go);
3. the dataset's system folders (e.g. Debian's `/usr/share/datasets/fashion-mnist`),

under its published name (`train-images-idx3-ubyte.gz`) or decompressed (`train-images-idx3-ubyte`).
Missing files are downloaded into the cache from the first mirror that works. Every file is
checked before use: its IDX shape always, and the SHA-256 of its decompressed bytes where the
dataset records it; a download is also checked against the published .gz's size and SHA-256
where those are recorded. A file that fails a check is an error, never silently skipped.
"""
import hashlib
import os
import urllib.error
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import download as _download
from .download import ChecksumError
from .idx import IdxFormatError, read_idx


class DatasetNotFoundError(FileNotFoundError):
    """A dataset's files are neither on disk nor downloadable (for example, offline)."""


@dataclass(frozen=True)
class IdxFile:
    """One published IDX file and what its contents must be.

    Parameters
    ----------
    name : str
        The published file name, e.g. "train-images-idx3-ubyte.gz".
    shape : tuple of int
        The array shape its header must declare.
    sha256 : str, optional
        SHA-256 of the decompressed bytes (header + data), or None where not known.
    gz_size, gz_sha256 : int and str, optional
        Size and SHA-256 of the published .gz, checked on download when known.
    """

    name: str
    shape: tuple
    sha256: str | None = None
    gz_size: int | None = None
    gz_sha256: str | None = None

    @property
    def plain_name(self) -> str:
        """The decompressed file's name: `name` without ".gz"."""
        return self.name[:-3] if self.name.endswith(".gz") else self.name


@dataclass(frozen=True)
class IdxDataset:
    """A dataset made of train images, train labels, test images, test labels (in that order).

    Parameters
    ----------
    name : str
        The folder name under the cache, e.g. "fashion_mnist".
    title : str
        The human name for messages, e.g. "Fashion-MNIST".
    files : tuple of four IdxFile
    hint : str
        An extra line for the not-found message (e.g. a system package).
    """

    name: str
    title: str
    files: tuple
    hint: str = ""


def cache_dir(name: str) -> str:
    """`~/.cache/gradwork/<name>`: where downloads are kept."""
    return os.path.join(os.path.expanduser("~"), ".cache", "gradwork", name)


def search_dirs(spec: IdxDataset, system_dirs: Sequence[str] = ()) -> list[str]:
    """The folders looked in, in order (those that do not exist included)."""
    dirs = []
    env = os.environ.get("GRADWORK_DATA")
    if env:
        dirs += [os.path.join(env, spec.name), env]
    dirs.append(cache_dir(spec.name))
    dirs += list(system_dirs)
    return dirs


def find_file(spec_file: IdxFile, dirs: Sequence[str]) -> str | None:
    """The first existing path for `spec_file` in `dirs` (compressed name first), or None."""
    for folder in dirs:
        for name in (spec_file.name, spec_file.plain_name):
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                return path
    return None


def _check_contents(path, spec_file, title):
    """Read `path` and check its shape and (when recorded) decompressed SHA-256; return the array."""
    array, digest = read_idx(path, return_sha256=True)
    if array.shape != tuple(spec_file.shape) or array.dtype != np.uint8:
        raise ChecksumError(
            f"{path}: holds a {array.dtype} array of shape {array.shape}, but {title}'s "
            f"{spec_file.plain_name} is uint8 of shape {tuple(spec_file.shape)}; delete or replace this file"
        )
    if spec_file.sha256 is not None and digest != spec_file.sha256:
        raise ChecksumError(
            f"{path}: SHA-256 of the decompressed contents is {digest}, expected {spec_file.sha256}: "
            f"the file is corrupt or is not {title}'s {spec_file.plain_name}; delete or replace it"
        )
    return array


def _check_download(path, spec_file, title, url):
    """The check run on a finished download before it is moved into place."""
    if spec_file.gz_sha256 is not None:
        digest, size = hashlib.sha256(), 0
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
        if spec_file.gz_size is not None and size != spec_file.gz_size:
            raise ChecksumError(f"{url}: downloaded {size} bytes, expected {spec_file.gz_size}")
        if digest.hexdigest() != spec_file.gz_sha256:
            raise ChecksumError(
                f"{url}: SHA-256 of the download is {digest.hexdigest()}, expected {spec_file.gz_sha256}"
            )
    try:
        return _check_contents(path, spec_file, title)
    except IdxFormatError as err:
        raise ChecksumError(f"{url}: the download is not a valid IDX file ({err})") from err


def _not_found_message(spec, missing, dirs, mirrors, errors, dest, download):
    names = ", ".join(f.name for f in missing)
    lines = [f"{spec.title}: could not find or download {names}."]
    env = os.environ.get("GRADWORK_DATA")
    lines.append("Looked in: " + "; ".join(dirs) + ("" if env else " (GRADWORK_DATA is not set)") + ".")
    if errors:
        lines.append("Downloads failed:")
        lines += [f"  {url}: {err}" for url, err in errors]
    elif not download:
        lines.append("Downloading was not allowed (download=False).")
    elif not mirrors:
        lines.append("No download address is configured.")
    lines.append(
        f"To work offline, put these files (gzip-compressed as published, or decompressed) into {dest}, "
        f"or into a folder named by the GRADWORK_DATA environment variable (or its '{spec.name}' subfolder):"
    )
    for f in missing:
        where = f" (from {mirrors[0]}{f.name})" if mirrors else ""
        lines.append(f"  {f.name}{where}")
    if spec.hint:
        lines.append(spec.hint)
    return "\n".join(lines)


def load_idx_dataset(spec: IdxDataset, mirrors: Sequence[str] = (), system_dirs: Sequence[str] = (),
                     download: bool = True, progress: bool = True) -> tuple[tuple, tuple]:
    """Load a four-file IDX dataset as `(x_train, y_train), (x_test, y_test)`.

    Parameters
    ----------
    spec : IdxDataset
    mirrors : sequence of str
        Base URLs (ending in "/") tried in order for missing files.
    system_dirs : sequence of str
        Extra folders searched after the cache.
    download : bool
        When False, missing files raise DatasetNotFoundError instead of being fetched.
    progress : bool
        Show a progress bar while downloading.

    Returns
    -------
    (x_train, y_train), (x_test, y_test) : uint8 arrays of the shapes `spec.files` declare

    Raises
    ------
    ChecksumError
        When a found or downloaded file has the wrong contents.
    DatasetNotFoundError
        When files are missing and cannot be downloaded.
    """
    dirs = search_dirs(spec, system_dirs)
    arrays, missing = {}, []
    for f in spec.files:
        path = find_file(f, dirs)
        if path is None:
            missing.append(f)
        else:
            try:
                arrays[f.name] = _check_contents(path, f, spec.title)
            except IdxFormatError as err:
                raise ChecksumError(f"{err}; delete or replace this file") from err

    dest = cache_dir(spec.name)
    mirrors = tuple(mirrors)
    tried = mirrors if download else ()
    errors = []
    for f in list(missing):
        bad_contents = []
        for base in tried:
            url = base + f.name
            try:
                arrays[f.name] = _download.download(
                    url, os.path.join(dest, f.name), progress=progress,
                    check=lambda path, f=f, url=url: _check_download(path, f, spec.title, url),
                )
                missing.remove(f)
                break
            except ChecksumError as err:
                bad_contents.append(str(err))
            except (urllib.error.URLError, OSError, ValueError) as err:  # ValueError: a malformed URL
                errors.append((url, getattr(err, "reason", None) or err))
        else:
            if bad_contents:
                raise ChecksumError(
                    f"{spec.title}: no mirror served a valid {f.name}:\n  " + "\n  ".join(bad_contents)
                )
            break  # this file could not be fetched: the others will fail the same way offline
    if missing:
        raise DatasetNotFoundError(_not_found_message(spec, missing, dirs, mirrors, errors, dest, download))
    x_train, y_train, x_test, y_test = (arrays[f.name] for f in spec.files)
    return (x_train, y_train), (x_test, y_test)
