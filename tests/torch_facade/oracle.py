"""A facade module (or function) and its PyTorch twin, with the same weights, run side by side.

`twins("Conv2d", 3, 8, 3)` builds `gradwork.torch.nn.Conv2d(3, 8, 3)` and `torch.nn.Conv2d(3, 8, 3)`
and loads the PyTorch module's state dict, as NumPy arrays, into the facade (`load_from_torch`;
`load_into_torch` goes the other way). `assert_same_run` runs the two on the same inputs,
backpropagates the same random weighting of every output and compares the outputs, the input
gradients and every parameter's gradient by name, with `assert_close` and `tolerance`.
"""
import numpy as np
from tolerances import f32_rtol
from torch_oracle import torch

import gradwork.torch as gtorch

FLOAT64_RTOL = 1e-12  # float64 results reached in another order differ by rounding only


def tolerance(dtype, terms: int = 64) -> float:
    """The relative tolerance (and the absolute one, relative to the largest expected entry) for results of
    `dtype` that are sums of about `terms` terms: rounding only in float64, float32's (tests/tolerances.py)."""
    return FLOAT64_RTOL if np.dtype(dtype) == np.float64 else f32_rtol(terms)


def _numpy(x) -> np.ndarray:
    """A facade or PyTorch tensor, or anything array-like, as an ndarray."""
    return np.asarray(x.detach().numpy() if hasattr(x, "detach") else x)


def assert_close(ours, theirs, rtol: float, what: str = "") -> None:
    """`ours` equals `theirs` (tensors of either library, or arrays) in shape and to `rtol`, the absolute
    tolerance scaled by theirs' largest finite |entry| (at least 1): rounding errors scale with the size
    of the terms, so an entry that cancels to near 0 is judged by them. rtol 0: exactly equal."""
    ours, theirs = _numpy(ours), _numpy(theirs)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} here, {theirs.shape} in PyTorch"
    scale = max(1.0, float(np.abs(theirs[np.isfinite(theirs)]).max(initial=0.0)))
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=rtol * scale, err_msg=what)


def numpy_state(module) -> dict:
    """A module's state dict (facade or PyTorch) as {name: ndarray copy}."""
    return {name: np.array(value.detach().numpy()) for name, value in module.state_dict().items()}


def load_from_torch(ours, theirs) -> None:
    """The PyTorch module `theirs`'s state dict, as NumPy arrays, loaded into the facade module `ours`
    (which must have PyTorch's names, in PyTorch's order)."""
    state = numpy_state(theirs)
    assert list(ours.state_dict()) == list(state)
    ours.load_state_dict(state)


def load_into_torch(theirs, ours) -> None:
    """The facade module `ours`'s state dict loaded into the PyTorch module `theirs` (strict: every key must match)."""
    theirs.load_state_dict({name: torch.from_numpy(value) for name, value in numpy_state(ours).items()})


def twins(make, *args, dtype=None, training: bool = True, **kwargs):
    """(facade module, PyTorch module), the facade holding the PyTorch module's initial state.

    Parameters
    ----------
    make : str or callable
        A class name of `torch.nn` (built with `*args, **kwargs`), or a function nn namespace -> module.
    dtype : numpy float dtype or its name, optional
        Both modules converted to it.
    training : bool
        The mode both modules are put in.
    """
    if isinstance(make, str):
        name = make
        make = lambda nn: getattr(nn, name)(*args, **kwargs)  # noqa: E731
    torch.manual_seed(0)
    theirs, ours = make(torch.nn).train(training), make(gtorch.nn).train(training)
    if dtype is not None:
        theirs.to(getattr(torch, np.dtype(dtype).name))
        ours.to(getattr(gtorch, np.dtype(dtype).name))
    load_from_torch(ours, theirs)
    return ours, theirs


def _flat(outputs) -> list:
    """Nested tuples and lists of tensors as one list (None left out)."""
    if isinstance(outputs, (tuple, list)):
        return [t for item in outputs for t in _flat(item)]
    return [] if outputs is None else [outputs]


def _run(function, library, arrays, seed: int, kwargs: dict):
    """`function` of tensors of `library` made from `arrays`, and the backward pass of sum(output * random
    weights) over its outputs that require grad: (flat outputs, flat leaves).

    A floating array becomes a leaf that requires grad, passed on as `leaf * 1` (not a leaf, so that a
    PyTorch module with inplace=True may write to it); an integer array (ids) a plain tensor; None stays
    None, a tuple of arrays a tuple of tensors. Arrays among `kwargs` (masks) become plain tensors."""
    def leaf(a):
        return library.tensor(a, requires_grad=a.dtype.kind == "f")

    leaves = [None if a is None else tuple(map(leaf, a)) if isinstance(a, tuple) else leaf(a) for a in arrays]
    passed = [None if x is None else tuple(t * 1 for t in x) if isinstance(x, tuple) else x * 1 for x in leaves]
    keywords = {k: library.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    outputs = _flat(function(*passed, **keywords))
    rng = np.random.default_rng(seed)
    weighted = [(t * library.tensor(rng.standard_normal(tuple(t.shape)).astype(_numpy(t).dtype))).sum()
                for t in outputs if t.requires_grad]
    if weighted:
        sum(weighted).backward()
    return outputs, _flat(leaves)


def assert_same_run(ours, theirs, arrays, rtol: float, seed: int = 0, **kwargs):
    """The facade module (or function) `ours` and the PyTorch `theirs` agree on `arrays` and `kwargs` (see
    `_run`): every output (values, dtype; integer outputs such as indices exactly), the gradient of every
    input leaf and of every parameter, by name, to `rtol` (see `assert_close`).

    Gradients accumulate over calls, in both, as PyTorch's do. Returns (our outputs, their outputs), flat lists.
    """
    our_outputs, our_leaves = _run(ours, gtorch, arrays, seed, kwargs)
    their_outputs, their_leaves = _run(theirs, torch, arrays, seed, kwargs)
    assert len(our_outputs) == len(their_outputs)  # e.g. attention weights returned by both or by neither
    for index, (a, b) in enumerate(zip(our_outputs, their_outputs)):
        a, b = _numpy(a), _numpy(b)
        assert a.dtype == b.dtype, f"output {index}: dtype {a.dtype} here, {b.dtype} in PyTorch"
        assert_close(a, b, rtol if b.dtype.kind == "f" else 0, f"output {index}")
    for index, (a, b) in enumerate(zip(our_leaves, their_leaves)):
        assert (a.grad is None) == (b.grad is None), f"input {index}: gradient {a.grad is not None} here"
        if b.grad is not None:
            assert_close(a.grad, b.grad, rtol, f"gradient of input {index}")
    if hasattr(theirs, "named_parameters"):  # a module, not a function
        mine, expected = dict(ours.named_parameters()), dict(theirs.named_parameters())
        assert list(mine) == list(expected)
        for name, p in expected.items():
            assert (mine[name].grad is None) == (p.grad is None), f"{name}: gradient {p.grad is None} in PyTorch"
            if p.grad is not None:
                assert_close(mine[name].grad, p.grad, rtol, f"gradient of {name}")
    return our_outputs, their_outputs


def optimizer_state(state_dict: dict, convert=_numpy) -> dict:
    """An optimizer's state dict (PyTorch's or the facade's) with every state tensor passed through `convert`
    (by default made an ndarray, as a saved file gives it back) and the param groups copied."""
    state = {k: {n: convert(v) for n, v in s.items()} for k, s in state_dict["state"].items()}
    return {"state": state, "param_groups": [dict(g) for g in state_dict["param_groups"]]}
