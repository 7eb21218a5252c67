"""Rosenblatt's perceptron: a step-function unit trained by its own error-correction rule."""
import numpy as np

from ..nn.functional import step
from ..tensor import Tensor


def _as_array(x):
    return np.asarray(x.data if isinstance(x, Tensor) else x, dtype=np.float64)


class Perceptron:
    """A single unit y = step(w . x + b) with labels 0 and 1, trained by the perceptron rule.

    n_features : int, the length of one sample.
    learning_rate : float, eta in the update w += eta * (target - prediction) * x.
    init_scale : float, standard deviation of the initial weights and bias (0: start from zeros,
        the classic choice; then every update is eta times an integer vector, so eta only scales
        the line's coefficients, but inputs can land exactly on the line, where step gives 0).
    seed : int, optional, for the initial weights and for shuffling.

    After `fit`: `weights` (n_features,), `bias` (float), `errors_` (misclassified samples in each
    epoch, i.e. the number of updates), `converged_epoch_` (the first epoch, counted from 1, with
    no error; None if there was none), `history_` ((weights, bias) after each epoch).

    >>> p = Perceptron(2, learning_rate=0.1).fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 0, 1])
    >>> p.predict([[0, 0], [0, 1], [1, 0], [1, 1]]).tolist(), p.converged_epoch_
    ([0, 0, 0, 1], 6)
    """

    def __init__(self, n_features, learning_rate=0.01, init_scale=0.0, seed=None):
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

    def net_input(self, x):
        """w . x + b for one sample (n_features,) -> float, or a batch (n, n_features) -> (n,)."""
        x = self._check(x)
        return x @ self.weights + self.bias

    def predict(self, x):
        """The class, 0 or 1: an int for one sample (n_features,), an int array (n,) for a batch."""
        out = step(self.net_input(x)).numpy().astype(np.int64)
        return int(out) if out.ndim == 0 else out

    def fit(self, X, y, epochs=100, shuffle=False):
        """Sweep the samples up to `epochs` times, updating after each mistake; stop after the
        first epoch with no mistake. Returns self.

        X : (n, n_features). y : (n,) of 0/1. shuffle : visit the samples in a new random order
        each epoch (else in the given order).
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
        x = _as_array(x)
        if x.ndim not in (1, 2) or x.shape[-1] != self.n_features:
            raise ValueError(f"Perceptron: expected a sample ({self.n_features},) or a batch "
                             f"(n, {self.n_features}), got shape {x.shape}")
        return x

    def __repr__(self):
        return (f"Perceptron(n_features={self.n_features}, learning_rate={self.learning_rate}, "
                f"weights={np.round(self.weights, 6).tolist()}, bias={round(self.bias, 6)})")
