"""Finding the logits behind a softmax or sigmoid output, so a cross-entropy given probabilities can be
computed from the logits instead: exactly what `from_logits=True` on them gives, and finite with the
right gradient even where the probabilities have saturated to 0 or 1."""
import warnings

from .. import activations
from ..ops.nn.softmax import made_by_softmax
from ..ops.elementwise import Sigmoid
from ..ops.shape_ops import Cast
from ..tensor import Tensor, as_tensor


def _producer_logits(y_pred, kind, axis=None):
    """The logits `y_pred` was computed from by softmax over `axis` (kind "softmax") or by sigmoid,
    or None. Looks at the recorded graph node first, then at `gw.activations`' note for outputs
    computed without a graph."""
    fn = y_pred.grad_fn
    if isinstance(fn, Cast) and getattr(fn, "inputs", None):  # a dtype cast of the activation's output
        inner = fn.inputs[0]
        if isinstance(inner, Tensor) and inner.shape == y_pred.shape:
            y_pred, fn = inner, inner.grad_fn
    inputs = getattr(fn, "inputs", None)  # None too once backward has freed the node
    if inputs:
        if kind == "sigmoid" and isinstance(fn, Sigmoid):
            return as_tensor(inputs[0])
        if kind == "softmax" and made_by_softmax(fn, axis, y_pred.ndim):
            return as_tensor(inputs[0])
        return None
    noted = activations.source_logits(y_pred, kind)
    if noted is None:
        return None
    logits, noted_axis = noted
    if kind == "softmax" and noted_axis % y_pred.ndim != axis % y_pred.ndim:
        return None
    return logits


def logits_for(
    y_pred: Tensor, from_logits: bool, kind: str, name: str, axis: int | None = None
) -> Tensor | None:
    """The tensor to treat as logits (y_pred itself when from_logits), or None for the probability path.

    Parameters
    ----------
    y_pred : Tensor, any shape
    from_logits : bool
        Whether the loss was told y_pred holds logits.
    kind : "softmax" (over `axis`) or "sigmoid"
    name : str
        The loss, for the warning given when from_logits=True but y_pred is visibly an
        activation's output.
    axis : int, optional
        The softmax's axis.

    Returns
    -------
    Tensor of y_pred's shape and dtype, or None
    """
    found = _producer_logits(y_pred, kind, axis)
    if from_logits:
        if found is not None:
            warnings.warn(
                f"{name} got from_logits=True, but y_pred is the output of a {kind}, so it holds "
                "probabilities, not logits. Pass the values before the activation, or from_logits=False.",
                stacklevel=4,
            )
        return y_pred
    if found is not None and found.dtype != y_pred.dtype:
        found = found.astype(y_pred.dtype)
    return found
