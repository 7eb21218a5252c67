"""One pass over a `gw.data.PyDataset` whose `__getitem__` augments a batch (~5 ms of NumPy work),
loaded with workers=1 (in the iterating thread) and workers=2 (two threads, batches ahead).

The batches are Fashion-MNIST-shaped random images (uint8, 28x28x1), scaled to float32, randomly
shifted and flipped (`gw.data.random_shift` / `random_flip`), given Gaussian noise and a random
contrast: NumPy releases the GIL inside these loops, so two threads can overlap. Each setting is
timed in alternating rounds (best round reported); the two passes must give identical batches.
No PyTorch needed.

Run:  python benchmarks/pydataset_workers.py               (40 batches of 256, 5 rounds)
      python benchmarks/pydataset_workers.py --batches 20 --rounds 3
"""
import argparse
import time

import numpy as np

import gradwork as gw


class AugmentedImages(gw.data.PyDataset):
    """Batch i: images [i*B, (i+1)*B) augmented with a generator seeded by i (the same whoever loads it)."""

    def __init__(self, images, labels, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.images, self.labels, self.batch_size = images, labels, batch_size

    def __len__(self):
        return len(self.images) // self.batch_size

    def __getitem__(self, index):
        rng = np.random.default_rng(index)
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        x = self.images[rows].astype(np.float32) / np.float32(255)
        x = gw.data.random_flip(gw.data.random_shift(x, 3, 3, seed=rng), seed=rng)
        x += rng.standard_normal(x.shape, dtype=np.float32) * np.float32(0.05)
        x *= rng.uniform(0.8, 1.2, size=(len(x), 1, 1, 1)).astype(np.float32)
        return np.clip(x, 0.0, 1.0, out=x), self.labels[rows]


def one_pass(dataset):
    start = time.perf_counter()
    batches = [x for x, _ in dataset.iter_epoch()]
    return time.perf_counter() - start, batches


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    n = args.batches * args.batch_size
    images = rng.integers(0, 256, size=(n, 28, 28, 1), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n)
    datasets = {w: AugmentedImages(images, labels, args.batch_size, workers=w) for w in (1, 2)}
    cost = []
    for i in range(min(len(datasets[1]), 10)):
        start = time.perf_counter()
        datasets[1][i]
        cost.append(time.perf_counter() - start)
    print(f"__getitem__: {1e3 * np.median(cost):.1f} ms per batch of {args.batch_size} (median)")
    best = {1: float("inf"), 2: float("inf")}
    for r in range(args.rounds):
        results = {}
        for w in ((1, 2) if r % 2 == 0 else (2, 1)):
            seconds, results[w] = one_pass(datasets[w])
            best[w] = min(best[w], seconds)
        assert all(a.tobytes() == b.tobytes() for a, b in zip(results[1], results[2])), "batches differ"
    print(f"one pass of {args.batches} batches, best of {args.rounds} rounds:")
    print(f"  workers=1: {best[1]:.3f} s")
    print(f"  workers=2: {best[2]:.3f} s")
    print(f"  ratio workers=1 / workers=2: {best[1] / best[2]:.2f}x")


if __name__ == "__main__":
    main()
