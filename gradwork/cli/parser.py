"""The argument parser's machinery: option types that check their values while the command line is
parsed (before any work or file is written), and usage errors as one line that suggests the nearest
valid option or choice."""
import argparse
import difflib
import math
import re
from collections.abc import Callable

from ..checks import Range

FLOAT32_MAX = 3.4028234663852886e38


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line, `gradwork: error: ...` (exit status 1, as
    every other error of the command),
    naming the nearest option or choice of a misspelt one (argparse 3.11 suggests nothing)."""

    def error(self, message: str):
        message = re.sub(r"^argument (\S+): must be", r"\1 must be", message)  # our types' own wording
        self.exit(1, f"gradwork: error: {message}{self.suggestion(message)} (see {self.prog} --help)\n")

    def suggestion(self, message: str) -> str:
        """'; did you mean X?' for the first unknown option or invalid choice of `message`, or ''."""
        choice = re.search(r"invalid choice: '?([^' ]*)'? \(choose from (.*)\)$", message)
        if choice:
            given, candidates = choice.group(1), re.findall(r"'?([^', ]+)'?", choice.group(2))
        else:
            unknown = re.match(r"unrecognized arguments: (.*)$", message)
            options = [word for word in unknown.group(1).split() if word.startswith("-")] if unknown else []
            if not options:
                return ""
            given, candidates = options[0].split("=")[0], self.option_strings()
        nearest = difflib.get_close_matches(given, candidates, n=1, cutoff=0.6)
        return f"; did you mean {nearest[0]}?" if nearest else ""

    def option_strings(self) -> list[str]:
        """Every option this parser knows (--epochs, --lr, ...)."""
        return [name for action in self._actions for name in action.option_strings]


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows each option's default after its help, except where there is none (None, a switch off)."""

    def _get_help_string(self, action):
        if action.default is None or action.default is False:
            return action.help
        return super()._get_help_string(action)


def integer(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: an integer in [low, high] (no upper bound when `high` is None)."""
    wanted = f"an integer >= {low}" if high is None else f"an integer from {low} to {high}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be {wanted}, got {text!r}")
        return value

    parse.__name__ = wanted
    return parse


def number(low: float, high: float = FLOAT32_MAX, low_open: bool = False,
           high_open: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite float in the interval from `low` to `high`, each end included unless
    `low_open` / `high_open`."""
    interval = Range(low, high, low_open, high_open)
    span = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    wanted = "a positive finite number" if (low, low_open, high) == (0, True, FLOAT32_MAX) else \
        f"a finite number in {span}"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not interval.contains(value):
            raise argparse.ArgumentTypeError(f"must be {wanted}, got {text!r}")
        return value

    parse.__name__ = wanted
    return parse


positive_int = integer(1)
positive_float = number(0, low_open=True)
fraction = number(0, 1, high_open=True)


def hidden_sizes(text: str) -> list[int]:
    """An argparse type: `--hidden` as a list of positive layer sizes ("256,128")."""
    try:
        sizes = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        sizes = [0]
    if any(s <= 0 for s in sizes):
        raise argparse.ArgumentTypeError(f"must be comma-separated integers like 256,128, each >= 1, got {text!r}")
    return sizes


def image_size(text: str) -> tuple[int, int]:
    """An argparse type: `--image-size` ("28", "28x32" or "28,32") as (height, width)."""
    try:
        sizes = tuple(int(v) for v in text.lower().replace("x", ",").split(","))
    except ValueError:
        sizes = ()
    if len(sizes) not in (1, 2) or min(sizes) < 1 or max(sizes) > 65535:
        raise argparse.ArgumentTypeError(f"must be a positive SIZE or HEIGHTxWIDTH like 28 or 32x48 (at most "
                                         f"65535), got {text!r}")
    return (sizes[0], sizes[-1])
