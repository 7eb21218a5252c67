"""PyTorch's two beginner tutorials, one epoch each, run by real PyTorch and by gradwork's facade.

The programs are examples/pytorch_quickstart.py (the MLP 784-512-512-10, SGD lr 1e-3, batches of 64)
and examples/pytorch_classifier.py (the tutorial CNN on Fashion-MNIST, SGD with momentum, batches of
4): the same function runs with `torch` and with `gradwork.torch` as its library, on the same data.
Each round trains one epoch with each library (the order reversed every other round) and scores the
test set; the table gives the median training seconds per epoch, the median ratio facade / PyTorch
of the per-round times, and each library's test accuracy after its epoch (a fresh model each round,
so the accuracies of one library differ only by its initial weights and shuffling).

Run:  python benchmarks/torch_tutorials.py                      (3 rounds, full data when found)
      python benchmarks/torch_tutorials.py --limit 6000 --rounds 1   (a quick look)
"""

import pathlib
import statistics
import sys
import tempfile

import torch

import gradwork.torch as facade
from harness import argument_parser, prepare

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "examples"))
from pytorch_classifier import classifier  # noqa: E402 (the examples folder is put on the path above)
from pytorch_quickstart import quickstart  # noqa: E402
from pytorch_tutorials_data import FashionMNIST, load_arrays, normalize, to_tensor  # noqa: E402

TUTORIALS = {
    "quickstart": (quickstart, lambda library: to_tensor(library)),
    "classifier": (classifier, lambda library: normalize(library, 0.5, 0.5)),
}


def one_epoch(program, transform, library, arrays, limit, folder):
    """(training seconds, test accuracy) of one epoch of `program` run with `library`."""
    library.manual_seed(0)
    train = FashionMNIST(arrays, True, transform(library), limit)
    test = FashionMNIST(arrays, False, transform(library), limit)
    result = program(library, train, test, 1, folder, log=lambda *args: None)
    return result["train_seconds"][0], result["accuracy"]


def main():
    parser = argument_parser(__doc__, timed_rounds=False)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="first N training and test images")
    parser.add_argument("--tutorial", choices=sorted(TUTORIALS), action="append")
    args = parser.parse_args()
    prepare(args.threads)
    arrays, source = load_arrays()
    print(f"data: {source}, limit {args.limit}\n")
    print(f"{'tutorial':<12}{'PyTorch s/epoch':>16}{'facade s/epoch':>16}{'ratio':>8}{'acc PyTorch':>13}"
          f"{'acc facade':>12}")
    with tempfile.TemporaryDirectory() as folder:
        for name in args.tutorial or sorted(TUTORIALS, reverse=True):
            program, transform = TUTORIALS[name]
            times = {"torch": [], "facade": []}
            accuracies = {"torch": [], "facade": []}
            for round_index in range(args.rounds):
                order = [("torch", torch), ("facade", facade)]
                for key, library in order if round_index % 2 == 0 else order[::-1]:
                    seconds, accuracy = one_epoch(program, transform, library, arrays, args.limit, folder)
                    times[key].append(seconds)
                    accuracies[key].append(accuracy)
            ratio = statistics.median(f / t for f, t in zip(times["facade"], times["torch"]))
            print(f"{name:<12}{statistics.median(times['torch']):>16.2f}{statistics.median(times['facade']):>16.2f}"
                  f"{ratio:>7.2f}x{statistics.median(accuracies['torch']):>13.4f}"
                  f"{statistics.median(accuracies['facade']):>12.4f}", flush=True)


if __name__ == "__main__":
    main()
