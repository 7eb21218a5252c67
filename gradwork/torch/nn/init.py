"""`torch.nn.init`: PyTorch's initializers, filling a tensor in place (under no_grad)."""

from .._missing import missing


def __getattr__(name: str):
    raise missing("torch.nn.init", name)
