"""Batch normalization's speed-up: epochs to reach a target accuracy with and without BatchNormalization.

The experiment of Ioffe and Szegedy (2015), on Fashion-MNIST: an MLP with three hidden layers of
100 units trained with plain SGD (learning rate 0.01, batches of 64) on the embedded 6,000-image
subset, once as Dense -> activation and once as Dense -> BatchNormalization -> activation (the
Dense layer then needs no bias: BN's beta replaces it). Both start from the same seed. After each
epoch the validation accuracy (the subset's 1,000 test images, inference mode, so BN uses its
moving averages) is compared with the target; the first epoch that reaches it is printed.

This is done for ReLU and for sigmoid hidden units (the paper's choice): with sigmoids, whose
gradient is at most 1/4, the plain network crawls, and normalizing the pre-activations into the
sigmoid's steep middle makes the difference largest. Counted in epochs, BN wins; each BN epoch
also costs more time (its extra operations), which is printed too.

Writes batchnorm_speedup.png: validation accuracy per epoch (target line, the epoch each model
reaches it marked) and training loss. Takes about 12 s on 2 cores (--quick: about 6 s).
Run: python examples/batchnorm_speedup.py [--quick] [--out DIR]
"""
import argparse
import os
import time

import numpy as np

import gradwork as gw
from gradwork.nn import Activation, BatchNormalization, Dense, Input


def load(n_train=6000):
    (x, y), (x_val, y_val) = gw.datasets.fashion_mnist.load_data(subset="mini")
    scale = lambda images: images.reshape(len(images), -1).astype(np.float32) / 255.0
    rng = np.random.default_rng(0)
    keep = np.sort(rng.permutation(len(x))[:n_train])      # the mini set is ordered by class
    return (scale(x[keep]), y[keep].astype(np.int64)), (scale(x_val), y_val.astype(np.int64))


def mlp(activation, batch_norm, hidden=(100, 100, 100)):
    layers = [Input(shape=(784,))]
    for units in hidden:
        if batch_norm:
            layers += [Dense(units, use_bias=False), BatchNormalization(), Activation(activation)]
        else:
            layers.append(Dense(units, activation=activation))
    layers.append(Dense(10, activation="softmax"))
    return gw.Sequential(layers)


def first_epoch_reaching(values, target):
    """1-based epoch of the first value >= target, or None."""
    hits = np.flatnonzero(np.asarray(values) >= target)
    return int(hits[0]) + 1 if len(hits) else None


def plot(results, target, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    activations = list(results)
    fig, axes = plt.subplots(2, len(activations), figsize=(5.2 * len(activations), 6.6), squeeze=False)
    for column, activation in enumerate(activations):
        top, bottom = axes[0, column], axes[1, column]
        for (label, r), color in zip(results[activation].items(), ("tab:gray", "tab:green")):
            epochs = np.arange(1, len(r["val_accuracy"]) + 1)
            reached = f"epoch {r['epochs_to_target']}" if r["epochs_to_target"] else "not reached"
            top.plot(epochs, r["val_accuracy"], "o-", ms=3.5, color=color,
                     label=f"{label} (target: {reached})")
            bottom.plot(epochs, r["loss"], "o-", ms=3.5, color=color, label=label)
            if r["epochs_to_target"]:
                e = r["epochs_to_target"]
                top.plot([e], [r["val_accuracy"][e - 1]], "*", ms=14, color=color, markeredgecolor="black")
        top.axhline(target, color="tab:red", ls="--", lw=1, label=f"target {target:g}")
        top.set_title(f"{activation} hidden units: validation accuracy", fontsize=10)
        top.set_ylabel("validation accuracy")
        bottom.set_title(f"{activation} hidden units: training loss", fontsize=10)
        bottom.set_ylabel("cross-entropy")
        for ax in (top, bottom):
            ax.set_xlabel("epoch")
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="3,000 images, batches of 32, 6 epochs, target 0.7 (a few seconds)")
    parser.add_argument("--epochs", type=int, default=None, help="default 12 (--quick: 6)")
    parser.add_argument("--train-size", type=int, default=None, help="training images (default 6000)")
    parser.add_argument("--target", type=float, default=None,
                        help="validation accuracy to reach (default 0.75)")
    parser.add_argument("--activations", default="relu,sigmoid", help="comma-separated hidden activations")
    parser.add_argument("--learning-rate", type=float, default=0.01)
    parser.add_argument("--batch-size", type=int, default=None, help="default 64 (--quick: 32)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join("runs", "examples", "batchnorm_speedup"))
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    epochs = args.epochs or (6 if args.quick else 12)
    args.target = args.target or (0.7 if args.quick else 0.75)
    args.batch_size = args.batch_size or (32 if args.quick else 64)
    train, val = load(args.train_size or (3000 if args.quick else 6000))
    print(f"{len(train[0])} training images, {len(val[0])} validation; MLP 784-100-100-100-10; "
          f"SGD {args.learning_rate:g}, batches of {args.batch_size}, {epochs} epochs; "
          f"target {args.target:g}\n")
    print(f"{'hidden units':14s} {'model':10s} {'epochs to target':>16s} {'best val acc':>12s} "
          f"{'s/epoch':>8s}")
    results, summary = {}, {"target": args.target, "epochs": epochs}
    for activation in args.activations.split(","):
        results[activation] = {}
        for label, batch_norm in (("plain", False), ("batch norm", True)):
            gw.random.seed(args.seed)
            model = mlp(activation, batch_norm)
            model.compile(optimizer=gw.optimizers.SGD(learning_rate=args.learning_rate),
                          loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            start = time.perf_counter()
            history = model.fit(*train, batch_size=args.batch_size, epochs=epochs, validation_data=val,
                                verbose=0)
            seconds = time.perf_counter() - start
            r = {"val_accuracy": history.history["val_accuracy"], "loss": history.history["loss"],
                 "epochs_to_target": first_epoch_reaching(history.history["val_accuracy"], args.target),
                 "seconds_per_epoch": seconds / epochs}
            results[activation][label] = r
            reached = r["epochs_to_target"] or f"> {epochs}"
            print(f"{activation:14s} {label:10s} {reached!s:>16s} {max(r['val_accuracy']):12.3f} "
                  f"{r['seconds_per_epoch']:8.2f}")
            key = f"{activation}_{'bn' if batch_norm else 'plain'}"
            summary[f"{key}_epochs_to_target"] = r["epochs_to_target"]
            summary[f"{key}_val_accuracy"] = r["val_accuracy"]
            summary[f"{key}_seconds_per_epoch"] = r["seconds_per_epoch"]
    summary["files"] = [plot(results, args.target, os.path.join(args.out, "batchnorm_speedup.png"))]
    print(f"\nwrote batchnorm_speedup.png to {args.out}")
    return summary


if __name__ == "__main__":
    main()
