"""`torch.autograd`: `Function` with a `ctx`, `grad`, `backward`, `gradcheck` and `gradgradcheck`, over
gradwork's engine."""

from ...autograd.grad_mode import enable_grad, no_grad, set_grad_enabled
from .._missing import missing
from .function import Function, FunctionCtx
from .gradients import GradcheckError, backward, grad, gradcheck, gradgradcheck


def __getattr__(name: str):
    raise missing("torch.autograd", name)
