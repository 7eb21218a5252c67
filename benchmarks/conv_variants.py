"""Transposed, depthwise and separable convolutions, gradwork against PyTorch CPU in one process run.

Three layers, batch 128, float32, each with the same weights in both libraries (gradwork's,
copied into PyTorch's NCHW layout); gradwork runs on NHWC arrays, PyTorch on NCHW tensors
(transposed once, outside the timing):
  - Conv2DTranspose(32, 3, strides=2, padding="same"): (128, 7, 7, 64) -> (128, 14, 14, 32), the
    upsampling step of a decoder / DCGAN generator; nn.ConvTranspose2d(64, 32, 3, stride=2,
    padding=1, output_padding=1), what a PyTorch user writes for it;
  - DepthwiseConv2D(3, padding="same") on (128, 28, 28, 32); nn.Conv2d(32, 32, 3, padding=1, groups=32);
  - SeparableConv2D(64, 3, padding="same") on (128, 14, 14, 32); that grouped convolution without
    bias, then nn.Conv2d(32, 64, 1).
"training" is forward + backward: the output summed against a fixed random cotangent, gradients
into the input and every weight (reset after each step); "inference" is the forward pass under
no_grad. Before timing, the script prints how far apart the outputs and gradients are.

The two transposed convolutions do the same arithmetic but do not align alike: Keras's "same"
keeps the first row/column of the 15x15 full output and drops the last, PyTorch's padding=1,
output_padding=1 drops the first and keeps the last, so its output is gradwork's shifted one pixel
(the check shows both: the exact twin is ConvTranspose2d(padding=0) cropped to 14x14).

Rounds alternate the two libraries (order reversed every other round); the table gives medians
and the median of per-round ratios.

Run:  python benchmarks/conv_variants.py            (about 1 min)
      python benchmarks/conv_variants.py --quick    (about 20 s; noisy)
      python benchmarks/conv_variants.py --profile  (and a cProfile of gradwork's training steps)
"""
import cProfile
import pstats
import statistics

import numpy as np
import torch

import gradwork as gw
from harness import CLOCKS, argument_parser, measure, prepare

BATCH = 128


def _depthwise_weight(kernel):
    """Keras's depthwise kernel (kh, kw, C, M) as PyTorch's grouped weight (C*M, 1, kh, kw), channel c*M + m."""
    kh, kw, c, m = kernel.shape
    return kernel.transpose(2, 3, 0, 1).reshape(c * m, 1, kh, kw)


def _transpose_module(padding, output_padding):
    return torch.nn.ConvTranspose2d(64, 32, 3, stride=2, padding=padding, output_padding=output_padding)


# name: (input shape (NHWC), gradwork layer, PyTorch module, gradwork's weights in the module's order and layout)
CASES = {
    "Conv2DTranspose": (
        (BATCH, 7, 7, 64),
        lambda: gw.nn.Conv2DTranspose(32, 3, strides=2, padding="same"),
        lambda: _transpose_module(padding=1, output_padding=1),
        lambda kernel, bias: [kernel.transpose(3, 2, 0, 1), bias],
    ),
    "DepthwiseConv2D": (
        (BATCH, 28, 28, 32),
        lambda: gw.nn.DepthwiseConv2D(3, padding="same"),
        lambda: torch.nn.Conv2d(32, 32, 3, padding=1, groups=32),
        lambda kernel, bias: [_depthwise_weight(kernel), bias],
    ),
    "SeparableConv2D": (
        (BATCH, 14, 14, 32),
        lambda: gw.nn.SeparableConv2D(64, 3, padding="same"),
        lambda: torch.nn.Sequential(torch.nn.Conv2d(32, 32, 3, padding=1, groups=32, bias=False),
                                    torch.nn.Conv2d(32, 64, 1)),
        lambda depthwise, pointwise, bias: [_depthwise_weight(depthwise), pointwise.transpose(3, 2, 0, 1), bias],
    ),
}


def nchw(array):
    return torch.from_numpy(np.ascontiguousarray(array.transpose(0, 3, 1, 2)))


def nhwc(tensor):
    return tensor.detach().permute(0, 2, 3, 1).numpy()


def make_pair(name, rng):
    """The gradwork layer with random weights (bias included) and the PyTorch module holding the same."""
    shape, make_layer, make_module, to_torch = CASES[name]
    layer = make_layer()
    layer(np.zeros((1, *shape[1:]), np.float32))
    layer.set_weights([0.1 * rng.standard_normal(w.shape).astype(np.float32) for w in layer.weights])
    module = make_module()
    load(module, to_torch(*layer.get_weights()))
    return layer, module


def load(module, arrays):
    with torch.no_grad():
        for p, a in zip(module.parameters(), arrays, strict=True):
            p.copy_(torch.from_numpy(np.ascontiguousarray(a)))


def gradwork_steps(layer, x, v):
    """(training step, inference step) of the layer on x (N, H, W, C), cotangent v of the output's shape."""
    xg, cotangent, params = gw.tensor(x, requires_grad=True), gw.tensor(v), layer.trainable_weights

    def train():
        (layer(xg) * cotangent).sum().backward()
        xg.grad = None
        for p in params:
            p.grad = None

    def infer():
        with gw.no_grad():
            layer(x)

    return train, infer


def torch_steps(module, x, v):
    xt, cotangent, params = nchw(x).requires_grad_(), nchw(v), list(module.parameters())
    x_infer = nchw(x)

    def train():
        (module(xt) * cotangent).sum().backward()
        xt.grad = None
        for p in params:
            p.grad = None

    def infer():
        with torch.no_grad():
            module(x_infer)

    return train, infer


def gaps(layer, forward, params, to_torch, x, v):
    """Largest |gradwork - PyTorch| of the output, the input gradient and the weight gradients, each
    relative to the largest |PyTorch value|; `forward` maps an NCHW tensor to PyTorch's NCHW output
    and `params` are its weights, in the order `to_torch` gives gradwork's."""
    xg = gw.tensor(x, requires_grad=True)
    out = layer(xg)
    (out * gw.tensor(v)).sum().backward()
    xt = nchw(x).requires_grad_()
    out_t = forward(xt)
    (out_t * nchw(v)).sum().backward()
    ours = [out.data, xg.grad.data, *to_torch(*[p.grad.data for p in layer.trainable_weights])]
    theirs = [nhwc(out_t), nhwc(xt.grad), *[p.grad.numpy() for p in params]]
    for p in (xg, *layer.trainable_weights):
        p.grad = None
    return [float(np.abs(a - b).max() / np.abs(b).max()) for a, b in zip(ours, theirs, strict=True)]


def check(name, layer, module, x, v):
    """Print how far apart the two libraries' results are."""
    to_torch = CASES[name][3]
    if name == "Conv2DTranspose":
        twin = _transpose_module(padding=0, output_padding=0)
        load(twin, to_torch(*layer.get_weights()))
        size = v.shape[1]
        out, gx, gk, gb = gaps(layer, lambda xt: twin(xt)[:, :, :size, :size], list(twin.parameters()),
                               to_torch, x, v)
        print(f"\n{name}: exact twin ConvTranspose2d(padding=0) cropped to {size}x{size}: relative max gap "
              f"output {out:.1e}, input gradient {gx:.1e}, kernel gradient {gk:.1e}, bias gradient {gb:.1e}")
        ours = layer(x).data
        theirs = nhwc(module(nchw(x)))
        shifted = np.abs(ours[:, 1:, 1:] - theirs[:, :-1, :-1]).max() / np.abs(theirs).max()
        direct = np.abs(ours - theirs).max() / np.abs(theirs).max()
        print(f"  timed module ConvTranspose2d(padding=1, output_padding=1): output {tuple(theirs.shape)} "
              f"(NHWC) like gradwork's {ours.shape}; relative max gap {direct:.1e} as is, "
              f"{shifted:.1e} between PyTorch's pixel (i, j) and gradwork's (i + 1, j + 1)")
        return
    labels = ["output", "input gradient"] + [f"{w.name} gradient" for w in layer.trainable_weights]
    values = gaps(layer, module, list(module.parameters()), to_torch, x, v)
    print(f"\n{name}: relative max gap " + ", ".join(f"{k} {g:.1e}" for k, g in zip(labels, values)))


def summary(results):
    """One line per (layer, mode): median times, the median per-round ratio and its IQR."""
    print(f"\n{'case':<30}{'gradwork':>12}{'PyTorch':>12}{'ratio':>9}{'ratio IQR':>15}")
    for case, times in results.items():
        ratios = [a / b for a, b in zip(times["gradwork"], times["PyTorch"])]
        q1, _, q3 = statistics.quantiles(ratios, n=4, method="inclusive")
        ours, theirs = (statistics.median(times[k]) * 1e3 for k in ("gradwork", "PyTorch"))
        print(f"{case:<30}{ours:>9.1f} ms{theirs:>9.1f} ms{statistics.median(ratios):>8.2f}x"
              f"{f'{q1:.2f} - {q3:.2f}':>15}")


def main(argv=None):
    parser = argument_parser(__doc__)
    parser.add_argument("--profile", action="store_true", help="also cProfile 5 gradwork training steps per layer")
    args = parser.parse_args(argv)
    rounds, block_s = (5, 0.2) if args.quick else (9, 0.4)
    prepare(args.threads)

    rng = np.random.default_rng(0)
    results, steps = {}, {}
    for name, (shape, *_) in CASES.items():
        layer, module = make_pair(name, rng)
        x = rng.standard_normal(shape).astype(np.float32)
        v = rng.standard_normal(layer(x).shape).astype(np.float32)
        check(name, layer, module, x, v)
        ours, theirs = gradwork_steps(layer, x, v), torch_steps(module, x, v)
        steps[name] = ours[0]
        for mode, i in (("training", 0), ("inference", 1)):
            results[f"{name} {mode}"] = measure({"gradwork": ours[i], "PyTorch": theirs[i]}, rounds, block_s,
                                                CLOCKS[args.clock])
    print(f"\nTime per step, batch {BATCH}, median of {rounds} rounds "
          "(training: forward + backward into input and weights; inference: forward under no_grad)")
    summary(results)

    if args.profile:
        for name, train in steps.items():
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(5):
                train()
            profiler.disable()
            print(f"\ncProfile of 5 gradwork {name} training steps")
            pstats.Stats(profiler).sort_stats("tottime").print_stats(8)


if __name__ == "__main__":
    main()
