"""Moving weights between a facade module and its PyTorch twin, and comparing the two runs.

`load_from_torch` loads a real PyTorch state dict, converted to NumPy, into the facade module (after
checking that the two have the same keys, in the same order); `load_into_torch` does the reverse.
`run_both` runs the twins on the same inputs, with a random weighting of every output for the
backward pass, and `assert_same_run` compares outputs, input gradients and every parameter's
gradient, name by name.
"""
import numpy as np

from gradwork.tensor import Tensor as GwTensor
from tolerances import f32_rtol


def load_from_torch(module, torch_module) -> None:
    """Copy `torch_module`'s state dict (as NumPy arrays) into the facade `module`."""
    state = {key: value.detach().numpy() for key, value in torch_module.state_dict().items()}
    assert list(module.state_dict()) == list(state)  # PyTorch's names, in PyTorch's order
    if hasattr(GwTensor, "copy_"):  # load_state_dict writes with gradwork's in-place copy_
        module.load_state_dict(state)
    else:  # until gradwork's in-place operations are merged: the same copy, by hand
        for key, target in module.state_dict().items():
            np.copyto(target._t.data, state[key])


def load_into_torch(torch_module, module, torch) -> None:
    """Copy the facade `module`'s state dict into `torch_module` (strict: every key must match)."""
    torch_module.load_state_dict({key: torch.tensor(value.numpy()) for key, value in module.state_dict().items()})


def _flat(outputs):
    """Nested tuples of tensors as one list."""
    if isinstance(outputs, (tuple, list)):
        return [t for item in outputs for t in _flat(item)]
    return [] if outputs is None else [outputs]


def run_both(module, torch_module, gtorch, torch, arrays, seed: int = 0, **kwargs):
    """Call both modules (or functions) on `arrays` (each a leaf requiring grad, None passed as None; a
    tuple of arrays passed as a tuple) and `kwargs` (arrays as tensors), and backpropagate
    sum(output * random weights) over every output.

    Returns
    -------
    (facade outputs, torch outputs, facade leaves, torch leaves), outputs and leaves as flat lists.
    """
    def leaves(make):
        made = [None if a is None else tuple(make(x) for x in a) if isinstance(a, tuple) else make(a)
                for a in arrays]
        return made, _flat(made)

    def keywords(make):  # arrays (masks) as tensors that need no gradient; anything else as it is
        return {key: make(value) if isinstance(value, np.ndarray) else value for key, value in kwargs.items()}

    ours, our_leaves = leaves(lambda a: gtorch.tensor(a, requires_grad=True))
    theirs, their_leaves = leaves(lambda a: torch.tensor(a, requires_grad=True))
    our_out = _flat(module(*ours, **keywords(gtorch.tensor)))
    their_out = _flat(torch_module(*theirs, **keywords(torch.tensor)))
    rng = np.random.default_rng(seed)
    weights = [rng.standard_normal(tuple(t.shape)).astype(t.detach().numpy().dtype) for t in their_out]
    sum((t * gtorch.tensor(w)).sum() for t, w in zip(our_out, weights)).backward()
    sum((t * torch.tensor(w)).sum() for t, w in zip(their_out, weights)).backward()
    return our_out, their_out, our_leaves, their_leaves


def assert_close(got, want, terms: int, what: str = "") -> None:
    """float32 results of sums of about `terms` terms, reached in another order, agree (relative to
    the largest entry; exact to 1e-12 for float64)."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    rtol = 1e-12 if want.dtype == np.float64 else f32_rtol(terms)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * max(np.abs(want).max(initial=0), 1), err_msg=what)


def assert_same_run(module, torch_module, gtorch, torch, arrays, terms: int, **kwargs) -> None:
    """Outputs, input gradients and every parameter's gradient of the two modules (or functions) agree."""
    ours, theirs, our_leaves, their_leaves = run_both(module, torch_module, gtorch, torch, arrays, **kwargs)
    assert len(ours) == len(theirs)  # e.g. attention weights returned by both or by neither
    for index, (a, b) in enumerate(zip(ours, theirs)):
        assert_close(a.detach().numpy(), b.detach().numpy(), terms, f"output {index}")
    for index, (a, b) in enumerate(zip(our_leaves, their_leaves)):
        assert_close(a.grad.numpy(), b.grad.numpy(), terms, f"gradient of input {index}")
    if hasattr(module, "named_parameters"):  # a module, not a function
        their_params = dict(torch_module.named_parameters())
        for name, p in module.named_parameters():
            assert_close(p.grad.numpy(), their_params[name].grad.numpy(), terms, f"gradient of {name}")
