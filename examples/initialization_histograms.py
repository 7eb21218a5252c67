"""How the initial weights shape a deep network's activations: the course's histogram experiment.

1,000 random inputs (standard normal, 100 features) go through 5 Dense layers of 100 units with
no training, for four initializations of the kernels (biases zero) and two activations:

- normal, std 0.01: the signal shrinks layer by layer. With sigmoid every unit outputs about 0.5
  (they all say the same thing); with ReLU the activations collapse towards 0.
- normal, std 1: with sigmoid the units saturate at 0 and 1, where the derivative vanishes;
  with ReLU the activations grow about sqrt(50) = 7 times per layer.
- Xavier (Glorot normal, variance 1 / n here): sigmoid's activations keep a broad spread.
- He (variance 2 / n): ReLU's activations keep the same spread in every layer.

Printed per layer: the standard deviation of the activations and, for sigmoid, the fraction of
saturated outputs (below 0.05 or above 0.95, where the slope is under 0.05); for ReLU, the fraction
of zero outputs and the number of dead units (zero for all 1,000 inputs). One PNG per activation:
a row per initialization, a column per layer.

Freshly initialized ReLU units are almost never dead: each is zero for about half of the inputs.
Units die in training, when a too-large step pushes a unit's bias and weights to where it is negative
for every input, so that its gradient is zero from then on. The last part shows it: the He/ReLU
network with a 10-way output trained for one epoch on the Fashion-MNIST subset with SGD at learning
rates 0.01, 0.1 and 0.5, and its dead units per layer counted on the 1,000 test images.

Run: python examples/initialization_histograms.py [--quick] [--out runs/examples/initialization_histograms]
"""
import argparse
import os

import numpy as np

import gradwork as gw
from gradwork.nn import Dense, Input
from gradwork.plot.activations import plot_activation_histograms, plot_per_layer

INITIALIZERS = {
    "std 0.01": lambda: gw.initializers.RandomNormal(stddev=0.01),
    "std 1": lambda: gw.initializers.RandomNormal(stddev=1.0),
    "Xavier": lambda: gw.initializers.GlorotNormal(),
    "He": lambda: gw.initializers.HeNormal(),
}
SATURATED = 0.05  # sigmoid outputs within this of 0 or 1 count as saturated


def forward_activations(x, activation, initializer, layers=5, units=100):
    """The outputs of each of `layers` Dense layers (kernels from `initializer`), as arrays."""
    outputs, h = [], gw.tensor(x)
    with gw.no_grad():
        for _ in range(layers):
            h = Dense(units, activation=activation, kernel_initializer=initializer())(h)
            outputs.append(h.numpy())
    return outputs


def layer_statistics(activation, outputs):
    """Per layer: the activations' std and the fraction of saturated (sigmoid) or zero (ReLU) outputs."""
    stats = {"std": [float(a.std()) for a in outputs], "mean": [float(a.mean()) for a in outputs]}
    if activation == "sigmoid":
        stats["saturated"] = [float(np.mean((a < SATURATED) | (a > 1 - SATURATED))) for a in outputs]
    else:
        stats["zero"] = [float(np.mean(a == 0)) for a in outputs]
        stats["dead_units"] = [int(np.sum(np.all(a == 0, axis=0))) for a in outputs]
    return stats


def dead_units(hidden_layers, x):
    """Per hidden layer: how many units output 0 for every row of x."""
    counts, h = [], gw.tensor(x)
    with gw.no_grad():
        for layer in hidden_layers:
            h = layer(h)
            counts.append(int(np.sum(np.all(h.numpy() == 0, axis=0))))
    return counts


def dying_relu(learning_rates, layers, units, train_size, seed):
    """Dead units per layer of a He/ReLU network before and after one epoch of SGD at each rate."""
    (x, y), (x_test, y_test) = gw.datasets.fashion_mnist.load_data(subset="mini")
    x = x[:train_size].reshape(-1, 784).astype(np.float32) / 255.0
    y = y[:train_size].astype(np.int64)
    x_test = x_test.reshape(-1, 784).astype(np.float32) / 255.0
    counts, accuracy = {}, {}
    print(f"\ndying ReLU: {layers} x {units} ReLU (He) + 10-way output, one epoch of SGD (batch 64) on "
          f"{len(x)} Fashion-MNIST images; dead units per layer on the {len(x_test)} test images")
    for lr in [None, *learning_rates]:
        gw.random.seed(seed)
        hidden = [Dense(units, activation="relu", kernel_initializer="he_normal") for _ in range(layers)]
        model = gw.Sequential([Input(shape=(784,)), *hidden, Dense(10)])
        label = "initial" if lr is None else f"SGD lr {lr:g}"
        acc = float("nan")
        if lr is not None:
            model.compile(gw.optimizers.SGD(lr), gw.losses.SparseCategoricalCrossentropy(from_logits=True),
                          metrics=["accuracy"])
            with np.errstate(all="ignore"):
                try:
                    model.fit(x, y, batch_size=64, epochs=1, verbose=0)
                    acc = model.evaluate(x_test, y_test, batch_size=500, verbose=0)[1]
                except FloatingPointError:  # the loss became NaN: training diverged
                    acc = float("nan")
        counts[label], accuracy[label] = dead_units(hidden, x_test), acc
        print(f"  {label:<13} dead units {' '.join(f'{c:3d}' for c in counts[label])}"
              f"   test accuracy {'-' if acc != acc else f'{acc:.3f}'}")
    return counts, accuracy


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--layers", type=int, default=5)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="300 samples, 1,024 training images (for tests)")
    parser.add_argument("--out", default="runs/examples/initialization_histograms",
                        help="folder for the PNG files")
    args = parser.parse_args(argv)
    if args.quick:
        args.samples = min(args.samples, 300)
    os.makedirs(args.out, exist_ok=True)

    gw.random.seed(args.seed)
    x = gw.random.get_generator().standard_normal((args.samples, args.units)).astype(np.float32)
    print(f"{args.samples} inputs ~ N(0, 1) through {args.layers} Dense layers of {args.units} units "
          "(no training)")
    results, files = {}, []
    for activation in ("sigmoid", "relu"):
        results[activation], rows, notes = {}, {}, {}
        print(f"\n{activation}")
        for name, make in INITIALIZERS.items():
            gw.random.seed(args.seed + 1)  # the same draws behind each initializer's scaling
            outputs = forward_activations(x, activation, make, args.layers, args.units)
            stats = layer_statistics(activation, outputs)
            results[activation][name] = stats
            std = " ".join(f"{v:9.4g}" for v in stats["std"])
            if activation == "sigmoid":
                extra = "saturated " + " ".join(f"{v:5.1%}" for v in stats["saturated"])
                notes[name] = [f"std {s:.3g}, saturated {v:.0%}"
                               for s, v in zip(stats["std"], stats["saturated"])]
                rows[name] = outputs
            else:
                extra = ("zero " + " ".join(f"{v:5.1%}" for v in stats["zero"])
                         + "   dead units " + " ".join(str(d) for d in stats["dead_units"]))
                notes[name] = [f"std {s:.3g}, zero {v:.0%}" for s, v in zip(stats["std"], stats["zero"])]
                rows[name] = [a[a > 0] for a in outputs]  # the zeros are counted in the notes instead
            print(f"  {name:<9} std by layer {std}   {extra}")
        if activation == "sigmoid":
            value_range, what = (0.0, 1.0), "sigmoid outputs"
        else:
            value_range, what = None, "ReLU outputs above 0 (each row on its own scale)"
        files.append(plot_activation_histograms(
            rows, os.path.join(args.out, f"init_histograms_{activation}.png"), value_range=value_range,
            notes=notes, title=f"{what}, {args.layers} layers of {args.units}, one row per initialization"))
    counts, accuracy = dying_relu((0.01, 0.1, 0.5), args.layers, args.units, 1024 if args.quick else 6000,
                                  args.seed)
    files.append(plot_per_layer(counts, os.path.join(args.out, "dying_relu.png"),
                                ylabel=f"dead units (of {args.units})", logy=False,
                                title="ReLU units that output 0 for every test image"))
    print()
    for path in files:
        print(f"wrote {path}")
    return {"results": results, "dead_units": counts, "dying_accuracy": accuracy, "files": files}


if __name__ == "__main__":
    main()
