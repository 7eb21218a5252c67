"""gradwork.torch's attention against PyTorch's, with the same weights: F.scaled_dot_product_attention,
nn.MultiheadAttention, nn.TransformerEncoderLayer and nn.TransformerEncoder.

Each comparison loads a real PyTorch module's state dict (as NumPy) into the facade module, runs
both in eval mode on the same inputs and masks, backpropagates one random weighting of every
output, and compares the outputs (and attention weights), the gradients of query, key and value
and of every parameter by name, in float32. PyTorch's mask conventions are exercised one by one:
key_padding_mask (True = ignore), attn_mask boolean (True = may not attend) and float (added),
2-D and per-head 3-D, both together, is_causal; then batch_first, unbatched inputs, kdim/vdim,
add_zero_attn, the defaults, dropout in training, and the errors.
"""
import copy

import numpy as np
import pytest

import gradwork.torch as gtorch

from .oracle import assert_close, assert_same_run, load_from_torch, load_into_torch, tolerance, twins

torch = pytest.importorskip("torch")
# PyTorch warns when a float attn_mask meets a boolean key_padding_mask (both are still supported)
pytestmark = pytest.mark.filterwarnings("ignore:Support for mismatched key_padding_mask")

E, HEADS, L, S, B = 8, 2, 4, 5, 3  # embed dim, heads, target length, source length, batch
TERMS = 4 * E  # projections of E terms, scores of E / HEADS, weighted sums of S, the output projection of E
RTOL = tolerance(np.float32, TERMS)
RNG = np.random.default_rng(0)
KEY_PADDING = np.zeros((B, S), bool)
KEY_PADDING[0, -2:] = KEY_PADDING[2, 1] = True            # True = padding (never every key of a row)
BLOCKED = RNG.random((L, S)) < 0.4
BLOCKED[:, 0] = False                                     # True = may not attend; key 0 always may
ADDED = np.where(BLOCKED, -np.inf, RNG.standard_normal((L, S))).astype("float32")
PER_HEAD = RNG.random((B * HEADS, L, S)) < 0.4
PER_HEAD[:, :, 0] = False
CAUSAL = np.triu(np.ones((L, L), bool), 1)                # PyTorch's causal mask: True above the diagonal

MASKS = {
    "none": {},
    "key_padding_bool": {"key_padding_mask": KEY_PADDING},
    "attn_bool": {"attn_mask": BLOCKED},
    "attn_float": {"attn_mask": ADDED},
    "attn_bool_per_head": {"attn_mask": PER_HEAD},
    "both_bool": {"attn_mask": BLOCKED, "key_padding_mask": KEY_PADDING},
    "float_and_bool": {"attn_mask": ADDED, "key_padding_mask": KEY_PADDING},
}


def _sequences(batch_first=False, kdim=E, vdim=E, target=L, batched=True, seed=1):
    """(query, key, value) arrays in PyTorch's layout."""
    rng = np.random.default_rng(seed)
    shape = (lambda n: (B, n) if batch_first else (n, B)) if batched else (lambda n: (n,))
    return tuple(rng.standard_normal(shape(n) + (f,)).astype("float32")
                 for n, f in ((target, E), (S, kdim), (S, vdim)))


@pytest.mark.parametrize("masks", MASKS.values(), ids=MASKS.keys())
@pytest.mark.parametrize("weights", [{}, {"average_attn_weights": False}, {"need_weights": False}],
                         ids=["averaged", "per_head", "no_weights"])
def test_multihead_attention_matches_pytorch(masks, weights):
    ours, theirs = twins("MultiheadAttention", E, HEADS, training=False)
    assert_same_run(ours, theirs, _sequences(), RTOL, **masks, **weights)


@pytest.mark.parametrize("kwargs", [{"batch_first": True}, {"kdim": 6, "vdim": 7}, {"bias": False},
                                    {"add_zero_attn": True}],
                         ids=["batch_first", "kdim_vdim", "no_bias", "add_zero_attn"])
def test_multihead_attention_variants_match_pytorch(kwargs):
    ours, theirs = twins("MultiheadAttention", E, HEADS, training=False, **kwargs)
    arrays = _sequences(kwargs.get("batch_first", False), kwargs.get("kdim", E), kwargs.get("vdim", E))
    for masks in (MASKS["both_bool"], MASKS["float_and_bool"]):
        assert_same_run(ours, theirs, arrays, RTOL, average_attn_weights=False, **masks)


def test_multihead_attention_unbatched_matches_pytorch():
    ours, theirs = twins("MultiheadAttention", E, HEADS, batch_first=True, training=False)
    arrays = _sequences(batched=False)
    assert_same_run(ours, theirs, arrays, RTOL, key_padding_mask=KEY_PADDING[0],
                    attn_mask=PER_HEAD[:HEADS], average_attn_weights=False)
    output, weights = ours(*(gtorch.tensor(a) for a in arrays))
    assert tuple(output.shape) == (L, E) and tuple(weights.shape) == (L, S)


@pytest.mark.parametrize("weights", [{"need_weights": False}, {}], ids=["causal_mask_itself", "given_mask"])
def test_is_causal_hint_matches_pytorch(weights):
    ours, theirs = twins("MultiheadAttention", E, HEADS, training=False)
    arrays = _sequences(target=S)
    causal = np.triu(np.ones((S, S), bool), 1)
    assert_same_run(ours, theirs, arrays, RTOL, attn_mask=causal, is_causal=True, **weights)


@pytest.mark.parametrize("masks", [{}, {"attn_mask": ~BLOCKED}, {"attn_mask": ADDED}, {"is_causal": True},
                                   {"scale": 0.3}], ids=["none", "bool", "float", "causal", "scale"])
def test_scaled_dot_product_attention_matches_pytorch(masks):
    rng = np.random.default_rng(4)
    arrays = tuple(rng.standard_normal((B, HEADS, n, 6)).astype("float32") for n in (L, S, S))
    assert_same_run(gtorch.nn.functional.scaled_dot_product_attention, torch.nn.functional.scaled_dot_product_attention,
                    arrays, RTOL, **masks)


@pytest.mark.parametrize("kwargs", [{}, {"norm_first": True}, {"activation": "gelu", "batch_first": True},
                                    {"norm_first": True, "activation": "gelu", "bias": False}],
                         ids=["post_norm_relu", "pre_norm", "gelu_batch_first", "pre_norm_gelu_no_bias"])
def test_transformer_encoder_layer_matches_pytorch(kwargs):
    ours, theirs = twins("TransformerEncoderLayer", E, HEADS, 16, training=False, **kwargs)
    x = _sequences(kwargs.get("batch_first", False))[0]
    for masks in ({}, {"src_key_padding_mask": KEY_PADDING[:, :L]}, {"src_mask": CAUSAL},
                  {"src_mask": CAUSAL, "is_causal": True}):
        assert_same_run(ours, theirs, (x,), tolerance(np.float32, 3 * TERMS), **masks)


def test_transformer_encoder_matches_pytorch():
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(E, HEADS, 16, norm_first=True)
    theirs = torch.nn.TransformerEncoder(layer, 2, norm=_Twice(torch.nn.Module), enable_nested_tensor=False).eval()
    ours = gtorch.nn.TransformerEncoder(gtorch.nn.TransformerEncoderLayer(E, HEADS, 16, norm_first=True), 2,
                                        norm=_Twice(gtorch.nn.Module)).eval()
    assert list(ours.state_dict()) == list(theirs.state_dict())  # layers.0.self_attn.in_proj_weight, ...
    load_from_torch(ours, theirs)
    x = _sequences()[0]
    for masks in ({}, {"mask": CAUSAL, "src_key_padding_mask": KEY_PADDING[:, :L]}):
        assert_same_run(ours, theirs, (x,), tolerance(np.float32, 6 * TERMS), **masks)


def _Twice(base):  # noqa: N802 (a class factory: the same module for either framework)
    """A module doubling its input, as a TransformerEncoder's `norm` for either framework."""
    return type("Twice", (base,), {"forward": lambda self, x: x * 2})()


def test_transformer_encoder_layers_are_independent_copies():
    layer = gtorch.nn.TransformerEncoderLayer(E, HEADS, 16)
    encoder = gtorch.nn.TransformerEncoder(layer, 2)
    first, second = encoder.layers[0].linear1.weight, encoder.layers[1].linear1.weight
    np.testing.assert_array_equal(first.detach().numpy(), layer.linear1.weight.detach().numpy())
    assert first is not second and not np.shares_memory(first.detach().numpy(), second.detach().numpy())
    assert first.requires_grad and type(first) is gtorch.nn.Parameter
    computed = gtorch.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="graph leaves"):  # as PyTorch: only leaves are deep-copied
        copy.deepcopy(computed)


def test_the_facades_initial_weights_load_into_pytorch():
    ours = gtorch.nn.TransformerEncoderLayer(E, HEADS, 16).eval()
    theirs = torch.nn.TransformerEncoderLayer(E, HEADS, 16).eval()
    load_into_torch(theirs, ours)
    x = _sequences()[0]
    assert_close(ours(gtorch.tensor(x)), theirs(torch.tensor(x)), tolerance(np.float32, 3 * TERMS))


def test_multihead_attention_parameters_and_initialization_are_pytorchs():
    for kwargs in ({}, {"kdim": 6, "vdim": 7}, {"bias": False}):
        ours, theirs = gtorch.nn.MultiheadAttention(32, 4, **kwargs), torch.nn.MultiheadAttention(32, 4, **kwargs)
        assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
               [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    mha = gtorch.nn.MultiheadAttention(32, 4)
    in_proj = mha.in_proj_weight.detach().numpy()
    bound = np.sqrt(6 / (32 + 96))                      # xavier_uniform_ of (3E, E)
    assert bound * 0.95 < np.abs(in_proj).max() <= bound
    assert 1 / np.sqrt(32) * 0.9 < np.abs(mha.out_proj.weight.detach().numpy()).max() <= 1 / np.sqrt(32)
    assert not mha.in_proj_bias.detach().numpy().any() and not mha.out_proj.bias.detach().numpy().any()
    assert mha.in_proj_weight.requires_grad and mha.q_proj_weight is None and mha.bias_k is None


@pytest.mark.parametrize("spec", [
    "MultiheadAttention(8, 2)", "MultiheadAttention(8, 2, kdim=6, vdim=7, bias=False)",
    "TransformerEncoderLayer(8, 2, 16)", "TransformerEncoderLayer(8, 2, 16, activation='gelu', bias=False)",
])
def test_repr_is_pytorchs(spec):
    """out_proj prints as PyTorch's NonDynamicallyQuantizableLinear (a Linear subclass), the rest as PyTorch's."""
    assert repr(eval("gtorch.nn." + spec)) == repr(eval("torch.nn." + spec))


def test_dropout_acts_in_training_only():
    gtorch.manual_seed(0)
    layer = gtorch.nn.TransformerEncoderLayer(E, HEADS, 16, dropout=0.5)
    x = gtorch.randn(L, B, E)
    assert not np.allclose(layer(x).detach().numpy(), layer(x).detach().numpy())
    layer.eval()
    np.testing.assert_array_equal(layer(x).detach().numpy(), layer(x).detach().numpy())


def test_errors_name_what_is_wrong():
    mha = gtorch.nn.MultiheadAttention(E, HEADS)
    q, k, v = (gtorch.tensor(a) for a in _sequences())
    wrong_key = r"MultiheadAttention: expected key with 8 features .* got shape \(5, 3, 6\)"
    with pytest.raises(RuntimeError, match=wrong_key):
        mha(q, k[..., :6], v)
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        mha(q, k, v, is_causal=True)
    with pytest.raises(RuntimeError, match=r"the shape of the 2D attn_mask is \(4, 4\), but should be \(4, 5\)"):
        mha(q, k, v, attn_mask=gtorch.tensor(CAUSAL))
    with pytest.raises(NotImplementedError, match="add_bias_kv=True"):
        gtorch.nn.MultiheadAttention(E, HEADS, add_bias_kv=True)
    with pytest.raises(ValueError, match="embed_dim must be divisible by num_heads"):
        gtorch.nn.MultiheadAttention(E, 3)
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        gtorch.nn.TransformerEncoderLayer(E, HEADS, activation="tanh")
    with pytest.raises(ValueError, match="attn_mask or is_causal=True, not both"):
        gtorch.nn.functional.scaled_dot_product_attention(q, q, q, attn_mask=gtorch.tensor(CAUSAL), is_causal=True)
