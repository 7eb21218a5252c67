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


def save(fig, path, crop=False):
    """Write the figure to `path` (PNG) and free it. crop: trim the canvas to what is drawn (for image
    mosaics laid out by hand) instead of re-spacing the panels with tight_layout."""
    if crop:
        fig.savefig(path, dpi=110, bbox_inches="tight", pad_inches=0.08)
    else:
        fig.tight_layout()
        fig.savefig(path, dpi=110)
    pyplot().close(fig)
    return path
