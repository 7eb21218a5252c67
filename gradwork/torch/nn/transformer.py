"""`nn.TransformerEncoderLayer` and `nn.TransformerEncoder` with PyTorch's submodule names (self_attn,
linear1, dropout, linear2, norm1, norm2, dropout1, dropout2, layers.0...), so state dicts move between
PyTorch and the facade unchanged."""

from __future__ import annotations

import copy
from collections.abc import Callable

from .._core import check_device
from . import functional as F
from .containers import ModuleList
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .multihead_attention import MultiheadAttention
from .normalization import LayerNorm

_ACTIVATIONS = {"relu": F.relu, "gelu": F.gelu}


class TransformerEncoderLayer(Module):
    """Self-attention and a feed-forward network, each with dropout, a residual connection and layer
    normalization ("Attention Is All You Need"), as `torch.nn.TransformerEncoderLayer`.

    Post-norm (the default): x = norm1(x + dropout1(self_attn(x))); x = norm2(x + dropout2(ff(x))),
    with ff(x) = linear2(dropout(activation(linear1(x)))). With norm_first each normalization moves
    to the start of its branch: x = x + dropout1(self_attn(norm1(x))), and the same for ff.

    Parameters
    ----------
    d_model : int
        The features of the input and output.
    nhead : int
        The attention heads; must divide d_model.
    dim_feedforward : int, default 2048
    dropout : float, default 0.1
        Of the attention weights, the feed-forward network's hidden layer and both branches.
    activation : {"relu", "gelu"} or callable, default "relu"
        The feed-forward network's; a callable receives and returns a tensor.
    layer_norm_eps : float, default 1e-5
    batch_first : bool, default False
        Inputs and output (batch, length, d_model) instead of (length, batch, d_model).
    norm_first : bool, default False
    bias : bool, default True
        Of the linear layers, the attention and the layer normalizations.
    device, dtype : optional

    Examples
    --------
    >>> layer = nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32, batch_first=True)
    >>> tuple(layer(torch.randn(3, 5, 16)).shape)
    (3, 5, 16)
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str | Callable = "relu", layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, device=None, dtype=None) -> None:
        if isinstance(activation, str) and activation not in _ACTIVATIONS:
            raise RuntimeError(f"TransformerEncoderLayer: activation should be relu/gelu, not {activation}")
        check_device(device)
        super().__init__()
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first,
                                            dtype=dtype)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = _ACTIVATIONS[activation] if isinstance(activation, str) else activation

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal: bool = False):
        """The layer's output, src's shape.

        Parameters
        ----------
        src : Tensor, shape (L, N, d_model), (N, L, d_model) with batch_first, or unbatched (L, d_model)
        src_mask : Tensor, shape (L, L) or (N * nhead, L, L), optional
            Boolean: True = may NOT attend; float: added to the scores.
        src_key_padding_mask : Tensor, shape (N, L) (unbatched (L,)), optional
            Boolean: True = padding, ignored; float: added to the scores.
        is_causal : bool, default False
            A hint that src_mask is the causal mask (which must be given).
        """
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff_block(self.norm2(x))
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff_block(x))

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, need_weights=False,
                           is_causal=is_causal)[0]
        return self.dropout1(x)

    def _ff_block(self, x):
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerEncoder(Module):
    """`num_layers` copies of an encoder layer, called in turn, then `norm` if given, as
    `torch.nn.TransformerEncoder`.

    Parameters
    ----------
    encoder_layer : TransformerEncoderLayer
        Deep-copied: the copies (`layers.0`, `layers.1`, ...) start with its weights and then train apart.
    num_layers : int
    norm : Module, optional
        Applied to the last layer's output.
    enable_nested_tensor, mask_check : bool
        Accepted and ignored: PyTorch's nested-tensor fast path for padded batches (gradwork computes
        the padded positions as PyTorch's regular path does, not as zeros).

    Examples
    --------
    >>> layer = nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32)
    >>> tuple(nn.TransformerEncoder(layer, num_layers=2)(torch.randn(5, 3, 16)).shape)
    (5, 3, 16)
    """

    def __init__(self, encoder_layer: Module, num_layers: int, norm: Module | None = None,
                 enable_nested_tensor: bool = True, mask_check: bool = True) -> None:
        super().__init__()
        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(num_layers)])
        self.num_layers, self.norm = num_layers, norm
        self.enable_nested_tensor = self.use_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal: bool | None = None):
        """The last layer's output (normalized by `norm` if given), src's shape; the arguments are the
        layers' (`mask` is their src_mask; is_causal None means False: the mask, if any, is used)."""
        output = src
        for layer in self.layers:
            output = layer(output, src_mask=mask, src_key_padding_mask=src_key_padding_mask,
                           is_causal=bool(is_causal))
        return output if self.norm is None else self.norm(output)
