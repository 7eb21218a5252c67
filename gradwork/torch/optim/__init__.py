"""`torch.optim`: PyTorch's optimizers (parameter groups, `step()`, `zero_grad()`, `state_dict()`) and
`torch.optim.lr_scheduler`, over gradwork's optimizer machinery.

Each optimizer's update is a gradwork optimizer (`group_rule.GroupRule`) whose `update_step` is
PyTorch's formula; its hyperparameters are read from the parameter group at every step.

>>> opt = torch.optim.Adam(model.parameters(), lr=0.01)                      # doctest: +SKIP
>>> sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)    # doctest: +SKIP
>>> for x, y in loader:                                                      # doctest: +SKIP
...     opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
...     sched.step()
"""

from .._missing import missing
from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD


def __getattr__(name: str):
    raise missing("torch.optim", name)
