"""IntegerLookup and StringLookup: every number of Keras 3's docstrings (integer_lookup.py,
string_lookup.py), NumPy transcriptions of the frequency order and of tf-idf, adapt sources, configs,
saving and errors."""
import json

import numpy as np
import pytest

import gradwork as gw

L = gw.nn
VOCAB = [12, 36, 1138, 42]
DATA = np.array([[12, 1138, 42], [42, 1000, 36]])
DOCS = np.array([[12, 1138, 42, 42], [42, 7, 36, 7]])
SVOCAB = ["a", "b", "c", "d"]
SDATA = [["a", "c", "d"], ["d", "z", "b"]]
SDOCS = [["a", "c", "d", "d"], ["d", "z", "b", "z"]]
ONE_HOT = [[0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1], [1, 0, 0, 0, 0]]
MULTI_HOT = [[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]]
COUNT = [[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]]
TF_IDF = [[0, .25, 0, .6, .8], [1.0, 0, .75, 0, .4]]
TF_IDF_OOV = [[0, .25, 0, .6, .8], [1.8, 0, .75, 0, .4]]


def out(t):
    return t.numpy()


def test_integer_lookup_keras_docstring_examples():
    np.testing.assert_array_equal(out(L.IntegerLookup(vocabulary=VOCAB)(DATA)), [[1, 3, 4], [4, 0, 2]])
    layer = L.IntegerLookup()
    layer.adapt(DATA)
    assert layer.get_vocabulary() == [-1, 42, 1138, 1000, 36, 12]
    np.testing.assert_array_equal(out(layer(DATA)), [[5, 2, 1], [1, 3, 4]])
    np.testing.assert_array_equal(out(L.IntegerLookup(vocabulary=VOCAB, num_oov_indices=2)(
        np.array([[12, 1138, 42], [37, 1000, 36]]))), [[2, 4, 5], [1, 0, 3]])
    np.testing.assert_array_equal(out(L.IntegerLookup(vocabulary=VOCAB, output_mode="one_hot")(
        np.array([12, 36, 1138, 42, 7]))), ONE_HOT)
    np.testing.assert_array_equal(out(L.IntegerLookup(vocabulary=VOCAB, output_mode="multi_hot")(DOCS)), MULTI_HOT)
    np.testing.assert_array_equal(out(L.IntegerLookup(vocabulary=VOCAB, output_mode="count")(DOCS)), COUNT)
    layer = L.IntegerLookup(output_mode="tf_idf", vocabulary=VOCAB, idf_weights=[0.25, 0.75, 0.6, 0.4])
    np.testing.assert_allclose(out(layer(DOCS)), TF_IDF, rtol=1e-6)
    layer = L.IntegerLookup(output_mode="tf_idf", vocabulary=[-1] + VOCAB, idf_weights=[0.9, 0.25, 0.75, 0.6, 0.4])
    np.testing.assert_allclose(out(layer(DOCS)), TF_IDF_OOV, rtol=1e-6)
    inverse = L.IntegerLookup(vocabulary=VOCAB, invert=True)
    np.testing.assert_array_equal(out(inverse(np.array([[1, 3, 4], [4, 0, 2]]))), [[12, 1138, 42], [42, -1, 36]])
    forward = L.IntegerLookup(vocabulary=VOCAB)
    pair = L.IntegerLookup(vocabulary=forward.get_vocabulary(), invert=True)
    np.testing.assert_array_equal(out(pair(forward(DATA))), [[12, 1138, 42], [42, -1, 36]])


def test_string_lookup_keras_docstring_examples():
    np.testing.assert_array_equal(out(L.StringLookup(vocabulary=SVOCAB)(SDATA)), [[1, 3, 4], [4, 0, 2]])
    layer = L.StringLookup()
    layer.adapt(SDATA)
    assert layer.get_vocabulary() == ["[UNK]", "d", "z", "c", "b", "a"]
    np.testing.assert_array_equal(out(layer(SDATA)), [[5, 3, 1], [1, 2, 4]])
    np.testing.assert_array_equal(out(L.StringLookup(vocabulary=SVOCAB, output_mode="one_hot")(
        ["a", "b", "c", "d", "z"])), ONE_HOT)
    np.testing.assert_array_equal(out(L.StringLookup(vocabulary=SVOCAB, output_mode="multi_hot")(SDOCS)), MULTI_HOT)
    np.testing.assert_array_equal(out(L.StringLookup(vocabulary=SVOCAB, output_mode="count")(SDOCS)), COUNT)
    layer = L.StringLookup(output_mode="tf_idf")
    layer.set_vocabulary(SVOCAB, idf_weights=[0.25, 0.75, 0.6, 0.4])
    np.testing.assert_allclose(out(layer(SDOCS)), TF_IDF, rtol=1e-6)
    layer = L.StringLookup(output_mode="tf_idf")
    layer.set_vocabulary(["[UNK]"] + SVOCAB, idf_weights=[0.9, 0.25, 0.75, 0.6, 0.4])
    np.testing.assert_allclose(out(layer(SDOCS)), TF_IDF_OOV, rtol=1e-6)
    inverse = L.StringLookup(vocabulary=SVOCAB, invert=True)
    assert out(inverse([[1, 3, 4], [4, 0, 2]])).tolist() == [["a", "c", "d"], ["d", "[UNK]", "b"]]
    forward = L.StringLookup(vocabulary=SVOCAB)
    assert out(inverse(forward(SDATA))).tolist() == [["a", "c", "d"], ["d", "[UNK]", "b"]]


def test_string_lookup_several_oov_slots_are_deterministic():
    # Keras hashes with FarmHash64 ('m' -> 0, 'z' -> 1 in its docstring); gradwork uses CRC-32, so only
    # the in-vocabulary indices and the slot range are Keras's; the slots are stable between calls.
    layer = L.StringLookup(vocabulary=SVOCAB, num_oov_indices=2)
    result = out(layer([["a", "c", "d"], ["m", "z", "b"]]))
    np.testing.assert_array_equal(result[0], [2, 4, 5])
    assert result[1, 2] == 3 and set(result[1, :2]) <= {0, 1}
    np.testing.assert_array_equal(out(layer([["m", "z"]])), result[1:, :2])


def test_adapt_order_is_frequency_then_larger_token_first_as_numpy_transcription():
    data = np.random.default_rng(1).integers(0, 30, size=(200, 5))
    tokens, counts = np.unique(data, return_counts=True)
    expected = [int(t) for t, _ in sorted(zip(tokens, counts), key=lambda p: (p[1], p[0]), reverse=True)]
    layer = L.IntegerLookup(max_tokens=11)
    layer.adapt(data)
    assert layer.get_vocabulary() == [-1] + expected[:10]
    assert layer.vocabulary_size() == 11
    mapping = {t: i for i, t in enumerate(layer.get_vocabulary())}
    np.testing.assert_array_equal(out(layer(data)), np.vectorize(lambda t: mapping.get(t, 0))(data))


def test_adapt_tf_idf_matches_formula_and_sources_agree():
    docs = np.random.default_rng(2).integers(0, 8, size=(40, 6))
    reference = L.IntegerLookup(output_mode="tf_idf")
    reference.adapt(docs)
    vocab = reference.get_vocabulary(include_special_tokens=False)
    in_docs = np.array([(docs == t).any(axis=1).sum() for t in vocab])
    idf = np.log(1 + 40 / (1 + in_docs))
    np.testing.assert_allclose(reference.get_config()["idf_weights"], np.concatenate([[idf.mean()], idf]))
    counts = np.stack([(docs == t).sum(axis=1) for t in vocab], axis=1)
    np.testing.assert_allclose(out(reference(docs))[:, 1:], counts * idf, rtol=1e-6)
    for source in (iter([docs[:15], docs[15:]]), gw.data.TensorDataset(docs, np.zeros(40)),
                   gw.data.DataLoader(gw.data.TensorDataset(docs), batch_size=7)):
        layer = L.IntegerLookup(output_mode="tf_idf")
        layer.adapt(source)
        assert layer.get_vocabulary() == reference.get_vocabulary()
        np.testing.assert_allclose(layer.get_config()["idf_weights"], reference.get_config()["idf_weights"])


def test_mask_token_int_and_encoded_modes():
    layer = L.StringLookup(mask_token="", vocabulary=["a", "b"])
    assert layer.get_vocabulary() == ["", "[UNK]", "a", "b"]
    np.testing.assert_array_equal(out(layer(["a", "", "q", "b"])), [2, 0, 1, 3])
    layer = L.StringLookup(mask_token="", vocabulary=["a", "b"], output_mode="count")
    assert layer.get_vocabulary() == ["[UNK]", "a", "b"]
    np.testing.assert_array_equal(out(layer([["a", "", "q", "a"]])), [[1, 2, 0]])
    adapted = L.IntegerLookup(mask_token=0)
    adapted.adapt(np.array([0, 0, 0, 5, 5, 9]))
    assert adapted.get_vocabulary() == [0, -1, 5, 9]
    padded = L.IntegerLookup(vocabulary=[3, 4], output_mode="multi_hot", max_tokens=6, pad_to_max_tokens=True)
    np.testing.assert_array_equal(out(padded([[3, 9]])), [[1, 1, 0, 0, 0, 0]])


def test_vocabulary_of_special_tokens_only_maps_everything_to_oov_or_mask():
    only_oov = L.IntegerLookup(vocabulary=[-1])                     # the OOV slot, no tokens
    assert only_oov.get_vocabulary() == [-1]
    np.testing.assert_array_equal(out(only_oov(np.array([1, 2, -1]))), [0, 0, 0])
    no_room = L.StringLookup(max_tokens=2, mask_token="")            # mask + OOV fill max_tokens
    no_room.adapt(np.array(["a", "b", "a"]))
    assert no_room.get_vocabulary() == ["", "[UNK]"]
    np.testing.assert_array_equal(out(no_room(["a", "", "z"])), [1, 0, 1])


@pytest.mark.parametrize("layer, empty, batch", [
    (L.IntegerLookup, np.zeros((0, 3), np.int64), np.array([[12, 36]])),
    (L.StringLookup, np.zeros((0, 3), str), np.array([["a", "b"]]))])
def test_empty_batches_keep_their_shape_and_adapt_skips_them(layer, empty, batch):
    assert layer(vocabulary=batch[0].tolist())(empty).shape == (0, 3)
    encoder = layer(vocabulary=batch[0].tolist(), output_mode="multi_hot")
    assert encoder(empty).shape == (0, encoder.vocabulary_size())
    adapted = layer(output_mode="tf_idf")
    adapted.adapt(iter([batch, empty[:, :2]]))
    reference = layer(output_mode="tf_idf")
    reference.adapt(iter([batch]))
    assert adapted.get_vocabulary() == reference.get_vocabulary()
    np.testing.assert_array_equal(adapted.get_config()["idf_weights"], reference.get_config()["idf_weights"])


def test_lookup_configs_round_trip_with_vocabulary():
    layer = L.StringLookup(output_mode="tf_idf", max_tokens=5)
    layer.adapt(np.array([["x", "y", "x"], ["z", "x", "w"]]))
    config = json.loads(json.dumps(layer.get_config()))
    clone = L.StringLookup.from_config(config)
    assert clone.get_vocabulary() == layer.get_vocabulary() and clone.vocabulary_size() == 5
    probe = [["x", "w", "q"], ["y", "y", "z"]]
    np.testing.assert_array_equal(out(clone(probe)), out(layer(probe)))
    integer = L.IntegerLookup(vocabulary=VOCAB, num_oov_indices=2, mask_token=0)
    clone = L.IntegerLookup.from_config(json.loads(json.dumps(integer.get_config())))
    np.testing.assert_array_equal(out(clone(DATA)), out(integer(DATA)))


def test_saved_model_with_integer_lookup_reloads_identically(tmp_path):
    lookup = L.IntegerLookup(output_mode="multi_hot")
    lookup.adapt(np.array([[1, 2, 2], [3, 3, 3]]))
    inputs = gw.Input(shape=(3,))
    model = gw.Model(inputs, L.Dense(2)(lookup(inputs)))
    x = np.array([[1., 2., 7.], [3., 3., 1.]], dtype="float32")
    model.save(tmp_path / "lookup.gw")
    np.testing.assert_array_equal(out(gw.load_model(tmp_path / "lookup.gw")(x)), out(model(x)))


def test_lookup_errors_before_any_state_change():
    with pytest.raises(ValueError, match=r"repeats the tokens \[12\]"):
        L.IntegerLookup(vocabulary=[12, 36, 12])
    with pytest.raises(ValueError, match="output_mode"):
        L.StringLookup(output_mode="bag")
    with pytest.raises(ValueError, match="invert=True needs output_mode='int'"):
        L.IntegerLookup(invert=True, output_mode="count")
    with pytest.raises(ValueError, match="max_tokens"):
        L.IntegerLookup(max_tokens=1)
    with pytest.raises(ValueError, match="more than max_tokens=3"):
        L.IntegerLookup(vocabulary=[1, 2, 3], max_tokens=3)
    with pytest.raises(ValueError, match="idf_weights"):
        L.IntegerLookup(vocabulary=VOCAB, output_mode="tf_idf")
    with pytest.raises(ValueError, match="mask_token"):
        L.StringLookup(mask_token="a", vocabulary=["b", "a"])
    with pytest.raises(ValueError, match="sparse"):
        L.IntegerLookup(output_mode="count", sparse=True)
    with pytest.raises(ValueError, match="no vocabulary"):
        L.IntegerLookup()(DATA)
    with pytest.raises(ValueError, match="num_oov_indices=0"):
        L.IntegerLookup(vocabulary=VOCAB, num_oov_indices=0)(DATA)
    with pytest.raises(ValueError, match="strings"):
        L.StringLookup(vocabulary=SVOCAB)(np.array([1, 2]))
    layer = L.StringLookup(vocabulary=SVOCAB)
    with pytest.raises(ValueError, match="repeats"):
        layer.set_vocabulary(["x", "x"])
    assert layer.get_vocabulary() == ["[UNK]"] + SVOCAB
    with pytest.raises(ValueError, match="cannot adapt"):
        layer.adapt(SDATA)
    fresh = L.StringLookup()
    with pytest.raises(ValueError, match="strings"):
        fresh.adapt(iter([np.array(["a"]), np.array([1.5])]))
    assert fresh.get_vocabulary() == ["[UNK]"] and fresh.vocabulary_size() == 1
