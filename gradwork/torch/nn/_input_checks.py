"""The input checks that modules share, naming the module (its repr) in the message."""

from __future__ import annotations


def check_channels(layer, x, dim: int, expected: int) -> None:
    """Raise a RuntimeError naming `layer` unless x has `expected` channels on `dim`.

    Parameters
    ----------
    layer : Module
        The module whose forward got x (its repr shows its settings).
    x : Tensor
    dim : int
        The channel dim: 1 for a batch, 0 for an unbatched input.
    expected : int
    """
    if x.shape[dim] != expected:
        raise RuntimeError(f"{layer!r}: expected input with {expected} channels (dim {dim}), got {x.shape[dim]} "
                           f"channels (input of shape {tuple(x.shape)})")
