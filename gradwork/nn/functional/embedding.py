"""The embedding lookup with PyTorch's argument names."""

from numpy.typing import ArrayLike

from ...ops.nn import embedding as kernel
from ...tensor import Tensor
from ._renamed import renamed


@renamed(ids="input")
def embedding(input: Tensor | ArrayLike, weight: Tensor | ArrayLike, padding_idx: int | None = None) -> Tensor:
    """Rows of `weight` for the integer ids `input`, as `torch.nn.functional.embedding`.

    Parameters
    ----------
    input : Tensor or array_like of ints, any shape
        Ids in [0, vocabulary); floats holding whole numbers are accepted.
    weight : Tensor or array_like, shape (vocabulary, dim)
    padding_idx : int, optional
        The row of the padding id, which receives no gradient (negative counts from the end).

    Returns
    -------
    Tensor, shape (*input.shape, dim)

    Examples
    --------
    >>> F.embedding(np.array([[0, 2]]), gw.zeros((5, 3))).shape
    (1, 2, 3)
    """
    return kernel.embedding(input, weight, padding_idx)
