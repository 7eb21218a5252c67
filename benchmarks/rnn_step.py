"""One training step of an LSTM and of a GRU classifier, gradwork against PyTorch CPU in one process run.

The model: (64 sequences, 50 steps, 128 features) -> LSTM(128) or GRU(128), last step's output ->
Dense(10) -> softmax cross-entropy; Adam (lr 1e-3), float32, the same thread count for both.
A step is forward, loss, backward and the optimizer update: `model.train_on_batch` in gradwork
(the Keras call a user makes) and the usual zero_grad/backward/step loop with nn.LSTM / nn.GRU
(batch_first) in PyTorch. Before timing, both start from the same weights (PyTorch's, copied into
Keras's layout: kernels transposed, GRU gates r, z, n reordered to z, r, h) and the script prints
how far apart their losses and recurrent-kernel gradients are. Rounds alternate the two (order
reversed every other round); the tables give medians and the median of per-round ratios.

Run:  python benchmarks/rnn_step.py             (about 40 s)
      python benchmarks/rnn_step.py --quick     (about 10 s; noisy)
      python benchmarks/rnn_step.py --profile   (and a cProfile of gradwork's LSTM steps)
"""
import cProfile
import pstats

import numpy as np
import torch

import gradwork as gw
from harness import CLOCKS, argument_parser, measure, prepare, print_table

BATCH, STEPS, FEATURES, UNITS, CLASSES = 64, 50, 128, 128, 10
KINDS = {"LSTM": (gw.nn.LSTM, torch.nn.LSTM), "GRU": (gw.nn.GRU, torch.nn.GRU)}


def _gate_order(kind):
    """Keras's gate columns taken from PyTorch's rows (GRU: torch r, z, n -> Keras z, r, h)."""
    if kind == "GRU":
        return np.r_[UNITS:2 * UNITS, 0:UNITS, 2 * UNITS:3 * UNITS]
    return np.arange(4 * UNITS)


def make_pair(kind, seed=0):
    """(gradwork model, PyTorch (rnn, head, optimizer)) with PyTorch's initial weights in both."""
    ours_cls, theirs_cls = KINDS[kind]
    torch.manual_seed(seed)
    rnn, head = theirs_cls(FEATURES, UNITS, batch_first=True), torch.nn.Linear(UNITS, CLASSES)
    optimizer = torch.optim.Adam([*rnn.parameters(), *head.parameters()], lr=1e-3)
    model = gw.Sequential([gw.nn.Input(shape=(STEPS, FEATURES)), ours_cls(UNITS), gw.nn.Dense(CLASSES)])
    model.compile(gw.optimizers.Adam(learning_rate=1e-3),
                  gw.losses.SparseCategoricalCrossentropy(from_logits=True))
    inverse = np.argsort(_gate_order(kind))
    w = {name: p.detach().numpy() for name, p in rnn.named_parameters()}
    bias = np.stack([w["bias_ih_l0"][inverse], w["bias_hh_l0"][inverse]])
    if kind == "LSTM":                    # one Keras bias: torch's two add up
        bias = bias.sum(axis=0)
    model.set_weights([w["weight_ih_l0"].T[:, inverse], w["weight_hh_l0"].T[:, inverse], bias,
                       head.weight.detach().numpy().T, head.bias.detach().numpy()])
    return model, (rnn, head, optimizer)


def torch_loss(rnn, head, xt, yt):
    out, _ = rnn(xt)
    return torch.nn.functional.cross_entropy(head(out[:, -1]), yt)


def same_work(kind, model, theirs, x, y):
    """Loss gap and largest recurrent-kernel gradient gap (relative to its scale), one batch, no update."""
    rnn, head, _ = theirs
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    loss = torch_loss(rnn, head, xt, yt)
    loss.backward()
    reference = rnn.weight_hh_l0.grad.numpy().T[:, np.argsort(_gate_order(kind))]
    rnn.zero_grad()
    head.zero_grad()
    ours = model.compute_loss(y, model(x, training=True))
    ours.backward()
    kernel = next(layer for layer in model.layers if hasattr(layer, "recurrent_kernel")).recurrent_kernel
    gap = np.abs(kernel.grad.data - reference).max() / np.abs(reference).max()
    for p in model.weights:
        p.grad = None
    return abs(float(ours.data) - loss.item()), gap


def gradwork_step(model, x, y):
    return lambda: model.train_on_batch(x, y)


def torch_step(theirs, x, y):
    rnn, head, optimizer = theirs
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        optimizer.zero_grad(set_to_none=True)
        torch_loss(rnn, head, xt, yt).backward()
        optimizer.step()

    return step


def main(argv=None):
    parser = argument_parser(__doc__)
    parser.add_argument("--profile", action="store_true", help="also cProfile 20 gradwork LSTM steps")
    args = parser.parse_args(argv)
    rounds, block_s = (5, 0.3) if args.quick else (11, 1.0)
    prepare(args.threads)

    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, STEPS, FEATURES)).astype(np.float32)
    y = rng.integers(0, CLASSES, BATCH)
    for kind in KINDS:
        model, theirs = make_pair(kind)
        loss_gap, grad_gap = same_work(kind, model, theirs, x, y)
        print(f"\n{kind}: same work? |loss - PyTorch's| {loss_gap:.1e}, "
              f"max |recurrent_kernel gradient - PyTorch's| / its scale {grad_gap:.1e}")
        times = measure({"gradwork": gradwork_step(model, x, y), "PyTorch": torch_step(theirs, x, y)},
                        rounds, block_s, CLOCKS[args.clock])
        print_table(f"{kind}({UNITS}) on ({BATCH}, {STEPS}, {FEATURES}) -> Dense({CLASSES}), cross-entropy, "
                    "Adam: time per training step", times, "PyTorch")

    if args.profile:
        model, _ = make_pair("LSTM")
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            model.train_on_batch(x, y)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
