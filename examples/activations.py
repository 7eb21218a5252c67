"""Activation functions, their derivatives, and what the choice does to training.

1. Every activation of the course (step, sigmoid, tanh, ReLU, leaky ReLU, ELU, SELU, swish, GELU,
   softplus) drawn with its derivative, which gradwork's autograd computes; softmax, which maps a
   vector to probabilities, drawn as bars for the course's vector (0.3, 2.9, 4.0). The values and
   derivatives at x = -1, 1, 2 are printed, and softmax on large logits shows why it subtracts the
   maximum first.
2. The same network (2-64-64-3, Glorot initialization, plain SGD with learning rate 0.3, batches
   of 32, the same initial weights and batch order) trained on the 3-class spiral with sigmoid,
   tanh and ReLU hidden units: sigmoid's small derivative (at most 1/4) makes it learn far more
   slowly. Final accuracies are printed; the loss and accuracy curves and the decision regions drawn.

Takes about 10 seconds. Run: python examples/activations.py [--quick] [--out runs/examples/activations]
"""
import argparse
import os

import numpy as np

import gradwork as gw
from gradwork.nn import Dense, Input
from gradwork.nn import functional as F
from gradwork.plot.activations import get_activation, plot_activations, value_and_derivative
from gradwork.plot.boundaries import plot_decision_boundaries
from gradwork.plot.optimization import plot_loss_curves

ACTIVATIONS = ["step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "swish", "gelu", "softplus",
               "softmax"]
COMPARED = ["sigmoid", "tanh", "relu"]


def show_activations(out):
    """Print the activations at the course's points and draw them all; return the values and the file."""
    x = np.array([-1.0, 1.0, 2.0])
    print(f"activations and their derivatives (from autograd) at x = {x}")
    table = {}
    for name in ACTIVATIONS[:-1]:
        label, fn = get_activation(name)
        values, slopes = value_and_derivative(fn, x)
        table[label] = (values, slopes)
        print(f"  {label:<11} f(x) = " + " ".join(f"{v:9.5f}" for v in values)
              + "    f'(x) = " + " ".join(f"{v:9.5f}" for v in slopes))
    z = np.array([0.3, 2.9, 4.0])
    p = F.softmax(gw.tensor(z)).numpy()
    print(f"\nsoftmax({z}) = {p}, sum {p.sum():.6f}")
    big = np.array([1010.0, 1000.0, 990.0])
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(big) / np.sum(np.exp(big))
    stable = F.softmax(gw.tensor(big)).numpy()
    print(f"softmax({big}):\n  exp(z) / sum(exp(z))            = {naive}  (exp overflows)\n"
          f"  after subtracting the maximum   = {stable}")
    path = plot_activations(ACTIVATIONS, os.path.join(out, "activations.png"))
    return table, p, stable, path


def compare_hidden_activations(out, epochs, seed=0):
    """Train the same network with each hidden activation; return accuracies, histories and files."""
    x, y = gw.datasets.spiral(n_samples=300, n_classes=3, noise=0.2, seed=seed)
    x_val, y_val = gw.datasets.spiral(n_samples=300, n_classes=3, noise=0.2, seed=seed + 1)
    print(f"\nthe same 2-64-64-3 network on a 3-class spiral (300 training / 300 validation points), "
          f"SGD lr 0.3, batch 32, {epochs} epochs")
    print(f"  {'hidden':<9}{'loss':>9}{'train acc':>11}{'val acc':>9}   val acc after epoch 1, 25%, 50%, 75%")
    models, histories, results = {}, {}, {}
    for act in COMPARED:
        gw.random.seed(seed)  # same initial weights (same shapes, same draws) and same batch order
        model = gw.Sequential([Input(shape=(2,)), Dense(64, activation=act), Dense(64, activation=act),
                               Dense(3)])
        model.compile(gw.optimizers.SGD(0.3), gw.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
        history = model.fit(x, y, batch_size=32, epochs=epochs, verbose=0,
                            validation_data=(x_val, y_val)).history
        models[act], histories[act] = model, history
        results[act] = {"loss": history["loss"][-1], "accuracy": history["accuracy"][-1],
                        "val_accuracy": history["val_accuracy"][-1]}
        marks = [history["val_accuracy"][max(0, int(epochs * q) - 1)] for q in (0, 0.25, 0.5, 0.75)]
        print(f"  {act:<9}{history['loss'][-1]:>9.4f}{history['accuracy'][-1]:>11.4f}"
              f"{history['val_accuracy'][-1]:>9.4f}   " + "  ".join(f"{m:.3f}" for m in marks))
    epochs_axis = np.arange(1, epochs + 1)
    files = [
        plot_loss_curves({a: (epochs_axis, h["loss"]) for a, h in histories.items()},
                         os.path.join(out, "hidden_activation_loss.png"), xlabel="epoch",
                         ylabel="training loss", logy=True,
                         title="spiral, 2-64-64-3, SGD lr 0.3: training loss"),
        plot_loss_curves({a: (epochs_axis, h["val_accuracy"]) for a, h in histories.items()},
                         os.path.join(out, "hidden_activation_accuracy.png"), xlabel="epoch",
                         ylabel="validation accuracy",
                         title="spiral, 2-64-64-3, SGD lr 0.3: validation accuracy"),
        plot_decision_boundaries([(models[a], x_val, y_val, f"{a} hidden units") for a in COMPARED],
                                 os.path.join(out, "hidden_activation_boundaries.png"), resolution=120),
    ]
    return results, files


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100, help="epochs for each network in the comparison")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="40 epochs (for tests)")
    parser.add_argument("--out", default="runs/examples/activations", help="folder for the PNG files")
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs = min(args.epochs, 40)
    os.makedirs(args.out, exist_ok=True)

    table, softmax_values, softmax_big, figure = show_activations(args.out)
    results, files = compare_hidden_activations(args.out, args.epochs, args.seed)
    files = [figure, *files]
    print()
    for path in files:
        print(f"wrote {path}")
    return {"table": table, "softmax": softmax_values, "softmax_large": softmax_big, "comparison": results,
            "files": files}


if __name__ == "__main__":
    main()
