"""The paths of SGD, Momentum, Nesterov, AdaGrad, RMSprop and Adam on three small functions.

Each optimizer is one of gradwork's optimizer classes, driven by hand on gradwork Tensors: compute
f, call `backward()`, `opt.step(params)`, `opt.zero_grad(params)`. The functions:

- the parabola f(x) = x**2 from x = 5;
- the course's ill-conditioned bowl f(x, y) = x**2 / 20 + y**2 from (-7, 2): twenty times steeper
  in y than in x, so plain SGD zigzags across the valley while it crawls along it;
- Rosenbrock's banana f(x, y) = (1 - x)**2 + 100 (y - x**2)**2 from (-1.5, 2), minimum at (1, 1):
  a curved narrow valley where SGD's largest stable step is tiny and momentum or Adam pay off.

For each function: one contour panel per optimizer with its iterates, and the loss per step (log
scale) of all of them. The learning rates are the course's where it gives one, else chosen by hand
so that each path is worth looking at; they are printed with the results.

Run: python examples/optimizer_paths.py [--quick] [--out runs/examples/optimizer_paths]
"""
import argparse
import os

import numpy as np

import gradwork as gw
from gradwork.plot.optimization import plot_loss_curves, plot_optimizer_paths


def parabola(x):
    return x ** 2


def bowl(x, y):
    return x ** 2 / 20.0 + y ** 2


def rosenbrock(x, y):
    return (1.0 - x) ** 2 + 100.0 * (y - x ** 2) ** 2


# name -> (function, start, minimum, steps, {optimizer: learning rate}, plot options)
PROBLEMS = {
    "parabola": (parabola, (5.0,), (0.0,), 30,
                 {"SGD": 0.1, "Momentum": 0.1, "Nesterov": 0.1, "AdaGrad": 1.0, "RMSprop": 0.3, "Adam": 0.5},
                 {"xlim": (-6.0, 6.0)}),
    "bowl": (bowl, (-7.0, 2.0), (0.0, 0.0), 30,
             {"SGD": 0.95, "Momentum": 0.1, "Nesterov": 0.1, "AdaGrad": 1.5, "RMSprop": 0.3, "Adam": 0.3},
             {"xlim": (-10.0, 10.0), "ylim": (-5.0, 5.0), "levels": 12}),
    "rosenbrock": (rosenbrock, (-1.5, 2.0), (1.0, 1.0), 1000,
                   {"SGD": 1e-3, "Momentum": 1e-3, "Nesterov": 1e-3, "AdaGrad": 0.5, "RMSprop": 5e-3,
                    "Adam": 0.05},
                   {"xlim": (-2.0, 2.0), "ylim": (-1.0, 3.0), "levels": np.logspace(-1.5, 3.5, 16)}),
}


def make_optimizer(name, learning_rate):
    """One of the six optimizers by its course name, as a gradwork optimizer."""
    opt = gw.optimizers
    if name == "SGD":
        return opt.SGD(learning_rate)
    if name == "Momentum":
        return opt.SGD(learning_rate, momentum=0.9)
    if name == "Nesterov":
        return opt.SGD(learning_rate, momentum=0.9, nesterov=True)
    if name == "AdaGrad":  # the course's AdaGrad starts its sum of squares at 0 (Keras starts at 0.1)
        return opt.Adagrad(learning_rate, initial_accumulator_value=0.0)
    if name == "RMSprop":
        return opt.RMSprop(learning_rate)
    if name == "Adam":
        return opt.Adam(learning_rate)
    raise ValueError(f"unknown optimizer {name!r}")


def optimize(optimizer, f, start, steps):
    """Run `optimizer` on f from `start`; return the iterates (steps + 1, dim) and f at each of them."""
    params = [gw.tensor(np.float64(v), requires_grad=True) for v in start]
    path, losses = [], []
    for _ in range(steps):
        loss = f(*params)
        path.append([p.item() for p in params])
        losses.append(loss.item())
        loss.backward()
        optimizer.step(params)
        optimizer.zero_grad(params)
    path.append([p.item() for p in params])
    losses.append(float(f(*np.array(path[-1]))))
    return np.array(path), np.array(losses)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 Rosenbrock steps instead of 1000")
    parser.add_argument("--out", default="runs/examples/optimizer_paths", help="folder for the PNG files")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    results, files = {}, []
    for problem, (f, start, minimum, steps, rates, plot_options) in PROBLEMS.items():
        if args.quick and problem == "rosenbrock":
            steps = 300
        where, best = (", ".join(f"{v:g}" for v in point) for point in (start, minimum))
        print(f"\n{problem}: start ({where}), minimum ({best}), {steps} steps")
        print(f"  {'optimizer':<10}{'lr':>8}   {'final point':<26}{'final loss':>12}"
              f"{'first step with loss < 1e-3':>30}")
        paths, losses, results[problem] = {}, {}, {}
        for name, lr in rates.items():
            path, loss = optimize(make_optimizer(name, lr), f, start, steps)
            paths[f"{name} (lr {lr:g})"], losses[name] = path[:, 0] if len(start) == 1 else path, loss
            reached = np.flatnonzero(loss < 1e-3)
            first = str(reached[0]) if reached.size else "-"
            point = "(" + ", ".join(f"{v:.4f}" for v in path[-1]) + ")"
            print(f"  {name:<10}{lr:>8g}   {point:<26}{loss[-1]:>12.3e}{first:>30}")
            results[problem][name] = {"point": path[-1], "loss": float(loss[-1]), "path": path,
                                      "losses": loss}
        files.append(plot_optimizer_paths(f, paths, os.path.join(args.out, f"paths_{problem}.png"),
                                          minimum=minimum, title=f"{problem}: {steps} steps from ({where})",
                                          **plot_options))
        files.append(plot_loss_curves(losses, os.path.join(args.out, f"loss_{problem}.png"), logy=True,
                                      title=f"{problem}: loss per step"))
    print()
    for path in files:
        print(f"wrote {path}")
    return {"results": results, "files": files}


if __name__ == "__main__":
    main()
