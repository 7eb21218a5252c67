"""`Parameter`: a Tensor that belongs to a layer, as a weight (trainable) or a buffer (non-trainable)."""
from ..tensor import Tensor


class Parameter(Tensor):
    """A layer's weight. `trainable=False` marks state that is saved but not learned by gradient
    (batch norm's moving statistics); such parameters never require grad.

    data : array_like (copied); name : str, the weight's name within its layer ("kernel", "bias").
    """

    __slots__ = ("name", "trainable", "regularizer")

    def __init__(self, data, name="weight", trainable=True, regularizer=None, dtype=None):
        super().__init__(data, requires_grad=trainable, dtype=dtype)
        self.name = name
        self.trainable = trainable
        self.regularizer = regularizer

    def __repr__(self):
        return f"Parameter({self.name}, shape={self.shape}, dtype={self.dtype}, trainable={self.trainable})"
