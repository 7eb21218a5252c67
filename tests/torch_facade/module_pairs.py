"""A facade module and its PyTorch twin with the same weights, and their comparison.

`twins("Conv2d", 3, 8, 3, padding=1)` builds `gradwork.torch.nn.Conv2d(...)` and `torch.nn.Conv2d(...)`
and loads the torch module's state dict (as NumPy arrays) into the facade with `load_state_dict`;
`compare` runs both on the same input, backpropagates the same random output weights and checks the
outputs, the input gradients and every parameter's gradient.
"""
import contextlib

import numpy as np
import pytest
from tolerances import f32_rtol

import gradwork.torch as gtorch
from gradwork.tensor import Tensor as GwTensor

torch = pytest.importorskip("torch")

DTYPES = {np.float64: torch.float64, np.float32: torch.float32}


@contextlib.contextmanager
def _copy_stand_in():
    """Until gradwork's in-place tensor methods land (the `inplace` branch), `Module.load_state_dict`
    finds no `copy_` on a gradwork Tensor: lend it one that copies the values, for the load only."""
    if hasattr(GwTensor, "copy_"):
        yield
        return

    def copy_(self, src):
        np.copyto(self.data, np.asarray(getattr(src, "data", src)), casting="unsafe")
        return self

    GwTensor.copy_ = copy_
    try:
        yield
    finally:
        del GwTensor.copy_


def load(module, state: dict) -> None:
    """`module.load_state_dict(state)` (see `_copy_stand_in`)."""
    with _copy_stand_in():
        module.load_state_dict(state)


def numpy_state(module) -> dict:
    """A module's state dict (facade or torch) as NumPy copies."""
    return {k: np.array(v.detach().numpy() if hasattr(v, "detach") else v) for k, v in module.state_dict().items()}


def twins(name: str, *args, dtype=np.float64, **kwargs):
    """(facade module, torch module) of class `name`, the facade holding the torch module's initial state."""
    ours, theirs = getattr(gtorch.nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    ours.to(dtype)
    theirs.to(DTYPES[dtype])
    load(ours, numpy_state(theirs))
    return ours, theirs


def tolerance(dtype, terms: int = 64) -> float:
    """float64: rounding only; float32: sums of about `terms` terms in another order (tests/tolerances.py)."""
    return 1e-10 if dtype == np.float64 else f32_rtol(terms)


def close(ours, theirs, rtol: float, what: str) -> None:
    theirs = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    ours = ours.detach().numpy() if hasattr(ours, "detach") else np.asarray(ours)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} != torch's {theirs.shape}"
    scale = max(1.0, float(np.abs(theirs).max(initial=0.0)))
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=rtol * scale, err_msg=what)


def compare(ours, theirs, x: np.ndarray, rtol: float, seed: int = 0, **call):
    """Run both modules (or functions) on x, backpropagate the same random output weights, and check the
    outputs, the input gradients and the parameters' gradients; returns the two outputs."""
    ours_x = gtorch.tensor(x, requires_grad=True)
    theirs_x = torch.tensor(x, requires_grad=True)
    out, expected = ours(ours_x, **call), theirs(theirs_x, **call)
    if isinstance(expected, tuple):  # (output, indices)
        close(out[1], expected[1], 0, "indices")
        assert out[1].dtype == np.int64
        out, expected = out[0], expected[0]
    close(out, expected, rtol, "output")
    weights = np.random.default_rng(seed).standard_normal(tuple(expected.shape)).astype(x.dtype)
    (out * gtorch.tensor(weights)).sum().backward()
    (expected * torch.tensor(weights)).sum().backward()
    close(ours_x.grad, theirs_x.grad, rtol, "input gradient")
    if hasattr(theirs, "named_parameters"):
        mine = dict(ours.named_parameters())
        for name, p in theirs.named_parameters():
            close(mine[name].grad, p.grad, rtol, f"gradient of {name}")
    return out, expected
