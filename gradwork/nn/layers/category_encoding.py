"""CategoryEncoding: integer tokens as one-hot, multi-hot or count vectors (Keras's layer)."""
from typing import Any

import numpy as np

from ...tensor import as_tensor
from ..layer import Layer
from . import _checks
from ._preprocessing import ArrayInputs, ENCODINGS, check_mode, encode, raw, refuse_sparse


def integer_tokens(layer, values, what="inputs"):
    """`values` as int64; a ValueError naming the layer unless they are whole numbers."""
    values = raw(values)
    if values.dtype.kind in "iub":
        return values.astype(np.int64)
    if values.dtype.kind == "f" and np.all(np.isfinite(values)) and np.all(values == np.round(values)):
        return values.astype(np.int64)
    raise ValueError(f"{layer.name}: {what} must be integers (or whole-valued floats), got dtype {values.dtype}"
                     + (f" with values such as {values[values != np.round(values)].ravel()[:3].tolist()}"
                        if values.dtype.kind == "f" else ""))


class CategoryEncoding(ArrayInputs, Layer):
    """Encode integer tokens in [0, num_tokens) as vectors of length num_tokens.

    Parameters
    ----------
    num_tokens : int
        How many tokens there are; every input must lie in [0, num_tokens).
    output_mode : {"multi_hot", "one_hot", "count"}, default "multi_hot"
        "one_hot": each token its own vector, (..., n) -> (..., n, num_tokens), but a last axis of size
        1 (rank >= 2) is replaced: (..., 1) -> (..., num_tokens). "multi_hot": the last axis is one
        sample's tokens, (..., n) -> (..., num_tokens), 1 where a token occurs. "count": as multi_hot,
        how many times each occurs (or the sum of its `count_weights`). A rank-1 input is one sample
        (multi_hot, count). Keras stops at rank-2 outputs; gradwork takes any rank.
    sparse : bool, default False
        True is refused: gradwork has no sparse tensors.
    **kwargs : `Layer`'s arguments

    Call arguments
    --------------
    inputs : integers (or whole floats)
    count_weights : array of inputs' shape, optional
        "count" only: each token adds its weight instead of 1.

    Output shape
    ------------
    As above, in the layer's float dtype; not differentiable (constants).

    Examples
    --------
    >>> gw.nn.CategoryEncoding(num_tokens=4, output_mode="one_hot")(np.array([3, 2, 0, 1])).numpy()
    array([[0., 0., 0., 1.],
           [0., 0., 1., 0.],
           [1., 0., 0., 0.],
           [0., 1., 0., 0.]], dtype=float32)
    """

    def __init__(self, num_tokens: int | None = None, output_mode: str = "multi_hot", sparse: bool = False,
                 **kwargs: Any) -> None:
        output_mode = check_mode(self, output_mode, ENCODINGS)
        if num_tokens is None:
            raise ValueError("CategoryEncoding: num_tokens must be given (IntegerLookup learns tokens from data)")
        num_tokens = _checks.positive_int(self, "num_tokens", num_tokens)
        sparse = refuse_sparse(self, sparse)
        super().__init__(**kwargs)
        self.output_mode, self.num_tokens, self.sparse = output_mode, num_tokens, sparse

    def call(self, inputs, count_weights=None):
        tokens = integer_tokens(self, inputs)
        bad = tokens[(tokens < 0) | (tokens >= self.num_tokens)]
        if bad.size:
            raise ValueError(f"{self.name}: tokens must be in [0, {self.num_tokens}), got "
                             f"{np.unique(bad)[:10].tolist()}")
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(f"{self.name}: count_weights is only used with output_mode='count', got "
                                 f"output_mode={self.output_mode!r}")
            count_weights = raw(count_weights)
            if count_weights.shape != tokens.shape:
                raise ValueError(f"{self.name}: count_weights must have the inputs' shape {tokens.shape}, got "
                                 f"{count_weights.shape}")
        return as_tensor(encode(self, tokens, self.output_mode, self.num_tokens, count_weights))

    def get_config(self):
        return {**super().get_config(), "num_tokens": self.num_tokens, "output_mode": self.output_mode,
                "sparse": self.sparse}
