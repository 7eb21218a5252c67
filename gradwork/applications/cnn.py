"""Convolutional classifiers: `cnn` and `cnn_bn` (the same network with batch normalization)."""
from ..models import Sequential
from ..nn import Activation, BatchNormalization, Conv2D, Dense, Dropout, Flatten, MaxPooling2D
from .inputs import input_layers


def cnn(input_shape: tuple, classes: int, rescale: float = 1.0, augment: bool = False, shift: float = 0.1,
        dropout: float = 0.5, classifier_activation: str | None = "softmax", name: str = "cnn") -> Sequential:
    """Two convolution blocks and a dense head, for (H, W) or (H, W, C) images:

    Conv2D(32, 3, same, relu) -> MaxPooling2D -> Conv2D(64, 3, same, relu) -> MaxPooling2D -> Flatten
    -> Dense(128, relu) -> Dropout(dropout) -> Dense(classes, classifier_activation).

    >>> model = gw.applications.cnn(input_shape=(28, 28), classes=10, rescale=1 / 255)

    Parameters
    ----------
    input_shape : tuple of int
        The shape of one image without the batch axis: (H, W) grey images get a channel axis first
        (a Reshape layer), (H, W, C) images are used as they are (channels last).
    dropout : float
        The dropout rate before the last layer.
    classes, rescale, augment, shift, classifier_activation, name
        As `mlp` takes them: random shifts and flips of the training images (augment) come before
        the pixels are rescaled.

    Returns
    -------
    Sequential
        Built for inputs of shape (batch, *input_shape); outputs of shape (batch, classes).
    """
    return _convolutional(input_shape, classes, rescale, augment, shift, dropout, classifier_activation, name,
                          batch_norm=False)


def cnn_bn(input_shape: tuple, classes: int, rescale: float = 1.0, augment: bool = False, shift: float = 0.1,
           dropout: float = 0.5, classifier_activation: str | None = "softmax", name: str = "cnn_bn") -> Sequential:
    """`cnn` with batch normalization: each convolution (without its bias, which the normalization's
    beta replaces) is followed by BatchNormalization and then the ReLU; same arguments as `cnn`.

    The moving statistics use momentum 0.9 (an average over about the last 10 batches): Keras's 0.99
    takes several hundred steps to forget the initial variance of 1, far more than the first
    convolution's outputs have (about 0.003), so a short run would be scored with wrong statistics.
    """
    return _convolutional(input_shape, classes, rescale, augment, shift, dropout, classifier_activation, name,
                          batch_norm=True)


def _convolutional(input_shape, classes, rescale, augment, shift, dropout, classifier_activation, name,
                   batch_norm):
    if len(input_shape) not in (2, 3):
        raise ValueError(
            f"{name}: a CNN needs images of shape (height, width) or (height, width, channels) as "
            f"input_shape, got samples of shape {tuple(input_shape)}"
        )
    layers = input_layers(input_shape, rescale, augment, shift, channel_axis=len(input_shape) == 2)
    for filters in (32, 64):
        if batch_norm:
            layers += [Conv2D(filters, 3, padding="same", use_bias=False), BatchNormalization(momentum=0.9),
                       Activation("relu")]
        else:
            layers.append(Conv2D(filters, 3, padding="same", activation="relu"))
        layers.append(MaxPooling2D())
    layers += [Flatten(), Dense(128, activation="relu"), Dropout(dropout),
               Dense(classes, activation=classifier_activation)]
    return Sequential(layers, name=name)
