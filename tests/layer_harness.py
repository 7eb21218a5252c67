"""The generic layer harness: four checks run on every `LayerCase` of a test class.

A test file lists its cases and subclasses `LayerHarness` (`class TestConvLayers(LayerHarness):
CASES = CASES`); each check then runs once per case, with the case's id in the test id: lazy build
with the right weight paths and shapes, output shape and dtype; get_config -> from_config round trip
(identical outputs after set_weights); one training step changing exactly the trainable weights; and
a float64 gradient check with respect to the input and every trainable weight, in inference and in
training mode.
"""
import json
from dataclasses import dataclass, field

import numpy as np
import pytest

import gradwork as gw


@dataclass
class LayerCase:
    """One layer with representative arguments, and what the harness expects of it."""
    id: str
    make: object                      # dtype -> layer
    input_shape: tuple                # with the batch axis
    weights: dict = field(default_factory=dict)  # path -> shape, in creation order ("forward_layer.kernel")
    output_shape: tuple = None
    trainable: tuple = ()             # paths of the trainable weights
    stochastic: bool = False          # output depends on the random generator in training mode
    kinks: tuple = ()                 # input values where the layer is not differentiable: gradcheck avoids them
    zero_grad: tuple = ()             # paths of trainable weights whose gradient vanishes by construction


def layer_input(case, seed=0, dtype=np.float32):
    """A standard normal input of the case's shape `input_shape`."""
    return np.random.default_rng(seed).standard_normal(case.input_shape).astype(dtype)


def built_layer(case, dtype="float32", seed=0):
    """A layer of the case, built, with its weights moved off their initial values (so that a gamma
    of ones or a bias of zeros cannot hide a mistake)."""
    layer = case.make(dtype)
    layer(layer_input(case, dtype=np.dtype(dtype)))
    rng = np.random.default_rng(seed + 100)
    for name, p in layer.named_parameters():
        values = rng.uniform(0.5, 1.5, p.shape) if name == "moving_variance" else rng.standard_normal(p.shape)
        p.data[...] = values
    return layer


class LayerHarness:
    """Base of a test class: set `CASES` to a list of `LayerCase`; every test runs once per case."""
    CASES = []

    def pytest_generate_tests(self, metafunc):
        """pytest calls this hook on the class: parametrize `case` from the class's CASES."""
        if "case" in metafunc.fixturenames:
            metafunc.parametrize("case", self.CASES, ids=[c.id for c in self.CASES])

    def test_builds_lazily_with_the_right_weights(self, case):
        layer = case.make(None)
        assert not layer.built and layer.weights == []
        out = layer(layer_input(case))
        assert layer.built
        assert [(path, p.shape) for path, p in layer.named_parameters()] == list(case.weights.items())
        paths = {id(p): path for path, p in layer.named_parameters()}
        assert [paths[id(p)] for p in layer.trainable_weights] == list(case.trainable)
        assert all(p.dtype == np.float32 for p in layer.weights)
        assert out.shape == case.output_shape and out.dtype == np.float32
        assert layer.output_shape == (None,) + case.output_shape[1:]
        assert layer.count_params() == sum(int(np.prod(s)) for s in case.weights.values())

    def test_config_round_trip_gives_identical_outputs(self, case):
        layer = built_layer(case)
        config = layer.get_config()
        config = json.loads(json.dumps(config))           # a config must be plain JSON
        clone = type(layer).from_config(config)
        assert clone.get_config() == config
        x = layer_input(case, seed=1)
        clone(x)
        clone.set_weights(layer.get_weights())
        np.testing.assert_array_equal(clone(x).data, layer(x).data)
        if case.stochastic:                               # same generator state -> same mask
            gw.random.seed(3)
            a = layer(x, training=True).data
            gw.random.seed(3)
            np.testing.assert_array_equal(clone(x, training=True).data, a)

    def test_one_training_step_changes_exactly_the_trainable_weights(self, case):
        layer = built_layer(case)
        before = {path: p.data.copy() for path, p in layer.named_parameters()}
        x = layer_input(case, seed=2)
        out = layer(x, training=True)
        v = np.random.default_rng(5).standard_normal(out.shape).astype(np.float32)
        if not layer.trainable_weights:
            assert not out.requires_grad
            return
        (out * gw.tensor(v)).sum().backward()
        params = layer.trainable_weights
        gw.optimizers.SGD(learning_rate=0.1).apply([p.grad for p in params], params)
        largest = {path: np.abs(p.grad.data).max() for path, p in layer.named_parameters() if p.requires_grad}
        for path, p in layer.named_parameters():
            if path in case.zero_grad:                    # rounding decides whether such a weight moves
                others = [g for name, g in largest.items() if name not in case.zero_grad]
                assert largest[path] < 1e-5 * min(others), path
                continue
            changed = not np.array_equal(p.data, before[path])
            # moving statistics are not trained, but a training-mode call updates them
            assert changed == (path in case.trainable or path.startswith("moving_")), path

    @pytest.mark.parametrize("training", [False, True], ids=["inference", "training"])
    def test_gradcheck_float64_wrt_input_and_weights(self, case, training):
        layer = built_layer(case, dtype="float64")
        assert all(p.dtype == np.float64 for p in layer.weights)
        x = gw.tensor(layer_input(case, seed=3, dtype=np.float64), requires_grad=True)
        for kink in case.kinks:
            x.data[np.abs(x.data - kink) < 1e-3] += 0.01

        def forward(inp, *weights):
            if case.stochastic:
                gw.random.seed(11)                       # the same mask for every evaluation
            return layer(inp, training=training)

        assert gw.gradcheck(forward, (x, *layer.trainable_weights), eps=1e-6, atol=1e-7, rtol=1e-5)
