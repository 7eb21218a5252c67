"""`torch.autograd`: `Function` with a `ctx`, `grad` and `gradcheck`, over gradwork's engine."""

from .._missing import missing


def __getattr__(name: str):
    raise missing("torch.autograd", name)
