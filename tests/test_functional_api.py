"""The functional API (issue 13): gw.Input, layers called on symbolic tensors, gw.Model(inputs, outputs).

Each model is trained, saved, reloaded and compared with the same computation written as a subclassed
model given the same weights: the predictions must be identical."""
import numpy as np
import pytest

import gradwork as gw
from gradwork import nn


def _rng():
    return np.random.default_rng(0)


def _same_predictions(model, other, x):
    np.testing.assert_array_equal(*(np.concatenate([np.ravel(a) for a in (p if isinstance(p, list) else [p])])
                                    for p in (model.predict(x, verbose=0), other.predict(x, verbose=0))))


def _round_trip(model, x, tmp_path):
    model.save(tmp_path / "model.gw")
    loaded = gw.load_model(tmp_path / "model.gw")
    assert type(loaded).__name__ == "Functional"
    _same_predictions(model, loaded, x)
    rebuilt = gw.models.model_from_json(model.to_json())
    rebuilt.set_weights(model.get_weights())
    _same_predictions(model, rebuilt, x)
    return loaded


# ----------------------------------------------------------------------------------- symbolic tensors
def test_input_is_symbolic_and_layers_infer_shapes_without_data():
    x = gw.Input(shape=(None, 6), name="tokens")
    assert x.shape == (None, None, 6) and x.dtype == np.float32 and x.name == "tokens"
    y = nn.Conv1D(4, 3, padding="same")(x)
    assert y.shape == (None, None, 4)                       # the free length stays free
    ids = gw.Input(shape=(12,), dtype="int32")
    assert ids.dtype == np.int32 and nn.Embedding(50, 8)(ids).shape == (None, 12, 8)
    assert gw.Input(shape=(3,), batch_size=16).shape == (16, 3)


@pytest.mark.parametrize("operation, layer", [
    (lambda a, b: a + b, "Add"), (lambda a, b: a - b, "Subtract"), (lambda a, b: a * b, "Multiply"),
    (lambda a, b: a * 2, "Multiply"), (lambda a, b: a[:, 0], "Lambda"), (lambda a, b: a @ b, "Dot"),
])
def test_operators_on_symbolic_tensors_name_the_layer_to_use(operation, layer):
    a, b = gw.Input(shape=(4,)), gw.Input(shape=(4,))
    with pytest.raises(TypeError, match=rf"symbolic tensor .*use the layer gw\.nn\.{layer}"):
        operation(a, b)
    with pytest.raises(TypeError, match="has no values"):
        np.asarray(a)


def test_model_errors_name_what_is_wrong():
    a, b = gw.Input(shape=(4,)), gw.Input(shape=(4,))
    out = nn.Dense(2)(nn.add([a, b]))
    with pytest.raises(ValueError, match="depend on .*an input that is not among `inputs`"):
        gw.Model(a, out)
    with pytest.raises(TypeError, match="outputs must be symbolic tensors"):
        gw.Model(a, np.zeros(3))
    with pytest.raises(ValueError, match="inputs must come from gw.Input"):
        gw.Model(nn.Dense(3)(a), out)
    model = gw.Model([a, b], out)
    with pytest.raises(ValueError, match="expected 2 inputs"):
        model.predict(np.zeros((2, 4)), verbose=0)
    with pytest.raises(ValueError, match="no layer named 'nope'"):
        model.get_layer("nope")


# ------------------------------------------------------------------------------------ model shapes
class TwoTowers(gw.Model):
    """The subclassed twin of the two-input, two-output functional model below."""

    def __init__(self):
        super().__init__()
        self.left, self.right = nn.Dense(8, activation="relu"), nn.Dense(8, activation="relu")
        self.joined = nn.Dense(8, activation="tanh")
        self.priority, self.department = nn.Dense(1), nn.Dense(3)

    def call(self, inputs):
        left, right = inputs
        h = self.joined(gw.concatenate([self.left(left), self.right(right)], axis=-1))
        return [self.priority(h), self.department(h)]


def test_two_inputs_concatenate_two_outputs_train_by_output_name_and_round_trip(tmp_path):
    gw.random.seed(0)
    title, body = gw.Input(shape=(5,), name="title"), gw.Input(shape=(7,), name="body")
    h = nn.Dense(8, activation="tanh")(nn.Concatenate()([nn.Dense(8, activation="relu")(title),
                                                          nn.Dense(8, activation="relu")(body)]))
    model = gw.Model([title, body], [nn.Dense(1, name="priority")(h), nn.Dense(3, name="department")(h)])
    assert model.output_names == ["priority", "department"] and model.input_shape == [(None, 5), (None, 7)]
    assert model.output_shape == [(None, 1), (None, 3)]
    model.compile("adam", loss={"priority": "mse",
                                "department": gw.losses.SparseCategoricalCrossentropy(from_logits=True)},
                  loss_weights={"priority": 1.0, "department": 0.2}, metrics={"department": ["accuracy"]})
    rng = _rng()
    x = {"title": rng.normal(size=(64, 5)), "body": rng.normal(size=(64, 7))}
    y = {"priority": rng.normal(size=(64, 1)), "department": rng.integers(0, 3, 64)}
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert list(history.history) == ["loss", "priority_loss", "department_loss", "department_accuracy"]
    assert history.history["loss"][-1] < history.history["loss"][0]
    twin = TwoTowers()
    twin([x["title"][:1], x["body"][:1]])
    twin.set_weights(model.get_weights())
    _same_predictions(model, twin, [x["title"], x["body"]])
    loaded = _round_trip(model, [x["title"], x["body"]], tmp_path)
    assert loaded.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0)


class Residual(gw.Model):
    def __init__(self):
        super().__init__()
        self.first, self.second, self.head = nn.Dense(6, activation="relu"), nn.Dense(6), nn.Dense(2)

    def call(self, x):
        h = self.first(x)
        return self.head(gw.nn.functional.relu(h + self.second(h)))


def test_a_residual_block_with_add(tmp_path):
    gw.random.seed(1)
    x = gw.Input(shape=(4,))
    h = nn.Dense(6, activation="relu")(x)
    out = nn.Dense(2)(nn.Activation("relu")(nn.Add()([h, nn.Dense(6)(h)])))
    model = gw.Model(x, out)
    model.compile("sgd", "mse")
    data = _rng().normal(size=(32, 4)).astype(np.float32)
    model.fit(data, np.zeros((32, 2)), epochs=2, verbose=0)
    twin = Residual()
    twin(data[:1])
    twin.set_weights(model.get_weights())
    _same_predictions(model, twin, data)
    _round_trip(model, data, tmp_path)


def test_a_siamese_model_shares_its_encoder(tmp_path):
    gw.random.seed(2)
    encoder = gw.Sequential([nn.Input(shape=(6,)), nn.Dense(5, activation="relu"), nn.Dense(4)], name="encoder")
    a, b = gw.Input(shape=(6,)), gw.Input(shape=(6,))
    similarity = nn.Dot(axes=1, normalize=True)([encoder(a), encoder(b)])
    model = gw.Model([a, b], nn.Dense(1, activation="sigmoid")(similarity))
    assert len(model.trainable_weights) == 4 + 2                      # the encoder's weights once
    assert len(encoder.inbound_nodes) == 2
    rng = _rng()
    xa, xb = rng.normal(size=(40, 6)), rng.normal(size=(40, 6))
    model.compile("adam", "binary_crossentropy")
    model.fit([xa, xb], rng.integers(0, 2, (40, 1)).astype(np.float32), epochs=2, verbose=0)
    ea, eb = encoder.predict(xa, verbose=0), encoder.predict(xb, verbose=0)
    cosine = (ea * eb).sum(1) / np.linalg.norm(ea, axis=1) / np.linalg.norm(eb, axis=1)
    head = model.layers[-1]
    expected = 1 / (1 + np.exp(-(cosine[:, None] * head.kernel.numpy() + head.bias.numpy())))
    np.testing.assert_allclose(model.predict([xa, xb], verbose=0), expected, rtol=1e-5, atol=1e-6)
    _round_trip(model, [xa, xb], tmp_path)


def test_a_feature_extractor_from_a_trained_cnns_intermediate_layers(tmp_path):
    gw.random.seed(3)
    images = gw.Input(shape=(8, 8, 1))
    h = nn.Conv2D(4, 3, activation="relu", name="conv1")(images)
    h = nn.Conv2D(6, 3, activation="relu", name="conv2")(nn.MaxPooling2D(1)(h))
    model = gw.Model(images, nn.Dense(3)(nn.Flatten()(h)))
    model.compile("adam", gw.losses.SparseCategoricalCrossentropy(from_logits=True))
    data = _rng().uniform(size=(16, 8, 8, 1)).astype(np.float32)
    model.fit(data, np.arange(16) % 3, epochs=1, verbose=0)
    features = gw.Model(inputs=model.inputs, outputs=model.get_layer("conv2").output)
    both = gw.Model(model.inputs, [model.get_layer("conv1").output, model.get_layer("conv2").output])
    conv1, conv2 = model.get_layer("conv1"), model.get_layer("conv2")
    expected = conv2(model.layers[2](conv1(data))).numpy()
    np.testing.assert_array_equal(features.predict(data, verbose=0), expected)
    first, second = both.predict(data, verbose=0)
    assert first.shape == (16, 6, 6, 4) and np.array_equal(second, expected)
    assert features.count_params() == conv1.count_params() + conv2.count_params()
    _round_trip(features, data, tmp_path)


def test_a_sequential_inside_a_functional_model(tmp_path):
    gw.random.seed(4)
    block = gw.Sequential([nn.Dense(6, activation="relu"), nn.Dense(3)], name="block")
    x = gw.Input(shape=(5,))
    model = gw.Model(x, nn.Dense(2)(block(x)))
    data = _rng().normal(size=(10, 5)).astype(np.float32)
    expected = model.layers[-1](block(data)).numpy()
    np.testing.assert_array_equal(model.predict(data, verbose=0), expected)
    assert model.get_layer("block") is block and block.built
    _round_trip(model, data, tmp_path)


class MaskedText(gw.Model):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(20, 6, mask_zero=True)
        self.lstm = nn.Bidirectional(nn.LSTM(5))
        self.head = nn.Dense(2)

    def call(self, ids):
        vectors = self.embed(ids)
        return self.head(self.lstm(vectors, mask=self.embed.compute_mask(ids)))


def test_a_masked_embedding_into_a_bidirectional_lstm(tmp_path):
    gw.random.seed(5)
    ids = gw.Input(shape=(None,), dtype="int32")
    model = gw.Model(ids, nn.Dense(2)(nn.Bidirectional(nn.LSTM(5))(nn.Embedding(20, 6, mask_zero=True)(ids))))
    rng = _rng()
    tokens = rng.integers(1, 20, (12, 7))
    tokens[:, 4:] = 0                                                  # padding the mask must hide
    model.compile("adam", gw.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(tokens, rng.integers(0, 2, 12), epochs=1, verbose=0)
    twin = MaskedText()
    twin(tokens[:1])
    twin.set_weights(model.get_weights())
    _same_predictions(model, twin, tokens)
    # the mask hides the padding: the padded sequences predict what the 4 real tokens alone predict
    np.testing.assert_allclose(model.predict(tokens[:, :4], verbose=0), model.predict(tokens, verbose=0),
                               rtol=1e-5, atol=1e-6)
    _round_trip(model, tokens, tmp_path)


def test_layer_input_and_output_and_get_layer_by_index():
    x = gw.Input(shape=(3,))
    dense = nn.Dense(2, name="only")
    y = dense(x)
    assert dense.input is x and dense.output is y
    model = gw.Model(x, y)
    assert model.get_layer(index=1) is dense and model.get_layer("only") is dense
    assert model.inputs == [x] and model.outputs == [y]
    dense(gw.Input(shape=(3,)))
    with pytest.raises(AttributeError, match="was called 2 times"):
        _ = dense.output


# every layer on symbolic tensors: the recorded shapes are the shapes of a real call
SYMBOLIC_CASES = [
    (lambda: nn.Dense(3), (5,)), (lambda: nn.Conv1D(4, 3), (10, 2)), (lambda: nn.Conv2D(4, 3, strides=2), (9, 9, 2)),
    (lambda: nn.Conv2DTranspose(3, 3, strides=2), (4, 4, 2)), (lambda: nn.DepthwiseConv2D(3), (6, 6, 2)),
    (lambda: nn.SeparableConv2D(4, 3), (6, 6, 2)), (lambda: nn.MaxPooling2D(2), (6, 6, 2)),
    (lambda: nn.AveragePooling1D(2), (6, 3)), (lambda: nn.GlobalMaxPooling2D(), (4, 4, 3)),
    (lambda: nn.BatchNormalization(), (4, 3)), (lambda: nn.LayerNormalization(), (4, 3)),
    (lambda: nn.Dropout(0.5), (4,)), (lambda: nn.Flatten(), (2, 3, 4)), (lambda: nn.Reshape((6, 2)), (3, 4)),
    (lambda: nn.Permute((2, 1)), (3, 4)), (lambda: nn.RepeatVector(3), (4,)), (lambda: nn.UpSampling2D(2), (3, 3, 1)),
    (lambda: nn.ZeroPadding2D(1), (3, 3, 1)), (lambda: nn.Cropping1D(1), (5, 2)), (lambda: nn.SimpleRNN(3), (5, 2)),
    (lambda: nn.GRU(3, return_sequences=True), (5, 2)), (lambda: nn.LSTM(3, return_state=True), (5, 2)),
    (lambda: nn.Bidirectional(nn.GRU(3)), (5, 2)), (lambda: nn.TimeDistributed(nn.Dense(2)), (5, 3)),
    (lambda: nn.TransformerEncoder(8, 2), (5, 4)), (lambda: nn.PositionEmbedding(5), (5, 4)),
    (lambda: nn.SinePositionEncoding(), (5, 4)), (lambda: nn.RandomFlip(), (4, 4, 1)),
    (lambda: nn.Rescaling(0.5), (3,)),
    (lambda: nn.Activation("relu"), (3,)), (lambda: nn.Softmax(), (3,)), (lambda: nn.Identity(), (3,)),
]


@pytest.mark.parametrize("make, shape", SYMBOLIC_CASES)
def test_every_layer_records_the_shapes_a_real_call_gives(make, shape):
    layer = make()
    symbolic = layer(gw.Input(shape=shape))
    real = layer(np.ones((2, *shape), np.float32))
    flat_symbolic = symbolic if isinstance(symbolic, list) else [symbolic]
    flat_real = real if isinstance(real, list) else [real]
    assert [t.shape for t in flat_symbolic] == [(None, *r.shape[1:]) for r in flat_real]


def test_multi_head_attention_with_query_value_key_and_a_dict_of_inputs(tmp_path):
    gw.random.seed(6)
    query, value = gw.Input(shape=(4, 6), name="query"), gw.Input(shape=(7, 6), name="value")
    attention = nn.MultiHeadAttention(num_heads=2, key_dim=3)
    out = attention(query, value, key=value)
    model = gw.Model({"q": query, "v": value}, nn.GlobalAveragePooling1D()(out))
    rng = _rng()
    data = {"q": rng.normal(size=(3, 4, 6)), "v": rng.normal(size=(3, 7, 6))}
    expected = attention(data["q"].astype(np.float32), data["v"].astype(np.float32)).numpy().mean(axis=1)
    np.testing.assert_allclose(model.predict(data, verbose=0), expected, rtol=1e-5, atol=1e-6)
    _round_trip(model, data, tmp_path)


def test_training_given_in_a_symbolic_call_is_kept():
    x = gw.Input(shape=(1000,))
    always = gw.Model(x, nn.Dropout(0.5)(x, training=True))
    out = always.predict(np.ones((1, 1000), np.float32), verbose=0)
    assert 300 < (out == 0).sum() < 700                             # dropped even at inference
