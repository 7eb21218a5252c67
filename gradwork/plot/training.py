"""Plots of a training run: learning curves, a confusion matrix (counted by `gw.metrics.confusion_matrix`,
also importable from here), and predictions on test images."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from ..metrics import confusion_matrix
from ._backend import FilePath, pyplot, save

if TYPE_CHECKING:
    from ..callbacks.history import History


def plot_history(history: History | Mapping[str, Sequence[float]], path: FilePath) -> FilePath:
    """Save the loss and each metric per epoch as a PNG, one panel per quantity.

    Each panel has the training curve (circles) and, when logged, the validation curve (`val_`
    prefix, squares). The logged learning rate is not drawn.

    Parameters
    ----------
    history : History or dict
        The `History` that `fit` returns, or its `.history` dict
        ({"loss": [...], "val_loss": [...], ...}, one value per epoch).
    path : str or os.PathLike
        The PNG file to write.

    Returns
    -------
    `path`, the PNG of the learning curves.
    """
    logs = getattr(history, "history", history)
    names = [k for k in logs if not k.startswith("val_") and k != "learning_rate"]
    plt = pyplot()
    from matplotlib.ticker import MaxNLocator

    fig, axes = plt.subplots(1, len(names), figsize=(5 * len(names), 3.8), squeeze=False)
    for ax, name in zip(axes[0], names):
        epochs = np.arange(1, len(logs[name]) + 1)
        ax.plot(epochs, logs[name], "o-", label=f"training {name}")
        if "val_" + name in logs:
            ax.plot(epochs, logs["val_" + name], "s--", label=f"validation {name}")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(0.5, len(epochs) + 0.5)
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
        ax.legend()
    return save(fig, path)


def plot_confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike, path: FilePath,
                          class_names: Sequence[str] | None = None) -> FilePath:
    """Save the confusion matrix as a heat map with the count written in each cell, as a PNG.

    Rows are the true classes, columns the predicted ones; the title gives the accuracy.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (n,)
        Class labels.
    path : str or os.PathLike
        The PNG file to write.
    class_names : sequence of str, optional
        One name per class; it also fixes the number of classes (default: the largest label + 1).

    Returns
    -------
    `path`, the PNG of the heat map.
    """
    n = len(class_names) if class_names is not None else None
    cm = confusion_matrix(y_true, y_pred, n)
    names = class_names or [str(i) for i in range(len(cm))]
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(1 + 0.7 * len(cm), 0.8 + 0.6 * len(cm)))
    ax.imshow(cm, cmap="Blues")
    for i in range(len(cm)):
        for j in range(len(cm)):
            ax.text(j, i, cm[i, j], ha="center", va="center", fontsize=8,
                    color="white" if cm[i, j] > cm.max() / 2 else "black")
    ax.set_xticks(range(len(cm)), names, rotation=45, ha="right")
    ax.set_yticks(range(len(cm)), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(f"accuracy {np.trace(cm) / cm.sum():.4f}")
    return save(fig, path)


def plot_predictions(images: ArrayLike, y_true: ArrayLike, y_pred: ArrayLike, path: FilePath,
                     class_names: Sequence[str] | None = None, columns: int = 8) -> FilePath:
    """Save a grid of images titled with their predicted labels (green when right, red when wrong).

    Parameters
    ----------
    images : array_like, shape (n, H, W) or (n, H, W, C)
        Drawn in grey; C = 1 is squeezed, C = 3 drawn in colour.
    y_true, y_pred : array_like of int, shape (n,)
    path : str or os.PathLike
        The PNG file to write.
    class_names : sequence of str, optional
        Titles by label (default: the label number).
    columns : int
        Images per row.

    Returns
    -------
    `path`, the PNG of the image grid.
    """
    images = np.asarray(images)
    n = len(images)
    rows = int(np.ceil(n / columns))
    plt = pyplot()
    fig, axes = plt.subplots(rows, columns, figsize=(1.5 * columns, 1.7 * rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for k in range(n):
        ax = axes.ravel()[k]
        image = images[k]
        ax.imshow(image.squeeze(-1) if image.ndim == 3 and image.shape[-1] == 1 else image, cmap="gray")
        label = class_names[y_pred[k]] if class_names is not None else str(y_pred[k])
        ax.set_title(label, fontsize=8, color="green" if y_pred[k] == y_true[k] else "red")
    return save(fig, path)
