"""The README's autograd demo: trains, prints a falling loss and a correct truth table."""
import importlib.util
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "xor_autograd.py"


@pytest.fixture(scope="module")
def xor_example():
    spec = importlib.util.spec_from_file_location("xor_autograd", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_loss_falls_and_xor_is_learned(xor_example, capsys):
    xor_example.main(["--steps", "1500"])
    out = capsys.readouterr().out
    losses = [float(line.split()[-1]) for line in out.splitlines() if line.startswith("step")]
    assert losses[0] > 0.2 and losses[-1] < 0.01 and losses == sorted(losses, reverse=True)
    table = [line.split() for line in out.splitlines() if "->" in line]
    assert [(int(r[0]), int(r[1]), int(r[3]), int(r[-1])) for r in table] == [
        (0, 0, 0, 0), (0, 1, 1, 1), (1, 0, 1, 1), (1, 1, 0, 0)]
