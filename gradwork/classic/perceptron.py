"""Rosenblatt's perceptron: a step-function unit trained by its own error-correction rule."""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..nn.functional import step
from ..tensor import Tensor


def _as_array(x):
    """x (a Tensor's array, or array_like) as float64."""
    return np.asarray(x.data if isinstance(x, Tensor) else x, dtype=np.float64)


class Perceptron:
    """A single unit y = step(w . x + b) with labels 0 and 1, trained by the perceptron rule.

    The rule: after each misclassified sample, w += eta * (target - prediction) * x and
    b += eta * (target - prediction). It stops once an epoch makes no mistake, which happens when
    the data are linearly separable (and never for XOR).

    Parameters
    ----------
    n_features : int
        The length of one sample.
    learning_rate : float
        eta in the update.
    init_scale : float
        Standard deviation of the initial weights and bias (0: start from zeros, the classic
        choice; then every update is eta times an integer vector, so eta only scales the line's
        coefficients, but inputs can land exactly on the line, where step gives 0).
    seed : int, optional
        For the initial weights and for shuffling.

    Attributes
    ----------
    weights : ndarray, shape (n_features,)
    bias : float
    errors_ : list of int
        Misclassified samples in each epoch of the last `fit`, i.e. the number of updates.
    converged_epoch_ : int or None
        The first epoch, counted from 1, with no error; None if there was none.
    history_ : list of (ndarray of shape (n_features,), float)
        (weights, bias) after each epoch.

    Raises
    ------
    ValueError
        If `n_features` or `learning_rate` is not positive.

    Examples
    --------
    >>> p = Perceptron(2, learning_rate=0.1).fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 0, 1])
    >>> p.predict([[0, 0], [0, 1], [1, 0], [1, 1]]).tolist(), p.converged_epoch_
    ([0, 0, 0, 1], 6)
    """

    def __init__(self, n_features: int, learning_rate: float = 0.01, init_scale: float = 0.0,
                 seed: int | None = None) -> None:
        if int(n_features) <= 0:
            raise ValueError(f"Perceptron: n_features must be a positive integer, got {n_features}")
        if learning_rate <= 0:
            raise ValueError(f"Perceptron: learning_rate must be positive, got {learning_rate}")
        self.n_features, self.learning_rate = int(n_features), float(learning_rate)
        self._rng = np.random.default_rng(seed)
        size = self.n_features + 1
        start = self._rng.normal(0.0, init_scale, size) if init_scale else np.zeros(size)
        self.weights, self.bias = start[:-1], float(start[-1])
        self.errors_, self.history_, self.converged_epoch_ = [], [], None

    def net_input(self, x: ArrayLike | Tensor) -> float | np.ndarray:
        """w . x + b, before the step.

        Parameters
        ----------
        x : array_like or Tensor, shape (n_features,) or (n, n_features)

        Returns
        -------
        float (a 0-d float64) for one sample, or ndarray of float64, shape (n,), for a batch

        Raises
        ------
        ValueError
            If the last axis is not n_features long, or x is not 1-D or 2-D.
        """
        x = self._check(x)
        return x @ self.weights + self.bias

    def predict(self, x: ArrayLike | Tensor) -> int | np.ndarray:
        """The class, 0 or 1, that step(w . x + b) gives.

        Parameters
        ----------
        x : array_like or Tensor, shape (n_features,) or (n, n_features)
            One sample or a batch.

        Returns
        -------
        int for one sample, or ndarray of int64, shape (n,), for a batch
        """
        out = step(self.net_input(x)).numpy().astype(np.int64)
        return int(out) if out.ndim == 0 else out

    def fit(self, X: ArrayLike | Tensor, y: ArrayLike, epochs: int = 100, shuffle: bool = False) -> Perceptron:
        """Sweep the samples up to `epochs` times, updating after each mistake; stop after the
        first epoch with no mistake.

        Starts from the current weights (a second `fit` continues training) but resets `errors_`,
        `history_` and `converged_epoch_`.

        Parameters
        ----------
        X : array_like or Tensor, shape (n, n_features)
        y : array_like of 0/1, shape (n,)
        epochs : int
            The most sweeps.
        shuffle : bool
            Visit the samples in a new random order each epoch (else in the given order).

        Returns
        -------
        Perceptron
            self.

        Raises
        ------
        ValueError
            If the shapes do not match or a label is not 0 or 1.
        """
        X = self._check(X)
        y = np.asarray(y)
        if X.ndim != 2 or y.shape != (X.shape[0],):
            raise ValueError(f"Perceptron.fit: expected X (n, {self.n_features}) and y (n,), "
                             f"got {X.shape} and {y.shape}")
        if not np.isin(y, (0, 1)).all():
            raise ValueError("Perceptron.fit: labels must be 0 or 1")
        self.errors_, self.history_, self.converged_epoch_ = [], [], None
        for epoch in range(1, int(epochs) + 1):
            order = self._rng.permutation(len(X)) if shuffle else range(len(X))
            errors = 0
            for i in order:
                update = self.learning_rate * (y[i] - self.predict(X[i]))
                if update:
                    self.weights = self.weights + update * X[i]
                    self.bias += update
                    errors += 1
            self.errors_.append(errors)
            self.history_.append((self.weights.copy(), self.bias))
            if errors == 0:
                self.converged_epoch_ = epoch
                break
        return self

    def _check(self, x):
        """x as float64, checked to be one sample or a batch of n_features columns."""
        x = _as_array(x)
        if x.ndim not in (1, 2) or x.shape[-1] != self.n_features:
            raise ValueError(f"Perceptron: expected a sample ({self.n_features},) or a batch "
                             f"(n, {self.n_features}), got shape {x.shape}")
        return x

    def __repr__(self) -> str:
        return (f"Perceptron(n_features={self.n_features}, learning_rate={self.learning_rate}, "
                f"weights={np.round(self.weights, 6).tolist()}, bias={round(self.bias, 6)})")
