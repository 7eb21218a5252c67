"""Dense classifiers: `mlp` (ReLU hidden layers) and `linear` (softmax regression)."""
from ..models import Sequential
from ..nn import Dense, Flatten
from .inputs import input_layers


def mlp(input_shape: tuple, classes: int, hidden_units: tuple = (256, 128), rescale: float = 1.0,
        augment: bool = False, shift: float = 0.1, classifier_activation: str | None = "softmax",
        name: str = "mlp") -> Sequential:
    """A multilayer perceptron: the inputs flattened, one Dense(units, relu) per entry of
    `hidden_units`, then Dense(classes, classifier_activation).

    >>> model = gw.applications.mlp(input_shape=(28, 28), classes=10, rescale=1 / 255)

    Parameters
    ----------
    input_shape : tuple of int
        The shape of one sample without the batch axis: (features,), or (H, W) / (H, W, C) images,
        which are flattened.
    classes : int
        The number of classes (units of the last layer).
    hidden_units : sequence of int
        The width of each hidden layer, first to last; () gives a linear classifier.
    rescale, augment, shift
        The first layers, as `input_layers` takes them (augment: images only).
    classifier_activation : str or callable
        The last layer's activation; None gives logits.
    name : str
        The model's name.

    Returns
    -------
    Sequential
        Built for inputs of shape (batch, *input_shape); outputs of shape (batch, classes).
    """
    layers = input_layers(input_shape, rescale, augment, shift)
    if len(input_shape) > 1:
        layers.append(Flatten())
    layers += [Dense(units, activation="relu") for units in hidden_units]
    layers.append(Dense(classes, activation=classifier_activation))
    return Sequential(layers, name=name)


def linear(input_shape: tuple, classes: int, rescale: float = 1.0, augment: bool = False, shift: float = 0.1,
           classifier_activation: str | None = "softmax", name: str = "linear") -> Sequential:
    """A linear classifier (softmax regression): `mlp` with no hidden layer; same arguments."""
    return mlp(input_shape, classes, (), rescale, augment, shift, classifier_activation, name)
