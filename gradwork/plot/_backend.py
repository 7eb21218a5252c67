"""matplotlib, imported on first use with a file-only backend (no display needed)."""


def pyplot():
    """The `matplotlib.pyplot` module set to the Agg backend; a clear error if matplotlib is missing."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError("plots need matplotlib: pip install matplotlib (or gradwork[plot])") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(fig, path):
    """Write the figure to `path` (PNG) and free it."""
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    pyplot().close(fig)
    return path
