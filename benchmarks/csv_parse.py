"""Reading a .csv dataset for `gradwork train --dataset FILE.csv --target COLUMN`: the former reader
(the `csv` module and a Python `float()` per cell) against `gradwork.cli.csv_files.read_csv` (NumPy's
`loadtxt`, checked rows only when it fails), on a generated file; no PyTorch needed.

    python benchmarks/csv_parse.py                 # 50,000 rows x 10 numeric columns + a label, 15 rounds
    python benchmarks/csv_parse.py --rows 100000 --columns 4 --rounds 9

Both readers run alternately in one process (the order reversed every other round); the ratio printed
is the median of the per-round ratios former / NumPy. Before timing, both must give identical arrays.
"""
import argparse
import csv
import os
import statistics
import tempfile
import time

import numpy as np

from gradwork.cli.csv_files import read_csv


def former_read_csv(path, target):
    """The reader this replaces: every cell through Python's float()."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    t = header.index(target)
    x = np.array([[float(v) for i, v in enumerate(r) if i != t] for r in body], dtype=np.float32)
    labels = [r[t] for r in body]

    def is_number(text):
        try:
            float(text)
            return True
        except ValueError:
            return False

    class_names = sorted(set(labels), key=lambda v: (not is_number(v), float(v) if is_number(v) else 0, v))
    y = np.array([class_names.index(v) for v in labels], dtype=np.int64)
    return x, y, class_names


def write_csv(path, rows, columns, seed=0):
    """A file of `rows` rows: `columns` float32 features (as Python prints them) and a label column
    of 5 classes, second from the end."""
    rng = np.random.default_rng(seed)
    x = rng.normal(scale=100, size=(rows, columns)).astype(np.float32).tolist()
    labels = rng.choice(["ant", "bee", "cat", "dog", "eel"], size=rows).tolist()
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([f"f{i}" for i in range(columns - 1)] + ["species", f"f{columns - 1}"])
        for features, label in zip(x, labels):
            writer.writerow(features[:-1] + [label, features[-1]])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--columns", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "data.csv")
        write_csv(path, args.rows, args.columns)
        print(f"{args.rows} rows x {args.columns} numeric columns + a label column, "
              f"{os.path.getsize(path) / 1e6:.1f} MB")
        old, new = former_read_csv(path, "species"), read_csv(path, "species")
        np.testing.assert_array_equal(old[0], new[0])
        np.testing.assert_array_equal(old[1], new[1])
        assert old[2] == new[2]
        readers = {"former (float per cell)": former_read_csv, "NumPy (read_csv)": read_csv}
        times = {name: [] for name in readers}
        for round_ in range(args.rounds):
            for name in (list(readers) if round_ % 2 == 0 else list(readers)[::-1]):
                start = time.perf_counter()
                readers[name](path, "species")
                times[name].append(time.perf_counter() - start)
    for name, seconds in times.items():
        print(f"{name:26s} median {statistics.median(seconds):.4f} s   min {min(seconds):.4f} s")
    ratios = [a / b for a, b in zip(*times.values())]
    print(f"ratio former / NumPy: median {statistics.median(ratios):.2f}x "
          f"(rounds from {min(ratios):.2f}x to {max(ratios):.2f}x)")


if __name__ == "__main__":
    main()
