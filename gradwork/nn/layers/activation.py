"""Activation layers with parameters: ReLU, LeakyReLU, ELU, Softmax (Keras names and defaults)."""
from ...ops.elementwise import where
from ..functional import activations as A
from ..layer import Layer


class ReLU(Layer):
    """max(x, 0), optionally capped at `max_value`, with `negative_slope` below `threshold` (Keras)."""

    supports_masking = True  # works step by step: a sequence's mask passes through

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def call(self, inputs):
        if self.negative_slope == 0 and self.threshold == 0:
            out = A.relu(inputs)
        else:
            shifted = inputs - self.threshold
            out = where(inputs.data >= self.threshold, inputs, self.negative_slope * shifted)
        return out.clip(None, self.max_value) if self.max_value is not None else out

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}


class LeakyReLU(Layer):
    """x for x > 0, else negative_slope * x (Keras's default slope is 0.3)."""

    supports_masking = True  # works step by step: a sequence's mask passes through

    def __init__(self, negative_slope=0.3, **kwargs):
        super().__init__(**kwargs)
        self.negative_slope = negative_slope

    def call(self, inputs):
        return A.leaky_relu(inputs, self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(Layer):
    """x for x > 0, else alpha * (exp(x) - 1)."""

    supports_masking = True  # works step by step: a sequence's mask passes through

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs):
        return A.elu(inputs, self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class Softmax(Layer):
    """exp(x) / sum(exp(x)) along `axis`."""

    supports_masking = True  # works step by step: a sequence's mask passes through

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return A.softmax(inputs, self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
