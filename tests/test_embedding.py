"""Embedding: the layer (Keras's names and defaults, mask_zero) and F.embedding, its gradient (a
scatter-add that sums repeated ids) checked numerically, to second order, and against PyTorch."""
import json

import numpy as np
import pytest
from conv_oracles import F32_FORWARD, F32_GRAD, F64, assert_close

import gradwork as gw
from gradwork import nn
from gradwork.nn import functional as F

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone

IDS = np.array([[1, 4, 4, 0], [7, 1, 3, 4]])                          # repeats: 4 three times, 1 twice


def _layer(dtype="float32", **kwargs):
    layer = nn.Embedding(8, 3, dtype=dtype, **kwargs)
    layer(IDS)
    layer.embeddings.data[...] = np.random.default_rng(0).standard_normal((8, 3))
    return layer


def test_builds_lazily_with_keras_names_shapes_and_uniform_initial_values():
    layer = nn.Embedding(50, 6)
    assert not layer.built and layer.weights == []
    out = layer(np.array([[1, 2, 3]]))
    assert [(name, p.shape) for name, p in layer.named_parameters()] == [("embeddings", (50, 6))]
    assert out.shape == (1, 3, 6) and out.dtype == np.float32 and layer.output_shape == (None, 3, 6)
    assert np.abs(layer.embeddings.data).max() <= 0.05                   # Keras's "uniform": U(-0.05, 0.05)
    np.testing.assert_array_equal(out.data[0], layer.embeddings.data[[1, 2, 3]])
    assert layer.count_params() == 300


@pytest.mark.parametrize("shape", [(5,), (2, 3), (2, 3, 2)])
def test_any_id_shape_gives_vectors_on_a_new_last_axis(shape):
    ids = np.random.default_rng(1).integers(0, 8, shape)
    layer = _layer()
    out = layer(ids)
    assert out.shape == shape + (3,)
    np.testing.assert_array_equal(out.data, layer.embeddings.data[ids])


def test_config_round_trip_gives_identical_outputs():
    layer = _layer(mask_zero=True, embeddings_regularizer=gw.regularizers.L2(0.1),
                   embeddings_initializer=gw.initializers.RandomNormal(stddev=0.5))
    config = json.loads(json.dumps(layer.get_config()))
    clone = nn.Embedding.from_config(config)
    assert clone.get_config() == config and clone.mask_zero
    clone(IDS)
    assert clone.embeddings.regularizer is not None
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone(IDS).data, layer(IDS).data)


def test_one_training_step_changes_only_the_rows_that_were_looked_up():
    layer = _layer()
    before = layer.embeddings.data.copy()
    out = layer(IDS, training=True)
    (out * gw.tensor(np.random.default_rng(2).standard_normal(out.shape).astype(np.float32))).sum().backward()
    gw.optimizers.SGD(learning_rate=0.1).apply([layer.embeddings.grad], [layer.embeddings])
    changed = np.any(layer.embeddings.data != before, axis=1)
    np.testing.assert_array_equal(np.flatnonzero(changed), np.unique(IDS))


def test_gradcheck_and_second_derivatives_float64():
    weight = gw.tensor(np.random.default_rng(3).standard_normal((8, 3)), requires_grad=True)
    assert gw.gradcheck(lambda w: F.embedding(IDS, w), (weight,), eps=1e-6, atol=1e-7, rtol=1e-5)
    assert gw.gradgradcheck(lambda w: F.embedding(IDS, w) ** 2, (weight,), eps=1e-6, atol=1e-6, rtol=1e-4)
    layer = _layer("float64")
    assert gw.gradcheck(lambda w: layer(IDS), (layer.embeddings,), eps=1e-6, atol=1e-7, rtol=1e-5)


@pytest.mark.parametrize("padding_idx", [4, -4])
def test_padding_row_gets_no_gradient_to_second_order(padding_idx):
    weight = gw.tensor(np.random.default_rng(3).standard_normal((8, 3)), requires_grad=True)
    out = F.embedding(IDS, weight, padding_idx=padding_idx)
    np.testing.assert_array_equal(out.data, weight.data[IDS])              # the lookup itself is unchanged
    (out * out).sum().backward()
    expected = np.zeros((8, 3))
    np.add.at(expected, IDS, 2 * weight.data[IDS])
    expected[4] = 0
    np.testing.assert_allclose(weight.grad.data, expected, rtol=1e-12)
    assert gw.gradgradcheck(lambda w: F.embedding(IDS, w, padding_idx=4) ** 2, (weight,), eps=1e-6, atol=1e-6,
                            rtol=1e-4)
    with pytest.raises(IndexError, match=r"padding_idx must be in \[-8, 8\), got 8"):
        F.embedding(IDS, weight, padding_idx=8)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape", [(40,), (6, 7), (3, 4, 5)])
def test_matches_torch_embedding_forward_and_weight_gradient(shape, dtype):
    rng = np.random.default_rng(4)
    ids = rng.integers(0, 10, shape)                                     # 10 ids: many repeats
    layer = nn.Embedding(10, 4, dtype=dtype)
    layer(ids)
    layer.embeddings.data[...] = rng.standard_normal((10, 4))
    module = torch.nn.Embedding(10, 4, dtype=getattr(torch, dtype))
    with torch.no_grad():
        module.weight.copy_(torch.tensor(layer.embeddings.data))
    out, ref = layer(ids), module(torch.tensor(ids))
    forward, gradient = (F64, F64) if dtype == "float64" else (F32_FORWARD, F32_GRAD)
    assert_close(out.data, ref.detach().numpy(), forward, "embedding forward")
    v = rng.standard_normal(out.shape).astype(dtype)
    out.backward(gw.tensor(v))
    ref.backward(torch.tensor(v))
    assert_close(layer.embeddings.grad.data, module.weight.grad.numpy(), gradient, "embedding gradient")


def test_mask_zero_masks_the_padding_id():
    assert _layer().compute_mask(IDS) is None
    mask = _layer(mask_zero=True).compute_mask(IDS)
    np.testing.assert_array_equal(mask.data, IDS != 0)
    for ids in (IDS.tolist(), gw.tensor(IDS)):                        # nested lists and tensors too
        np.testing.assert_array_equal(_layer(mask_zero=True).compute_mask(ids).data, IDS != 0)


def test_whole_numbers_of_any_type_are_accepted_as_sizes():
    layer = nn.Embedding(np.int64(8), 3.0)
    assert (layer.input_dim, layer.output_dim) == (8, 3) and type(layer.output_dim) is int


def test_float_ids_from_a_model_build_are_accepted():
    model = gw.Sequential([nn.Input(shape=(4,)), nn.Embedding(8, 3)])
    assert model.layers[0].built                                          # built from a float32 zero batch
    np.testing.assert_array_equal(model(IDS.astype(np.float32)).data, model(IDS).data)


@pytest.mark.parametrize("ids, error, pattern", [
    (np.array([[1, 8]]), IndexError, r"emb: embedding: ids must be in \[0, 8\), got values from 1 to 8"),
    (np.array([[-1, 2]]), IndexError, r"emb: embedding: ids must be in \[0, 8\), got values from -1 to 2"),
    (np.array([[0.5, 2.0]]), TypeError, r"emb: embedding: ids must be integers, got dtype float"),
])
def test_bad_ids_are_errors_naming_the_layer(ids, error, pattern):
    layer = nn.Embedding(8, 3, name="emb")
    layer(IDS)
    before = layer.get_weights()
    with pytest.raises(error, match=pattern):
        layer(ids)
    np.testing.assert_array_equal(before[0], layer.get_weights()[0])


@pytest.mark.parametrize("make, pattern", [
    (lambda: nn.Embedding(0, 3), r"Embedding: input_dim must be a positive integer, got 0"),
    (lambda: nn.Embedding(5, 2.5), r"Embedding: output_dim must be a positive integer, got 2.5"),
    (lambda: nn.Embedding(True, 3), r"Embedding: input_dim must be a positive integer, got True"),
    (lambda: nn.Embedding("5", 3), r"Embedding: input_dim must be a positive integer, got '5'"),
    (lambda: nn.Embedding(5, None), r"Embedding: output_dim must be a positive integer, got None"),
    (lambda: nn.Embedding(np.int64(-2), 3), r"Embedding: input_dim must be a positive integer, got -2"),
    (lambda: F.embedding(IDS, np.zeros(8)), r"embedding: weight must be a \(vocabulary, dim\) table"),
])
def test_bad_arguments(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()
