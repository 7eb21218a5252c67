"""Logic gates as perceptrons with weights chosen by hand.

A gate fires (outputs 1) when w1*x1 + w2*x2 + b > 0. AND, NAND, OR and NOR are each one such
unit: the line w1*x1 + w2*x2 + b = 0 separates the inputs that give 1 from those that give 0.
XOR has no such line (its 1s sit on one diagonal of the square, its 0s on the other), so it is
built in two layers: XOR(x1, x2) = AND(NAND(x1, x2), OR(x1, x2)).

>>> truth_table(NAND)
[(0, 0, 1), (0, 1, 1), (1, 0, 1), (1, 1, 0)]
"""
from __future__ import annotations

import itertools
from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike

from ..nn.functional import step


class Gate:
    """A two-input perceptron with fixed weights: `gate(x1, x2)` -> step(w1*x1 + w2*x2 + b).

    Inputs may be 0/1 numbers (the result is an int) or arrays of the same shape (an int64 array
    of that shape). `gate.weights` (read-only array) and `gate.bias` show the parameters.

    Parameters
    ----------
    name : str
        Shown by `repr` and by composed gates.
    weights : (float, float)
        (w1, w2).
    bias : float
        b.

    Raises
    ------
    ValueError
        If there are not exactly 2 weights.

    Examples
    --------
    >>> AND(1, 1), AND(1, 0)
    (1, 0)
    >>> Gate("IMPLIES", (-0.5, 0.5), 0.2)(np.array([0, 1, 1]), np.array([0, 0, 1])).tolist()
    [1, 0, 1]
    """

    def __init__(self, name: str, weights: ArrayLike, bias: float) -> None:
        self.name = name
        w = np.array(weights, dtype=np.float64)
        if w.shape != (2,):
            raise ValueError(f"{name}: a two-input gate needs 2 weights, got shape {w.shape}")
        w.flags.writeable = False
        self._weights, self._bias = w, float(bias)

    @property
    def weights(self) -> np.ndarray:
        """(w1, w2), a read-only float64 array of shape (2,)."""
        return self._weights

    @property
    def bias(self) -> float:
        """b."""
        return self._bias

    def net_input(self, x1: ArrayLike, x2: ArrayLike) -> np.ndarray:
        """w1*x1 + w2*x2 + b, before the step.

        Parameters
        ----------
        x1, x2 : array_like, same shape (or broadcastable)

        Returns
        -------
        ndarray of float64, the broadcast shape of x1 and x2 (0-d for numbers)
        """
        w1, w2 = self._weights
        return w1 * np.asarray(x1, np.float64) + w2 * np.asarray(x2, np.float64) + self._bias

    def __call__(self, x1: ArrayLike, x2: ArrayLike) -> int | np.ndarray:
        """step(net_input): an int for numbers, an int64 array of the inputs' shape for arrays."""
        out = step(self.net_input(x1, x2)).numpy().astype(np.int64)
        return int(out) if out.ndim == 0 else out

    def __repr__(self) -> str:
        return f"Gate({self.name}, weights={self._weights.tolist()}, bias={self._bias})"


class ComposedGate:
    """A gate made of gates in two layers: `output(*[g(x1, x2) for g in hidden])`.

    Parameters
    ----------
    name : str
        Shown by `repr`.
    hidden : iterable of Gate
        The first layer: two-input gates, each applied to (x1, x2).
    output : Gate
        The gate that combines their outputs (it takes as many inputs as there are hidden gates).

    Examples
    --------
    >>> XOR
    ComposedGate(XOR = AND(NAND, OR))
    >>> XOR(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])).tolist()
    [0, 1, 1, 0]
    """

    def __init__(self, name: str, hidden: Iterable[Gate], output: Gate) -> None:
        self.name = name
        self.hidden, self.output = tuple(hidden), output

    @property
    def layers(self) -> tuple[tuple[Gate, ...], Gate]:
        """((first-layer gates), output gate)."""
        return self.hidden, self.output

    def __call__(self, x1: ArrayLike, x2: ArrayLike) -> int | np.ndarray:
        """output(*hidden(x1, x2)): an int for numbers, an int64 array of the inputs' shape for arrays."""
        return self.output(*(g(x1, x2) for g in self.hidden))

    def __repr__(self) -> str:
        inner = ", ".join(g.name for g in self.hidden)
        return f"ComposedGate({self.name} = {self.output.name}({inner}))"


# The course's weights: any (w1, w2, b) on the right side of the four points would do.
AND = Gate("AND", (0.5, 0.5), -0.7)
NAND = Gate("NAND", (-0.5, -0.5), 0.7)
OR = Gate("OR", (0.5, 0.5), -0.2)
NOR = Gate("NOR", (-0.5, -0.5), 0.2)
XOR = ComposedGate("XOR", (NAND, OR), AND)


def truth_table(gate: Gate | ComposedGate) -> list[tuple[int, int, int]]:
    """[(x1, x2, gate(x1, x2)), ...] over the four binary inputs, in the order 00, 01, 10, 11.

    Examples
    --------
    >>> [out for _, _, out in truth_table(XOR)]
    [0, 1, 1, 0]
    """
    return [(x1, x2, gate(x1, x2)) for x1, x2 in itertools.product((0, 1), repeat=2)]
