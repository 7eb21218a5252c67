"""Accelerator queries, answered for a CPU-only library: `torch.cuda.is_available()` is False."""

from types import SimpleNamespace

from ._core import device


def _false() -> bool:
    return False


def _no_accelerator():
    raise RuntimeError("gradwork.torch has no accelerator: check torch.accelerator.is_available() first")


cuda = SimpleNamespace(is_available=_false, device_count=lambda: 0)
backends = SimpleNamespace(mps=SimpleNamespace(is_available=_false), cudnn=SimpleNamespace(is_available=_false))
accelerator = SimpleNamespace(is_available=_false, current_accelerator=_no_accelerator)

__all__ = ["accelerator", "backends", "cuda", "device"]
