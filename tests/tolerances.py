"""Tolerances for float32 results reached by two routes (another batch size, another summation order)."""
import math

import numpy as np

F32_EPS = float(np.finfo(np.float32).eps)   # 1.19e-7: float32's relative rounding step


def f32_rtol(terms: int) -> float:
    """Relative tolerance between two float32 computations of sums of `terms` terms in another order.

    Rounding errors of a sum grow like sqrt(terms) eps on average; 4x that keeps the rare worst case
    (and the few rounded steps around the sum) inside, so the tolerance is never at float32's edge.
    """
    return 4 * F32_EPS * math.sqrt(terms)
