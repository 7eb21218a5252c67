"""`Layer`: the base of every layer and model (Keras's name; `Module` is an alias for PyTorch habits),
and `serialize` / `deserialize` of layers."""

from __future__ import annotations

import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from .. import constraints, initializers, regularizers
from ..autograd.grad_mode import no_grad
from ..registry import get_registered_class, register_builtin, registered_name, serialize_object, snake_case
from ..tensor import Tensor, as_tensor, get_default_dtype
from ._weight_arrays import WeightArrays
from .building import build_shape_args, marking_built, shape_of, undo_build_on_error
from .layer_losses import LayerLosses
from .parameter import Parameter
from .symbolic import Connected, is_symbolic, symbolic_call
from .tracking import is_container, layers_in

_name_counts = {}


def _unique_name(base):
    """Keras-style automatic names: dense, dense_1, dense_2, ..."""
    n = _name_counts.get(base, 0)
    _name_counts[base] = n + 1
    return base if n == 0 else f"{base}_{n}"


class _CallContext(threading.local):
    training = None  # the training flag of the outermost layer call in progress


_context = _CallContext()


class Layer(WeightArrays, LayerLosses, Connected):
    """Base class of layers and models: weights, sublayers, training mode and config.

    A subclass writes `call(inputs, training=None)` and, if it has weights, `build(input_shape)`,
    which creates them with `add_weight` on the first call, once the input's size is known (a
    PyTorch-style `forward` works as `call`). A `Parameter` or a `Layer` assigned to an attribute,
    also inside lists, tuples and dicts, is registered, so `weights`, `train()`, `state_dict()` and
    saving find it; `get_config` returns the constructor arguments that rebuild the layer. The array
    forms of the weights (`get_weights`, `set_weights`, `state_dict`, ...) come from `WeightArrays`.

    Parameters
    ----------
    name : str, optional
        Default: a unique name from the class name ("dense", "dense_1", ...).
    trainable : bool, default True
        Whether training updates the layer's weights (see the `trainable` property).
    dtype : dtype, optional
        The weights' dtype, and the one float inputs are cast to; default `gw.get_default_dtype()`.
    input_shape : tuple of int or None, optional
        The shape of one sample (no batch axis): lets a model build the layer at once, e.g. as the
        first layer of a Sequential model.
    activity_regularizer : str or callable, optional
        A `gw.regularizers` identifier: its penalty of each output, divided by the batch size, is
        added to the training loss (see `losses`, `gradwork.nn.layer_losses`).
    **kwargs
        The `<weight>_constraint` arguments the class names in `constraint_arguments` (a
        `gw.constraints` identifier each, applied to that weight after every optimizer update);
        anything else is a TypeError that names it.

    Notes
    -----
    Training mode: `layer(x, training=True)` sets it for one call and for every sublayer called
    inside; without the argument a layer uses the mode of the call it is inside, else its own
    flag `training`, set by `train()` / `eval()` (False by default, as Keras: a direct call is
    inference). `built` says whether `build` has run (directly, or in a first call that succeeded:
    a failed one leaves the layer as it was); `output_shape` is the last output's shape, batch None.

    Examples
    --------
    >>> class Scale(gw.nn.Layer):
    ...     def build(self, input_shape):
    ...         self.alpha = self.add_weight("alpha", (input_shape[-1],), "ones")
    ...     def call(self, inputs):
    ...         return inputs * self.alpha
    >>> layer = Scale()
    >>> layer(np.ones((2, 3))).shape
    (2, 3)
    >>> [w.name for w in layer.weights]
    ['alpha']
    """

    constraint_arguments: tuple[str, ...] = ()  # e.g. ("kernel_constraint", "bias_constraint")

    def __init__(self, name: str | None = None, trainable: bool = True, dtype: DTypeLike | None = None,
                 input_shape: Sequence[int | None] | None = None,
                 activity_regularizer: str | Callable | None = None, **kwargs: Any) -> None:
        given = {key: constraints.get(kwargs.pop(key, None)) for key in self.constraint_arguments}
        if kwargs:
            raise TypeError(f"{type(self).__name__} got unexpected arguments: {', '.join(sorted(kwargs))}")
        activity_regularizer = regularizers.get(activity_regularizer)
        self.__dict__.update(_sublayers=OrderedDict(), _params=OrderedDict(), _call_losses=[], **given)
        self.activity_regularizer = activity_regularizer
        self.name = name or _unique_name(snake_case(type(self).__name__))
        self._trainable = trainable
        self.dtype = np.dtype(dtype) if dtype is not None else get_default_dtype()
        self.built = False
        self.training = False
        self.input_shape_hint = None if input_shape is None else tuple(input_shape)
        self.output_shape = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "forward" in cls.__dict__:  # PyTorch's name for call
            if "call" in cls.__dict__:
                raise TypeError(f"{cls.__name__} defines both call and forward (PyTorch's name for call): "
                                "define one of them")
            cls.call = cls.__dict__["forward"]
        if "build" in cls.__dict__:
            cls.build = marking_built(cls.__dict__["build"])
        cls._call_takes_training = "training" in inspect.signature(cls.call).parameters
        cls._call_takes_mask = "mask" in inspect.signature(cls.call).parameters
        cls._build_shape_args = build_shape_args(cls)
        if cls.__module__.startswith("gradwork."):
            register_builtin(cls)

    @property
    def call_takes_mask(self) -> bool:
        """Whether `call` has a `mask` argument (a `Sequential` then passes it the previous layer's mask)."""
        return self._call_takes_mask

    # ----- attribute tracking -----------------------------------------------------------------
    def __setattr__(self, key, value):
        if "_params" not in self.__dict__:
            raise RuntimeError(f"{type(self).__name__}: call super().__init__() before assigning attributes")
        if isinstance(value, Parameter):
            self._params[key] = value
        elif isinstance(value, Layer) or is_container(value):  # a container's layers are read when asked for
            self._sublayers[key] = value
        else:
            self._params.pop(key, None)
            self._sublayers.pop(key, None)
        object.__setattr__(self, key, value)

    def __delattr__(self, key):
        self._params.pop(key, None)
        self._sublayers.pop(key, None)
        object.__delattr__(self, key)

    def add_weight(self, name: str, shape: Sequence[int], initializer: str | Callable = "glorot_uniform",
                   regularizer: str | Callable | None = None, trainable: bool = True,
                   dtype: DTypeLike | None = None, constraint: str | Callable | None = None) -> Parameter:
        """Create a weight, register it as the attribute `name`, and return it (Keras's `add_weight`).

        Parameters
        ----------
        name : str
            The attribute and the weight's name ("kernel", "bias").
        shape : tuple of int
        initializer : str or callable
            A `gw.initializers` identifier, or a callable `(shape, dtype) -> array`.
        regularizer : str or callable, optional
            A `gw.regularizers` identifier; its penalty is added to the training loss.
        trainable : bool
            False for state that is saved but not learned (batch norm's moving statistics).
        dtype : dtype, optional
            Default: the layer's dtype.
        constraint : str or callable, optional
            A `gw.constraints` identifier, applied to the weight after every optimizer update.

        Returns
        -------
        Parameter, shape `shape`; frozen (requires_grad False) if the layer is not trainable.
        """
        init, regularizer, constraint = initializers.get(initializer), regularizers.get(regularizer), constraints.get(
            constraint)
        dtype = np.dtype(dtype) if dtype is not None else self.dtype
        param = Parameter(init(tuple(shape), dtype=dtype), name=name, trainable=trainable, regularizer=regularizer,
                          dtype=dtype, constraint=constraint)
        if not self._trainable:
            param.requires_grad = False
        setattr(self, name, param)
        return param

    def named_layers(self, prefix: str = "") -> Iterator[tuple[str, Layer]]:
        """Yield (path, layer) for every sublayer, depth first, paths like "layers.0", "encoder.dense" or
        "heads.left" (layers in lists, tuples and dicts at any depth count, see `tracking`)."""
        for path, layer in self._direct_layers(prefix):
            yield path, layer
            yield from layer.named_layers(path + ".")

    def _direct_layers(self, prefix=""):
        for key, value in self._sublayers.items():
            yield from layers_in(value, prefix + key, Layer)

    @property
    def layers(self) -> list[Layer]:
        """The direct sublayers, in the order they were assigned."""
        return [layer for _, layer in self._direct_layers()]

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """Yield (path, parameter): this layer's own, then each sublayer's ("layers.0.kernel"); a
        weight shared by two sublayers comes once."""
        seen = set()
        for path, param in self._named_parameters_all(prefix):
            if id(param) not in seen:
                seen.add(id(param))
                yield path, param

    def _named_parameters_all(self, prefix):
        """Every (path, parameter), repeats included."""
        for name, param in self._params.items():
            yield prefix + name, param
        for path, layer in self.named_layers(prefix):
            for name, param in layer._params.items():
                yield f"{path}.{name}", param

    @property
    def weights(self) -> list[Parameter]:
        """Every parameter, trainable and not, in the order of `named_parameters`."""
        return [p for _, p in self.named_parameters()]

    @property
    def trainable(self) -> bool:
        """Whether training updates this layer's weights.

        Setting it freezes (False) or unfreezes this layer and every sublayer; a weight created
        with trainable=False stays frozen. A frozen BatchNormalization also runs in inference mode.
        """
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        for layer in [self] + [sub for _, sub in self.named_layers()]:
            layer._trainable = bool(value)
            for param in layer._params.values():
                param.requires_grad = bool(value) and param.trainable

    # ----- modes ------------------------------------------------------------------------------
    def train(self, mode: bool = True) -> Layer:
        """Set the training flag of this layer and every sublayer (dropout active, batch statistics);
        returns the layer. A call's `training=` argument overrides the flag for that call."""
        for layer in [self] + [sub for _, sub in self.named_layers()]:
            layer.training = mode
        return self

    def eval(self) -> Layer:
        """Set inference mode on this layer and every sublayer (`train(False)`); returns the layer."""
        return self.train(False)

    # ----- calling ----------------------------------------------------------------------------
    def build(self, input_shape: tuple[int | None, ...]) -> None:
        """Create the weights for inputs of `input_shape`; runs once, before the first `call`.

        `input_shape` is the first inputs' shape, batch axis first. A layer whose `call` takes several
        tensors may declare `build(self, query_shape, value_shape, key_shape=None)` instead: one
        `<call argument>_shape` each, None for an argument not passed (Keras 3's convention).
        """

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        """The layer's computation on Tensors; subclasses override it (the base returns `inputs`).

        `training` is the resolved mode: declare the argument only if the layer needs it, and
        likewise `mask=` to receive the Keras mask of the layer before.
        """
        return inputs

    def _to_input(self, x):
        """Tensors pass through; arrays become tensors, floats cast to the layer's dtype. Complex
        numbers are refused (a cast to real would drop the imaginary part without a word)."""
        if isinstance(x, (list, tuple)):
            return type(x)(self._to_input(v) for v in x)
        if isinstance(x, dict):
            return {k: self._to_input(v) for k, v in x.items()}
        arr = x if isinstance(x, Tensor) else np.asarray(x)
        if arr.dtype.kind == "c":
            raise TypeError(f"{self.name}: expected real numbers, got inputs of dtype {arr.dtype}")
        if isinstance(x, Tensor):
            return x
        if arr.dtype.kind == "f" and arr.dtype != self.dtype:
            arr = arr.astype(self.dtype)
        return as_tensor(arr)

    def __call__(self, inputs: Any, *args: Any, training: bool | None = None, **kwargs: Any) -> Any:
        """Run the layer: convert the inputs, `build` on the first call, resolve the mode, `call`.

        Parameters
        ----------
        inputs : Tensor, array_like, or a list/tuple/dict of them
            Arrays become Tensors, floats cast to the layer's dtype.
        *args, **kwargs
            Passed on to `call`.
        training : bool, optional
            The mode of this call and of every sublayer called inside (see the class notes).
        """
        if is_symbolic(inputs, args, kwargs):  # describing a model (functional API): record the call
            given = kwargs if training is None else {**kwargs, "training": training}
            return symbolic_call(self, (inputs, *args), given)
        inputs = self._to_input(inputs)
        if self.built:
            return self._run(inputs, args, training, kwargs)
        with undo_build_on_error(self):  # built only once the first call succeeds
            if self._build_shape_args is None:
                self.build(shape_of(inputs, batch_none=False))
            else:
                bound = inspect.signature(self.call).bind_partial(inputs, *args, **kwargs).arguments
                self.build(*(None if bound.get(n) is None else tuple(np.shape(bound[n]))
                             for n in self._build_shape_args))
            self.built = True
            return self._run(inputs, args, training, kwargs)

    def _unbuild(self) -> None:
        """Forget a build that did not finish (`building.undo_build_on_error`): unbuilt, no output shape."""
        self.built, self.output_shape = False, None

    def _run(self, inputs, args, training, kwargs):
        """`call` in the resolved training mode; sets `output_shape`."""
        outer = _context.training
        if outer is None:  # the outermost call: the losses of the last one go (Keras)
            self._clear_losses()
        if training is None:
            training = outer if outer is not None else self.training
        _context.training = training
        try:
            if self._call_takes_training:
                out = self.call(inputs, *args, training=training, **kwargs)
            else:
                out = self.call(inputs, *args, **kwargs)
            self._record_activity(out)
        finally:
            _context.training = outer
        self.output_shape = shape_of(out, batch_none=True)
        return out

    def build_from_shape(self, input_shape: Sequence[int | None]) -> None:
        """Build by running one zero sample through the layer (inference, no graph); sets `output_shape`.

        `input_shape` has the batch axis first (its value is ignored); the other sizes must be known.
        """
        sample = np.zeros((1,) + tuple(input_shape[1:]), dtype=self.dtype)
        with no_grad():
            self(sample, training=False)

    # ----- masks (Keras): a (batch, time) boolean mask travels with a sequence ---------------
    supports_masking = False  # True: the output keeps the input's mask (e.g. elementwise layers)

    def compute_mask(self, inputs: Tensor, mask: Tensor | np.ndarray | None = None) -> Any:
        """The mask of this layer's output, given its inputs and their mask (booleans, shape (batch, time),
        True at the steps that count; None: no mask).

        The base returns `mask` when `supports_masking`, else None. Sequential passes the result to the
        next layer whose `call` takes `mask=`.
        """
        return mask if self.supports_masking else None

    # ----- config -----------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this layer, JSON-ready (Keras's convention).

        Subclasses extend the base's dict (name, trainable, and dtype / input_shape / activity_regularizer
        and the `constraint_arguments` when set, so a file from before they existed saves unchanged);
        initializers, regularizers, constraints and activations are stored by their serialized names.
        """
        config = {"name": self.name, "trainable": self.trainable}
        if self.dtype != get_default_dtype():
            config["dtype"] = self.dtype.name
        if self.input_shape_hint is not None:
            config["input_shape"] = list(self.input_shape_hint)
        for key in ("activity_regularizer", *self.constraint_arguments):
            if getattr(self, key) is not None:
                config[key] = serialize_object(getattr(self, key))
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        """A new, unbuilt layer from `get_config`'s dict: `cls(**config)` (weights are not in the config)."""
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


Module = Layer


def serialize(obj: Layer) -> dict[str, Any]:
    """{"class_name": registered name, "config": obj.get_config()}: how a saved model stores a layer."""
    return {"class_name": registered_name(type(obj)), "config": obj.get_config()}


def deserialize(item: Mapping[str, Any]) -> Layer:
    """The layer that `serialize` described: its registered class rebuilt with `from_config` (unbuilt)."""
    return get_registered_class(item["class_name"]).from_config(item["config"])


Layer._call_takes_training = True
Layer._call_takes_mask = False
Layer._build_shape_args = None
register_builtin(Layer)
