"""A worked forward pass through a 2-3-2-2 network, written three ways: NumPy, gradwork layers, autograd.

Hidden layers use the sigmoid, the output layer the identity; the weights are set by hand, and
every intermediate is printed: a = z_prev W + b (the weighted sum), z = h(a) (the activation).
Then softmax, computed stably. Run: python examples/forward_pass.py [--out DIR]
"""
import argparse
import os

import numpy as np

import gradwork as gw
from gradwork.classic import diagram
from gradwork.nn import Activation, Dense, Input
from gradwork.nn import functional as F
from gradwork.plot import _backend


def init_network():
    """The hand-set weights: W1 (2, 3), W2 (3, 2), W3 (2, 2); rows are inputs, columns units."""
    return {
        "W1": np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]), "b1": np.array([0.1, 0.2, 0.3]),
        "W2": np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]), "b2": np.array([0.1, 0.2]),
        "W3": np.array([[0.1, 0.3], [0.2, 0.4]]), "b3": np.array([0.1, 0.2]),
    }


X = np.array([1.0, 0.5])
SOFTMAX_INPUT = np.array([0.3, 2.9, 4.0])


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def identity(a):
    return a


def softmax(a):
    """e^a / sum(e^a), after subtracting max(a): the same result, and no overflow for large a."""
    e = np.exp(a - np.max(a))
    return e / np.sum(e)


def forward_numpy(network, x):
    """The forward pass in plain NumPy; returns {name: array} of every intermediate, in order."""
    steps = {}
    steps["a1"] = x @ network["W1"] + network["b1"]
    steps["z1"] = sigmoid(steps["a1"])
    steps["a2"] = steps["z1"] @ network["W2"] + network["b2"]
    steps["z2"] = sigmoid(steps["a2"])
    steps["a3"] = steps["z2"] @ network["W3"] + network["b3"]
    steps["y"] = identity(steps["a3"])
    return steps


def build_layers(network):
    """The same network as a gradwork Sequential model (float64), its weights put in with set_weights.

    Dense layers without activation followed by Activation layers, so that each weighted sum a and
    each activation z is a layer output we can print."""
    model = gw.Sequential([
        Input(shape=(2,), dtype="float64"),
        Dense(3, dtype="float64", name="dense_a1"), Activation("sigmoid", dtype="float64", name="sigmoid_z1"),
        Dense(2, dtype="float64", name="dense_a2"), Activation("sigmoid", dtype="float64", name="sigmoid_z2"),
        Dense(2, dtype="float64", name="dense_a3"), Activation("linear", dtype="float64", name="identity_y"),
    ])
    dense = [layer for layer in model.layers if isinstance(layer, Dense)]
    for layer, key in zip(dense, ("1", "2", "3")):
        layer.set_weights([network["W" + key], network["b" + key]])     # kernel (in, out), bias (out,)
    return model


def forward_layers(model, x):
    """Run the model one layer at a time, keeping every output."""
    steps, out = {}, gw.tensor(x[None], dtype=np.float64)
    stack = [layer for layer in model.layers if isinstance(layer, (Dense, Activation))]
    for name, layer in zip(("a1", "z1", "a2", "z2", "a3", "y"), stack):
        out = layer(out)
        steps[name] = out.numpy()[0]
    return steps


def forward_autograd(network, x):
    """The forward pass on gradwork tensors; also returns dy1/dW1 to show the graph is live."""
    params = {k: gw.tensor(v, requires_grad=True) for k, v in network.items()}
    t = gw.tensor(x)
    steps = {}
    steps["a1"] = t @ params["W1"] + params["b1"]
    steps["z1"] = gw.sigmoid(steps["a1"])
    steps["a2"] = steps["z1"] @ params["W2"] + params["b2"]
    steps["z2"] = gw.sigmoid(steps["a2"])
    steps["a3"] = steps["z2"] @ params["W3"] + params["b3"]
    steps["y"] = steps["a3"]
    steps["y"][0].backward()
    return {k: v.detach().numpy() for k, v in steps.items()}, params["W1"].grad.numpy()


def _fmt(v):
    return "[" + ", ".join(f"{e:.8f}" for e in np.atleast_1d(v)) + "]"


def print_steps(title, steps, log=print):
    log(title)
    for name, value in steps.items():
        log(f"  {name:<3}= {_fmt(value)}")


def plot_network(network, steps, path):
    """The 2-3-2-2 network with the hand-set weight on each edge and a, z under each unit."""
    plt = _backend.pyplot()
    fig, ax = plt.subplots(figsize=(11, 5.2))
    labels = [[f"x{i + 1} = {v:g}" for i, v in enumerate(X)]]
    for k in ("1", "2"):
        labels.append([f"a = {a:.4f}\nz = {z:.4f}" for a, z in zip(steps["a" + k], steps["z" + k])])
    labels.append([f"y{i + 1} = {y:.4f}" for i, y in enumerate(steps["y"])])
    edges = {}
    for layer, key in enumerate(("W1", "W2", "W3")):
        for (i, j), w in np.ndenumerate(network[key]):
            edges[(layer, i, j)] = f"{w:g}"
    titles = ["input x", "layer 1: sigmoid", "layer 2: sigmoid", "output: identity"]
    diagram.draw_network(ax, (2, 3, 2, 2), node_labels=labels, edge_labels=edges, layer_titles=titles,
                         node_colors=["#eeeeee", "#cfe2f3", "#cfe2f3", "#d9ead3"])
    biases = "   ".join(f"b{k} = {network['b' + k].tolist()}" for k in ("1", "2", "3"))
    ax.set_title(f"Forward pass, weights on the edges (a = z W + b, z = h(a))\n{biases}", fontsize=10)
    return _backend.save(fig, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="accepted for uniformity; the example is already instant")
    parser.add_argument("--out", default=os.path.join("runs", "examples", "forward_pass"))
    parser.add_argument("--no-plots", action="store_true")
    args = parser.parse_args(argv)
    with np.printoptions(precision=8, suppress=True):  # for this run only: a caller's settings stay
        return _run(args)


def _run(args):
    network = init_network()
    print(f"x = {X.tolist()}")
    for k in ("1", "2", "3"):
        print(f"W{k} = {network['W' + k].tolist()}   b{k} = {network['b' + k].tolist()}")

    by_numpy = forward_numpy(network, X)
    print_steps("\n1. Plain NumPy", by_numpy)
    by_layers = forward_layers(build_layers(network), X)
    print_steps("\n2. gradwork layers (Dense + Activation, weights from set_weights)", by_layers)
    by_autograd, grad_w1 = forward_autograd(network, X)
    print_steps("\n3. gradwork autograd (tensors)", by_autograd)
    print(f"  d y1 / d W1 (one backward pass) = {grad_w1.round(8).tolist()}")
    agree = max(float(np.max(np.abs(by_numpy[k] - other[k])))
                for other in (by_layers, by_autograd) for k in by_numpy)
    print(f"\nlargest difference between the three ways: {agree:.1e}")
    print(f"output y = {_fmt(by_numpy['y'])}")

    soft_np = softmax(SOFTMAX_INPUT)
    soft_gw = F.softmax(gw.tensor(SOFTMAX_INPUT)).numpy()
    print(f"\nsoftmax({SOFTMAX_INPUT.tolist()})")
    print(f"  NumPy    = {_fmt(soft_np)}   sum = {soft_np.sum():.8f}")
    print(f"  gradwork = {_fmt(soft_gw)}")
    big = softmax(np.array([1010.0, 1000.0, 990.0]))
    print(f"  softmax([1010, 1000, 990]) = {_fmt(big)}")
    print("  (e^1010 overflows; shifting the inputs by their maximum first does not change the result)")

    files = []
    if not args.no_plots:
        os.makedirs(args.out, exist_ok=True)
        files = [plot_network(network, by_numpy, os.path.join(args.out, "forward_pass_network.png"))]
        print("\nwrote " + ", ".join(files))
    return {"numpy": by_numpy, "layers": by_layers, "autograd": by_autograd, "softmax": soft_np,
            "softmax_gradwork": soft_gw, "files": files}


if __name__ == "__main__":
    main()
