"""Figures for training runs, saved as PNG files (needs matplotlib: pip install gradwork[plot])."""
from .training import confusion_matrix, plot_confusion_matrix, plot_history, plot_predictions

__all__ = ["confusion_matrix", "plot_confusion_matrix", "plot_history", "plot_predictions"]
