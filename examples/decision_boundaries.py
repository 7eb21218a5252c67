"""Decision boundaries: what a perceptron can separate, what a hidden layer adds, and what depth adds.

1. A perceptron (one Dense unit with a sigmoid, i.e. logistic regression) on two separable blobs:
   its boundary is the straight line w1*x1 + w2*x2 + b = 0, printed from the learned weights.
2. XOR: the perceptron cannot get all four points right; an MLP with one hidden layer can.
3. One MLP on each of three generated sets: the 3-arm spiral, moons and circles.
4. Shallow vs deep on the classic two-spiral problem (two interleaved arms winding 1.5 turns):
   one hidden layer of a few units against three hidden layers. The deep net has many more
   parameters too; the point is what the course shows, that the few-unit shallow net cannot bend
   its boundary enough, and that stacking layers can.

Writes perceptron.png, xor.png, datasets.png and deep_vs_shallow.png (filled maps of the predicted
class with the points on top). Takes about 12 s on 2 cores (--quick: about 6 s).
Run: python examples/decision_boundaries.py [--quick] [--out DIR]
"""
import argparse
import os
import time

import numpy as np

import gradwork as gw
from gradwork.nn import Dense, Input
from gradwork.plot.boundaries import plot_decision_boundaries, plot_decision_boundary


def two_spirals(n_samples=400, turns=1.5, noise=0.03, seed=0):
    """Lang and Witbrock's two-spiral problem: two arms of a spiral, one the other rotated by 180 degrees.

    Points are spread evenly along each arm's length (radius grows with the angle).
    Returns: x float32 (n_samples, 2) inside about the unit disc, y int64 (n_samples,) in {0, 1}.
    """
    rng = np.random.default_rng(seed)
    half = n_samples // 2
    angle = np.sqrt(rng.uniform(0.0, 1.0, half)) * turns * 2 * np.pi   # sqrt: uniform along the arm
    radius = angle / (turns * 2 * np.pi)
    arm = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    x = np.concatenate([arm, -arm]) + rng.normal(0.0, noise, (2 * half, 2))
    y = np.repeat([0, 1], half)
    order = rng.permutation(2 * half)
    return x[order].astype(np.float32), y[order].astype(np.int64)


def mlp(hidden, n_classes, activation="relu"):
    """2 inputs -> hidden layers -> one sigmoid unit (two classes) or a softmax (more)."""
    layers = [Input(shape=(2,))] + [Dense(units, activation=activation) for units in hidden]
    if n_classes == 2:
        layers.append(Dense(1, activation="sigmoid"))
    else:
        layers.append(Dense(n_classes, activation="softmax"))
    return gw.Sequential(layers)


def train(model, x, y, epochs, learning_rate=0.01, batch_size=32):
    """Fit with Adam and the matching cross-entropy; return the training accuracy."""
    binary = model.layers[-1].units == 1
    model.compile(optimizer=gw.optimizers.Adam(learning_rate=learning_rate),
                  loss="binary_crossentropy" if binary else "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    targets = y.astype(np.float32)[:, None] if binary else y
    model.fit(x, targets, batch_size=batch_size, epochs=epochs, verbose=0)
    return accuracy(model, x, y)


def accuracy(model, x, y):
    out = model.predict(x, batch_size=1024, verbose=0)
    predicted = (out[:, 0] > 0.5).astype(np.int64) if out.shape[1] == 1 else out.argmax(axis=1)
    return float(np.mean(predicted == y))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer points and epochs (a few seconds)")
    parser.add_argument("--epochs", type=int, default=None, help="epochs for the spiral models (default 300)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join("runs", "examples", "decision_boundaries"))
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    n_points = 200 if args.quick else 300
    epochs = args.epochs or (150 if args.quick else 300)
    gw.random.seed(args.seed)
    start = time.perf_counter()
    results = {"files": []}

    # 1. a perceptron on a linearly separable set
    x, y = gw.datasets.blobs(n_points, centers=[(-1.5, -1.0), (1.5, 1.0)], cluster_std=0.6, seed=args.seed)
    perceptron = mlp([], 2)
    results["perceptron_accuracy"] = train(perceptron, x, y, epochs=60 if args.quick else 100,
                                           learning_rate=0.05)
    (w1, w2), b = perceptron.layers[-1].kernel.data[:, 0], perceptron.layers[-1].bias.data[0]
    results["perceptron_line"] = (float(w1), float(w2), float(b))
    print("1. perceptron (one sigmoid unit) on two separable blobs")
    print(f"   boundary: {w1:+.3f} * x1 {w2:+.3f} * x2 {b:+.3f} = 0   "
          f"(x2 = {-w1 / w2:.3f} * x1 {-b / w2:+.3f});  accuracy {results['perceptron_accuracy']:.3f}")
    results["files"].append(plot_decision_boundary(
        perceptron, x, y, os.path.join(args.out, "perceptron.png"),
        title=f"perceptron: {w1:+.2f} x1 {w2:+.2f} x2 {b:+.2f} = 0"))

    # 2. XOR: a perceptron versus one hidden layer
    x, y = gw.datasets.xor()
    lonely = mlp([], 2)
    results["perceptron_xor_accuracy"] = train(lonely, x, y, epochs=300, learning_rate=0.05, batch_size=4)
    xor_net = mlp([8], 2, activation="tanh")
    results["xor_mlp_accuracy"] = train(xor_net, x, y, epochs=300, learning_rate=0.05, batch_size=4)
    outputs = xor_net.predict(x, verbose=0)[:, 0]
    results["xor_outputs"] = outputs.tolist()
    print("\n2. XOR")
    print(f"   perceptron accuracy {results['perceptron_xor_accuracy']:.2f} "
          "(no line separates XOR: at most 0.75)")
    print(f"   MLP 2-8-1 (tanh) accuracy {results['xor_mlp_accuracy']:.2f}")
    print("    x1 x2 | XOR | MLP output")
    for (a, c), target, p in zip(x.astype(int), y, outputs):
        print(f"     {a}  {c} |  {target}  | {p:.3f}")
    results["files"].append(plot_decision_boundaries(
        [(lonely, x, y, "perceptron on XOR"), (xor_net, x, y, "MLP 2-8-1 on XOR")],
        os.path.join(args.out, "xor.png"), margin=0.3))

    # 3. one MLP on each generated set
    sets = {
        "spiral (3 arms)": gw.datasets.spiral(n_points, n_classes=3, noise=0.2, seed=args.seed),
        "moons": gw.datasets.moons(n_points, noise=0.15, seed=args.seed),
        "circles": gw.datasets.circles(n_points, noise=0.08, factor=0.5, seed=args.seed),
    }
    print("\n3. MLP 2-32-32-out (relu) on generated sets")
    panels = []
    for name, (x, y) in sets.items():
        model = mlp([32, 32], int(y.max()) + 1)
        acc = train(model, x, y, epochs=epochs // 2)
        results[f"{name.split()[0]}_accuracy"] = acc
        print(f"   {name:16s} training accuracy {acc:.3f}")
        panels.append((model, x, y, name))
    results["files"].append(plot_decision_boundaries(panels, os.path.join(args.out, "datasets.png")))

    # 4. shallow vs deep on the two spirals
    x, y = two_spirals(240 if args.quick else 400, seed=args.seed)
    x_test, y_test = two_spirals(1000, seed=args.seed + 1)
    print(f"\n4. shallow vs deep on the two-spiral problem ({len(x)} training points, {epochs} epochs)")
    panels = []
    for name, hidden in [("shallow", [8]), ("deep", [32, 32, 32])]:
        model = mlp(hidden, 2)
        acc = train(model, x, y, epochs=epochs)
        test_acc = accuracy(model, x_test, y_test)
        label = f"{name}: 2-{'-'.join(map(str, hidden))}-1, {model.count_params()} weights"
        results[f"{name}_accuracy"], results[f"{name}_test_accuracy"] = acc, test_acc
        results[f"{name}_params"] = model.count_params()
        print(f"   {label:40s} training accuracy {acc:.3f}, test accuracy {test_acc:.3f}")
        panels.append((model, x, y, label))
    results["files"].append(plot_decision_boundaries(panels, os.path.join(args.out, "deep_vs_shallow.png")))

    results["seconds"] = time.perf_counter() - start
    print(f"\nwrote {', '.join(os.path.basename(f) for f in results['files'])} to {args.out} "
          f"in {results['seconds']:.1f} s")
    return results


if __name__ == "__main__":
    main()
