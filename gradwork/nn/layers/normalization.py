"""Batch normalization with Keras's conventions."""
from collections.abc import Callable
from typing import Any


from ...ops.reduction import normalize_axes
from ...ops.nn.batch_norm import batch_norm
from ...checks import POSITIVE, UNIT_INTERVAL
from . import _checks
from ..layer import Layer
from ...registry import serialize_object
from ...tensor_data import increment_version


class BatchNormalization(Layer):
    """Normalize each feature (the `axis`, last by default) over the batch, then scale and shift.

    Training: y = gamma (x - mean_B) / sqrt(var_B + epsilon) + beta with the batch's mean and
    biased variance (divided by N, not N - 1); the moving statistics follow
    moving = momentum * moving + (1 - momentum) * batch_statistic, using that same biased variance
    (Keras's convention; PyTorch stores the unbiased one and its momentum is 1 - Keras's).
    Inference uses the moving statistics. They are non-trainable weights, saved with the model.
    Training runs as one fused operation (the kernel `gradwork.ops.nn.batch_norm.batch_norm`, which
    `F.batch_norm` calls with torch's conventions).
    A frozen layer (`trainable=False`) always runs in inference mode, as in Keras, so fine-tuning
    a model around it leaves its statistics alone.

    Parameters
    ----------
    axis : int, default -1
        The features axis.
    momentum : float, default 0.99
    epsilon : float, default 1e-3
    center, scale : bool, default True
        Learn beta / gamma (else none is used).
    beta_initializer, gamma_initializer : str or callable, default "zeros", "ones"
    moving_mean_initializer, moving_variance_initializer : str or callable, default "zeros", "ones"
    beta_constraint, gamma_constraint : str or callable, optional
        `gw.constraints` identifiers, applied after every optimizer update.
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    Any, the features on `axis` (e.g. (batch, features) or (batch, height, width, channels)).

    Output shape
    ------------
    Same as the input.

    Examples
    --------
    >>> bn = gw.nn.BatchNormalization()
    >>> bn(np.ones((4, 3)), training=True).shape
    (4, 3)
    >>> [w.name for w in bn.non_trainable_weights]
    ['moving_mean', 'moving_variance']
    """

    constraint_arguments = ("beta_constraint", "gamma_constraint")

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: str | Callable = "zeros",
                 gamma_initializer: str | Callable = "ones", moving_mean_initializer: str | Callable = "zeros",
                 moving_variance_initializer: str | Callable = "ones", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = axis
        self.momentum = _checks.in_range(self, "momentum", momentum, UNIT_INTERVAL)
        self.epsilon = _checks.in_range(self, "epsilon", epsilon, POSITIVE)
        self.center, self.scale = center, scale
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer

    def build(self, input_shape):
        if not -len(input_shape) <= self.axis < len(input_shape) or len(input_shape) < 2:
            raise ValueError(f"{self.name}: expected inputs with a batch axis and a feature axis {self.axis}, "
                             f"got shape {tuple(input_shape)}")
        axis = self.feature_axis = normalize_axes(self.axis, len(input_shape))[0]
        n = (input_shape[axis],)
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = self.add_weight("gamma", n, self.gamma_initializer, constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight("beta", n, self.beta_initializer, constraint=self.beta_constraint)
        self.moving_mean = self.add_weight("moving_mean", n, self.moving_mean_initializer, trainable=False)
        self.moving_variance = self.add_weight(
            "moving_variance", n, self.moving_variance_initializer, trainable=False
        )
        self.stat_shape = tuple(input_shape[i] if i == axis else 1 for i in range(len(input_shape)))

    def call(self, inputs, training=None):
        if (
            inputs.ndim != len(self.stat_shape)
            or inputs.shape[self.feature_axis] != self.stat_shape[self.feature_axis]
        ):
            raise ValueError(
                f"{self.name}: built for inputs with {len(self.stat_shape)} axes and "
                f"{self.stat_shape[self.feature_axis]} features on axis {self.feature_axis}, "
                f"got {inputs.shape}"
            )
        training = bool(training and self.trainable)
        out = batch_norm(
            inputs, self.moving_mean.data, self.moving_variance.data, self.gamma, self.beta,
            training=training, momentum=1 - self.momentum, epsilon=self.epsilon,
            axis=self.feature_axis, unbiased=False,
        )
        if training:  # the moving statistics were updated in place
            increment_version(self.moving_mean)
            increment_version(self.moving_variance)
        return out

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": serialize_object(self.beta_initializer),
            "gamma_initializer": serialize_object(self.gamma_initializer),
            "moving_mean_initializer": serialize_object(self.moving_mean_initializer),
            "moving_variance_initializer": serialize_object(self.moving_variance_initializer),
        }
