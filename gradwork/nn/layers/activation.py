"""Activation layers with options: ReLU, LeakyReLU, ELU, Softmax, and PReLU with learned slopes (Keras
names and defaults).

Each layer is its options plus one call into `gradwork.activations`, so a layer and the function of
the same name cannot disagree (`nn.ReLU(threshold=1)` is `gw.activations.relu(x, threshold=1)`).
`Activation("name")` (in `core.py`) covers the activations without options.
"""
from typing import Any, Callable

from ... import activations
from ...ops.nn.activations import prelu
from ...registry import serialize_object
from ...tensor import Tensor
from ..layer import Layer
from . import _checks


class _ActivationLayer(Layer):
    """An activation function with named options: `call` is `function(inputs, **options)` and the
    options are the layer's config. Subclasses name the function and spell their options (with
    Keras's defaults) in their constructor; the options are attributes of the layer."""

    supports_masking = True  # works step by step: a sequence's mask passes through
    function: Callable[..., Tensor]  # the `gradwork.activations` function the layer applies

    def __init__(self, options: dict[str, Any], **kwargs):
        super().__init__(**kwargs)
        self._option_names = tuple(options)
        for name, value in options.items():
            setattr(self, name, value)

    def _options(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._option_names}

    def call(self, inputs: Tensor) -> Tensor:
        return self.function(inputs, **self._options())

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), **self._options()}


class ReLU(_ActivationLayer):
    """`gw.activations.relu` as a layer: min(x, max_value) where x > threshold, else
    negative_slope * (x - threshold); 0 at x == threshold, as in Keras.

    Parameters
    ----------
    max_value : float, optional
        The cap; None (default) for none.
    negative_slope : float, default 0.0
    threshold : float, default 0.0
        Inputs at or below it are on the negative side.
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    Any.

    Output shape
    ------------
    Same as the input; values >= 0 with the default negative_slope.

    Examples
    --------
    >>> gw.nn.ReLU(max_value=1.0)(np.array([-1.0, 0.5, 3.0])).tolist()
    [0.0, 0.5, 1.0]
    """

    function = staticmethod(activations.relu)

    def __init__(self, max_value: float | None = None, negative_slope: float = 0.0, threshold: float = 0.0,
                 **kwargs: Any) -> None:
        super().__init__({"max_value": max_value, "negative_slope": negative_slope, "threshold": threshold},
                         **kwargs)


class LeakyReLU(_ActivationLayer):
    """`gw.activations.leaky_relu` as a layer: x for x > 0, else negative_slope * x.

    Parameters
    ----------
    negative_slope : float, default 0.3
        Keras's layer default (the function's is 0.2, PyTorch's 0.01).
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    Any.

    Output shape
    ------------
    Same as the input.
    """

    function = staticmethod(activations.leaky_relu)

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any) -> None:
        super().__init__({"negative_slope": negative_slope}, **kwargs)


class ELU(_ActivationLayer):
    """`gw.activations.elu` as a layer: x for x > 0, else alpha * (exp(x) - 1).

    Parameters
    ----------
    alpha : float, default 1.0
        The value -alpha is approached as x -> -inf.
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    Any.

    Output shape
    ------------
    Same as the input; values > -alpha.
    """

    function = staticmethod(activations.elu)

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__({"alpha": alpha}, **kwargs)


class Softmax(_ActivationLayer):
    """`gw.activations.softmax` as a layer: exp(x) / sum(exp(x)) along `axis`.

    Like `Activation("softmax")`, a following categorical cross-entropy uses the logits.

    Parameters
    ----------
    axis : int, default -1
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    Any, the classes along `axis`.

    Output shape
    ------------
    Same as the input; sums to 1 along `axis`.
    """

    function = staticmethod(activations.softmax)

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__({"axis": axis}, **kwargs)


class PReLU(Layer):
    """Parametric ReLU: x for x > 0, else alpha * x, with the slopes alpha learned
    (`torch.nn.functional.prelu`).

    alpha has the input's shape without the batch axis, except size 1 on `shared_axes` (shared_axes=[1, 2]
    gives one slope per channel of (batch, height, width, channels) images).

    Parameters
    ----------
    alpha_initializer : str or callable, default "zeros"
    alpha_regularizer : str or callable, optional
    alpha_constraint : str or callable, optional
        A `gw.constraints` identifier, applied after every optimizer update.
    shared_axes : int or list of int, optional
        Axes (counting the batch axis as 0) along which the slopes are shared.
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    (batch, ...), the built sizes on the axes that are not shared.

    Output shape
    ------------
    Same as the input.

    Examples
    --------
    >>> layer = gw.nn.PReLU(alpha_initializer=gw.initializers.Constant(0.25), shared_axes=[1])
    >>> layer(np.array([[[-2.0, 3.0]]])).tolist(), layer.alpha.shape
    ([[[-0.5, 3.0]]], (1, 2))
    """

    supports_masking = True
    constraint_arguments = ("alpha_constraint",)

    def __init__(self, alpha_initializer: str | Callable = "zeros", alpha_regularizer: str | Callable | None = None,
                 shared_axes: int | list[int] | None = None, **kwargs: Any) -> None:
        if shared_axes is not None:
            shared_axes = list(shared_axes) if isinstance(shared_axes, (list, tuple)) else [shared_axes]
            if not all(isinstance(a, int) and not isinstance(a, bool) and a >= 1 for a in shared_axes):
                raise ValueError(f"PReLU: shared_axes must be axes >= 1 (0 is the batch axis), got {shared_axes!r}")
        super().__init__(**kwargs)
        self.alpha_initializer, self.alpha_regularizer = alpha_initializer, alpha_regularizer
        self.shared_axes = shared_axes

    def build(self, input_shape):
        shared = self.shared_axes or []
        if len(input_shape) < 2 or any(a >= len(input_shape) for a in shared):
            raise ValueError(f"{self.name}: shared_axes {shared} do not fit inputs of shape {tuple(input_shape)} "
                             "(a batch axis and at least one more)")
        shape = tuple(1 if i in shared else n for i, n in enumerate(input_shape) if i > 0)
        self.alpha = self.add_weight("alpha", shape, self.alpha_initializer, self.alpha_regularizer,
                                     constraint=self.alpha_constraint)

    def call(self, inputs):
        shared = self.shared_axes or []
        if inputs.ndim != self.alpha.ndim + 1 or any(
                a != n and i + 1 not in shared for i, (a, n) in enumerate(zip(self.alpha.shape, inputs.shape[1:]))):
            raise ValueError(f"{self.name}: built for inputs (batch, *{self.alpha.shape}) (1: shared), got shape "
                             f"{inputs.shape}")
        return prelu(_checks.float_inputs(self, inputs), self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha_initializer": serialize_object(self.alpha_initializer),
                "alpha_regularizer": serialize_object(self.alpha_regularizer), "shared_axes": self.shared_axes}
