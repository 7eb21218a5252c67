"""Train a 2-16-1 network on XOR with nothing but tensors, autograd and a hand-written SGD step.

A single perceptron cannot separate XOR; one hidden layer can. Run: python examples/xor_autograd.py
"""
import argparse

import numpy as np

import gradwork as gw
from gradwork.nn import functional as F


def train_xor(hidden=16, steps=2000, learning_rate=0.5, seed=0, report_every=200, log=print):
    """Fit XOR by full-batch gradient descent; return the parameters and the final loss."""
    rng = np.random.default_rng(seed)
    x = gw.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = gw.tensor([[0], [1], [1], [0]], dtype=np.float32)
    w1 = gw.tensor(rng.normal(0, 1, (hidden, 2)), dtype=np.float32, requires_grad=True)
    b1 = gw.tensor(np.zeros(hidden), dtype=np.float32, requires_grad=True)
    w2 = gw.tensor(rng.normal(0, 1 / np.sqrt(hidden), (1, hidden)), dtype=np.float32, requires_grad=True)
    b2 = gw.tensor(np.zeros(1), dtype=np.float32, requires_grad=True)
    params = [w1, b1, w2, b2]

    def forward(inputs):
        hidden_layer = gw.tanh(F.linear(inputs, w1, b1))
        return gw.sigmoid(F.linear(hidden_layer, w2, b2))

    for step in range(steps + 1):
        loss = F.mse(forward(x), y)
        loss.backward()
        with gw.no_grad():
            for p in params:
                p.data -= learning_rate * p.grad.data
                p.grad = None
        if report_every and step % report_every == 0:
            log(f"step {step:5d}  loss {loss.item():.6f}")
    return forward, loss.item()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    forward, final_loss = train_xor(steps=args.steps, seed=args.seed)
    print(f"\nfinal loss {final_loss:.6f}\n\n x1 x2 | XOR | network")
    with gw.no_grad():
        for x1, x2 in [(0, 0), (0, 1), (1, 0), (1, 1)]:
            p = forward(gw.tensor([[x1, x2]], dtype=np.float32)).item()
            print(f"  {x1}  {x2} |  {x1 ^ x2}  | {p:.3f} -> {int(p > 0.5)}")


if __name__ == "__main__":
    main()
