"""`Layer`: the base of every layer and model (Keras's name; `Module` is an alias for PyTorch habits).

A layer owns parameters, creates them lazily in `build(input_shape)` on its first call (so input
sizes are inferred), finds its sublayers and parameters by walking its attributes, and knows
whether it is training. Subclasses write `call(inputs, training=None)`.
"""

import inspect
import threading
from collections import OrderedDict

import numpy as np

from ..autograd.grad_mode import no_grad
from ..registry import get_registered_class, register_builtin, registered_name, snake_case
from ..tensor import Tensor, as_tensor, get_default_dtype
from .parameter import Parameter

_name_counts = {}


def _unique_name(base):
    """Keras-style automatic names: dense, dense_1, dense_2, ..."""
    n = _name_counts.get(base, 0)
    _name_counts[base] = n + 1
    return base if n == 0 else f"{base}_{n}"


class _CallContext(threading.local):
    training = None  # the training flag of the outermost layer call in progress


_context = _CallContext()


class Layer:
    """Base class of layers and models.

    name : str, optional (unique automatic names otherwise: "dense", "dense_1", ...).
    trainable : bool, whether the layer's weights are updated by training.
    input_shape : tuple, optional, the shape of one sample (no batch axis); lets a layer build
        at once, e.g. as the first layer of a Sequential model.

    Training mode: `layer(x, training=True)` sets it for one call and for every sublayer called
    inside; without the argument a layer uses the mode of the call it is inside, else its own
    flag, set by `train()` / `eval()` (False by default, as Keras: a direct call is inference).
    """

    def __init__(self, name=None, trainable=True, dtype=None, input_shape=None, **kwargs):
        if kwargs:
            raise TypeError(f"{type(self).__name__} got unexpected arguments: {', '.join(sorted(kwargs))}")
        self.__dict__["_sublayers"] = OrderedDict()
        self.__dict__["_params"] = OrderedDict()
        self.name = name or _unique_name(snake_case(type(self).__name__))
        self._trainable = trainable
        self.dtype = np.dtype(dtype) if dtype is not None else get_default_dtype()
        self.built = False
        self.training = False
        self.input_shape_hint = None if input_shape is None else tuple(input_shape)
        self.output_shape = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._call_takes_training = "training" in inspect.signature(cls.call).parameters
        cls._call_takes_mask = "mask" in inspect.signature(cls.call).parameters
        cls._build_shape_args = _build_shape_args(cls)
        if cls.__module__.startswith("gradwork."):
            register_builtin(cls)

    @property
    def call_takes_mask(self) -> bool:
        """Whether this layer's `call` has a `mask` argument (a `Sequential` then passes it the mask of
        the layer before)."""
        return self._call_takes_mask

    # ----- attribute tracking -----------------------------------------------------------------
    def __setattr__(self, key, value):
        if "_params" not in self.__dict__:
            raise RuntimeError(f"{type(self).__name__}: call super().__init__() before assigning attributes")
        if isinstance(value, Parameter):
            self._params[key] = value
        elif isinstance(value, Layer):
            self._sublayers[key] = value
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, Layer) for v in value):
            self._sublayers[key] = value
        else:
            self._params.pop(key, None)
            self._sublayers.pop(key, None)
        object.__setattr__(self, key, value)

    def __delattr__(self, key):
        self._params.pop(key, None)
        self._sublayers.pop(key, None)
        object.__delattr__(self, key)

    def add_weight(
        self, name, shape, initializer="glorot_uniform", regularizer=None, trainable=True, dtype=None
    ):
        """Create a weight of `shape`, register it as attribute `name`, and return it (Keras's `add_weight`)."""
        init = initializers.get(initializer)
        dtype = np.dtype(dtype) if dtype is not None else self.dtype
        param = Parameter(
            init(tuple(shape), dtype=dtype),
            name=name,
            trainable=trainable,
            regularizer=regularizers.get(regularizer),
            dtype=dtype,
        )
        if not self._trainable:
            param.requires_grad = False
        setattr(self, name, param)
        return param

    def named_layers(self, prefix=""):
        """(path, layer) for each sublayer, depth first, paths like "layers.0" or "encoder.dense"."""
        for key, value in self._sublayers.items():
            items = enumerate(value) if isinstance(value, (list, tuple)) else [(None, value)]
            for index, layer in items:
                path = f"{prefix}{key}" if index is None else f"{prefix}{key}.{index}"
                yield path, layer
                yield from layer.named_layers(path + ".")

    @property
    def layers(self):
        """The direct sublayers, in the order they were assigned."""
        out = []
        for value in self._sublayers.values():
            out.extend(value if isinstance(value, (list, tuple)) else [value])
        return out

    def named_parameters(self, prefix=""):
        """(path, parameter) pairs: this layer's own, then each sublayer's ("layers.0.kernel"); no repeats."""
        seen = set()
        for path, param in self._named_parameters_all(prefix):
            if id(param) not in seen:
                seen.add(id(param))
                yield path, param

    def _named_parameters_all(self, prefix):
        for name, param in self._params.items():
            yield prefix + name, param
        for path, layer in self.named_layers(prefix):
            for name, param in layer._params.items():
                yield f"{path}.{name}", param

    @property
    def weights(self):
        """Every parameter, trainable and not, in creation order."""
        return [p for _, p in self.named_parameters()]

    @property
    def trainable_weights(self):
        return [p for p in self.weights if p.requires_grad]

    @property
    def non_trainable_weights(self):
        return [p for p in self.weights if not p.requires_grad]

    def parameters(self):
        """The trainable parameters (PyTorch's name for `trainable_weights`)."""
        return self.trainable_weights

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        """Freeze (False) or unfreeze this layer and every sublayer."""
        for layer in [self] + [sub for _, sub in self.named_layers()]:
            layer._trainable = bool(value)
            for param in layer._params.values():
                param.requires_grad = bool(value) and param.trainable

    # ----- weights as arrays ------------------------------------------------------------------
    def get_weights(self):
        """Copies of all weights as NumPy arrays, in the order of `weights`."""
        return [p.data.copy() for p in self.weights]

    def set_weights(self, arrays):
        """Overwrite all weights (in place) from arrays in the order of `weights`; shapes are checked first."""
        params = self.weights
        if len(arrays) != len(params):
            raise ValueError(f"{self.name}: set_weights expected {len(params)} arrays, got {len(arrays)}")
        for p, a in zip(params, arrays):
            if np.shape(a) != p.shape:
                raise ValueError(
                    f"{self.name}: weight {p.name} has shape {p.shape}, got an array of shape {np.shape(a)}"
                )
        for p, a in zip(params, arrays):
            p.data[...] = a

    def state_dict(self):
        """Ordered {path: array copy} of every parameter, keyed by attribute path (stable across instances)."""
        return OrderedDict((path, p.data.copy()) for path, p in self.named_parameters())

    def load_state_dict(self, state, strict=True):
        """Copy arrays from `state` into the parameters with the same paths; shapes and names are checked first."""
        own = OrderedDict(self.named_parameters())
        if strict:
            missing, unexpected = own.keys() - state.keys(), state.keys() - own.keys()
            if missing or unexpected:
                raise KeyError(
                    f"{self.name}: state_dict mismatch; missing {sorted(missing)}, unexpected {sorted(unexpected)}"
                )
        for path, p in own.items():
            if path in state and np.shape(state[path]) != p.shape:
                raise ValueError(f"{self.name}: {path} has shape {p.shape}, got {np.shape(state[path])}")
        for path, p in own.items():
            if path in state:
                p.data[...] = state[path]

    # ----- modes ------------------------------------------------------------------------------
    def train(self, mode=True):
        """Set training mode on this layer and all sublayers (dropout active, batch statistics)."""
        for layer in [self] + [sub for _, sub in self.named_layers()]:
            layer.training = mode
        return self

    def eval(self):
        """Set inference mode on this layer and all sublayers."""
        return self.train(False)

    # ----- calling ----------------------------------------------------------------------------
    def build(self, input_shape):
        """Create the weights for inputs of `input_shape` (batch axis first, may be None)."""

    def call(self, inputs, training=None):
        """The layer's computation; subclasses override."""
        return inputs

    def _to_input(self, x):
        """Tensors pass through; arrays become tensors, floats cast to the layer's dtype."""
        if isinstance(x, Tensor):
            return x
        if isinstance(x, (list, tuple)):
            return type(x)(self._to_input(v) for v in x)
        if isinstance(x, dict):
            return {k: self._to_input(v) for k, v in x.items()}
        arr = np.asarray(x)
        if arr.dtype.kind == "f" and arr.dtype != self.dtype:
            arr = arr.astype(self.dtype)
        return as_tensor(arr)

    def __call__(self, inputs, *args, training=None, **kwargs):
        inputs = self._to_input(inputs)
        if not self.built:
            if self._build_shape_args is None:
                self.build(_shape_of(inputs, batch_none=False))
            else:
                bound = inspect.signature(self.call).bind_partial(inputs, *args, **kwargs).arguments
                self.build(*(None if bound.get(n) is None else tuple(np.shape(bound[n]))
                             for n in self._build_shape_args))
            self.built = True
        outer = _context.training
        if training is None:
            training = outer if outer is not None else self.training
        _context.training = training
        try:
            if self._call_takes_training:
                out = self.call(inputs, *args, training=training, **kwargs)
            else:
                out = self.call(inputs, *args, **kwargs)
        finally:
            _context.training = outer
        self.output_shape = _shape_of(out, batch_none=True)
        return out

    def build_from_shape(self, input_shape):
        """Build by running one zero batch through the layer (inference, no graph); records output shapes."""
        sample = np.zeros((1,) + tuple(input_shape[1:]), dtype=self.dtype)
        with no_grad():
            self(sample, training=False)

    def count_params(self):
        return int(sum(p.size for p in self.weights))

    # ----- masks (Keras): a (batch, time) boolean mask travels with a sequence ---------------
    supports_masking = False  # True: the output keeps the input's mask (e.g. elementwise layers)

    def compute_mask(self, inputs, mask=None):
        """The mask of this layer's output, given its input and the input's mask (None: no mask).
        Sequential passes it to the next layer whose `call` takes `mask=`."""
        return mask if self.supports_masking else None

    # ----- config -----------------------------------------------------------------------------
    def get_config(self):
        """The constructor arguments that rebuild this layer (Keras convention); subclasses extend it."""
        config = {"name": self.name, "trainable": self.trainable}
        if self.dtype != get_default_dtype():
            config["dtype"] = self.dtype.name
        if self.input_shape_hint is not None:
            config["input_shape"] = list(self.input_shape_hint)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


Module = Layer


def _shape_of(x, batch_none):
    if isinstance(x, (list, tuple)):
        return [_shape_of(v, batch_none) for v in x]
    if isinstance(x, dict):
        return {k: _shape_of(v, batch_none) for k, v in x.items()}
    shape = tuple(x.shape)
    return (None,) + shape[1:] if batch_none and shape else shape


def serialize(obj):
    """{"class_name", "config"} for a layer: what a saved model stores."""
    return {"class_name": registered_name(type(obj)), "config": obj.get_config()}


def deserialize(item):
    """The layer that `serialize` described: its registered class rebuilt from the config."""
    return get_registered_class(item["class_name"]).from_config(item["config"])


def _build_shape_args(cls):
    """The call arguments whose shapes a `build` with several parameters takes, by Keras 3's
    convention: `build(self, query_shape, value_shape, key_shape=None)` gets the shapes of call's
    `query`, `value` and `key` (None for one not passed). None for the usual `build(self, input_shape)`."""
    names = list(inspect.signature(cls.build).parameters)[1:]
    if len(names) < 2:
        return None
    if not all(n.endswith("_shape") for n in names):
        raise TypeError(f"{cls.__name__}.build: with several parameters each must be named "
                        f"<call argument>_shape, got {names}")
    return tuple(n[: -len("_shape")] for n in names)


Layer._call_takes_training = True
Layer._call_takes_mask = False
Layer._build_shape_args = None
register_builtin(Layer)

from .. import initializers, regularizers  # noqa: E402
