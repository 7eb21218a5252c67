"""matplotlib, imported on first use with a file-only backend (no display needed)."""
from __future__ import annotations

import os
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Where a figure is written: a file name or a path object (the plot functions hand it back unchanged).
FilePath = str | os.PathLike


def pyplot() -> ModuleType:
    """The `matplotlib.pyplot` module, set to the Agg backend.

    Raises
    ------
    ImportError
        If matplotlib is not installed (the message says how to install it).
    """
    try:
        import matplotlib
    except ImportError:
        raise ImportError("plots need matplotlib: pip install matplotlib (or gradwork[plot])") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(fig: Figure, path: FilePath, crop: bool = False, dpi: int = 110) -> FilePath:
    """Write the figure to `path` as a PNG and close it.

    Parameters
    ----------
    fig : matplotlib Figure
    path : str or os.PathLike
    crop : bool
        Trim the canvas to what is drawn (for image mosaics laid out by hand) instead of re-spacing
        the panels with `tight_layout`.
    dpi : int
        Pixels per inch of the PNG.

    Returns
    -------
    `path`, unchanged.
    """
    if crop:
        fig.savefig(path, dpi=dpi, bbox_inches="tight", pad_inches=0.08)
    else:
        fig.tight_layout()
        fig.savefig(path, dpi=dpi)
    pyplot().close(fig)
    return path
