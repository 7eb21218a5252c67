"""`gw.einsum`: forward and backward against PyTorch's `torch.einsum` in float64 and float32, NumPy's
`np.einsum` for the forward, numerical gradient checks of the first and second derivatives, and the
errors a malformed equation raises."""
import numpy as np
import pytest
from conv_oracles import compare_with_torch

import gradwork as gw

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone

CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),              # matrix product
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),     # batched
    ("ij->ji", [(2, 3)]),                         # transpose
    ("ij->i", [(2, 3)]),                          # a label summed out of its only operand
    ("i,i", [(3,), (3,)]),                        # implicit output: a dot product
    ("i,j->ij", [(3,), (4,)]),                    # outer product
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),   # three operands
    ("...x,xy->...y", [(2, 5, 3), (3, 4)]),       # EinsumDense's form
    ("ab...,bc->ac...", [(2, 3, 4), (3, 5)]),     # trailing ellipsis
    ("...ij,...jk", [(2, 1, 2, 3), (3, 3, 4)]),   # ellipsis dims broadcast (1 against 3)
    ("ij,k->i", [(2, 3), (4,)]),                  # an operand summed out entirely
    ("BFNH,NHD->BFD", [(2, 1, 2, 3), (2, 3, 4)]),  # capitals
    ("ik,jk", [(2, 3), (4, 3)]),                  # implicit output, alphabetical: "ij"
]
IDS = [eq for eq, _ in CASES]


def _arrays(shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in shapes]


@pytest.mark.parametrize("equation, shapes", CASES, ids=IDS)
def test_forward_matches_numpy(equation, shapes):
    arrays = _arrays(shapes)
    out = gw.einsum(equation, *[gw.tensor(a, dtype="float64") for a in arrays])
    np.testing.assert_allclose(out.data, np.einsum(equation, *arrays), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("equation, shapes", CASES, ids=IDS)
def test_forward_and_backward_match_torch(equation, shapes, dtype):
    compare_with_torch(lambda *t: gw.einsum(equation, *t), lambda *t: torch.einsum(equation, *t),
                       _arrays(shapes, 1), dtype, f"einsum {equation}")


@pytest.mark.parametrize("equation, shapes", CASES, ids=IDS)
def test_gradcheck_first_and_second_order(equation, shapes):
    inputs = [gw.tensor(a, requires_grad=True, dtype="float64") for a in _arrays(shapes, 2)]
    assert gw.gradcheck(lambda *t: gw.einsum(equation, *t), inputs, atol=1e-7, rtol=1e-6)
    assert gw.gradgradcheck(lambda *t: gw.einsum(equation, *t), inputs, atol=1e-7, rtol=1e-6)


def test_a_list_of_operands_and_the_docstring_numbers():
    a, b = gw.tensor([1.0, 2.0]), gw.tensor([3.0, 4.0])
    assert gw.einsum("i,i", a, b).item() == 11.0
    assert gw.einsum("i,i->", [a, b]).item() == 11.0
    assert gw.einsum("ij,jk->ik", gw.ones((2, 3)), gw.ones((3, 4))).tolist() == [[3.0] * 4] * 2


def test_the_gradient_of_a_broadcast_operand_is_summed_back():
    a = gw.tensor(np.ones((1, 2, 3)), requires_grad=True, dtype="float64")
    b = gw.tensor(np.ones((4, 3, 5)), dtype="float64")
    gw.einsum("...ij,...jk->...ik", a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.data, np.full((1, 2, 3), 4 * 5.0))


@pytest.mark.parametrize("equation, shapes, match", [
    ("ij,jk->ik", [(2, 3)], "has 2 operand subscripts, got 1 operands"),
    ("ij->ij", [(2, 3, 4)], "do not fit an operand with 3 dimensions"),
    ("ij,jk->ik", [(2, 3), (4, 5)], "label 'j' .* has sizes 3 and 4"),
    ("ii->i", [(3, 3)], "a label appears twice"),
    ("ij->k", [(2, 3)], "must name distinct labels of the inputs"),
    ("ij->ii", [(2, 3)], "must name distinct labels"),
    ("i1,1->i", [(2, 3), (3,)], "letters a-z, A-Z and '...'"),
    ("i.j->ij", [(2, 3)], "letters a-z, A-Z and '...'"),
    ("...ij->ij", [(4, 2, 3)], "must keep the '...' dimensions"),
    ("i...j...->ij", [(2, 3, 4)], "do not fit"),
])
def test_malformed_equations_raise(equation, shapes, match):
    with pytest.raises(ValueError, match=match):
        gw.einsum(equation, *[gw.ones(s) for s in shapes])


def test_the_torch_facade_has_einsum():
    import gradwork.torch as gtorch
    arrays = _arrays([(2, 3), (3, 4)], 3)
    a, b = (gtorch.tensor(x, requires_grad=True) for x in arrays)
    out = gtorch.einsum("ij,jk->ik", [a, b])
    out.sum().backward()
    np.testing.assert_allclose(out.detach().numpy(), arrays[0] @ arrays[1], rtol=1e-12)
    np.testing.assert_allclose(a.grad.numpy(), np.ones((2, 4)) @ arrays[1].T, rtol=1e-12)
