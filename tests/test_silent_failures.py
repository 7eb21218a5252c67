"""Issue 12, silent no-ops that look like training (layer side): layers kept in containers are
tracked, `forward` works as `call`, a direct `build` marks the layer built, a failed first call
leaves the layer (and gradwork's generator) as it was, and a model with nothing to train refuses
to fit. The fuzz test feeds layers random bad shapes and dtypes."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import gradwork as gw
from gradwork import nn


def _same(a, b):
    return len(a) == len(b) and all(u.dtype == v.dtype and np.array_equal(u, v) for u, v in zip(a, b))


class Containers(gw.Model):
    """Blocks in a list filled by append, heads in a dict, and a nested list of tuples."""

    def __init__(self):
        super().__init__()
        self.blocks = []
        for units in (8, 8):
            self.blocks.append(nn.Dense(units, activation="relu"))
        self.heads = {"score": nn.Dense(3)}
        self.extra = [(nn.Dense(4),)]

    def call(self, x):
        for block in self.blocks:
            x = block(x)
        return self.heads["score"](x) + 0.0 * self.extra[0][0](x).sum()


def test_layers_in_lists_dicts_and_nested_containers_are_tracked_and_trained(tmp_path):
    gw.random.seed(0)
    model = Containers()
    model.compile("adam", gw.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y = np.random.default_rng(0).normal(size=(32, 5)).astype(np.float32), np.arange(32) % 3
    model.fit(x, y, epochs=1, verbose=0)
    assert [path for path, _ in model.named_layers()] == ["blocks.0", "blocks.1", "heads.score", "extra.0.0"]
    assert model.count_params() == (5 * 8 + 8) + (8 * 8 + 8) + (8 * 3 + 3) + (8 * 4 + 4)
    before = [w.copy() for w in model.get_weights()]
    model.fit(x, y, epochs=1, verbose=0)
    assert not np.array_equal(before[0], model.get_weights()[0])
    model.save_weights(tmp_path / "w.weights.npz")
    twin = Containers()
    twin(x[:1])
    twin.load_weights(tmp_path / "w.weights.npz")
    assert _same(twin.get_weights(), model.get_weights())


def test_a_model_with_nothing_to_train_refuses_to_fit_and_stays_unbuilt():
    class Hidden(gw.Model):
        def __init__(self):
            super().__init__()
            self.__dict__["dense"] = nn.Dense(3)  # bypasses tracking: the model holds no weight

        def call(self, x):
            return self.dense(x)

    model = Hidden()
    model.compile("sgd", "mse")
    state = gw.random.get_state()
    with pytest.raises(ValueError, match="hidden.*no trainable weights .0 weights in all.*training would change "
                                         "nothing"):
        model.fit(np.zeros((4, 2)), np.zeros((4, 3)), verbose=0)
    assert not model.built and gw.random.get_state() == state
    with pytest.raises(ValueError, match="no trainable weights"):
        model.train_on_batch(np.zeros((4, 2)), np.zeros((4, 3)))
    frozen = gw.Sequential([nn.Input(shape=(2,)), nn.Dense(3)])
    frozen.trainable = False
    frozen.compile("sgd", "mse")
    with pytest.raises(ValueError, match="no trainable weights .2 weights in all"):
        frozen.fit(np.zeros((4, 2)), np.zeros((4, 3)), verbose=0)
    assert frozen.optimizer.iterations == 0
    frozen.evaluate(np.zeros((4, 2)), np.zeros((4, 3)), verbose=0)  # evaluating a frozen model is fine


def test_forward_works_as_call_and_defining_both_is_an_error():
    class Torchy(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Dense(2)

        def forward(self, x):
            return self.linear(x) * 2.0

    gw.random.seed(1)
    module = Torchy()
    out = module(np.ones((3, 4)))
    np.testing.assert_allclose(out.numpy(), 2.0 * (np.ones((3, 4)) @ module.linear.kernel.numpy()), rtol=1e-6)
    assert len(module.parameters()) == 2
    with pytest.raises(TypeError, match="Both defines both call and forward"):
        class Both(nn.Module):
            def call(self, x):
                return x

            def forward(self, x):
                return x


def test_a_direct_build_marks_the_layer_built_and_keeps_set_weights():
    layer = nn.Dense(3)
    layer.build((None, 4))
    assert layer.built
    weights = [np.full((4, 3), 0.5, np.float32), np.arange(3, dtype=np.float32)]
    layer.set_weights(weights)
    layer(np.ones((2, 4)))
    assert _same(layer.get_weights(), weights)


@pytest.mark.parametrize("make, bad, good", [
    (lambda: nn.Dense(3), np.array([["a", "b"]]), np.ones((2, 2))),
    (lambda: nn.Conv2D(2, 5), np.ones((1, 3, 3, 1)), np.ones((1, 6, 6, 1))),
    (lambda: gw.Sequential([nn.Dense(4), nn.Conv2D(2, 3)]), np.ones((2, 5)), None),
])
def test_a_failed_first_call_leaves_the_layer_unbuilt_and_the_generator_untouched(make, bad, good):
    gw.random.seed(3)
    layer = make()
    state = gw.random.get_state()
    with pytest.raises((ValueError, TypeError)):
        layer(bad)
    assert not layer.built and layer.weights == [] and gw.random.get_state() == state
    assert all(not sub.built for _, sub in layer.named_layers())
    if good is not None:
        out = layer(good)
        gw.random.seed(3)
        fresh = make()
        np.testing.assert_array_equal(out.numpy(), fresh(good).numpy())   # as if the failed call never was


LAYERS = {
    "dense": lambda: nn.Dense(3),
    "conv2d": lambda: nn.Conv2D(2, 3),
    "lstm": lambda: nn.LSTM(3),
    "embedding": lambda: nn.Embedding(10, 4),
    "batch_norm": lambda: nn.BatchNormalization(),
    "layer_norm": lambda: nn.LayerNormalization(),
    "max_pool": lambda: nn.MaxPooling2D(2),
}
DTYPES = [np.float32, np.float64, np.int64, np.bool_, np.complex64, np.str_, object]


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(sorted(LAYERS)),
       shape=st.lists(st.integers(0, 5), min_size=0, max_size=5).map(tuple),
       dtype=st.sampled_from(DTYPES), built_first=st.booleans())
def test_fuzz_layers_given_any_shape_and_dtype_fail_cleanly_without_changing_state(name, shape, dtype,
                                                                                   built_first):
    """Any shape and dtype: either a result, or a ValueError/TypeError, after which the layer's build
    state, weights and gradwork's generator are exactly as before the call."""
    gw.random.seed(0)
    layer = LAYERS[name]()
    if built_first:
        good = {"conv2d": (2, 6, 6, 2), "lstm": (2, 4, 3), "max_pool": (2, 4, 4, 2)}.get(name, (2, 3))
        layer(np.ones(good, np.int64 if name == "embedding" else np.float32))
    weights = [w.copy() for w in layer.get_weights()]
    built, state = layer.built, gw.random.get_state()
    try:
        values = np.ones(shape).astype(dtype) if dtype not in (np.str_, object) else np.full(shape, "x", dtype=dtype)
    except (TypeError, ValueError):
        return
    try:
        layer(values)
    except (ValueError, TypeError, IndexError) as err:
        assert str(err), "the error must say what was wrong"
        if isinstance(err, IndexError):
            pytest.fail(f"{name}: a bare IndexError for input of shape {shape}, dtype {np.dtype(dtype)}: {err}")
        assert layer.built == built and _same(layer.get_weights(), weights)
        assert gw.random.get_state() == state


@pytest.mark.parametrize("make, match", [
    (lambda: nn.BatchNormalization(momentum=1.5),
     r"BatchNormalization: momentum must be a finite number in \[0.0, 1.0\]"),
    (lambda: nn.BatchNormalization(momentum=float("nan")), "momentum"),
    (lambda: nn.BatchNormalization(epsilon=0), r"BatchNormalization: epsilon must be a finite number in \(0.0, inf\)"),
    (lambda: nn.BatchNormalization(epsilon=-1e-3), "epsilon"),
    (lambda: nn.LayerNormalization(epsilon=float("inf")), "LayerNormalization: epsilon"),
])
def test_normalization_settings_must_be_in_range(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("call", [lambda opt: opt.step(), lambda opt: opt.zero_grad(),
                                  lambda opt: opt.apply([np.ones(2)])])
def test_an_optimizer_that_knows_no_parameters_says_how_to_pass_them(call):
    opt = gw.optimizers.SGD(0.1)
    with pytest.raises(ValueError, match=r"SGD: (step|zero_grad|apply)\(\) without parameters needs an optimizer "
                                         r"that knows them: pass them .*or call build\(variables\) first"):
        call(opt)
    assert opt.iterations == 0


def test_after_one_step_with_parameters_step_and_zero_grad_use_them():
    w = gw.tensor(np.ones(3, np.float32), requires_grad=True)
    opt = gw.optimizers.SGD(0.5)
    (w * w).sum().backward()
    opt.step([w])
    opt.zero_grad()
    assert w.grad is None
    (w * w).sum().backward()
    opt.step()
    np.testing.assert_allclose(w.numpy(), np.zeros(3))   # 1 - 0.5 * 2 = 0, then 0 - 0.5 * 0


@pytest.mark.parametrize("make", [lambda: gw.nn.Dense(2), lambda: gw.nn.Conv1D(2, 1), lambda: gw.nn.LSTM(2),
                                  lambda: gw.nn.BatchNormalization()])
@pytest.mark.parametrize("as_tensor", [False, True])
def test_complex_inputs_are_refused_before_the_layer_builds(make, as_tensor):
    layer = make()
    x = np.ones((2, 3, 4)) + 1j
    with pytest.raises(TypeError, match=f"{layer.name}: expected real numbers, got inputs of dtype complex128"):
        layer(gw.tensor(x) if as_tensor else x)
    assert not layer.built and not layer.weights
