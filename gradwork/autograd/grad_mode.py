"""Whether operations record a graph for backward: `no_grad()`, `enable_grad()`, `set_grad_enabled()`.

The switch is per thread, as in PyTorch, so one thread's inference cannot turn off
another thread's training graph.
"""
import functools
import threading


class _GradState(threading.local):
    enabled = True


_state = _GradState()


def is_grad_enabled() -> bool:
    """True when new operations record the graph needed for `.backward()`."""
    return _state.enabled


class _GradModeSwitch:
    """Switch graph recording to `mode` inside a `with` block or a decorated function, then restore it."""

    def __init__(self, mode):
        self.mode = bool(mode)
        self.prev = []

    def __enter__(self):
        self.prev.append(_state.enabled)
        _state.enabled = self.mode
        return self

    def __exit__(self, *exc):
        _state.enabled = self.prev.pop()
        return False

    def __call__(self, func):
        mode = self.mode

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with _GradModeSwitch(mode):
                return func(*args, **kwargs)

        return wrapper


class set_grad_enabled(_GradModeSwitch):
    """Turn graph recording on or off: called alone it switches this thread's mode (as
    `torch.set_grad_enabled`); as a context manager or decorator it switches it only inside.

    Parameters
    ----------
    mode : bool
        True records the graph, False does not.

    Examples
    --------
    >>> gw.set_grad_enabled(False)     # off from here on
    >>> with gw.set_grad_enabled(True):
    ...     y = model(x)               # recorded; off again after the block
    """

    def __init__(self, mode: bool) -> None:
        super().__init__(mode)
        self.before = _state.enabled
        _state.enabled = self.mode

    def __enter__(self):  # switched in __init__ already; leaving the block restores the mode from before
        _state.enabled = self.mode
        return self

    def __exit__(self, *exc):
        _state.enabled = self.before
        return False

    def __call__(self, func):
        _state.enabled = self.before  # decorating switches nothing now, only when func runs
        return super().__call__(func)


class no_grad(_GradModeSwitch):
    """Build no graph inside a `with` block or a decorated function: for inference and parameter updates.

    Examples
    --------
    >>> with gw.no_grad():
    ...     y = model(x)          # y.requires_grad is False
    """

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(_GradModeSwitch):
    """Record the graph again inside a `no_grad` block (a `with` block or a decorated function)."""

    def __init__(self) -> None:
        super().__init__(True)
