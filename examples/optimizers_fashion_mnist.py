"""SGD, Momentum, Nesterov, AdaGrad, RMSprop and Adam training the same network on Fashion-MNIST.

The course's comparison: a multilayer network (784-100-100-100-100-10, ReLU, He initialization)
trained with mini-batches of 128 by each optimizer in turn, from the same initial weights and with
the same batches, on the embedded 6,000-image training subset (`load_data(subset="mini")`, no
download). The mini-batch losses of all six go into one figure (smoothed, the raw values faint),
and each trained network is scored on the 1,000 test images.

Takes about 10 seconds on an idle 2-core CPU at the defaults.
Run: python examples/optimizers_fashion_mnist.py [--epochs 10] [--quick]
         [--out runs/examples/optimizers_fashion_mnist]
"""
import argparse
import os
import time

import numpy as np

import gradwork as gw
from gradwork.nn import Dense, Input
from gradwork.plot.optimization import plot_loss_curves

# The course's learning rates: 0.01 for the SGD family and AdaGrad, 0.001 for RMSprop and Adam.
LEARNING_RATES = {"SGD": 0.01, "Momentum": 0.01, "Nesterov": 0.01, "AdaGrad": 0.01, "RMSprop": 0.001,
                  "Adam": 0.001}


def make_optimizer(name, learning_rate):
    """One of the six optimizers by its course name, as a gradwork optimizer."""
    opt = gw.optimizers
    if name == "SGD":
        return opt.SGD(learning_rate)
    if name == "Momentum":
        return opt.SGD(learning_rate, momentum=0.9)
    if name == "Nesterov":
        return opt.SGD(learning_rate, momentum=0.9, nesterov=True)
    if name == "AdaGrad":  # the course's AdaGrad starts its sum of squares at 0 (Keras starts at 0.1)
        return opt.Adagrad(learning_rate, initial_accumulator_value=0.0)
    if name == "RMSprop":
        return opt.RMSprop(learning_rate)
    if name == "Adam":
        return opt.Adam(learning_rate)
    raise ValueError(f"unknown optimizer {name!r}")


def build_mlp(hidden=(100, 100, 100, 100), seed=0):
    """784 -> hidden ReLU layers (He normal) -> 10 logits; the same weights for the same seed."""
    gw.random.seed(seed)
    layers = [Input(shape=(784,))]
    layers += [Dense(units, activation="relu", kernel_initializer="he_normal") for units in hidden]
    layers.append(Dense(10))
    return gw.Sequential(layers)


def load(train_size=None):
    """The embedded subset, flattened to 784 features in [0, 1]."""
    (x, y), (x_test, y_test) = gw.datasets.fashion_mnist.load_data(subset="mini")
    x = x.reshape(len(x), -1).astype(np.float32) / 255.0
    x_test = x_test.reshape(len(x_test), -1).astype(np.float32) / 255.0
    if train_size:
        x, y = x[:train_size], y[:train_size]
    return (x, y.astype(np.int64)), (x_test, y_test.astype(np.int64))


def train(name, data, epochs, batch_size, seed):
    """Train a fresh network with optimizer `name`; return its mini-batch losses and test accuracy."""
    (x, y), (x_test, y_test) = data
    model = build_mlp(seed=seed)
    model.compile(make_optimizer(name, LEARNING_RATES[name]),
                  gw.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    order_rng = np.random.default_rng(seed)  # the same batches, in the same order, for every optimizer
    losses = []
    for _ in range(epochs):
        order = order_rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
            losses.append(model.train_on_batch(x[idx], y[idx], return_dict=True)["loss"])
    test_loss, test_accuracy = model.evaluate(x_test, y_test, batch_size=500, verbose=0)
    return np.array(losses), test_loss, test_accuracy


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--train-size", type=int, default=None, help="use only the first N training images")
    parser.add_argument("--optimizers", default=",".join(LEARNING_RATES), help="comma-separated names")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="1 epoch on 1,024 images (for tests)")
    parser.add_argument("--out", default="runs/examples/optimizers_fashion_mnist",
                        help="folder for the PNG file")
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs, args.train_size = 1, args.train_size or 1024
    names = [n.strip() for n in args.optimizers.split(",") if n.strip()]
    os.makedirs(args.out, exist_ok=True)

    data = load(args.train_size)
    steps = args.epochs * -(-len(data[0][0]) // args.batch_size)
    print(f"Fashion-MNIST subset: {len(data[0][0])} training / {len(data[1][0])} test images; "
          f"784-100-100-100-100-10 ReLU MLP, He init, batch {args.batch_size}, "
          f"{args.epochs} epoch{'s' * (args.epochs != 1)} "
          f"({steps} updates per optimizer)\n")
    print(f"  {'optimizer':<10}{'lr':>7}{'first loss':>12}{'last-epoch loss':>17}{'test loss':>11}"
          f"{'test acc':>10}{'time':>8}")
    curves, results = {}, {}
    per_epoch = steps // args.epochs
    for name in names:
        t0 = time.perf_counter()
        losses, test_loss, test_accuracy = train(name, data, args.epochs, args.batch_size, args.seed)
        seconds = time.perf_counter() - t0
        curves[name] = losses
        results[name] = {"losses": losses, "last_epoch_loss": float(losses[-per_epoch:].mean()),
                         "test_loss": float(test_loss), "test_accuracy": float(test_accuracy)}
        print(f"  {name:<10}{LEARNING_RATES[name]:>7g}{losses[0]:>12.4f}{losses[-per_epoch:].mean():>17.4f}"
              f"{test_loss:>11.4f}{test_accuracy:>10.4f}{seconds:>7.1f}s")
    path = plot_loss_curves(curves, os.path.join(args.out, "optimizers_fashion_mnist.png"),
                            xlabel="iteration",
                            smooth=max(1, min(20, steps // 10)),
                            title="Fashion-MNIST (subset): training loss per mini-batch")
    print(f"\nwrote {path}")
    return {"results": results, "files": [path]}


if __name__ == "__main__":
    main()
