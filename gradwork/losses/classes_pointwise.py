"""The Loss classes of Keras's regression, count, distribution and hinge losses: each its function from
`pointwise.py` or `margin.py` with the settings of `Loss` (and CosineSimilarity's axis)."""
from numpy.typing import DTypeLike

from .classes import LossFunctionWrapper
from .margin import categorical_hinge, hinge, squared_hinge
from .pointwise import (
    cosine_similarity, kl_divergence, log_cosh, mean_absolute_percentage_error, mean_squared_logarithmic_error,
    poisson,
)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """`mean_absolute_percentage_error` as a Loss; arguments as for `Loss`.

    Examples
    --------
    >>> gw.losses.MeanAbsolutePercentageError()([[2.0, 1.0], [2.0, 3.0]], [[1.0, 1.0], [1.0, 0.0]])
    tensor(50.)
    """

    def __init__(self, reduction: str | None = "sum_over_batch_size",
                 name: str = "mean_absolute_percentage_error", dtype: DTypeLike | None = None):
        super().__init__(mean_absolute_percentage_error, reduction=reduction, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """`mean_squared_logarithmic_error` as a Loss; arguments as for `Loss`."""

    def __init__(self, reduction: str | None = "sum_over_batch_size",
                 name: str = "mean_squared_logarithmic_error", dtype: DTypeLike | None = None):
        super().__init__(mean_squared_logarithmic_error, reduction=reduction, name=name, dtype=dtype)


class CosineSimilarity(LossFunctionWrapper):
    """`cosine_similarity` as a Loss: -1 for vectors pointing the same way.

    Parameters
    ----------
    axis : int
        The axis of the vectors.
    reduction, name, dtype : as for `Loss`

    Examples
    --------
    >>> gw.losses.CosineSimilarity()([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])  # (0 - 1) / 2
    tensor(-0.49999997)
    """

    def __init__(self, axis: int = -1, reduction: str | None = "sum_over_batch_size",
                 name: str = "cosine_similarity", dtype: DTypeLike | None = None):
        super().__init__(cosine_similarity, reduction=reduction, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class LogCosh(LossFunctionWrapper):
    """`log_cosh` as a Loss; arguments as for `Loss`."""

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "log_cosh",
                 dtype: DTypeLike | None = None):
        super().__init__(log_cosh, reduction=reduction, name=name, dtype=dtype)


class Poisson(LossFunctionWrapper):
    """`poisson` as a Loss; arguments as for `Loss`."""

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "poisson",
                 dtype: DTypeLike | None = None):
        super().__init__(poisson, reduction=reduction, name=name, dtype=dtype)


class KLDivergence(LossFunctionWrapper):
    """`kl_divergence` as a Loss; arguments as for `Loss`."""

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "kl_divergence",
                 dtype: DTypeLike | None = None):
        super().__init__(kl_divergence, reduction=reduction, name=name, dtype=dtype)


class Hinge(LossFunctionWrapper):
    """`hinge` as a Loss (labels -1/1, or 0/1); arguments as for `Loss`.

    Examples
    --------
    >>> gw.losses.Hinge()([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])
    tensor(1.3)
    """

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "hinge",
                 dtype: DTypeLike | None = None):
        super().__init__(hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """`squared_hinge` as a Loss (labels -1/1, or 0/1); arguments as for `Loss`."""

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "squared_hinge",
                 dtype: DTypeLike | None = None):
        super().__init__(squared_hinge, reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    """`categorical_hinge` as a Loss (one-hot targets); arguments as for `Loss`."""

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "categorical_hinge",
                 dtype: DTypeLike | None = None):
        super().__init__(categorical_hinge, reduction=reduction, name=name, dtype=dtype)
