"""Keras losses: `loss(y_true, y_pred, sample_weight=None)` -> scalar Tensor (note Keras's argument order).

Each loss is first computed per sample (averaged over the last axis for mean squared/absolute
error, Huber and binary cross-entropy; summed over the class axis for the categorical ones),
then weighted by `sample_weight` and reduced: "sum_over_batch_size" (the default; "mean" is the
same) divides the weighted sum by the number of per-sample values, "sum" does not divide,
"mean_with_sample_weight" divides by the summed weights, and None / "none" returns the values.

Probabilities are clipped to [1e-7, 1 - 1e-7] before their logarithm, as Keras does. But when
`y_pred` was produced by `softmax` (for the categorical losses, over the class axis) or by
`sigmoid` (for binary cross-entropy), the loss is computed from the logits behind it instead:
exactly what `from_logits=True` on those logits gives, and finite with the right gradient
even where the probabilities have saturated to 0 or 1.

The package's files, one job each: `shapes` (rank fix-ups and argument checks), `reduction`
(sample weights and reductions), `logits` (the logits behind softmax/sigmoid outputs),
`functions` (the squared/absolute errors, Huber and the cross-entropies), `pointwise` (percentage,
logarithmic, log-cosh, cosine, Poisson and KL losses), `margin` (the hinge losses), `focal` (the
focal cross-entropies), `overlap` (Dice and Tversky), `classes` (`Loss` and the first loss classes),
`classes_pointwise` and `classes_focal_overlap` (the other loss classes).

>>> loss = gw.losses.get("SparseCategoricalCrossentropy")
>>> loss([2, 0], [[0.1, 0.1, 0.8], [0.5, 0.25, 0.25]])     # mean over the batch of -log(p[i, y_i])
tensor(0.45814535)
"""
from collections.abc import Callable

from ..nn import functional as F
from ..registry import Registry
from .classes import (
    BinaryCrossentropy, CategoricalCrossentropy, Huber, Loss, LossFunctionWrapper, MeanAbsoluteError,
    MeanSquaredError, SparseCategoricalCrossentropy,
)
from .classes_focal_overlap import BinaryFocalCrossentropy, CategoricalFocalCrossentropy, Dice, Tversky
from .classes_pointwise import (
    CategoricalHinge, CosineSimilarity, Hinge, KLDivergence, LogCosh, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, Poisson, SquaredHinge,
)
from .focal import binary_focal_crossentropy, categorical_focal_crossentropy
from .functions import (
    EPSILON, LOSS_FUNCTIONS, binary_crossentropy, categorical_crossentropy, huber, mean_absolute_error,
    mean_squared_error, sparse_categorical_crossentropy,
)
from .margin import categorical_hinge, hinge, squared_hinge
from .overlap import dice, tversky
from .pointwise import (
    cosine_similarity, kl_divergence, log_cosh, mean_absolute_percentage_error, mean_squared_logarithmic_error,
    poisson,
)
from .reduction import reduce_values, reduce_weighted_values
from .shapes import squeeze_or_expand_to_same_rank

_LOSSES = Registry(
    "loss",
    Loss,
    entries=(
        BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy, CategoricalFocalCrossentropy,
        CategoricalHinge, CosineSimilarity, Dice, Hinge, Huber, KLDivergence, LogCosh, MeanAbsoluteError,
        MeanAbsolutePercentageError, MeanSquaredError, MeanSquaredLogarithmicError, Poisson,
        SparseCategoricalCrossentropy, SquaredHinge, Tversky,
    ),
    aliases={
        "mse": MeanSquaredError, "MSE": MeanSquaredError, "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
        "huber_loss": Huber, "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
        "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
        "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
        "kld": KLDivergence, "KLD": KLDivergence, "kullback_leibler_divergence": KLDivergence, "logcosh": LogCosh,
    },
    snake_case_aliases=True,
)


def serialize(loss: Loss | Callable) -> dict | str:
    """{"class_name": ..., "config": {...}} for a Loss; a built-in loss function serializes as its name.

    Raises
    ------
    ValueError
        For a custom Loss class that is not registered, or a wrapper of a custom function.
    """
    if LOSS_FUNCTIONS.is_entry(loss):
        return loss.__name__
    if isinstance(loss, Loss) and _LOSSES.name_of(type(loss)) is None:
        if type(loss) is LossFunctionWrapper and LOSS_FUNCTIONS.name_of(loss.fn) is None:
            raise ValueError(f"cannot serialize a loss wrapping the custom function {loss.fn!r}")
        if not isinstance(loss, LossFunctionWrapper):
            raise ValueError(
                f"cannot serialize the custom loss class {type(loss).__name__}: only built-in losses, and "
                "classes registered with @gw.saving.register_serializable(), can be rebuilt"
            )
    return _LOSSES.serialize(loss)


def deserialize(config: str | dict) -> Loss | Callable:
    """A Loss from `serialize`'s dict, or what a name means (a loss class's instance, or a function)."""
    return _LOSSES.deserialize(config, custom_objects={"LossFunctionWrapper": LossFunctionWrapper})


# Keras's `get` answers these short names with the loss function itself, as it does a function's name.
_FUNCTION_ALIASES = {
    "mse": mean_squared_error, "MSE": mean_squared_error, "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "bce": binary_crossentropy, "BCE": binary_crossentropy, "kld": kl_divergence, "KLD": kl_divergence,
    "mape": mean_absolute_percentage_error, "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error, "MSLE": mean_squared_logarithmic_error,
    "logcosh": log_cosh, "huber_loss": huber, "kullback_leibler_divergence": kl_divergence,
}


def get(identifier: str | dict | type | Callable | None) -> Loss | Callable | None:
    """What Keras's `losses.get` returns: a loss function for a function's name, else a Loss instance.

    Parameters
    ----------
    identifier : str, dict, Loss class or instance, callable, or None
        A built-in function's name ("categorical_crossentropy") or short name ("mse", "mae", "bce",
        "kld", "mape", "msle") gives that function, fn(y_true, y_pred) -> per-sample values (batch,
        ...). A class name ("CategoricalCrossentropy") or config dict gives a Loss instance, as does a
        Loss class; a Loss instance or any other callable is returned as is. None gives None.

    Raises
    ------
    ValueError
        For an unknown name.
    TypeError
        For a `gw.nn.functional` loss, which takes (input, target) in PyTorch's order.

    Examples
    --------
    >>> gw.losses.get("categorical_crossentropy") is gw.losses.categorical_crossentropy
    True
    >>> gw.losses.get("CategoricalCrossentropy")
    <CategoricalCrossentropy name='categorical_crossentropy' reduction='sum_over_batch_size'>
    """
    if isinstance(identifier, str):
        try:
            return _FUNCTION_ALIASES.get(identifier) or LOSS_FUNCTIONS.lookup(identifier)
        except ValueError:  # not a function's name: a class name, or unknown (which _LOSSES reports)
            pass
    loss = _LOSSES.get(identifier)
    _refuse_pytorch_order(loss)
    return loss


def as_loss(identifier: str | dict | type | Callable | None) -> Loss | None:
    """A Loss instance for training (what `compile` keeps): a name gives the loss class's instance
    ("categorical_crossentropy" -> `CategoricalCrossentropy()`), a per-sample function
    fn(y_true, y_pred) -> shape (batch, ...) is wrapped in `LossFunctionWrapper` so that reductions
    and sample weights work; otherwise as `get`. None gives None.
    """
    loss = _LOSSES.get(identifier)
    if loss is None or isinstance(loss, Loss):
        return loss
    _refuse_pytorch_order(loss)
    return LossFunctionWrapper(loss)


def _refuse_pytorch_order(loss):
    if getattr(loss, "__module__", "") in (F.losses.__name__, F.class_losses.__name__):
        raise TypeError(
            f"{loss.__name__} from gradwork.nn.functional takes (input, target) in PyTorch's "
            "order; Keras losses take (y_true, y_pred): use a name such as 'mse' or a gw.losses function"
        )


__all__ = [
    "BinaryCrossentropy", "BinaryFocalCrossentropy", "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy", "CategoricalHinge", "CosineSimilarity", "Dice", "EPSILON", "Hinge",
    "Huber", "KLDivergence", "LogCosh", "Loss", "LossFunctionWrapper", "MeanAbsoluteError",
    "MeanAbsolutePercentageError", "MeanSquaredError", "MeanSquaredLogarithmicError", "Poisson",
    "SparseCategoricalCrossentropy", "SquaredHinge", "Tversky", "as_loss", "binary_crossentropy",
    "binary_focal_crossentropy", "categorical_crossentropy", "categorical_focal_crossentropy",
    "categorical_hinge", "cosine_similarity", "deserialize", "dice", "get", "hinge", "huber", "kl_divergence",
    "log_cosh", "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_error",
    "mean_squared_logarithmic_error", "poisson", "reduce_values", "reduce_weighted_values", "serialize",
    "sparse_categorical_crossentropy", "squared_hinge", "squeeze_or_expand_to_same_rank", "tversky",
]
