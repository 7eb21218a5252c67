"""A network of any shape from a list of layer sizes: `build_mlp([784, 128, 64, 10], activation="relu")`.

The list gives the input size, then each hidden layer's width, then the number of classes; the
helper turns it into a Sequential model (Dense layers with the given hidden activation and a
softmax output), so trying another architecture is a one-line change. Several shapes are built
from their lists, summarised, trained briefly on the embedded Fashion-MNIST subset, and compared:
parameters, seconds per epoch, and test accuracy. A list with no hidden sizes, [784, 10], is
softmax regression.

Writes mlp_from_list.png (test accuracy per epoch, one line per shape). Takes about 5 s on 2 cores.
Run: python examples/mlp_from_list.py [--quick] [--sizes 784,128,64,10 --sizes 784,32,10 ...] [--out DIR]
"""
import argparse
import os
import time

import numpy as np

import gradwork as gw
from gradwork.nn import Dense, Input
from gradwork.plot import plot_loss_curves

DEFAULT_SIZES = ([784, 10], [784, 128, 64, 10], [784, 256, 256, 256, 10])


def build_mlp(sizes, activation="relu", output_activation="softmax", name=None):
    """A Sequential MLP from [inputs, hidden_1, ..., hidden_k, outputs].

    sizes : at least two positive integers. activation : the hidden layers' activation.
    output_activation : the last layer's ("softmax" for classes, None for regression).
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes must list an input size and an output size (positive integers), got {sizes}")
    layers = [Input(shape=(sizes[0],))]
    layers += [Dense(units, activation=activation) for units in sizes[1:-1]]
    layers.append(Dense(sizes[-1], activation=output_activation))
    return gw.Sequential(layers, name=name or "mlp_" + "_".join(map(str, sizes)))




def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 images, 2 epochs")
    parser.add_argument("--sizes", action="append", default=None,
                        help="comma-separated layer sizes, e.g. 784,128,64,10 (repeat for several networks)")
    parser.add_argument("--activation", default="relu")
    parser.add_argument("--epochs", type=int, default=None, help="default 5 (--quick: 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join("runs", "examples", "mlp_from_list"))
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    configs = [[int(s) for s in text.split(",")] for text in args.sizes or []] or list(DEFAULT_SIZES)
    epochs = args.epochs or (2 if args.quick else 5)
    (x, y), (x_test, y_test) = gw.datasets.fashion_mnist.load_data(subset="mini")
    x = x.reshape(len(x), -1).astype(np.float32) / 255.0
    x_test = x_test.reshape(len(x_test), -1).astype(np.float32) / 255.0
    keep = np.random.default_rng(args.seed).permutation(len(x))[: 2000 if args.quick else len(x)]
    x, y = x[keep], y[keep]

    results, curves = {"models": {}}, {}
    for sizes in configs:
        gw.random.seed(args.seed)
        model = build_mlp(sizes, activation=args.activation)
        print(f"\nbuild_mlp({sizes}, activation={args.activation!r})")
        model.summary()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        start = time.perf_counter()
        history = model.fit(x, y, batch_size=64, epochs=epochs, validation_data=(x_test, y_test), verbose=0)
        seconds = (time.perf_counter() - start) / epochs
        key = "-".join(map(str, sizes))
        curves[key] = history.history["val_accuracy"]
        results["models"][key] = {"params": model.count_params(),
                                  "test_accuracy": history.history["val_accuracy"][-1],
                                  "seconds_per_epoch": seconds, "layers": len(model.layers)}

    print(f"\n{len(x)} training images, {epochs} epochs of Adam, batches of 64\n")
    print(f"{'layer sizes':24s} {'weights':>9s} {'s/epoch':>8s} {'test accuracy':>14s}")
    for key, r in results["models"].items():
        print(f"{key:24s} {r['params']:9,d} {r['seconds_per_epoch']:8.2f} {r['test_accuracy']:14.3f}")
    path = os.path.join(args.out, "mlp_from_list.png")
    title = "networks built from lists of layer sizes"
    results["files"] = [plot_loss_curves(curves, path, xlabel="epoch", ylabel="test accuracy", title=title,
                                         first_step=1)]
    print(f"\nwrote mlp_from_list.png to {args.out}")
    return results


if __name__ == "__main__":
    main()

