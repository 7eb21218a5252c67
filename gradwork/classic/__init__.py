"""`gradwork.classic`: the course's first models, before autograd.

- `Perceptron`: Rosenblatt's learning rule on a step-function unit.
- Logic gates as fixed-weight perceptrons (`AND`, `NAND`, `OR`, `NOR`) and `XOR` built from them
  in two layers, since no single line separates XOR.
- `layers`: the computational-graph nodes (`MulLayer`, `AddLayer`, `ReluLayer`, `SigmoidLayer`,
  `AffineLayer`, `SoftmaxWithLoss`), each a `forward`/`backward` pair on NumPy arrays.
- `diagram`: drawing small networks and computational graphs with their values (matplotlib).

>>> from gradwork import classic
>>> [classic.XOR(a, b) for a, b in [(0, 0), (0, 1), (1, 0), (1, 1)]]
[0, 1, 1, 0]
"""
from . import layers
from .gates import AND, NAND, NOR, OR, XOR, ComposedGate, Gate, truth_table
from .layers import AddLayer, AffineLayer, MulLayer, ReluLayer, SigmoidLayer, SoftmaxWithLoss
from .perceptron import Perceptron

__all__ = [
    "AND", "AddLayer", "AffineLayer", "ComposedGate", "Gate", "MulLayer", "NAND", "NOR", "OR", "Perceptron",
    "ReluLayer", "SigmoidLayer", "SoftmaxWithLoss", "XOR", "layers", "truth_table",
]
