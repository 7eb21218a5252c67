"""An autoencoder that squeezes Fashion-MNIST through a 2-number and a 32-number bottleneck.

Encoder 784 -> 128 (ReLU) -> code (linear); decoder code -> 128 (ReLU) -> 784 (sigmoid, pixels in
[0, 1]); trained with Adam to reproduce its input under the mean squared error, on the embedded
6,000-image subset. The encoder and the decoder are Sequential models of their own, stacked in a
third one, so after training `encoder.predict` gives the codes and `decoder.predict` turns codes
back into images. A 32-number code keeps far more of each image than a 2-number one: its test MSE
is lower and its reconstructions sharper. The 2-D codes can be drawn: similar clothes land near
each other without the network ever seeing a label.

Writes reconstructions.png (test images, one per class: originals above their 2-D and 32-D
reconstructions), codes_2d.png (the test images' 2-D codes coloured by class), latent_grid.png
(images decoded from a grid of 2-D codes) and loss.png. Takes about 12 s on 2 cores (--quick: 3 s).
Run: python examples/autoencoder.py [--quick] [--out DIR]
"""
import argparse
import os
import time

import numpy as np

import gradwork as gw
from gradwork.datasets import fashion_mnist
from gradwork.nn import Dense, Input
from gradwork.plot.boundaries import plot_embedding
from gradwork.plot.images import plot_image_grid, plot_reconstructions
from gradwork.plot.optimization import plot_loss_curves


def autoencoder(code_size, hidden=128):
    """(autoencoder, encoder, decoder): three Sequential models sharing their layers."""
    encoder = gw.Sequential([Input(shape=(784,)), Dense(hidden, activation="relu"), Dense(code_size)],
                            name=f"encoder_{code_size}")
    decoder = gw.Sequential([Input(shape=(code_size,)), Dense(hidden, activation="relu"),
                             Dense(784, activation="sigmoid")], name=f"decoder_{code_size}")
    model = gw.Sequential([Input(shape=(784,)), encoder, decoder], name=f"autoencoder_{code_size}")
    return model, encoder, decoder




def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 images, 4 epochs")
    parser.add_argument("--epochs", type=int, default=None, help="default 15 (--quick: 4)")
    parser.add_argument("--train-size", type=int, default=None, help="training images (default 6000)")
    parser.add_argument("--codes", default="2,32", help="comma-separated code sizes; 2 must be one")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join("runs", "examples", "autoencoder"))
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    epochs = args.epochs or (4 if args.quick else 15)
    (x, _), (x_test, y_test) = fashion_mnist.load_data(subset="mini")
    x = x.reshape(len(x), -1).astype(np.float32) / 255.0
    x_test = x_test.reshape(len(x_test), -1).astype(np.float32) / 255.0
    y_test = y_test.astype(np.int64)
    order = np.random.default_rng(args.seed).permutation(len(x))    # the subset is sorted by class
    x = x[order[: args.train_size or (2000 if args.quick else 6000)]]
    code_sizes = [int(c) for c in args.codes.split(",")]
    print(f"{len(x)} training images, {len(x_test)} test images; "
          f"{epochs} epochs of Adam 1e-3, batches of 64\n")

    results, models, curves = {"files": []}, {}, {}
    for code in code_sizes:
        gw.random.seed(args.seed)
        model, encoder, decoder = autoencoder(code)
        model.compile(optimizer=gw.optimizers.Adam(learning_rate=1e-3), loss="mse")
        if code == code_sizes[0]:
            model.summary()
            encoder.summary()
        start = time.perf_counter()
        history = model.fit(x, x, batch_size=64, epochs=epochs, validation_data=(x_test, x_test), verbose=0)
        seconds = time.perf_counter() - start
        mse = float(model.evaluate(x_test, x_test, batch_size=500, verbose=0))
        results[f"mse_{code}"] = mse
        models[code] = (model, encoder, decoder)
        curves[f"{code}-D code"] = history.history["val_loss"]
        print(f"code size {code:3d}: {model.count_params():,} weights, test MSE {mse:.4f} "
              f"(training MSE {history.history['loss'][-1]:.4f}), {seconds:.1f} s")
    print("\n(predicting the mean image for every input would give a test MSE of "
          f"{float(np.mean((x_test - x.mean(axis=0)) ** 2)):.4f})")

    # one test image of each class, originals above their reconstructions
    first = [int(np.flatnonzero(y_test == k)[0]) for k in range(10)]
    shown = x_test[first]
    rows = {f"{code}-D code": models[code][0].predict(shown, verbose=0) for code in code_sizes}
    results["files"].append(plot_reconstructions(
        shown, rows, os.path.join(args.out, "reconstructions.png"),
        titles=[fashion_mnist.class_names[k] for k in range(10)]))

    if 2 in models:
        _, encoder, decoder = models[2]
        codes = encoder.predict(x_test, batch_size=500, verbose=0)
        results["codes_2d"] = codes
        results["files"].append(plot_embedding(
            codes, y_test, os.path.join(args.out, "codes_2d.png"),
            class_names=list(fashion_mnist.class_names),
            title="2-D codes of the 1,000 test images (labels never used in training)"))
        # decode a grid spanning the middle 90% of the codes: the map the decoder has learned
        side = 10
        low, high = np.percentile(codes, [5, 95], axis=0)
        c1, c2 = np.meshgrid(np.linspace(low[0], high[0], side), np.linspace(high[1], low[1], side))
        grid = np.column_stack([c1.ravel(), c2.ravel()]).astype(np.float32)
        results["files"].append(plot_image_grid(
            decoder.predict(grid, verbose=0), os.path.join(args.out, "latent_grid.png"), columns=side,
            suptitle="decoder outputs for a grid of 2-D codes (code 1 left to right, code 2 top to bottom)"))
    results["files"].append(plot_loss_curves(curves, os.path.join(args.out, "loss.png"), xlabel="epoch",
                                             ylabel="test MSE", title="autoencoder reconstruction error",
                                             first_step=1))
    print(f"\nwrote {', '.join(os.path.basename(f) for f in results['files'])} to {args.out}")
    return results


if __name__ == "__main__":
    main()

