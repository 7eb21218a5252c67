"""Discretization: bucket continuous values by boundaries, given or learned as quantiles (Keras's layer)."""
from typing import Any

import numpy as np

from ...tensor import as_tensor
from ..layer import Layer
from ._preprocessing import ArrayInputs, ENCODINGS, batches_of, check_mode, encode, refuse_sparse


class Discretization(ArrayInputs, Layer):
    """The index of the bucket of each value: boundaries [b0, b1, ...] make the buckets (-inf, b0),
    [b0, b1), ..., [b_last, inf), numbered 0, 1, ..., len(boundaries).

    `adapt(data)` learns `num_bins - 1` boundaries at approximate quantiles of the data, with Keras's
    algorithm (so the same data gives Keras's boundaries): each batch (as float32) is sorted and
    summarised by every k-th value, k = max(n * epsilon, 1), each weighing k; summaries are merged and
    compressed to about 1/epsilon points by interpolating their cumulative weights; the boundaries are
    the summary compressed to `num_bins` points, last dropped. With fewer than `num_bins` summary points
    (small data) the summary is used as is: every distinct sorted value but the last becomes a
    boundary, so fewer or more than `num_bins` buckets can result, as in Keras. The boundaries are
    part of the config (saved with the model).

    Parameters
    ----------
    bin_boundaries : list of float, optional
        Sorted (non-decreasing). Give this or `num_bins`.
    num_bins : int, optional
        >= 1: how many buckets `adapt` makes.
    epsilon : float, default 0.01
        The quantile summary's error tolerance, in (0, 1).
    output_mode : {"int", "one_hot", "multi_hot", "count"}, default "int"
        "int": the bucket indices (int64); otherwise encoded as `CategoryEncoding` does, with
        len(bin_boundaries) + 1 tokens, in the layer's dtype.
    sparse : bool, default False
        True is refused: gradwork has no sparse tensors.
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    Any (values cast to the layer's float dtype).

    Output shape
    ------------
    "int": same as the input; otherwise see `CategoryEncoding`.

    Examples
    --------
    >>> layer = gw.nn.Discretization(bin_boundaries=[0., 1., 2.])
    >>> layer(np.array([[-1.5, 1.0, 3.4, .5], [0.0, 3.0, 1.3, 0.0]])).numpy()
    array([[0, 2, 3, 1],
           [1, 3, 2, 1]])
    """

    def __init__(self, bin_boundaries: list | None = None, num_bins: int | None = None, epsilon: float = 0.01,
                 output_mode: str = "int", sparse: bool = False, **kwargs: Any) -> None:
        output_mode = check_mode(self, output_mode, ("int",) + ENCODINGS)
        sparse = refuse_sparse(self, sparse)
        if (num_bins is None) == (bin_boundaries is None):
            raise ValueError(f"Discretization: give exactly one of bin_boundaries and num_bins, got "
                             f"bin_boundaries={bin_boundaries!r}, num_bins={num_bins!r}")
        if num_bins is not None and (isinstance(num_bins, bool) or not isinstance(num_bins, (int, np.integer))
                                     or num_bins < 1):
            raise ValueError(f"Discretization: num_bins must be an integer >= 1, got {num_bins!r}")
        if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or not 0 < epsilon < 1:
            raise ValueError(f"Discretization: epsilon must be a number in (0, 1), got {epsilon!r}")
        boundaries = None if bin_boundaries is None else self._checked(bin_boundaries)
        super().__init__(**kwargs)
        self.output_mode, self.sparse = output_mode, sparse
        self.num_bins = None if num_bins is None else int(num_bins)
        self.epsilon = float(epsilon)
        self.bin_boundaries = boundaries

    def _checked(self, boundaries):
        values = np.asarray(boundaries, dtype=np.float64)
        if values.ndim != 1 or not np.all(np.isfinite(values)) or np.any(np.diff(values) < 0):
            raise ValueError(f"{type(self).__name__}: bin_boundaries must be a sorted list of finite numbers, got "
                             f"{boundaries!r}")
        return values.tolist()

    def adapt(self, data: Any, batch_size: int = 128) -> None:
        """Learn `num_bins - 1` boundaries at approximate quantiles of `data` (see the class notes).

        Parameters
        ----------
        data : array_like, or a `gw.data` Dataset / DataLoader / PyDataset, or any iterable of batches
            Read as `fit` reads its `x`; every value counts, whatever its position.
        batch_size : int, default 128
            For a `gw.data.Dataset` of samples only.
        """
        if self.num_bins is None:
            raise ValueError(f"{self.name}: adapt needs num_bins; this layer was given bin_boundaries")
        summary = np.zeros((2, 0), dtype=np.float32)
        for batch in batches_of(self, data, batch_size):
            values = np.asarray(batch, dtype=np.float32).ravel()
            if values.size == 0:
                continue
            if not np.all(np.isfinite(values)):
                raise ValueError(f"{self.name}: adapt: the data holds NaN or infinite values")
            merged = np.concatenate([summary, _summarize(values, self.epsilon)], axis=1)
            summary = _compress(merged[:, np.argsort(merged[0], kind="stable")], self.epsilon)
        if summary.shape[1] == 0:
            raise ValueError(f"{self.name}: adapt received no values")
        self.bin_boundaries = _compress(summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(f"{self.name}: no bin boundaries: call adapt(data) first, or give bin_boundaries")
        x = inputs.data.astype(self.dtype) if inputs.dtype.kind != "f" else inputs.data
        indices = np.digitize(x, np.asarray(self.bin_boundaries, dtype=x.dtype)).astype(np.int64)
        if self.output_mode == "int":
            return as_tensor(indices)
        return as_tensor(encode(self, indices, self.output_mode, len(self.bin_boundaries) + 1))

    def get_config(self):
        return {**super().get_config(), "bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins,
                "epsilon": self.epsilon, "output_mode": self.output_mode, "sparse": self.sparse}

    @classmethod
    def from_config(cls, config):
        """The layer of `get_config`; an adapted one has both num_bins and its learned bin_boundaries."""
        config = dict(config)
        boundaries = config.pop("bin_boundaries", None)
        if config.get("num_bins") is None:
            return cls(bin_boundaries=boundaries, **config)
        layer = cls(**config)
        if boundaries is not None:
            layer.bin_boundaries = layer._checked(boundaries)
        return layer


def _summarize(values, epsilon):
    """(2, m) float32: every k-th sorted value from the k-th on (k = n * epsilon, at least 1), weight k."""
    values = np.sort(values)
    increment = values.size / (1.0 / epsilon)
    step = max(increment, 1)
    picked = values[int(increment)::int(step)]
    return np.stack([picked, np.full_like(picked, step)])


def _compress(summary, epsilon):
    """`summary` reduced to 1/epsilon points at evenly spaced cumulative weights (as is if smaller)."""
    if summary.shape[1] * epsilon < 1:
        return summary
    targets = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    fractions = cumulative / cumulative[-1]
    values = np.interp(targets, fractions, summary[0])
    weights = np.diff(np.interp(targets, fractions, cumulative), prepend=0.0)
    return np.stack([values, weights]).astype(np.float32)
