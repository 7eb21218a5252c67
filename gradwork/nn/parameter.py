"""`Parameter`: a Tensor that belongs to a layer, as a weight (trainable) or a buffer (non-trainable)."""
from collections.abc import Callable

from numpy.typing import ArrayLike, DTypeLike

from ..tensor import Tensor


class Parameter(Tensor):
    """A layer's weight: a Tensor with a name, a trainable flag, an optional regularizer and constraint.

    `trainable=False` marks state that is saved but not learned by gradient (batch norm's moving
    statistics); such parameters never require grad. Layers create them with `Layer.add_weight`.

    Parameters
    ----------
    data : array_like, any shape
        The initial values (copied).
    name : str
        The weight's name within its layer ("kernel", "bias").
    trainable : bool
    regularizer : callable, optional
        A `gw.regularizers` object whose penalty of this weight is added to the training loss.
    constraint : callable, optional
        A `gw.constraints` object: every optimizer update of this weight is followed by
        `weight <- constraint(weight)`, in place.
    dtype : dtype, optional

    Examples
    --------
    >>> p = gw.nn.Parameter(np.zeros((2, 3)), name="kernel")
    >>> p.shape, p.requires_grad
    ((2, 3), True)
    """

    __slots__ = ("name", "trainable", "regularizer", "constraint")

    def __init__(self, data: ArrayLike, name: str = "weight", trainable: bool = True,
                 regularizer: Callable | None = None, dtype: DTypeLike | None = None,
                 constraint: Callable | None = None) -> None:
        super().__init__(data, requires_grad=trainable, dtype=dtype)
        self.name = name
        self.trainable = trainable
        self.regularizer = regularizer
        self.constraint = constraint

    def __repr__(self):
        return f"Parameter({self.name}, shape={self.shape}, dtype={self.dtype}, trainable={self.trainable})"
