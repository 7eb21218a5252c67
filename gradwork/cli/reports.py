"""The pictures `gradwork train` writes beside the model: learning curves, the confusion matrix, and
for images some predictions, the first layer's filters and each convolution block's feature maps."""
import os

import numpy as np

from ..callbacks import History
from ..models import Model
from ..nn import Conv2D, Layer, MaxPooling2D
from ..plot import plot_confusion_matrix, plot_feature_maps, plot_filters, plot_history, plot_predictions
from .data_sources import Source


def write_plots(model: Model, history: History, source: Source, x_test: np.ndarray, y_test: np.ndarray,
                out: str) -> list[str]:
    """Draw the plots of a finished run into the folder `out`; returns the paths written.

    Parameters
    ----------
    model : Model
        The trained classifier (outputs of shape (N, classes)).
    history : History
        What `fit` returned.
    source : data_sources.Source
        The dataset: class names, and whether its samples are images.
    x_test : ndarray of shape (N, *sample shape)
    y_test : ndarray of shape (N,), integer labels
    out : str
        The run's folder.
    """
    y_pred = model.predict(x_test.astype(np.float32), batch_size=1024, verbose=0).argmax(axis=-1)
    names = source.class_names
    paths = [
        plot_history(history, os.path.join(out, "curves.png")),
        plot_confusion_matrix(y_test, y_pred, os.path.join(out, "confusion_matrix.png"), names),
    ]
    if source.is_image:
        paths.append(plot_predictions(x_test[:32], y_test[:32], y_pred[:32],
                                      os.path.join(out, "predictions.png"), names))
    convs = [layer for layer in model.layers if isinstance(layer, Conv2D)]
    if convs:
        paths.append(plot_filters(convs[0].kernel, os.path.join(out, "filters.png"),
                                  title=f"first-layer filters ({convs[0].name})"))
        title = f"test image 0: {names[int(y_test[0])]} (predicted {names[int(y_pred[0])]})"
        paths.append(plot_feature_maps(model, x_test[0], os.path.join(out, "feature_maps.png"),
                                       layers=block_outputs(model), title=title))
    return paths


def block_outputs(model: Model) -> list[Layer]:
    """The output of each convolution block: the layer just before each pooling layer."""
    stack = model.layers
    return [layer for layer, after in zip(stack, stack[1:]) if isinstance(after, MaxPooling2D)]
