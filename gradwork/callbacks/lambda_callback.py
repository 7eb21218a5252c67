"""`LambdaCallback`: a callback built from plain functions."""
from collections.abc import Callable

from .callback import Callback

_HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
          "on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end",
          "on_test_begin", "on_test_end", "on_test_batch_begin", "on_test_batch_end",
          "on_predict_begin", "on_predict_end", "on_predict_batch_begin", "on_predict_batch_end")


class LambdaCallback(Callback):
    """Calls the functions you pass at the matching hooks.

    Parameters
    ----------
    on_epoch_begin, on_epoch_end : callable (epoch, logs), optional
    on_train_begin, on_train_end : callable (logs), optional
    on_train_batch_begin, on_train_batch_end : callable (batch, logs), optional
    **kwargs : callable
        Any other hook of `Callback` by name: ``(logs)`` for begin/end of test and predict,
        ``(batch, logs)`` for batches. An unknown name raises TypeError (Keras would silently
        store it as an attribute, hiding typos such as ``on_epoch_ends``).

    Examples
    --------
    >>> losses = []
    >>> log_loss = LambdaCallback(on_epoch_end=lambda epoch, logs: losses.append(logs["loss"]))
    """

    def __init__(self, on_epoch_begin: Callable | None = None, on_epoch_end: Callable | None = None,
                 on_train_begin: Callable | None = None, on_train_end: Callable | None = None,
                 on_train_batch_begin: Callable | None = None, on_train_batch_end: Callable | None = None,
                 **kwargs: Callable):
        super().__init__()
        hooks = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end, on_train_begin=on_train_begin,
                     on_train_end=on_train_end, on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end)
        for name, fn in kwargs.items():
            if name not in _HOOKS:
                raise TypeError(f"LambdaCallback: unknown hook {name!r}; expected one of {', '.join(_HOOKS)}")
            hooks[name] = fn
        for name, fn in hooks.items():
            if fn is None:
                continue
            if not callable(fn):
                raise TypeError(f"LambdaCallback: {name} must be callable, got {type(fn).__name__}")
            arity = 2 if ("epoch" in name or "batch" in name) else 1
            setattr(self, name, self._wrap(fn, arity))

    @staticmethod
    def _wrap(fn, arity):
        # `arity` is 1 for hook(logs) and 2 for hook(epoch_or_batch, logs). Callers pass logs
        # positionally, by keyword or not at all; the user's function always gets it
        # positionally, so its parameters may have any names.
        def hook(*args, logs=None):
            if len(args) == arity:
                return fn(*args)
            return fn(*args, logs)
        return hook
