"""The cost of PyTorch's layout in the facade: Conv2d + MaxPool2d on NCHW through `gradwork.torch`
against gradwork's own NHWC layers, on the same data and weights, in one process run.

The facade keeps PyTorch's layouts (images (N, C, H, W), weights (out, in, kh, kw)) and converts at
the boundary of each call to gradwork's kernels, which are channels-last: one transpose of the input
and of the weight on the way in, one of the output on the way out, and the same three on the way
back for the gradients. This measures what that costs over calling the kernels in their own layout.

  - facade:   gradwork.torch.nn.Conv2d(16, 32, 3, padding=1) -> nn.MaxPool2d(2) on x (64, 16, 28, 28)
  - gradwork: gw.nn.Conv2D(32, 3, padding="same") -> gw.nn.MaxPooling2D(2) on x (64, 28, 28, 16)

A step is forward + backward: the output summed against a fixed random cotangent, gradients into
the input and every weight (reset after each step). Before timing, the script checks that both give
the same output and gradients. Rounds alternate the two (order reversed every other round); the
table gives medians and the median of per-round ratios (facade / gradwork).

Run:  python benchmarks/torch_facade_layout.py            (about 30 s)
      python benchmarks/torch_facade_layout.py --quick    (about 10 s; noisy)
"""
import statistics

import numpy as np

import gradwork as gw
import gradwork.torch as gtorch
from harness import CLOCKS, argument_parser, measure, prepare

SHAPE_NCHW = (64, 16, 28, 28)


def facade_model():
    return gtorch.nn.Sequential(gtorch.nn.Conv2d(16, 32, 3, padding=1), gtorch.nn.MaxPool2d(2))


def gradwork_model(facade):
    """gradwork's layers holding the facade's weights, in gradwork's layout (kh, kw, in, out)."""
    conv, pool = gw.nn.Conv2D(32, 3, padding="same"), gw.nn.MaxPooling2D(2)
    conv.build((None, 28, 28, 16))
    weight, bias = (p.detach().numpy() for p in facade[0].parameters())
    conv.set_weights([weight.transpose(2, 3, 1, 0), bias])
    return lambda x: pool(conv(x)), [conv.kernel, conv.bias]


def facade_step(model, x, v):
    x, v = gtorch.tensor(x, requires_grad=True), gtorch.tensor(v)

    def step():
        (model(x) * v).sum().backward()
        grads = [x.grad] + [p.grad for p in model.parameters()]
        x.grad = None
        model.zero_grad()
        return grads

    return step


def gradwork_step(model, weights, x, v):
    x, v = gw.tensor(x, requires_grad=True), gw.tensor(v)

    def step():
        (model(x) * v).sum().backward()
        grads = [x.grad] + [w.grad for w in weights]
        for t in (x, *weights):
            t.grad = None
        return grads

    return step


def check(ours_step, theirs_step):
    """Print the largest gap between the two steps' gradients (input, kernel, bias), relative to their scale."""
    facade, own = ours_step(), theirs_step()
    pairs = [(facade[0].numpy().transpose(0, 2, 3, 1), own[0].data),
             (facade[1].numpy().transpose(2, 3, 1, 0), own[1].data), (facade[2].numpy(), own[2].data)]
    gaps = [float(np.abs(a - b).max() / np.abs(b).max()) for a, b in pairs]
    print("\nrelative max gap, facade against gradwork: input gradient {:.1e}, kernel gradient {:.1e}, "
          "bias gradient {:.1e}".format(*gaps))


def main(argv=None):
    args = argument_parser(__doc__).parse_args(argv)
    rounds, block_s = (5, 0.2) if args.quick else (11, 0.5)
    prepare(args.threads)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(SHAPE_NCHW).astype(np.float32)
    v = rng.standard_normal((64, 32, 14, 14)).astype(np.float32)
    facade = facade_model()
    own, weights = gradwork_model(facade)
    ours = facade_step(facade, x, v)
    theirs = gradwork_step(own, weights, x.transpose(0, 2, 3, 1).copy(), v.transpose(0, 2, 3, 1).copy())
    check(ours, theirs)
    times = measure({"facade (NCHW)": ours, "gradwork (NHWC)": theirs}, rounds, block_s, CLOCKS[args.clock])
    ratios = [a / b for a, b in zip(times["facade (NCHW)"], times["gradwork (NHWC)"])]
    q1, _, q3 = statistics.quantiles(ratios, n=4, method="inclusive")
    print(f"\nConv2d(16, 32, 3) + MaxPool2d(2), batch 64, 28x28, forward + backward; median of {rounds} rounds")
    for name, ts in times.items():
        print(f"  {name:<18}{statistics.median(ts) * 1e3:>9.2f} ms")
    print(f"  facade / gradwork: {statistics.median(ratios):.3f}x (per-round IQR {q1:.3f} - {q3:.3f})")


if __name__ == "__main__":
    main()
