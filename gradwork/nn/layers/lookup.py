"""IntegerLookup and StringLookup: tokens to vocabulary indices and back (Keras's layers)."""
from typing import Any

import numpy as np

from .category_encoding import integer_tokens
from .index_lookup import IndexLookup, integer_slots, string_slots
from ._preprocessing import raw


class IntegerLookup(IndexLookup):
    """Map integer tokens to contiguous indices in a vocabulary (given, or learned by `adapt`).

    Index layout in "int" mode: the mask token (if any) at 0, then `num_oov_indices` OOV slots, then the
    tokens; in the other modes the mask takes no index and its occurrences are dropped. With several
    OOV slots an unknown token t goes to slot t mod num_oov_indices (Keras's "floormod").
    The vocabulary (and tf_idf's weights) are part of the config, saved with the model.

    Parameters
    ----------
    max_tokens : int, optional
        The most indices (special ones included) `adapt` keeps, the most frequent tokens first.
    num_oov_indices : int, default 1
        0: an unknown token is an error.
    mask_token : int, optional
    oov_token : int, default -1
        What `invert` returns for OOV and unknown indices.
    vocabulary : list of int, optional
        The tokens in index order (may start with the special tokens as `get_vocabulary()` lists them);
        no repeats.
    idf_weights : list of float, optional
        "tf_idf" with a vocabulary: one weight per vocabulary entry.
    invert : bool, default False
        Map indices back to tokens ("int" mode only).
    output_mode : {"int", "one_hot", "multi_hot", "count", "tf_idf"}, default "int"
        The encodings of `CategoryEncoding` over `vocabulary_size()` indices; "tf_idf" multiplies the
        counts by each index's idf weight.
    sparse : bool, default False
        True is refused: gradwork has no sparse tensors.
    pad_to_max_tokens : bool, default False
        Encoded outputs have `max_tokens` entries whatever the vocabulary's size.
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    Any: integers (whole floats accepted); with `invert`, indices.

    Output shape
    ------------
    "int": the input's (int64 indices, or tokens when inverting); otherwise see `CategoryEncoding`.

    Examples
    --------
    >>> layer = gw.nn.IntegerLookup(vocabulary=[12, 36, 1138, 42])
    >>> layer(np.array([[12, 1138, 42], [42, 1000, 36]])).numpy()
    array([[1, 3, 4],
           [4, 0, 2]])
    """

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1, mask_token: int | None = None,
                 oov_token: int = -1, vocabulary: Any = None, vocabulary_dtype: str = "int64",
                 idf_weights: Any = None, invert: bool = False, output_mode: str = "int", sparse: bool = False,
                 pad_to_max_tokens: bool = False, **kwargs: Any) -> None:
        if vocabulary_dtype != "int64":
            raise ValueError(f"IntegerLookup: only vocabulary_dtype='int64' is supported, got {vocabulary_dtype!r}")
        for name, token in [("mask_token", mask_token), ("oov_token", oov_token)]:
            if token is not None and (isinstance(token, bool) or not isinstance(token, (int, np.integer))):
                raise ValueError(f"IntegerLookup: {name} must be an integer or None, got {token!r}")
        super().__init__(max_tokens, num_oov_indices, None if mask_token is None else int(mask_token),
                         None if oov_token is None else int(oov_token), vocabulary, idf_weights, invert,
                         output_mode, sparse, pad_to_max_tokens, **kwargs)

    def tokens_of(self, values, what):
        """`values` as int64 tokens (whole floats accepted); a ValueError otherwise."""
        values = raw(values)
        return np.zeros(values.shape, np.int64) if values.size == 0 else integer_tokens(self, values, what)

    def oov_slots(self, values):
        return integer_slots(values, self.num_oov_indices)

    def get_config(self):
        return {**super().get_config(), "vocabulary_dtype": "int64"}


class StringLookup(IndexLookup):
    """Map string tokens to contiguous indices in a vocabulary (given, or learned by `adapt`).

    As `IntegerLookup` (same arguments and layout), for strings; `oov_token` defaults to "[UNK]".
    Inputs are str arrays or lists (bytes are decoded with `encoding`). With several OOV slots an
    unknown string goes to the slot CRC-32(its UTF-8 bytes) mod num_oov_indices: Keras hashes with
    FarmHash64, so which slot differs from Keras (the choice is deterministic all the same).

    Examples
    --------
    >>> layer = gw.nn.StringLookup()
    >>> layer.adapt([["a", "c", "d"], ["d", "z", "b"]])
    >>> layer.get_vocabulary()
    ['[UNK]', 'd', 'z', 'c', 'b', 'a']
    """

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1, mask_token: str | None = None,
                 oov_token: str = "[UNK]", vocabulary: Any = None, idf_weights: Any = None, invert: bool = False,
                 output_mode: str = "int", pad_to_max_tokens: bool = False, sparse: bool = False,
                 encoding: str = "utf-8", **kwargs: Any) -> None:
        for name, token in [("mask_token", mask_token), ("oov_token", oov_token)]:
            if token is not None and not isinstance(token, str):
                raise ValueError(f"StringLookup: {name} must be a string or None, got {token!r}")
        object.__setattr__(self, "encoding", encoding)  # before Layer.__init__: a given vocabulary is decoded with it
        super().__init__(max_tokens, num_oov_indices, mask_token, oov_token, vocabulary, idf_weights, invert,
                         output_mode, sparse, pad_to_max_tokens, **kwargs)

    def tokens_of(self, values, what):
        """`values` as a str array (bytes decoded); a ValueError for anything else."""
        values = raw(values)
        if values.size == 0:
            return np.zeros(values.shape, dtype=str)
        if values.dtype.kind == "S":
            return np.char.decode(values, self.encoding)
        if values.dtype.kind == "O" and all(isinstance(v, str) for v in values.ravel().tolist()):
            return values.astype(str)
        if values.dtype.kind != "U":
            raise ValueError(f"{self.name}: {what} must be strings, got dtype {values.dtype}")
        return values

    def oov_slots(self, values):
        return string_slots(values, self.num_oov_indices)

    def get_config(self):
        return {**super().get_config(), "encoding": self.encoding}
