"""Logic gates as perceptrons, the perceptron learning rule, and why XOR needs a second layer.

Prints the gates' weights and truth tables, trains a Perceptron on AND, OR, NAND and XOR (XOR never
has an error-free epoch: no line separates it), then fits a 2-4-1 Sequential network that does
learn XOR. Draws the learned lines, the errors per epoch and the two-layer solution.
Run: python examples/perceptron_gates.py [--quick] [--out DIR]
"""
import argparse
import os

import numpy as np

import gradwork as gw
from gradwork import classic
from gradwork.nn import Dense, Input
from gradwork.plot import _backend

INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
TARGETS = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0], "XOR": [0, 1, 1, 0]}


def show_gates(log=print):
    """Print each fixed-weight gate's parameters and the truth tables; return the tables."""
    log("Gates as perceptrons: output 1 when w1*x1 + w2*x2 + b > 0")
    log("  gate     w1     w2      b")
    for gate in (classic.AND, classic.NAND, classic.OR):
        log(f"  {gate.name:<5} {gate.weights[0]:5.1f}  {gate.weights[1]:5.1f}  {gate.bias:5.1f}")
    log("  XOR  = AND(NAND(x1, x2), OR(x1, x2))   (two layers)")
    gates = (classic.AND, classic.NAND, classic.OR, classic.XOR)
    tables = {g.name: [row[2] for row in classic.truth_table(g)] for g in gates}
    log("\nTruth tables")
    log("  x1 x2 | AND NAND  OR XOR")
    for k, (x1, x2, _) in enumerate(classic.truth_table(classic.AND)):
        a, n, o, x = (tables[name][k] for name in ("AND", "NAND", "OR", "XOR"))
        log(f"   {x1}  {x2} |  {a}    {n}    {o}   {x}")
    log("\nXOR through its hidden layer")
    log("  x1 x2 | s1=NAND s2=OR | y=AND(s1,s2)")
    for x1, x2, y in classic.truth_table(classic.XOR):
        log(f"   {x1}  {x2} |    {classic.NAND(x1, x2)}      {classic.OR(x1, x2)}   |      {y}")
    return tables


def train_perceptrons(epochs=100, learning_rate=0.1, init_scale=0.1, seed=0, log=print):
    """Fit one Perceptron per gate with the perceptron rule; print how each went; return them."""
    log(f"\nThe perceptron rule (eta = {learning_rate}, at most {epochs} epochs)")
    models = {}
    for name, y in TARGETS.items():
        p = classic.Perceptron(2, learning_rate=learning_rate, init_scale=init_scale, seed=seed)
        p.fit(INPUTS, y, epochs=epochs)
        models[name] = p
        shown = ", ".join(map(str, p.errors_[:10])) + (", ..." if len(p.errors_) > 10 else "")
        if p.converged_epoch_:
            status = f"no errors in epoch {p.converged_epoch_}"
        else:
            status = f"still {p.errors_[-1]} errors in epoch {len(p.errors_)}: never converges"
        log(f"  {name:<5} {status}")
        log(f"        errors per epoch [{shown}]")
        log(f"        w = [{p.weights[0]:.4f}, {p.weights[1]:.4f}], b = {p.bias:.4f}, "
            f"predictions {p.predict(INPUTS).tolist()} (targets {y})")
    return models


def train_xor_network(epochs=200, seed=0, log=print):
    """A 2-4-1 network (tanh, sigmoid) fitted to XOR with Adam; returns the model and its outputs."""
    gw.random.seed(seed)
    model = gw.Sequential([Input(shape=(2,)), Dense(4, activation="tanh"), Dense(1, activation="sigmoid")])
    model.compile(optimizer=gw.optimizers.Adam(0.1), loss="binary_crossentropy", metrics=["accuracy"])
    x, y = INPUTS.astype(np.float32), np.array(TARGETS["XOR"], dtype=np.float32)[:, None]
    history = model.fit(x, y, batch_size=4, epochs=epochs, verbose=0)
    probs = model.predict(x, verbose=0).ravel()
    log(f"\nA 2-4-1 network (Sequential, tanh + sigmoid, Adam) after {epochs} epochs: "
        f"loss {history.history['loss'][-1]:.4f}")
    log("  x1 x2 | XOR | network")
    for (x1, x2), t, p in zip(INPUTS.astype(int), TARGETS["XOR"], probs):
        log(f"   {x1}  {x2} |  {t}  | {p:.3f} -> {int(p > 0.5)}")
    return model, probs


def _points(ax, targets):
    for (x1, x2), t in zip(INPUTS, targets):
        ax.scatter(x1, x2, s=140, zorder=3, edgecolors="k", linewidths=1.5,
                   facecolors="#1f77b4" if t else "white", marker="o")
    ax.set_xlim(-0.5, 1.5)
    ax.set_ylim(-0.5, 1.5)
    ax.set_aspect("equal")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_xticks([0, 1])
    ax.set_yticks([0, 1])


def _line(ax, w, b, **style):
    """Draw w1 x1 + w2 x2 + b = 0 across the plot."""
    xs = np.array([-0.5, 1.5])
    if abs(w[1]) > 1e-12:
        ax.plot(xs, -(w[0] * xs + b) / w[1], **style)
    elif abs(w[0]) > 1e-12:
        ax.axvline(-b / w[0], **style)


def plot_boundaries(models, path):
    """Each gate's four points and the perceptron's learned line; the side it calls 1 shaded."""
    plt = _backend.pyplot()
    fig, axes = plt.subplots(1, 4, figsize=(13, 3.8))
    grid = np.stack(np.meshgrid(np.linspace(-0.5, 1.5, 201), np.linspace(-0.5, 1.5, 201)), axis=-1)
    for ax, (name, p) in zip(axes, models.items()):
        ax.contourf(grid[..., 0], grid[..., 1], p.predict(grid.reshape(-1, 2)).reshape(grid.shape[:2]),
                    levels=[-0.5, 0.5, 1.5], colors=["#f2f2f2", "#d6e6f5"])
        _line(ax, p.weights, p.bias, color="#1f77b4", lw=2, label="learned")
        fixed = getattr(classic, name)
        if isinstance(fixed, classic.Gate):
            _line(ax, fixed.weights, fixed.bias, color="0.3", lw=1.2, ls="--", label="course weights")
        _points(ax, TARGETS[name])
        if p.converged_epoch_:
            ax.set_title(f"{name}: separated in epoch {p.converged_epoch_}")
        else:
            ax.set_title(f"{name}: no line separates it\n"
                         f"({p.errors_[-1]} errors after {len(p.errors_)} epochs)", color="#c0392b")
        if isinstance(fixed, classic.Gate):
            ax.legend(loc="upper left", fontsize=7, framealpha=0.9)
    fig.suptitle("Perceptron decision lines "
                 "(filled circle: output 1; shaded: the side the perceptron calls 1)")
    return _backend.save(fig, path)


def plot_errors(models, path, show_epochs=20):
    """Misclassified samples per epoch: AND, OR, NAND reach 0; XOR never does."""
    plt = _backend.pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    styles = {"AND": ("o", "-"), "OR": ("s", "-"), "NAND": ("^", "--"), "XOR": ("x", "-")}
    for name, p in models.items():
        marker, ls = styles.get(name, ("o", "-"))
        errors = p.errors_[:show_epochs]
        ax.plot(np.arange(1, len(errors) + 1), errors, marker=marker, ls=ls, ms=6, lw=1.5, label=name)
    xor = models.get("XOR")
    if xor is not None and len(xor.errors_) > show_epochs:
        ax.text(show_epochs, xor.errors_[show_epochs - 1] - 0.25,
                f"XOR: errors in every epoch, up to epoch {len(xor.errors_)}", ha="right", va="top",
                fontsize=8)
    ax.set_xlim(0.5, show_epochs + 0.5)
    ax.set_ylim(-0.3, 4.4)
    ax.set_xticks(range(1, show_epochs + 1, max(1, show_epochs // 10)))
    ax.set_xlabel("epoch")
    ax.set_ylabel("errors (updates) in the epoch")
    ax.set_yticks(range(0, 5))
    ax.set_title("The perceptron rule stops at the first error-free epoch")
    ax.legend(loc="center right")
    ax.grid(alpha=0.3)
    return _backend.save(fig, path)


def plot_two_layer(model, path):
    """XOR solved: NAND and OR lines bound the region where XOR is 1; the network's output surface."""
    plt = _backend.pyplot()
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(9.5, 4.2))
    grid = np.stack(np.meshgrid(np.linspace(-0.5, 1.5, 161), np.linspace(-0.5, 1.5, 161)), axis=-1)
    flat = grid.reshape(-1, 2)
    xor = classic.XOR(flat[:, 0], flat[:, 1]).reshape(grid.shape[:2])
    ax0.contourf(grid[..., 0], grid[..., 1], xor, levels=[-0.5, 0.5, 1.5], colors=["#f2f2f2", "#d6e6f5"])
    _line(ax0, classic.NAND.weights, classic.NAND.bias, color="#d35400", lw=2, label="NAND line")
    _line(ax0, classic.OR.weights, classic.OR.bias, color="#27ae60", lw=2, label="OR line")
    _points(ax0, TARGETS["XOR"])
    ax0.legend(loc="upper left", fontsize=8, framealpha=0.9)
    ax0.set_title("XOR = AND(NAND, OR): the band between two lines")
    probs = model.predict(flat.astype(np.float32), verbose=0).reshape(grid.shape[:2])
    image = ax1.contourf(grid[..., 0], grid[..., 1], probs, levels=np.linspace(0, 1, 11), cmap="RdBu",
                         alpha=0.6)
    ax1.contour(grid[..., 0], grid[..., 1], probs, levels=[0.5], colors="k", linewidths=1.5)
    fig.colorbar(image, ax=ax1, label="network output")
    _points(ax1, TARGETS["XOR"])
    ax1.set_title("2-4-1 network: output and its 0.5 contour")
    return _backend.save(fig, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs (for tests)")
    parser.add_argument("--epochs", type=int, default=100, help="perceptron epochs at most")
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--network-epochs", type=int, default=200)
    parser.add_argument("--out", default=os.path.join("runs", "examples", "perceptron_gates"))
    parser.add_argument("--no-plots", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs, args.network_epochs = min(args.epochs, 30), min(args.network_epochs, 150)

    tables = show_gates()
    models = train_perceptrons(args.epochs, args.learning_rate, seed=args.seed)
    network, probs = train_xor_network(args.network_epochs, seed=args.seed)
    files = []
    if not args.no_plots:
        os.makedirs(args.out, exist_ok=True)
        files = [plot_boundaries(models, os.path.join(args.out, "perceptron_boundaries.png")),
                 plot_errors(models, os.path.join(args.out, "perceptron_errors.png")),
                 plot_two_layer(network, os.path.join(args.out, "xor_two_layer.png"))]
        print("\nwrote " + ", ".join(files))
    return {"truth_tables": tables, "perceptrons": models, "xor_network_outputs": probs, "files": files}


if __name__ == "__main__":
    main()
