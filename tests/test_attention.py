"""Attention: `F.scaled_dot_product_attention`, `MultiHeadAttention`, `TransformerEncoder`,
`SinePositionEncoding` and `PositionEmbedding`.

Against PyTorch (float64 and float32): scaled_dot_product_attention with boolean, float and causal
masks; MultiHeadAttention against `nn.MultiheadAttention` and TransformerEncoder against
`nn.TransformerEncoderLayer` with the weights copied across (Keras's (features, heads, depth)
kernels <-> PyTorch's stacked (out, in) matrices), comparing outputs, attention weights and the
gradients of inputs and every weight, with causal and padding masks (PyTorch's masks say True =
NOT allowed, Keras's True = allowed). Numerical gradient checks (first and second order) of the
fused nodes and of the layers; the generic harness of layer_harness for the single-input layers;
fully masked rows (zeros, never NaN); the errors; and a tiny Transformer classifier that must learn
an order task.
"""
import json

import numpy as np
import pytest
from conv_oracles import F32_FORWARD, F32_GRAD, F64, assert_close, compare_with_torch
from layer_harness import LayerCase, LayerHarness

import gradwork as gw
from gradwork import nn
from gradwork.nn import functional as F
from gradwork.ops.nn.attention import head_merge, head_projection
from gradwork.ops.nn.softmax import masked_softmax
from gradwork.nn.layers.position import sine_position_encoding

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone

DTYPES = pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])


def _torch_dtype(dtype):
    return torch.float64 if dtype == np.float64 else torch.float32


def _tolerances(dtype):
    return (F64, F64) if dtype == np.float64 else (F32_FORWARD, F32_GRAD)


# ----------------------------------------------------------------------------------------------- functional
@DTYPES
@pytest.mark.parametrize("mask_kind", ["none", "bool", "float", "causal", "scale"])
def test_scaled_dot_product_attention_matches_torch(mask_kind, dtype):
    rng = np.random.default_rng(0)
    q, k, v = rng.standard_normal((2, 3, 4, 5)), rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((2, 3, 6, 7))
    kwargs = {}
    if mask_kind == "bool":
        mask = rng.random((4, 6)) > 0.4
        mask[:, 0] = True                                     # every query sees something (PyTorch's NaN-free case)
        kwargs["attn_mask"] = mask
    elif mask_kind == "float":
        kwargs["attn_mask"] = rng.standard_normal((2, 1, 4, 6)).astype(dtype)
    elif mask_kind == "causal":
        kwargs["is_causal"] = True
    elif mask_kind == "scale":
        kwargs["scale"] = 0.3
    torch_kwargs = {key: torch.tensor(m) if key == "attn_mask" else m for key, m in kwargs.items()}
    compare_with_torch(lambda *t: F.scaled_dot_product_attention(*t, **kwargs),
                       lambda *t: torch.nn.functional.scaled_dot_product_attention(*t, **torch_kwargs),
                       [q, k, v], dtype, f"scaled_dot_product_attention ({mask_kind})")


def test_fully_masked_rows_give_zeros_not_nan_forward_and_backward_as_torch():
    rng = np.random.default_rng(1)
    q, k, v = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 5, 3)), rng.standard_normal((2, 5, 2))
    mask = rng.random((2, 4, 5)) > 0.5
    mask[0, 1] = False                                        # query 1 of sample 0 may see nothing
    mask[1, :, 2] = True
    compare_with_torch(lambda *t: F.scaled_dot_product_attention(*t, attn_mask=mask),
                       lambda *t: torch.nn.functional.scaled_dot_product_attention(*t, attn_mask=torch.tensor(mask)),
                       [q, k, v], np.float64, "fully masked row")
    qt = gw.tensor(q, requires_grad=True)
    out = F.scaled_dot_product_attention(qt, k, v, attn_mask=mask)
    out.sum().backward()
    assert np.all(out.data[0, 1] == 0) and np.all(qt.grad.data[0, 1] == 0)
    assert np.isfinite(out.data).all() and np.isfinite(qt.grad.data).all()


def test_float_mask_of_minus_infinity_acts_as_a_boolean_mask():
    rng = np.random.default_rng(2)
    q, k, v = rng.standard_normal((3, 4)), rng.standard_normal((5, 4)), rng.standard_normal((5, 2))
    keep = rng.random((3, 5)) > 0.5
    keep[2] = False
    a = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
    b = F.scaled_dot_product_attention(q, k, v, attn_mask=np.where(keep, 0.0, -np.inf))
    np.testing.assert_array_equal(a.data, b.data)
    assert np.all(a.data[2] == 0)


@pytest.mark.parametrize("mask", [None, "causal", "row"])
def test_attention_gradcheck_and_second_derivatives(mask):
    rng = np.random.default_rng(3)
    q, k, v = (gw.tensor(rng.standard_normal(s), requires_grad=True) for s in [(2, 3, 4), (2, 5, 4), (2, 5, 3)])
    keep = None
    if mask == "causal":
        keep = np.tri(3, 5, dtype=bool)
    elif mask == "row":
        keep = rng.random((2, 3, 5)) > 0.4
        keep[1, 2] = False

    def fn(q, k, v):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=keep)

    assert gw.gradcheck(fn, (q, k, v), atol=1e-7, rtol=1e-5)
    assert gw.gradgradcheck(fn, (q, k, v), atol=1e-6, rtol=1e-4)


def test_attention_dropout_drops_weights_and_rescales_the_rest():
    rng = np.random.default_rng(4)
    q, k, v = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 6, 4)), rng.standard_normal((2, 6, 5))
    gw.random.seed(7)
    out = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    gw.random.seed(7)
    keep = gw.random.get_generator().random((2, 3, 6)) >= 0.5
    weights = F.softmax(gw.tensor(q @ k.transpose(0, 2, 1) / 2.0), axis=-1).data
    np.testing.assert_allclose(out.data, (weights * keep / 0.5) @ v, rtol=1e-12)
    qt = gw.tensor(q, requires_grad=True)

    def fn(q):
        gw.random.seed(7)
        return F.scaled_dot_product_attention(q, k, v, dropout_p=0.5)

    assert gw.gradcheck(fn, (qt,), atol=1e-7, rtol=1e-5)


def test_fused_head_projections_gradcheck_and_second_derivatives():
    rng = np.random.default_rng(5)
    x = gw.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    kernel = gw.tensor(rng.standard_normal((4, 2, 3)), requires_grad=True)
    bias = gw.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    heads = gw.tensor(rng.standard_normal((2, 2, 3, 3)), requires_grad=True)
    out_kernel = gw.tensor(rng.standard_normal((2, 3, 5)), requires_grad=True)
    out_bias = gw.tensor(rng.standard_normal(5), requires_grad=True)
    projected = head_projection(x, kernel, bias)
    np.testing.assert_allclose(projected.data, np.einsum("btd,dhk->bhtk", x.data, kernel.data)
                               + bias.data[None, :, None, :], rtol=1e-12)
    merged = head_merge(heads, out_kernel, out_bias)
    np.testing.assert_allclose(merged.data, np.einsum("bhtk,hko->bto", heads.data, out_kernel.data)
                               + out_bias.data, rtol=1e-12)
    for fn, inputs in ((head_projection, (x, kernel, bias)),
                       (head_projection, (x, kernel)),
                       (head_merge, (heads, out_kernel, out_bias)),
                       (head_merge, (heads, out_kernel))):
        assert gw.gradcheck(fn, inputs, atol=1e-7, rtol=1e-5)
        assert gw.gradgradcheck(fn, inputs, atol=1e-6, rtol=1e-4)


def test_attention_softmax_scale_and_bias_gradcheck():
    rng = np.random.default_rng(6)
    scores = gw.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    bias = rng.standard_normal((3, 4))
    keep = rng.random((2, 1, 4)) > 0.3
    fn = lambda s: masked_softmax(s, 0.7, keep, bias)  # noqa: E731
    expected = np.exp(np.where(keep, 0.7 * scores.data + bias, -np.inf))
    np.testing.assert_allclose(fn(scores).data, expected / expected.sum(-1, keepdims=True), rtol=1e-12)
    assert gw.gradcheck(fn, (scores,), atol=1e-7, rtol=1e-5)
    assert gw.gradgradcheck(fn, (scores,), atol=1e-6, rtol=1e-4)


@pytest.mark.parametrize("kwargs, pattern", [
    ({"attn_mask": np.ones((4, 6), bool), "is_causal": True}, "pass attn_mask or is_causal=True, not both"),
    ({"attn_mask": np.ones((5, 6), bool)}, r"mask of shape \(5, 6\) does not broadcast .* \(2, 4, 6\)"),
    ({"attn_mask": np.ones((4, 6), int)}, "the mask must be boolean .* got dtype int"),
])
def test_scaled_dot_product_attention_rejects_bad_masks(kwargs, pattern):
    with pytest.raises((ValueError, TypeError), match=pattern):
        F.scaled_dot_product_attention(np.zeros((2, 4, 3)), np.zeros((2, 6, 3)), np.zeros((2, 6, 3)), **kwargs)


def test_scaled_dot_product_attention_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"expected query \(..., L, E\), key \(..., S, E\).*\(2, 4, 3\), "
                                         r"\(2, 6, 2\), \(2, 6, 3\)"):
        F.scaled_dot_product_attention(np.zeros((2, 4, 3)), np.zeros((2, 6, 2)), np.zeros((2, 6, 3)))


# ----------------------------------------------------------------------------------------------- PyTorch links
def _mha_links(t, heads, prefix=""):
    """(gradwork path, PyTorch parameter, its rows or None, PyTorch -> Keras layout) for every weight of
    `nn.MultiheadAttention` t; the same maps take PyTorch's gradients to gradwork's."""
    embed = t.embed_dim
    if t._qkv_same_embed_dim:
        kernels = [(t.in_proj_weight, slice(i * embed, (i + 1) * embed)) for i in range(3)]
    else:
        kernels = [(t.q_proj_weight, None), (t.k_proj_weight, None), (t.v_proj_weight, None)]
    links = []
    for i, (name, (param, rows)) in enumerate(zip(("query", "key", "value"), kernels)):
        links.append((f"{prefix}{name}_kernel", param, rows, lambda w: w.T.reshape(w.shape[1], heads, -1)))
        if t.in_proj_bias is not None:
            links.append((f"{prefix}{name}_bias", t.in_proj_bias, slice(i * embed, (i + 1) * embed),
                          lambda b: b.reshape(heads, -1)))
    links.append((f"{prefix}output_kernel", t.out_proj.weight, None, lambda w: w.T.reshape(heads, -1, w.shape[0])))
    if t.out_proj.bias is not None:
        links.append((f"{prefix}output_bias", t.out_proj.bias, None, lambda b: b))
    return links


def _encoder_links(t, heads):
    """The same for `nn.TransformerEncoderLayer` against TransformerEncoder."""
    same, transposed = (lambda w: w), (lambda w: w.T)
    return _mha_links(t.self_attn, heads, "self_attention.") + [
        ("self_attention_layer_norm.gamma", t.norm1.weight, None, same),
        ("self_attention_layer_norm.beta", t.norm1.bias, None, same),
        ("feedforward_layer_norm.gamma", t.norm2.weight, None, same),
        ("feedforward_layer_norm.beta", t.norm2.bias, None, same),
        ("feedforward_intermediate_dense.kernel", t.linear1.weight, None, transposed),
        ("feedforward_intermediate_dense.bias", t.linear1.bias, None, same),
        ("feedforward_output_dense.kernel", t.linear2.weight, None, transposed),
        ("feedforward_output_dense.bias", t.linear2.bias, None, same),
    ]


def _rows(tensor, rows):
    return tensor if rows is None else tensor[rows]


def _copy_weights_from_torch(layer, links):
    """Set every weight of the (built) layer from PyTorch's, randomized first so no bias is zero."""
    params = dict(layer.named_parameters())
    assert sorted(params) == sorted(path for path, *_ in links)
    torch.manual_seed(0)
    for _, param, _, _ in links:
        with torch.no_grad():
            param.normal_(0.0, 0.5)
    for path, param, rows, to_keras in links:
        params[path].data[...] = to_keras(_rows(param.detach(), rows)).numpy()


def _compare_layer_with_torch(outputs, refs, inputs, torch_inputs, layer, links, dtype):
    """Compare outputs (each with its reference), then the gradients of the inputs and every weight
    for a random cotangent on the first output."""
    forward, grad = _tolerances(dtype)
    for i, (out, ref) in enumerate(zip(outputs, refs)):
        assert_close(out.data, ref.detach().numpy(), forward, f"output {i}")
    v = np.random.default_rng(9).standard_normal(outputs[0].shape).astype(dtype)
    (outputs[0] * gw.tensor(v)).sum().backward()
    (refs[0] * torch.tensor(v)).sum().backward()
    for i, (x, xt) in enumerate(zip(inputs, torch_inputs)):
        assert_close(x.grad.data, xt.grad.numpy(), grad, f"gradient of input {i}")
    params = dict(layer.named_parameters())
    for path, param, rows, to_keras in links:
        got, want = params[path].grad.data, to_keras(_rows(param.grad, rows)).numpy()
        if path.endswith("key_bias"):
            # exactly zero (it adds one constant to each query's scores, which softmax ignores): both
            # are rounding noise, judged against the scale of the query bias's gradient
            scale = np.abs(params[path.replace("key_bias", "query_bias")].grad.data).max()
            assert np.abs(got).max() <= grad[1] * scale and np.abs(want).max() <= grad[1] * scale, path
        else:
            assert_close(got, want, grad, f"gradient of {path}")


def _leaves(arrays, dtype):
    ours = [gw.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
    return ours, theirs


# ----------------------------------------------------------------------------------------------- MultiHeadAttention
MHA_CASES = {  # id: (query dim, key dim, value dim, use_bias, mask)
    "self": (8, 8, 8, True, None),
    "self_causal": (8, 8, 8, True, "causal"),
    "cross_kdim_vdim_padding": (8, 5, 6, True, "padding"),
    "cross_nobias_mask_and_causal": (8, 5, 6, False, "random+causal"),
}


@DTYPES
@pytest.mark.parametrize("case", list(MHA_CASES))
def test_multi_head_attention_matches_torch(case, dtype):
    dim, kdim, vdim, use_bias, mask_kind = MHA_CASES[case]
    heads, batch, tlen, slen = 2, 3, 4, 5
    rng = np.random.default_rng(10)
    self_attention = case.startswith("self")
    query = rng.standard_normal((batch, tlen, dim))
    if self_attention:
        arrays = [query]
    else:
        arrays = [query, rng.standard_normal((batch, slen, vdim)), rng.standard_normal((batch, slen, kdim))]
    source = tlen if self_attention else slen
    keep = None
    if mask_kind == "padding":                                # valid lengths 5, 3, 1
        keep = np.broadcast_to((np.arange(source) < np.array([[5], [3], [1]]))[:, None], (batch, tlen, source))
    elif mask_kind == "random+causal":
        keep = rng.random((batch, tlen, source)) > 0.3
        keep[..., 0] = True                                   # PyTorch gives NaN for a query that sees nothing
    causal = mask_kind in ("causal", "random+causal")
    allowed = np.ones((batch, tlen, source), bool) if keep is None else keep
    if causal:
        allowed = allowed & np.tri(tlen, source, dtype=bool)
    torch_mask = None if mask_kind is None else torch.tensor(~np.repeat(allowed, heads, axis=0))  # True = NOT

    layer = nn.MultiHeadAttention(heads, dim // heads, use_bias=use_bias, dtype=dtype)
    module = torch.nn.MultiheadAttention(dim, heads, bias=use_bias, kdim=kdim, vdim=vdim, batch_first=True,
                                         dtype=_torch_dtype(dtype))
    ours, theirs = _leaves(arrays, dtype)
    q, v, k = ours * 3 if self_attention else ours
    qt, vt, kt = theirs * 3 if self_attention else theirs
    layer(q.data, v.data, k.data)
    links = _mha_links(module, heads)
    _copy_weights_from_torch(layer, links)
    out, weights = layer(q, v, k, attention_mask=keep, use_causal_mask=causal, return_attention_scores=True)
    ref, ref_weights = module(qt, kt, vt, attn_mask=torch_mask, need_weights=True, average_attn_weights=False)
    _compare_layer_with_torch([out, weights], [ref, ref_weights], ours, theirs, layer, links, dtype)


def test_multi_head_attention_padding_mask_matches_torch_key_padding_mask():
    rng = np.random.default_rng(11)
    heads, dim = 2, 6
    x = rng.standard_normal((3, 5, dim))
    lengths = np.array([5, 2, 4])
    padding = np.arange(5) < lengths[:, None]                 # (B, S), True = real token
    layer = nn.MultiHeadAttention(heads, dim // heads, dtype="float64")
    module = torch.nn.MultiheadAttention(dim, heads, batch_first=True, dtype=torch.float64)
    layer(x, x)
    links = _mha_links(module, heads)
    _copy_weights_from_torch(layer, links)
    (xg,), (xt,) = _leaves([x], np.float64)
    out = layer(xg, xg, attention_mask=padding[:, None, :])   # broadcast over the queries
    ref, _ = module(xt, xt, xt, key_padding_mask=torch.tensor(~padding))
    _compare_layer_with_torch([out], [ref], [xg], [xt], layer, links, np.float64)


def test_multi_head_attention_weights_follow_keras_layout_and_options():
    layer = nn.MultiHeadAttention(num_heads=3, key_dim=4, value_dim=5, output_shape=(2, 7))
    query, value, key = np.zeros((2, 6, 8), np.float32), np.zeros((2, 9, 10), np.float32), np.zeros((2, 9, 11))
    out, scores = layer(query, value, key, return_attention_scores=True)
    assert [(name, p.shape) for name, p in layer.named_parameters()] == [
        ("query_kernel", (8, 3, 4)), ("query_bias", (3, 4)), ("key_kernel", (11, 3, 4)), ("key_bias", (3, 4)),
        ("value_kernel", (10, 3, 5)), ("value_bias", (3, 5)), ("output_kernel", (3, 5, 2, 7)),
        ("output_bias", (2, 7))]
    assert out.shape == (2, 6, 2, 7) and scores.shape == (2, 3, 6, 9)
    assert out.dtype == np.float32 and scores.dtype == np.float32
    np.testing.assert_allclose(scores.data, 1 / 9, rtol=1e-6)  # zero inputs: uniform attention


def test_multi_head_attention_is_a_handful_of_nodes():
    layer = nn.MultiHeadAttention(2, 4)
    x = gw.tensor(np.random.default_rng(0).standard_normal((2, 3, 8)).astype(np.float32), requires_grad=True)
    out = layer(x, x)
    seen, stack = set(), [out.grad_fn]
    while stack:
        fn = stack.pop()
        if fn is not None and id(fn) not in seen:
            seen.add(id(fn))
            stack.extend(t.grad_fn for t in fn.inputs if isinstance(t, gw.Tensor))
    assert len(seen) == 8                                      # 3 projections, q k^T (2), softmax, @ v, merge


def test_multi_head_attention_query_that_sees_nothing_gives_the_output_bias_and_finite_gradients():
    rng = np.random.default_rng(19)
    layer = nn.MultiHeadAttention(2, 3)
    x = gw.tensor(rng.standard_normal((2, 4, 5)).astype(np.float32), requires_grad=True)
    mask = np.ones((2, 4, 4), bool)
    mask[1, 2] = False
    layer(x, x)
    layer.output_bias.data[...] = rng.standard_normal(5)
    out, scores = layer(x, x, attention_mask=mask, return_attention_scores=True)
    out.sum().backward()
    np.testing.assert_array_equal(out.data[1, 2], layer.output_bias.data)
    assert np.all(scores.data[1, :, 2] == 0)
    assert all(np.isfinite(t.grad.data).all() for t in [x, *layer.trainable_weights])


@pytest.mark.parametrize("training", [False, True])
def test_multi_head_attention_gradcheck_wrt_inputs_and_weights(training):
    rng = np.random.default_rng(12)
    layer = nn.MultiHeadAttention(2, 3, value_dim=2, dropout=0.3, dtype="float64")
    q, v = (gw.tensor(rng.standard_normal(s), requires_grad=True) for s in [(2, 3, 4), (2, 4, 5)])
    layer(q, v)
    for p in layer.weights:
        p.data[...] = rng.standard_normal(p.shape)
    mask = rng.random((2, 3, 4)) > 0.3

    def fn(q, v, *weights):
        gw.random.seed(5)
        return layer(q, v, attention_mask=mask, use_causal_mask=True, training=training)

    assert gw.gradcheck(fn, (q, v, *layer.trainable_weights), atol=1e-7, rtol=1e-5)


def test_multi_head_attention_dropout_only_in_training():
    x = np.random.default_rng(13).standard_normal((2, 5, 4)).astype(np.float32)
    layer = nn.MultiHeadAttention(2, 2, dropout=0.5)
    _, a = layer(x, x, return_attention_scores=True)
    np.testing.assert_array_equal(layer(x, x).data, layer(x, x, training=False).data)
    assert not np.allclose(layer(x, x, training=True).data, layer(x, x).data)
    gw.random.seed(1)
    first = layer(x, x, training=True).data
    gw.random.seed(1)
    np.testing.assert_array_equal(layer(x, x, training=True).data, first)
    np.testing.assert_allclose(a.data.sum(-1), 1, rtol=1e-6)  # the returned scores are before dropout


def test_multi_head_attention_config_round_trip_and_training_step():
    rng = np.random.default_rng(14)
    layer = nn.MultiHeadAttention(2, 3, value_dim=4, dropout=0.1, use_bias=False, output_shape=5,
                                  kernel_initializer="he_normal", kernel_regularizer=gw.regularizers.L2(0.1))
    q, v = rng.standard_normal((2, 3, 6)).astype(np.float32), rng.standard_normal((2, 4, 7)).astype(np.float32)
    layer(q, v)
    config = json.loads(json.dumps(layer.get_config()))
    clone = nn.MultiHeadAttention.from_config(config)
    assert clone.get_config() == config
    clone(q, v)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone(q, v).data, layer(q, v).data)
    before = layer.get_weights()
    out = layer(q, v, training=True)
    (out * out).sum().backward()
    gw.optimizers.SGD(0.1).apply([p.grad for p in layer.trainable_weights], layer.trainable_weights)
    assert all(not np.array_equal(a, b) for a, b in zip(before, layer.get_weights()))


@pytest.mark.parametrize("call, pattern", [
    (lambda m: m(np.zeros((2, 3, 5)), np.zeros((2, 4, 6))),
     r"mha: expected query of shape \(batch, length, 4\), got \(2, 3, 5\)"),
    (lambda m: m(np.zeros((2, 3, 4)), np.zeros((2, 4, 5))),
     r"mha: expected value of shape \(batch, length, 6\), got \(2, 4, 5\)"),
    (lambda m: m(np.zeros((2, 3, 4)), np.zeros((3, 4, 6))), r"mha: query, value and key need one batch size"),
    (lambda m: m(np.zeros((2, 3, 4)), np.zeros((2, 4, 6)), attention_mask=np.ones((2, 4, 3), bool)),
     r"mha: attention_mask must have shape .* = \(2, 3, 4\) .*got \(2, 4, 3\)"),
    (lambda m: m(np.zeros((2, 3, 4)), np.zeros((2, 4, 6)), attention_mask=np.ones((1, 2, 3, 4), bool)),
     r"mha: attention_mask must have shape"),
])
def test_multi_head_attention_errors_name_the_layer(call, pattern):
    layer = nn.MultiHeadAttention(2, 3, name="mha")
    layer(np.zeros((2, 3, 4)), np.zeros((2, 4, 6)))
    with pytest.raises(ValueError, match=pattern):
        call(layer)


def test_multi_head_attention_bad_arguments():
    with pytest.raises(ValueError, match=r"mha2: expected query of shape \(batch, length, features\), got \(2, 4\)"):
        nn.MultiHeadAttention(2, 3, name="mha2")(np.zeros((2, 4)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="MultiHeadAttention: num_heads must be a positive integer, got 0"):
        nn.MultiHeadAttention(0, 3)
    with pytest.raises(ValueError, match=r"MultiHeadAttention: dropout must be in \[0, 1\), got 1.5"):
        nn.MultiHeadAttention(2, 3, dropout=1.5)


def test_multi_head_attention_takes_boolean_or_0_1_masks_and_rejects_additive_float_ones():
    """A 0 / -inf mask (PyTorch's additive form) would be inverted by a cast to booleans: it is an error."""
    rng = np.random.default_rng(21)
    x = rng.standard_normal((2, 4, 6))
    keep = np.tri(4, dtype=bool)[None].repeat(2, axis=0)
    keep[1, 3, :2] = False
    layer = nn.MultiHeadAttention(2, 3, dtype="float64", name="mha")
    want = layer(x, x, attention_mask=keep).data
    for numbers in (keep.astype(np.int64), keep.astype(np.float32), gw.tensor(keep.astype(np.float64))):
        np.testing.assert_array_equal(layer(x, x, attention_mask=numbers).data, want)
    assert not np.allclose(layer(x, x).data, want)      # the mask does matter
    for additive in (np.where(keep, 0.0, -np.inf), np.where(keep, 0.0, -1e9)):
        with pytest.raises(TypeError, match=r"mha: expected a boolean mask \(True = may attend\) or one of 0/1 "
                                            r"numbers, got dtype float64 with other values \(an additive"):
            layer(x, x, attention_mask=additive)
    with pytest.raises(TypeError, match=r"mha: expected a boolean mask .* got dtype int64 with other values$"):
        layer(x, x, attention_mask=keep.astype(np.int64) * 2)


# ----------------------------------------------------------------------------------------------- TransformerEncoder
ENCODER_PATHS = [
    "self_attention.query_kernel", "self_attention.query_bias", "self_attention.key_kernel",
    "self_attention.key_bias", "self_attention.value_kernel", "self_attention.value_bias",
    "self_attention.output_kernel", "self_attention.output_bias", "self_attention_layer_norm.gamma",
    "self_attention_layer_norm.beta", "feedforward_layer_norm.gamma", "feedforward_layer_norm.beta",
    "feedforward_intermediate_dense.kernel", "feedforward_intermediate_dense.bias",
    "feedforward_output_dense.kernel", "feedforward_output_dense.bias",
]
ENCODER_SHAPES = [(4, 2, 2), (2, 2), (4, 2, 2), (2, 2), (4, 2, 2), (2, 2), (2, 2, 4), (4,), (4,), (4,), (4,), (4,),
                  (4, 6), (6,), (6, 4), (4,)]
KEY_BIAS = ("self_attention.key_bias",)  # zero gradient: softmax ignores a constant added to a query's scores
ENCODER_CASES = [
    LayerCase("transformer_encoder", lambda dt: nn.TransformerEncoder(6, 2, dtype=dt), (2, 3, 4),
              dict(zip(ENCODER_PATHS, ENCODER_SHAPES)), (2, 3, 4), tuple(ENCODER_PATHS), zero_grad=KEY_BIAS),
    LayerCase("transformer_encoder_pre_norm_gelu_dropout",
              lambda dt: nn.TransformerEncoder(6, 2, dropout=0.2, activation="gelu", normalize_first=True, dtype=dt),
              (2, 3, 4), dict(zip(ENCODER_PATHS, ENCODER_SHAPES)), (2, 3, 4), tuple(ENCODER_PATHS),
              stochastic=True, zero_grad=KEY_BIAS),
    LayerCase("sine_position_encoding", lambda dt: nn.SinePositionEncoding(dtype=dt), (2, 5, 6), {}, (2, 5, 6)),
    LayerCase("position_embedding", lambda dt: nn.PositionEmbedding(7, dtype=dt), (2, 5, 6),
              {"embeddings": (7, 6)}, (2, 5, 6), ("embeddings",)),
]


class TestEncoderLayers(LayerHarness):
    CASES = ENCODER_CASES


@DTYPES
@pytest.mark.parametrize("normalize_first", [False, True], ids=["post_norm", "pre_norm"])
@pytest.mark.parametrize("masks", ["none", "padding", "padding+attention"])
def test_transformer_encoder_matches_torch(masks, normalize_first, dtype):
    heads, batch, length, dim, ff = 2, 3, 5, 8, 12
    rng = np.random.default_rng(15)
    x = rng.standard_normal((batch, length, dim))
    padding = np.arange(length) < np.array([5, 3, 2])[:, None]
    attention = rng.random((batch, length, length)) > 0.3
    attention[..., 0] = True                                 # every query sees a real token
    layer = nn.TransformerEncoder(ff, heads, activation="gelu", normalize_first=normalize_first, dtype=dtype)
    module = torch.nn.TransformerEncoderLayer(dim, heads, ff, dropout=0.0, activation="gelu", batch_first=True,
                                              norm_first=normalize_first, dtype=_torch_dtype(dtype))
    layer(x)
    links = _encoder_links(module, heads)
    _copy_weights_from_torch(layer, links)
    (xg,), (xt,) = _leaves([x], dtype)
    kwargs, torch_kwargs = {}, {}
    if "padding" in masks:
        kwargs["padding_mask"] = padding
        torch_kwargs["src_key_padding_mask"] = torch.tensor(~padding)
    if "attention" in masks:
        kwargs["attention_mask"] = attention
        torch_kwargs["src_mask"] = torch.tensor(~np.repeat(attention, heads, axis=0))
    out = layer(xg, **kwargs)
    ref = module(xt, **torch_kwargs)
    _compare_layer_with_torch([out], [ref], [xg], [xt], layer, links, dtype)


def test_transformer_encoder_returns_the_masked_attention_scores():
    x = np.random.default_rng(16).standard_normal((2, 4, 6)).astype(np.float32)
    padding = np.array([[1, 1, 1, 0], [1, 1, 1, 1]], bool)
    out, scores = nn.TransformerEncoder(8, 3)(x, padding_mask=padding, return_attention_scores=True)
    assert out.shape == (2, 4, 6) and scores.shape == (2, 3, 4, 4)
    assert np.all(scores.data[0, :, :, 3] == 0) and np.all(scores.data[1] > 0)


@pytest.mark.parametrize("call, pattern", [
    (lambda e: e(np.zeros((2, 3, 5))), r"enc: expected inputs of shape \(batch, length, 4\), got \(2, 3, 5\)"),
    (lambda e: e(np.zeros((2, 3, 4)), padding_mask=np.ones((2, 4))),
     r"enc: padding_mask must have shape \(batch, length\) = \(2, 3\), got \(2, 4\)"),
    (lambda e: e(np.zeros((2, 3, 4)), attention_mask=np.ones((2, 3))),
     r"enc: attention_mask must have shape \(batch, length, length\) = \(2, 3, 3\), got \(2, 3\)"),
])
def test_transformer_encoder_errors_name_the_layer(call, pattern):
    encoder = nn.TransformerEncoder(6, 2, name="enc")
    encoder(np.zeros((2, 3, 4), np.float32))
    with pytest.raises(ValueError, match=pattern):
        call(encoder)


def test_transformer_encoder_needs_at_least_one_feature_per_head():
    with pytest.raises(ValueError, match="enc2: hidden_dim 3 must be at least num_heads 4"):
        nn.TransformerEncoder(6, 4, name="enc2")(np.zeros((2, 5, 3), np.float32))


@pytest.mark.parametrize("make, pattern", [
    (lambda: nn.TransformerEncoder(8, 0), r"TransformerEncoder: num_heads must be a positive integer, got 0"),
    (lambda: nn.TransformerEncoder(0, 2), r"TransformerEncoder: intermediate_dim must be a positive integer, got 0"),
    (lambda: nn.TransformerEncoder(8, 2.5), r"TransformerEncoder: num_heads must be a positive integer, got 2.5"),
    (lambda: nn.TransformerEncoder(8, 2, dropout=1.0), r"TransformerEncoder: dropout must be in \[0, 1\), got 1.0"),
])
def test_transformer_encoder_bad_constructor_arguments(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()


def test_transformer_encoder_takes_0_1_masks_and_rejects_additive_float_ones():
    x = np.random.default_rng(22).standard_normal((2, 4, 6))
    padding = np.array([[1, 1, 1, 0], [1, 1, 0, 0]], bool)
    causal = np.tri(4, dtype=bool)[None].repeat(2, axis=0)
    encoder = nn.TransformerEncoder(8, 2, dtype="float64", name="enc")
    want = encoder(x, padding_mask=padding, attention_mask=causal).data
    got = encoder(x, padding_mask=padding.astype(np.float64), attention_mask=causal.astype(np.int32)).data
    np.testing.assert_array_equal(got, want)
    with pytest.raises(TypeError, match=r"enc: expected a boolean mask \(True = may attend\).*additive 0 / -inf"):
        encoder(x, attention_mask=np.where(causal, 0.0, -np.inf))
    with pytest.raises(TypeError, match=r"enc: expected a boolean mask \(True = a real token\)"):
        encoder(x, padding_mask=np.where(padding, 0.0, -np.inf))


# ----------------------------------------------------------------------------------------------- positions
def test_sine_position_encoding_follows_the_transformer_formula():
    length, dim, wavelength = 7, 6, 100.0
    out = nn.SinePositionEncoding(max_wavelength=wavelength)(np.zeros((2, length, dim), np.float32))
    assert out.shape == (2, length, dim) and out.dtype == np.float32 and not out.requires_grad
    for pos in range(length):
        for i in range(dim // 2):
            angle = pos / wavelength ** (2 * i / dim)
            np.testing.assert_allclose(out.data[:, pos, 2 * i], np.sin(angle), rtol=1e-6, atol=1e-7)
            np.testing.assert_allclose(out.data[:, pos, 2 * i + 1], np.cos(angle), rtol=1e-6, atol=1e-7)
    shifted = nn.SinePositionEncoding(max_wavelength=wavelength)(np.zeros((1, 3, dim)), start_index=4)
    np.testing.assert_allclose(shifted.data[0], out.data[0, 4:7], rtol=1e-6)
    np.testing.assert_allclose(sine_position_encoding(3, 5)[:, 4], np.sin(np.arange(3) / 10000 ** 0.8), rtol=1e-12)


def test_position_embedding_gradient_reaches_only_the_rows_used():
    rng = np.random.default_rng(17)
    layer = nn.PositionEmbedding(6, dtype="float64")
    x = rng.standard_normal((3, 4, 2))
    layer(x)
    out = layer(x, start_index=1)
    np.testing.assert_array_equal(out.data, np.broadcast_to(layer.embeddings.data[1:5], x.shape))
    v = rng.standard_normal(out.shape)
    (out * gw.tensor(v)).sum().backward()
    expected = np.zeros((6, 2))
    expected[1:5] = v.sum(axis=0)
    np.testing.assert_allclose(layer.embeddings.grad.data, expected, rtol=1e-12)
    assert gw.gradcheck(lambda e: layer(x, start_index=2), (layer.embeddings,), atol=1e-7, rtol=1e-5)


def test_position_embedding_errors_name_the_layer():
    layer = nn.PositionEmbedding(4, name="pos")
    layer(np.zeros((2, 3, 5), np.float32))
    with pytest.raises(ValueError, match=r"pos: expected inputs of shape \(..., length, 5\) with start_index \+ "
                                         r"length <= sequence_length 4, got shape \(2, 3, 5\) and start_index 2"):
        layer(np.zeros((2, 3, 5), np.float32), start_index=2)
    with pytest.raises(ValueError, match=r"pos: expected inputs of shape \(..., length, 5\)"):
        layer(np.zeros((2, 3, 6), np.float32))
    with pytest.raises(ValueError, match="PositionEmbedding: sequence_length must be a positive integer"):
        nn.PositionEmbedding(None)


# ----------------------------------------------------------------------------------------------- end to end
def _order_task(n, length=6, seed=0):
    """One-hot sequences over 4 tokens holding one token 0 and one token 1 (the rest 2s and 3s);
    label 1 when the 0 comes before the 1. Without positions the task is unlearnable (the pooled
    features of a sequence and of its reversal are the same)."""
    rng = np.random.default_rng(seed)
    tokens = rng.integers(2, 4, (n, length))
    first = np.argsort(rng.random((n, length)), axis=1)[:, :2]
    rows = np.arange(n)
    tokens[rows, first[:, 0]], tokens[rows, first[:, 1]] = 0, 1
    labels = (first[:, 0] < first[:, 1]).astype(np.int64)
    return np.eye(4, dtype=np.float32)[tokens], labels


class TinyTransformer(gw.Model):
    """Dense projection + learned positions, one encoder block, average pooling, softmax."""

    def __init__(self, length, **kwargs):
        super().__init__(**kwargs)
        self.project = nn.Dense(16)
        self.positions = nn.PositionEmbedding(length)
        self.encoder = nn.TransformerEncoder(32, 2)
        self.pool = nn.GlobalAveragePooling1D()
        self.classify = nn.Dense(2, activation="softmax")

    def call(self, x, training=False):
        h = self.project(x)
        h = h + self.positions(h)
        return self.classify(self.pool(self.encoder(h, training=training)))


def test_tiny_transformer_learns_an_order_task():
    gw.random.seed(0)
    x, y = _order_task(1024)
    x_test, y_test = _order_task(256, seed=1)
    model = TinyTransformer(x.shape[1])
    model.compile(optimizer=gw.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=8, verbose=0)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert accuracy > 0.9


def test_sequential_model_with_attention_layers_saves_and_loads(tmp_path):
    gw.random.seed(1)
    model = gw.Sequential([nn.Input(shape=(5, 4)), nn.Dense(8), nn.TransformerEncoder(16, 2, normalize_first=True),
                           nn.LayerNormalization(), nn.GlobalAveragePooling1D(), nn.Dense(3)])
    x = np.random.default_rng(18).standard_normal((2, 5, 4)).astype(np.float32)
    model.save(tmp_path / "m.gw")
    loaded = gw.load_model(tmp_path / "m.gw")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_transformer_encoder_takes_the_padding_mask_of_an_embedding_in_a_sequential_model():
    gw.random.seed(2)
    ids = np.array([[3, 1, 4, 0, 0], [2, 7, 1, 8, 2]])
    model = gw.Sequential([nn.Embedding(10, 6, mask_zero=True), nn.TransformerEncoder(8, 2), nn.LayerNormalization()])
    out = model(ids)
    embedding, encoder, norm = model.layers
    expected = norm(encoder(embedding(ids), padding_mask=ids != 0))
    np.testing.assert_array_equal(out.data, expected.data)
    assert not np.allclose(out.data, norm(encoder(embedding(ids))).data)
    np.testing.assert_array_equal(norm.compute_mask(None, encoder.compute_mask(None, ids != 0)), ids != 0)
