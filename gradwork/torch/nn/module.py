"""`nn.Module`: PyTorch's eager module: parameters exist once `__init__` has run, `forward` is the call.

A module registers what is assigned to it: a `Parameter` as a weight, a `Module` as a child, a
tensor passed to `register_buffer` as a buffer (state that is saved, not learned: batch norm's
running statistics). `state_dict()` names them as PyTorch does ("features.0.weight"), in PyTorch's
layouts, so a state dict saved by PyTorch loads unchanged.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import NamedTuple

import numpy as np

from ...autograd.grad_mode import no_grad
from .._core import TensorCore, check_device, device
from .._missing import missing
from .._overwrite import overwrite
from ..dtypes import dtype_of
from ..tensor import Tensor, as_facade
from .parameter import Buffer, Parameter

# Module methods PyTorch has that the facade does not: asking for one says so (not a bare AttributeError).
_NOT_PROVIDED = {
    "register_forward_hook", "register_forward_pre_hook", "register_full_backward_hook", "register_backward_hook",
    "register_full_backward_pre_hook", "register_state_dict_pre_hook", "register_load_state_dict_post_hook",
    "to_empty", "share_memory", "compile", "ipu", "xpu", "mtia", "bfloat16", "set_extra_state", "get_extra_state",
}


class IncompatibleKeys(NamedTuple):
    """What `load_state_dict(strict=False)` could not match."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """Base class of every facade layer and model: subclass it, create layers in `__init__` (after
    `super().__init__()`), and compute in `forward`; call the module, not `forward`.

    Examples
    --------
    >>> class Net(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc = nn.Linear(4, 2)
    ...     def forward(self, x):
    ...         return self.fc(x).relu()
    >>> [name for name, _ in Net().named_parameters()]
    ['fc.weight', 'fc.bias']
    """

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", OrderedDict())

    # ----- registration ---------------------------------------------------------------------------
    def _registry(self, what: str) -> OrderedDict:
        registry = self.__dict__.get("_" + what)
        if registry is None:
            raise AttributeError(f"cannot assign {what} before {type(self).__name__}.__init__() called "
                                 "super().__init__()")
        return registry

    def __setattr__(self, name: str, value) -> None:
        params, buffers, modules = (self.__dict__.get(k) for k in ("_parameters", "_buffers", "_modules"))
        if isinstance(value, Parameter):
            self._forget(name)
            self._registry("parameters")[name] = value
        elif isinstance(value, Module):
            self._forget(name)
            self._registry("modules")[name] = value
        elif isinstance(value, Buffer):
            self.register_buffer(name, value, value.persistent)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign a {type(value).__name__} as parameter '{name}' "
                                "(torch.nn.Parameter or None expected)")
            params[name] = None
        elif modules is not None and name in modules:
            if value is not None:
                raise TypeError(f"cannot assign a {type(value).__name__} as child module '{name}' "
                                "(torch.nn.Module or None expected)")
            modules[name] = None
        elif buffers is not None and name in buffers:
            if value is not None and not isinstance(value, TensorCore):
                raise TypeError(f"cannot assign a {type(value).__name__} as buffer '{name}' (a Tensor or None "
                                "expected)")
            buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name):
        for key in ("_parameters", "_buffers", "_modules"):
            registry = self.__dict__.get(key)
            if registry is not None:
                registry.pop(name, None)
        self.__dict__.pop(name, None)

    def __getattr__(self, name: str):
        for key in ("_parameters", "_buffers", "_modules"):
            registry = self.__dict__.get(key)
            if registry is not None and name in registry:
                return registry[name]
        if name in _NOT_PROVIDED:
            raise missing("torch.nn.Module", name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for key in ("_parameters", "_buffers", "_modules"):
            registry = self.__dict__.get(key)
            if registry is not None and name in registry:
                del registry[name]
                return
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign a {type(param).__name__} as parameter '{name}' "
                            "(torch.nn.Parameter or None expected)")
        self._forget(name)
        self._registry("parameters")[name] = param

    def register_buffer(self, name: str, tensor, persistent: bool = True) -> None:
        """Keep `tensor` as state: moved by `to()`, saved by `state_dict()` unless `persistent=False`."""
        if tensor is not None and not isinstance(tensor, TensorCore):
            raise TypeError(f"cannot assign a {type(tensor).__name__} as buffer '{name}' (a Tensor or None expected)")
        self._forget(name)
        self._registry("buffers")[name] = None if tensor is None else Tensor.detach(tensor)
        (self._non_persistent.discard if persistent else self._non_persistent.add)(name)

    def add_module(self, name: str, module: Module | None) -> None:
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._forget(name)
        self._registry("modules")[name] = module

    register_module = add_module

    # ----- the call -------------------------------------------------------------------------------
    def forward(self, *args, **kwargs):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # ----- walking the tree -----------------------------------------------------------------------
    def named_modules(self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True):
        memo = set() if memo is None else memo
        if remove_duplicate and id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(memo, f"{prefix}.{name}" if prefix else name, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        return (module for _, module in self.named_modules())

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self) -> Iterator[Module]:
        return (child for _, child in self.named_children())

    def _named_members(self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool = True):
        seen = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in getattr(module, registry).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True):
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        return (p for _, p in self.named_parameters(recurse=recurse))

    def named_buffers(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True):
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        return (b for _, b in self.named_buffers(recurse=recurse))

    def get_submodule(self, target: str) -> Module:
        module = self
        for part in filter(None, target.split(".")):
            if part not in module._modules:
                raise AttributeError(f"{type(module).__name__} has no submodule '{part}' (looking for '{target}')")
            module = module._modules[part]
        return module

    def get_parameter(self, target: str) -> Parameter:
        owner, _, name = target.rpartition(".")
        module = self.get_submodule(owner)
        if name not in module._parameters:
            raise AttributeError(f"{type(module).__name__} has no parameter '{name}'")
        return module._parameters[name]

    # ----- modes and gradients --------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout active, batch norm on batch statistics), or evaluation with `mode=False`."""
        if not isinstance(mode, bool):
            raise ValueError(f"training mode is expected to be boolean, got {type(mode).__name__}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.zero_()

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call `fn` on every submodule (children first) and on self, as for custom initialization."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ----- dtype and device -----------------------------------------------------------------------
    def to(self, *args, **kwargs) -> Module:
        """Floating-point parameters and buffers converted to a dtype (in place, the same Parameter
        objects); a device must be the CPU."""
        dtype = dtype_of(kwargs.pop("dtype", None))
        check_device(kwargs.pop("device", None))
        kwargs.pop("non_blocking", None)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for arg in args:
            if isinstance(arg, (str, device)):
                check_device(arg)
            elif isinstance(arg, TensorCore):
                dtype = arg.dtype
            else:
                dtype = dtype_of(arg)
        if dtype is not None:
            if dtype.kind != "f":
                raise TypeError(f"nn.Module.to only accepts floating point dtypes, but got desired dtype={dtype}")
            self._convert(dtype)
        return self

    def _convert(self, dtype) -> None:
        for tensor in list(self.parameters()) + list(self.buffers()):
            if tensor.dtype.kind == "f" and tensor.dtype != dtype:
                tensor._t.data = tensor._t.data.astype(dtype)
                if tensor._t.grad is not None:
                    tensor._t.grad = tensor._t.grad.astype(dtype)

    def float(self) -> Module:
        return self.to(np.float32)

    def double(self) -> Module:
        return self.to(np.float64)

    def half(self) -> Module:
        return self.to(np.float16)

    def cpu(self) -> Module:
        return self

    def cuda(self, *args, **kwargs):
        check_device("cuda")

    # ----- state ----------------------------------------------------------------------------------
    def state_dict(self, destination: dict | None = None, prefix: str = "", keep_vars: bool = False) -> OrderedDict:
        """Parameters and persistent buffers by dotted name, sharing memory with the module (detached
        unless `keep_vars`)."""
        destination = OrderedDict() if destination is None else destination
        for module_prefix, module in self.named_modules(prefix=prefix.rstrip(".")):
            dot = f"{module_prefix}." if module_prefix else ""
            for name, p in module._parameters.items():
                if p is not None:
                    destination[dot + name] = p if keep_vars else p.detach()
            for name, b in module._buffers.items():
                if b is not None and name not in module._non_persistent:
                    destination[dot + name] = b if keep_vars else b.detach()
        return destination

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False) -> IncompatibleKeys:
        """Copy the values of `state_dict` into the parameters and buffers of the same names.

        Every key and shape is checked before anything is written: with `strict` (the default),
        missing or unexpected keys are an error; a shape mismatch always is.
        """
        own = self.state_dict(keep_vars=True)
        missing_keys = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        problems = []
        if strict and (missing_keys or unexpected):
            problems += [f"Missing key(s) in state_dict: {', '.join(map(repr, missing_keys))}."] if missing_keys else []
            problems += [f"Unexpected key(s) in state_dict: {', '.join(map(repr, unexpected))}."] if unexpected else []
        values = {}
        for key, target in own.items():
            if key in state_dict:
                value = as_facade(state_dict[key])
                if tuple(value.shape) != tuple(target.shape):
                    problems.append(f"size mismatch for {key}: copying a param with shape {tuple(value.shape)} from "
                                    f"checkpoint, the shape in current model is {tuple(target.shape)}.")
                values[key] = value
        if problems:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + "\n\t".join(problems))
        with no_grad():
            for key, value in values.items():
                overwrite(own[key], value)
        return IncompatibleKeys(missing_keys, unexpected)

    # ----- printing -------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The settings printed inside this module's parentheses (e.g. "in_features=4, out_features=2")."""
        return ""

    def __repr__(self) -> str:
        lines = [f"({name}): " + repr(child).replace("\n", "\n  ") for name, child in self._modules.items()]
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        body = "\n  ".join(([extra] if extra else []) + lines)
        return f"{type(self).__name__}(\n  {body}\n)"

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers) | set(self._modules))
