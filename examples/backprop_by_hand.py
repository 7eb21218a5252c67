"""Backpropagation by hand on a 2-3-1 sigmoid network with a squared-error loss, checked twice.

Prints the forward pass, then each delta (dL/da, the error at a unit's weighted sum) and each
gradient, layer by layer, and compares them with gradwork's autograd and with the numerical
gradient (central differences, `gw.numerical_gradient`). Then trains the same network on XOR
with the hand-written backward pass, beside autograd: the two loss curves coincide.
Run: python examples/backprop_by_hand.py [--quick] [--out DIR]
"""
import argparse
import os

import numpy as np

import gradwork as gw
from gradwork.classic import diagram
from gradwork.nn import functional as F
from gradwork.plot import _backend

PARAMS = ("W1", "b1", "W2", "b2")


def init_network():
    """Hand-set weights: W1 (2, 3), b1 (3,), W2 (3, 1), b2 (1,)."""
    return {"W1": np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]), "b1": np.array([0.1, 0.2, 0.3]),
            "W2": np.array([[0.7], [-0.3], [0.5]]), "b2": np.array([0.1])}


X = np.array([[1.0, 0.5]])          # one sample, as a batch of one
T = np.array([[1.0]])               # its target


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def forward(net, x):
    """a1 = x W1 + b1, z1 = sigmoid(a1), a2 = z1 W2 + b2, y = sigmoid(a2)."""
    a1 = x @ net["W1"] + net["b1"]
    z1 = sigmoid(a1)
    a2 = z1 @ net["W2"] + net["b2"]
    return {"a1": a1, "z1": z1, "a2": a2, "y": sigmoid(a2)}


def mse(y, t):
    """L = mean((y - t)^2) over every element (gradwork's F.mse)."""
    return float(np.mean((y - t) ** 2))


def backward(net, x, t, cache):
    """The chain rule, output to input. Returns the deltas and the gradients.

    dL/dy = 2 (y - t) / N                      (N = number of elements averaged)
    delta2 = dL/da2 = dL/dy * y (1 - y)        (sigmoid' written with its output)
    dL/dW2 = z1^T delta2,   dL/db2 = sum of delta2 over the batch
    dL/dz1 = delta2 W2^T                       (the error sent back along each weight)
    delta1 = dL/da1 = dL/dz1 * z1 (1 - z1)
    dL/dW1 = x^T delta1,    dL/db1 = sum of delta1 over the batch
    """
    y, z1 = cache["y"], cache["z1"]
    dy = 2.0 * (y - t) / y.size
    delta2 = dy * y * (1.0 - y)
    dz1 = delta2 @ net["W2"].T
    delta1 = dz1 * z1 * (1.0 - z1)
    grads = {"W1": x.T @ delta1, "b1": delta1.sum(axis=0), "W2": z1.T @ delta2, "b2": delta2.sum(axis=0)}
    return {"dL/dy": dy, "delta2": delta2, "dL/dz1": dz1, "delta1": delta1}, grads


def autograd_gradients(net, x, t):
    """The same loss on gradwork tensors (float64), differentiated by autograd."""
    params = {k: gw.tensor(v, requires_grad=True) for k, v in net.items()}
    hidden = gw.sigmoid(gw.tensor(x) @ params["W1"] + params["b1"])
    y = gw.sigmoid(hidden @ params["W2"] + params["b2"])
    loss = F.mse(y, gw.tensor(t))
    loss.backward()
    return loss.item(), {k: p.grad.numpy() for k, p in params.items()}


def numerical_gradients(net, x, t):
    """Central differences of the NumPy loss, one weight at a time (gw.numerical_gradient)."""
    return {k: gw.numerical_gradient(lambda _: mse(forward(net, x)["y"], t), net[k]) for k in PARAMS}


def _fmt(a):
    return np.array2string(np.asarray(a), precision=8, suppress_small=False, floatmode="fixed",
                           separator=", ").replace("\n", "\n" + " " * 14)


def worked_example(net, log=print):
    """Print the forward pass, the deltas and the gradients, and the two checks; return everything."""
    log("Network 2-3-1, sigmoid units, loss L = mean((y - t)^2)")
    for k in PARAMS:
        log(f"  {k:<3} = {net[k].tolist()}")
    log(f"  x   = {X[0].tolist()},  t = {T[0].tolist()}")
    cache = forward(net, X)
    loss = mse(cache["y"], T)
    log("\nForward")
    for k, v in cache.items():
        log(f"  {k:<10}  {_fmt(v[0])}")
    log(f"  L           {loss:.8f}")
    deltas, grads = backward(net, X, T, cache)
    log("\nBackward (by hand)")
    for k, v in deltas.items():
        log(f"  {k:<10}  {_fmt(v[0])}")
    for k in ("W2", "b2", "W1", "b1"):
        log(f"  dL/d{k:<6}  {_fmt(grads[k])}")
    auto_loss, auto = autograd_gradients(net, X, T)
    numeric = numerical_gradients(net, X, T)
    log("\nChecks: largest |difference| per parameter")
    log("  param   vs autograd   vs numerical")
    diffs = {}
    for k in PARAMS:
        diffs[k] = (float(np.max(np.abs(grads[k] - auto[k]))), float(np.max(np.abs(grads[k] - numeric[k]))))
        log(f"  {k:<5}   {diffs[k][0]:10.2e}    {diffs[k][1]:10.2e}")
    log(f"  loss    {abs(loss - auto_loss):10.2e}")
    return {"forward": cache, "loss": loss, "deltas": deltas, "grads": grads, "autograd": auto,
            "numerical": numeric, "differences": diffs}


def train_xor(steps, learning_rate=2.0, seed=0, log=print):
    """Gradient descent on XOR from the same random start, by hand and by autograd; both loss curves."""
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    t = np.array([[0], [1], [1], [0]], dtype=np.float64)
    rng = np.random.default_rng(seed)
    start = {"W1": rng.normal(0, 1, (2, 3)), "b1": np.zeros(3),
             "W2": rng.normal(0, 1, (3, 1)), "b2": np.zeros(1)}
    hand = {k: v.copy() for k, v in start.items()}
    auto = {k: gw.tensor(v.copy(), requires_grad=True) for k, v in start.items()}
    hand_losses, auto_losses = [], []
    for _ in range(steps):
        cache = forward(hand, x)
        hand_losses.append(mse(cache["y"], t))
        _, grads = backward(hand, x, t, cache)
        for k in PARAMS:
            hand[k] -= learning_rate * grads[k]
        y = gw.sigmoid(gw.sigmoid(gw.tensor(x) @ auto["W1"] + auto["b1"]) @ auto["W2"] + auto["b2"])
        loss = F.mse(y, gw.tensor(t))
        loss.backward()
        auto_losses.append(loss.item())
        with gw.no_grad():
            for p in auto.values():
                p.data -= learning_rate * p.grad.data
                p.grad = None
    outputs = forward(hand, x)["y"].ravel()
    log(f"\nXOR by gradient descent (lr {learning_rate}, {steps} steps), hand-written backward vs autograd")
    log(f"  loss: start {hand_losses[0]:.6f}, end {hand_losses[-1]:.6f} (autograd {auto_losses[-1]:.6f}); "
        f"largest gap {np.max(np.abs(np.subtract(hand_losses, auto_losses))):.1e}")
    log(f"  outputs for 00, 01, 10, 11: {np.round(outputs, 3).tolist()}")
    return np.array(hand_losses), np.array(auto_losses), outputs


def plot_network(net, result, path):
    """The 2-3-1 network with each weight and its gradient on the edges and each unit's delta."""
    plt = _backend.pyplot()
    fig, ax = plt.subplots(figsize=(11, 5.6))
    fwd, deltas, grads = result["forward"], result["deltas"], result["grads"]
    labels = [[f"x{i + 1} = {v:g}" for i, v in enumerate(X[0])],
              [f"z = {z:.4f}\nδ1 = {d:.6f}" for z, d in zip(fwd["z1"][0], deltas["delta1"][0])],
              [f"y = {fwd['y'][0, 0]:.4f}  (t = {T[0, 0]:g})\nδ2 = {deltas['delta2'][0, 0]:.6f}"]]
    edges = {}
    for layer, key in enumerate(("W1", "W2")):
        for (i, j), w in np.ndenumerate(net[key]):
            edges[(layer, i, j)] = f"w = {w:g}\n∂L/∂w = {grads[key][i, j]:.5f}"
    diagram.draw_network(ax, (2, 3, 1), node_labels=labels, edge_labels=edges,
                         layer_titles=["input", "hidden: sigmoid", "output: sigmoid"],
                         node_colors=["#eeeeee", "#cfe2f3", "#d9ead3"], layer_spacing=4.0,
                         label_span=(0.3, 0.55))
    bias = (f"∂L/∂b1 = {np.round(grads['b1'], 6).tolist()}    ∂L/∂b2 = {np.round(grads['b2'], 6).tolist()}")
    ax.set_title(f"Backpropagation: L = (y - t)² = {result['loss']:.6f};  δ = ∂L/∂a at each unit\n{bias}",
                 fontsize=10)
    return _backend.save(fig, path)


def plot_training(hand_losses, auto_losses, path):
    plt = _backend.pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    steps = np.arange(1, len(hand_losses) + 1)
    ax.plot(steps, hand_losses, lw=4, alpha=0.45, color="#1f77b4", label="backward by hand")
    ax.plot(steps, auto_losses, lw=1.2, ls="--", color="k", label="autograd")
    ax.set_xlabel("gradient-descent step")
    ax.set_ylabel("MSE loss")
    ax.set_title("2-3-1 sigmoid network on XOR: the same curve both ways")
    ax.legend()
    ax.grid(alpha=0.3)
    return _backend.save(fig, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short XOR run (for tests)")
    parser.add_argument("--steps", type=int, default=2000, help="gradient-descent steps on XOR")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join("runs", "examples", "backprop_by_hand"))
    parser.add_argument("--no-plots", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.steps = min(args.steps, 200)
    net = init_network()
    result = worked_example(net)
    hand_losses, auto_losses, outputs = train_xor(args.steps, seed=args.seed)
    files = []
    if not args.no_plots:
        os.makedirs(args.out, exist_ok=True)
        files = [plot_network(net, result, os.path.join(args.out, "backprop_network.png")),
                 plot_training(hand_losses, auto_losses, os.path.join(args.out, "backprop_training.png"))]
        print("\nwrote " + ", ".join(files))
    return {**result, "xor_losses": hand_losses, "xor_autograd_losses": auto_losses, "xor_outputs": outputs,
            "files": files}


if __name__ == "__main__":
    main()
