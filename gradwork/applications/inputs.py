"""The first layers of every application: the input, a channel axis for grey images, augmentation
(training only) and the rescaling of raw values, in that order."""
from ..nn import Input, RandomFlip, RandomTranslation, Rescaling, Reshape


def augmentation_layers(shift: float = 0.1) -> list:
    """Random shifts of up to `shift` of the image size (black fill) and left-right flips; both act
    while training only.

    Parameters
    ----------
    shift : float
        The largest shift, as a fraction of the height and of the width; 0 leaves the shifts out.

    Returns
    -------
    list of Layer
        [RandomTranslation, RandomFlip], or [RandomFlip] for shift=0.
    """
    shifts = [RandomTranslation(shift, shift, fill_mode="constant")] if shift else []
    return shifts + [RandomFlip("horizontal")]


def input_layers(input_shape: tuple, rescale: float = 1.0, augment: bool = False, shift: float = 0.1,
                 channel_axis: bool = False) -> list:
    """Input(shape=input_shape), then a Reshape to (H, W, 1) when `channel_axis` is set, then the
    augmentation layers when `augment` is set, then Rescaling(rescale) unless it is 1.

    Parameters
    ----------
    input_shape : tuple of int
        The shape of one sample, without the batch axis.
    rescale : float
        Multiplies the raw inputs inside the model (1/255 for 8-bit pixels); 1 adds no layer.
    augment : bool
        Add `augmentation_layers(shift)` (images only), before the rescaling.
    shift : float
        The largest random shift when augmenting, as a fraction of the image size.
    channel_axis : bool
        Add a channel axis of size 1 to grey images (H, W), for layers that need (H, W, C).
    """
    layers = [Input(shape=input_shape)]
    if channel_axis:
        layers.append(Reshape(tuple(input_shape) + (1,)))
    if augment:
        layers += augmentation_layers(shift)
    if rescale != 1:
        layers.append(Rescaling(rescale))
    return layers
