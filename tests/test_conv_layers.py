"""The image and sequence layers: convolution, pooling, global pooling, ZeroPadding2D, UpSampling2D,
SpatialDropout2D and BatchNormalization on NHWC images.

Each runs through the generic harness of layer_harness (lazy build with the right weight shapes,
output shape, JSON config round trip, one training step changing exactly the trainable weights,
float64 gradient check with respect to input and weights in both modes); then against PyTorch's
modules in float64 and float32 (NHWC <-> NCHW, (kh, kw, C_in, C_out) <-> (C_out, C_in, kh, kw));
the errors a wrong input raises, naming the layer; Keras's parameter counts for the classic CNN;
and that CNN learning on the embedded Fashion-MNIST subset.
"""
import numpy as np
import pytest
from conv_oracles import assert_close, layer_vs_torch, nchw, nhwc, tolerances, torch_pad_nchw
from layer_harness import LayerCase, LayerHarness

import gradwork as gw
from gradwork import nn
from gradwork.nn import functional as F

from torch_oracle import torch  # the PyTorch oracle: without it, each comparison skips alone

CASES = [
    LayerCase("conv2d", lambda dt: nn.Conv2D(4, (3, 2), dtype=dt), (2, 7, 6, 3),
              {"kernel": (3, 2, 3, 4), "bias": (4,)}, (2, 5, 5, 4), ("kernel", "bias")),
    LayerCase("conv2d_same_strided_tanh",
              lambda dt: nn.Conv2D(3, (2, 3), strides=2, padding="same", activation="tanh", dtype=dt),
              (2, 7, 6, 3), {"kernel": (2, 3, 3, 3), "bias": (3,)}, (2, 4, 3, 3), ("kernel", "bias")),
    LayerCase("conv2d_same_dilated_nobias",
              lambda dt: nn.Conv2D(2, 3, padding="same", dilation_rate=2, use_bias=False,
                                   kernel_regularizer=gw.regularizers.L2(0.1), dtype=dt),
              (1, 7, 6, 3), {"kernel": (3, 3, 3, 2)}, (1, 7, 6, 2), ("kernel",)),
    LayerCase("conv1d", lambda dt: nn.Conv1D(4, 3, dtype=dt), (2, 9, 3),
              {"kernel": (3, 3, 4), "bias": (4,)}, (2, 7, 4), ("kernel", "bias")),
    LayerCase("conv1d_same_strided_dilated",
              lambda dt: nn.Conv1D(2, (2,), strides=2, padding="same", dilation_rate=1, dtype=dt), (1, 9, 3),
              {"kernel": (2, 3, 2), "bias": (2,)}, (1, 5, 2), ("kernel", "bias")),
    LayerCase("max_pooling2d", lambda dt: nn.MaxPooling2D(dtype=dt), (2, 7, 6, 3), {}, (2, 3, 3, 3)),
    LayerCase("max_pooling2d_same_overlapping",
              lambda dt: nn.MaxPooling2D((3, 2), strides=1, padding="same", dtype=dt), (2, 7, 6, 3), {},
              (2, 7, 6, 3)),
    LayerCase("average_pooling2d", lambda dt: nn.AveragePooling2D((2, 3), strides=(2, 1), dtype=dt),
              (2, 7, 6, 3), {}, (2, 3, 4, 3)),
    LayerCase("average_pooling2d_same",
              lambda dt: nn.AveragePooling2D(3, strides=2, padding="same", dtype=dt), (2, 7, 6, 3), {},
              (2, 4, 3, 3)),
    LayerCase("max_pooling1d", lambda dt: nn.MaxPooling1D(3, strides=2, dtype=dt), (2, 9, 3), {}, (2, 4, 3)),
    LayerCase("max_pooling1d_same", lambda dt: nn.MaxPooling1D(2, padding="same", dtype=dt), (2, 9, 3), {},
              (2, 5, 3)),
    LayerCase("average_pooling1d", lambda dt: nn.AveragePooling1D(dtype=dt), (2, 9, 3), {}, (2, 4, 3)),
    LayerCase("average_pooling1d_same",
              lambda dt: nn.AveragePooling1D(3, strides=2, padding="same", dtype=dt), (2, 9, 3), {},
              (2, 5, 3)),
    LayerCase("global_average_pooling2d", lambda dt: nn.GlobalAveragePooling2D(dtype=dt), (2, 7, 6, 3), {},
              (2, 3)),
    LayerCase("global_average_pooling2d_keepdims",
              lambda dt: nn.GlobalAveragePooling2D(keepdims=True, dtype=dt), (2, 7, 6, 3), {}, (2, 1, 1, 3)),
    LayerCase("global_max_pooling2d", lambda dt: nn.GlobalMaxPooling2D(dtype=dt), (2, 7, 6, 3), {}, (2, 3)),
    LayerCase("global_average_pooling1d", lambda dt: nn.GlobalAveragePooling1D(dtype=dt), (2, 9, 3), {},
              (2, 3)),
    LayerCase("global_max_pooling1d_keepdims", lambda dt: nn.GlobalMaxPooling1D(keepdims=True, dtype=dt),
              (2, 9, 3), {}, (2, 1, 3)),
    LayerCase("zero_padding2d", lambda dt: nn.ZeroPadding2D(((1, 2), (0, 3)), dtype=dt), (2, 7, 6, 3), {},
              (2, 10, 9, 3)),
    LayerCase("zero_padding2d_int", lambda dt: nn.ZeroPadding2D(2, dtype=dt), (2, 7, 6, 3), {},
              (2, 11, 10, 3)),
    LayerCase("up_sampling2d", lambda dt: nn.UpSampling2D((2, 3), dtype=dt), (2, 4, 3, 3), {}, (2, 8, 9, 3)),
    LayerCase("spatial_dropout2d", lambda dt: nn.SpatialDropout2D(0.4, dtype=dt), (4, 5, 3, 6), {},
              (4, 5, 3, 6), stochastic=True),
    LayerCase("batch_norm_nhwc", lambda dt: nn.BatchNormalization(dtype=dt), (4, 5, 3, 2),
              {"gamma": (2,), "beta": (2,), "moving_mean": (2,), "moving_variance": (2,)}, (4, 5, 3, 2),
              ("gamma", "beta")),
]


class TestImageAndSequenceLayers(LayerHarness):
    CASES = CASES


# ----------------------------------------------------------------------------------------------- PyTorch
DTYPES = pytest.mark.parametrize("dtype", ["float64", "float32"])


CONV2D_LAYERS = {
    "valid": dict(filters=4, kernel_size=(3, 2)),
    "same_s2_tanh": dict(filters=3, kernel_size=(2, 3), strides=2, padding="same", activation="tanh"),
    "same_d2_nobias": dict(filters=2, kernel_size=3, padding="same", dilation_rate=2, use_bias=False),
    "valid_s2x1_relu": dict(filters=2, kernel_size=(3, 3), strides=(2, 1), activation="relu"),
}
ACTIVATIONS = {None: lambda t: t, "tanh": torch.tanh, "relu": torch.relu}


@DTYPES
@pytest.mark.parametrize("name", CONV2D_LAYERS)
def test_conv2d_layer_matches_torch_conv2d(name, dtype):
    config = CONV2D_LAYERS[name]
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 7, 6, 3))
    layer = nn.Conv2D(**config, dtype=dtype)
    layer(x.astype(dtype))
    layer.kernel.data[...] = rng.standard_normal(layer.kernel.shape)
    use_bias = config.get("use_bias", True)
    if use_bias:
        layer.bias.data[...] = rng.standard_normal(layer.bias.shape)
    conv = torch.nn.Conv2d(3, layer.filters, layer.kernel_size, stride=layer.strides,
                           dilation=layer.dilation_rate, bias=use_bias, dtype=getattr(torch, dtype))
    with torch.no_grad():
        conv.weight.copy_(torch.tensor(layer.kernel.data).permute(3, 2, 0, 1))   # (kh, kw, in, out) -> torch
        if use_bias:
            conv.bias.copy_(torch.tensor(layer.bias.data))
    activation = ACTIVATIONS[config.get("activation")]

    def torch_fn(xt):
        padded = torch_pad_nchw(nchw(xt), layer.kernel_size, layer.strides, layer.padding,
                                layer.dilation_rate)
        return activation(nhwc(conv(padded)))

    weights = [(layer.kernel, conv.weight, lambda w: w.permute(2, 3, 1, 0))]
    if use_bias:
        weights.append((layer.bias, conv.bias, lambda b: b))
    layer_vs_torch(layer, torch_fn, x, dtype, weights)


@DTYPES
@pytest.mark.parametrize("config", [dict(filters=4, kernel_size=3),
                                    dict(filters=2, kernel_size=4, strides=3, dilation_rate=1),
                                    dict(filters=3, kernel_size=3, padding="same", dilation_rate=2)],
                         ids=["valid", "valid_s3", "same_d2"])
def test_conv1d_layer_matches_torch_conv1d(config, dtype):
    rng = np.random.default_rng(8)
    x = rng.standard_normal((2, 11, 3))
    layer = nn.Conv1D(**config, dtype=dtype)
    layer(x.astype(dtype))
    layer.kernel.data[...] = rng.standard_normal(layer.kernel.shape)
    layer.bias.data[...] = rng.standard_normal(layer.bias.shape)
    (k,), (s,), (d,) = layer.kernel_size, layer.strides, layer.dilation_rate
    conv = torch.nn.Conv1d(3, layer.filters, k, stride=s, dilation=d, dtype=getattr(torch, dtype))
    with torch.no_grad():
        conv.weight.copy_(torch.tensor(layer.kernel.data).permute(2, 1, 0))         # (k, in, out) -> torch
        conv.bias.copy_(torch.tensor(layer.bias.data))
    pad = (k - 1) * d // 2 if layer.padding == "same" else 0                        # odd span: symmetric

    def torch_fn(xt):
        return conv(torch.nn.functional.pad(xt.permute(0, 2, 1), (pad, pad))).permute(0, 2, 1)

    weights = [(layer.kernel, conv.weight, lambda w: w.permute(2, 1, 0)),
               (layer.bias, conv.bias, lambda b: b)]
    layer_vs_torch(layer, torch_fn, x, dtype, weights)


@DTYPES
@pytest.mark.parametrize("layer, torch_module, shape", [
    (lambda dt: nn.MaxPooling2D(dtype=dt), torch.nn.MaxPool2d(2), (2, 7, 6, 3)),
    (lambda dt: nn.MaxPooling2D((3, 2), strides=(2, 1), dtype=dt), torch.nn.MaxPool2d((3, 2), (2, 1)),
     (2, 7, 6, 3)),
    (lambda dt: nn.AveragePooling2D((2, 3), dtype=dt), torch.nn.AvgPool2d((2, 3)), (2, 7, 6, 3)),
    (lambda dt: nn.AveragePooling2D(3, strides=1, padding="same", dtype=dt),          # pads (1, 1) both axes
     torch.nn.AvgPool2d(3, 1, padding=1, count_include_pad=False), (2, 7, 6, 3)),
    (lambda dt: nn.GlobalAveragePooling2D(keepdims=True, dtype=dt), torch.nn.AdaptiveAvgPool2d(1),
     (2, 7, 6, 3)),
    (lambda dt: nn.GlobalMaxPooling2D(keepdims=True, dtype=dt), torch.nn.AdaptiveMaxPool2d(1), (2, 7, 6, 3)),
    (lambda dt: nn.ZeroPadding2D(((1, 2), (0, 3)), dtype=dt), torch.nn.ZeroPad2d((0, 3, 1, 2)), (2, 7, 6, 3)),
    (lambda dt: nn.UpSampling2D((2, 3), dtype=dt), torch.nn.Upsample(scale_factor=(2, 3), mode="nearest"),
     (2, 4, 3, 3)),
], ids=["max_pool", "max_pool_3x2_s2x1", "avg_pool_2x3", "avg_pool_same", "global_avg", "global_max",
        "zero_padding", "up_sampling"])
def test_image_layers_match_torch_modules(layer, torch_module, shape, dtype):
    x = np.random.default_rng(9).standard_normal(shape)
    layer_vs_torch(layer(dtype), lambda xt: nhwc(torch_module(nchw(xt))), x, dtype)


@DTYPES
@pytest.mark.parametrize("layer, torch_module", [
    (lambda dt: nn.MaxPooling1D(3, strides=2, dtype=dt), torch.nn.MaxPool1d(3, 2)),
    (lambda dt: nn.AveragePooling1D(dtype=dt), torch.nn.AvgPool1d(2)),
    (lambda dt: nn.AveragePooling1D(3, strides=1, padding="same", dtype=dt),
     torch.nn.AvgPool1d(3, 1, padding=1, count_include_pad=False)),
    (lambda dt: nn.GlobalAveragePooling1D(keepdims=True, dtype=dt), torch.nn.AdaptiveAvgPool1d(1)),
    (lambda dt: nn.GlobalMaxPooling1D(keepdims=True, dtype=dt), torch.nn.AdaptiveMaxPool1d(1)),
], ids=["max_pool", "avg_pool", "avg_pool_same", "global_avg", "global_max"])
def test_sequence_layers_match_torch_modules(layer, torch_module, dtype):
    x = np.random.default_rng(10).standard_normal((2, 9, 3))
    layer_vs_torch(layer(dtype), lambda xt: torch_module(xt.permute(0, 2, 1)).permute(0, 2, 1), x, dtype)


def test_global_pooling_without_keepdims_drops_the_spatial_axes():
    x = np.random.default_rng(11).standard_normal((2, 7, 6, 3))
    np.testing.assert_allclose(nn.GlobalAveragePooling2D(dtype="float64")(x).data, x.mean(axis=(1, 2)),
                               rtol=1e-12)
    np.testing.assert_array_equal(nn.GlobalMaxPooling2D(dtype="float64")(x).data, x.max(axis=(1, 2)))
    np.testing.assert_array_equal(nn.GlobalMaxPooling1D(dtype="float64")(x[:, 0]).data, x[:, 0].max(axis=1))


# ----------------------------------------------------------------------------------------------- masked global pooling
def _masked_steps(seed=12):
    """x (3, 5, 4) and a mask (3, 5): a hole inside, a padded tail, and a row with every step masked."""
    x = np.random.default_rng(seed).standard_normal((3, 5, 4))
    mask = np.array([[1, 0, 1, 1, 1], [1, 1, 1, 0, 0], [0, 0, 0, 0, 0]], bool)
    return x, mask


@pytest.mark.parametrize("keepdims", [False, True])
def test_masked_global_pooling_1d_uses_only_the_unmasked_steps(keepdims):
    x, mask = _masked_steps()
    average = nn.GlobalAveragePooling1D(keepdims=keepdims, dtype="float64")(x, mask=mask).data
    top = nn.GlobalMaxPooling1D(keepdims=keepdims, dtype="float64")(x, mask=mask).data
    assert average.shape == top.shape == ((3, 1, 4) if keepdims else (3, 4))
    average, top = average.reshape(3, 4), top.reshape(3, 4)
    for i in range(2):                                   # one sample at a time, its kept steps only
        np.testing.assert_allclose(average[i], x[i, mask[i]].mean(axis=0), rtol=1e-12)
        np.testing.assert_array_equal(top[i], x[i, mask[i]].max(axis=0))
    np.testing.assert_array_equal(average[2], 0)        # every step masked: zeros, not NaN or -inf
    np.testing.assert_array_equal(top[2], 0)


def test_masked_global_pooling_takes_0_1_masks_and_rejects_additive_ones():
    x, mask = _masked_steps()
    layer = nn.GlobalAveragePooling1D(dtype="float64", name="gap")
    np.testing.assert_array_equal(layer(x, mask=mask.astype(np.float32)).data, layer(x, mask=mask).data)
    additive = np.where(mask, 0.0, -np.inf)
    with pytest.raises(TypeError, match=r"gap: expected a boolean mask .*additive 0 / -inf mask"):
        layer(x, mask=additive)
    with pytest.raises(ValueError, match=r"gap: expected a mask of shape \(batch, steps\) = \(3, 5\), got \(3, 4\)"):
        layer(x, mask=mask[:, :4])


@pytest.mark.parametrize("cls", [nn.GlobalAveragePooling1D, nn.GlobalMaxPooling1D], ids=lambda c: c.__name__)
def test_masked_global_pooling_gradcheck(cls):
    """Masked steps get no gradient; an all-masked row none at all (no NaN from 0 / 0 or -inf)."""
    x, mask = _masked_steps(13)
    layer = cls(dtype="float64")
    xt = gw.tensor(x, requires_grad=True)
    assert gw.gradcheck(lambda t: layer(t, mask=mask), [xt])
    layer(xt, mask=mask).sum().backward()
    assert np.all(xt.grad.data[~mask] == 0) and np.all(np.isfinite(xt.grad.data))


def test_embedding_mask_reaches_global_average_pooling_in_a_sequential():
    """Embedding(mask_zero=True) -> GlobalAveragePooling1D: the average of each sequence's real tokens."""
    gw.random.seed(14)
    embedding = nn.Embedding(10, 3, mask_zero=True)
    model = gw.Sequential([embedding, nn.GlobalAveragePooling1D()])
    ids = np.array([[4, 2, 7, 0, 0], [1, 9, 3, 5, 8], [6, 0, 0, 0, 0]])
    out = model(ids).data
    table = embedding.embeddings.data
    for i, row in enumerate(ids):
        np.testing.assert_allclose(out[i], table[row[row != 0]].mean(axis=0), rtol=1e-6)
    assert not np.allclose(out[0], table[ids[0]].mean(axis=0), atol=1e-4)   # the padding would change it


@pytest.mark.parametrize("padding, pads", [(1, ((1, 1), (1, 1))), ((2, 0), ((2, 2), (0, 0))),
                                           (((0, 1), (2, 3)), ((0, 1), (2, 3)))])
def test_zero_padding_accepts_keras_padding_forms(padding, pads):
    x = np.ones((1, 3, 2, 1))
    out = nn.ZeroPadding2D(padding)(x).data
    np.testing.assert_array_equal(out, np.pad(x, ((0, 0), *pads, (0, 0))))


# ----------------------------------------------------------------------------------------------- batch norm
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_batch_norm_on_images_matches_torch_batchnorm2d_per_channel(dtype):
    """Keras's axis=-1 on NHWC is torch's channel axis 1 on NCHW: statistics per channel over
    (N, H, W). Three training steps (gradients for x, gamma, beta; moving mean as torch's running
    mean; moving variance biased, as Keras), then inference with the moving statistics."""
    forward, grad = tolerances(dtype)
    rng = np.random.default_rng(12)
    momentum, eps = 0.8, 1e-3
    bn = nn.BatchNormalization(momentum=momentum, epsilon=eps, dtype=dtype)
    tbn = torch.nn.BatchNorm2d(3, eps=eps, momentum=1 - momentum, dtype=getattr(torch, dtype))
    bn(np.zeros((1, 2, 2, 3), dtype))
    gamma, beta = rng.standard_normal(3), rng.standard_normal(3)
    bn.gamma.data[...], bn.beta.data[...] = gamma, beta
    with torch.no_grad():
        tbn.weight.copy_(torch.tensor(gamma))
        tbn.bias.copy_(torch.tensor(beta))
    moving_var = np.ones(3)
    for step in range(3):
        x = rng.standard_normal((4, 5, 3, 3)) * np.array([1.0, 3.0, 0.5]) + np.array([0.0, 2.0, -1.0])
        bn.gamma.grad = bn.beta.grad = None
        tbn.zero_grad()
        layer_vs_torch(bn, lambda xt: nhwc(tbn.train()(nchw(xt))), x, dtype,
                        [(bn.gamma, tbn.weight, lambda g: g), (bn.beta, tbn.bias, lambda b: b)], seed=step)
        batch_var = x.astype(dtype).var(axis=(0, 1, 2), dtype=np.float64)        # biased: divided by N
        moving_var = momentum * moving_var + (1 - momentum) * batch_var
        assert_close(bn.moving_mean.data, tbn.running_mean.numpy(), forward, "moving mean")
        assert_close(bn.moving_variance.data, moving_var.astype(dtype), forward, "moving variance")
    with torch.no_grad():
        tbn.running_var.copy_(torch.tensor(bn.moving_variance.data))     # torch keeps the unbiased one
    x = rng.standard_normal((2, 4, 3, 3)).astype(dtype)
    assert_close(bn(x).data, nhwc(tbn.eval()(nchw(torch.tensor(x)))).detach().numpy(), forward, "inference")
    assert bn(x).shape == x.shape and bn(x[:, :2, :1]).shape == (2, 2, 1, 3)     # any height and width


# ----------------------------------------------------------------------------------------------- dropout
def test_dropout_noise_shape_shares_one_draw_along_the_broadcast_axes():
    rate = 0.3
    x = np.random.default_rng(13).uniform(1, 2, (64, 4, 5, 16))
    gw.random.seed(0)
    xt = gw.tensor(x, requires_grad=True)
    out = F.dropout(xt, rate, noise_shape=(None, 1, 1, None))               # None: the input's size
    kept = out.data != 0                                                     # x is never 0
    np.testing.assert_array_equal(kept, np.broadcast_to(kept[:, :1, :1, :], x.shape))
    np.testing.assert_allclose(out.data[kept], x[kept] / (1 - rate), rtol=1e-12)
    assert abs(1 - kept[:, 0, 0, :].mean() - rate) < 0.05                    # 1,024 draws
    out.backward(gw.tensor(np.full(x.shape, 2.0)))
    np.testing.assert_allclose(xt.grad.data, 2 * kept / (1 - rate), rtol=1e-12)
    gw.random.seed(0)
    same = F.dropout(x, rate, noise_shape=(64, 1, 1, 16)).data               # explicit sizes: the same mask
    np.testing.assert_array_equal(same, out.data)
    np.testing.assert_array_equal(F.dropout(x, rate, training=False, noise_shape=(64, 1, 1, 16)).data, x)


def test_dropout_with_noise_shape_gradcheck():
    x = gw.tensor(np.random.default_rng(14).standard_normal((3, 4, 2, 5)), requires_grad=True)

    def fn(x):
        gw.random.seed(5)                                                    # the same mask every time
        return F.dropout(x, 0.5, noise_shape=(3, 1, 2, 1))

    assert gw.gradcheck(fn, (x,)) and gw.gradgradcheck(fn, (x,))


def test_dropout_noise_shape_that_cannot_broadcast_is_an_error():
    with pytest.raises(ValueError):
        F.dropout(np.ones((2, 3, 4, 5)), 0.5, noise_shape=(2, 1, 1, 4))


def test_spatial_dropout_drops_whole_channels_like_torch_dropout2d():
    rate = 0.25
    layer = nn.SpatialDropout2D(rate)
    x = np.random.default_rng(15).uniform(1, 2, (100, 4, 3, 40)).astype(np.float32)
    np.testing.assert_array_equal(layer(x).data, x)                          # inference: the identity
    gw.random.seed(1)
    xt = gw.tensor(x, requires_grad=True)
    out = layer(xt, training=True)
    kept = out.data != 0
    np.testing.assert_array_equal(kept, np.broadcast_to(kept[:, :1, :1, :], x.shape))   # per sample, channel
    np.testing.assert_allclose(out.data[kept], x[kept] / (1 - rate), rtol=1e-6)
    assert abs(1 - kept[:, 0, 0, :].mean() - rate) < 0.04                    # 4,000 draws
    out.sum().backward()
    np.testing.assert_allclose(xt.grad.data, kept / (1 - rate), rtol=1e-6)
    # torch's Dropout2d: the same convention on NCHW (the random streams differ: compare the rule)
    ref = nhwc(torch.nn.functional.dropout2d(nchw(torch.tensor(x)), p=rate, training=True)).numpy()
    kept = ref != 0
    np.testing.assert_array_equal(kept, np.broadcast_to(kept[:, :1, :1, :], x.shape))
    np.testing.assert_allclose(ref[kept], x[kept] / (1 - rate), rtol=1e-6)


# ----------------------------------------------------------------------------------------------- errors
@pytest.mark.parametrize("make, x, pattern", [
    (lambda: nn.Conv2D(2, 3, name="c"), np.zeros((7, 6, 3)),
     r"c: expected inputs of shape \(batch, height, width, channels\), got shape \(7, 6, 3\)"),
    (lambda: nn.Conv2D(2, 5, name="c"), np.zeros((1, 4, 6, 3)),
     r"c: inputs of shape \(1, 4, 6, 3\): conv2d: a window of 5 pixels does not fit in an input of 4 "
     r"\(padding='valid'\)"),
    (lambda: nn.Conv2D(2, 3, dilation_rate=3, name="c"), np.zeros((1, 7, 6, 3)),
     r"c: inputs of shape \(1, 7, 6, 3\): conv2d: a window of 7 pixels does not fit in an input of 6"),
    (lambda: nn.Conv1D(2, 3, name="c1"), np.zeros((1, 7, 6, 3)),
     r"c1: expected inputs of shape \(batch, steps, channels\), got shape \(1, 7, 6, 3\)"),
    (lambda: nn.Conv1D(2, 4, name="c1"), np.zeros((1, 3, 2)),
     r"c1: inputs of shape \(1, 3, 2\): conv1d: a window of 4 pixels does not fit in an input of 3"),
    (lambda: nn.MaxPooling2D(name="p"), np.zeros((7, 6, 3)),
     r"p: expected inputs of shape \(batch, height, width, channels\), got shape \(7, 6, 3\)"),
    (lambda: nn.AveragePooling2D(3, name="p"), np.zeros((1, 2, 6, 3)),
     r"p: inputs of shape \(1, 2, 6, 3\): a window of 3 pixels does not fit in an input of 2 "
     r"\(padding='valid'\)"),
    (lambda: nn.MaxPooling1D(name="p1"), np.zeros((1, 7, 6, 3)),
     r"p1: expected inputs of shape \(batch, steps, channels\), got shape \(1, 7, 6, 3\)"),
    (lambda: nn.AveragePooling1D(5, name="p1"), np.zeros((1, 4, 3)),
     r"p1: inputs of shape \(1, 4, 3\): a window of 5 pixels does not fit in an input of 4"),
    (lambda: nn.GlobalAveragePooling2D(name="g"), np.zeros((2, 3)),
     r"g: expected inputs with spatial axes \(batch, \.\.\., channels\), got \(2, 3\)"),
    (lambda: nn.ZeroPadding2D(name="z"), np.zeros((2, 3, 4)),
     r"z: expected inputs of shape \(batch, height, width, channels\), got \(2, 3, 4\)"),
    (lambda: nn.UpSampling2D(name="u"), np.zeros((2, 3, 4)),
     r"u: expected inputs of shape \(batch, height, width, channels\), got \(2, 3, 4\)"),
    (lambda: nn.SpatialDropout2D(0.5, name="s"), np.zeros((2, 3, 4)),
     r"s: expected inputs of shape \(batch, height, width, channels\), got \(2, 3, 4\)"),
])
def test_wrong_inputs_name_the_layer_what_it_expected_and_what_it_got(make, x, pattern):
    layer = make()
    with pytest.raises(ValueError, match=pattern):
        layer(x, training=True)


@pytest.mark.parametrize("make, good, bad, pattern", [
    (lambda: nn.Conv2D(2, 3, name="c"), (1, 7, 6, 3), (1, 7, 6, 4),
     r"c: expected inputs with 4 axes and 3 channels last, got shape \(1, 7, 6, 4\)"),
    (lambda: nn.Conv2D(2, 3, name="c"), (1, 7, 6, 3), (7, 6, 3),
     r"c: expected inputs with 4 axes and 3 channels last, got shape \(7, 6, 3\)"),
    (lambda: nn.Conv1D(2, 3, name="c1"), (1, 9, 3), (1, 9, 2),
     r"c1: expected inputs with 3 axes and 3 channels last, got shape \(1, 9, 2\)"),
    (lambda: nn.BatchNormalization(name="bn"), (4, 5, 3, 2), (4, 5, 3, 3),
     r"bn: built for inputs with 4 axes and 2 features on axis 3, got \(4, 5, 3, 3\)"),
    (lambda: nn.BatchNormalization(name="bn"), (4, 5, 3, 2), (4, 2),
     r"bn: built for inputs with 4 axes and 2 features on axis 3, got \(4, 2\)"),
])
def test_wrong_inputs_after_build_change_nothing(make, good, bad, pattern):
    layer = make()
    layer(np.ones(good, np.float32), training=True)
    before = layer.get_weights()
    with pytest.raises(ValueError, match=pattern):
        layer(np.random.default_rng(0).standard_normal(bad).astype(np.float32), training=True)
    assert all(np.array_equal(a, b) for a, b in zip(before, layer.get_weights()))


@pytest.mark.parametrize("make, pattern", [
    (lambda: nn.Conv2D(8, 3, padding="full"), r"Conv2D: padding must be 'valid' or 'same', got 'full'"),
    (lambda: nn.Conv1D(8, 3, padding="causal"), r"Conv1D: padding must be 'valid' or 'same', got 'causal'"),
    (lambda: nn.MaxPooling2D(padding="SAMEE"), r"MaxPooling2D: padding must be 'valid' or 'same', got 'SAMEE'"),
    (lambda: nn.AveragePooling1D(padding="full"), r"AveragePooling1D: padding must be 'valid' or 'same'"),
    (lambda: nn.Conv2D(0, 3), r"Conv2D: filters must be a positive integer, got 0"),
    (lambda: nn.Conv2D(8, (3, 3, 3)),
     r"kernel_size must be a positive integer or a pair of them, got \(3, 3, 3\)"),
    (lambda: nn.Conv2D(8, 3, strides=0), r"strides must be a positive integer or a pair of them, got 0"),
    (lambda: nn.Conv1D(8, (3, 3)), r"Conv1D: kernel_size must be an integer or a 1-tuple, got \(3, 3\)"),
    (lambda: nn.Conv1D(8, 3, dilation_rate=0), r"dilation_rate must be a positive integer"),
    (lambda: nn.UpSampling2D(interpolation="bilinear"), r"UpSampling2D: only interpolation='nearest'"),
    (lambda: nn.SpatialDropout2D(1.0), r"SpatialDropout2D: rate must be in \[0, 1\), got 1.0"),
])
def test_bad_constructor_arguments(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()


def test_conv1d_takes_keras_kernel_forms_and_pooling_casts_integer_images():
    assert [nn.Conv1D(2, k).kernel_size for k in (3, (3,), [3])] == [(3,)] * 3
    pixels = np.arange(16, dtype=np.uint8).reshape(1, 4, 4, 1)
    out = nn.MaxPooling2D(3, strides=1, padding="same")(pixels)         # -inf padding needs floats
    assert out.dtype == np.float32 and out.data[0, 0, 0, 0] == 5
    np.testing.assert_array_equal(nn.AveragePooling2D()(pixels).data.ravel(), [2.5, 4.5, 10.5, 12.5])


# ----------------------------------------------------------------------------------------------- the CNN
def _cnn(name="cnn"):
    return gw.Sequential([
        nn.Input(shape=(28, 28, 1)),
        nn.Conv2D(32, 3, padding="same", activation="relu"), nn.MaxPooling2D(),
        nn.Conv2D(64, 3, padding="same", activation="relu"), nn.MaxPooling2D(),
        nn.Flatten(), nn.Dense(128, activation="relu"), nn.Dense(10),
    ], name=name)


def test_cnn_parameter_counts_and_output_shapes_match_keras():
    model = _cnn()
    lines = []
    model.summary(print_fn=lines.append)
    rows = [line.split(")", 1)[1].rsplit(None, 1) for line in lines if line.split(" (")[0] in
            {layer.name for layer in model.layers}]
    assert [(shape.strip(), count) for shape, count in rows] == [
        ("(None, 28, 28, 32)", "320"), ("(None, 14, 14, 32)", "0"), ("(None, 14, 14, 64)", "18,496"),
        ("(None, 7, 7, 64)", "0"), ("(None, 3136)", "0"), ("(None, 128)", "401,536"), ("(None, 10)", "1,290")]
    assert "Total params: 421,642" in "\n".join(lines)
    assert model.count_params() == 320 + 18_496 + 401_536 + 1_290 == 421_642
    assert [layer.output_shape for layer in model.layers] == [                   # Keras 3: no InputLayer
        (None, 28, 28, 32), (None, 14, 14, 32), (None, 14, 14, 64), (None, 7, 7, 64), (None, 3136),
        (None, 128), (None, 10)]


def test_cnn_learns_on_the_fashion_mnist_mini_subset_and_survives_saving(tmp_path):
    """Smoke: 256 images, one epoch of 8 Adam steps. The loss on those images falls by a quarter
    (2.3 -> about 1.5 across seeds) and accuracy leaves chance (0.1) well behind."""
    (x, y), _ = gw.datasets.fashion_mnist.load_data(subset="mini")
    x, y = x[:256, :, :, None].astype(np.float32) / 255, y[:256]
    gw.random.seed(0)
    model = _cnn()
    model.compile(gw.optimizers.Adam(1e-3), gw.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    before = model.evaluate(x, y, batch_size=128, verbose=0, return_dict=True)
    history = model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    after = model.evaluate(x, y, batch_size=128, verbose=0, return_dict=True)
    assert abs(before["loss"] - np.log(10)) < 0.1
    assert after["loss"] < 0.75 * before["loss"] and history.history["loss"][0] < before["loss"]
    assert after["accuracy"] > 0.3
    model.save(tmp_path / "cnn.gw")
    clone = gw.load_model(tmp_path / "cnn.gw")
    np.testing.assert_array_equal(clone.predict(x[:8], verbose=0), model.predict(x[:8], verbose=0))
    assert [type(a).__name__ for a in clone.layers] == [type(b).__name__ for b in model.layers]
