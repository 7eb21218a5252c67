"""What feeding `fit` through a `gw.data.DataLoader` costs against feeding it the arrays.

The MLP 784-256-128-10 on Fashion-MNIST (Adam, batch 128, shuffled), two copies from the same
weights: one fits the arrays, the other a `gw.data.DataLoader((x, y), batch_size=128, shuffle=True)`
over the same arrays. They train one epoch each in alternation (order reversed every other round),
in one process; prints seconds per epoch and the median of the per-round ratios loader/arrays.
Then the feeding alone: one epoch of batches from each source, converted and checked as `fit` does
(its data adapters), without training, median milliseconds per epoch.

Run:  python benchmarks/data_loader_overhead.py              (6 epochs each, about 15 s)
      python benchmarks/data_loader_overhead.py --epochs 10
"""

import statistics
import time

import gradwork as gw
from gradwork.trainers import arrays
from gradwork.trainers.data_adapters import ArrayDataAdapter, streaming_adapter
from harness import argument_parser, prepare
from mlp_fashion_mnist import BATCH_SIZE, gradwork_model, load_data


def main(argv=None):
    parser = argument_parser(__doc__, timed_rounds=False)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    prepare(args.threads)
    (x, y), _, source = load_data()
    print(f"  data: {source}, {len(x)} training images; batch {BATCH_SIZE}, {args.epochs} epochs each\n")
    by_arrays, by_loader = gradwork_model(args.seed), gradwork_model(args.seed)
    loader = gw.data.DataLoader((x, y), batch_size=BATCH_SIZE, shuffle=True, seed=args.seed)
    fits = {
        "arrays": lambda: by_arrays.fit(x, y, batch_size=BATCH_SIZE, epochs=1, shuffle=True, verbose=0),
        "DataLoader": lambda: by_loader.fit(loader, epochs=1, verbose=0),
    }
    times = {name: [] for name in fits}
    for epoch in range(args.epochs):
        for name in (list(fits) if epoch % 2 == 0 else list(fits)[::-1]):
            start = time.perf_counter()
            fits[name]()
            times[name].append(time.perf_counter() - start)
    ratio = statistics.median([d / a for d, a in zip(times["DataLoader"], times["arrays"])])
    print(f"  {'epoch':>5}  {'arrays s':>9}  {'DataLoader s':>12}")
    for epoch, (a, d) in enumerate(zip(times["arrays"], times["DataLoader"])):
        print(f"  {epoch + 1:>5}  {a:>9.3f}  {d:>12.3f}")
    print(f"\n  median s/epoch: arrays {statistics.median(times['arrays']):.3f}, "
          f"DataLoader {statistics.median(times['DataLoader']):.3f}; ratio DataLoader/arrays {ratio:.3f}x")
    feeders = {"arrays": ArrayDataAdapter(*arrays.prepare(by_arrays, x, y), BATCH_SIZE, True),
               "DataLoader": streaming_adapter(by_loader, loader)}
    feeding = {name: [] for name in feeders}
    for _ in range(5):
        for name, adapter in feeders.items():
            start = time.perf_counter()
            for _batch in adapter.get_iterator():
                pass
            feeding[name].append(1000 * (time.perf_counter() - start))
    print("  feeding alone, median ms/epoch: " + ", ".join(
        f"{name} {statistics.median(ms):.1f}" for name, ms in feeding.items()))


if __name__ == "__main__":
    main()
