"""Computational graphs: the apple-and-orange shopping chain, forward and backward, and the graph nodes.

Two apples at 100 each and three oranges at 150 each, with a 10% tax: the forward pass gives the
price, and the backward pass, one multiply or add node at a time, gives how much the price moves
with each input. Then the course's nodes (`gradwork.classic.layers`: Mul, Add, ReLU, Sigmoid,
Affine, Softmax-with-Loss) are checked against gradwork's autograd, and a two-layer network made of
them against autograd and the numerical gradient. Draws the shopping graph with both passes.
Run: python examples/computational_graph.py [--out DIR]
"""
import argparse
import os

import numpy as np

import gradwork as gw
from gradwork.classic import diagram
from gradwork.classic.layers import AddLayer, AffineLayer, MulLayer, ReluLayer, SigmoidLayer, SoftmaxWithLoss
from gradwork.nn import functional as F
from gradwork.plot import _backend


def shopping(apple=100.0, apple_num=2.0, orange=150.0, orange_num=3.0, tax=1.1, log=print):
    """The course's chain: price = (apple * apple_num + orange * orange_num) * tax, then backward."""
    mul_apple, mul_orange, add_fruit, mul_tax = MulLayer(), MulLayer(), AddLayer(), MulLayer()
    apple_price = mul_apple.forward(apple, apple_num)
    orange_price = mul_orange.forward(orange, orange_num)
    all_price = add_fruit.forward(apple_price, orange_price)
    price = mul_tax.forward(all_price, tax)

    dprice = 1.0
    dall_price, dtax = mul_tax.backward(dprice)
    dapple_price, dorange_price = add_fruit.backward(dall_price)
    dorange, dorange_num = mul_orange.backward(dorange_price)
    dapple, dapple_num = mul_apple.backward(dapple_price)

    values = {"apple_price": apple_price, "orange_price": orange_price, "all_price": all_price,
              "price": price}
    grads = {"apple": dapple, "apple_num": dapple_num, "orange": dorange, "orange_num": dorange_num,
             "tax": dtax,
             "apple_price": dapple_price, "orange_price": dorange_price, "all_price": dall_price}
    log(f"{apple_num:g} apples at {apple:g}, {orange_num:g} oranges at {orange:g}, tax {tax:g}")
    log(f"price: {price:g}")
    for name in ("apple", "apple_num", "orange", "orange_num", "tax"):
        log(f"d price / d {name}: {grads[name]:g}")
    return values, grads


def _max_diff(a, b):
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))))


def check_nodes(seed=0, log=print):
    """Each node's forward and backward against gradwork autograd, on random float64 arrays with a
    random upstream gradient; returns {node: (forward difference, backward difference)}."""
    rng = np.random.default_rng(seed)
    x, y, g = rng.standard_normal((4, 5)), rng.standard_normal(5), rng.standard_normal((4, 5))
    results = {}

    def autograd(fn, *arrays, cotangent=None):
        ts = [gw.tensor(a, requires_grad=True) for a in arrays]
        out = fn(*ts)
        out.backward(gw.tensor(cotangent) if cotangent is not None else None)
        return out.numpy(), [t.grad.numpy() for t in ts]

    for name, node, fn in (("MulLayer", MulLayer(), lambda a, b: a * b),
                           ("AddLayer", AddLayer(), lambda a, b: a + b)):
        out = node.forward(x, y)
        grads = node.backward(g)
        ref, ref_grads = autograd(fn, x, y, cotangent=g)
        results[name] = (_max_diff(out, ref), max(_max_diff(a, b) for a, b in zip(grads, ref_grads)))
    for name, node, fn in (("ReluLayer", ReluLayer(), F.relu), ("SigmoidLayer", SigmoidLayer(), gw.sigmoid)):
        out = node.forward(x)
        dx = node.backward(g)
        ref, (ref_dx,) = autograd(fn, x, cotangent=g)
        results[name] = (_max_diff(out, ref), _max_diff(dx, ref_dx))
    w, b = rng.standard_normal((5, 3)), rng.standard_normal(3)
    g3 = rng.standard_normal((4, 3))
    affine = AffineLayer(w, b)
    out = affine.forward(x)
    dx = affine.backward(g3)
    ref, ref_grads = autograd(lambda a, W, bb: a @ W + bb, x, w, b, cotangent=g3)
    mine = (dx, affine.dW, affine.db)
    results["AffineLayer"] = (_max_diff(out, ref), max(_max_diff(p, q) for p, q in zip(mine, ref_grads)))
    labels = rng.integers(0, 5, 4)
    swl = SoftmaxWithLoss()
    loss = swl.forward(x, labels)
    dx = swl.backward()
    ref, (ref_dx,) = autograd(lambda a: F.cross_entropy(a, labels), x)
    results["SoftmaxWithLoss"] = (abs(loss - float(ref)), _max_diff(dx, ref_dx))
    log("\nGraph nodes against gradwork autograd (float64, random upstream gradient)")
    log("  node              forward    backward")
    for name, (f, bwd) in results.items():
        log(f"  {name:<16} {f:9.1e}  {bwd:9.1e}")
    return results


def two_layer_net(seed=0, log=print):
    """Affine -> ReLU -> Affine -> Softmax-with-Loss built from the nodes; its gradients by backward,
    by autograd and by central differences."""
    rng = np.random.default_rng(seed)
    x, t = rng.standard_normal((5, 4)), rng.integers(0, 3, 5)
    params = {"W1": rng.standard_normal((4, 6)) * 0.5, "b1": rng.standard_normal(6) * 0.1,
              "W2": rng.standard_normal((6, 3)) * 0.5, "b2": rng.standard_normal(3) * 0.1}
    affine1, relu, affine2, last = AffineLayer(params["W1"], params["b1"]), ReluLayer(), \
        AffineLayer(params["W2"], params["b2"]), SoftmaxWithLoss()

    def loss_fn(_=None):
        return last.forward(affine2.forward(relu.forward(affine1.forward(x))), t)

    loss = loss_fn()
    affine1.backward(relu.backward(affine2.backward(last.backward(1.0))))
    by_backward = {"W1": affine1.dW, "b1": affine1.db, "W2": affine2.dW, "b2": affine2.db}
    # the nodes hold these very arrays, so perturbing one in place changes the network's loss
    numerical = {k: gw.numerical_gradient(loss_fn, params[k]) for k in params}
    tensors = {k: gw.tensor(v, requires_grad=True) for k, v in params.items()}
    logits = F.relu(gw.tensor(x) @ tensors["W1"] + tensors["b1"]) @ tensors["W2"] + tensors["b2"]
    auto_loss = F.cross_entropy(logits, t)
    auto_loss.backward()
    log(f"\nA two-layer network of nodes (batch 5, 4-6-3): loss {loss:.6f} (autograd {auto_loss.item():.6f})")
    log("  param   vs autograd   vs numerical")
    diffs = {}
    for k in params:
        diffs[k] = (_max_diff(by_backward[k], tensors[k].grad.numpy()),
                    _max_diff(by_backward[k], numerical[k]))
        log(f"  {k:<5}   {diffs[k][0]:10.1e}    {diffs[k][1]:10.1e}")
    return loss, diffs


def plot_shopping(values, grads, inputs, path):
    """The shopping graph with forward values above each edge and gradients (red) below."""
    plt = _backend.pyplot()
    fig, ax = plt.subplots(figsize=(11, 5.6))
    nodes = {
        "apple": (0, 3.6, "apple", False), "apple_num": (0, 1.9, "apple count", False),
        "orange": (0, 1.1, "orange", False), "orange_num": (0, -0.6, "orange count", False),
        "tax": (4.9, -0.6, "tax", False),
        "mul_apple": (2.6, 2.75, "×"), "mul_orange": (2.6, 0.25, "×"), "add": (4.6, 1.5, "+"),
        "mul_tax": (6.9, 1.5, "×"), "price": (9.0, 1.5, "price", False),
    }

    def g(v):
        return f"{v:g}"

    edges = [
        ("apple", "mul_apple", g(inputs["apple"]), g(grads["apple"])),
        ("apple_num", "mul_apple", g(inputs["apple_num"]), g(grads["apple_num"])),
        ("orange", "mul_orange", g(inputs["orange"]), g(grads["orange"])),
        ("orange_num", "mul_orange", g(inputs["orange_num"]), g(grads["orange_num"])),
        ("mul_apple", "add", g(values["apple_price"]), g(grads["apple_price"])),
        ("mul_orange", "add", g(values["orange_price"]), g(grads["orange_price"])),
        ("add", "mul_tax", g(values["all_price"]), g(grads["all_price"])),
        ("tax", "mul_tax", g(inputs["tax"]), g(grads["tax"])),
        ("mul_tax", "price", g(values["price"]), "1"),
    ]
    diagram.draw_graph(ax, nodes, edges)
    ax.set_title("Buying apples and oranges: forward values (black) and d price / d each value (red)")
    return _backend.save(fig, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="accepted for uniformity; the example is already instant")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join("runs", "examples", "computational_graph"))
    parser.add_argument("--no-plots", action="store_true")
    args = parser.parse_args(argv)
    inputs = {"apple": 100.0, "apple_num": 2.0, "orange": 150.0, "orange_num": 3.0, "tax": 1.1}
    values, grads = shopping(**inputs)
    node_checks = check_nodes(args.seed)
    loss, net_checks = two_layer_net(args.seed)
    files = []
    if not args.no_plots:
        os.makedirs(args.out, exist_ok=True)
        files = [plot_shopping(values, grads, inputs, os.path.join(args.out, "shopping_graph.png"))]
        print("\nwrote " + ", ".join(files))
    return {"values": values, "grads": grads, "node_checks": node_checks, "net_loss": loss,
            "net_checks": net_checks, "files": files}


if __name__ == "__main__":
    main()
