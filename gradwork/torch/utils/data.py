"""`torch.utils.data`: datasets and the DataLoader, one implementation shared with `gradwork.data`."""

from .._missing import missing


def __getattr__(name: str):
    raise missing("torch.utils.data", name)
