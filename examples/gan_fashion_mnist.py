"""A generative adversarial network (GAN) that learns to draw Fashion-MNIST clothes from random numbers.

Two networks play against each other. The generator turns 64 random numbers z ~ N(0, 1) into an
image: Dense(256) -> LeakyReLU(0.2) -> BatchNormalization -> Dense(512) -> LeakyReLU ->
BatchNormalization -> Dense(784, tanh), pixels in [-1, 1] (the real images are scaled to match).
The discriminator maps an image to one logit, "real" when positive: Dense(512) -> LeakyReLU ->
Dense(256) -> LeakyReLU -> Dense(1). Each training step, on a batch of real images:

1. the discriminator is updated to call the real images real and the generator's images fake
   (binary cross-entropy on its logits, the fakes drawn without recording a graph for the generator);
2. the generator is updated, through the discriminator (whose weights stay as they are), to make
   the discriminator call its fresh fakes real: the "non-saturating" loss -log D(G(z)), which gives
   strong gradients exactly when the discriminator easily spots the fakes (early in training).

The loop is written by hand, as a GAN does not fit `Model.fit`: two Adam optimizers (learning rate
2e-4, beta_1 0.5, as in the DCGAN paper), `gw.grad(loss, weights)` for the gradients of one
network only, and `optimizer.apply(grads, weights)`. At the balance point the discriminator cannot
tell real from fake: both losses would be ln 2 = 0.693 and its accuracy 0.5; in practice the
discriminator keeps an edge and the two settle in a stalemate near that point rather than on it.
Per-epoch mean losses and the discriminator's accuracy are printed.

Writes samples_epoch_NN.png after every epoch (an 8 x 8 grid drawn from the same 64 latent vectors
each time, so one sees the same samples sharpen) and losses.png (both losses per step). Data: the
full 60,000 training images when `gw.datasets.fashion_mnist` finds them on disk, else the embedded
6,000. Measured (seed 0, batches of 64, full set): 10 epochs take 4 minutes of CPU time on one core
(6.4 minutes of wall time on a 2-core machine shared with other jobs); after the first epoch the
samples are noisy garment outlines, after the tenth they are recognisable pullovers, T-shirts,
trousers, dresses, sneakers, ankle boots and bags, grainy and a few of them malformed. The losses
stay near D 0.57, G 1.08 (D accuracy 0.70) from the third epoch on while the samples keep improving:
a GAN's losses do not measure its quality. Batches of 128 give half the updates for 0.85 of the
time, and blurrier, grainier samples after 10 epochs.
Run: python examples/gan_fashion_mnist.py [--quick] [--epochs N] [--subset mini] [--out DIR]
"""
import argparse
import os
import time

import numpy as np

import gradwork as gw
from gradwork.nn import BatchNormalization, Dense, Input, LeakyReLU
from gradwork.plot.images import plot_image_grid
from gradwork.plot.optimization import plot_loss_curves


def build_generator(latent_dim=64):
    """Latent vectors (N, latent_dim) -> flattened images (N, 784) in [-1, 1]."""
    layers = [Input(shape=(latent_dim,))]
    for units in (256, 512):
        layers += [Dense(units), LeakyReLU(0.2), BatchNormalization(momentum=0.9)]
    layers.append(Dense(784, activation="tanh"))
    return gw.Sequential(layers, name="generator")


def build_discriminator():
    """Flattened images (N, 784) in [-1, 1] -> logits (N, 1), positive for "real"."""
    return gw.Sequential([Input(shape=(784,)), Dense(512), LeakyReLU(0.2), Dense(256), LeakyReLU(0.2),
                          Dense(1)], name="discriminator")


def update(loss, network, optimizer):
    """One optimizer step on `network`'s trainable weights only, from the gradient of `loss` (a scalar)."""
    weights = network.trainable_weights
    optimizer.apply(gw.grad(loss, weights), weights)


def discriminator_step(generator, discriminator, optimizer, real, z, loss_fn):
    """Train the discriminator on real images (N, 784) as 1 and generator(z) for z (N, latent) as 0.
    Returns (its loss, the mean of the two halves; its accuracy on the 2N images)."""
    with gw.no_grad():
        fake = generator(z, training=True)
    real_logits = discriminator(real, training=True)
    fake_logits = discriminator(fake, training=True)
    loss = 0.5 * (loss_fn(np.ones((len(real), 1), np.float32), real_logits)
                  + loss_fn(np.zeros((len(z), 1), np.float32), fake_logits))
    update(loss, discriminator, optimizer)
    accuracy = 0.5 * (np.mean(real_logits.data > 0) + np.mean(fake_logits.data < 0))
    return float(loss.data), float(accuracy)


def generator_step(generator, discriminator, optimizer, z, loss_fn):
    """Train the generator so that the discriminator calls generator(z) real (the non-saturating loss);
    z : (N, latent). The discriminator's weights are not changed. Returns the generator's loss."""
    logits = discriminator(generator(z, training=True), training=True)
    loss = loss_fn(np.ones((len(z), 1), np.float32), logits)
    update(loss, generator, optimizer)
    return float(loss.data)


def load_images(subset, size):
    """Training images flattened to (N, 784) float32 in [-1, 1], and the name of the set used."""
    if subset == "mini":
        (x, _), _ = gw.datasets.fashion_mnist.load_data(subset="mini")
        name = "the embedded subset"
    else:
        try:
            (x, _), _ = gw.datasets.fashion_mnist.load_data(download=False)
            name = "the full set"
        except gw.datasets.DatasetNotFoundError:
            print("the full Fashion-MNIST is not available: using the embedded 6,000-image subset")
            (x, _), _ = gw.datasets.fashion_mnist.load_data(subset="mini")
            name = "the embedded subset"
    x = x.reshape(len(x), 784).astype(np.float32) / 127.5 - 1.0
    return (x[:size] if size else x), name


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="512 images of the embedded subset, 2 epochs")
    parser.add_argument("--epochs", type=int, default=None, help="default 10 (--quick: 2)")
    parser.add_argument("--subset", choices=["mini"], help="train on the embedded 6,000-image subset")
    parser.add_argument("--train-size", type=int, default=None, help="use the first N training images")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--latent-dim", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join("runs", "examples", "gan_fashion_mnist"))
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    epochs = args.epochs or (2 if args.quick else 10)
    batch = args.batch_size
    x, name = load_images("mini" if args.quick else args.subset, args.train_size or (512 if args.quick else None))
    steps = len(x) // batch
    if steps == 0:
        parser.error(f"{len(x)} training images make no batch of {batch}")
    print(f"Fashion-MNIST, {name}: {len(x)} images; {epochs} epochs of {steps} steps, batches of {batch}\n")

    gw.random.seed(args.seed)
    rng = np.random.default_rng(args.seed)
    generator, discriminator = build_generator(args.latent_dim), build_discriminator()
    generator.summary()
    discriminator.summary()
    g_opt, d_opt = (gw.optimizers.Adam(learning_rate=2e-4, beta_1=0.5) for _ in range(2))
    loss_fn = gw.losses.BinaryCrossentropy(from_logits=True)

    def latent(n):
        return rng.standard_normal((n, args.latent_dim)).astype(np.float32)

    fixed_z = latent(64)   # the same 64 samples after each epoch

    d_losses, g_losses, files, per_epoch = [], [], [], {"d_loss": [], "g_loss": [], "d_accuracy": []}
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(x))
        accuracies = []
        for step in range(steps):
            real = x[order[step * batch:(step + 1) * batch]]
            d_loss, accuracy = discriminator_step(generator, discriminator, d_opt, real, latent(batch), loss_fn)
            g_loss = generator_step(generator, discriminator, g_opt, latent(batch), loss_fn)
            d_losses.append(d_loss)
            g_losses.append(g_loss)
            accuracies.append(accuracy)
        per_epoch["d_loss"].append(float(np.mean(d_losses[-steps:])))
        per_epoch["g_loss"].append(float(np.mean(g_losses[-steps:])))
        per_epoch["d_accuracy"].append(float(np.mean(accuracies)))
        samples = generator.predict(fixed_z, verbose=0)
        files.append(plot_image_grid(samples, os.path.join(args.out, f"samples_epoch_{epoch:02d}.png"),
                                     vmin=-1.0, vmax=1.0, suptitle=f"generator samples after epoch {epoch}"))
        print(f"epoch {epoch:2d}: D loss {per_epoch['d_loss'][-1]:.3f}  G loss {per_epoch['g_loss'][-1]:.3f}  "
              f"D accuracy {per_epoch['d_accuracy'][-1]:.3f}  ({time.perf_counter() - start:.0f} s)")
    seconds = time.perf_counter() - start
    print(f"\ntraining time: {seconds:.1f} s ({seconds / epochs:.1f} s per epoch); "
          "at the balance point both losses would be ln 2 = 0.693 and the accuracy 0.5")

    window = max(1, min(50, steps))
    files.append(plot_loss_curves({"discriminator": d_losses, "generator (non-saturating)": g_losses},
                                  os.path.join(args.out, "losses.png"), smooth=window,
                                  title=f"GAN losses per step (moving average over {window} steps)"))
    print(f"wrote {len(files)} figures to {args.out}")
    return {**per_epoch, "samples": samples, "seconds": seconds, "files": files,
            "generator": generator, "discriminator": discriminator}


if __name__ == "__main__":
    main()
