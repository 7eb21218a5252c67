"""Fetching files over HTTP(S) or file:// with a progress bar, written atomically after a check.

`fetch` is the one function that touches the network; tests replace it (or pass file:// URLs).
`download` wraps it: it writes into a temporary file beside the target, runs the caller's check
on the finished file, and only then renames it into place with `os.replace`, so an interrupted
or corrupt download never leaves a file under the final name.
"""
import os
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from typing import Any, BinaryIO

_BLOCK = 1 << 16
_USER_AGENT = "gradwork-datasets/0.1"


class ChecksumError(ValueError):
    """A file's contents do not match the checksum, size or shape it must have."""


class _PlainProgress:
    """A dependency-free progress bar on stderr: redrawn in place on a terminal, else two plain lines."""

    def __init__(self, total, desc, stream=None):
        self.total, self.desc, self.done = total, desc, 0
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last_draw = 0.0
        if not self.tty:
            size = f" ({_human(total)})" if total else ""
            self.stream.write(f"Downloading {desc}{size} ...\n")

    def update(self, n):
        self.done += n
        now = time.monotonic()
        if self.tty and now - self.last_draw >= 0.1:
            self.last_draw = now
            self._draw()

    def _draw(self):
        if self.total:
            frac = min(self.done / self.total, 1.0)
            bar = "#" * int(30 * frac)
            text = f"\r{self.desc}: [{bar:<30}] {100 * frac:5.1f}% of {_human(self.total)}"
        else:
            text = f"\r{self.desc}: {_human(self.done)}"
        self.stream.write(text)
        self.stream.flush()

    def close(self):
        if self.tty:
            self._draw()
            self.stream.write("\n")
        else:
            self.stream.write(f"Downloaded {self.desc}: {_human(self.done)}\n")
        self.stream.flush()


def _human(n):
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000


def _progress_bar(total, desc):
    """tqdm when it is installed, else the plain bar."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _PlainProgress(total, desc)
    return tqdm(total=total or None, desc=desc, unit="B", unit_scale=True, unit_divisor=1024, leave=True)


def fetch(url: str, out: BinaryIO, progress: bool = True, timeout: float = 60) -> int:
    """Stream `url` into the open binary file `out`; return the number of bytes written.

    Handles http(s):// and file:// URLs (urllib), with a progress bar when `progress` is set and
    `timeout` seconds for the connection.

    Raises
    ------
    urllib.error.URLError, OSError
        When the address cannot be reached, or the connection closes early.
    """
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else 0
        bar = _progress_bar(total, url.rsplit("/", 1)[-1]) if progress else None
        written = 0
        try:
            while True:
                block = response.read(_BLOCK)
                if not block:
                    break
                out.write(block)
                written += len(block)
                if bar is not None:
                    bar.update(len(block))
        finally:
            if bar is not None:
                bar.close()
    if total and written != total:
        raise OSError(f"{url}: connection closed after {written} of {total} bytes")
    return written


def download(url: str, path: str | os.PathLike, check: Callable[[str], Any] | None = None,
             progress: bool = True) -> Any:
    """Download `url` to `path` atomically; on any error the temporary file is removed and `path` is
    left as it was.

    Parameters
    ----------
    url : str
    path : str or PathLike
    check : callable, optional
        Run on the temporary file's path before it is renamed into place; it raises (e.g.
        ChecksumError) to reject the file, and whatever it returns is returned here (so a check
        that parses the file can hand back the parsed data).
    progress : bool
        Show a progress bar.

    Returns
    -------
    check's result, or None without a check
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            fetch(url, out, progress=progress)
        result = check(tmp) if check is not None else None
        os.replace(tmp, path)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise
    return result
