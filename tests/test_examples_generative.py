"""The generative examples (convolutional and denoising autoencoders, a GAN), run through their `main` at
reduced size on the embedded subset, and the GAN's two training steps checked on their own."""

import numpy as np
import pytest

import gradwork as gw
from example_runner import assert_pngs as _assert_pngs
from example_runner import load as _load
from example_runner import run as _run


@pytest.fixture(autouse=True)
def _needs_matplotlib():
    pytest.importorskip("matplotlib")


def test_conv_autoencoder(tmp_path, capsys):
    result, out = _run("conv_autoencoder", tmp_path, capsys, "--quick")
    figures = [result[k] for k in ("mse", "denoised_mse", "noisy_mse", "mean_image_mse")]
    assert all(np.isfinite(figures))
    # even after the short run, reconstructions beat predicting the mean image for every input,
    # and the denoiser's outputs are closer to the clean images than its noisy inputs were
    assert result["mse"] < result["mean_image_mse"]
    assert result["denoised_mse"] < result["noisy_mse"]
    assert 0.05 < result["noisy_mse"] < 0.25          # noise of std 0.5, clipped to [0, 1]
    assert f"test MSE {result['mse']:.4f}" in out and f"the denoised ones {result['denoised_mse']:.4f}" in out
    assert 'Model: "conv_autoencoder"' in out and result["params"] == 3217
    _assert_pngs(result["files"], tmp_path, ["reconstructions.png", "denoising.png", "loss.png"])


@pytest.mark.parametrize("decoder_kind", ["upsample", "transpose"])
def test_conv_autoencoder_shapes_and_noise(decoder_kind):
    example = _load("conv_autoencoder")
    model, encoder, decoder = example.conv_autoencoder(decoder_kind=decoder_kind)
    assert model.count_params() == 3217
    x = np.random.default_rng(0).random((3, 28, 28, 1)).astype(np.float32)
    code = encoder.predict(x, verbose=0)
    assert code.shape == (3, 7, 7, 8)
    y = decoder.predict(code, verbose=0)
    assert y.shape == (3, 28, 28, 1) and 0.0 <= y.min() and y.max() <= 1.0
    noisy = example.add_noise(x, 0.5, np.random.default_rng(1))
    assert noisy.dtype == np.float32 and noisy.shape == x.shape
    assert noisy.min() == 0.0 and noisy.max() == 1.0          # clipped, and the clip is reached
    assert 0.05 < float(np.mean((noisy - x) ** 2)) < 0.25


def test_gan(tmp_path, capsys):
    result, out = _run("gan_fashion_mnist", tmp_path, capsys, "--quick")
    for key in ("d_loss", "g_loss", "d_accuracy"):
        assert len(result[key]) == 2 and np.all(np.isfinite(result[key]))
    assert all(0.0 <= a <= 1.0 for a in result["d_accuracy"])
    samples = result["samples"]
    assert samples.shape == (64, 784) and np.all(np.abs(samples) <= 1.0)
    assert samples.std() > 0.05                              # not one constant image
    assert f"D loss {result['d_loss'][-1]:.3f}  G loss {result['g_loss'][-1]:.3f}" in out
    _assert_pngs(result["files"], tmp_path, ["samples_epoch_01.png", "samples_epoch_02.png", "losses.png"])


def _gan_parts(seed=0, n=32, latent=8):
    example = _load("gan_fashion_mnist")
    gw.random.seed(seed)
    rng = np.random.default_rng(seed)
    generator, discriminator = example.build_generator(latent), example.build_discriminator()
    real = rng.uniform(-1, 1, (n, 784)).astype(np.float32)
    z = rng.standard_normal((n, latent)).astype(np.float32)
    generator(z)
    discriminator(real)   # build both
    return example, generator, discriminator, real, z, gw.losses.BinaryCrossentropy(from_logits=True)


def _trainable(network):
    return [p.data.copy() for p in network.trainable_weights]


def _changed(before, network):
    return [not np.array_equal(b, p.data) for b, p in zip(before, network.trainable_weights)]


def test_gan_discriminator_step_trains_only_the_discriminator():
    example, generator, discriminator, real, z, bce = _gan_parts()
    opt = gw.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)
    g_before, d_before = _trainable(generator), _trainable(discriminator)
    losses = [example.discriminator_step(generator, discriminator, opt, real, z, bce)[0] for _ in range(5)]
    assert not any(_changed(g_before, generator))
    assert all(_changed(d_before, discriminator))
    assert losses[-1] < losses[0]                             # the same batch: its loss falls
    # the reported loss is the mean of the real and the fake halves, computed afresh
    with gw.no_grad():
        fake = generator(z, training=True)
        expected = 0.5 * (float(bce(np.ones((32, 1), np.float32), discriminator(real)).data)
                          + float(bce(np.zeros((32, 1), np.float32), discriminator(fake)).data))
    loss, accuracy = example.discriminator_step(generator, discriminator, opt, real, z, bce)
    assert loss == pytest.approx(expected, rel=1e-5) and 0.0 <= accuracy <= 1.0


def test_gan_generator_step_trains_only_the_generator_through_the_discriminator():
    example, generator, discriminator, _, z, bce = _gan_parts()
    opt = gw.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)
    g_before, d_before = _trainable(generator), _trainable(discriminator)
    losses = [example.generator_step(generator, discriminator, opt, z, bce) for _ in range(5)]
    assert not any(_changed(d_before, discriminator))
    assert all(_changed(g_before, generator))
    assert losses[-1] < losses[0]                             # the fakes look more real to the fixed D
    # the non-saturating loss: -mean log sigmoid(D(G(z)))
    with gw.no_grad():
        logits = discriminator(generator(z, training=True)).data.astype(np.float64)
    expected = float(np.mean(np.logaddexp(0.0, -logits)))
    assert example.generator_step(generator, discriminator, opt, z, bce) == pytest.approx(expected, rel=1e-5)
