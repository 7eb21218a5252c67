"""Models of keras.io's "The Functional API" guide, written with Keras's names (only the imports differ),
and the BERT-style pattern of two int32 inputs into an encoder model: summary totals as Keras publishes
them, a little training, and save/load with identical predictions."""
import numpy as np

import gradwork as keras
from gradwork import nn as layers


def _total_params(model):
    lines = []
    model.summary(print_fn=lines.append)
    return next(line for line in lines if line.startswith("Total params:"))


def test_the_guides_ticket_classifier_has_kerass_parameter_count_and_trains(tmp_path):
    keras.random.seed(0)
    num_tags, num_words, num_departments = 12, 10000, 4
    title_input = keras.Input(shape=(None,), name="title")
    body_input = keras.Input(shape=(None,), name="body")
    tags_input = keras.Input(shape=(num_tags,), name="tags")
    title_features = layers.LSTM(128)(layers.Embedding(num_words, 64)(title_input))
    body_features = layers.LSTM(32)(layers.Embedding(num_words, 64)(body_input))
    x = layers.concatenate([title_features, body_features, tags_input])
    priority_pred = layers.Dense(1, name="priority")(x)
    department_pred = layers.Dense(num_departments, name="department")(x)
    model = keras.Model(inputs=[title_input, body_input, tags_input],
                        outputs={"priority": priority_pred, "department": department_pred})
    assert _total_params(model) == "Total params: 1,392,097 (5.31 MB)"       # Keras: 1,392,097
    model.compile(optimizer=keras.optimizers.RMSprop(1e-3),
                  loss={"priority": keras.losses.BinaryCrossentropy(from_logits=True),
                        "department": keras.losses.CategoricalCrossentropy(from_logits=True)},
                  loss_weights={"priority": 1.0, "department": 0.2})
    rng = np.random.default_rng(0)
    title_data = rng.integers(0, num_words, size=(16, 10))
    body_data = rng.integers(0, num_words, size=(16, 30))
    tags_data = rng.integers(0, 2, size=(16, num_tags)).astype("float32")
    priority_targets = rng.random(size=(16, 1))
    dept_targets = rng.integers(0, 2, size=(16, num_departments)).astype("float32")
    history = model.fit({"title": title_data, "body": body_data, "tags": tags_data},
                        {"priority": priority_targets, "department": dept_targets}, epochs=2, batch_size=8, verbose=0)
    assert list(history.history) == ["loss", "priority_loss", "department_loss"]
    model.save(tmp_path / "ticket.gw")
    again = keras.load_model(tmp_path / "ticket.gw")
    inputs = [title_data, body_data, tags_data]
    for key in ("priority", "department"):
        np.testing.assert_array_equal(again.predict(inputs, verbose=0)[key], model.predict(inputs, verbose=0)[key])


def test_the_guides_toy_resnet_has_kerass_parameter_count_and_trains(tmp_path):
    keras.random.seed(1)
    inputs = keras.Input(shape=(32, 32, 3), name="img")
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    block_1_output = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_1_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_2_output = layers.add([x, block_1_output])
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_2_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_3_output = layers.add([x, block_2_output])
    x = layers.Conv2D(64, 3, activation="relu")(block_3_output)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(10)(x)
    model = keras.Model(inputs, outputs, name="toy_resnet")
    assert _total_params(model) == "Total params: 223,242 (872.04 KB)"      # Keras: 223,242 (872.04 KB)
    model.compile(optimizer=keras.optimizers.RMSprop(1e-3),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True), metrics=["acc"])
    rng = np.random.default_rng(1)
    x_train = rng.random((16, 32, 32, 3)).astype("float32")
    y_train = np.eye(10, dtype="float32")[rng.integers(0, 10, 16)]
    model.fit(x_train, y_train, batch_size=8, epochs=1, validation_split=0.25, verbose=0)
    model.save(tmp_path / "resnet.gw")
    np.testing.assert_array_equal(keras.load_model(tmp_path / "resnet.gw").predict(x_train, verbose=0),
                                  model.predict(x_train, verbose=0))


def test_the_bert_style_pattern_two_int32_inputs_into_an_encoder_model(tmp_path):
    keras.random.seed(2)
    length, vocabulary, width = 16, 50, 16
    token_ids = keras.Input(shape=(length,), dtype="int32", name="token_ids")
    padding = keras.Input(shape=(length,), dtype="int32", name="padding_mask")
    x = layers.Embedding(vocabulary, width)(token_ids)
    x = layers.add([x, layers.PositionEmbedding(length)(x)])
    for _ in range(2):
        x = layers.TransformerEncoder(intermediate_dim=32, num_heads=2)(x, padding_mask=padding)
    encoder = keras.Model([token_ids, padding], x, name="encoder")

    input_ids = keras.Input(shape=(length,), dtype="int32")
    attention_mask = keras.Input(shape=(length,), dtype="int32")
    sequence = encoder([input_ids, attention_mask])
    pooled = layers.GlobalAveragePooling1D()(sequence, mask=attention_mask)
    classifier = keras.Model([input_ids, attention_mask], layers.Dense(2)(pooled))
    classifier.compile(keras.optimizers.Adam(3e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                       metrics=["accuracy"])
    # the task: does token 7 occur among the real (unpadded) tokens?
    rng = np.random.default_rng(2)
    ids = rng.integers(8, vocabulary, size=(96, length))
    lengths = rng.integers(4, length + 1, size=96)
    mask = (np.arange(length) < lengths[:, None]).astype("int32")
    labels = rng.integers(0, 2, 96)
    ids[labels == 1, 0] = 7
    ids[mask == 0] = 0
    history = classifier.fit([ids, mask], labels, epochs=8, batch_size=16, verbose=0)
    assert history.history["accuracy"][-1] > 0.9
    classifier.save(tmp_path / "bert.gw")
    again = keras.load_model(tmp_path / "bert.gw")
    np.testing.assert_array_equal(again.predict([ids, mask], verbose=0), classifier.predict([ids, mask], verbose=0))
    changed = ids.copy()
    changed[mask == 0] = 3                          # padded positions are masked: their ids do not matter
    np.testing.assert_allclose(classifier.predict([changed, mask], verbose=0),
                               classifier.predict([ids, mask], verbose=0), rtol=1e-5, atol=1e-6)
