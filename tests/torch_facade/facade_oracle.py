"""A facade module and the same PyTorch module run side by side: same weights, inputs and output weights.

`compare_modules(make, inputs)` builds `make(nn)` from both namespaces (the facade's names and
arguments are PyTorch's), copies PyTorch's weights into the facade through `load_state_dict`,
runs both forward, backpropagates the same random output weights, and compares the outputs, the
input gradients and every parameter gradient.
"""
import numpy as np

import gradwork.torch as gtorch
from tolerances import f32_rtol
from torch_oracle import torch

FLOAT64 = {"rtol": 1e-10, "atol": 1e-12}


def float32_tolerance(terms: int) -> dict:
    """assert_allclose arguments for float32 results that are sums of about `terms` products."""
    rtol = f32_rtol(terms)
    return {"rtol": rtol, "atol": rtol}


def assert_close(actual, expected, tolerance: dict, what: str) -> None:
    """assert_allclose with the absolute tolerance scaled by the largest |expected| (at least 1): rounding
    errors scale with the size of the terms, so an element that cancels to near 0 is judged by them."""
    scale = max(1.0, float(np.abs(expected).max(initial=0)))
    np.testing.assert_allclose(actual, expected, rtol=tolerance["rtol"], atol=tolerance["atol"] * scale,
                               err_msg=what)


def numpy_state(module) -> dict:
    """A module's state dict (facade or PyTorch) as {name: ndarray copy}."""
    return {name: np.array(value.detach().numpy()) for name, value in module.state_dict().items()}


def load_into_torch(reference, facade) -> None:
    """The facade module's state copied into the PyTorch module (the other direction of the exchange)."""
    reference.load_state_dict({name: torch.from_numpy(value) for name, value in numpy_state(facade).items()})


def _run(module, arrays, cotangent_seed, tensor):
    """Forward and backward of `module` on fresh tensors of `arrays` (float ones require grad):
    (output, [input grads], {parameter name: grad})."""
    inputs = [tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    output = module(*[x * 1 for x in inputs])  # not leaves, so PyTorch's inplace=True modules may write to them
    if output.requires_grad:
        weights = np.random.default_rng(cotangent_seed).standard_normal(tuple(output.shape))
        (output * tensor(weights.astype(output.detach().numpy().dtype), requires_grad=False)).sum().backward()
    input_grads = [None if x.grad is None else np.array(x.grad.numpy()) for x in inputs]
    param_grads = {name: None if p.grad is None else np.array(p.grad.numpy()) for name, p in module.named_parameters()}
    return np.array(output.detach().numpy()), input_grads, param_grads


def compare_modules(make, inputs, dtype=np.float64, tolerance=None, training=True):
    """Check the facade's `make(gtorch.nn)` against PyTorch's `make(torch.nn)` (see the module docstring).

    Parameters
    ----------
    make : callable, nn namespace -> module
    inputs : list of ndarray
        Floating arrays are cast to `dtype` and require grad; integer arrays (ids) pass as they are.
    dtype : numpy float dtype
    tolerance : dict, optional
        assert_allclose's rtol and atol; default FLOAT64 (float32 needs `float32_tolerance`).
    training : bool
        The mode both modules run in.

    Returns
    -------
    (facade module, PyTorch module)
    """
    tolerance = tolerance or FLOAT64
    arrays = [a.astype(dtype) if a.dtype.kind == "f" else a for a in inputs]
    reference = make(torch.nn).to(getattr(torch, np.dtype(dtype).name)).train(training)
    facade = make(gtorch.nn).to(dtype).train(training)
    facade.load_state_dict(numpy_state(reference))
    ours = _run(facade, arrays, 0, gtorch.tensor)
    theirs = _run(reference, arrays, 0, lambda a, requires_grad: torch.tensor(a, requires_grad=requires_grad))
    assert_close(ours[0], theirs[0], tolerance, "forward")
    assert ours[0].dtype == theirs[0].dtype, (ours[0].dtype, theirs[0].dtype)
    for k, (a, b) in enumerate(zip(ours[1], theirs[1])):
        assert (a is None) == (b is None), f"input {k}: gradient {a is not None} here, {b is not None} in PyTorch"
        if a is not None:
            assert_close(a, b, tolerance, f"gradient of input {k}")
    assert ours[2].keys() == theirs[2].keys()
    for name, grad in ours[2].items():
        assert (grad is None) == (theirs[2][name] is None), f"{name}: gradient here {grad is not None}"
        if grad is not None:
            assert_close(grad, theirs[2][name], tolerance, f"gradient of {name}")
    return facade, reference
