"""Attention without projections (Keras's `Attention` and `AdditiveAttention`): a query attends
directly to the value positions; only the score function differs.

Both are thin calls into the attention kernels (`gradwork.ops.nn.attention`): the dot-product
scores go through `attention`, the additive ones through `additive_scores` and `attend`.
"""
from typing import Any

from ...ops.nn.attention import additive_scores, attend, attention
from ...ops.nn.masking import boolean_mask
from ...random import OwnGenerator
from ..layer import Layer
from . import _checks
from .attention import combined_mask

SCORE_MODES = ("dot", "concat")


class Attention(OwnGenerator, Layer):
    """Dot-product (Luong-style) attention of each query position to the value positions (Keras's layer).

    scores = query @ key^T (times a learned scalar `scale` with use_scale), or with
    score_mode="concat" concat_score_weight * sum(tanh(scale * (query_i + key_j))) over the
    features; output = softmax(scores) @ value. No projections: query and key need one feature size.

    Parameters
    ----------
    use_scale : bool, default False
        Learn a scalar `scale` (initialized to 1) multiplying the scores (in "concat" mode, query + key
        inside the tanh).
    score_mode : {"dot", "concat"}, default "dot"
        "concat" also learns the scalar `concat_score_weight` (initialized to 1).
    dropout : float in [0, 1), default 0.0
        Dropout on the attention weights, in training.
    seed : int, optional
        For the dropout's own repeatable generator; None draws from gradwork's (`gw.random.seed`).
    **kwargs : `Layer`'s arguments

    Call arguments
    --------------
    inputs : list [query, value] or [query, value, key]
        query (B, Tq, dim), value (B, Tv, dim_v), key (B, Tv, dim) (default: value).
    mask : list [query_mask, value_mask] or [query_mask, value_mask, key_mask], optional
        Booleans (or 0/1), entries may be None. query_mask (B, Tq): the output is zero where False.
        value_mask / key_mask (B, Tv): positions where False get no weight (Keras ignores a key_mask;
        gradwork applies it like the value_mask).
    training : bool, optional
        Dropout only in training.
    return_attention_scores : bool, default False
        Also return the weights after masking and softmax, before dropout.
    use_causal_mask : bool, default False
        Query i attends to positions j <= i only.

    Input shape
    -----------
    [(B, Tq, dim), (B, Tv, dim_v)] or [(B, Tq, dim), (B, Tv, dim_v), (B, Tv, dim)]

    Output shape
    ------------
    (B, Tq, dim_v), and the weights (B, Tq, Tv) with return_attention_scores. A query that may
    attend to nothing gets zero weights and a zero output (Keras's -1e9 bias would give it the
    softmax of its unmasked scores instead).

    Examples
    --------
    >>> query, key = np.array([[[1.0, 0.0], [0.0, 1.0]]]), np.array([[[0.0, 1.0], [1.0, 0.0]]])
    >>> value = np.array([[[1.0, 2.0], [3.0, 4.0]]])
    >>> out, weights = gw.nn.Attention(dtype="float64")([query, value, key], return_attention_scores=True)
    >>> weights.numpy().round(3).tolist()            # softmax of the scores [[0, 1], [1, 0]]
    [[[0.269, 0.731], [0.731, 0.269]]]
    """

    def __init__(self, use_scale: bool = False, score_mode: str = "dot", dropout: float = 0.0,
                 seed: int | None = None, **kwargs: Any) -> None:
        if score_mode not in SCORE_MODES:
            raise ValueError(f"{type(self).__name__}: score_mode must be one of {SCORE_MODES}, got {score_mode!r}")
        dropout, seed = _checks.rate(self, "dropout", dropout), _checks.seed(self, seed)
        super().__init__(**kwargs)
        self.use_scale, self.score_mode, self.dropout = bool(use_scale), score_mode, dropout
        self.use_seed(seed)

    def build(self, input_shape):
        self._check_shapes(input_shape)
        if self.use_scale:
            self.add_weight("scale", (), "ones")
        if self.score_mode == "concat":
            self.add_weight("concat_score_weight", (), "ones")

    def _attend(self, query, key, value, keep, rate):
        """(output, weights) of the layer's score function, through the kernels."""
        if self.score_mode == "dot":  # scale * (q k^T) = (scale q) k^T
            query = query * self.scale if self.use_scale else query
            return attention(query, key, value, keep, 1.0, rate, self._rng)
        if self.use_scale:  # tanh(scale * (q + k)) = tanh(scale q + scale k)
            query, key = query * self.scale, key * self.scale
        return attend(additive_scores(query, key, self.concat_score_weight), value, keep, 1.0, rate, self._rng)

    def call(self, inputs, mask=None, training=None, return_attention_scores=False, use_causal_mask=False):
        query, value, key = self._split(inputs)
        query_mask, value_mask, key_mask = self._split_mask(mask)
        shape = (query.shape[0], query.shape[1], value.shape[1])
        keep = combined_mask(self.name, shape, value_mask=value_mask, key_mask=key_mask,
                             use_causal_mask=use_causal_mask)
        rows = combined_mask(self.name, shape, query_mask=query_mask)  # (B, Tq, 1): zeroes the output
        out, weights = self._attend(query, key, value, keep, self.dropout if training else 0.0)
        if rows is not None:
            out = out * rows.astype(out.dtype)
        return (out, weights) if return_attention_scores else out

    def compute_mask(self, inputs, mask=None):
        """The query's mask (the output has the query's positions)."""
        if isinstance(mask, (list, tuple)):
            return mask[0]
        return mask

    # ----- checks ---------------------------------------------------------------------------------------
    def _split(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) not in (2, 3):
            got = f"a list of {len(inputs)}" if isinstance(inputs, (list, tuple)) else type(inputs).__name__
            raise ValueError(f"{self.name}: expected the inputs [query, value] or [query, value, key], got {got}")
        self._check_shapes([tuple(x.shape) for x in inputs])
        return inputs[0], inputs[1], inputs[2] if len(inputs) == 3 else inputs[1]

    def _check_shapes(self, shapes):
        """Raise unless `shapes` are [query, value(, key)] of (B, Tq, dim), (B, Tv, dim_v), (B, Tv, dim)."""
        if (not isinstance(shapes, (list, tuple)) or len(shapes) not in (2, 3)
                or not all(isinstance(s, (list, tuple)) for s in shapes)):
            raise ValueError(f"{self.name}: expected the inputs [query, value] or [query, value, key], "
                             f"got inputs of shape {shapes}")
        query, value = tuple(shapes[0]), tuple(shapes[1])
        key = tuple(shapes[2]) if len(shapes) == 3 else value
        ok = (len(query) == len(value) == len(key) == 3 and query[0] == value[0] == key[0]
              and key[1] == value[1] and query[2] == key[2])
        if not ok:
            raise ValueError(f"{self.name}: expected query (batch, Tq, dim), value (batch, Tv, dim_v) and key "
                             f"(batch, Tv, dim), got query {query}, value {value}, key {key}")

    def _split_mask(self, mask):
        if mask is None:
            return None, None, None
        if not isinstance(mask, (list, tuple)) or len(mask) not in (2, 3):
            raise ValueError(f"{self.name}: expected mask=[query_mask, value_mask] or [query_mask, value_mask, "
                             f"key_mask] (entries may be None), got {type(mask).__name__} {mask!r:.80}")
        masks = [None if m is None else boolean_mask(m, self.name, "True = takes part") for m in mask]
        return (*masks, None) if len(masks) == 2 else tuple(masks)

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale, "score_mode": self.score_mode,
                "dropout": self.dropout, "seed": self.seed}


class AdditiveAttention(Attention):
    """Additive (Bahdanau-style) attention of each query position to the value positions (Keras's layer).

    scores_ij = sum over the features of scale * tanh(query_i + key_j), with a learned `scale` vector
    (one entry per feature, glorot-uniform initialized) when use_scale, else 1; output = softmax(scores)
    @ value. Masks, dropout and the call are those of `Attention`.

    Parameters
    ----------
    use_scale : bool, default True
    dropout : float in [0, 1), default 0.0
    seed : int, optional
    **kwargs : `Layer`'s arguments

    Input shape
    -----------
    [(B, Tq, dim), (B, Tv, dim_v)] or [(B, Tq, dim), (B, Tv, dim_v), (B, Tv, dim)]

    Output shape
    ------------
    (B, Tq, dim_v), and the weights (B, Tq, Tv) with return_attention_scores.

    Examples
    --------
    >>> layer = gw.nn.AdditiveAttention()
    >>> layer([np.zeros((2, 3, 4)), np.ones((2, 5, 6)), np.zeros((2, 5, 4))]).shape
    (2, 3, 6)
    >>> layer.scale.shape
    (4,)
    """

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, seed: int | None = None,
                 **kwargs: Any) -> None:
        if "score_mode" in kwargs:
            raise TypeError(f"{type(self).__name__} got unexpected arguments: score_mode (its scores are additive)")
        super().__init__(use_scale=use_scale, dropout=dropout, seed=seed, **kwargs)

    def build(self, input_shape):
        self._check_shapes(input_shape)
        if self.use_scale:
            self.add_weight("scale", (input_shape[0][-1],), "glorot_uniform")

    def _attend(self, query, key, value, keep, rate):
        scores = additive_scores(query, key, self.scale if self.use_scale else None)
        return attend(scores, value, keep, 1.0, rate, self._rng)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
