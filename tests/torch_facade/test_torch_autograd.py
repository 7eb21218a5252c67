"""gradwork.torch.autograd against torch.autograd: custom Functions (forward, backward, double backward),
grad, backward, gradcheck and gradgradcheck. Each custom Function is written once, for either library."""
import numpy as np
import pytest

import gradwork.torch as gtorch
from gradwork.torch.autograd import GradcheckError

from torch_oracle import torch  # noqa: E402


def functions(lib):
    """The same custom Functions, subclassing `lib.autograd.Function`."""
    class MyExp(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)  # an output: under create_graph its graph is differentiated again
            return y

        @staticmethod
        def backward(ctx, grad_output):
            y, = ctx.saved_tensors
            return grad_output * y

    class ScaledProduct(lib.autograd.Function):  # two tensors and a number: backward returns None for it
        @staticmethod
        def forward(ctx, x, w, alpha):
            ctx.save_for_backward(x, w)
            ctx.alpha = alpha
            ctx.needs = tuple(ctx.needs_input_grad)
            return (x * w).tanh() * alpha

        @staticmethod
        def backward(ctx, grad_output):
            x, w = ctx.saved_tensors
            t = (x * w).tanh()
            g = grad_output * ctx.alpha * (1 - t * t)
            return g * w, g * x, None

    class ExpAndTanh(lib.autograd.Function):  # two outputs, gradients arriving together
        @staticmethod
        def forward(ctx, x):
            e, t = x.exp(), x.tanh()
            ctx.save_for_backward(e, t)
            return e, t

        @staticmethod
        def backward(ctx, grad_e, grad_t):
            e, t = ctx.saved_tensors
            return grad_e * e + grad_t * (1 - t * t)

    class MaxWithIndex(lib.autograd.Function):  # an integer output marked non-differentiable
        @staticmethod
        def forward(ctx, x):
            values, index = x.max(dim=1)
            ctx.mark_non_differentiable(index)
            ctx.save_for_backward(index)
            ctx.shape = x.shape
            return values, index

        @staticmethod
        def backward(ctx, grad_values, grad_index):
            index, = ctx.saved_tensors
            one_hot = (lib.arange(ctx.shape[1]) == index.unsqueeze(1)).to(grad_values.dtype)
            return one_hot * grad_values.unsqueeze(1)

    class WrongExp(MyExp):
        @staticmethod
        def backward(ctx, grad_output):
            y, = ctx.saved_tensors
            return grad_output * y * 1.01

    class ConstantBackward(MyExp):  # right first derivative, but a backward that is not differentiable
        @staticmethod
        def backward(ctx, grad_output):
            y, = ctx.saved_tensors
            return grad_output * y.detach()

    return {name: value for name, value in locals().items() if isinstance(value, type)}


OURS, THEIRS = functions(gtorch), functions(torch)


def _inputs(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    arrays = [rng.normal(size=shape) for shape in shapes]
    ours = [gtorch.tensor(a, requires_grad=True) for a in arrays]
    return ours, [torch.tensor(a, requires_grad=True) for a in arrays]


def _close(ours, theirs, rtol=1e-12):
    assert (ours is None) == (theirs is None)
    if ours is not None:
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("name, shapes, extra", [
    ("MyExp", [(3, 4)], ()),
    ("ScaledProduct", [(3, 4), (3, 4)], (0.5,)),
    ("ExpAndTanh", [(5,)], ()),
])
def test_custom_function_forward_backward_and_double_backward_match_torch(name, shapes, extra):
    (ours_in, theirs_in), results = _inputs(*shapes), []
    for lib, fn, inputs in ((gtorch, OURS[name], ours_in), (torch, THEIRS[name], theirs_in)):
        out = fn.apply(*inputs, *extra)
        outs = out if isinstance(out, tuple) else (out,)
        rng = np.random.default_rng(1)
        weights = [lib.tensor(rng.normal(size=tuple(o.shape))) for o in outs]
        loss = sum((o * w).sum() for o, w in zip(outs, weights))
        grads = lib.autograd.grad(loss, inputs, create_graph=True)
        second = lib.autograd.grad(sum((g * g).sum() for g in grads), inputs)
        results.append((outs, grads, second))
    for ours, theirs in zip(*results):
        for a, b in zip(ours, theirs):
            _close(a, b)


def test_only_one_used_output_still_gets_zeros_for_the_other():
    (x,), (tx,) = _inputs((4,))
    e, _ = OURS["ExpAndTanh"].apply(x)
    te, _ = THEIRS["ExpAndTanh"].apply(tx)
    e.sum().backward()
    te.sum().backward()
    _close(x.grad, tx.grad)


def test_non_differentiable_outputs_ctx_attributes_and_needs_input_grad():
    (x,), (tx,) = _inputs((3, 5))
    values, index = OURS["MaxWithIndex"].apply(x)
    tvalues, tindex = THEIRS["MaxWithIndex"].apply(tx)
    assert not index.requires_grad and index.dtype == gtorch.int64 and values.requires_grad
    assert index.tolist() == tindex.tolist()
    (values * 2).sum().backward()
    (tvalues * 2).sum().backward()
    _close(x.grad, tx.grad)
    w = gtorch.ones(3, 5, dtype=gtorch.float64)
    out = OURS["ScaledProduct"].apply(x, w, 2.0)
    assert out.grad_fn is not None and type(out.grad_fn).__name__ == "ScaledProductBackward"
    assert out.grad_fn.ctx.needs == (True, False, False)


def test_no_graph_without_inputs_that_require_grad():
    x = gtorch.ones(3, dtype=gtorch.float64)
    assert OURS["MyExp"].apply(x).grad_fn is None
    with gtorch.no_grad():
        assert OURS["MyExp"].apply(x.requires_grad_()).grad_fn is None


def test_setup_context_style():
    class Square(gtorch.autograd.Function):
        @staticmethod
        def forward(x):
            return x * x

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        @staticmethod
        def backward(ctx, grad_output):
            x, = ctx.saved_tensors
            return 2 * x * grad_output
    x = gtorch.tensor([1.0, -3.0], requires_grad=True)
    Square.apply(x).sum().backward()
    assert x.grad.tolist() == [2.0, -6.0]


def test_wrong_backward_results_are_clear_errors():
    class TooFew(gtorch.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output

    class GradForANumber(TooFew):
        @staticmethod
        def backward(ctx, grad_output):
            return grad_output, grad_output

    class WrongShape(TooFew):
        @staticmethod
        def backward(ctx, grad_output):
            return grad_output.sum(), None
    x = gtorch.ones(2, requires_grad=True)
    for function, match in [(TooFew, r"incorrect number of gradients \(expected 2, got 1\)"),
                            (GradForANumber, "was not a tensor"), (WrongShape, "WrongShapeBackward.backward returned")]:
        with pytest.raises(RuntimeError, match=match):
            function.apply(x, 3.0).sum().backward()
    with pytest.raises(RuntimeError, match=r"\.apply"):
        TooFew()(x, 3.0)


def test_gradcheck_passes_a_right_function_and_fails_a_wrong_one():
    (x, w), _ = _inputs((2, 3), (2, 3))
    assert gtorch.autograd.gradcheck(OURS["MyExp"].apply, (x,))
    assert gtorch.autograd.gradcheck(OURS["ScaledProduct"].apply, (x, w, 0.7), eps=1e-6, atol=1e-5)
    assert gtorch.autograd.gradcheck(lambda v: OURS["ExpAndTanh"].apply(v), (x,))
    assert gtorch.autograd.gradgradcheck(OURS["MyExp"].apply, (x,))
    assert gtorch.autograd.gradgradcheck(OURS["ScaledProduct"].apply, (x, w, 0.7))
    with pytest.raises(GradcheckError, match="gradcheck failed for input 0"):
        gtorch.autograd.gradcheck(OURS["WrongExp"].apply, (x,))
    assert gtorch.autograd.gradcheck(OURS["WrongExp"].apply, (x,), raise_exception=False) is False
    assert gtorch.autograd.gradcheck(OURS["ConstantBackward"].apply, (x,))
    with pytest.raises(GradcheckError):
        gtorch.autograd.gradgradcheck(OURS["ConstantBackward"].apply, (x,))
    assert torch.autograd.gradcheck(THEIRS["ScaledProduct"].apply, (torch.tensor(x.detach().numpy(),
                                                                                 requires_grad=True),
                                                                    torch.tensor(w.detach().numpy()), 0.7))


def test_grad_and_backward_match_torch():
    (x, y), (tx, ty) = _inputs((3,), (3,))
    z = gtorch.ones(3, requires_grad=True)
    tz = torch.ones(3, dtype=torch.float32, requires_grad=True)
    for lib, (a, b, c) in ((gtorch, (x, y, z)), (torch, (tx, ty, tz))):
        out1, out2 = (a * b).exp(), (a * a).sum()
        weight = lib.tensor([1.0, -2.0, 0.5], dtype=lib.float64)
        grads = lib.autograd.grad([out1, out2], [a, b, c], grad_outputs=[weight, None], allow_unused=True,
                                  retain_graph=True)
        assert grads[2] is None
        zeros = lib.autograd.grad(out2, [c, a], materialize_grads=True, retain_graph=True)[0]
        assert zeros.tolist() == [0.0, 0.0, 0.0]
        lib.autograd.backward([out1.sum(), out2], [None, lib.tensor(3.0, dtype=lib.float64)])
    _close(x.grad, tx.grad)
    _close(y.grad, ty.grad)
    with pytest.raises(RuntimeError, match="not used"):
        gtorch.autograd.grad((x * 2).sum(), [x, z])
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad"):
        gtorch.autograd.backward([gtorch.ones(2)])
