"""The pictures `gradwork train` writes beside the model: learning curves, the confusion matrix, and
for images some predictions, the first layer's filters and each convolution block's feature maps."""
import os

import numpy as np

from ..callbacks import History
from ..models import Model
from ..nn import Conv2D, Layer, MaxPooling2D
from ..plot import plot_confusion_matrix, plot_feature_maps, plot_filters, plot_history, plot_predictions
from .data_sources import Source


def write_plots(model: Model, history: History, source: Source, out: str) -> list[str]:
    """Draw the plots of a finished run into the folder `out`; returns the paths written.

    Parameters
    ----------
    model : Model
        The trained classifier (outputs of shape (N, classes)).
    history : History
        What `fit` returned.
    source : data_sources.Source
        The dataset: its test split (arrays, or an image folder's validation images read batch by
        batch), class names, and whether its samples are images.
    out : str
        The run's folder.
    """
    x_test, y_test, y_pred = _test_predictions(model, source)
    names = source.class_names
    paths = [
        plot_history(history, os.path.join(out, "curves.png")),
        plot_confusion_matrix(y_test, y_pred, os.path.join(out, "confusion_matrix.png"), names),
    ]
    if source.is_image:
        shown = len(x_test[:32])
        paths.append(plot_predictions(x_test[:shown], y_test[:shown], y_pred[:shown],
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


def _test_predictions(model, source):
    """(test samples for the pictures, shape (n, *sample shape); labels, shape (N,); predicted classes,
    shape (N,)): for an image folder only its first batch of samples is read into memory."""
    if source.streamed:
        test = source.test  # validation images in a fixed order: predictions line up with .labels
        return test[0][0], test.labels, model.predict(test, verbose=0).argmax(axis=-1)
    x_test, y_test = source.test
    return x_test, y_test, model.predict(x_test.astype(np.float32), batch_size=1024, verbose=0).argmax(axis=-1)
