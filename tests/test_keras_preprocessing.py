"""Keras's preprocessing layers with adapt: Normalization, Discretization, CategoryEncoding.

Expected numbers are those of Keras 3's docstrings (keras/src/layers/preprocessing/*.py) or NumPy
transcriptions of the documented formulas; the lookup layers are in test_keras_preprocessing_lookup.py.
"""
import json

import numpy as np
import pytest

import gradwork as gw

L = gw.nn
RNG = np.random.default_rng(0)
ADAPT = np.array([[0., 7., 4.], [2., 9., 6.], [0., 7., 4.], [2., 9., 6.]], dtype="float32")


def out(t):
    return t.numpy() if hasattr(t, "numpy") else np.asarray(t)


# ----- Normalization: Keras docstring numbers ------------------------------------------------------
def test_normalization_keras_docstring_examples():
    layer = L.Normalization(axis=None)
    layer.adapt(np.array([1., 2., 3., 4., 5.], dtype="float32"))
    np.testing.assert_allclose(out(layer(np.array([1., 2., 3.], dtype="float32"))),
                               [-1.4142135, -0.70710677, 0.], rtol=1e-6)
    layer = L.Normalization(axis=-1)
    layer.adapt(ADAPT)
    np.testing.assert_allclose(out(layer(np.array([[0., 7., 4.]], dtype="float32"))), [[-1., -1., -1.]])
    layer = L.Normalization(mean=3., variance=2.)
    np.testing.assert_allclose(out(layer(np.array([[1.], [2.], [3.]], dtype="float32"))),
                               [[-1.4142135], [-0.70710677], [0.]], rtol=1e-6)
    layer = L.Normalization(axis=-1, invert=True)
    layer.adapt(ADAPT)
    np.testing.assert_allclose(out(layer(np.array([[1., 2., 3.]], dtype="float32"))), [[2., 10., 8.]])


def test_normalization_matches_numpy_formula_per_axis():
    x = RNG.normal(3, 2, size=(20, 4, 5))
    layer = L.Normalization(axis=(1, 2), dtype="float64")
    layer.adapt(x)
    mean, var = x.mean(axis=0), x.var(axis=0)
    np.testing.assert_allclose(layer.mean.numpy(), mean, rtol=1e-12)
    np.testing.assert_allclose(layer.variance.numpy(), var, rtol=1e-12)
    np.testing.assert_allclose(out(layer(x)), (x - mean) / np.sqrt(var), rtol=1e-10)
    assert float(layer.count.numpy()) == 20
    assert [w.name for w in layer.non_trainable_weights] == ["mean", "variance", "count"]
    assert layer.trainable_weights == []


def test_normalization_given_statistics_broadcast_from_the_right_and_epsilon_floor():
    layer = L.Normalization(axis=(1, 2), mean=[1., 2.], variance=[4., 0.], dtype="float64")
    x = RNG.normal(size=(3, 4, 2))
    expected = (x - np.array([1., 2.])) / np.maximum(np.sqrt([4., 0.]), 1e-7)
    np.testing.assert_allclose(out(layer(x)), expected)


def test_normalization_adapt_from_arrays_batches_and_datasets_agree():
    x = RNG.normal(5, 3, size=(101, 3)).astype("float32")
    reference = L.Normalization()
    reference.adapt(x)
    sources = [
        iter([x[i:i + 17] for i in range(0, 101, 17)]),                       # a generator of batches
        gw.data.TensorDataset(x, np.zeros(101)),                              # a Dataset of (x, y) samples
        gw.data.DataLoader(gw.data.TensorDataset(x), batch_size=10),          # a loader of (x,) batches
        ((x[i:i + 50], np.ones(len(x[i:i + 50]))) for i in range(0, 101, 50)),  # (x, y) batches
    ]
    for source in sources:
        layer = L.Normalization()
        layer.adapt(source)
        np.testing.assert_allclose(layer.mean.numpy(), reference.mean.numpy(), rtol=1e-6)
        np.testing.assert_allclose(layer.variance.numpy(), reference.variance.numpy(), rtol=1e-6)
        np.testing.assert_allclose(layer.mean.numpy(), x.astype(float).mean(0), rtol=1e-5)
        np.testing.assert_allclose(layer.variance.numpy(), x.astype(float).var(0), rtol=1e-5)


def test_normalization_gradcheck_float64_forward_and_invert():
    for invert in (False, True):
        layer = L.Normalization(dtype="float64", invert=invert)
        layer.adapt(RNG.normal(2, 3, size=(30, 4)))
        x = gw.tensor(RNG.normal(size=(5, 4)), requires_grad=True)
        assert gw.gradcheck(layer, (x,))
        y = layer(x)
        y.backward(gw.tensor(np.ones((5, 4))))
        scale = np.sqrt(layer.variance.numpy())
        np.testing.assert_allclose(x.grad.numpy(), np.broadcast_to(scale if invert else 1 / scale, (5, 4)))


def test_normalization_invert_undoes_normalization():
    x = RNG.normal(4, 2, size=(10, 3))
    forward, backward = L.Normalization(dtype="float64"), L.Normalization(dtype="float64", invert=True)
    forward.adapt(x)
    backward.adapt(x)
    np.testing.assert_allclose(out(backward(forward(x))), x, rtol=1e-12)


def test_normalization_errors_before_any_state_change():
    layer = L.Normalization()
    with pytest.raises(ValueError, match="adapt"):
        layer(np.ones((2, 3)))
    with pytest.raises(ValueError, match="both mean and variance"):
        L.Normalization(mean=1.)
    with pytest.raises(ValueError, match="same shape"):
        L.Normalization(mean=[1., 2.], variance=[1.])
    with pytest.raises(ValueError, match="variance >= 0"):
        L.Normalization(mean=0., variance=-1.)
    with pytest.raises(ValueError, match="cannot replace"):
        L.Normalization(mean=0., variance=1.).adapt(np.ones((3, 1)))
    layer = L.Normalization()
    layer.adapt(np.arange(6.).reshape(3, 2))
    before = layer.mean.numpy().copy(), layer.variance.numpy().copy()
    with pytest.raises(ValueError, match="batch 1"):
        layer.adapt(iter([np.ones((2, 2)), np.ones((2, 3))]))
    np.testing.assert_array_equal(layer.mean.numpy(), before[0])
    np.testing.assert_array_equal(layer.variance.numpy(), before[1])
    with pytest.raises(ValueError, match="built for inputs"):
        layer(np.ones((2, 5)))
    fresh = L.Normalization()
    with pytest.raises(ValueError, match="batch 1"):
        fresh.adapt(iter([np.ones((2, 2)), np.ones((2, 3))]))
    assert not fresh.built and fresh.weights == []


def test_normalization_config_round_trip():
    layer = L.Normalization(axis=(1, 2), mean=[1., 2.], variance=[4., 9.], invert=True)
    config = json.loads(json.dumps(layer.get_config()))
    assert config["axis"] == [1, 2] and config["mean"] == [1., 2.] and config["invert"] is True
    x = RNG.normal(size=(2, 3, 2)).astype("float32")
    np.testing.assert_array_equal(out(L.Normalization.from_config(config)(x)), out(layer(x)))
    assert L.Normalization(axis=None).get_config()["axis"] is None


# ----- Discretization -------------------------------------------------------------------------------
X = np.array([[-1.5, 1.0, 3.4, .5], [0.0, 3.0, 1.3, 0.0]])


def test_discretization_keras_docstring_examples():
    np.testing.assert_array_equal(out(L.Discretization(bin_boundaries=[0., 1., 2.])(X)),
                                  [[0, 2, 3, 1], [1, 3, 2, 1]])
    layer = L.Discretization(num_bins=4, epsilon=0.01)
    layer.adapt(X)
    np.testing.assert_array_equal(out(layer(X)), [[0, 2, 3, 2], [1, 3, 3, 1]])


def test_discretization_buckets_match_numpy_digitize_and_encodings():
    x = RNG.normal(size=(6, 5)).astype("float32")
    bounds = [-1., -0.2, 0.3, 1.5]
    expected = np.digitize(x, bounds)
    assert out(L.Discretization(bin_boundaries=bounds)(x)).dtype == np.int64
    np.testing.assert_array_equal(out(L.Discretization(bin_boundaries=bounds)(x)), expected)
    eye = np.eye(5)
    np.testing.assert_array_equal(out(L.Discretization(bin_boundaries=bounds, output_mode="one_hot")(x)), eye[expected])
    np.testing.assert_array_equal(out(L.Discretization(bin_boundaries=bounds, output_mode="count")(x)),
                                  eye[expected].sum(axis=1))
    np.testing.assert_array_equal(out(L.Discretization(bin_boundaries=bounds, output_mode="multi_hot")(x)),
                                  eye[expected].max(axis=1))


def test_discretization_adapt_gives_quantiles_and_agrees_across_sources():
    x = RNG.uniform(0, 1, size=(1000, 1)).astype("float32")
    layer = L.Discretization(num_bins=4, epsilon=0.001)
    layer.adapt(x)
    np.testing.assert_allclose(layer.bin_boundaries, np.quantile(x, [0.25, 0.5, 0.75]), atol=2e-3)
    for source in (gw.data.TensorDataset(x), iter([x[:500], x[500:]]),
                   gw.data.DataLoader(gw.data.TensorDataset(x), batch_size=250)):
        other = L.Discretization(num_bins=4, epsilon=0.001)
        other.adapt(source)
        np.testing.assert_allclose(other.bin_boundaries, layer.bin_boundaries, atol=2e-3)


def test_discretization_errors_and_config():
    with pytest.raises(ValueError, match="num_bins must be an integer >= 1"):
        L.Discretization(num_bins=0)
    with pytest.raises(ValueError, match="exactly one"):
        L.Discretization()
    with pytest.raises(ValueError, match="exactly one"):
        L.Discretization(num_bins=2, bin_boundaries=[0.])
    with pytest.raises(ValueError, match="output_mode"):
        L.Discretization(num_bins=2, output_mode="tf_idf")
    with pytest.raises(ValueError, match="sparse"):
        L.Discretization(num_bins=2, output_mode="count", sparse=True)
    with pytest.raises(ValueError, match="sorted"):
        L.Discretization(bin_boundaries=[1., 0.])
    with pytest.raises(ValueError, match="adapt"):
        L.Discretization(num_bins=3)(X)
    with pytest.raises(ValueError, match="needs num_bins"):
        L.Discretization(bin_boundaries=[0.]).adapt(X)
    layer = L.Discretization(num_bins=4, output_mode="one_hot")
    layer.adapt(X)
    config = json.loads(json.dumps(layer.get_config()))
    assert config["num_bins"] == 4 and config["bin_boundaries"] == layer.bin_boundaries
    np.testing.assert_array_equal(out(L.Discretization.from_config(config)(X)), out(layer(X)))


# ----- CategoryEncoding ----------------------------------------------------------------------------
def test_category_encoding_keras_docstring_examples():
    np.testing.assert_array_equal(out(L.CategoryEncoding(num_tokens=4, output_mode="one_hot")([3, 2, 0, 1])),
                                  [[0, 0, 0, 1], [0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]])
    np.testing.assert_array_equal(
        out(L.CategoryEncoding(num_tokens=4, output_mode="multi_hot")([[0, 1], [0, 0], [1, 2], [3, 1]])),
        [[1, 1, 0, 0], [1, 0, 0, 0], [0, 1, 1, 0], [0, 1, 0, 1]])
    weights = np.array([[.1, .2], [.1, .1], [.2, .3], [.4, .2]])
    result = L.CategoryEncoding(num_tokens=4, output_mode="count")([[0, 1], [0, 0], [1, 2], [3, 1]],
                                                                 count_weights=weights)
    np.testing.assert_allclose(out(result), [[.1, .2, 0, 0], [.2, 0, 0, 0], [0, .2, .3, 0], [0, .2, 0, .4]],
                               rtol=1e-6)


def test_category_encoding_shapes_match_numpy():
    tokens = RNG.integers(0, 6, size=(4, 3))
    eye = np.eye(6)
    np.testing.assert_array_equal(out(L.CategoryEncoding(6, "one_hot")(tokens)), eye[tokens])
    np.testing.assert_array_equal(out(L.CategoryEncoding(6, "one_hot")(tokens[:, :1])), eye[tokens[:, 0]])
    np.testing.assert_array_equal(out(L.CategoryEncoding(6, "count")(tokens)), eye[tokens].sum(1))
    np.testing.assert_array_equal(out(L.CategoryEncoding(6, "multi_hot")(tokens[0])), eye[tokens[0]].max(0))
    assert out(L.CategoryEncoding(6, "count")(tokens)).dtype == np.float32


def test_category_encoding_errors():
    with pytest.raises(ValueError, match=r"tokens must be in \[0, 4\), got \[-1, 4\]"):
        L.CategoryEncoding(4)(np.array([[0, 4], [-1, 2]]))
    with pytest.raises(ValueError, match="output_mode"):
        L.CategoryEncoding(4, output_mode="int")
    with pytest.raises(ValueError, match="num_tokens"):
        L.CategoryEncoding(0)
    with pytest.raises(ValueError, match="num_tokens"):
        L.CategoryEncoding()
    with pytest.raises(ValueError, match="count_weights"):
        L.CategoryEncoding(4, "multi_hot")([0, 1], count_weights=np.ones(2))
    with pytest.raises(ValueError, match="integers"):
        L.CategoryEncoding(4)(np.array([0.5, 1.0]))
    layer = L.CategoryEncoding(4, "count")
    assert L.CategoryEncoding.from_config(json.loads(json.dumps(layer.get_config()))).get_config() == \
        layer.get_config()


# ----- saving a model with adapted layers ----------------------------------------------------------
def test_saved_model_with_adapted_layers_reloads_identically(tmp_path):
    x = RNG.normal(2, 3, size=(64, 3)).astype("float32")
    norm = L.Normalization()
    norm.adapt(x)
    buckets = L.Discretization(num_bins=3, output_mode="int")
    buckets.adapt(x[:, :1])
    inputs = gw.Input(shape=(3,))
    scaled = L.Dense(2)(norm(inputs))
    codes = L.CategoryEncoding(3, "one_hot")(buckets(L.Reshape((3, 1))(inputs)))
    model = gw.Model(inputs, [scaled, codes])
    expected = [out(t) for t in model(x)]
    model.save(tmp_path / "model.gw")
    loaded = gw.load_model(tmp_path / "model.gw")
    got = [out(t) for t in loaded(x)]
    for a, b in zip(expected, got):
        np.testing.assert_array_equal(a, b)
    restored = [layer for _, layer in loaded.named_layers() if isinstance(layer, L.Normalization)][0]
    np.testing.assert_array_equal(restored.mean.numpy(), norm.mean.numpy())
    np.testing.assert_array_equal(restored.variance.numpy(), norm.variance.numpy())


def test_sequential_with_normalization_adapted_after_building_trains(tmp_path):
    norm = L.Normalization()
    model = gw.Sequential([gw.Input(shape=(2,)), norm, L.Dense(1)])
    x = RNG.normal(10, 4, size=(32, 2)).astype("float32")
    norm.adapt(x)
    model.compile("sgd", "mse")
    model.fit(x, x[:, :1], epochs=1, verbose=0)
    assert norm.trainable_weights == [] and len(model.trainable_weights) == 2
    model.save(tmp_path / "seq.gw")
    np.testing.assert_array_equal(out(gw.load_model(tmp_path / "seq.gw")(x)), out(model(x)))


@pytest.mark.parametrize("make", [
    lambda: L.Normalization(mean=[1.0]), lambda: L.Normalization(axis="x"),
    lambda: L.Discretization(), lambda: L.Discretization(bin_boundaries=[2.0, 1.0]),
    lambda: L.Discretization(num_bins=3, output_mode="bag"), lambda: L.CategoryEncoding(),
    lambda: L.CategoryEncoding(3, sparse=True)])
def test_a_rejected_argument_leaves_no_trace(make):
    counts = dict(gw.nn.layer._name_counts)        # the automatic names taken so far
    with pytest.raises((ValueError, TypeError)):
        make()
    assert gw.nn.layer._name_counts == counts
