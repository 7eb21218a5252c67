"""PyTorch, the tests' oracle, when it is installed; otherwise a stand-in that skips the test using it.

A test module writes `from torch_oracle import torch` (never `import torch` or a module-level
`pytest.importorskip("torch")`, which would skip its tests that do not need torch too). With torch
installed, that is torch itself. Without it, `torch` is a stand-in: each attribute of it is another
stand-in, so tables such as `{"relu": torch.relu, "pool": torch.nn.MaxPool2d(2)}` can be built at
a module's top level; inside a test, calling one, entering one in a `with` or iterating over one
skips that test. So the
suite collects without torch, the tests that never reach torch run, and each comparison skips alone.
"""
import sys

import pytest

try:
    import torch
except ImportError:
    torch = None


class _MissingTorch:
    """Stands for `torch.<path>` when torch is not installed (see the module's docstring)."""

    def __init__(self, path: str = "torch"):
        self._path = path

    def __getattr__(self, name):
        if name == "__name__":               # a table naming its cases after torch's functions
            return self._path.rpartition(".")[2]
        if name.startswith("__"):            # copy, pickle and pytest's introspection look for dunders
            raise AttributeError(name)
        return _MissingTorch(f"{self._path}.{name}")

    def __mro_entries__(self, bases):
        """`class Net(torch.nn.Module)` inside a test: the class is made, and making an instance skips."""
        path = self._path

        class _Skips:
            def __init__(self, *args, **kwargs):
                pytest.skip(f"PyTorch is not installed: this test compares with {path}")

        return (_Skips,)

    def __call__(self, *args, **kwargs):
        if sys._getframe(1).f_code.co_name == "<module>":   # a table built at import: torch.nn.MaxPool2d(2)
            return _MissingTorch(f"{self._path}(...)")
        return self._skip()

    def _skip(self, *args):
        pytest.skip(f"PyTorch is not installed: this test compares with {self._path}")

    __enter__ = __iter__ = _skip

    def __exit__(self, *exc_info):
        return False

    def __repr__(self):
        return self._path


if torch is None:
    torch = _MissingTorch()
