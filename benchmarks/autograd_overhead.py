"""Per-operation overhead of gradwork's autograd, timed side by side with PyTorch CPU in one process.

Two workloads where the arrays are tiny, so almost all of the time is the library's own Python
and apply_in_backward work rather than arithmetic:

1. one training step of a 2-16-1 network on the four XOR samples (tanh hidden layer, sigmoid
   output, MSE loss, plain SGD on the 4 parameters, gradients reset), float32, all three
   implementations starting from the same weights; a hand-written NumPy step is the floor;
2. a chain of 1,000 elementwise operations on shape-(16,) arrays (multiply, add, tanh, repeated),
   forward and backward, once with tensor operands (parameters that collect gradients) and once
   with Python-number constants.

The machines are noisy (about +-20% minute to minute), so the implementations are alternated in
rounds (the order reversed every other round), each round times a block of repetitions, and the
table gives medians of the per-step times and the median of the per-round ratios gradwork/PyTorch.

Run:  python benchmarks/autograd_overhead.py                 (about 25 s)
      python benchmarks/autograd_overhead.py --quick         (a few seconds)
      python benchmarks/autograd_overhead.py --profile       (and a cProfile of gradwork's XOR step)
      python benchmarks/autograd_overhead.py --clock thread  (CPU time, for a heavily loaded machine)
"""
import cProfile
import gc
import pstats
import time

import numpy as np
import torch
import torch.nn.functional as TF

import gradwork as gw
from gradwork.nn import functional as F
from harness import CLOCKS, argument_parser, measure, prepare, print_table

XOR_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_TARGETS = np.array([[0], [1], [1], [0]], dtype=np.float32)
HIDDEN = 16
LEARNING_RATE = 0.5
CHAIN_LENGTH = 1000
CHAIN_WIDTH = 16


# ----- workload 1: XOR training step ------------------------------------------------------------
def initial_xor_weights(seed=0):
    """W1 (16, 2), b1 (16,), W2 (1, 16), b2 (1,) as float32 arrays, the (out, in) layout of F.linear."""
    rng = np.random.default_rng(seed)
    return [
        rng.normal(0.0, 1.0, (HIDDEN, 2)).astype(np.float32),
        np.zeros(HIDDEN, dtype=np.float32),
        rng.normal(0.0, 1.0 / np.sqrt(HIDDEN), (1, HIDDEN)).astype(np.float32),
        np.zeros(1, dtype=np.float32),
    ]


def gradwork_xor(weights):
    """A step function and its parameter list for gradwork."""
    x, y = gw.tensor(XOR_INPUTS), gw.tensor(XOR_TARGETS)
    params = [gw.tensor(w, requires_grad=True) for w in weights]
    w1, b1, w2, b2 = params

    def step():
        hidden = gw.tanh(F.linear(x, w1, b1))
        out = gw.sigmoid(F.linear(hidden, w2, b2))
        loss = F.mse(out, y)
        loss.backward()
        for p in params:
            p.data -= LEARNING_RATE * p.grad.data
            p.grad = None
        return loss

    return step, params


def torch_xor(weights):
    """The same step in PyTorch, written as a PyTorch user would (fused in-place SGD update)."""
    x, y = torch.from_numpy(XOR_INPUTS.copy()), torch.from_numpy(XOR_TARGETS.copy())
    params = [torch.tensor(w, requires_grad=True) for w in weights]
    w1, b1, w2, b2 = params

    def step():
        hidden = torch.tanh(TF.linear(x, w1, b1))
        out = torch.sigmoid(TF.linear(hidden, w2, b2))
        loss = TF.mse_loss(out, y)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p.add_(p.grad, alpha=-LEARNING_RATE)
                p.grad = None
        return loss

    return step, params


def numpy_xor(weights):
    """The same step written by hand in NumPy: the floor any NumPy-based library can reach."""
    x, y = XOR_INPUTS, XOR_TARGETS
    params = [w.copy() for w in weights]
    w1, b1, w2, b2 = params
    scale = np.float32(2.0 / y.size)  # d mean(d^2) / d d = 2 d / N

    def step():
        hidden = np.tanh(x @ w1.T + b1)
        out = 1.0 / (1.0 + np.exp(-(hidden @ w2.T + b2)))
        d = out - y
        loss = np.mean(d * d)
        g_z2 = d * scale * out * (1.0 - out)
        g_z1 = (g_z2 @ w2) * (1.0 - hidden * hidden)
        grads = (g_z1.T @ x, g_z1.sum(axis=0), g_z2.T @ hidden, g_z2.sum(axis=0))
        for p, g in zip(params, grads):
            p -= LEARNING_RATE * g
        return loss

    return step, params


def _to_numpy(value):
    if isinstance(value, torch.Tensor):
        return value.detach().numpy().copy()
    if isinstance(value, gw.Tensor):
        return value.data.copy()
    return np.array(value)


def check_xor(steps=200):
    """Train each implementation from the same weights (timing different work would be meaningless).

    Returns each one's largest parameter difference to PyTorch's, and the final losses.
    """
    weights = initial_xor_weights()
    results = {}
    for name, make in (("gradwork", gradwork_xor), ("PyTorch", torch_xor), ("NumPy", numpy_xor)):
        step, params = make(weights)
        for _ in range(steps):
            loss = step()
        results[name] = ([_to_numpy(p) for p in params], float(_to_numpy(loss)))
    ref = results["PyTorch"][0]
    diffs = {name: max(float(np.max(np.abs(a - b))) for a, b in zip(ps, ref))
             for name, (ps, _) in results.items()}
    return diffs, {name: loss for name, (_, loss) in results.items()}


# ----- workload 2: chain of elementwise operations ----------------------------------------------
def chain_inputs(seed=1):
    """x, w, b as float32 arrays of shape (16,), scaled so gradients neither vanish nor overflow
    through 1,000 operations (underflow to subnormals would time the FPU, not the library)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, CHAIN_WIDTH).astype(np.float32)
    w = rng.uniform(0.99, 1.01, CHAIN_WIDTH).astype(np.float32)
    b = rng.uniform(-0.01, 0.01, CHAIN_WIDTH).astype(np.float32)
    return x, w, b


def _chain(y, w, b, tanh):
    """Apply mul, add, tanh in turn, CHAIN_LENGTH operations in all."""
    for i in range(CHAIN_LENGTH):
        k = i % 3
        if k == 0:
            y = y * w
        elif k == 1:
            y = y + b
        else:
            y = tanh(y)
    return y


def gradwork_chain(arrays, constants):
    """Step: the chain forward and backward; w and b are leaf tensors, or Python numbers if `constants`."""
    leaves = [gw.tensor(a, requires_grad=True) for a in arrays[:1 if constants else 3]]
    x, w, b = (leaves[0], 0.99, 0.01) if constants else leaves

    def step():
        _chain(x, w, b, gw.tanh).sum().backward()
        grads = [t.grad for t in leaves]
        for t in leaves:
            t.grad = None
        return grads

    return step


def torch_chain(arrays, constants):
    leaves = [torch.tensor(a, requires_grad=True) for a in arrays[:1 if constants else 3]]
    x, w, b = (leaves[0], 0.99, 0.01) if constants else leaves

    def step():
        _chain(x, w, b, torch.tanh).sum().backward()
        grads = [t.grad for t in leaves]
        for t in leaves:
            t.grad = None
        return grads

    return step


def numpy_chain(arrays, constants):
    """Forward keeping what backward needs, then the backward loop, by hand."""
    x, w, b = arrays
    if constants:
        w, b = np.float32(0.99), np.float32(0.01)

    def step():
        saved, y = [], x
        for i in range(CHAIN_LENGTH):
            k = i % 3
            if k == 0:
                saved.append(y)
                y = y * w
            elif k == 1:
                y = y + b
            else:
                y = np.tanh(y)
                saved.append(y)
        g = np.ones_like(y)
        grad_w, grad_b = np.zeros_like(x), np.zeros_like(x)
        for i in reversed(range(CHAIN_LENGTH)):
            k = i % 3
            if k == 0:
                grad_w += g * saved.pop()
                g = g * w
            elif k == 1:
                grad_b += g
            else:
                t = saved.pop()
                g = g * (1.0 - t * t)
        return [g] if constants else [g, grad_w, grad_b]

    return step


def check_chain(constants):
    arrays = chain_inputs()
    ours = [_to_numpy(t) for t in gradwork_chain(arrays, constants)()]
    ref = [_to_numpy(t) for t in torch_chain(arrays, constants)()]
    floor = numpy_chain(arrays, constants)()
    scale = max(float(np.max(np.abs(r))) for r in ref)
    rel = max(float(np.max(np.abs(a - r))) / scale for a, r in zip(ours, ref))
    rel_np = max(float(np.max(np.abs(a - r))) / scale for a, r in zip(floor, ref))
    smallest = min(float(np.min(np.abs(r))) for r in ref)
    return rel, rel_np, smallest


_CATEGORIES = (  # (test on "path:function", label), first match wins
    (lambda k: k.endswith(("autograd/function.py:__call__", "autograd/function.py:<listcomp>")),
     "Function.__call__ (operand unpacking, node recording)"),
    (lambda k: k.endswith((":_make", ":__new__")), "Tensor._make (result wrapping)"),
    (lambda k: k.endswith("engine.py:_topological_order"), "engine: topological sort"),
    (lambda k: "autograd/engine.py" in k or "grad_mode.py" in k or k.endswith("function.py:release"),
     "engine: run_backward bookkeeping (seed, dict of grads, checks, .grad, release)"),
    (lambda k: "gradwork/" in k and k.endswith(":backward"), "backward rules (own Python lines)"),
    (lambda k: "gradwork/" in k and k.endswith(":forward"), "forward methods (incl. their ufunc calls)"),
    (lambda k: "gradwork/" in k, "API wrappers: dunders, F.linear/mse, matmul, reshape, sum, sum_to, ..."),
    (lambda k: "numpy" in k, "NumPy's Python-level wrappers and C methods (np.sum, broadcast_to, ...)"),
    (lambda k: "autograd_overhead" in k, "the benchmark's own step (SGD update loop)"),
)


def profile_xor(steps, top):
    """cProfile `steps` gradwork XOR steps: own time by category, then the top functions."""
    step, _ = gradwork_xor(initial_xor_weights())
    for _ in range(50):
        step()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(steps):
        step()
    profiler.disable()
    stats = pstats.Stats(profiler)
    totals, calls, total = {}, {}, 0.0
    for (path, _, name), (_, ncalls, tottime, _, _) in stats.stats.items():
        key = f"{path}:{name}".replace("\\", "/")
        label = next((lab for test, lab in _CATEGORIES if test(key)), "Python built-ins (isinstance, id...)")
        totals[label] = totals.get(label, 0.0) + tottime
        calls[label] = calls.get(label, 0) + ncalls
        total += tottime
    print(f"\ncProfile of {steps} gradwork XOR steps: {total / steps * 1e6:.0f} us/step under the profiler "
          "(which inflates every Python call: read shares, not absolutes)")
    print(f"  {'share':>6}{'calls/step':>12}  category (own time)")
    for label, t in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {100 * t / total:5.1f}%{calls[label] / steps:12.1f}  {label}")
    print()
    stats.sort_stats("tottime").print_stats(top)


def main(argv=None):
    parser = argument_parser(__doc__)
    parser.add_argument("--rounds", type=int, help="rounds per workload (default 41, or 7 with --quick)")
    parser.add_argument("--profile", action="store_true", help="also cProfile gradwork's XOR step")
    args = parser.parse_args(argv)
    rounds = args.rounds or (7 if args.quick else 41)
    block_s = 0.02 if args.quick else 0.05
    clock = CLOCKS[args.clock]

    prepare(args.threads)
    print(f"  clock: {args.clock} (time.{clock.__name__}); {rounds} rounds, each timing a block of "
          f"~{block_s * 1e3:.0f} ms per implementation; order reversed every other round")

    diffs, losses = check_xor()
    print("\nSame work? XOR after 200 steps from the same weights: max |param - PyTorch's| "
          + ", ".join(f"{n} {d:.1e}" for n, d in diffs.items() if n != "PyTorch")
          + "; final losses " + ", ".join(f"{n} {v:.5f}" for n, v in losses.items()))
    for constants in (False, True):
        rel, rel_np, smallest = check_chain(constants)
        kind = "constant" if constants else "tensor"
        print(f"Same work? chain with {kind} operands: gradients vs PyTorch, max relative difference "
              f"gradwork {rel:.1e}, NumPy {rel_np:.1e}; smallest |gradient| {smallest:.1e}")
        if smallest < 1e-30:
            print("  WARNING: gradients near float32's subnormal range: the chain would time slow FPU paths")

    start = time.perf_counter()
    weights = initial_xor_weights()
    xor = measure(
        {"gradwork": gradwork_xor(weights)[0], "PyTorch": torch_xor(weights)[0],
         "NumPy by hand (floor)": numpy_xor(weights)[0]},
        rounds, block_s, clock,
    )
    print_table("1. XOR 2-16-1 training step (forward + backward + SGD update), time per step",
                xor, "PyTorch")

    arrays = chain_inputs()
    chains = (("2a", False, "tensor operands x*w, +b, tanh"), ("2b", True, "constants x*0.99, +0.01, tanh"))
    for number, constants, label in chains:
        chain = measure(
            {"gradwork": gradwork_chain(arrays, constants), "PyTorch": torch_chain(arrays, constants),
             "NumPy by hand (floor)": numpy_chain(arrays, constants)},
            rounds, block_s, clock,
        )
        print_table(f"{number}. chain of {CHAIN_LENGTH} elementwise ops on ({CHAIN_WIDTH},), {label}; "
                    "forward + backward", chain, "PyTorch", ops=CHAIN_LENGTH)
    print(f"\n(timed part took {time.perf_counter() - start:.1f} s; IQR = 25th - 75th percentile over "
          "rounds; ratios are medians of per-round ratios)")

    if args.profile:
        gc.collect()
        profile_xor(steps=200 if args.quick else 2000, top=30)


if __name__ == "__main__":
    main()
