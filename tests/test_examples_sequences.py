"""The sequence examples (MNIST-1D's four models, the LSTM adder, the character language model) run
through their `main` at reduced size, their helpers checked on their own, and the shipped text."""

import math
import pathlib

import numpy as np
import pytest

import gradwork as gw
from example_runner import assert_pngs as _assert_pngs
from example_runner import load as _load
from example_runner import run as _run


@pytest.fixture
def _needs_matplotlib():
    pytest.importorskip("matplotlib")


# ----- the shipped text -----------------------------------------------------------------------------
def test_load_text_returns_the_bundled_notes():
    text = gw.datasets.text.load_text()
    assert isinstance(text, str) and 30_000 <= len(text) <= 60_000
    assert text.isascii() and text.startswith("Notes on how a neural network learns")
    words = text.split()
    assert len(words) > 5000 and words.count("the") > 300          # plain English prose
    assert gw.datasets.text.load_text("course_notes") == text
    with pytest.raises(ValueError, match="load_text: unknown text 'shakespeare'"):
        gw.datasets.text.load_text("shakespeare")


def test_text_is_package_data():
    root = pathlib.Path(__file__).resolve().parent.parent
    assert (root / "gradwork" / "datasets" / "data" / "course_notes.txt").is_file()
    pyproject = (root / "pyproject.toml").read_text()
    assert '"gradwork.datasets" = ["data/*.npz", "data/*.txt"]' in pyproject


# ----- MNIST-1D -------------------------------------------------------------------------------------
def test_mnist1d_models_have_the_papers_sizes():
    module = _load("mnist1d_paper")
    # the PyTorch models' parameter counts (Linear 40->10; MLP 40-100-100-10; CNN 25 channels; GRU 6x2)
    expected = {"linear": 410, "mlp": 15_210, "cnn": 5_210, "gru": 5_134}
    for kind, count in expected.items():
        model = module.build_model(kind)
        assert model.count_params() == count, kind
        assert model.predict(np.zeros((3, 40), np.float32), verbose=0).shape == (3, 10)
    # the CNN's three padded stride-2 convolutions: 40 -> 19 -> 10 -> 5 steps, as PyTorch's padding=1 gives
    cnn = module.build_model("cnn")
    assert [layer.output_shape for layer in cnn.layers if isinstance(layer, gw.nn.Conv1D)] == [
        (None, 19, 25), (None, 10, 25), (None, 5, 25)]
    with pytest.raises(ValueError, match="unknown model 'rnn'"):
        module.build_model("rnn")


def test_mnist1d_quick(tmp_path, capsys, _needs_matplotlib):
    pytest.importorskip("mnist1d")
    result, out = _run("mnist1d_paper", tmp_path, capsys, "--quick")
    accuracy = result["accuracy"]
    assert set(accuracy) == {"linear", "mlp", "cnn", "gru"}
    assert all(0.2 < a <= 1.0 for a in accuracy.values())         # chance is 0.1
    # already after 160 steps the model built for shifted patterns beats the ones that are not
    assert accuracy["cnn"] > accuracy["mlp"] > accuracy["linear"]
    assert accuracy["gru"] > accuracy["linear"]
    for kind, a in accuracy.items():
        assert f"{a:14.3f}" in out.split(f"\n{kind:8s}")[1].splitlines()[0]
        assert result["seconds"][kind] > 0
    _assert_pngs(result["files"], tmp_path, ["samples.png", "accuracy.png"])


# ----- the LSTM adder -------------------------------------------------------------------------------
def test_addition_encoding_round_trips():
    module = _load("lstm_addition")
    a, b = np.array([12345, 0, 99999]), np.array([678, 7, 99999])
    x = module.to_sequences(a, b, 6)
    assert x.shape == (3, 6, 20) and x.dtype == np.float32
    assert (x.sum(axis=-1) == 2).all()                             # one digit of a and one of b per step
    assert module.from_digits(x[..., :10].argmax(-1)).tolist() == a.tolist()
    assert module.from_digits(x[..., 10:].argmax(-1)).tolist() == b.tolist()
    assert module.digits(a + b, 6)[0].tolist() == [3, 2, 0, 3, 1, 0]  # 13023, least significant first


def test_addition_pairs_are_distinct_and_held_out():
    module = _load("lstm_addition")
    rng = np.random.default_rng(1)
    a, b, seen = module.make_pairs(500, 2, rng)
    assert len(set(zip(a.tolist(), b.tolist()))) == 500 and a.max() < 100 and b.max() < 100
    a2, b2, held = module.make_pairs(300, 2, rng, exclude=seen)
    assert len(held) == 300 and not held & seen


def test_lstm_addition_quick(tmp_path, capsys, _needs_matplotlib):
    result, out = _run("lstm_addition", tmp_path, capsys, "--quick")
    assert result["exact_match"] >= 0.9
    assert result["history"]["val_accuracy"][-1] > result["history"]["val_accuracy"][0]
    assert f"exact match {result['exact_match']:.4f}" in out
    assert f"exact match {result['exact_match_long']:.4f}" in out
    assert out.count("(right)") + out.count("(wrong, the sum is") == 6
    _assert_pngs(result["files"], tmp_path, ["curves.png"])


# ----- the character language model ----------------------------------------------------------------
def test_language_model_windows_and_baseline():
    module = _load("char_language_model")
    ids = np.arange(20)
    x, y = module.windows(ids, 5, stride=3)
    assert x.shape == y.shape == (5, 5)
    assert (y == x + 1).all() and x[:, 0].tolist() == [0, 3, 6, 9, 12]
    # the same text on both sides: the unigram cross-entropy is the (smoothed) entropy of the counts
    text_ids = np.array([0, 0, 0, 1])
    counts = np.array([4.0, 2.0])
    expected = -(3 * math.log2(counts[0] / 6) + math.log2(counts[1] / 6)) / 4
    assert module.unigram_bits(text_ids, text_ids, 2) == pytest.approx(expected)


def test_language_model_generation_follows_the_state():
    module = _load("char_language_model")
    gw.random.seed(0)
    model = module.CharGRU(7, embedding_dim=4, units=8)
    ids = np.array([1, 2, 3, 4, 5])
    full = model.predict(ids[None], verbose=0)
    # feeding one id at a time with the carried state gives the scores of the whole sequence at once
    with gw.no_grad():
        scores, state = model.run(ids[None, :2])
        for i in ids[2:]:
            scores, state = model.run(np.array([[i]]), state)
    np.testing.assert_allclose(scores.data[0, -1], full[0, -1], rtol=1e-5, atol=1e-5)
    rng = np.random.default_rng(0)
    drawn = module.generate(model, ids, 30, 0.8, rng)
    assert drawn.shape == (30,) and drawn.min() >= 0 and drawn.max() < 7


def test_char_language_model_quick(tmp_path, capsys, _needs_matplotlib):
    result, out = _run("char_language_model", tmp_path, capsys, "--quick")
    bits, baseline = result["bits_per_character"], result["unigram_bits"]
    assert 3.5 < baseline < 5.0                                    # English letters: about 4 bits
    assert bits < baseline                                         # it learned more than the frequencies
    assert f"validation: {bits:.3f} bits per character (unigram baseline {baseline:.3f}" in out
    assert set(result["samples"]) == {0.5, 0.8, 1.0}
    for temperature, sample in result["samples"].items():
        assert sample.startswith("The network ") and len(sample) == len("The network ") + 80
        assert set(sample) <= set(result["vocabulary"])
        assert f"--- temperature {temperature} ---\n{sample}" in out
    _assert_pngs(result["files"], tmp_path, ["curves.png"])
