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

>>> loss = gw.losses.get("sparse_categorical_crossentropy")
>>> loss([2, 0], probs)                    # mean over the batch of -log(probs[i, y_i])
"""
import abc
import warnings

import numpy as np

from . import activations as _activations
from .nn import functional as F
from .ops.nn.softmax import made_by_softmax
from .ops.elementwise import Sigmoid
from .ops.shape_ops import Cast
from .tensor import Tensor, as_tensor, get_default_dtype

EPSILON = 1e-7  # Keras's backend.epsilon(): the clip applied to probabilities
_REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


# ----- shapes, dtypes and reductions ------------------------------------------------------------


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Keras's rank fix-up: when the ranks differ by one and the longer has a trailing axis of 1,
    drop that axis (or, if the shorter is 1-d and `expand_rank_1`, give the shorter one)."""
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = x2.reshape(x2.shape + (1,))
        else:
            x1 = x1.reshape(x1.shape[:-1])
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = x1.reshape(x1.shape + (1,))
        else:
            x2 = x2.reshape(x2.shape[:-1])
    return x1, x2


def _prediction(y_pred, dtype=None):
    """`y_pred` as a floating-point Tensor (of `dtype` if given)."""
    y_pred = as_tensor(y_pred)
    if dtype is not None and y_pred.dtype != dtype:
        return y_pred.astype(dtype)
    if y_pred.dtype.kind != "f":
        return y_pred.astype(get_default_dtype())
    return y_pred


def _target(y_true, like):
    """`y_true` as a Tensor of `like`'s dtype (a Tensor stays in the graph)."""
    if isinstance(y_true, Tensor):
        return y_true if y_true.dtype == like.dtype else y_true.astype(like.dtype)
    return Tensor._make(np.asarray(y_true, dtype=like.dtype))


def _matched(y_true, y_pred, name):
    """Both after Keras's rank fix-up, checked to have one shape (no silent broadcasting)."""
    shown = tuple(y_true.shape)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{name}: y_true must have the shape of y_pred (a trailing axis of 1 may differ): expected "
            f"{tuple(y_pred.shape)}, got {shown}"
        )
    return y_true, y_pred


def _mean_over(values, axis):
    return values if values.ndim == 0 else values.mean(axis=axis)


def _standardize_reduction(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    return reduction


def _aligned_weights(sample_weight, values, name):
    """`sample_weight` as an array shaped to multiply `values` (whose rank may be fixed up too)."""
    sw = sample_weight.data if isinstance(sample_weight, Tensor) else sample_weight
    sw = np.asarray(sw, dtype=values.dtype)
    shown = sw.shape
    values, sw = squeeze_or_expand_to_same_rank(values, sw)
    if 1 <= sw.ndim < values.ndim and sw.shape == values.shape[: sw.ndim]:
        # one weight per sample, spread over the sample's other axes
        sw = sw.reshape(sw.shape + (1,) * (values.ndim - sw.ndim))
    try:
        np.broadcast_shapes(values.shape, sw.shape)
    except ValueError:
        raise ValueError(
            f"{name}: sample_weight of shape {shown} does not fit the per-sample losses of shape "
            f"{tuple(values.shape)}"
        ) from None
    return values, sw


def reduce_weighted_values(values, sample_weight=None, mask=None, reduction="sum_over_batch_size",
                           name="loss"):
    """Weight the per-sample `values` (by `sample_weight` and a boolean `mask`) and reduce them."""
    reduction = _standardize_reduction(reduction)
    values = as_tensor(values)
    if mask is not None:
        weight = np.asarray(mask, dtype=values.dtype)
        if reduction in ("sum_over_batch_size", "mean"):
            valid = weight.sum()  # masked entries leave the average: divide by the valid count only
            weight = weight * (weight.size / valid if valid else 0.0)
        if sample_weight is not None:
            weight, sample_weight = _aligned_weights(sample_weight, Tensor._make(weight), name)
            sample_weight = weight.data * sample_weight
        else:
            sample_weight = weight
    if sample_weight is not None:
        values, sample_weight = _aligned_weights(sample_weight, values, name)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Sum, average or keep already-weighted per-sample values (see the module docstring)."""
    if reduction in (None, "none") or values.ndim == 0 or values.shape == (0,):
        return values
    total = values.sum()
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = float(np.sum(sample_weight))
    else:
        divisor = values.size
    return total / divisor if divisor else total * 0.0


# ----- finding the logits behind a softmax or sigmoid ---------------------------------------------


def _producer_logits(y_pred, kind, axis=None):
    """The logits `y_pred` was computed from by softmax over `axis` (kind "softmax") or by sigmoid,
    or None. Looks at the recorded graph node first, then at `gw.activations`' note for outputs
    computed without a graph."""
    fn = y_pred._fn
    if isinstance(fn, Cast) and getattr(fn, "inputs", None):  # a dtype cast of the activation's output
        inner = fn.inputs[0]
        if isinstance(inner, Tensor) and inner.shape == y_pred.shape:
            y_pred, fn = inner, inner._fn
    inputs = getattr(fn, "inputs", None)  # None too once backward has freed the node
    if inputs:
        if kind == "sigmoid" and isinstance(fn, Sigmoid):
            return as_tensor(inputs[0])
        if kind == "softmax" and made_by_softmax(fn, axis, y_pred.ndim):
            return as_tensor(inputs[0])
        return None
    noted = _activations.source_logits(y_pred, kind)
    if noted is None:
        return None
    logits, noted_axis = noted
    if kind == "softmax" and noted_axis % y_pred.ndim != axis % y_pred.ndim:
        return None
    return logits


def _logits_for(y_pred, from_logits, kind, name, axis=None):
    """The tensor to treat as logits (y_pred itself when from_logits), or None for the probability path."""
    found = _producer_logits(y_pred, kind, axis)
    if from_logits:
        if found is not None:
            warnings.warn(
                f"{name} got from_logits=True, but y_pred is the output of a {kind}, so it holds "
                "probabilities, not logits. Pass the values before the activation, or from_logits=False.",
                stacklevel=4,
            )
        return y_pred
    if found is not None and found.dtype != y_pred.dtype:
        found = found.astype(y_pred.dtype)
    return found


# ----- per-sample functions -----------------------------------------------------------------------


def mean_squared_error(y_true, y_pred):
    """mean((y_true - y_pred)^2) over the last axis: one value per sample."""
    y_pred = _prediction(y_pred)
    y_true, y_pred = _matched(_target(y_true, y_pred), y_pred, "mean_squared_error")
    return _mean_over(F.mse(y_pred, y_true, reduction="none"), -1)


def mean_absolute_error(y_true, y_pred):
    """mean(|y_true - y_pred|) over the last axis."""
    y_pred = _prediction(y_pred)
    y_true, y_pred = _matched(_target(y_true, y_pred), y_pred, "mean_absolute_error")
    return _mean_over(F.mae(y_pred, y_true, reduction="none"), -1)


def huber(y_true, y_pred, delta=1.0):
    """Huber loss averaged over the last axis: 0.5 e^2 where |e| <= delta, else delta |e| - 0.5 delta^2."""
    y_pred = _prediction(y_pred)
    y_true, y_pred = _matched(_target(y_true, y_pred), y_pred, "huber")
    return _mean_over(F.huber(y_pred, y_true, delta=delta, reduction="none"), -1)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-(t log p + (1 - t) log(1 - p)) averaged over `axis`, p clipped to [1e-7, 1 - 1e-7].

    label_smoothing moves the targets towards 0.5: t (1 - s) + s / 2. With from_logits=True, or
    when y_pred came from sigmoid, it is computed from the logits x as softplus(x) - t x.
    """
    y_pred = _prediction(y_pred)
    logits = _logits_for(y_pred, from_logits, "sigmoid", "binary_crossentropy")
    y_true, y_pred = _matched(_target(y_true, y_pred), y_pred, "binary_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if logits is not None:
        logits = logits.reshape(y_pred.shape)
        per_element = F.binary_cross_entropy_with_logits(logits, y_true, reduction="none")
    else:
        per_element = F.binary_cross_entropy(y_pred.clip(EPSILON, 1.0 - EPSILON), y_true, reduction="none")
    return _mean_over(per_element, axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-sum(t log p) over the class `axis`, for one-hot (or soft) targets of y_pred's shape.

    Probabilities are renormalized to sum to 1 and clipped to [1e-7, 1 - 1e-7] (as Keras);
    logits (from_logits=True, or y_pred from softmax over `axis`) go through log-softmax.
    label_smoothing mixes the targets with the uniform distribution: t (1 - s) + s / classes.
    """
    y_pred = _prediction(y_pred)
    if y_pred.ndim == 0:
        raise ValueError("categorical_crossentropy: y_pred needs a class axis, got a scalar")
    if isinstance(axis, bool) or not -y_pred.ndim <= axis < y_pred.ndim:
        raise ValueError(
            f"categorical_crossentropy: axis {axis!r} is out of range for y_pred of shape {y_pred.shape}"
        )
    logits = _logits_for(y_pred, from_logits, "softmax", "categorical_crossentropy", axis)
    y_true = _target(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"categorical_crossentropy: y_true must be one-hot (or soft) targets of y_pred's shape: expected "
            f"{y_pred.shape}, got {y_true.shape}; for integer labels use sparse_categorical_crossentropy"
        )
    if y_pred.shape[axis] == 1:
        warnings.warn(
            f"categorical_crossentropy: y_pred has a single class (shape {y_pred.shape}), so the loss is "
            "always 0; use binary_crossentropy for two classes",
            stacklevel=3,
        )
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[axis]
    last = axis % y_pred.ndim == y_pred.ndim - 1
    if logits is not None:
        if last:
            return F.cross_entropy(logits, y_true, reduction="none")
        return -(y_true * F.log_softmax(logits, axis)).sum(axis=axis)
    p = y_pred / y_pred.sum(axis=axis, keepdims=True)
    return -(y_true * p.clip(EPSILON, 1.0 - EPSILON).log()).sum(axis=axis)


def _integer_labels(y_true, pred_shape, name):
    """Integer class labels of shape pred_shape[:-1] (a trailing axis of 1 is dropped) as an int64 array."""
    t = y_true.data if isinstance(y_true, Tensor) else np.asarray(y_true)
    shown = t.shape
    if t.ndim == len(pred_shape) and t.ndim and t.shape[-1] == 1:
        t = t.reshape(t.shape[:-1])
    if t.shape != tuple(pred_shape[:-1]):
        raise ValueError(
            f"{name}: y_pred of shape {tuple(pred_shape)} (classes on the last axis) needs integer labels "
            f"y_true of shape {tuple(pred_shape[:-1])} (or {tuple(pred_shape[:-1]) + (1,)}); expected "
            f"{tuple(pred_shape[:-1])}, got {shown}"
        )
    if t.dtype.kind == "f":
        if not np.all(np.isfinite(t)) or np.any(t != np.round(t)):
            raise ValueError(f"{name}: y_true must hold whole-number class labels, got non-integer values")
    elif t.dtype.kind not in "iub":
        raise TypeError(f"{name}: y_true must hold integer class labels, got dtype {t.dtype}")
    return t.astype(np.int64)


def _sparse_crossentropy(y_true, y_pred, from_logits, ignore_class, axis, name):
    """(per-sample losses, mask of the labels that count, or None)."""
    y_pred = _prediction(y_pred)
    if y_pred.ndim == 0:
        raise ValueError(f"{name}: y_pred needs a class axis, got a scalar")
    if isinstance(axis, bool) or axis not in (-1, y_pred.ndim - 1):
        raise ValueError(f"{name}: only the last axis can hold the classes, got axis={axis!r}")
    logits = _logits_for(y_pred, from_logits, "softmax", name, -1)
    labels = _integer_labels(y_true, y_pred.shape, name)
    valid = None
    if ignore_class is not None:
        valid = labels != ignore_class
        labels = np.where(valid, labels, 0)
    n_classes = y_pred.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        bad = labels[(labels < 0) | (labels >= n_classes)].flat[0]
        raise ValueError(
            f"{name}: label {bad} is out of range for {n_classes} classes (0 to {n_classes - 1})"
        )
    if logits is not None:
        values = F.cross_entropy(logits, labels, reduction="none")
    else:
        p = y_pred / y_pred.sum(axis=-1, keepdims=True)
        values = F.nll_loss(p.clip(EPSILON, 1.0 - EPSILON).log(), labels, reduction="none")
    if valid is not None:
        values = values * valid.astype(values.dtype)
    return values, valid


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """-log p[label] per sample, for integer labels of shape y_pred.shape[:-1] (or with a trailing 1).

    Probabilities are renormalized and clipped as in `categorical_crossentropy`; logits
    (from_logits=True, or y_pred from softmax) go through log-softmax. Samples whose label equals
    `ignore_class` get loss 0 (the loss classes also leave them out of the average).
    """
    name = "sparse_categorical_crossentropy"
    return _sparse_crossentropy(y_true, y_pred, from_logits, ignore_class, axis, name)[0]


_FUNCTIONS = (
    binary_crossentropy, categorical_crossentropy, huber, mean_absolute_error, mean_squared_error,
    sparse_categorical_crossentropy,
)

# ----- loss classes -------------------------------------------------------------------------------


class Loss(abc.ABC):
    """Base class: subclasses implement `call(y_true, y_pred)` returning per-sample losses (a Tensor).

    reduction: "sum_over_batch_size" (default) | "mean" | "sum" | "mean_with_sample_weight" | None | "none".
    dtype: compute in this dtype (default: y_pred's own floating dtype).
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or _snake_case(type(self).__name__)
        self.reduction = _standardize_reduction(reduction)
        self.dtype = None if dtype is None else np.dtype(dtype)

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_pred = _prediction(y_pred, self.dtype)
        values, mask = self._call_with_mask(y_true, y_pred)
        return reduce_weighted_values(values, sample_weight, mask, self.reduction, self.name)

    @abc.abstractmethod
    def call(self, y_true, y_pred):
        """Subclasses implement this."""

    def _call_with_mask(self, y_true, y_pred):
        return self.call(y_true, y_pred), None

    def get_config(self):
        dtype = None if self.dtype is None else self.dtype.name
        return {"name": self.name, "reduction": self.reduction, "dtype": dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


class LossFunctionWrapper(Loss):
    """A Loss from a per-sample function `fn(y_true, y_pred, **kwargs)`."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        if self.fn in _FUNCTIONS:  # these convert and check their own arguments
            return self.fn(y_true, y_pred, **self._fn_kwargs)
        y_true, y_pred = squeeze_or_expand_to_same_rank(_target(y_true, y_pred), y_pred)
        return as_tensor(self.fn(y_true, y_pred, **self._fn_kwargs))

    def get_config(self):
        config = super().get_config()
        if type(self) is LossFunctionWrapper:
            config["fn"] = getattr(self.fn, "__name__", repr(self.fn))
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if cls is LossFunctionWrapper:
            fn = config.pop("fn")
            config["fn"] = _lookup_function(fn) if isinstance(fn, str) else fn
        return cls(**config)


class MeanSquaredError(LossFunctionWrapper):
    """Mean of (y_true - y_pred)^2: per sample over the last axis, then over the batch."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of |y_true - y_pred|."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class Huber(LossFunctionWrapper):
    """Quadratic for errors up to `delta`, linear beyond: robust to outliers."""

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)
        self.delta = delta


class BinaryCrossentropy(LossFunctionWrapper):
    """Cross-entropy for 0/1 (or soft) targets and probabilities (or logits with from_logits=True)."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_crossentropy", dtype=None):
        super().__init__(binary_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for one-hot targets and class probabilities (or logits with from_logits=True)."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="categorical_crossentropy", dtype=None):
        super().__init__(categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for integer labels and class probabilities (or logits with from_logits=True).

    Samples labelled `ignore_class` count neither in the sum nor in the average.
    """

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size", axis=-1,
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.from_logits, self.ignore_class, self.axis = from_logits, ignore_class, axis

    def _call_with_mask(self, y_true, y_pred):
        return _sparse_crossentropy(y_true, y_pred, self.from_logits, self.ignore_class, self.axis, self.name)


# ----- lookup -------------------------------------------------------------------------------------


def _snake_case(name):
    out = "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
    return out


_CLASSES = (
    BinaryCrossentropy, CategoricalCrossentropy, Huber, MeanAbsoluteError, MeanSquaredError,
    SparseCategoricalCrossentropy,
)
_BY_NAME = {cls.__name__: cls for cls in _CLASSES}
_BY_NAME.update({
    "mean_squared_error": MeanSquaredError, "mse": MeanSquaredError, "MSE": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError, "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "huber": Huber, "huber_loss": Huber,
    "binary_crossentropy": BinaryCrossentropy, "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
})
_FUNCTION_BY_NAME = {fn.__name__: fn for fn in _FUNCTIONS}


def _lookup(name):
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; valid names are: {', '.join(sorted(_BY_NAME))}") from None


def _lookup_function(name):
    try:
        return _FUNCTION_BY_NAME[name]
    except KeyError:
        raise ValueError(
            f"unknown loss function {name!r}; valid names are: {', '.join(sorted(_FUNCTION_BY_NAME))}"
        ) from None


def serialize(loss):
    """{'class_name': ..., 'config': {...}} for a Loss (a built-in loss function serializes as its name)."""
    if loss in _FUNCTIONS:
        return loss.__name__
    if not isinstance(loss, Loss):
        raise TypeError(f"serialize expects a Loss, got {type(loss).__name__}")
    name = type(loss).__name__
    if name not in _BY_NAME and not isinstance(loss, LossFunctionWrapper):
        raise ValueError(
            f"cannot serialize the custom loss class {name}: only built-in losses can be rebuilt"
        )
    if type(loss) is LossFunctionWrapper and loss.fn not in _FUNCTIONS:
        raise ValueError(f"cannot serialize a loss wrapping the custom function {loss.fn!r}")
    return {"class_name": name, "config": loss.get_config()}


def deserialize(config):
    """A Loss from `serialize`'s output or from a name."""
    if isinstance(config, str):
        return _lookup(config)()
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"deserialize expects a dict with 'class_name' and 'config', got {config!r}")
    name = config["class_name"]
    cls = LossFunctionWrapper if name == "LossFunctionWrapper" else _lookup(name)
    return cls.from_config(dict(config.get("config") or {}))


def get(identifier):
    """A Loss instance from a name ("mse", "sparse_categorical_crossentropy", "BinaryCrossentropy"),
    a config dict, a Loss class or instance, or a per-sample function fn(y_true, y_pred) (wrapped
    in LossFunctionWrapper so reductions and sample weights work). None gives None."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier):
        if getattr(identifier, "__module__", "") == F.losses.__name__:
            raise TypeError(
                f"{identifier.__name__} from gradwork.nn.functional takes (input, target) in PyTorch's "
                "order; Keras losses take (y_true, y_pred): use a name such as 'mse' or a gw.losses function"
            )
        return LossFunctionWrapper(identifier)
    raise ValueError(f"could not interpret loss identifier {identifier!r}")


__all__ = [
    "BinaryCrossentropy", "CategoricalCrossentropy", "Huber", "Loss", "LossFunctionWrapper",
    "MeanAbsoluteError", "MeanSquaredError", "SparseCategoricalCrossentropy", "binary_crossentropy",
    "categorical_crossentropy", "deserialize", "get", "huber", "mean_absolute_error", "mean_squared_error",
    "reduce_weighted_values", "serialize", "sparse_categorical_crossentropy",
]
