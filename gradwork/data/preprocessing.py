"""Feature scaling: `Standardizer` (zero mean, unit variance, statistics kept for new data) and
Keras' `normalize` (rescale vectors to unit Lp norm).

Fit the statistics on the training set only and reuse them for validation and test data;
fitting on everything leaks information about the test set into training.

>>> scaler = Standardizer(axis=0).fit(x_train)     # doctest: +SKIP
>>> x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)  # doctest: +SKIP
"""
import numpy as np
from numpy.typing import ArrayLike


def _float_dtype(x):
    """Floating inputs keep their dtype; integer or boolean ones (e.g. uint8 pixels) become float32."""
    return x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)


class Standardizer:
    """Subtract a mean and divide by a standard deviation, both learned by `fit`.

    Parameters
    ----------
    axis : int, tuple of int or None
        The axis or axes the statistics are taken over. 0 (default): one mean/std per feature,
        over the samples; None: a single mean/std for the whole array (usual for images);
        e.g. (0, 1, 2) on (N, H, W, C) images: one per channel.
    epsilon : float
        Standard deviations below this are replaced by 1, so constant features become 0
        instead of dividing by (nearly) zero.

    Attributes
    ----------
    mean, std : float64 arrays, set by `fit`
        Shaped to broadcast against the input (the reduced axes kept with size 1).

    Examples
    --------

    >>> s = Standardizer().fit(np.array([[1.0, 10.0], [3.0, 10.0]]))
    >>> s.mean.ravel().tolist(), s.std.ravel().tolist()
    ([2.0, 10.0], [1.0, 1.0])
    >>> s.transform(np.array([[3.0, 10.0]]))
    array([[1., 0.]])
    """

    def __init__(self, axis: int | tuple[int, ...] | None = 0, epsilon: float = 1e-7):
        self.axis, self.epsilon = axis, epsilon
        self.mean = self.std = None

    def fit(self, x: ArrayLike) -> "Standardizer":
        """Learn the mean and standard deviation of `x` over `axis`; returns self."""
        x = np.asarray(x)
        if x.size == 0:
            raise ValueError("cannot fit a Standardizer on an empty array")
        self.mean = x.mean(axis=self.axis, keepdims=True, dtype=np.float64)
        std = x.std(axis=self.axis, keepdims=True, dtype=np.float64)
        self.std = np.where(std < self.epsilon, 1.0, std)
        return self

    def _check_fitted(self):
        if self.mean is None:
            raise RuntimeError("this Standardizer is not fitted yet: call fit(x) first")

    def transform(self, x: ArrayLike) -> np.ndarray:
        """(x - mean) / std, same shape as x: float32 for integer input, else in x's floating dtype."""
        self._check_fitted()
        x = np.asarray(x)
        dtype = _float_dtype(x)
        out = x.astype(dtype, copy=True)
        out -= self.mean.astype(dtype)
        out /= self.std.astype(dtype)
        return out

    def fit_transform(self, x: ArrayLike) -> np.ndarray:
        """`fit(x)` then `transform(x)`."""
        return self.fit(x).transform(x)

    def inverse_transform(self, z: ArrayLike) -> np.ndarray:
        """Undo `transform`: z * std + mean."""
        self._check_fitted()
        z = np.asarray(z)
        dtype = _float_dtype(z)
        return (z * self.std.astype(dtype) + self.mean.astype(dtype)).astype(dtype, copy=False)

    def __repr__(self):
        state = "fitted" if self.mean is not None else "not fitted"
        return f"Standardizer(axis={self.axis!r}, epsilon={self.epsilon!r}) [{state}]"


def standardize(x: ArrayLike, axis: int | tuple[int, ...] | None = 0, epsilon: float = 1e-7) -> np.ndarray:
    """`x` with zero mean and unit standard deviation over `axis` (see Standardizer), same shape.

    Use a Standardizer instead when test data must be scaled with the training statistics.
    """
    return Standardizer(axis=axis, epsilon=epsilon).fit_transform(x)


def normalize(x: ArrayLike, axis: int = -1, order: float = 2) -> np.ndarray:
    """Scale vectors along `axis` to unit Lp norm (Keras' `normalize`); zero vectors stay zero.

    Parameters
    ----------
    x : array, any shape
    axis : int
    order : float
        The norm's p (2: Euclidean, 1: sum of absolute values, np.inf: largest magnitude).

    Returns
    -------
    ndarray, same shape as x
        float32 for integer input, else x's floating dtype.
    """
    x = np.asarray(x)
    x = x.astype(_float_dtype(x), copy=False)
    norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    norm[norm == 0] = 1
    return x / norm
