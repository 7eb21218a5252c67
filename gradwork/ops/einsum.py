"""Einstein summation (`einsum`, as `torch.einsum` / `np.einsum`): one graph node whose backward is itself
an einsum, so it can be differentiated again."""

from __future__ import annotations

import string

import numpy as np
from numpy.typing import ArrayLike

from ..autograd.function import Function, apply_in_backward
from ..tensor import Tensor, as_tensor
from .shape_ops import broadcast_to

_LETTERS = string.ascii_letters


class Einsum(Function):
    """np.einsum of the operands by explicit subscripts (letters only, no ellipsis, no label twice in
    one operand, every label of one size in all operands: `einsum` arranges all that).

    The gradient of operand i is the einsum of the output's gradient with the other operands, into
    operand i's subscripts; a label found only in operand i (summed out of it alone) comes back
    through a vector of ones of its size, so that rule is again an `Einsum`.
    """

    def __init__(self, inputs: tuple[str, ...], output: str):
        self.subscripts, self.out_subscripts = inputs, output

    def forward(self, *arrays):
        equation = ",".join(self.subscripts) + "->" + self.out_subscripts
        return np.einsum(equation, *arrays, optimize=len(arrays) > 1)

    def backward(self, g):
        grads = []
        for i, need in enumerate(self.needs_input_grad):
            if not need:
                grads.append(None)
                continue
            others = [(s, a) for j, (s, a) in enumerate(zip(self.subscripts, self.args)) if j != i]
            present = set(self.out_subscripts).union(*(s for s, _ in others))
            alone = "".join(c for c in self.subscripts[i] if c not in present)
            if alone:
                sizes = [self.input_arrays[i].shape[self.subscripts[i].index(c)] for c in alone]
                others.append((alone, np.ones(sizes, dtype=self.output_array.dtype)))
            subscripts = (self.out_subscripts, *(s for s, _ in others))
            grads.append(apply_in_backward(Einsum(subscripts, self.subscripts[i]), g, *(a for _, a in others)))
        return tuple(grads)


def _split(equation: str, ndims: list[int]) -> tuple[list[str], str]:
    """Explicit letter subscripts per operand and for the output, the ellipsis written out."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(ndims):
        raise ValueError(f"einsum: the equation {equation!r} has {len(terms)} operand subscripts, "
                         f"got {len(ndims)} operands")
    used = set(lhs + rhs) - {".", ","}
    if any(c not in _LETTERS for c in used) or any(t.replace("...", "").count(".") for t in terms + [rhs]):
        raise ValueError(f"einsum: subscripts are letters a-z, A-Z and '...'; got {equation!r}")
    spare = [c for c in _LETTERS if c not in used]
    ellipsis_dims = 0
    for term, ndim in zip(terms, ndims):
        explicit = len(term.replace("...", ""))
        if term.count("...") > 1 or ("..." not in term and explicit != ndim) or explicit > ndim:
            raise ValueError(f"einsum: subscripts {term!r} do not fit an operand with {ndim} dimensions "
                             f"(equation {equation!r})")
        if "..." in term:
            ellipsis_dims = max(ellipsis_dims, ndim - explicit)
    broadcast = "".join(spare[:ellipsis_dims])
    written = [t.replace("...", broadcast[ellipsis_dims - (n - len(t.replace("...", ""))):])
               for t, n in zip(terms, ndims)]
    if arrow:
        output = rhs.replace("...", broadcast)
        if "..." not in rhs and ellipsis_dims:
            raise ValueError(f"einsum: the output of {equation!r} must keep the '...' dimensions")
    else:  # implicit mode: the broadcast dimensions, then the labels seen once, in alphabetical order
        counts = "".join(written)
        output = broadcast + "".join(sorted(c for c in set(counts) if counts.count(c) == 1 and c not in broadcast))
    return written, output


def einsum(equation: str, *operands: Tensor | ArrayLike) -> Tensor:
    """Sum products of the operands' elements over the labels that `equation` leaves out, as `torch.einsum`.

    "ij,jk->ik" is a matrix product, "bij,bjk->bik" a batched one, "ij->ji" a transpose, "ii->i" is not
    supported (a label twice in one operand: take the diagonal with indexing instead). "..." stands for
    broadcast dimensions; without "->" the output has the labels seen once, in alphabetical order.

    Parameters
    ----------
    equation : str
        Subscripts of each operand (letters and at most one "..."), comma-separated, then optionally
        "->" and the output's.
    *operands : Tensor or array_like
        As many as the equation has subscripts (one list of them is also accepted); a dimension of
        size 1 broadcasts against the other operands' size of its label.

    Returns
    -------
    Tensor, the output's subscripts as its dimensions; twice differentiable.

    Raises
    ------
    ValueError
        A malformed equation, a label twice in one operand or not found in the inputs, or sizes
        that disagree for one label.

    Examples
    --------
    >>> gw.einsum("ij,jk->ik", gw.ones((2, 3)), gw.ones((3, 4))).shape
    (2, 4)
    >>> gw.einsum("i,i", gw.tensor([1.0, 2.0]), gw.tensor([3.0, 4.0])).item()
    11.0
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    tensors = [as_tensor(x) for x in operands]
    subscripts, output = _split(equation, [t.ndim for t in tensors])
    sizes = {}
    for term, t in zip(subscripts, tensors):
        if len(set(term)) != len(term):
            raise ValueError(f"einsum: a label appears twice in the subscripts {term!r} of {equation!r}")
        for label, n in zip(term, t.shape):
            if sizes.get(label, 1) not in (1, n) and n != 1:
                raise ValueError(f"einsum: label {label!r} of {equation!r} has sizes {sizes[label]} and {n}")
            sizes[label] = max(sizes.get(label, 1), n)
    if len(set(output)) != len(output) or not set(output) <= set(sizes):
        raise ValueError(f"einsum: the output of {equation!r} must name distinct labels of the inputs")
    tensors = [t if t.shape == tuple(sizes[c] for c in s) else broadcast_to(t, tuple(sizes[c] for c in s))
               for s, t in zip(subscripts, tensors)]
    return Einsum(tuple(subscripts), output)(*tensors)
