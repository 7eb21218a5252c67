"""The Loss classes of Keras's focal cross-entropies and overlap losses: each its function from
`focal.py` or `overlap.py` with its settings, kept as attributes too."""
from numpy.typing import DTypeLike

from .classes import LossFunctionWrapper
from .focal import binary_focal_crossentropy, categorical_focal_crossentropy
from .overlap import dice, tversky


class _SettingsKept(LossFunctionWrapper):
    """A LossFunctionWrapper that also keeps its function's keyword arguments as attributes."""

    def __init__(self, fn, reduction, name, dtype, **settings):
        super().__init__(fn, reduction=reduction, name=name, dtype=dtype, **settings)
        vars(self).update(settings)


class BinaryFocalCrossentropy(_SettingsKept):
    """`binary_focal_crossentropy` as a Loss: 0/1 (or soft) targets, probabilities (or logits).

    Parameters
    ----------
    apply_class_balancing, alpha, gamma, from_logits, label_smoothing, axis : as for `binary_focal_crossentropy`
    reduction, name, dtype : as for `Loss`

    Examples
    --------
    >>> loss = gw.losses.BinaryFocalCrossentropy(gamma=2.0, from_logits=True)
    >>> loss([0.0, 1.0, 0.0, 0.0], [-18.6, 0.51, 2.94, -12.8])
    tensor(0.6912121)
    """

    def __init__(self, apply_class_balancing: bool = False, alpha: float = 0.25, gamma: float = 2.0,
                 from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: str | None = "sum_over_batch_size", name: str = "binary_focal_crossentropy",
                 dtype: DTypeLike | None = None):
        super().__init__(binary_focal_crossentropy, reduction, name, dtype,
                         apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalFocalCrossentropy(_SettingsKept):
    """`categorical_focal_crossentropy` as a Loss: one-hot targets, class probabilities (or logits).

    Parameters
    ----------
    alpha, gamma, from_logits, label_smoothing, axis : as for `categorical_focal_crossentropy`
    reduction, name, dtype : as for `Loss`

    Examples
    --------
    >>> loss = gw.losses.CategoricalFocalCrossentropy()
    >>> loss([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    tensor(0.23315276)
    """

    def __init__(self, alpha: float = 0.25, gamma: float = 2.0, from_logits: bool = False,
                 label_smoothing: float = 0.0, axis: int = -1, reduction: str | None = "sum_over_batch_size",
                 name: str = "categorical_focal_crossentropy", dtype: DTypeLike | None = None):
        super().__init__(categorical_focal_crossentropy, reduction, name, dtype, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class Dice(_SettingsKept):
    """`dice` as a Loss.

    Parameters
    ----------
    axis : int, tuple of int, or None
        The axes summed over; None (all of them) gives one value for the whole batch.
    reduction, name, dtype : as for `Loss`
    """

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "dice",
                 axis: int | tuple[int, ...] | None = None, dtype: DTypeLike | None = None):
        super().__init__(dice, reduction, name, dtype, axis=axis)


class Tversky(_SettingsKept):
    """`tversky` as a Loss.

    Parameters
    ----------
    alpha, beta : float
        The weights of false positives and of false negatives.
    axis : int, tuple of int, or None
        The axes summed over; None (all of them) gives one value for the whole batch.
    reduction, name, dtype : as for `Loss`
    """

    def __init__(self, alpha: float = 0.5, beta: float = 0.5, reduction: str | None = "sum_over_batch_size",
                 name: str = "tversky", axis: int | tuple[int, ...] | None = None, dtype: DTypeLike | None = None):
        super().__init__(tversky, reduction, name, dtype, alpha=alpha, beta=beta, axis=axis)
