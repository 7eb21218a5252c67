"""Keras's attention layers without a multi-head projection of their own: `Attention` (dot / concat
scores), `AdditiveAttention`, and `GroupQueryAttention`.

Against: the numbers of Keras's own tests (attention_test.py, additive_attention_test.py); PyTorch in
float64 (`scaled_dot_product_attention` for the dot scores, forward and input gradients; a torch
transcription of grouped-query attention with `repeat_interleave` of the key/value heads, forward
and the gradients of inputs and every weight); gradwork's MultiHeadAttention for as many key/value
heads as query heads; a NumPy transcription of the additive / concat scores. Numerical gradient checks
in float64 (inputs and weights, with masks and dropout), masks and causal masks, config round trips,
one training step, saving in a functional model, and errors raised before the layer changes.
(The generic layer harness calls a layer on one input, so these multi-input layers get its checks here.)
"""
import json

import numpy as np
import pytest
from conv_oracles import F64, assert_close

import gradwork as gw
from gradwork import nn

from torch_oracle import torch

RNG = np.random.default_rng


def _t(a):
    return torch.tensor(a, requires_grad=True)


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


# ----------------------------------------------------------------------------------------------- Keras numbers
QUERY = np.array([[[1.0, 0.0], [0.0, 1.0]]])
KEY = np.array([[[0.0, 1.0], [1.0, 0.0]]])
VALUE = np.array([[[1.0, 2.0], [3.0, 4.0]]])


@pytest.mark.parametrize("make, output, scores", [
    (lambda: nn.Attention(score_mode="dot"), [[[2.462, 3.462], [1.538, 2.538]]], [[[0.269, 0.731], [0.731, 0.269]]]),
    (lambda: nn.Attention(score_mode="concat"), [[[1.727, 2.727], [2.272, 3.272]]],
     [[[0.636, 0.363], [0.363, 0.636]]]),
    (lambda: nn.AdditiveAttention(use_scale=False), [[[1.727, 2.727], [2.272, 3.272]]],
     [[[0.636, 0.363], [0.363, 0.636]]]),
], ids=["dot", "concat", "additive"])
def test_keras_correctness_numbers(make, output, scores):
    out, weights = make()([QUERY, VALUE, KEY], return_attention_scores=True)
    np.testing.assert_allclose(out.data, output, atol=1e-3)
    np.testing.assert_allclose(weights.data, scores, atol=1e-3)


@pytest.mark.parametrize("make", [nn.Attention, lambda: nn.AdditiveAttention(use_scale=False)])
def test_keras_mask_numbers(make):
    query, value = np.array([[[1.0, 0.0], [0.0, 1.0]]]), np.ones((1, 2, 2))
    out, weights = make()([query, value], mask=[np.array([[True, False]]), np.array([[True, False]])],
                          return_attention_scores=True)
    np.testing.assert_array_equal(out.data, [[[1.0, 1.0], [0.0, 0.0]]])
    np.testing.assert_array_equal(weights.data, [[[1.0, 0.0], [1.0, 0.0]]])


def test_weights_of_each_layer_follow_keras():
    x = [np.zeros((2, 3, 4)), np.zeros((2, 5, 4))]
    assert nn.Attention()(x) is not None and nn.Attention().weights == []
    layer = nn.Attention(use_scale=True, score_mode="concat")
    layer(x)
    assert [(n, p.shape) for n, p in layer.named_parameters()] == [("scale", ()), ("concat_score_weight", ())]
    assert np.all(layer.scale.data == 1) and np.all(layer.concat_score_weight.data == 1)
    additive = nn.AdditiveAttention()
    additive(x)
    assert [(n, p.shape) for n, p in additive.named_parameters()] == [("scale", (4,))]
    assert additive.scale.dtype == np.float32
    gqa = nn.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2, use_bias=False)
    gqa(np.zeros((2, 3, 8)), np.zeros((2, 5, 6)), np.zeros((2, 5, 7)))
    assert [(n, p.shape) for n, p in gqa.named_parameters()] == [
        ("query_kernel", (8, 4, 3)), ("key_kernel", (7, 2, 3)), ("value_kernel", (6, 2, 3)),
        ("output_kernel", (4, 3, 8))]


# ----------------------------------------------------------------------------------------------- Attention vs torch
@pytest.mark.parametrize("use_scale", [False, True])
@pytest.mark.parametrize("masks", ["none", "value", "value+causal", "key+causal"])
def test_dot_attention_matches_torch_sdpa(use_scale, masks):
    rng = RNG(1)
    q, v, k = rng.standard_normal((3, 4, 5)), rng.standard_normal((3, 6, 2)), rng.standard_normal((3, 6, 5))
    value_mask = rng.random((3, 6)) > 0.3
    value_mask[:, 0] = True                               # torch gives NaN for a query that sees nothing
    layer = nn.Attention(use_scale=use_scale, dtype="float64")
    layer([q, v, k])
    if use_scale:
        layer.scale.data[...] = 0.7
    mask = {"none": None, "value": [None, value_mask], "value+causal": [None, value_mask],
            "key+causal": [None, None, value_mask]}[masks]
    causal = masks.endswith("causal")
    ours = [gw.tensor(a, requires_grad=True) for a in (q, v, k)]
    out = layer(ours, mask=mask, use_causal_mask=causal)
    allowed = np.ones((3, 4, 6), bool) if mask is None else np.broadcast_to(value_mask[:, None], (3, 4, 6))
    if causal:
        allowed = allowed & np.tri(4, 6, dtype=bool)
    qt, vt, kt = (_t(a) for a in (q, v, k))
    ref = torch.nn.functional.scaled_dot_product_attention(qt, kt, vt, attn_mask=torch.tensor(allowed),
                                                           scale=0.7 if use_scale else 1.0)
    assert_close(out.data, ref.detach().numpy(), F64, "output")
    g = rng.standard_normal(out.shape)
    (out * gw.tensor(g)).sum().backward()
    (ref * torch.tensor(g)).sum().backward()
    for name, a, b in zip("qvk", ours, (qt, vt, kt)):
        assert_close(a.grad.data, b.grad.numpy(), F64, f"gradient of {name}")


# ----------------------------------------------------------------------------------------------- additive scores
def _numpy_additive(q, v, k, weight, outer, value_mask, query_mask, causal):
    scores = outer * (weight * np.tanh(q[:, :, None, :] + k[:, None, :, :])).sum(-1)
    allowed = np.broadcast_to(value_mask[:, None], scores.shape) & (np.tri(*scores.shape[1:], dtype=bool)
                                                                   if causal else True)
    weights = _softmax(np.where(allowed, scores, -np.inf))
    return (weights @ v) * query_mask[..., None], weights


@pytest.mark.parametrize("kind", ["concat", "concat_scaled", "additive", "additive_unscaled"])
@pytest.mark.parametrize("causal", [False, True])
def test_additive_and_concat_scores_match_a_numpy_transcription(kind, causal):
    rng = RNG(2)
    q, v, k = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 5, 6)), rng.standard_normal((2, 5, 3))
    query_mask, value_mask = rng.random((2, 4)) > 0.3, rng.random((2, 5)) > 0.3
    value_mask[:, 0] = True
    if kind.startswith("concat"):
        layer = nn.Attention(use_scale=kind == "concat_scaled", score_mode="concat", dtype="float64")
    else:
        layer = nn.AdditiveAttention(use_scale=kind == "additive", dtype="float64")
    layer([q, v, k])
    for p in layer.weights:
        p.data[...] = rng.uniform(0.5, 1.5, p.shape)
    scale = layer.scale.data if layer.use_scale else 1.0
    if kind.startswith("concat"):   # concat_score_weight * sum(tanh(scale * (q + k)))
        want = _numpy_additive(q * scale, v, k * scale, 1.0, layer.concat_score_weight.data, value_mask,
                               query_mask, causal)
    else:                           # sum(scale * tanh(q + k))
        want = _numpy_additive(q, v, k, scale, 1.0, value_mask, query_mask, causal)
    out, weights = layer([q, v, k], mask=[query_mask, value_mask], use_causal_mask=causal,
                         return_attention_scores=True)
    assert_close(out.data, want[0], F64, "output")
    assert_close(weights.data, want[1], F64, "weights")


# ----------------------------------------------------------------------------------------------- gradchecks
@pytest.mark.parametrize("make", [
    lambda: nn.Attention(use_scale=True, dropout=0.3, dtype="float64"),
    lambda: nn.Attention(use_scale=True, score_mode="concat", dropout=0.3, dtype="float64"),
    lambda: nn.AdditiveAttention(dropout=0.3, dtype="float64"),
], ids=["dot", "concat", "additive"])
@pytest.mark.parametrize("training", [False, True])
def test_gradcheck_float64_wrt_inputs_and_weights(make, training):
    rng = RNG(3)
    layer = make()
    q, v, k = (gw.tensor(rng.standard_normal(s), requires_grad=True) for s in [(2, 3, 4), (2, 5, 3), (2, 5, 4)])
    layer([q, v, k])
    for p in layer.weights:
        p.data[...] = rng.uniform(0.5, 1.5, p.shape)
    mask = [rng.random((2, 3)) > 0.3, rng.random((2, 5)) > 0.3]

    def fn(q, v, k, *weights):
        gw.random.seed(5)
        return layer([q, v, k], mask=mask, use_causal_mask=True, training=training)

    assert gw.gradcheck(fn, (q, v, k, *layer.trainable_weights), atol=1e-7, rtol=1e-5)


@pytest.mark.parametrize("training", [False, True])
def test_group_query_attention_gradcheck_wrt_inputs_and_weights(training):
    rng = RNG(4)
    layer = nn.GroupQueryAttention(2, 4, 2, dropout=0.3, dtype="float64")
    q, v = (gw.tensor(rng.standard_normal(s), requires_grad=True) for s in [(2, 3, 4), (2, 5, 3)])
    layer(q, v)
    for p in layer.weights:
        p.data[...] = rng.standard_normal(p.shape)
    masks = dict(query_mask=rng.random((2, 3)) > 0.2, value_mask=rng.random((2, 5)) > 0.3)

    def fn(q, v, *weights):
        gw.random.seed(5)
        return layer(q, v, use_causal_mask=True, training=training, **masks)

    assert gw.gradcheck(fn, (q, v, *layer.trainable_weights), atol=1e-7, rtol=1e-5)


# ----------------------------------------------------------------------------------------------- GQA vs torch
def _torch_gqa(layer, q, v, k, allowed):
    """Grouped-query attention written out in torch: key/value heads repeated with repeat_interleave."""
    w = {n: _t(p.data) for n, p in layer.named_parameters()}
    heads, groups, depth = layer.num_query_heads, layer.num_key_value_heads, layer.head_dim

    def project(x, what):
        out = torch.einsum("btm,mhd->bhtd", x, w[f"{what}_kernel"])
        return out + w[f"{what}_bias"][:, None] if f"{what}_bias" in w else out

    key = project(k, "key").repeat_interleave(heads // groups, dim=1)
    value = project(v, "value").repeat_interleave(heads // groups, dim=1)
    mask = None if allowed is None else torch.tensor(allowed)[:, None]
    out = torch.nn.functional.scaled_dot_product_attention(project(q, "query"), key, value, attn_mask=mask,
                                                           scale=depth ** -0.5)
    out = torch.einsum("bhtd,hdm->btm", out, w["output_kernel"])
    return (out + w["output_bias"] if "output_bias" in w else out), w


@pytest.mark.parametrize("heads, groups, use_bias, masked", [
    (4, 2, True, False), (6, 3, True, True), (4, 1, False, True), (3, 3, True, True)])
def test_group_query_attention_matches_a_torch_transcription(heads, groups, use_bias, masked):
    rng = RNG(5)
    q, v, k = rng.standard_normal((2, 4, 5)), rng.standard_normal((2, 6, 3)), rng.standard_normal((2, 6, 7))
    layer = nn.GroupQueryAttention(3, heads, groups, use_bias=use_bias, dtype="float64")
    layer(q, v, k)
    for p in layer.weights:
        p.data[...] = rng.standard_normal(p.shape) * 0.7
    masks, allowed = {}, None
    if masked:
        masks = dict(attention_mask=rng.random((2, 4, 6)) > 0.3, value_mask=rng.random((2, 6)) > 0.2,
                     use_causal_mask=True)
        masks["attention_mask"][..., 0] = masks["value_mask"][:, 0] = True   # torch: NaN for an empty row
        allowed = masks["attention_mask"] & masks["value_mask"][:, None] & np.tri(4, 6, dtype=bool)
    ours = [gw.tensor(a, requires_grad=True) for a in (q, v, k)]
    out, scores = layer(*ours, return_attention_scores=True, **masks)
    theirs = [_t(a) for a in (q, v, k)]
    ref, w = _torch_gqa(layer, *theirs, allowed)
    assert_close(out.data, ref.detach().numpy(), F64, "output")
    assert scores.shape == (2, heads, 4, 6)
    np.testing.assert_allclose(scores.data.sum(-1), 1, rtol=1e-12)
    g = rng.standard_normal(out.shape)
    (out * gw.tensor(g)).sum().backward()
    (ref * torch.tensor(g)).sum().backward()
    for name, a, b in zip("qvk", ours, theirs):
        assert_close(a.grad.data, b.grad.numpy(), F64, f"gradient of {name}")
    for name, p in layer.named_parameters():
        if name == "key_bias":      # shifts every score of a query alike: softmax ignores it, gradient ~0
            assert np.abs(p.grad.data).max() < 1e-12 and np.abs(w[name].grad.numpy()).max() < 1e-12
            continue
        assert_close(p.grad.data, w[name].grad.numpy(), F64, f"gradient of {name}")


def test_group_query_attention_with_one_key_value_head_per_query_head_is_multi_head_attention():
    rng = RNG(6)
    q, v = rng.standard_normal((2, 4, 6)), rng.standard_normal((2, 5, 6))
    gqa = nn.GroupQueryAttention(head_dim=3, num_query_heads=2, num_key_value_heads=2, dtype="float64")
    mha = nn.MultiHeadAttention(num_heads=2, key_dim=3, dtype="float64")
    gqa(q, v)
    mha(q, v)
    for p in gqa.weights:
        p.data[...] = rng.standard_normal(p.shape)
    mha.set_weights(gqa.get_weights())    # the same names, shapes and order
    mask = rng.random((2, 4, 5)) > 0.3
    a, b = gqa(q, v, attention_mask=mask, return_attention_scores=True), mha(q, v, attention_mask=mask,
                                                                             return_attention_scores=True)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x.data, y.data, rtol=1e-12, atol=1e-14)


def test_group_query_attention_masks_combine_like_one_attention_mask():
    rng = RNG(7)
    q, v = rng.standard_normal((2, 4, 6)), rng.standard_normal((2, 5, 6))
    layer = nn.GroupQueryAttention(2, 4, 2)
    qm, vm, km, am = (rng.random(s) > 0.3 for s in [(2, 4), (2, 5), (2, 5), (2, 4, 5)])
    out, scores = layer(q, v, v, query_mask=qm, value_mask=vm, key_mask=km, attention_mask=am,
                        use_causal_mask=True, return_attention_scores=True)
    combined = am & qm[:, :, None] & vm[:, None] & km[:, None] & np.tri(4, 5, dtype=bool)
    out2, scores2 = layer(q, v, attention_mask=combined, return_attention_scores=True)
    np.testing.assert_array_equal(out.data, out2.data)
    np.testing.assert_array_equal(scores.data == 0, np.broadcast_to(~combined[:, None], scores.shape))
    empty = ~qm                                            # a query that may attend to nothing: the output bias
    np.testing.assert_allclose(out.data[empty], np.broadcast_to(layer.output_bias.data, out.data[empty].shape))


# ----------------------------------------------------------------------------------------------- dropout, masks
@pytest.mark.parametrize("make", [lambda **kw: nn.Attention(dropout=0.5, **kw),
                                  lambda **kw: nn.AdditiveAttention(dropout=0.5, **kw)])
def test_dropout_only_in_training_and_seeded(make):
    x = [RNG(8).standard_normal((2, 5, 4)).astype(np.float32)] * 2
    layer = make()
    out, weights = layer(x, return_attention_scores=True)
    np.testing.assert_array_equal(layer(x, training=False).data, out.data)
    assert not np.allclose(layer(x, training=True).data, out.data)
    np.testing.assert_allclose(layer(x, training=True, return_attention_scores=True)[1].data.sum(-1), 1, rtol=1e-6)
    a, b = make(seed=3), make(seed=3)
    a(x), b(x)
    b.set_weights(a.get_weights())
    np.testing.assert_array_equal(a(x, training=True).data, b(x, training=True).data)


def test_group_query_attention_seeded_dropout_repeats():
    x = RNG(9).standard_normal((2, 5, 4)).astype(np.float32)
    a, b = (nn.GroupQueryAttention(2, 2, 1, dropout=0.5, seed=4) for _ in range(2))
    a(x, x), b(x, x)
    b.set_weights(a.get_weights())
    np.testing.assert_array_equal(a(x, x, training=True).data, b(x, x, training=True).data)
    assert not np.allclose(a(x, x, training=True).data, a(x, x).data)


def test_compute_mask_is_the_query_mask():
    layer = nn.Attention()
    assert layer.compute_mask([np.ones((2, 3, 4))] * 2, None) is None
    assert layer.compute_mask([np.ones((2, 3, 4))] * 2, [None, np.ones((2, 3), bool)]) is None
    query_mask = np.array([[True, False, True]])
    assert layer.compute_mask([np.ones((1, 3, 4))] * 2, [query_mask, ~query_mask]) is query_mask


# ------------------------------------------------------------------------------------ config, training, saving
CONFIG_CASES = {
    "attention": (lambda: nn.Attention(use_scale=True, score_mode="concat", dropout=0.1, seed=2), "list"),
    "additive": (lambda: nn.AdditiveAttention(dropout=0.2), "list"),
    "gqa": (lambda: nn.GroupQueryAttention(3, 4, 2, dropout=0.1, kernel_initializer="he_normal",
                                           kernel_regularizer=gw.regularizers.L2(0.1), kernel_constraint="max_norm",
                                           seed=1), "args"),
}


def _call(layer, style, q, v, **kw):
    return layer([q, v], **kw) if style == "list" else layer(q, v, **kw)


@pytest.mark.parametrize("case", list(CONFIG_CASES))
def test_config_round_trip_and_one_training_step(case):
    make, style = CONFIG_CASES[case]
    rng = RNG(10)
    q, v = rng.standard_normal((2, 3, 4)).astype(np.float32), rng.standard_normal((2, 5, 4)).astype(np.float32)
    layer = make()
    _call(layer, style, q, v)
    for p in layer.weights:
        p.data[...] = rng.uniform(0.5, 1.5, p.shape)
    config = json.loads(json.dumps(layer.get_config()))
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    _call(clone, style, q, v)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(_call(clone, style, q, v).data, _call(layer, style, q, v).data)
    before = layer.get_weights()
    out = _call(layer, style, q, v, training=True)
    (out * out).sum().backward()
    gw.optimizers.SGD(0.1).apply([p.grad for p in layer.trainable_weights], layer.trainable_weights)
    assert all(not np.array_equal(a, b) for a, b in zip(before, layer.get_weights()))


@pytest.mark.parametrize("case", list(CONFIG_CASES))
def test_saved_in_a_functional_model(case, tmp_path):
    make, style = CONFIG_CASES[case]
    query, value = gw.Input(shape=(3, 4)), gw.Input(shape=(5, 4))
    out = _call(make(), style, query, value, use_causal_mask=True)
    model = gw.Model([query, value], nn.GlobalAveragePooling1D()(out))
    rng = RNG(11)
    data = [rng.standard_normal((2, 3, 4)).astype(np.float32), rng.standard_normal((2, 5, 4)).astype(np.float32)]
    model.save(tmp_path / "m.gw")
    loaded = gw.load_model(tmp_path / "m.gw")
    np.testing.assert_array_equal(loaded.predict(data, verbose=0), model.predict(data, verbose=0))


def test_a_functional_model_passes_each_input_mask_to_attention_and_merges():
    """Keras: a layer called on a list gets the list of its inputs' masks (the query's mask goes on)."""
    tokens, other = gw.Input(shape=(4,), dtype="int64"), gw.Input(shape=(4,), dtype="int64")
    embed = nn.Embedding(10, 6, mask_zero=True)
    query, value = embed(tokens), embed(other)
    attended = nn.Attention()([query, value])
    model = gw.Model([tokens, other], [nn.GlobalAveragePooling1D()(attended),
                                       nn.GlobalAveragePooling1D()(nn.Add()([query, value]))])
    x, y = np.array([[1, 2, 3, 0], [4, 0, 0, 0]]), np.array([[5, 6, 0, 0], [7, 8, 9, 1]])
    pooled, added = model.predict([x, y], verbose=0)
    ex, ey = embed(x).numpy(), embed(y).numpy()
    out = nn.Attention()([ex, ey], mask=[x != 0, y != 0]).numpy()
    np.testing.assert_allclose(pooled, out.sum(1) / (x != 0).sum(1, keepdims=True), rtol=1e-6)
    both = ((x != 0) & (y != 0))[..., None]                  # Add's mask: where every input counts
    np.testing.assert_allclose(added, ((ex + ey) * both).sum(1) / both.sum(1), rtol=1e-6)


# ----------------------------------------------------------------------------------------------- errors
X = np.ones((1, 2, 2))


@pytest.mark.parametrize("call, pattern", [
    (lambda m: m(X), r"att: expected the inputs \[query, value\] or \[query, value, key\]"),
    (lambda m: m([X, X, X, X]), r"att: expected the inputs .*got inputs of shape"),
    (lambda m: m([X, X], mask=X), r"att: expected mask=\[query_mask, value_mask\]"),
    (lambda m: m([X, X], mask=[X]), r"att: expected mask=\[query_mask, value_mask\]"),
    (lambda m: m([X, np.ones((1, 3, 2)), np.ones((1, 4, 2))]),
     r"att: expected query \(batch, Tq, dim\).*got query \(1, 2, 2\), value \(1, 3, 2\), key \(1, 4, 2\)"),
    (lambda m: m([X, np.ones((2, 2, 2))]), r"att: expected query .*got query \(1, 2, 2\), value \(2, 2, 2\)"),
    (lambda m: m([X, X, np.ones((1, 2, 3))]), r"att: expected query .*key \(1, 2, 3\)"),
    (lambda m: m([X, X], mask=[None, np.ones((1, 3), bool)]), r"att: value_mask must have shape \(1, 2\)"),
    (lambda m: m([X, X], mask=[None, np.full((1, 2), 0.5)]), r"att: expected a boolean mask"),
    (lambda m: m([X, X], mask=[np.ones((2, 1), bool), None]), r"att: query_mask must have shape \(1, 2\)"),
])
@pytest.mark.parametrize("make", [nn.Attention, nn.AdditiveAttention])
def test_attention_errors_name_the_layer_and_leave_it_unbuilt(make, call, pattern):
    layer = make(name="att")
    with pytest.raises((ValueError, TypeError), match=pattern):
        call(layer)
    assert not layer.built and layer.weights == []


def test_constructor_errors():
    with pytest.raises(ValueError, match=r"Attention: score_mode must be one of \('dot', 'concat'\), got 'x'"):
        nn.Attention(score_mode="x")
    with pytest.raises(ValueError, match=r"AdditiveAttention: dropout must be in \[0, 1\), got 1.5"):
        nn.AdditiveAttention(dropout=1.5)
    with pytest.raises(TypeError, match="AdditiveAttention got unexpected arguments: score_mode"):
        nn.AdditiveAttention(score_mode="dot")
    with pytest.raises(ValueError, match="GroupQueryAttention: num_query_heads must be a multiple of "
                                         "num_key_value_heads, got num_query_heads=4, num_key_value_heads=3"):
        nn.GroupQueryAttention(2, 4, 3)
    with pytest.raises(ValueError, match="GroupQueryAttention: head_dim must be a positive integer, got 0"):
        nn.GroupQueryAttention(0, 4, 2)
    with pytest.raises(ValueError, match="GroupQueryAttention: flash_attention=True is not available"):
        nn.GroupQueryAttention(2, 4, 2, flash_attention=True)
    assert nn.GroupQueryAttention(2, 4, 2, flash_attention=False).num_key_value_heads == 2


@pytest.mark.parametrize("call, pattern", [
    (lambda m: m(np.ones((2, 3))), r"gqa: expected query of shape \(batch, length, features\), got \(2, 3\)"),
    (lambda m: m(np.ones((2, 3, 4)), np.ones((3, 5, 4))), r"gqa: query, value and key need one batch size"),
    (lambda m: m(np.ones((2, 3, 4)), np.ones((2, 5, 4)), np.ones((2, 6, 4))), r"gqa: query, value and key"),
    (lambda m: m(np.ones((2, 3, 4)), np.ones((2, 5, 4)), query_mask=np.ones((2, 5), bool)),
     r"gqa: query_mask must have shape \(2, 3\)"),
    (lambda m: m(np.ones((2, 3, 4)), np.ones((2, 5, 4)), attention_mask=np.ones((2, 5, 3), bool)),
     r"gqa: attention_mask must have shape"),
])
def test_group_query_attention_errors_name_the_layer_and_leave_it_unbuilt(call, pattern):
    layer = nn.GroupQueryAttention(2, 4, 2, name="gqa")
    with pytest.raises(ValueError, match=pattern):
        call(layer)
    assert not layer.built and layer.weights == []
    layer(np.ones((2, 3, 4)), np.ones((2, 5, 4)))
    with pytest.raises(ValueError, match=r"gqa: expected value of shape \(batch, length, 4\), got \(2, 5, 6\)"):
        layer(np.ones((2, 3, 4)), np.ones((2, 5, 6)))


def test_docstring_examples_hold():
    import doctest

    from gradwork.nn.layers import dot_attention, grouped_query_attention
    for module, count in ((dot_attention, 7), (grouped_query_attention, 3)):
        result = doctest.testmod(module, extraglobs={"gw": gw, "np": np},
                                 optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert (result.attempted, result.failed) == (count, 0), module.__name__
