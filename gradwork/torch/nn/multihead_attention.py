"""`nn.MultiheadAttention`: PyTorch's arguments, parameters (in_proj_weight, in_proj_bias, out_proj) and
mask conventions, computed by gradwork's attention kernels through `F.multi_head_attention_forward`."""

from __future__ import annotations

from .._core import check_device
from ..creation import empty
from ..tensor import as_facade
from . import init
from .functional.attention import multi_head_attention_forward
from .linear import NonDynamicallyQuantizableLinear
from .module import Module
from .parameter import Parameter


class MultiheadAttention(Module):
    """Attention of each query position to the key/value positions in `num_heads` heads, as
    `torch.nn.MultiheadAttention`.

    Parameters
    ----------
    embed_dim : int
        E, the query's features and the output's; each head gets E / num_heads of them.
    num_heads : int
        Must divide embed_dim.
    dropout : float, default 0.0
        Dropout on the attention weights, in training.
    bias : bool, default True
        Have in_proj_bias (3E,) and out_proj.bias (E,), both starting at zero.
    add_bias_kv : bool, default False
        Not provided: only False.
    add_zero_attn : bool, default False
        Append a zero key and value that every query may attend to.
    kdim, vdim : int, optional
        The key's and value's features (default E); when either differs from E the projections
        are q_proj_weight (E, E), k_proj_weight (E, kdim) and v_proj_weight (E, vdim) instead of
        in_proj_weight (3E, E).
    batch_first : bool, default False
        Inputs and output (batch, length, E) instead of (length, batch, E).
    device, dtype : optional
        The CPU only; the parameters' dtype.

    Examples
    --------
    >>> mha = nn.MultiheadAttention(8, 2, batch_first=True)
    >>> x = torch.randn(3, 5, 8)
    >>> output, weights = mha(x, x, x)
    >>> tuple(output.shape), tuple(weights.shape)
    ((3, 5, 8), (3, 5, 5))
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device=None, dtype=None) -> None:
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"MultiheadAttention: embed_dim and num_heads must be greater than 0, got "
                             f"embed_dim={embed_dim} and num_heads={num_heads} instead")
        if embed_dim % num_heads:
            raise ValueError(f"MultiheadAttention: embed_dim must be divisible by num_heads, got embed_dim="
                             f"{embed_dim} and num_heads={num_heads}")
        if add_bias_kv:
            raise NotImplementedError("MultiheadAttention: add_bias_kv=True (learned bias_k and bias_v rows) is not "
                                      "provided by gradwork.torch; use add_bias_kv=False")
        check_device(device)
        super().__init__()
        self.embed_dim, self.num_heads, self.dropout, self.batch_first = embed_dim, num_heads, dropout, batch_first
        self.kdim = embed_dim if kdim is None else kdim
        self.vdim = embed_dim if vdim is None else vdim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.head_dim = embed_dim // num_heads
        separate = {"q_proj_weight": embed_dim, "k_proj_weight": self.kdim, "v_proj_weight": self.vdim}
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(empty(3 * embed_dim, embed_dim, dtype=dtype))
            for name in separate:
                self.register_parameter(name, None)
        else:
            for name, features in separate.items():
                setattr(self, name, Parameter(empty(embed_dim, features, dtype=dtype)))
            self.register_parameter("in_proj_weight", None)
        self.register_parameter("in_proj_bias", Parameter(empty(3 * embed_dim, dtype=dtype)) if bias else None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """PyTorch's initialization: xavier_uniform_ projections, zero biases (out_proj.weight keeps Linear's)."""
        for weight in (self.in_proj_weight, self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
            if weight is not None:
                init.xavier_uniform_(weight)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)

    def forward(self, query, key, value, key_padding_mask=None, need_weights: bool = True, attn_mask=None,
                average_attn_weights: bool = True, is_causal: bool = False):
        """(attn_output, attn_output_weights or None), as `torch.nn.MultiheadAttention.forward`.

        Parameters
        ----------
        query : Tensor, shape (L, N, E), (N, L, E) with batch_first, or unbatched (L, E)
        key, value : Tensor, shape (S, N, kdim) and (S, N, vdim) (batch_first: N first; unbatched: no N)
        key_padding_mask : Tensor, shape (N, S) (unbatched (S,)), optional
            Boolean: True = padding, ignored; float: added to the scores.
        need_weights : bool, default True
        attn_mask : Tensor, shape (L, S) or (N * num_heads, L, S), optional
            Boolean: True = may NOT attend; float: added to the scores.
        average_attn_weights : bool, default True
            Return the weights averaged over the heads ((N, L, S)) instead of per head ((N, num_heads, L, S)).
        is_causal : bool, default False
            A hint that attn_mask is the causal mask (which must be given).

        Returns
        -------
        attn_output : Tensor, the query's shape with E features
        attn_output_weights : Tensor or None
        """
        query, key, value = as_facade(query), as_facade(key), as_facade(value)
        features = {"query": (query, self.embed_dim), "key": (key, self.kdim), "value": (value, self.vdim)}
        for name, (tensor, expected) in features.items():
            if tensor.dim() and tensor.size(-1) != expected:
                raise RuntimeError(f"MultiheadAttention: expected {name} with {expected} features (its last dim), "
                                   f"got shape {tuple(tensor.shape)}")
        batched = query.dim() == 3
        if self.batch_first and batched:
            query, key, value = (x.transpose(0, 1) for x in (query, key, value))
        output, weights = multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias, None, None,
            self.add_zero_attn, self.dropout, self.out_proj.weight, self.out_proj.bias, training=self.training,
            key_padding_mask=key_padding_mask, need_weights=need_weights, attn_mask=attn_mask,
            use_separate_proj_weight=not self._qkv_same_embed_dim, q_proj_weight=self.q_proj_weight,
            k_proj_weight=self.k_proj_weight, v_proj_weight=self.v_proj_weight,
            average_attn_weights=average_attn_weights, is_causal=is_causal)
        return (output.transpose(0, 1) if self.batch_first and batched else output), weights
