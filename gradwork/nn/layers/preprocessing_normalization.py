"""Normalization: (x - mean) / sqrt(variance) with statistics given or learned by `adapt` (Keras's layer)."""
from typing import Any

import numpy as np

from ...tensor_data import increment_version
from ..building import in_shape_pass
from ..layer import Layer
from ._preprocessing import batches_of

EPSILON = 1e-7  # Keras's backend.epsilon(): the smallest standard deviation divided by


class Normalization(Layer):
    """Shift and scale each feature to mean 0 and variance 1: (x - mean) / max(sqrt(variance), 1e-7).

    The statistics are given (`mean`, `variance`) or computed from data by `adapt(data)`, per position
    on the kept `axis` (the features), over every other axis; the variance is the biased one (divided
    by N). Adapted statistics are the non-trainable weights `mean`, `variance` and `count` (the number of
    values each was computed from), saved with the model; given ones are in the config. The layer is
    differentiable in its input (the statistics are constants): gradients flow through it.

    Parameters
    ----------
    axis : int, tuple of int or None, default -1
        The axes kept (one statistic per position on them); None: one mean and variance for everything.
    mean, variance : float or array_like, optional
        Both or neither. Their shape broadcasts against the kept axes, aligned from the right.
    invert : bool, default False
        Undo the normalization instead: mean + x * max(sqrt(variance), 1e-7).
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    Any; the kept axes' sizes fixed at the first call or `adapt`. Integers are cast to the layer's dtype.

    Output shape
    ------------
    Same as the input.

    Examples
    --------
    >>> layer = gw.nn.Normalization(axis=None)
    >>> layer.adapt(np.array([1., 2., 3., 4., 5.]))
    >>> np.round(layer(np.array([1., 2., 3.])).numpy(), 4)
    array([-1.4142, -0.7071,  0.    ], dtype=float32)
    """

    def __init__(self, axis: int | tuple | None = -1, mean: Any = None, variance: Any = None,
                 invert: bool = False, **kwargs: Any) -> None:
        axes = () if axis is None else (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
        if not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axes):
            raise TypeError(f"Normalization: axis must be an int, a tuple of ints or None, got {axis!r}")
        if (mean is None) != (variance is None):
            raise ValueError(f"Normalization: give both mean and variance or neither, got mean={mean!r} and "
                             f"variance={variance!r}")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(f"Normalization: mean and variance must have the same shape, got "
                                 f"{np.shape(mean)} and {np.shape(variance)}")
            if np.ndim(mean) > len(axes):
                raise ValueError(f"Normalization: mean has {np.ndim(mean)} axes, more than the {len(axes)} kept "
                                 f"(axis={axis!r})")
            if np.any(np.asarray(variance) < 0) or not np.all(np.isfinite(np.asarray([mean, variance], float))):
                raise ValueError("Normalization: mean and variance must be finite and variance >= 0, got "
                                 f"mean={mean!r}, variance={variance!r}")
        super().__init__(**kwargs)
        self.axis = tuple(int(a) for a in axes)
        self.axis_argument = axis if axis is None or isinstance(axis, (int, np.integer)) else list(axes)
        self.input_mean, self.input_variance = mean, variance
        self.invert = bool(invert)
        self.supports_masking = True

    def _axes(self, input_shape, where):
        """(kept axes, reduced axes, statistics shape) for inputs of `input_shape`."""
        ndim = len(input_shape)
        if any(not -ndim <= a < ndim for a in self.axis):
            raise ValueError(f"{self.name}: {where}: axis {self.axis} out of range for inputs of shape "
                             f"{tuple(input_shape)}")
        keep = tuple(sorted({a % ndim for a in self.axis}))
        if any(input_shape[a] is None for a in keep):
            raise ValueError(f"{self.name}: {where}: the kept axes {keep} need known sizes, got shape "
                             f"{tuple(input_shape)}")
        reduce = tuple(d for d in range(ndim) if d not in keep)
        return keep, reduce, tuple(input_shape[a] for a in keep)

    def build(self, input_shape):
        keep, _, stat_shape = self._axes(input_shape, "build")
        self.build_shape = tuple(input_shape)
        self.broadcast_shape = tuple(input_shape[d] if d in keep else 1 for d in range(len(input_shape)))
        self.keep_axes = keep
        if self.input_mean is None:
            self.add_weight("mean", stat_shape, "zeros", trainable=False)
            self.add_weight("variance", stat_shape, "ones", trainable=False)
            self.add_weight("count", (), "zeros", trainable=False)
            return
        self.fixed_mean = self._broadcast(self.input_mean, keep, len(input_shape))
        self.fixed_variance = self._broadcast(self.input_variance, keep, len(input_shape))

    def _broadcast(self, value, keep, ndim):
        value = np.asarray(value, dtype=self.dtype)
        shape = [1] * ndim
        for i in range(1, value.ndim + 1):
            shape[keep[-i]] = value.shape[-i]
        try:
            return np.broadcast_to(value.reshape(shape), self.broadcast_shape)
        except ValueError:
            raise ValueError(f"{self.name}: mean of shape {value.shape} does not broadcast against the kept axes "
                             f"of shape {self.broadcast_shape}") from None

    def statistics(self):
        """(mean, variance) as arrays of the broadcast shape (kept axes' sizes, 1 elsewhere)."""
        if self.input_mean is not None:
            return self.fixed_mean, self.fixed_variance
        return self.mean.data.reshape(self.broadcast_shape), self.variance.data.reshape(self.broadcast_shape)

    @property
    def adapted(self) -> bool:
        """Whether the statistics are known: given, or learned by `adapt` (and restored on loading)."""
        return self.input_mean is not None or (self.built and float(self.count.data) > 0)

    def call(self, inputs):
        if inputs.ndim != len(self.build_shape) or any(
                inputs.shape[a] != self.build_shape[a] for a in self.keep_axes):
            raise ValueError(f"{self.name}: built for inputs of shape {self.build_shape} (axes {self.keep_axes} "
                             f"kept), got {tuple(inputs.shape)}")
        if not self.adapted and not in_shape_pass():
            raise ValueError(f"{self.name}: no statistics: call adapt(data) first, or give mean and variance")
        if inputs.dtype.kind != "f":
            inputs = inputs.astype(self.dtype)
        mean, variance = self.statistics()
        scale = np.maximum(np.sqrt(variance), EPSILON).astype(inputs.dtype)
        mean = mean.astype(inputs.dtype)
        return mean + inputs * scale if self.invert else (inputs - mean) / scale

    def adapt(self, data: Any, batch_size: int = 128) -> None:
        """Compute the mean and variance of `data` per position on the kept axes, and store them.

        Parameters
        ----------
        data : array_like, or a `gw.data` Dataset / DataLoader / PyDataset, or any iterable of batches
            Read as `fit` reads its `x` (a batch `(x, y)` gives x). Batches are merged exactly (Chan's
            pairwise update, in float64), so any batching gives the statistics of the whole data.
        batch_size : int, default 128
            For a `gw.data.Dataset` of samples only: the batches it is read in.

        Raises
        ------
        ValueError
            If the layer was given `mean` and `variance`, or a batch's kept axes differ from the layer's
            (or the first batch's): checked for every batch before any statistic changes.
        """
        if self.input_mean is not None:
            raise ValueError(f"{self.name}: adapt cannot replace the mean and variance given to the constructor")
        total = mean = m2 = None
        first_shape = self.build_shape if self.built else None
        for index, batch in enumerate(batches_of(self, data, batch_size)):
            batch = np.asarray(batch, dtype=np.float64)
            if first_shape is None:
                first_shape = batch.shape
            keep, reduce, stat_shape = self._axes(batch.shape, f"adapt, batch {index}")
            if batch.ndim != len(first_shape) or any(batch.shape[a] != first_shape[a] for a in keep):
                raise ValueError(f"{self.name}: adapt, batch {index}: expected the kept axes {keep} of shape "
                                 f"{first_shape}, got {batch.shape}")
            n = int(np.prod([batch.shape[d] for d in reduce], dtype=np.int64))
            if n == 0:
                continue
            batch_mean = batch.mean(axis=reduce).reshape(stat_shape)
            batch_m2 = ((batch - batch.mean(axis=reduce, keepdims=True)) ** 2).sum(axis=reduce).reshape(stat_shape)
            if total is None:
                total, mean, m2 = n, batch_mean, batch_m2
            else:
                delta = batch_mean - mean
                mean = mean + delta * (n / (total + n))
                m2 = m2 + batch_m2 + delta ** 2 * (total * n / (total + n))
                total += n
        if total is None:
            raise ValueError(f"{self.name}: adapt received no values")
        if not self.built:
            self.build((None,) + tuple(first_shape[1:]) if 0 not in self._axes(first_shape, "adapt")[0]
                       else first_shape)
        for weight, value in [(self.mean, mean), (self.variance, m2 / total), (self.count, total)]:
            weight.data[...] = value
            increment_version(weight)

    def get_config(self):
        def listed(value):
            return None if value is None else np.asarray(value).tolist()

        return {**super().get_config(), "axis": self.axis_argument, "mean": listed(self.input_mean),
                "variance": listed(self.input_variance), "invert": self.invert}
