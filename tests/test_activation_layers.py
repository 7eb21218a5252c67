"""The activation layers are their options plus one call into gw.activations: layer and function
agree everywhere (the kinks included), and the options are the config."""
import numpy as np
import pytest

import gradwork as gw
from gradwork import activations as A
from gradwork import nn

# Every kink of the cases below is among these points: threshold 1, caps 1.5 and 6, zero.
X = np.array([[-7.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 6.0, 7.0]], dtype=np.float32)  # the layers' dtype

CASES = [
    (nn.ReLU(), A.relu, {}),
    (nn.ReLU(threshold=1.0), A.relu, {"threshold": 1.0}),
    (nn.ReLU(max_value=6.0), A.relu, {"max_value": 6.0}),
    (nn.ReLU(negative_slope=0.1), A.relu, {"negative_slope": 0.1}),
    (nn.ReLU(max_value=1.5, negative_slope=0.1, threshold=1.0), A.relu,
     {"max_value": 1.5, "negative_slope": 0.1, "threshold": 1.0}),
    (nn.LeakyReLU(), A.leaky_relu, {"negative_slope": 0.3}),
    (nn.ELU(alpha=0.7), A.elu, {"alpha": 0.7}),
    (nn.Softmax(axis=0), A.softmax, {"axis": 0}),
]


@pytest.mark.parametrize("layer, fn, options", CASES, ids=lambda v: getattr(v, "name", None))
def test_layer_is_the_function_values_and_gradients(layer, fn, options):
    x_layer = gw.tensor(X, requires_grad=True)
    x_fn = gw.tensor(X, requires_grad=True)
    weights = np.random.default_rng(0).standard_normal(X.shape).astype(np.float32)
    (layer(x_layer) * weights).sum().backward()
    out = fn(x_fn, **options)
    (out * weights).sum().backward()
    np.testing.assert_array_equal(layer(X).data, out.data)
    np.testing.assert_array_equal(x_layer.grad.data, x_fn.grad.data)


@pytest.mark.parametrize("layer, fn, options", CASES, ids=lambda v: getattr(v, "name", None))
def test_options_are_the_config_and_round_trip(layer, fn, options):
    config = layer.get_config()
    assert {k: config[k] for k in options} == options
    rebuilt = type(layer).from_config(config)
    np.testing.assert_array_equal(rebuilt(X).data, layer(X).data)


def test_relu_is_zero_at_the_threshold_as_in_keras():
    x = np.array([-10.0, -5.0, 0.0, 5.0, 10.0])                # Keras's documented example
    assert nn.ReLU(threshold=5.0)(x).tolist() == [0, 0, 0, 0, 10]
    one = np.array([1.0])
    assert nn.ReLU(threshold=1.0)(one).item() == A.relu(one, threshold=1.0).item() == 0.0


def test_softmax_layer_leaves_its_logits_for_the_loss_without_a_graph():
    logits = gw.tensor([[2.0, -1.0, 0.5]])
    with gw.no_grad():
        probs = nn.Softmax()(logits)
    found, axis = A.source_logits(probs, "softmax")
    assert found is logits and axis == -1
