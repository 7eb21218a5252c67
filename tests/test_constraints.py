"""Weight constraints: Keras's formulas transcribed in NumPy, names and configs, bad arguments, and the
projection applied right after every optimizer update (gw optimizers in fit and train_on_batch, the
torch facade's optim), with the layers' *_constraint arguments saved in configs and model files."""
import json

import numpy as np
import pytest

import gradwork as gw
from gradwork import constraints as C
from gradwork import nn

EPS = 1e-7  # Keras's backend.epsilon()


def _norms(w, axis):
    return np.sqrt(np.sum(w ** 2, axis=tuple(np.atleast_1d(axis)), keepdims=True))


def max_norm_ref(w, max_value=2.0, axis=0):
    n = _norms(w, axis)
    return w * (np.clip(n, 0, max_value) / (EPS + n))


def min_max_norm_ref(w, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
    n = _norms(w, axis)
    return w * ((rate * np.clip(n, min_value, max_value) + (1 - rate) * n) / (EPS + n))


def non_neg_ref(w):
    return w * (w >= 0)


def unit_norm_ref(w, axis=0):
    return w / (EPS + _norms(w, axis))


def _weights(shape, seed=0):
    """Normal weights with a few vectors scaled up and one zeroed, so every branch of a clip is taken."""
    w = np.random.default_rng(seed).standard_normal(shape)
    w[..., 0] *= 5.0
    w[..., -1] *= 0.05
    return w


CASES = [
    (C.MaxNorm(), lambda w: max_norm_ref(w), (4, 3)),
    (C.MaxNorm(max_value=0.7, axis=1), lambda w: max_norm_ref(w, 0.7, 1), (4, 3)),
    (C.MaxNorm(1.5, axis=[0, 1, 2]), lambda w: max_norm_ref(w, 1.5, [0, 1, 2]), (3, 3, 2, 5)),
    (C.MinMaxNorm(), lambda w: min_max_norm_ref(w), (4, 3)),
    (C.MinMaxNorm(0.5, 2.0, 0.3, axis=1), lambda w: min_max_norm_ref(w, 0.5, 2.0, 0.3, 1), (6, 3)),
    (C.MinMaxNorm(1.0, 1.5, axis=[0, 1, 2]), lambda w: min_max_norm_ref(w, 1.0, 1.5, 1.0, [0, 1, 2]), (3, 3, 2, 4)),
    (C.NonNeg(), non_neg_ref, (5, 4)),
    (C.UnitNorm(), lambda w: unit_norm_ref(w), (4, 3)),
    (C.UnitNorm(axis=-1), lambda w: unit_norm_ref(w, -1), (2, 5, 3)),
]


@pytest.mark.parametrize("constraint, reference, shape", CASES, ids=lambda v: repr(v) if isinstance(v, C.Constraint)
                         else None)
def test_each_constraint_is_keras_formula(constraint, reference, shape):
    w = _weights(shape)
    got = constraint(w)
    assert isinstance(got, gw.Tensor) and got.shape == shape and got.dtype == np.float64
    np.testing.assert_allclose(got.data, reference(w), rtol=1e-12, atol=1e-15)
    got32 = constraint(gw.tensor(w.astype(np.float32)))
    assert got32.dtype == np.float32
    np.testing.assert_allclose(got32.data, reference(w), rtol=1e-5, atol=1e-6)


def test_projections_hold_what_they_promise():
    w = _weights((6, 4))
    assert _norms(C.MaxNorm(1.0)(w).data, 0).max() <= 1.0 + 1e-6
    np.testing.assert_allclose(_norms(C.UnitNorm()(w).data, 0), 1.0, rtol=3e-6)  # eps / norm, norms > 0.05
    n = _norms(C.MinMaxNorm(0.5, 1.0)(w).data, 0)
    assert n.min() >= 0.5 - 1e-6 and n.max() <= 1.0 + 1e-6
    assert C.NonNeg()(w).data.min() == 0.0
    np.testing.assert_array_equal(C.Constraint()(w).data, w)
    np.testing.assert_array_equal(C.UnitNorm()(np.zeros((3, 2))).data, 0.0)  # eps keeps a zero vector finite


def test_keras_defaults_names_and_configs():
    assert C.MaxNorm().get_config() == {"max_value": 2.0, "axis": 0}
    assert C.MinMaxNorm().get_config() == {"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0}
    assert C.UnitNorm().get_config() == {"axis": 0} and C.NonNeg().get_config() == {}
    for name, cls in [("max_norm", C.MaxNorm), ("min_max_norm", C.MinMaxNorm), ("non_neg", C.NonNeg),
                      ("unit_norm", C.UnitNorm), ("MaxNorm", C.MaxNorm)]:
        assert type(C.get(name)) is cls
    assert C.max_norm is C.MaxNorm and C.non_neg is C.NonNeg
    assert C.get(None) is None and type(C.get(C.UnitNorm)) is C.UnitNorm
    original = C.MinMaxNorm(0.2, 3.0, rate=0.5, axis=[0, 1])
    config = json.loads(json.dumps(C.serialize(original)))
    assert config == {"class_name": "MinMaxNorm", "config": {"min_value": 0.2, "max_value": 3.0, "rate": 0.5,
                                                              "axis": [0, 1]}}
    again = C.deserialize(config)
    assert type(again) is C.MinMaxNorm and again.get_config() == original.get_config()
    assert C.get(config).get_config() == original.get_config()


@pytest.mark.parametrize("make, pattern", [
    (lambda: C.MaxNorm(-1.0), r"MaxNorm: max_value must be a finite number >= 0, got -1.0"),
    (lambda: C.MaxNorm(float("nan")), r"MaxNorm: max_value"),
    (lambda: C.MaxNorm(axis=1.5), r"MaxNorm: axis must be an integer or a list of integers, got 1.5"),
    (lambda: C.MinMaxNorm(2.0, 1.0), r"MinMaxNorm: min_value must be <= max_value"),
    (lambda: C.MinMaxNorm(rate=1.5), r"MinMaxNorm: rate must be in \[0, 1\], got 1.5"),
    (lambda: C.UnitNorm(axis=[]), r"UnitNorm: axis"),
    (lambda: C.get("max_normm"), r"unknown constraint 'max_normm'; valid names are: .*'max_norm'"),
    (lambda: C.get(3), r"could not interpret constraint identifier 3"),
    (lambda: nn.Dense(2, kernel_constraint="nope"), r"unknown constraint 'nope'"),
    (lambda: nn.Dense(2, recurrent_constraint="non_neg"), r"Dense got unexpected arguments: recurrent_constraint"),
])
def test_bad_arguments_raise_clearly(make, pattern):
    with pytest.raises(ValueError if "unexpected" not in pattern else TypeError, match=pattern):
        make()


def test_a_bad_layer_constraint_raises_before_the_layer_takes_a_name():
    def number(name):
        return int(name.rsplit("_", 1)[1]) if "_" in name else 0

    first = number(nn.Dense(2).name)
    with pytest.raises(ValueError, match="unknown constraint 'nope'"):
        nn.Dense(2, kernel_constraint="nope")
    assert number(nn.Dense(2).name) == first + 1


# ----- applied after every optimizer update ---------------------------------------------------------

def _model(constrained):
    gw.random.seed(0)
    kwargs = dict(kernel_constraint=C.MaxNorm(0.4), bias_constraint="non_neg") if constrained else {}
    return gw.Sequential([nn.Input(shape=(3,)), nn.Dense(4, activation="tanh", **kwargs),
                          nn.Dense(1, kernel_constraint=C.UnitNorm() if constrained else None)])


def _project(model):
    """The constraints of `_model(True)` applied to a model's weights, in NumPy."""
    k1, b1, k2, b2 = model.get_weights()
    model.set_weights([max_norm_ref(k1, 0.4), non_neg_ref(b1), unit_norm_ref(k2), b2])


def _data():
    rng = np.random.default_rng(1)
    return rng.standard_normal((24, 3)).astype(np.float32), rng.standard_normal((24, 1)).astype(np.float32)


OPTIMIZERS = [lambda: gw.optimizers.SGD(0.3, momentum=0.5), lambda: gw.optimizers.Adam(0.05),
              lambda: gw.optimizers.RMSprop(0.05)]


@pytest.mark.parametrize("make_optimizer", OPTIMIZERS, ids=["sgd", "adam", "rmsprop"])
@pytest.mark.parametrize("how", ["fit", "train_on_batch"])
def test_constraints_apply_after_each_step(make_optimizer, how):
    x, y = _data()
    model, reference = _model(True), _model(False)
    reference.set_weights(model.get_weights())
    model.compile(make_optimizer(), "mse")
    reference.compile(make_optimizer(), "mse")
    if how == "fit":
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    else:
        for start in range(0, 24, 8):
            model.train_on_batch(x[start:start + 8], y[start:start + 8])
    for _ in range(2 if how == "fit" else 1):  # the same steps, each followed by the NumPy projection
        for start in range(0, 24, 8):
            reference.train_on_batch(x[start:start + 8], y[start:start + 8])
            _project(reference)
    for got, expected in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    kernel, bias = model.layers[0].kernel.data, model.layers[0].bias.data
    assert _norms(kernel, 0).max() <= 0.4 + 1e-6 and bias.min() >= 0.0
    np.testing.assert_allclose(_norms(model.layers[1].kernel.data, 0), 1.0, rtol=1e-5)


def test_the_constraint_follows_the_update_and_counts_in_the_version():
    p = nn.Parameter(np.array([[3.0, 0.1], [4.0, -0.2]]), name="kernel", constraint=C.MaxNorm(1.0))
    recorded = (p * 2.0).sum()
    version = p._version_counter[0]
    gw.optimizers.SGD(0.5).apply([np.array([[2.0, 0.0], [0.0, 0.0]])], [p])
    np.testing.assert_allclose(p.data, max_norm_ref(np.array([[2.0, 0.1], [4.0, -0.2]]), 1.0), rtol=1e-12)
    assert p._version_counter[0] == version + 1
    with pytest.raises(RuntimeError):
        recorded.backward()
    untouched = nn.Parameter(np.array([5.0, 0.0]), constraint=C.UnitNorm())
    gw.optimizers.SGD(0.5).apply([None, np.ones((2, 2))], [untouched, p])  # no gradient: no update, no projection
    np.testing.assert_array_equal(untouched.data, [5.0, 0.0])


def test_a_constraint_of_the_wrong_shape_is_named():
    p = nn.Parameter(np.ones((2, 2)), name="kernel", constraint=lambda w: w.sum())
    with pytest.raises(ValueError, match=r"weight 'kernel' returned shape \(\), expected the weight's shape \(2, 2\)"):
        gw.optimizers.SGD(0.1).apply([np.ones((2, 2))], [p])


def test_the_torch_facade_optimizers_go_through_the_same_update():
    import gradwork.torch as torch  # the facade (not PyTorch)

    weight = torch.nn.Parameter(torch.tensor([[1.0, -1.0], [0.5, -0.5]]))
    weight._t.constraint = C.NonNeg()  # the gradwork Parameter under the facade's
    opt = torch.optim.Adam([weight], lr=0.1)
    (weight * torch.tensor([[1.0, -1.0], [-1.0, 1.0]])).sum().backward()
    opt.step()
    assert weight._t.data.min() == 0.0 and (weight._t.data[:, 0] > 0).all()


# ----- layers: arguments, weights, configs, model files ---------------------------------------------

LAYERS = [
    (lambda: nn.Dense(3, kernel_constraint="max_norm", bias_constraint="non_neg"), (2, 4),
     {"kernel": "MaxNorm", "bias": "NonNeg"}),
    (lambda: nn.Conv2D(2, 3, kernel_constraint=C.MaxNorm(1.0, axis=[0, 1, 2]), bias_constraint="unit_norm"),
     (1, 5, 5, 2), {"kernel": "MaxNorm", "bias": "UnitNorm"}),
    (lambda: nn.Conv1DTranspose(2, 3, kernel_constraint="non_neg"), (1, 5, 2), {"kernel": "NonNeg"}),
    (lambda: nn.DepthwiseConv2D(3, depthwise_constraint="non_neg", bias_constraint="non_neg"), (1, 5, 5, 2),
     {"kernel": "NonNeg", "bias": "NonNeg"}),
    (lambda: nn.SeparableConv2D(2, 3, depthwise_constraint="unit_norm", pointwise_constraint="max_norm"),
     (1, 5, 5, 2), {"depthwise_kernel": "UnitNorm", "pointwise_kernel": "MaxNorm"}),
    (lambda: nn.Embedding(5, 3, embeddings_constraint="unit_norm"), (2, 4), {"embeddings": "UnitNorm"}),
    (lambda: nn.BatchNormalization(beta_constraint="non_neg", gamma_constraint="min_max_norm"), (4, 3),
     {"beta": "NonNeg", "gamma": "MinMaxNorm"}),
    (lambda: nn.LayerNormalization(beta_constraint="non_neg", gamma_constraint="unit_norm"), (4, 3),
     {"beta": "NonNeg", "gamma": "UnitNorm"}),
    (lambda: nn.SimpleRNN(2, kernel_constraint="max_norm", recurrent_constraint="unit_norm",
                          bias_constraint="non_neg"), (2, 3, 4),
     {"kernel": "MaxNorm", "recurrent_kernel": "UnitNorm", "bias": "NonNeg"}),
    (lambda: nn.LSTM(2, recurrent_constraint="non_neg"), (2, 3, 4), {"recurrent_kernel": "NonNeg"}),
    (lambda: nn.GRU(2, kernel_constraint="non_neg"), (2, 3, 4), {"kernel": "NonNeg"}),
    (lambda: nn.RNN(nn.LSTMCell(2, kernel_constraint="unit_norm", bias_constraint="non_neg")), (2, 3, 4),
     {"kernel": "UnitNorm", "bias": "NonNeg"}),
    (lambda: nn.Conv3D(2, 2, kernel_constraint="max_norm", bias_constraint="non_neg"), (1, 3, 3, 3, 2),
     {"kernel": "MaxNorm", "bias": "NonNeg"}),
    (lambda: nn.Conv3DTranspose(2, 2, kernel_constraint="non_neg"), (1, 2, 2, 2, 2), {"kernel": "NonNeg"}),
    (lambda: nn.EinsumDense("ab,bc->ac", 3, bias_axes="c", kernel_constraint="unit_norm",
                            bias_constraint="non_neg"), (2, 4), {"kernel": "UnitNorm", "bias": "NonNeg"}),
    (lambda: nn.GroupNormalization(2, beta_constraint="non_neg", gamma_constraint="max_norm"), (2, 4),
     {"beta": "NonNeg", "gamma": "MaxNorm"}),
    (lambda: nn.PReLU(alpha_constraint="non_neg"), (2, 4), {"alpha": "NonNeg"}),
]


@pytest.mark.parametrize("make, shape, expected", LAYERS, ids=lambda v: None)
def test_layer_constraint_arguments_reach_the_weights_and_the_config(make, shape, expected):
    layer = make()
    x = np.abs(np.random.default_rng(0).standard_normal(shape)).astype(np.float32)
    layer(x.astype(np.int64) if isinstance(layer, nn.Embedding) else x)
    for _, p in layer.named_parameters():
        assert type(p.constraint).__name__ == expected.get(p.name, "NoneType"), p.name
    config = json.loads(json.dumps(layer.get_config()))
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    for key in type(layer).constraint_arguments:
        assert type(getattr(clone, key)) is type(getattr(layer, key))
    if getattr(layer, "kernel_constraint", None) is None and "kernel_constraint" in type(layer).constraint_arguments:
        assert "kernel_constraint" not in config  # only what is set goes into a config


def test_multi_head_attention_constrains_every_projection():
    mha = nn.MultiHeadAttention(2, 3, kernel_constraint="unit_norm", bias_constraint="non_neg")
    mha(np.zeros((1, 4, 5)), np.zeros((1, 2, 5)))
    kinds = {p.name: type(p.constraint).__name__ for p in mha.weights}
    assert {k for k, v in kinds.items() if v == "UnitNorm"} == {f"{w}_kernel" for w in ("query", "key", "value",
                                                                                         "output")}
    assert {k for k, v in kinds.items() if v == "NonNeg"} == {f"{w}_bias" for w in ("query", "key", "value",
                                                                                    "output")}
    assert nn.MultiHeadAttention.from_config(mha.get_config()).get_config() == mha.get_config()


def test_a_saved_model_keeps_its_constraints_and_applies_them_after_loading(tmp_path):
    x, y = _data()
    model = _model(True)
    model.compile(gw.optimizers.Adam(0.05), "mse")
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    model.save(tmp_path / "m.gw")
    loaded = gw.load_model(tmp_path / "m.gw")
    assert loaded.get_config() == model.get_config()
    assert loaded.layers[0].kernel.constraint.get_config() == {"max_value": 0.4, "axis": 0}
    assert type(loaded.layers[0].bias.constraint) is C.NonNeg
    for trained in (model, loaded):
        trained.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert _norms(loaded.layers[0].kernel.data, 0).max() <= 0.4 + 1e-6


def _clip_at_one(w):
    return w.clip(-1.0, 1.0)


def _sum_of_squares(x):
    return (x * x).sum()


@pytest.mark.parametrize("argument, function", [
    ("kernel_constraint", _clip_at_one), ("bias_constraint", _clip_at_one),
    ("kernel_regularizer", _sum_of_squares), ("activity_regularizer", _sum_of_squares)])
def test_a_plain_function_argument_works_but_saving_says_why_it_cannot(tmp_path, argument, function):
    layer = nn.Dense(2, **{argument: function})
    model = gw.models.Sequential([nn.Input((3,)), layer])
    model.compile("sgd", "mse")
    model.fit(np.ones((4, 3), np.float32), np.ones((4, 2), np.float32), epochs=1, verbose=0)  # it is used
    pattern = rf"cannot serialize <function {function.__name__} .*plain function"
    with pytest.raises(ValueError, match=pattern):
        layer.get_config()
    with pytest.raises(ValueError, match=pattern):
        model.save(tmp_path / "m.gw")
    assert not (tmp_path / "m.gw").exists()
