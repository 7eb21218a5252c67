"""MNIST-1D: the four models of Greydanus's paper, trained with its protocol, next to its table.

MNIST-1D (Greydanus, "Scaling down deep learning", 2020) turns ten hand-drawn 1-D templates (one per
digit) into 5,000 signals of 40 points each by padding, shearing, scaling, shifting and adding
noise: 4,000 to train on and 1,000 to test. It is small enough to train on a CPU in minutes, yet it
separates the model families the way MNIST no longer does: a linear model reaches about a third of
the test signals, an MLP about two thirds, and the models built for sequences (a CNN and a GRU)
around 90%, because the digit's shape can appear anywhere along the 40 points.

The models, as in the paper's code (`mnist1d/models.py`):
    linear  Dense 40 -> 10
    MLP     Dense 40 -> 100 (ReLU), a residual block h + ReLU(Dense 100 -> 100 (h)), Dense 100 -> 10
    CNN     three Conv1D with 25 channels (kernels 5, 3, 3; stride 2; one zero on each side, i.e.
            PyTorch's padding=1), ReLU after each: 40 -> 19 -> 10 -> 5 steps, Flatten, Dense 125 -> 10
    GRU     Bidirectional(GRU(6, return_sequences=True)): (40, 12), Flatten, Dense 480 -> 10
The protocol, as in the paper's `train.py`: cross-entropy on the logits, Adam with learning rate
1e-2 (and PyTorch's epsilon, 1e-8), batches of 100, 6,000 steps taking the training signals in
order (no shuffling: consecutive batches, wrapping around; here `fit(shuffle=False)` for 150
epochs), accuracy on the test signals.

Initialization (`--init`): "torch" (the default) draws every weight and bias as the paper's PyTorch
layers do, uniformly in +-1/sqrt(fan_in) (fan_in = the inputs of one unit: 40 for the linear model,
kernel size x channels for a convolution, the number of units for the GRU); "keras" keeps Keras's
defaults (glorot_uniform kernels, orthogonal recurrent kernels, zero biases).

The data are generated here (`mnist1d.data.make_dataset` with the paper's arguments, seed 42), not
downloaded: needs `pip install mnist1d`. Writes samples.png (a few signals of each digit) and
accuracy.png (test accuracy every 400 steps, for the four models). Measured (seed 0): linear 0.313,
MLP 0.656, CNN 0.940, GRU 0.893 (seeds 1 and 2: 0.917, 0.898; PyTorch's own GRU, seeds 0 and 1:
0.918, 0.896). Takes 3 to 8 minutes on 2 shared cores, most of it the GRU (--quick: 2,000
signals and 160 steps, about 15 s).
Run: python examples/mnist1d_paper.py [--quick] [--init torch|keras] [--models linear,mlp,cnn,gru] [--out DIR]
"""
import argparse
import math
import os
import time

import numpy as np

import gradwork as gw
from gradwork.nn import Conv1D, Dense, Flatten, Input, Layer, Reshape, ZeroPadding1D
from gradwork.plot import _backend
from gradwork.plot.optimization import plot_loss_curves

LENGTH = 40
# the paper's Table 1 and the authors' own re-runs of it (the accuracies this example aims at)
PUBLISHED = {"linear": (0.32, 0.31), "mlp": (0.68, 0.65), "cnn": (0.94, 0.92), "gru": (0.91, 0.89)}


def load_mnist1d(num_samples=5000):
    """(x, y), (x_test, y_test): float32 signals (n, 40) and int64 digits, made by the `mnist1d`
    package with the paper's arguments (seed 42); 80% for training. num_samples: 5000 in the paper."""
    try:
        from mnist1d.data import get_dataset_args, make_dataset
    except ImportError:
        raise SystemExit("mnist1d_paper.py needs the mnist1d package: pip install mnist1d") from None
    args = get_dataset_args()
    args.num_samples = num_samples
    state = np.random.get_state()      # make_dataset seeds NumPy's global generator; leave it as it was
    data = make_dataset(args)
    np.random.set_state(state)
    return ((data["x"].astype(np.float32), data["y"].astype(np.int64)),
            (data["x_test"].astype(np.float32), data["y_test"].astype(np.int64)))


class Residual(Layer):
    """x + inner(x): a skip connection around one layer whose output has the input's shape."""

    def __init__(self, inner, **kwargs):
        super().__init__(**kwargs)
        self.inner = inner

    def call(self, inputs):
        return inputs + self.inner(inputs)


def torch_default(fan_in):
    """PyTorch's default draw for the weights and biases of a layer with `fan_in` inputs per unit
    (Linear, Conv1d, GRU): uniform in +-1/sqrt(fan_in)."""
    bound = 1.0 / math.sqrt(fan_in)
    return gw.initializers.RandomUniform(-bound, bound)


def _init_args(init, fan_in, *names):
    """{name: PyTorch's draw} for each initializer argument `names` of a layer; {} under --init keras
    (the layer keeps its Keras defaults)."""
    return {} if init == "keras" else {name: torch_default(fan_in) for name in names}


def dense(units, fan_in, init, activation=None):
    """A Dense layer of `units` taking `fan_in` inputs, initialized as `init` says."""
    initializers = _init_args(init, fan_in, "kernel_initializer", "bias_initializer")
    return Dense(units, activation=activation, **initializers)


def build_model(kind, init="torch", num_classes=10):
    """One of the paper's four models ("linear", "mlp", "cnn", "gru") taking signals (batch, 40) to logits."""
    layers = [Input(shape=(LENGTH,))]
    if kind == "linear":
        layers.append(dense(num_classes, LENGTH, init))
    elif kind == "mlp":
        layers += [dense(100, LENGTH, init, "relu"), Residual(dense(100, 100, init, "relu")),
                   dense(num_classes, 100, init)]
    elif kind == "cnn":
        layers.append(Reshape((LENGTH, 1)))
        channels, steps = 1, LENGTH
        for kernel in (5, 3, 3):
            layers += [ZeroPadding1D(1), Conv1D(25, kernel, strides=2, activation="relu",
                                               **_init_args(init, kernel * channels, "kernel_initializer",
                                                            "bias_initializer"))]
            channels, steps = 25, (steps + 2 - kernel) // 2 + 1
        layers += [Flatten(), dense(num_classes, channels * steps, init)]
    elif kind == "gru":
        units = 6
        gru = gw.nn.GRU(units, return_sequences=True,
                        **_init_args(init, units, "kernel_initializer", "recurrent_initializer",
                                     "bias_initializer"))
        layers += [Reshape((LENGTH, 1)), gw.nn.Bidirectional(gru), Flatten(),
                   dense(num_classes, 2 * units * LENGTH, init)]
    else:
        raise ValueError(f"build_model: unknown model {kind!r}; expected linear, mlp, cnn or gru")
    return gw.Sequential(layers, name=kind)


def train(kind, data, steps, eval_every, init, batch_size=100, lr=1e-2):
    """Train one model with the paper's protocol; returns (model, test accuracy, seconds, curve) where
    curve = (steps, test accuracies) measured every `eval_every` steps (rounded to whole epochs);
    seconds: the wall time of `fit`, those measurements included."""
    (x, y), (x_test, y_test) = data
    steps_per_epoch = len(x) // batch_size
    model = build_model(kind, init)
    # epsilon 1e-8: PyTorch's Adam, as in the paper (Keras's default is 1e-7)
    model.compile(optimizer=gw.optimizers.Adam(learning_rate=lr, epsilon=1e-8),
                  loss=gw.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])

    def test_accuracy():
        return float(np.mean(model.predict(x_test, batch_size=1000, verbose=0).argmax(-1) == y_test))

    every = max(1, round(eval_every / steps_per_epoch))       # in epochs
    curve = ([0], [test_accuracy()])

    def record(epoch, logs):
        if (epoch + 1) % every == 0:
            curve[0].append((epoch + 1) * steps_per_epoch)
            curve[1].append(test_accuracy())

    start = time.perf_counter()
    model.fit(x[: steps_per_epoch * batch_size], y[: steps_per_epoch * batch_size], batch_size=batch_size,
              epochs=max(1, steps // steps_per_epoch), shuffle=False, verbose=0,
              callbacks=[gw.callbacks.LambdaCallback(on_epoch_end=record)])
    seconds = time.perf_counter() - start
    return model, test_accuracy(), seconds, curve


def plot_samples(x, y, path, per_class=3):
    """The first `per_class` signals of each digit, one panel per digit, as a PNG."""
    plt = _backend.pyplot()
    fig, axes = plt.subplots(2, 5, figsize=(12, 4.6), sharex=True, sharey=True)
    for digit, ax in enumerate(axes.ravel()):
        for signal in x[y == digit][:per_class]:
            ax.plot(np.arange(LENGTH), signal, linewidth=1.2)
        ax.set_title(f"digit {digit}")
        ax.grid(alpha=0.3)
    fig.suptitle(f"MNIST-1D: {per_class} training signals of each digit (40 points each)")
    return _backend.save(fig, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 signals and 160 steps")
    parser.add_argument("--steps", type=int, default=None, help="training steps (default 6000; --quick: 160)")
    parser.add_argument("--models", default="linear,mlp,cnn,gru",
                        help="comma-separated, from linear,mlp,cnn,gru")
    parser.add_argument("--init", choices=["torch", "keras"], default="torch",
                        help="weights drawn as PyTorch's layers draw them (the paper) or Keras's defaults")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join("runs", "examples", "mnist1d_paper"))
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    steps = args.steps or (160 if args.quick else 6000)
    eval_every = 40 if args.quick else 400
    data = load_mnist1d(2000 if args.quick else 5000)
    (x, y), (x_test, _) = data
    print(f"MNIST-1D: {len(x)} training and {len(x_test)} test signals of {LENGTH} points; "
          f"{steps} steps of Adam 1e-2, batches of 100 in order; {args.init} initialization\n")
    print(f"{'model':8s} {'weights':>8s} {'test accuracy':>14s} {'paper':>6s} {'re-run':>7s} {'time':>8s}")

    results = {"accuracy": {}, "seconds": {}, "files": []}
    curves = {}
    for kind in args.models.split(","):
        gw.random.seed(args.seed)
        model, accuracy, seconds, curve = train(kind, data, steps, eval_every, args.init)
        paper, rerun = PUBLISHED[kind]
        print(f"{kind:8s} {model.count_params():8,d} {accuracy:14.3f} {paper:6.2f} {rerun:7.2f} "
              f"{seconds:7.1f}s", flush=True)
        results["accuracy"][kind], results["seconds"][kind] = accuracy, seconds
        curves[kind] = (np.array(curve[0]), np.array(curve[1]))
    print("\n(paper: Table 1 of Greydanus 2020; re-run: the accuracies the authors' code reaches today)")

    results["files"].append(plot_samples(x, y, os.path.join(args.out, "samples.png")))
    results["files"].append(plot_loss_curves(
        curves, os.path.join(args.out, "accuracy.png"), ylabel="test accuracy",
        title="MNIST-1D: test accuracy while training"))
    print(f"wrote {', '.join(os.path.basename(f) for f in results['files'])} to {args.out}")
    return results


if __name__ == "__main__":
    main()
