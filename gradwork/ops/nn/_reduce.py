"""Array reductions shared by the fused operations (convolution's bias gradient, batch normalization)."""

import numpy as np


def column_sums(rows):
    """The column sums (F,) of a matrix rows (M, F), as one matrix-vector product with ones: 4-8x
    faster than `rows.sum(axis=0)` on the tall float32 matrices of a CNN's activations."""
    return np.ones(rows.shape[0], dtype=rows.dtype) @ rows
