"""Regenerate the embedded Fashion-MNIST subset `data/fashion_mnist_mini.npz`.

The subset is the first 600 training and the first 100 test images of each class, in file order
(so it is fully determined by the official files: no random numbers involved). Stored with
`np.savez_compressed`: x_train (6000, 28, 28) uint8, y_train (6000,) uint8, x_test (1000, 28, 28)
uint8, y_test (1000,) uint8, and train_indices / test_indices (int32), the positions of the
chosen images in the official files.

Run: python -m gradwork.datasets.make_mini [--out PATH] [--check]
The official files are found as `fashion_mnist.load_data()` finds them (and checked by SHA-256).
"""
import argparse
import os
import sys

import numpy as np
from numpy.typing import ArrayLike

from . import fashion_mnist


def first_per_class(labels: ArrayLike, per_class: int, n_classes: int = 10) -> np.ndarray:
    """Sorted positions (int32, shape (n_classes * per_class,)) of the first `per_class` samples of each
    class in `labels`, integer labels of shape (N,).

    Vectorised: a stable sort by label groups each class in file order; the rank of each sample
    within its class is its position minus the position where the class starts.
    """
    labels = np.asarray(labels)
    counts = np.bincount(labels, minlength=n_classes)
    if counts.min() < per_class:
        raise ValueError(f"a class has only {counts.min()} samples, fewer than {per_class}")
    order = np.argsort(labels, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(len(labels)) - starts[labels[order]]
    return np.sort(order[rank < per_class]).astype(np.int32)


def build_mini(full: tuple[tuple, tuple]) -> dict[str, np.ndarray]:
    """The subset's arrays (a dict for np.savez) from the full `(x_train, y_train), (x_test, y_test)`."""
    (x_train, y_train), (x_test, y_test) = full
    per_train, per_test = fashion_mnist.MINI_PER_CLASS
    train_idx = first_per_class(y_train, per_train)
    test_idx = first_per_class(y_test, per_test)
    return {
        "x_train": x_train[train_idx], "y_train": y_train[train_idx],
        "x_test": x_test[test_idx], "y_test": y_test[test_idx],
        "train_indices": train_idx, "test_indices": test_idx,
    }


def default_out() -> str:
    """The shipped subset's path inside the package folder."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", fashion_mnist.MINI_FILE)


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module's docstring); returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=default_out(), help="the .npz to write (default: in the package)")
    parser.add_argument("--check", action="store_true",
                        help="do not write; verify that the shipped file equals a fresh build")
    args = parser.parse_args(argv)
    arrays = build_mini(fashion_mnist.load_data())
    if args.check:
        with fashion_mnist.mini_path().open("rb") as f, np.load(f, allow_pickle=False) as shipped:
            same = set(shipped.files) == set(arrays) and all(
                shipped[k].dtype == v.dtype and np.array_equal(shipped[k], v) for k, v in arrays.items()
            )
        print("the shipped subset " + ("matches a fresh build" if same else "DIFFERS from a fresh build"))
        return 0 if same else 1
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp.npz"
    np.savez_compressed(tmp, **arrays)
    os.replace(tmp, args.out)
    print(f"wrote {args.out} ({os.path.getsize(args.out) / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
