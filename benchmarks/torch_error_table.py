"""How far gradwork is from PyTorch, operation by operation, in float64 and float32.

Runs every case of `tests/op_cases.py` through both libraries on the same inputs and the same
random output cotangent, and prints a Markdown table of the largest relative error seen per
operation: max |gradwork - torch| / max |torch| over each output (forward) and each input
gradient (backward), the largest over the operation's cases. Outputs that are integers or
booleans (comparisons, argmax) count as exact or not at all.

Run: python benchmarks/torch_error_table.py
"""
import os
import sys
from collections import defaultdict

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests")]

from op_cases import CASES, make_inputs, relative_error, run_gradwork, run_torch  # noqa: E402


def case_errors(case, dtype):
    """{(dtype name, "forward" | "backward"): largest error} of one case run with float inputs in `dtype`.

    Each array counts under its own dtype: integer data through exp gives float32 in the float64 run too.
    """
    arrays = make_inputs(case, dtype)
    with np.errstate(all="ignore"):  # reductions over empty axes divide by zero on purpose
        mine, ref = run_gradwork(case, arrays), run_torch(case, arrays)
    errors = {}
    pairs = [("forward", a, b) for a, b in zip(mine.outputs, ref.outputs)]
    pairs += [("backward", a, b) for a, b in zip(mine.grads, ref.grads)]
    for kind, got, want in pairs:
        key = (want.dtype.name if want.dtype.kind == "f" else np.dtype(dtype).name, kind)
        errors[key] = max(errors.get(key, 0.0), relative_error(got, want))
    return errors


def error_table():
    """{op: {"cases": n, (dtype name, "forward" | "backward"): largest error}} in table order."""
    table = defaultdict(dict)
    for case in CASES:
        row = table[case.op]
        row["cases"] = row.get("cases", 0) + 1
        for dtype in (np.float64, np.float32):
            for key, error in case_errors(case, dtype).items():
                row[key] = max(row.get(key, 0.0), error)
    return table


def _cell(row, key):
    return f"{row[key]:.1e}" if key in row else "—"


def markdown(table):
    keys = [("float64", "forward"), ("float64", "backward"), ("float32", "forward"), ("float32", "backward")]
    lines = [
        "| operation | cases | float64 forward | float64 backward | float32 forward | float32 backward |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for op, row in table.items():
        cells = " | ".join(_cell(row, k) for k in keys)
        lines.append(f"| `{op}` | {int(row['cases'])} | {cells} |")
    return "\n".join(lines)


def main():
    import torch

    print(f"Largest relative error against torch {torch.__version__}: max |gw - torch| / max |torch| "
          "per output and per input gradient ('—': no gradient).\n")
    print(markdown(error_table()))


if __name__ == "__main__":
    main()
