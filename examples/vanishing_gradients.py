"""Vanishing gradients: the gradient norm of each layer of a 10-layer network, sigmoid against ReLU.

Backpropagation multiplies the gradient, layer by layer, by the activation's derivative and by the
layer's weights. Sigmoid's derivative is at most 1/4, so in a deep sigmoid network the gradient
shrinks by a roughly constant factor per layer and the layers near the input hardly learn; tanh's
derivative reaches 1 and ReLU's is exactly 1 where the unit is active, so their gradients keep
their size. The networks: 784 -> 10 hidden Dense layers of 100 -> 10 logits, the same Glorot-normal
initial weights (one seed) and a ReLU network with He initialization as well. For one batch of 256
Fashion-MNIST images (the embedded subset) the norm of each hidden kernel's gradient of the
cross-entropy is printed and plotted (log scale). Then each network is trained for two epochs with
the same SGD settings and batches, and the loss curves show what the gradients predicted.

Run: python examples/vanishing_gradients.py [--quick] [--out runs/examples/vanishing_gradients]
"""
import argparse
import os

import numpy as np

import gradwork as gw
from gradwork.nn import Dense, Input
from gradwork.plot.activations import plot_per_layer
from gradwork.plot.optimization import plot_loss_curves

NETWORKS = {  # label -> (hidden activation, kernel initializer)
    "sigmoid (Glorot)": ("sigmoid", "glorot_normal"),
    "tanh (Glorot)": ("tanh", "glorot_normal"),
    "ReLU (Glorot)": ("relu", "glorot_normal"),
    "ReLU (He)": ("relu", "he_normal"),
}


def build(activation, initializer, depth, units, seed):
    """784 -> `depth` Dense(units, activation) -> 10 logits; returns the model and its hidden layers."""
    gw.random.seed(seed)
    hidden = [Dense(units, activation=activation, kernel_initializer=initializer) for _ in range(depth)]
    return gw.Sequential([Input(shape=(784,)), *hidden, Dense(10)]), hidden


def gradient_norms(model, hidden, x, y, loss_fn):
    """The L2 norm of d loss / d kernel for each hidden layer, input side first."""
    loss = loss_fn(gw.tensor(y), model(gw.tensor(x), training=True))
    kernels = [layer.kernel for layer in hidden]
    grads = gw.grad(loss, kernels)
    return [float(np.linalg.norm(g.numpy())) for g in grads]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=10, help="hidden layers")
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--batch", type=int, default=256, help="images for the gradient norms")
    parser.add_argument("--train-size", type=int, default=6000, help="training images for the loss curves")
    parser.add_argument("--epochs", type=int, default=2, help="epochs for the loss curves")
    parser.add_argument("--learning-rate", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="one epoch on 1,024 images (for tests)")
    parser.add_argument("--out", default="runs/examples/vanishing_gradients", help="folder for the PNG files")
    args = parser.parse_args(argv)
    if args.quick:
        args.train_size, args.epochs = min(args.train_size, 1024), 1
    os.makedirs(args.out, exist_ok=True)

    (x, y), _ = gw.datasets.fashion_mnist.load_data(subset="mini")
    x = x.reshape(len(x), -1).astype(np.float32) / 255.0
    y = y.astype(np.int64)
    loss_fn = gw.losses.SparseCategoricalCrossentropy(from_logits=True)
    print(f"784 -> {args.depth} x Dense({args.units}) -> 10 on Fashion-MNIST; gradient norm of each hidden "
          f"kernel for a batch of {args.batch} images")
    print("  " + " " * 18 + "".join(f"{'layer ' + str(i + 1):>10}" for i in range(args.depth))
          + "   first / last")
    norms, curves = {}, {}
    batch_rng = np.random.default_rng(args.seed)
    orders = [batch_rng.permutation(args.train_size) for _ in range(args.epochs)]
    for label, (activation, initializer) in NETWORKS.items():
        model, hidden = build(activation, initializer, args.depth, args.units, args.seed)
        norms[label] = gradient_norms(model, hidden, x[:args.batch], y[:args.batch], loss_fn)
        print(f"  {label:<18}" + "".join(f"{n:>10.2e}" for n in norms[label])
              + f"   {norms[label][0] / norms[label][-1]:.1e}")
        model.compile(gw.optimizers.SGD(args.learning_rate), loss_fn)
        losses = []
        for order in orders:  # the same batches for every network
            for start in range(0, args.train_size, 64):
                idx = order[start:start + 64]
                losses.append(model.train_on_batch(x[idx], y[idx]))
        curves[label] = np.array(losses)

    print(f"\n{args.epochs} epoch{'s' * (args.epochs != 1)} of SGD (lr {args.learning_rate:g}, batch 64) "
          f"on {args.train_size} images: "
          "mean loss over the first and the last 10 batches")
    for label, losses in curves.items():
        print(f"  {label:<18} {losses[:10].mean():.4f} -> {losses[-10:].mean():.4f}")
    files = [
        plot_per_layer(norms, os.path.join(args.out, "gradient_norms.png"), ylabel="|| d loss / d kernel ||",
                       title=f"gradient norm per layer, {args.depth} hidden layers, at initialization"),
        plot_loss_curves(curves, os.path.join(args.out, "deep_training_loss.png"), xlabel="batch",
                         smooth=10,
                         title=f"{args.depth} hidden layers: training loss, SGD lr {args.learning_rate:g}"),
    ]
    print()
    for path in files:
        print(f"wrote {path}")
    return {"norms": norms, "losses": curves, "files": files}


if __name__ == "__main__":
    main()
