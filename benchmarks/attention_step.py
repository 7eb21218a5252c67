"""Multi-head self-attention forward + backward, gradwork against PyTorch CPU in one process run.

`gw.nn.MultiHeadAttention(4, 16)` and `torch.nn.MultiheadAttention(64, 4, batch_first=True)` with
the same weights, on the same float32 batch (32 sequences of 64 steps, 64 features): each step
computes the attention output, sums it weighted by a fixed cotangent, and backpropagates into the
input and every weight (gradients reset after each step). Before timing, the outputs and the
input gradients of the two are compared. Rounds alternate the two (order reversed every other
round); the table gives medians and the median of per-round ratios.

Run:  python benchmarks/attention_step.py            (about 20 s)
      python benchmarks/attention_step.py --quick    (a few seconds)
"""

import numpy as np
import torch

import gradwork as gw
from harness import CLOCKS, argument_parser, measure, prepare, print_table

BATCH, LENGTH, DIM, HEADS = 32, 64, 64, 4


def make_pair(seed=0):
    """The two layers with PyTorch's (randomized) weights copied into gradwork's Keras layout."""
    torch.manual_seed(seed)
    module = torch.nn.MultiheadAttention(DIM, HEADS, batch_first=True)
    with torch.no_grad():
        for p in module.parameters():
            p.normal_(0.0, 0.1)
    layer = gw.nn.MultiHeadAttention(HEADS, DIM // HEADS)
    layer(np.zeros((1, LENGTH, DIM), np.float32), np.zeros((1, LENGTH, DIM), np.float32))
    w, b = module.in_proj_weight.detach().numpy(), module.in_proj_bias.detach().numpy()
    kernels = [w[i * DIM:(i + 1) * DIM].T.reshape(DIM, HEADS, -1) for i in range(3)]
    biases = [b[i * DIM:(i + 1) * DIM].reshape(HEADS, -1) for i in range(3)]
    out_w, out_b = module.out_proj.weight.detach().numpy(), module.out_proj.bias.detach().numpy()
    layer.set_weights([a for pair in zip(kernels, biases) for a in pair]
                      + [out_w.T.reshape(HEADS, -1, DIM), out_b])
    return layer, module


def gradwork_step(layer, x, v):
    xg = gw.tensor(x, requires_grad=True)
    params = layer.trainable_weights
    cotangent = gw.tensor(v)

    def step():
        (layer(xg, xg) * cotangent).sum().backward()
        grad = xg.grad
        xg.grad = None
        for p in params:
            p.grad = None
        return grad

    return step


def torch_step(module, x, v):
    xt = torch.tensor(x, requires_grad=True)
    params = list(module.parameters())
    cotangent = torch.tensor(v)

    def step():
        out, _ = module(xt, xt, xt, need_weights=False)
        (out * cotangent).sum().backward()
        grad = xt.grad
        xt.grad = None
        for p in params:
            p.grad = None
        return grad

    return step


def main(argv=None):
    parser = argument_parser(__doc__)
    args = parser.parse_args(argv)
    rounds, block_s = (5, 0.2) if args.quick else (15, 0.5)
    prepare(args.threads)

    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, LENGTH, DIM)).astype(np.float32)
    v = rng.standard_normal((BATCH, LENGTH, DIM)).astype(np.float32)
    layer, module = make_pair()
    ours, theirs = gradwork_step(layer, x, v), torch_step(module, x, v)
    out_gap = np.abs(layer(x, x).data - module(*(torch.tensor(x),) * 3)[0].detach().numpy()).max()
    grad_gap = np.abs(ours().data - theirs().numpy()).max()
    print(f"\nSame work? max |output - PyTorch's| {out_gap:.1e}, max |input gradient - PyTorch's| {grad_gap:.1e}")

    times = measure({"gradwork": ours, "PyTorch": theirs}, rounds, block_s, CLOCKS[args.clock])
    print_table(f"MultiHeadAttention, batch {BATCH}, length {LENGTH}, dim {DIM}, {HEADS} heads: "
                "forward + backward (input and weights), time per step", times, "PyTorch")


if __name__ == "__main__":
    main()
