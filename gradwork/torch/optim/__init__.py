"""`torch.optim`: PyTorch's optimizers (parameter groups, `step()`, `zero_grad()`, `state_dict()`)
over gradwork's optimizer machinery."""

from .._missing import missing


def __getattr__(name: str):
    raise missing("torch.optim", name)
