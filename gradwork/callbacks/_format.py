"""Number and duration formatting for the progress bar, the Keras way."""
import math


def format_value(value):
    """A metric as Keras prints it: 4 decimals, or 4-decimal scientific notation below 1e-3.

    Zero prints as "0.0000" (Keras writes "0.0000e+00"). Values that are not numbers are
    printed with `str`.
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if v == 0.0 or not math.isfinite(v) or abs(v) > 1e-3:
        return f"{v:.4f}"
    return f"{v:.4e}"


def format_metrics(logs):
    """" - loss: 0.4321 - accuracy: 0.8765" for a logs dict (insertion order kept)."""
    if not logs:
        return ""
    return "".join(f" - {key}: {format_value(value)}" for key, value in logs.items())


def format_eta(seconds):
    """Whole seconds as "7s", "2:05" or "1:02:05"."""
    s = max(int(round(seconds)), 0)
    if s >= 3600:
        return f"{s // 3600}:{(s % 3600) // 60:02d}:{s % 60:02d}"
    if s >= 60:
        return f"{s // 60}:{s % 60:02d}"
    return f"{s}s"


def format_elapsed(seconds):
    """A duration to show as epoch time: "340ms" below one second, otherwise like `format_eta`."""
    if seconds < 1.0:
        return f"{seconds * 1e3:.0f}ms"
    return format_eta(seconds)


def format_per_step(seconds, unit="step"):
    """Time per step as "2s/step", "15ms/step" or "80us/step"."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit}"
    return f"{seconds * 1e6:.0f}us/{unit}"
