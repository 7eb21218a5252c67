"""Gradient descent with a numerical gradient on f(x0, x1) = x0**2 + x1**2, as the course first shows it.

No autograd here: the gradient comes from central differences (`gw.numerical_gradient`), and each step
is x <- x - lr * grad f(x). From (-3, 4) with lr 0.1, 100 steps end next to the minimum (0, 0); a
learning rate of 10 diverges and one of 1e-10 hardly moves. Figures: the field of negative gradients
(the arrows point to the minimum, longer further away) and the paths for three learning rates.

Run: python examples/gradient_descent.py [--steps 100] [--out runs/examples/gradient_descent]
"""
import argparse
import os

import numpy as np

import gradwork as gw
from gradwork.plot.optimization import plot_gradient_field, plot_optimizer_paths


def function_2(x):
    """f(x) = x0**2 + x1**2 for a vector x (what `numerical_gradient` differentiates)."""
    return float(np.sum(x ** 2))


def function_2_xy(x0, x1):
    """The same function on coordinate arrays, for contour plots."""
    return x0 ** 2 + x1 ** 2


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    """Plain gradient descent with the numerical gradient; returns the last x and every iterate."""
    x = np.array(init_x, dtype=np.float64)
    history = [x.copy()]
    for _ in range(step_num):
        x -= lr * gw.numerical_gradient(f, x)
        history.append(x.copy())
    return x, np.array(history)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="gradient-descent steps (default 100)")
    parser.add_argument("--quick", action="store_true", help="a coarser arrow grid (for tests)")
    parser.add_argument("--out", default="runs/examples/gradient_descent", help="folder for the PNG files")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    print("numerical gradient of f(x0, x1) = x0^2 + x1^2")
    grads = {}
    for point in [(3.0, 4.0), (0.0, 2.0), (3.0, 0.0)]:
        g = gw.numerical_gradient(function_2, np.array(point))
        grads[point] = g
        print(f"  at {point}: {g}")

    init = (-3.0, 4.0)
    finals, paths = {}, {}
    print(f"\ngradient descent from {init}, {args.steps} steps")
    for lr in (0.1, 10.0, 1e-10):
        with np.errstate(over="ignore", invalid="ignore"):
            x, history = gradient_descent(function_2, init, lr=lr, step_num=args.steps)
        finals[lr] = x
        note = "  (diverged)" if not np.all(np.isfinite(x)) or np.abs(x).max() > 1e3 else ""
        print(f"  lr {lr:<6g} -> {x}{note}")
    for lr in (0.01, 0.1, 0.9):
        _, paths[f"lr = {lr:g}"] = gradient_descent(function_2, init, lr=lr, step_num=args.steps)
    print(f"  lr 0.9 oscillates across the minimum: x1 signs {np.sign(paths['lr = 0.9'][:6, 1]).astype(int)}")

    files = [
        plot_gradient_field(lambda p: gw.numerical_gradient(function_2, p),
                            os.path.join(args.out, "gradient_field.png"), points=11 if args.quick else 18,
                            f=function_2_xy, title="the negative gradient -grad f of x0^2 + x1^2"),
        plot_optimizer_paths(function_2_xy, paths, os.path.join(args.out, "gradient_descent_paths.png"),
                             xlim=(-4.5, 4.5), ylim=(-4.5, 5.0), levels=[1, 4, 9, 16, 25, 36],
                             minimum=(0.0, 0.0), labels=("x0", "x1"), aspect="equal",
                             title=f"gradient descent from (-3, 4), numerical gradient, {args.steps} steps"),
    ]
    for f in files:
        print(f"wrote {f}")
    return {"final": finals[0.1], "final_lr10": finals[10.0], "final_lr1e-10": finals[1e-10],
            "gradients": grads, "files": files}


if __name__ == "__main__":
    main()
