"""Keras 3's activations added to gw.activations (celu, glu, log_sigmoid, hard_tanh, hard_shrink, soft_shrink,
tanh_shrink, threshold, squareplus, sparse_plus, sparse_sigmoid, sparsemax): the numbers in Keras's docstring
examples, PyTorch where it has the same function, a NumPy transcription of the formula otherwise, float64 first
and second derivatives; and for every registered activation: lists and scalars as input, `get`, and a saved model.
"""
import doctest

import numpy as np
import pytest

import gradwork as gw
from gradwork import activations as A
from gradwork import nn
from gradwork.autograd.gradcheck import gradcheck, gradgradcheck

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone
tF = torch.nn.functional

# Away from every kink of these functions (0, +-0.5, +-1, and threshold's 0.3) by at least 0.05.
X = np.array([[-2.7, -1.3, -0.8, -0.35, -0.1, 0.15], [0.4, 0.62, 0.9, 1.2, 1.8, 3.1]])
NEW = ["celu", "glu", "log_sigmoid", "hard_tanh", "hard_shrink", "soft_shrink", "tanh_shrink", "threshold",
       "squareplus", "sparse_plus", "sparse_sigmoid", "sparsemax"]
AXIS_ACTIVATIONS = {"softmax", "log_softmax", "crelu", "glu", "sparsemax"}  # these need an axis: no scalars

# Keras 3's docstring examples (keras.ops / keras.activations): float64 input [-1, 0, 1] unless given.
KERAS_EXAMPLES = [
    ("celu", [-1.0, 0.0, 1.0], {}, [-0.63212056, 0.0, 1.0]),
    ("glu", [-1.0, 0.0, 1.0, 1.0], {}, [-0.73105858, 0.0]),
    ("log_sigmoid", [-1.0, 0.0, 1.0], {}, [-1.31326169, -0.69314718, -0.31326169]),
    ("hard_tanh", [-1.5, 0.0, 1.5], {}, [-1.0, 0.0, 1.0]),
    ("hard_shrink", [-0.5, 0.0, 1.0], {}, [0.0, 0.0, 1.0]),
    ("soft_shrink", [-1.0, 0.0, 1.0], {}, [-0.5, 0.0, 0.5]),
    ("tanh_shrink", [-1.0, 0.0, 1.0], {}, [-0.23840584, 0.0, 0.23840584]),
    ("threshold", [-1.0, 0.0, 1.0, 2.0], {"threshold": 1.0, "default_value": 0.0}, [0.0, 0.0, 0.0, 2.0]),
    ("sparse_plus", [-1.0, 0.0, 1.0], {}, [0.0, 0.25, 1.0]),
    ("sparse_sigmoid", [-1.0, 0.0, 1.0], {}, [0.0, 0.5, 1.0]),
    ("sparsemax", [-1.0, 0.0, 1.0], {}, [0.0, 0.0, 1.0]),
]


@pytest.mark.parametrize("name, x, kwargs, expected", KERAS_EXAMPLES, ids=[e[0] for e in KERAS_EXAMPLES])
def test_keras_docstring_examples(name, x, kwargs, expected):
    out = A.get(name)(np.array(x), **kwargs)
    np.testing.assert_allclose(out.data, expected, rtol=0, atol=5e-9)  # Keras prints 8 decimals


# name -> (kwargs for gradwork, the same function in PyTorch with those arguments)
TORCH_FORMS = {
    "celu": ({}, tF.celu),
    "celu/alpha": ({"alpha": 0.7}, lambda x: tF.celu(x, alpha=0.7)),
    "glu": ({}, tF.glu),
    "glu/axis0": ({"axis": 0}, lambda x: tF.glu(x, dim=0)),
    "log_sigmoid": ({}, tF.logsigmoid),
    "hard_tanh": ({}, tF.hardtanh),
    "hard_shrink": ({}, tF.hardshrink),  # PyTorch's lambd is Keras's threshold, both 0.5 by default
    "hard_shrink/threshold": ({"threshold": 1.0}, lambda x: tF.hardshrink(x, lambd=1.0)),
    "soft_shrink": ({}, tF.softshrink),
    "soft_shrink/threshold": ({"threshold": 1.0}, lambda x: tF.softshrink(x, lambd=1.0)),
    "tanh_shrink": ({}, tF.tanhshrink),
    "threshold": ({"threshold": 0.3, "default_value": -2.0}, lambda x: tF.threshold(x, 0.3, -2.0)),
}


@pytest.mark.parametrize("case", sorted(TORCH_FORMS))
def test_matches_torch_forward_and_gradient(case):
    kwargs, torch_fn = TORCH_FORMS[case]
    x = gw.tensor(X, requires_grad=True)
    out = A.get(case.split("/")[0])(x, **kwargs)
    v = np.random.default_rng(0).standard_normal(out.shape)
    (out * v).sum().backward()

    tx = torch.tensor(X, requires_grad=True)
    tout = torch_fn(tx)
    (tout * torch.tensor(v)).sum().backward()
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-12, atol=1e-14)
    # PyTorch's celu backward rounds 1 / alpha to float32 even for float64 tensors (ours is exp(x / alpha)
    # to the last bit, and passes gradcheck); alpha = 1 is exact in both
    rtol = 1e-7 if case == "celu/alpha" else 1e-10
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=rtol, atol=1e-14)


def _sparsemax_by_bisection(z):
    """Sparsemax of a vector from its definition: the tau with sum(max(z - tau, 0)) = 1, found by bisection."""
    low, high = z.max() - 1, z.max()
    for _ in range(200):
        tau = (low + high) / 2
        low, high = (tau, high) if np.maximum(z - tau, 0).sum() > 1 else (low, tau)
    return np.maximum(z - (low + high) / 2, 0)


# name -> (kwargs, NumPy transcription of Keras's formula)
NUMPY_FORMS = {
    "squareplus": ({}, lambda x: (x + np.sqrt(x * x + 4)) / 2),
    "squareplus/b": ({"b": 0.5}, lambda x: (x + np.sqrt(x * x + 0.5)) / 2),
    "sparse_plus": ({}, lambda x: np.where(x <= -1, 0.0, np.where(x >= 1, x, (x + 1) ** 2 / 4))),
    "sparse_sigmoid": ({}, lambda x: np.where(x <= -1, 0.0, np.where(x >= 1, 1.0, (x + 1) / 2))),
    "sparsemax": ({}, lambda x: np.apply_along_axis(_sparsemax_by_bisection, -1, x)),
    "sparsemax/axis0": ({"axis": 0}, lambda x: np.apply_along_axis(_sparsemax_by_bisection, 0, x)),
}


@pytest.mark.parametrize("case", sorted(NUMPY_FORMS))
def test_matches_numpy_formula(case):
    kwargs, numpy_fn = NUMPY_FORMS[case]
    for x in (X, 3 * X):  # 3 * X: sparsemax with a support of one or two entries
        np.testing.assert_allclose(A.get(case.split("/")[0])(x, **kwargs).data, numpy_fn(x), rtol=1e-12, atol=1e-12)


def test_docstring_examples_hold():
    from gradwork.activations import extended
    result = doctest.testmod(extended, extraglobs={"gw": gw}, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted == 12 and result.failed == 0


def test_sparsemax_is_a_distribution_with_exact_zeros():
    out = A.sparsemax(gw.tensor(3 * X)).data
    np.testing.assert_allclose(out.sum(axis=-1), 1.0, rtol=1e-12)
    assert (out >= 0).all() and (out == 0).any()


GRAD_CASES = {name: {} for name in NEW} | {
    "threshold": {"threshold": 0.3, "default_value": -2.0},
    "celu": {"alpha": 0.7},
    "glu": {"axis": 0},
}


@pytest.mark.parametrize("name", NEW)
def test_float64_gradcheck_and_gradgradcheck(name):
    x = gw.tensor(X, requires_grad=True)

    def fn(t):
        return A.get(name)(t, **GRAD_CASES[name])

    assert gradcheck(fn, [x])
    assert gradgradcheck(fn, [x])


def test_sparsemax_second_derivative_on_a_wider_support():
    x = gw.tensor(X / 4, requires_grad=True)  # most entries in the support: the centring term matters
    assert gradgradcheck(lambda t: A.sparsemax(t), [x])
    assert gradcheck(lambda t: A.sparsemax(t, axis=0), [x])


REGISTERED = A._ACTIVATIONS.valid_names().replace("'", "").split(", ")


@pytest.mark.parametrize("name", REGISTERED)
def test_every_activation_takes_lists_and_scalars(name):
    values = [-1.3, -0.2, 0.4, 2.1]
    if name == "linear":  # the identity returns its input as it came
        assert A.linear(values) is values and A.linear(0.4) == 0.4
        return
    kwargs = {"threshold": 0.3, "default_value": -1.0} if name == "threshold" else {}  # no defaults in Keras

    def fn(x):
        return A.get(name)(x, **kwargs)

    np.testing.assert_array_equal(fn(values).data, fn(gw.tensor(values)).data)
    assert fn([-2, -1, 1, 2]).dtype == gw.get_default_dtype()  # integers compute in floats, as in Keras
    if name in AXIS_ACTIVATIONS:
        with pytest.raises(ValueError, match=name):
            fn(0.4)
    else:
        out = fn(0.4)
        assert out.shape == () and out.item() == fn(gw.tensor([0.4])).data[0]


def test_the_kwargs_forms_take_lists():
    # the forms that raised TypeError on a list before the conversion moved to one shared place
    assert A.leaky_relu([-1.0, 2.0]).tolist() == pytest.approx([-0.2, 2.0])
    assert A.relu([-1.0, 2.0], negative_slope=0.5).tolist() == [-0.5, 2.0]
    assert A.elu([-1.0, 2.0], alpha=2.0).tolist() == pytest.approx([2 * (np.exp(-1) - 1), 2.0])
    assert A.selu([0.0]).tolist() == [0.0]
    assert A.gelu([0.0, 1.0], approximate=True).tolist() == pytest.approx([0.0, 0.8411920], rel=1e-6)


@pytest.mark.parametrize("name", NEW)
def test_get_returns_the_function_like_keras(name):
    fn = getattr(A, name)
    assert A.get(name) is fn
    assert A.get(fn) is fn
    # Keras 3 serializes a built-in activation function as this dict
    assert A.get({"module": "keras.activations", "class_name": "function", "config": name,
                  "registered_name": name}) is fn
    assert A.serialize(fn) == name and A.deserialize(name) is fn
    assert fn.__name__ == name


def test_get_none_unknown_and_uninterpretable():
    assert A.get(None) is A.linear
    with pytest.raises(ValueError, match="sparsemax"):  # the message lists the valid names
        A.get("sparse_max")
    with pytest.raises(ValueError):
        A.get(1.5)


def test_argument_errors_name_the_activation():
    with pytest.raises(ValueError, match="glu.*even"):
        A.glu([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="celu.*alpha"):
        A.celu([1.0], alpha=0)
    with pytest.raises(ValueError, match="squareplus.*b"):
        A.squareplus([1.0], b=-1)


def test_dense_with_celu_saves_and_loads(tmp_path):
    gw.random.seed(0)
    model = gw.Sequential([nn.Dense(4, activation="celu", input_dim=3), nn.Dense(2, activation="sparsemax")])
    x = np.random.default_rng(1).standard_normal((5, 3))
    before = model(x).data
    assert model.layers[0].get_config()["activation"] == "celu"
    model.save(tmp_path / "m.gw")
    loaded = gw.load_model(tmp_path / "m.gw")
    assert loaded.layers[0].activation is A.celu and loaded.layers[1].activation is A.sparsemax
    np.testing.assert_array_equal(loaded(x).data, before)
