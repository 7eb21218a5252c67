"""The three ways the progress bar draws: a tqdm bar, a plain carriage-return bar, or one line at the end.

`ProgbarLogger` picks one per epoch (or per evaluate/predict call) with `make_renderer`.
Every renderer has `update(current, logs)` (after a batch) and `finish(logs)` (at the end).
"""
import os
import time

from . import _console
from ._format import format_elapsed, format_eta, format_metrics, format_per_step

BAR_WIDTH = 30
REFRESH_INTERVAL = 0.1      # seconds between redraws of a live bar (at most 10 per second)


def _now():
    return time.monotonic()


def find_tqdm():
    """The `tqdm` class if tqdm is installed, else None."""
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm


def is_interactive(stream):
    """True if `stream` can redraw a line in place: a terminal, or a Jupyter output stream."""
    isatty = getattr(stream, "isatty", None)
    try:
        if isatty is not None and isatty():
            return True
    except (ValueError, OSError):       # closed or detached stream
        return False
    return type(stream).__module__.split(".")[0] == "ipykernel"


def _terminal_width(stream):
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return None


def make_renderer(stream, target, header, live):
    """A renderer for one pass over `target` steps (None if unknown).

    `live=False` gives the single end-of-pass line (verbose=2, or output that is not a
    terminal); `live=True` gives tqdm when installed, else the plain carriage-return bar.
    """
    if not live:
        return LineRenderer(stream, target, header)
    tqdm = find_tqdm()
    if tqdm is not None:
        return TqdmRenderer(stream, target, header, tqdm)
    return PlainBarRenderer(stream, target, header)


class LineRenderer:
    """Writes nothing until `finish`, then exactly one line with no control characters:

    ``Epoch 3/10 - 32/32 - 1s 31ms/step - loss: 0.4321 - val_loss: 0.5012``
    """

    def __init__(self, stream, target, header):
        self.stream, self.target, self.header = stream, target, header
        self.current = 0
        self.start = _now()

    def update(self, current, logs=None):
        self.current = current

    def summary(self, logs):
        """The step count, times and metrics of the finished pass."""
        elapsed = _now() - self.start
        per_step = format_per_step(elapsed / self.current) if self.current else ""
        total = self.target if self.target is not None else self.current
        timing = f"{format_elapsed(elapsed)} {per_step}".rstrip()
        return f"{self.current}/{total}", timing, format_metrics(logs)

    def finish(self, logs=None):
        steps, timing, metrics = self.summary(logs)
        prefix = f"{self.header} - " if self.header else ""
        self.stream.write(f"{prefix}{steps} - {timing}{metrics}\n")
        self.stream.flush()


class PlainBarRenderer(LineRenderer):
    """A bar redrawn in place with "\\r", at most every `REFRESH_INTERVAL` seconds:

    ``12/32 [==========>...................] - 1s - ETA: 2s - loss: 0.4321``
    """

    def __init__(self, stream, target, header):
        super().__init__(stream, target, header)
        self._last_draw = None
        self._last_len = 0
        self._width = _terminal_width(stream)
        if header:
            _console.print_msg(header, stream)

    def _bar(self):
        if not self.target:
            return ""
        frac = min(self.current / self.target, 1.0)
        filled = int(BAR_WIDTH * frac)
        if filled >= BAR_WIDTH:
            return " [" + "=" * BAR_WIDTH + "]"
        return " [" + "=" * filled + ">" + "." * (BAR_WIDTH - filled - 1) + "]"

    def _steps(self):
        if self.target is None:
            return f"{self.current}/Unknown"
        return f"{self.current:>{len(str(self.target))}}/{self.target}"

    def _draw(self, line, final):
        if not final and self._width and len(line) >= self._width:
            line = line[: self._width - 1]     # a wrapped line could not be redrawn with "\r"
        pad = " " * max(self._last_len - len(line), 0)
        self._last_len = len(line)
        self.stream.write("\r" + line + pad + ("\n" if final else ""))
        self.stream.flush()
        if final:
            _console.mark_closed(self.stream)
        else:
            _console.mark_open(self.stream)

    def update(self, current, logs=None):
        self.current = current
        now = _now()
        done = self.target is not None and current >= self.target
        if self._last_draw is not None and now - self._last_draw < REFRESH_INTERVAL and not done:
            return
        self._last_draw = now
        elapsed = now - self.start
        line = f"{self._steps()}{self._bar()} - {format_elapsed(elapsed)}"
        if self.target and current and current < self.target:
            line += f" - ETA: {format_eta(elapsed / current * (self.target - current))}"
        self._draw(line + format_metrics(logs), final=False)

    def finish(self, logs=None):
        _, timing, metrics = self.summary(logs)
        if self.target is None:
            self.target = self.current          # now known: draw it as a full bar
        self._draw(f"{self._steps()}{self._bar()} - {timing}{metrics}", final=True)


class TqdmRenderer(LineRenderer):
    """A tqdm bar (used when tqdm is installed and the output is a terminal), metrics appended."""

    def __init__(self, stream, target, header, tqdm):
        super().__init__(stream, target, header)
        if header:
            _console.print_msg(header, stream)
        if target is not None:
            self._base = "{n_fmt}/{total_fmt} [{bar:30}] - {elapsed}<{remaining}"
        else:
            self._base = "{n_fmt}/Unknown - {elapsed}"
        self._tqdm = tqdm(total=target, file=stream, unit="step", leave=True, dynamic_ncols=True,
                          mininterval=REFRESH_INTERVAL, bar_format=self._base)
        _console.mark_open(stream)

    @staticmethod
    def _escape(text):
        return text.replace("{", "{{").replace("}", "}}")

    def update(self, current, logs=None):
        self.current = current
        self._tqdm.bar_format = self._base + self._escape(format_metrics(logs))
        self._tqdm.update(current - self._tqdm.n)
        _console.mark_open(self.stream)

    def finish(self, logs=None):
        _, timing, metrics = self.summary(logs)
        head = "{n_fmt}/{total_fmt} [{bar:30}]" if self.target is not None else "{n_fmt}/{n_fmt}"
        state = dict(self._tqdm.format_dict)
        self._tqdm.leave = False
        self._tqdm.close()          # clears the live line
        # The summary is drawn untrimmed (tqdm cuts lines at the terminal width, which would
        # drop the validation metrics), in tqdm's style.
        state.update(ncols=None, bar_format=head + self._escape(f" - {timing}{metrics}"))
        self.stream.write(self._tqdm.format_meter(**state) + "\n")
        self.stream.flush()
        _console.mark_closed(self.stream)
