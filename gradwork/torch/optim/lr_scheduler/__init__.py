"""`torch.optim.lr_scheduler`: PyTorch's learning-rate schedulers, with its names, arguments and values.

>>> opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)          # doctest: +SKIP
>>> sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100)       # doctest: +SKIP
>>> for epoch in range(100):                                                 # doctest: +SKIP
...     train_one_epoch(model, opt)
...     sched.step()
"""

from ..._missing import missing
from .base import LRScheduler
from .decays import CosineAnnealingLR, ExponentialLR, LambdaLR, MultiStepLR, StepLR
from .one_cycle import OneCycleLR
from .plateau import ReduceLROnPlateau

_LRScheduler = LRScheduler  # PyTorch's older name


def __getattr__(name: str):
    raise missing("torch.optim.lr_scheduler", name)
