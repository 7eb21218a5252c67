"""IndexLookup: the vocabulary table behind IntegerLookup and StringLookup (Keras's semantics).

Index layout: in "int" mode, [mask token if any] + [num_oov_indices OOV slots] + the tokens; in the
other modes the mask takes no index (its occurrences are dropped). Lookups are vectorized: the input's
values are matched against the sorted vocabulary with `np.searchsorted`.
"""
import zlib
from typing import Any

import numpy as np

from ...tensor import as_tensor
from ..layer import Layer
from ._preprocessing import ENCODINGS, ArrayInputs, batches_of, check_mode, encode, in_memory, refuse_sparse


class IndexLookup(ArrayInputs, Layer):
    """Map tokens to indices in a vocabulary (given or learned by `adapt`), or back with `invert`.

    Subclasses say what a token is through `tokens_of(values)` (the input as an array of their token
    kind, int or str, or a ValueError). The arguments are documented on `IntegerLookup`.
    """

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1, mask_token: Any = None,
                 oov_token: Any = None, vocabulary: Any = None, idf_weights: Any = None, invert: bool = False,
                 output_mode: str = "int", sparse: bool = False, pad_to_max_tokens: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        owner = type(self).__name__
        if max_tokens is not None and (isinstance(max_tokens, bool) or not isinstance(max_tokens, (int, np.integer))
                                       or max_tokens <= 1):
            raise ValueError(f"{owner}: max_tokens must be None or an integer > 1, got {max_tokens!r}")
        if isinstance(num_oov_indices, bool) or not isinstance(num_oov_indices, (int, np.integer)) \
                or num_oov_indices < 0:
            raise ValueError(f"{owner}: num_oov_indices must be an integer >= 0, got {num_oov_indices!r}")
        self.output_mode = check_mode(self, {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode),
                                      ("int",) + ENCODINGS + ("tf_idf",))
        if invert and self.output_mode != "int":
            raise ValueError(f"{owner}: invert=True needs output_mode='int', got output_mode={output_mode!r}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{owner}: pad_to_max_tokens=True needs max_tokens")
        if idf_weights is not None and self.output_mode != "tf_idf":
            raise ValueError(f"{owner}: idf_weights are only used with output_mode='tf_idf', got "
                             f"output_mode={output_mode!r}")
        if self.output_mode == "tf_idf" and vocabulary is not None and idf_weights is None:
            raise ValueError(f"{owner}: with output_mode='tf_idf' a vocabulary needs its idf_weights")
        if oov_token is None and (num_oov_indices or invert):
            raise ValueError(f"{owner}: oov_token must be given (it names the OOV indices), got None")
        self.sparse = refuse_sparse(self, sparse)
        self.max_tokens = None if max_tokens is None else int(max_tokens)
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token, self.oov_token = mask_token, oov_token
        self.invert, self.pad_to_max_tokens = bool(invert), bool(pad_to_max_tokens)
        self.has_input_vocabulary = vocabulary is not None
        self.tokens = None  # the learned or given tokens, in index order (no special tokens)
        self.idf = None  # tf_idf: one weight per index (special tokens included)
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # ----- the index layout -------------------------------------------------------------------
    def _oov_start(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start(self):
        return self._oov_start() + self.num_oov_indices

    def _special_tokens(self):
        return [self.mask_token] * self._oov_start() + [self.oov_token] * self.num_oov_indices

    def vocabulary_size(self) -> int:
        """The number of indices: special tokens (mask in "int" mode, OOV slots) plus the tokens."""
        return self._token_start() + (0 if self.tokens is None else len(self.tokens))

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The token of each index, in order (special tokens first unless `include_special_tokens` is False)."""
        tokens = [] if self.tokens is None else self.tokens.tolist()
        return (self._special_tokens() if include_special_tokens else []) + tokens

    # ----- setting the vocabulary ---------------------------------------------------------------
    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Use `vocabulary` (tokens in index order) and, in "tf_idf" mode, its `idf_weights`.

        A vocabulary may start with the special tokens exactly as `get_vocabulary()` lists them (then
        `idf_weights` covers them too); otherwise the OOV / mask weights are the mean of the given ones.
        Everything is checked before the layer changes: no repeated tokens, no mask (or, inverting, OOV)
        token among the tokens, at most `max_tokens` indices, one idf weight per token.
        """
        owner = self.name
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(f"{owner}: output_mode='tf_idf' needs idf_weights with the vocabulary")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(f"{owner}: idf_weights are only used with output_mode='tf_idf'")
        if isinstance(vocabulary, str):
            raise ValueError(f"{owner}: vocabulary must be a list of tokens (files are not read), got the string "
                             f"{vocabulary!r:.80}")
        values = self.tokens_of(vocabulary, "vocabulary")
        if values.ndim != 1 or values.size == 0:
            raise ValueError(f"{owner}: vocabulary must be a non-empty list of tokens, got shape {values.shape}")
        specials = self._special_tokens()
        found = len(values) >= len(specials) and values[:len(specials)].tolist() == specials
        tokens = values[len(specials):] if found else values
        unique, counts = np.unique(tokens, return_counts=True)
        if np.any(counts > 1):
            raise ValueError(f"{owner}: the vocabulary repeats the tokens {unique[counts > 1][:10].tolist()}")
        for name, token, applies in [("mask_token", self.mask_token, True), ("oov_token", self.oov_token, self.invert)]:
            if applies and token is not None and np.any(tokens == token):
                raise ValueError(f"{owner}: the {name} {token!r} is among the vocabulary's tokens; special tokens "
                                 f"may only lead it, exactly as {specials}")
        size = self._token_start() + len(tokens)
        if self.max_tokens is not None and size > self.max_tokens:
            raise ValueError(f"{owner}: the vocabulary has {size} indices (special tokens included), more than "
                             f"max_tokens={self.max_tokens}")
        idf = None
        if idf_weights is not None:
            weights = np.asarray(idf_weights, dtype=np.float64)
            if weights.shape != (len(values),) or not np.all(np.isfinite(weights)):
                raise ValueError(f"{owner}: idf_weights must be {len(values)} finite numbers (one per vocabulary "
                                 f"entry), got shape {weights.shape}")
            idf = weights if found else np.concatenate([np.full(self._token_start(), weights.mean()), weights])
        self._use(tokens, idf)

    def adapt(self, data: Any, batch_size: int = 128) -> None:
        """Learn the vocabulary from `data`: its tokens by decreasing frequency (ties: the larger token
        first, as Keras), the mask and OOV tokens left out, cut at `max_tokens` indices. In "tf_idf"
        mode each sample (row) is a document and idf = log(1 + documents / (1 + documents with the
        token)); the special indices get the mean idf.

        Parameters
        ----------
        data : array_like, or a `gw.data` Dataset / DataLoader / PyDataset, or any iterable of batches
            Read as `fit` reads its `x`. Array data of rank 1 is that many one-token documents; a
            rank-1 batch from an iterable is one document (Keras's rule).
        batch_size : int, default 128
            For a `gw.data.Dataset` of samples only.
        """
        if self.has_input_vocabulary:
            raise ValueError(f"{self.name}: cannot adapt a layer given a vocabulary")
        whole = in_memory(data)
        counts, documents, num_documents = {}, {}, 0
        for batch in batches_of(self, data, batch_size):
            values = self.tokens_of(batch, "adapt data")
            if values.size == 0:  # an empty batch holds no tokens (nor documents)
                continue
            if values.ndim == 0 or (values.ndim == 1 and not whole):
                values = values[None]
            rows = values.reshape(len(values), -1) if values.ndim else values
            unique, inverse, frequency = np.unique(rows, return_inverse=True, return_counts=True)
            for token, n in zip(unique.tolist(), frequency.tolist()):  # over unique values only
                counts[token] = counts.get(token, 0) + n
            if self.output_mode == "tf_idf":
                pairs = np.unique(np.arange(rows.shape[0]).repeat(rows.shape[1]) * len(unique) + inverse.ravel())
                for token, n in zip(unique.tolist(), np.bincount(pairs % len(unique), minlength=len(unique)).tolist()):
                    documents[token] = documents.get(token, 0) + n
                num_documents += rows.shape[0]
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        if not counts:
            raise ValueError(f"{self.name}: adapt found no tokens (besides the mask and OOV tokens)")
        tokens = self.tokens_of(list(counts), "adapt data")
        rank = np.unique(tokens, return_inverse=True)[1].ravel()
        order = np.lexsort((rank, np.array(list(counts.values()))))[::-1]
        if self.max_tokens is not None:
            order = order[:self.max_tokens - self._token_start()]
        tokens = tokens[order]
        idf = None
        if self.output_mode == "tf_idf":
            weights = np.log(1 + num_documents / (1 + np.array([documents[t] for t in tokens.tolist()], float)))
            idf = np.concatenate([np.full(self._token_start(), weights.mean()), weights])
        self._use(tokens, idf)

    def _use(self, tokens, idf):
        """Make `tokens` (index order, possibly none) and `idf` the layer's; sort them once for `_lookup`."""
        self.tokens, self.idf = tokens, idf
        self._sorted_order = np.argsort(tokens, kind="stable")
        self._sorted_tokens = tokens[self._sorted_order]

    # ----- calling ----------------------------------------------------------------------------
    def _depth(self):
        return self.max_tokens if self.pad_to_max_tokens else self.vocabulary_size()

    def call(self, inputs):
        if self.tokens is None:
            raise ValueError(f"{self.name}: no vocabulary: call adapt(data) first, or give vocabulary")
        if self.invert:
            return as_tensor(self._invert(inputs))
        indices = self._lookup(self.tokens_of(inputs, "inputs"))
        if self.output_mode == "int":
            return as_tensor(indices)
        depth = self._depth()
        out = encode(self, indices, "count" if self.output_mode == "tf_idf" else self.output_mode, depth)
        if self.output_mode == "tf_idf":
            idf = np.zeros(depth)
            idf[:len(self.idf)] = self.idf
            out = (out * idf).astype(self.dtype)
        return as_tensor(out)

    def _lookup(self, values):
        """The index of each value (vectorized); OOV values hashed into the OOV slots."""
        order, ordered = self._sorted_order, self._sorted_tokens
        if len(ordered):
            clipped = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
            indices = np.where(ordered[clipped] == values, order[clipped] + self._token_start(), -1).astype(np.int64)
        else:  # only special tokens: every value is the mask or OOV
            indices = np.full(np.shape(values), -1, np.int64)
        if self.mask_token is not None:
            indices = np.where(values == self.mask_token, 0 if self.output_mode == "int" else -1, indices)
            unknown = (indices == -1) & (values != self.mask_token)
        else:
            unknown = indices == -1
        if np.any(unknown):
            if self.num_oov_indices == 0:
                raise ValueError(f"{self.name}: with num_oov_indices=0 every input must be in the vocabulary, got "
                                 f"{np.unique(values[unknown])[:10].tolist()}")
            indices[unknown] = self._oov_index(values[unknown]) + self._oov_start()
        return indices

    def _oov_index(self, values):
        """The OOV slot of each out-of-vocabulary value, in [0, num_oov_indices)."""
        if self.num_oov_indices == 1:
            return np.zeros(values.shape, np.int64)
        return self.oov_slots(values)

    def _invert(self, inputs):
        """The token of each index; an index outside the vocabulary gives the OOV token."""
        from .category_encoding import integer_tokens

        indices = integer_tokens(self, inputs)
        table = self.tokens_of(self.get_vocabulary(), "vocabulary")
        inside = (indices >= 0) & (indices < len(table))
        return np.where(inside, table[np.where(inside, indices, 0)], self.oov_token)

    def get_config(self):
        config = {"max_tokens": self.max_tokens, "num_oov_indices": self.num_oov_indices,
                  "mask_token": self.mask_token, "oov_token": self.oov_token, "invert": self.invert,
                  "output_mode": self.output_mode, "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens,
                  "vocabulary": None if self.tokens is None else self.get_vocabulary(),
                  "idf_weights": None if self.idf is None else self.idf.tolist()}
        return {**super().get_config(), **config}


def string_slots(values, buckets):
    """A deterministic slot in [0, buckets) of each string (CRC-32 of its UTF-8 bytes), computed once per
    distinct value. Keras uses FarmHash64, which NumPy lacks: the slots differ from Keras's."""
    unique, inverse = np.unique(values, return_inverse=True)
    slots = np.array([zlib.crc32(str(v).encode("utf-8")) % buckets for v in unique.tolist()], dtype=np.int64)
    return slots[inverse].reshape(values.shape)


def integer_slots(values, buckets):
    """Keras's "floormod" slots of integer tokens: value mod buckets (non-negative)."""
    return np.mod(values, buckets).astype(np.int64)

