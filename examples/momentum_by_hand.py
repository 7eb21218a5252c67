"""Momentum by hand: a hand-written momentum update on gradwork tensors, checked step by step
against `gw.optimizers.SGD(momentum=0.9)`.

The course's rule, with velocity v (starting at 0), learning rate lr and momentum mu:

    v <- mu * v - lr * grad        w <- w + v

A 2-32-3 network (F.linear, ReLU, cross-entropy from logits) is trained full-batch on the 3-arm
spiral three times from the same initial weights: with the hand-written rule, with gradwork's
SGD(momentum=0.9) (`opt.step(params)`), and with PyTorch's way of writing the same method
(b <- mu * b + grad, w <- w - lr * b, i.e. b = -v / lr). After every step the weights of the hand
run and the SGD run are compared: they agree to the last bit, because SGD performs the same
float32 operations in the same order. PyTorch's form is the same method in exact arithmetic and
agrees to rounding error. Plain gradient descent (mu = 0) is run too, to show what momentum buys.

Writes momentum.png (loss per step; the largest weight difference per step). Takes about 2 s.
Run: python examples/momentum_by_hand.py [--steps N] [--out DIR]
"""
import argparse
import os

import numpy as np

import gradwork as gw
from gradwork.nn import functional as F


def init_params(seed, hidden=32, n_in=2, n_out=3):
    """Weights of a 2-hidden-3 network as gradwork tensors (float32) that require gradients."""
    rng = np.random.default_rng(seed)
    shapes = [(hidden, n_in), (hidden,), (n_out, hidden), (n_out,)]      # F.linear: weight (out, in)
    arrays = [rng.normal(0.0, np.sqrt(2.0 / s[1]), s) if len(s) == 2 else np.zeros(s) for s in shapes]
    return [gw.tensor(a, dtype=np.float32, requires_grad=True) for a in arrays]


def loss_of(params, x, y):
    w1, b1, w2, b2 = params
    return F.cross_entropy(F.linear(F.relu(F.linear(x, w1, b1)), w2, b2), y)


def hand_momentum_step(params, velocities, learning_rate, momentum):
    """v <- mu * v - lr * grad; w <- w + v, in gradwork tensor arithmetic, outside the graph."""
    with gw.no_grad():
        for i, p in enumerate(params):
            velocities[i] = momentum * velocities[i] - learning_rate * p.grad
            p.data += velocities[i].data
            p.grad = None


def torch_style_momentum_step(params, buffers, learning_rate, momentum):
    """PyTorch's form of the same method: b <- mu * b + grad; w <- w - lr * b."""
    with gw.no_grad():
        for i, p in enumerate(params):
            buffers[i] = momentum * buffers[i] + p.grad
            p.data -= (learning_rate * buffers[i]).data
            p.grad = None


def max_difference(a, b):
    return max(float(np.max(np.abs(p.data - q.data))) for p, q in zip(a, b))


def plot(losses, diffs, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    steps = np.arange(len(losses["hand"]))
    left.plot(steps, losses["plain"], color="tab:gray", label="plain gradient descent (mu = 0)")
    left.plot(steps, losses["hand"], color="tab:blue", lw=3, alpha=0.6, label="momentum by hand")
    left.plot(steps, losses["sgd"], "--", color="tab:orange", label="SGD(momentum=0.9)")
    left.plot(steps, losses["torch"], ":", color="black", label="PyTorch form, by hand")
    left.set_xlabel("step")
    left.set_ylabel("cross-entropy")
    left.set_title("training loss (the three momentum curves coincide)", fontsize=10)
    left.legend(fontsize=8)
    left.grid(alpha=0.3)
    floor = 1e-12
    after = np.arange(1, len(diffs["sgd"]) + 1)
    compared = (("sgd", "hand vs SGD(momentum=0.9)", "o-"), ("torch", "hand vs PyTorch form", "s-"))
    for key, label, style in compared:
        values = np.maximum(diffs[key], floor)
        right.semilogy(after, values, style, ms=3, label=label)
    right.axhline(floor, color="gray", lw=0.8)
    right.text(after[-1], floor * 4, "0 (bit-identical) is drawn here", ha="right", fontsize=8, color="gray")
    right.set_ylim(floor / 3, 1e-3)
    right.set_xlabel("step")
    right.set_ylabel("largest |weight difference|")
    right.set_title("weights after each step, compared", fontsize=10)
    right.legend(fontsize=8, loc="upper left")
    right.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 steps")
    parser.add_argument("--steps", type=int, default=None, help="default 150 (--quick: 30)")
    parser.add_argument("--learning-rate", type=float, default=0.05)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join("runs", "examples", "momentum_by_hand"))
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    steps = args.steps or (30 if args.quick else 150)
    lr, mu = args.learning_rate, args.momentum
    x_np, y_np = gw.datasets.spiral(300, n_classes=3, seed=args.seed)
    x, y = gw.tensor(x_np), gw.tensor(y_np)

    runs = {name: init_params(args.seed) for name in ("hand", "sgd", "torch", "plain")}
    velocities = [gw.tensor(np.zeros_like(p.data)) for p in runs["hand"]]   # v starts at 0
    buffers = [gw.tensor(np.zeros_like(p.data)) for p in runs["torch"]]
    sgd = gw.optimizers.SGD(learning_rate=lr, momentum=mu)
    plain = gw.optimizers.SGD(learning_rate=lr)
    losses = {name: [] for name in runs}
    diffs = {"sgd": [], "torch": []}
    print(f"2-32-3 network on the spiral, full batch, lr {lr:g}, momentum {mu:g}; weights float32\n")
    print(f"{'step':>4s} {'loss (hand)':>12s} {'loss (SGD)':>12s} {'max |w_hand - w_SGD|':>21s} "
          f"{'max |w_hand - w_torch|':>23s}")
    for step in range(steps):
        for name, params in runs.items():
            loss = loss_of(params, x, y)
            loss.backward()
            losses[name].append(loss.item())
        hand_momentum_step(runs["hand"], velocities, lr, mu)
        sgd.step(runs["sgd"])
        sgd.zero_grad(runs["sgd"])
        torch_style_momentum_step(runs["torch"], buffers, lr, mu)
        plain.step(runs["plain"])
        plain.zero_grad(runs["plain"])
        diffs["sgd"].append(max_difference(runs["hand"], runs["sgd"]))
        diffs["torch"].append(max_difference(runs["hand"], runs["torch"]))
        if step < 5 or (step + 1) % 25 == 0 or step == steps - 1:
            print(f"{step + 1:4d} {losses['hand'][-1]:12.6f} {losses['sgd'][-1]:12.6f} "
                  f"{diffs['sgd'][-1]:21.3g} {diffs['torch'][-1]:23.3g}")
    final = {name: loss_of(params, x, y).item() for name, params in runs.items()}
    identical = all(d == 0.0 for d in diffs["sgd"])
    verdict = "bit-identical after every step" if identical else f"largest difference {max(diffs['sgd']):.3g}"
    print(f"\nhand-written momentum and SGD(momentum={mu:g}): {verdict}")
    print(f"PyTorch's form: largest difference {max(diffs['torch']):.3g} (rounding)")
    print(f"loss after {steps} steps: momentum {final['hand']:.4f}, "
          f"plain gradient descent {final['plain']:.4f}")
    path = plot(losses, diffs, os.path.join(args.out, "momentum.png"))
    print(f"\nwrote momentum.png to {args.out}")
    return {"max_difference_sgd": max(diffs["sgd"]), "max_difference_torch_form": max(diffs["torch"]),
            "bit_identical": identical, "losses": losses, "final_loss": final, "files": [path]}


if __name__ == "__main__":
    main()
