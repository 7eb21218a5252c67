"""Overfitting and three cures: L2 weight decay, dropout and early stopping, on 300 Fashion-MNIST images.

A big MLP (784-512-512-10, about 670,000 weights) trained with Adam on 300 images (30 per class,
from the embedded subset `fashion_mnist.load_data(subset="mini")`) learns them by heart within a
few epochs: training accuracy reaches 1.0 and training loss goes to 0 while the validation loss
(1,000 other images) turns round and climbs. The same network is then trained

- with L2 weight decay on every kernel (`kernel_regularizer=L2(0.01)`, Keras's default factor),
- with Dropout(0.5) after each hidden layer,
- without either but with EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True).

Each model starts from the same seed. Training and validation accuracy and cross-entropy are
measured after every epoch in inference mode (dropout off, no L2 penalty in the loss), so the
curves of all models are comparable. The overfitting gap is the mean over the last five epochs of
validation minus training cross-entropy (and training minus validation accuracy). On so few
images the regularizers shrink the loss gap by 30-40%, but they do not buy validation accuracy
(L2 even costs a little), so the accuracy gap shrinks only slightly: what they do is stop the
network from becoming certain of its mistakes. Early stopping restores the epoch of lowest
validation loss, which need not be the epoch of highest validation accuracy: an unregularized
network keeps getting a few more validation images right while it grows overconfident on the
ones it gets wrong (which is what raises the loss). `--monitor val_accuracy` watches accuracy instead.

Writes regularization_curves.png and early_stopping.png. Takes about 15 s on 2 cores
(--quick: about 6 s).
Run: python examples/regularization.py [--quick] [--out DIR]
"""
import argparse
import os
import time

import numpy as np

import gradwork as gw
from gradwork.nn import Dense, Dropout, Input


def small_fashion_mnist(n_train=300, n_val=1000):
    """`n_train` and `n_val` class-balanced, disjoint images from the embedded subset, scaled to [0, 1]."""
    (x, y), (x_test, y_test) = gw.datasets.fashion_mnist.load_data(subset="mini")
    x = x.reshape(len(x), -1).astype(np.float32) / 255.0
    y = y.astype(np.int64)
    per_class = [np.flatnonzero(y == k) for k in range(10)]
    train = np.concatenate([idx[: n_train // 10] for idx in per_class])
    val = np.concatenate([idx[n_train // 10: n_train // 10 + n_val // 10] for idx in per_class])
    return (x[train], y[train]), (x[val], y[val])


def big_mlp(width=512, l2=None, dropout=None):
    reg = gw.regularizers.L2(l2) if l2 else None
    layers = [Input(shape=(784,))]
    for _ in range(2):
        layers.append(Dense(width, activation="relu", kernel_regularizer=reg))
        if dropout:
            layers.append(Dropout(dropout))
    layers.append(Dense(10, activation="softmax", kernel_regularizer=reg))
    return gw.Sequential(layers)


def accuracy_and_cross_entropy(model, x, y):
    """Accuracy and mean cross-entropy of the model's predictions (inference mode, no penalty)."""
    p = model.predict(x, batch_size=1000, verbose=0)
    picked = np.clip(p[np.arange(len(y)), y], 1e-7, 1.0)
    return float(np.mean(p.argmax(axis=1) == y)), float(-np.mean(np.log(picked)))


class Measure(gw.callbacks.Callback):
    """After every epoch: accuracy and cross-entropy on the training and validation sets, inference mode."""

    def __init__(self, train, val):
        super().__init__()
        self.train, self.val = train, val
        self.curves = {"accuracy": [], "val_accuracy": [], "cross_entropy": [], "val_cross_entropy": []}

    def on_epoch_end(self, epoch, logs=None):
        for prefix, (x, y) in (("", self.train), ("val_", self.val)):
            acc, ce = accuracy_and_cross_entropy(self.model, x, y)
            self.curves[prefix + "accuracy"].append(acc)
            self.curves[prefix + "cross_entropy"].append(ce)


def run(name, model, train, val, epochs, batch_size, learning_rate, callbacks=()):
    model.compile(optimizer=gw.optimizers.Adam(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    measure = Measure(train, val)
    start = time.perf_counter()
    history = model.fit(*train, batch_size=batch_size, epochs=epochs, validation_data=val, verbose=0,
                        callbacks=[measure, *callbacks])
    c = {k: np.array(v) for k, v in measure.curves.items()}
    tail = slice(-5, None)
    result = {
        "curves": measure.curves,
        "history": history.history,
        "train_accuracy": float(c["accuracy"][-1]),
        "val_accuracy": float(c["val_accuracy"][-1]),
        "best_val_accuracy": float(c["val_accuracy"].max()),
        "accuracy_gap": float(np.mean(c["accuracy"][tail] - c["val_accuracy"][tail])),
        "loss_gap": float(np.mean(c["val_cross_entropy"][tail] - c["cross_entropy"][tail])),
        "seconds": time.perf_counter() - start,
    }
    print(f"{name:22s} {result['train_accuracy']:9.3f} {result['val_accuracy']:9.3f} "
          f"{result['best_val_accuracy']:9.3f} {result['accuracy_gap']:9.3f} {result['loss_gap']:9.3f} "
          f"{result['seconds']:6.1f} s")
    return result


def plot_studies(results, path):
    """One column per model: accuracy (top) and cross-entropy (bottom), the train-validation gap shaded."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, axes = plt.subplots(2, len(results), figsize=(4.2 * len(results), 6.4), sharey="row", squeeze=False)
    for column, (name, r) in enumerate(results.items()):
        c = r["curves"]
        epochs = np.arange(1, len(c["accuracy"]) + 1)
        for row, (key, label) in enumerate((("accuracy", "accuracy"), ("cross_entropy", "cross-entropy"))):
            ax = axes[row, column]
            ax.plot(epochs, c[key], "-", color="tab:blue", label="training")
            ax.plot(epochs, c["val_" + key], "-", color="tab:orange", label="validation")
            ax.fill_between(epochs, c[key], c["val_" + key], color="tab:red", alpha=0.12, label="gap")
            ax.set_xlabel("epoch")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(alpha=0.3)
            if column == 0:
                ax.set_ylabel(label)
            if row == 0:
                ax.set_title(f"{name}\nval accuracy {r['val_accuracy']:.3f}, gap {r['accuracy_gap']:.3f}",
                             fontsize=10)
            else:
                ax.set_title(f"loss gap {r['loss_gap']:.3f}", fontsize=10)
            ax.legend(fontsize=8, loc="lower right" if row == 0 else "upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_early_stopping(full, stopped, best_epoch, stopped_epoch, restored_accuracy, monitor, patience, path):
    """Validation loss of the unregularized run (all epochs) and of the early-stopped one."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    c_full, c_stop = full["curves"], stopped["curves"]
    full_epochs = np.arange(1, len(c_full["val_cross_entropy"]) + 1)
    ax.plot(full_epochs, c_full["val_cross_entropy"], ":", color="gray",
            label="validation, no early stopping")
    epochs = np.arange(1, len(c_stop["val_cross_entropy"]) + 1)
    ax.plot(epochs, c_stop["cross_entropy"], "-", color="tab:blue", label="training")
    ax.plot(epochs, c_stop["val_cross_entropy"], "-", color="tab:orange", label="validation")
    ax.axvline(best_epoch, color="tab:green", ls="--", label=f"best epoch {best_epoch} (weights restored)")
    ax.axvline(stopped_epoch, color="tab:red", ls="--", label=f"stopped after epoch {stopped_epoch}")
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("cross-entropy (inference mode)")
    ax.set_title(f"EarlyStopping(monitor='{monitor}', patience={patience}, restore_best_weights=True)\n"
                 f"restored weights: validation accuracy {restored_accuracy:.3f}", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 256-wide network, 200 images, 20 epochs")
    parser.add_argument("--epochs", type=int, default=None, help="default 30 (--quick: 20)")
    parser.add_argument("--train-size", type=int, default=None, help="training images (default 300)")
    parser.add_argument("--l2", type=float, default=0.01)
    parser.add_argument("--dropout", type=float, default=0.5)
    parser.add_argument("--patience", type=int, default=5)
    parser.add_argument("--monitor", default="val_loss", help="what EarlyStopping watches (or val_accuracy)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join("runs", "examples", "regularization"))
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    epochs = args.epochs or (20 if args.quick else 30)
    width = 256 if args.quick else 512
    train, val = small_fashion_mnist(args.train_size or (200 if args.quick else 300))
    settings = dict(epochs=epochs, batch_size=32, learning_rate=1e-3)
    print(f"{len(train[0])} training and {len(val[0])} validation images; MLP 784-{width}-{width}-10; "
          f"Adam 1e-3, batches of 32, {epochs} epochs\n")
    print(f"{'model':22s} {'train acc':>9s} {'val acc':>9s} {'best val':>9s} {'acc gap':>9s} "
          f"{'loss gap':>9s}")

    results = {}
    gw.random.seed(args.seed)
    results["no regularization"] = run("no regularization", big_mlp(width), train, val, **settings)
    gw.random.seed(args.seed)
    results[f"L2 {args.l2:g}"] = run(f"L2 {args.l2:g}", big_mlp(width, l2=args.l2), train, val, **settings)
    gw.random.seed(args.seed)
    name = f"dropout {args.dropout:g}"
    results[name] = run(name, big_mlp(width, dropout=args.dropout), train, val, **settings)
    gw.random.seed(args.seed)
    stop = gw.callbacks.EarlyStopping(monitor=args.monitor, patience=args.patience, restore_best_weights=True)
    model = big_mlp(width)
    early = run("early stopping", model, train, val, **settings, callbacks=[stop])
    epochs_run = len(early["curves"]["accuracy"])
    restored_acc, restored_ce = accuracy_and_cross_entropy(model, *val)
    best_epoch = stop.best_epoch + 1

    base = results["no regularization"]
    summary = {
        "loss_gap": {name: r["loss_gap"] for name, r in results.items()},
        "accuracy_gap": {name: r["accuracy_gap"] for name, r in results.items()},
        "val_accuracy": {name: r["val_accuracy"] for name, r in results.items()},
        "epochs": epochs,
        "early_stopping_epochs_run": epochs_run,
        "early_stopping_best_epoch": best_epoch,
        "early_stopping_restored_val_accuracy": restored_acc,
        "early_stopping_restored_val_loss": restored_ce,
        "early_stopping_best": float(stop.best),
    }
    print()
    for name, r in results.items():
        if r is not base:
            print(f"{name}: loss gap {base['loss_gap']:.3f} -> {r['loss_gap']:.3f} "
                  f"({100 * (1 - r['loss_gap'] / base['loss_gap']):.0f}% smaller), "
                  f"accuracy gap {base['accuracy_gap']:.3f} -> {r['accuracy_gap']:.3f}")
    print(f"early stopping: stopped after epoch {epochs_run} of {epochs}; best {args.monitor} "
          f"{stop.best:.4f} at epoch {best_epoch}; the restored weights give val accuracy {restored_acc:.3f} "
          f"(val loss {restored_ce:.4f})")

    summary["files"] = [
        plot_studies(results, os.path.join(args.out, "regularization_curves.png")),
        plot_early_stopping(base, early, best_epoch, epochs_run, restored_acc, args.monitor, args.patience,
                            os.path.join(args.out, "early_stopping.png")),
    ]
    print(f"\nwrote {', '.join(os.path.basename(f) for f in summary['files'])} to {args.out}")
    return summary


if __name__ == "__main__":
    main()
