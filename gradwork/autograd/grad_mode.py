"""Whether operations record a graph for backward: `no_grad()`, `enable_grad()`, `set_grad_enabled()`.

The switch is per thread, as in PyTorch, so one thread's inference cannot turn off
another thread's training graph.
"""
import functools
import threading


class _GradState(threading.local):
    enabled = True


_state = _GradState()


def is_grad_enabled():
    """True when new operations record the graph needed for `.backward()`."""
    return _state.enabled


class set_grad_enabled:
    """Turn graph recording on or off, as a context manager or a decorator.

    >>> with gw.no_grad():
    ...     y = model(x)          # y.requires_grad is False
    """

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
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(self.mode):
                return func(*args, **kwargs)

        return wrapper


class no_grad(set_grad_enabled):
    """Build no graph inside: for inference and parameter updates."""

    def __init__(self):
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """Record the graph again inside a `no_grad` block."""

    def __init__(self):
        super().__init__(True)
