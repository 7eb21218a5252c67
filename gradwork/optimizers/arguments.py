"""The constructor arguments every optimizer shares: written once, yet part of each one's signature.

Each optimizer's `__init__` spells out only its own arguments and `name`, and passes the rest on
with `**kwargs`. `with_shared_arguments` gives the class the signature Keras documents (its own
arguments, then `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`, then `name`), so
`help(SGD)` lists them, they can be given by position as in Keras (`SGD(0.1, 0.9, False, 1e-4)`
sets `weight_decay`), and a misspelled one is an error that names the optimizer. It also checks the
optimizer's own arguments against `checks.RANGES` (`beta_1`, `epsilon`, ...) before `__init__` runs.
"""

import functools
import inspect
from typing import Callable

from .checks import check_hyperparameters

SHARED = ("weight_decay", "clipnorm", "clipvalue", "global_clipnorm")


def with_shared_arguments(init: Callable) -> Callable:
    """`init`, an `__init__(self, <own arguments>, name=..., **kwargs)`, taking the shared arguments
    by name or by position after its own; an `__init__` without `**kwargs` is returned as it is."""
    signature = inspect.signature(init)
    parameters = list(signature.parameters.values())
    if not parameters or parameters[-1].kind is not inspect.Parameter.VAR_KEYWORD:
        return init
    own = [p for p in parameters[:-1] if p.name != "name"]
    shared = [
        inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None, annotation=float | None)
        for n in SHARED if n not in signature.parameters
    ]
    name = [signature.parameters["name"]] if "name" in signature.parameters else []
    full = signature.replace(parameters=own + shared + name)

    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        try:
            bound = full.bind(self, *args, **kwargs)
        except TypeError as error:
            raise TypeError(f"{type(self).__name__}(): {error}") from None
        own_arguments = {k: v for k, v in bound.arguments.items() if k not in SHARED}  # the base checks those
        check_hyperparameters(type(self), own_arguments)
        init(**bound.arguments)

    __init__.__signature__ = full
    return __init__
